"""The real `outpost` program against the strict fakes of X and LinkedIn, pointed at them with
`OUTPOST_API_URL_<NETWORK>` / `OUTPOST_AUTH_URL_<NETWORK>` (INTERFACE.md, Environment).

Each network's fake runs on two loopback servers (its API host and its sign-in host); the
person's browser is tests/support/oauth_browser.py via $BROWSER; the keyring is the file-backed
test backend, so the test can check that secrets went there and nowhere else.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.contract.fake_linkedin import API as LINKEDIN_API
from tests.contract.fake_linkedin import CLIENT_ID as LINKEDIN_CLIENT_ID
from tests.contract.fake_linkedin import CLIENT_SECRET as LINKEDIN_SECRET
from tests.contract.fake_linkedin import WEB as LINKEDIN_WEB
from tests.contract.fake_linkedin import FakeLinkedIn
from tests.contract.fake_x import API, CLIENT_ID, WEB, FakeX
from tests.support.loopback import Handler, LoopbackServer
from tests.support.program import ROOT, outpost_env, run_outpost


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Program:
    """Runs `outpost --json …` as a person's shell would, with the test's environment."""

    data: Path
    env: dict[str, str]

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_outpost(self.data, *args, env=self.env, stdin=stdin)


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "keyring.json"


def program(tmp_path: Path, keyring_file: Path, **overrides: str) -> Program:
    browser = f"{sys.executable} {ROOT / 'tests' / 'support' / 'oauth_browser.py'} %s"
    return Program(tmp_path / "data", outpost_env(keyring_file, BROWSER=browser, **overrides))


@contextmanager
def serve_two_hosts(handler: Handler, api: str, web: str) -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer(handler, origin=api) as api_server, LoopbackServer(handler, origin=web) as web_server:
        yield api_server, web_server
    assert api_server.errors == [] and web_server.errors == []


@pytest.fixture
def x_server() -> Iterator[tuple[FakeX, str, str]]:
    fake = FakeX()
    with serve_two_hosts(fake.handle, API, WEB) as (api_server, web_server):
        yield fake, f"http://127.0.0.1:{api_server.port}", f"http://127.0.0.1:{web_server.port}"


def assert_secrets_only_in_keyring(data: Path, keyring_file: Path, *secrets: str) -> None:
    """No token anywhere in the data dir (database, WAL, settings, logs, cache); all in the keyring."""
    kept = keyring_file.read_text()
    for secret in secrets:
        assert secret in kept
        for path in data.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), f"a secret leaked into {path}"


def test_x_from_connect_to_a_published_thread_with_a_photo(
    tmp_path: Path, keyring_file: Path, x_server: tuple[FakeX, str, str]
) -> None:
    fake, api_url, auth_url = x_server
    port = free_port()
    fake.register_app(CLIENT_ID, port)
    outpost = program(tmp_path, keyring_file, OUTPOST_API_URL_X=api_url, OUTPOST_AUTH_URL_X=auth_url)

    connected = outpost("accounts", "connect", "x", stdin=f"{CLIENT_ID}\n\n{port}\n")
    assert connected.returncode == 0, connected.stderr
    assert "http://127.0.0.1:8765/callback" in connected.stderr  # the setup steps were shown
    account = json.loads(connected.stdout)
    assert (account["network"], account["handle"], account["health"]["state"]) == ("x", "alice_x", "ok")

    photo = media_fixtures.image(tmp_path / "photo.jpg", 400, 300)
    created = outpost(
        "post", "create", "--text", "Hello from Outpost", "--thread", "and a second part",
        "--account", "x:alice_x", "--media", str(photo), "--alt", "A red rectangle", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    post = json.loads(created.stdout)
    target = post["targets"][0]
    first, second = fake.tweets
    assert (post["status"], target["platform_post_id"], second.reply_to) == ("published", first.id, first.id)
    assert target["permalink"] == f"https://x.com/alice_x/status/{first.id}"
    assert fake.uploads[first.media_ids[0]].alt_text == "A red rectangle"

    # Too long (é counts 1, 漢 2: 282 of 280): saved as a draft, with the problem; not sent.
    too_long = outpost("post", "create", "--text", "é" * 200 + "漢" * 41, "--account", "x:alice_x")
    assert too_long.returncode == 0, too_long.stderr
    assert "x:alice_x" in too_long.stderr and "282" in too_long.stderr and "280" in too_long.stderr
    [warning] = json.loads(too_long.stdout)["warnings"]
    assert (warning["network"], warning["limit"], warning["actual"]) == ("x", 280, 282)
    refused = outpost("post", "publish", json.loads(too_long.stdout)["id"])
    assert refused.returncode == 2 and "282" in refused.stderr and len(fake.tweets) == 2

    def x_credentials() -> dict[str, str]:
        entries = [json.loads(v) for v in json.loads(keyring_file.read_text()).values()]
        return next(e for e in entries if "refresh_token" in e)

    before = x_credentials()
    fake.oauth.expire_access_tokens()  # two hours later
    later = outpost("post", "create", "--text", "Still connected", "--account", "x:alice_x", "--now")
    assert later.returncode == 0, later.stderr
    after = x_credentials()
    assert fake.oauth.refreshes == 1 and after["refresh_token"] != before["refresh_token"]
    assert_secrets_only_in_keyring(outpost.data, keyring_file, after["access_token"], after["refresh_token"])


def test_x_connect_without_answers_explains_the_setup_and_saves_nothing(
    tmp_path: Path, keyring_file: Path, x_server: tuple[FakeX, str, str]
) -> None:
    _, api_url, auth_url = x_server
    outpost = program(tmp_path, keyring_file, OUTPOST_API_URL_X=api_url, OUTPOST_AUTH_URL_X=auth_url)
    refused = outpost("accounts", "connect", "x", stdin="")
    assert refused.returncode == 2
    assert "Native App" in refused.stderr and "client_id: no client id given" in refused.stderr
    assert json.loads(refused.stdout)["error"]["problems"][0]["field"] == "client_id"
    assert json.loads(outpost("accounts", "list").stdout) == []


@pytest.fixture
def linkedin_server() -> Iterator[tuple[FakeLinkedIn, str, str]]:
    fake = FakeLinkedIn(part_size=8 * 1024)
    with serve_two_hosts(fake.handle, LINKEDIN_API, LINKEDIN_WEB) as (api_server, web_server):
        fake.upload_origin = f"http://127.0.0.1:{api_server.port}"  # upload URLs the other process can reach
        yield fake, f"http://127.0.0.1:{api_server.port}", f"http://127.0.0.1:{web_server.port}"


def test_linkedin_member_and_page_from_the_command_line(
    tmp_path: Path, keyring_file: Path, linkedin_server: tuple[FakeLinkedIn, str, str]
) -> None:
    fake, api_url, auth_url = linkedin_server
    port = free_port()
    fake.register_app(port)
    outpost = program(
        tmp_path, keyring_file, OUTPOST_API_URL_LINKEDIN=api_url, OUTPOST_AUTH_URL_LINKEDIN=auth_url
    )
    member = outpost(
        "accounts", "connect", "linkedin", stdin=f"{LINKEDIN_CLIENT_ID}\n{LINKEDIN_SECRET}\n{port}\n"
    )
    assert member.returncode == 0, member.stderr
    assert json.loads(member.stdout)["handle"] == "alice-example"
    page = outpost("accounts", "connect", "linkedin", "--target", "urn:li:organization:2414183")
    assert page.returncode == 0, page.stderr  # the app is in the keyring now: no questions
    assert json.loads(page.stdout)["handle"] == "devtestco"

    clip = media_fixtures.video(tmp_path / "clip.mp4", 640, 360, seconds=3.5)
    created = outpost(
        "post", "create", "--text", "Launch (at last) #outpost", "--account", "linkedin:alice-example",
        "--account", "linkedin:devtestco", "--media", str(clip), "--option", "linkedin.visibility=PUBLIC", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    targets = json.loads(created.stdout)["targets"]
    assert {t["status"] for t in targets} == {"published"}
    assert {p.author for p in fake.posts} == {"urn:li:person:782bbtaQ", "urn:li:organization:2414183"}
    assert all(p.shown == "Launch (at last) #outpost" for p in fake.posts)
    assert all(
        t["permalink"].startswith("https://www.linkedin.com/feed/update/urn:li:share:") for t in targets
    )

    members_only = outpost(
        "post", "create", "--text", "hi", "--account", "linkedin:devtestco",
        "--option", "linkedin.visibility=CONNECTIONS", "--now",
    )  # fmt: skip
    assert members_only.returncode == 2 and "linkedin.visibility" in members_only.stderr
    assert len(fake.posts) == 2  # refused before anything was sent
    tokens = [json.loads(v) for v in json.loads(keyring_file.read_text()).values()]
    secrets = [t["access_token"] for t in tokens if "access_token" in t] + [LINKEDIN_SECRET]
    assert_secrets_only_in_keyring(outpost.data, keyring_file, *secrets)
