"""`outpost hooks add|list|remove` with the real program, and a hook delivered by the real program.

The keyring is the test's file keyring (tests/support/filekeyring.py): the signing secret must be
there, printed once by `add`, and nowhere in the data folder or the log. The network is the strict
Mastodon fake on a loopback server; the hooks are a small HTTP receiver of the test's own and a
command that writes its standard input to a file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost

HOOK_KEYS = {"id", "event", "url", "command", "created_at", "last_delivery"}


class Outpost:
    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        self.keyring = root / "keyring.json"
        self.env = outpost_env(self.keyring)

    def __call__(self, *args: str, exit_code: int = 0) -> subprocess.CompletedProcess[str]:
        done = run_outpost(self.data, *args, env=self.env, timeout=60)
        assert done.returncode == exit_code, (done.stdout, done.stderr)
        return done

    def json(self, *args: str) -> object:
        return json.loads(self(*args).stdout)


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    got: list[tuple[dict[str, str], bytes]] = []

    class Handle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_add_list_remove_and_the_secret_only_in_the_keyring(tmp_path: Path) -> None:
    outpost = Outpost(tmp_path)
    added = outpost.json("hooks", "add", "post_published", "--url", "https://example.com/outpost")
    assert isinstance(added, dict) and set(added) == HOOK_KEYS | {"secret"}
    assert added["event"] == "post_published" and added["url"] == "https://example.com/outpost"
    assert added["command"] is None and added["last_delivery"] is None
    secret = added["secret"]
    assert isinstance(secret, str) and len(secret) == 64
    command = outpost.json("hooks", "add", "mention_received", "--command", "notify-me --loud")
    assert (
        isinstance(command, dict) and command["secret"] is None and command["command"] == "notify-me --loud"
    )

    listed = outpost.json("hooks", "list")
    assert isinstance(listed, list) and [h["id"] for h in listed] == [added["id"], command["id"]]
    assert all(set(h) == HOOK_KEYS for h in listed)  # never the secret again
    text = outpost("hooks", "list", "--json").stdout  # --json after the command, too
    assert secret not in text
    human = run_outpost(outpost.data, "hooks", "list", env=outpost.env, json_output=False)
    assert "POST https://example.com/outpost" in human.stdout and "not delivered yet" in human.stdout

    assert secret in outpost.keyring.read_text()
    for path in outpost.data.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path

    removed = outpost.json("hooks", "remove", str(added["id"]))
    assert removed == {"id": added["id"], "removed": True}
    assert secret not in outpost.keyring.read_text()
    assert [h["id"] for h in outpost.json("hooks", "list")] == [command["id"]]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("post_deleted", "--url", "https://example.com"), "invalid choice: 'post_deleted'"),
        (("post_failed",), "one of the arguments --url --command is required"),
        (("post_failed", "--url", "https://a.example", "--command", "x"), "not allowed with argument"),
        (("post_failed", "--url", "example.com/hook"), "--url: 'example.com/hook' is not a web address"),
        (("post_failed", "--command", "say 'unclosed"), '--command: "say \'unclosed" cannot be read'),
    ],
)
def test_bad_hooks_are_refused_with_exit_2(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    done = Outpost(tmp_path)("hooks", "add", *args, exit_code=2)
    assert said in done.stderr


def test_removing_an_unknown_hook_says_where_to_look(tmp_path: Path) -> None:
    done = Outpost(tmp_path)("hooks", "remove", "hook_nope", exit_code=2)
    assert "No hook 'hook_nope'" in done.stderr and "outpost hooks list" in done.stderr


def test_the_program_delivers_a_published_post_to_both_kinds_of_hook(
    tmp_path: Path, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, got = receiver
    outpost = Outpost(tmp_path)
    out = tmp_path / "published.json"
    script = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
    added = outpost.json("hooks", "add", "post_published", "--url", url)
    assert isinstance(added, dict)
    outpost("hooks", "add", "post_published", "--command", f'{sys.executable} -c "{script}" {out}')
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        instance = f"http://127.0.0.1:{server.port}"
        account = outpost.json(
            "accounts", "add", "mastodon", "--instance", instance, "--access-token", "token-alice"
        )
        assert isinstance(account, dict)
        post = outpost.json(
            "post", "create", "--text", "Hello from the program", "--account", account["id"], "--now"
        )
    assert isinstance(post, dict) and post["status"] == "published"

    [(headers, body)] = got
    expected = hmac.new(str(added["secret"]).encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-outpost-signature"] == f"sha256={expected}"
    document = json.loads(body)
    assert document["event"] == "post_published"
    shown = outpost.json("post", "show", post["id"])
    assert document["data"] == shown  # the post as `outpost --json post show` prints it
    assert json.loads(out.read_bytes())["data"] == shown
    statuses = sorted(h["last_delivery"]["status"] for h in outpost.json("hooks", "list"))  # type: ignore[union-attr, index]
    assert statuses == ["HTTP 204", "exit 0"]
    log = (outpost.data / "logs" / "outpost.log").read_text()
    assert str(added["secret"]) not in log


def test_a_run_from_the_os_scheduler_tells_hooks_of_new_mentions(tmp_path: Path) -> None:
    outpost = Outpost(tmp_path)
    out = tmp_path / "mention.json"
    script = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
    outpost("hooks", "add", "mention_received", "--command", f'{sys.executable} -c "{script}" {out}')
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        instance = f"http://127.0.0.1:{server.port}"
        outpost("accounts", "add", "mastodon", "--instance", instance, "--access-token", "token-alice")
        fake.mention("old@elsewhere.example", "from before")
        outpost("run", "--until-idle")  # what `outpost service` runs every few minutes
        assert not out.exists()  # the first look only notes where things stand
        fake.mention("bob@elsewhere.example", "Saw your post!")
        outpost("run", "--until-idle")
    body = json.loads(out.read_bytes())
    assert body["event"] == "mention_received"
    assert (body["data"]["author"], body["data"]["text"]) == (
        "@bob@elsewhere.example",
        "@alice Saw your post!",
    )
