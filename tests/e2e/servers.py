"""Real servers on loopback for end-to-end tests: snac2 (Mastodon API) and a Bluesky PDS.

Installed by `scripts/setup-e2e` (which `make test` and CI run). If they are missing the tests
fail with that hint rather than skip: CI must exercise them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SNAC = ROOT / ".e2e" / "snac2root" / "usr" / "bin" / "snac"
PDS_DIR = ROOT / "tests" / "e2e" / "bsky"
HINT = "run scripts/setup-e2e (make test does) to install the end-to-end servers"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Snac:
    """A snac2 instance with one user, `alice`."""

    data: Path
    port: int = field(default_factory=free_port)
    login: str = "alice"
    password: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def create(self) -> Snac:
        assert SNAC.exists(), HINT
        answers = f"127.0.0.1\n{self.port}\n127.0.0.1:{self.port}\n\n\n"
        subprocess.run(
            [SNAC, "init", str(self.data)], input=answers.encode(), check=True, capture_output=True
        )
        subprocess.run([SNAC, "adduser", str(self.data)], input=b"alice\n", check=True, capture_output=True)
        reset = subprocess.run(
            [SNAC, "resetpwd", str(self.data), "alice"], check=True, capture_output=True, text=True
        )
        self.password = re.search(r"is (\S+)", reset.stdout + reset.stderr).group(1)  # type: ignore[union-attr]
        config = self.data / "server.json"
        settings = json.loads(config.read_text())
        settings["protocol"] = "http"  # URLs in answers use http on loopback
        config.write_text(json.dumps(settings))
        return self.start()

    def start(self) -> Snac:
        self.process = subprocess.Popen(
            [SNAC, "httpd", str(self.data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for_port(self.port, 15)
        except BaseException:
            self.stop()  # a server that never came up is still a child to reap
            raise
        return self

    def stop(self) -> None:
        stop(self.process)
        self.process = None

    def client(self) -> httpx.Client:
        # snac once reset a kept-alive connection after a multipart upload (ENVIRONMENT.md §5b).
        return httpx.Client(base_url=self.url, limits=httpx.Limits(max_keepalive_connections=0), timeout=30)

    def sign_in(self, authorize_url: str, *, state: str | None = None, password: str | None = None) -> None:
        """What a person does on snac's sign-in page; the redirect lands on Outpost's listener."""
        with self.client() as browser:
            page = browser.get(authorize_url)
            action = re.search(r'<form method="post" action="([^"]+)"', page.text)
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
            assert action, page.text
            if state is not None:
                fields["state"] = state
            fields |= {"login": self.login, "passwd": password or self.password}
            answer = browser.post(action.group(1), data=fields)
            location = answer.headers.get("location", "")
            if location.startswith("http://127.0.0.1"):
                httpx.get(location, timeout=10)


@dataclass
class Pds:
    """A Bluesky PDS with an in-memory PLC directory; the JWT secret is ours, to mint expired tokens."""

    data: Path
    port: int = field(default_factory=free_port)
    plc_port: int = field(default_factory=free_port)
    jwt_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Pds:
        node = shutil.which("node")
        assert node and (PDS_DIR / "node_modules" / "@atproto" / "pds").exists(), HINT
        env = {
            **os.environ,
            "PLC_PORT": str(self.plc_port),
            "PDS_PORT": str(self.port),
            "PDS_DATA_DIRECTORY": str(self.data),
            "PDS_JWT_SECRET": self.jwt_secret,
        }
        self.process = subprocess.Popen(
            [node, "run-local.js"], cwd=PDS_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for_port(self.port, 90)
        except BaseException:
            self.stop()  # a server that never came up is still a child to reap
            raise
        return self

    def stop(self) -> None:
        stop(self.process)
        self.process = None

    def create_account(self, name: str) -> tuple[str, str]:
        """A new account `name.test`; returns (handle, app password)."""
        handle = f"{name}.test"
        with httpx.Client(base_url=f"{self.url}/xrpc", timeout=30) as client:
            client.post(
                "com.atproto.server.createAccount",
                json={"handle": handle, "email": f"{name}@example.test", "password": "hunter22"},
            ).raise_for_status()
            session = client.post(
                "com.atproto.server.createSession", json={"identifier": handle, "password": "hunter22"}
            ).json()
            app = client.post(
                "com.atproto.server.createAppPassword",
                json={"name": "outpost"},
                headers={"Authorization": f"Bearer {session['accessJwt']}"},
            )
            app.raise_for_status()
        return handle, str(app.json()["password"])

    def get(self, nsid: str, **params: str) -> dict[str, object]:
        response = httpx.get(f"{self.url}/xrpc/{nsid}", params=params, timeout=30)
        response.raise_for_status()
        return dict(response.json())

    def expired(self, token: str) -> str:
        """The same access token, re-signed with our secret, expired an hour ago."""
        header, payload, _ = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["exp"] = int(time.time()) - 3600
        claims["iat"] = claims["exp"] - 7200
        body = (
            base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=").decode()
        )
        signing_input = f"{header}.{body}".encode()
        signature = hmac.new(self.jwt_secret.encode(), signing_input, hashlib.sha256).digest()
        return f"{header}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
