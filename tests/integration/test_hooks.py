"""Hooks delivered by the real engine to real receivers: an HTTP server on 127.0.0.1 and a command.

The networks are the strict Mastodon fake over loopback; the receiver is a plain HTTP server of
the test's own (the hooks' client goes over the real network stack, not the fakes' transport).
What a creator's receiver sees: the JSON of the post or account as `outpost --json` prints it, a
signature that checks out with the secret shown at `hooks add`, the same delivery again after it
failed, and publishing never waiting for any of it. The secret is nowhere but the keyring.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import NotFoundError, ValidationError
from outpost.domain.models import Account
from outpost.domain.shapes import account_json, post_json
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, object]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """The creator's web endpoint: records every request, answers `answers` in turn (then 200)."""

    answers: list[int] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    got: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.answers.pop(0) if self.answers else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    state.hold.set()

    class Handle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.hold.wait(10)
            state.got.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.answer())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/outpost-hook?token=path-secret"
    try:
        yield state
    finally:
        state.hold.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def mastodon(clock: FakeClock) -> FakeMastodon:
    server = FakeMastodon()
    server.now = clock.now
    return server


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, mastodon: FakeMastodon, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.MASTODON: MastodonAdapter})
    with served(mastodon.handle) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )


def _valid(secret: str, got: Received) -> bool:
    scheme, _, signature = got.headers["x-outpost-signature"].partition("=")
    expected = hmac.new(secret.encode(), got.body, hashlib.sha256).hexdigest()
    return scheme == "sha256" and hmac.compare_digest(signature, expected)


async def test_a_url_hook_gets_the_published_post_signed_with_its_secret(
    engine: Engine, alice: Account, receiver: Receiver, clock: FakeClock
) -> None:
    made = await engine.hooks.add("post_published", url=receiver.url)
    assert made.secret and len(made.secret) == 64
    post = await engine.posts.create(PostInput(text="Hello hooks", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED
    await engine.hooks.drain()

    [got] = receiver.got
    assert _valid(made.secret, got)
    assert not _valid("another-secret", got)
    body = got.document
    assert body["event"] == "post_published" and got.headers["x-outpost-event"] == "post_published"
    assert body["data"] == post_json(await engine.posts.get(post.id))  # as `outpost --json post show`
    assert body["at"] == "2026-11-25T12:00:00Z"
    assert got.headers["x-outpost-timestamp"] == str(body["sent_at"]) == str(int(clock.now().timestamp()))
    assert got.headers["x-outpost-delivery"] == body["delivery_id"]
    assert got.headers["content-type"] == "application/json"

    [listed] = await engine.hooks.list()
    assert listed.last_delivery is not None and listed.last_delivery.ok
    assert listed.last_delivery.status == "HTTP 200" and listed.last_delivery.event == "post_published"


async def test_a_failing_receiver_gets_the_same_delivery_again_with_growing_pauses(
    engine: Engine, alice: Account, receiver: Receiver, clock: FakeClock
) -> None:
    made = await engine.hooks.add("post_published", url=receiver.url)
    receiver.answers = [500, 503, 429]
    await engine.posts.create(PostInput(text="Try again", accounts=(alice.id,)), When.now())
    await engine.hooks.drain()

    assert len(receiver.got) == 4
    assert len({g.headers["x-outpost-delivery"] for g in receiver.got}) == 1  # one delivery, four tries
    assert all(_valid(made.secret or "", g) for g in receiver.got)  # re-signed at each try
    stamps = [int(g.headers["x-outpost-timestamp"]) for g in receiver.got]
    pauses = [b - a for a, b in itertools.pairwise(stamps)]
    assert 48 <= pauses[0] <= 72 and 144 <= pauses[1] <= 216 and 432 <= pauses[2] <= 648  # 1, 3, 9 min ±20 %
    [listed] = await engine.hooks.list()
    assert listed.last_delivery is not None and listed.last_delivery.ok


async def test_a_receiver_down_for_good_is_given_up_after_five_tries_in_about_half_an_hour(
    engine: Engine,
    alice: Account,
    receiver: Receiver,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    made = await engine.hooks.add("post_published", url=receiver.url)
    receiver.answers = [500] * 10
    start = clock.now()
    with caplog.at_level(logging.DEBUG):
        await engine.posts.create(PostInput(text="Nobody home", accounts=(alice.id,)), When.now())
        await engine.hooks.drain()
    assert len(receiver.got) == 5
    assert 25 * 60 <= (clock.now() - start).total_seconds() <= 40 * 60
    [listed] = await engine.hooks.list()
    assert listed.last_delivery is not None and not listed.last_delivery.ok
    assert listed.last_delivery.status == "HTTP 500, gave up after 5 tries"
    # The secret is in the keyring only: not in the logs, not in any file of the data folder.
    # (Outpost's log file takes the `outpost` loggers only: log.setup_logging)
    said = [r.getMessage() for r in caplog.records if r.name.startswith("outpost")]
    assert made.secret is not None
    assert all(made.secret not in line for line in said)
    assert all("path-secret" not in line for line in said)  # a URL's query or path may hold a token
    assert any("gave up after 5 tries" in line for line in said)
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert made.secret.encode() not in path.read_bytes(), path


async def test_a_final_refusal_is_not_retried(engine: Engine, alice: Account, receiver: Receiver) -> None:
    await engine.hooks.add("post_published", url=receiver.url)
    receiver.answers = [410]
    await engine.posts.create(PostInput(text="Gone", accounts=(alice.id,)), When.now())
    await engine.hooks.drain()
    assert len(receiver.got) == 1
    [listed] = await engine.hooks.list()
    assert listed.last_delivery is not None and listed.last_delivery.status == "HTTP 410, gave up after 1 try"


async def test_publishing_never_waits_for_a_slow_receiver(
    engine: Engine, alice: Account, receiver: Receiver
) -> None:
    await engine.hooks.add("post_published", url=receiver.url)
    receiver.hold.clear()  # the receiver takes the request and sits on it
    async with asyncio.timeout(5):
        posts = [
            await engine.posts.create(PostInput(text=f"post {i}", accounts=(alice.id,)), When.now())
            for i in range(3)
        ]
    assert all(p.status is PostStatus.PUBLISHED for p in posts)
    assert receiver.got == []
    receiver.hold.set()
    await engine.hooks.drain()
    assert sorted(g.document["data"]["text"] for g in receiver.got) == ["post 0", "post 1", "post 2"]  # type: ignore[index]


async def test_failure_and_disconnection_go_to_their_hooks_once(
    engine: Engine, alice: Account, mastodon: FakeMastodon, receiver: Receiver
) -> None:
    failed = await engine.hooks.add("post_failed", url=receiver.url)
    gone = await engine.hooks.add("account_disconnected", url=receiver.url)
    await engine.hooks.add("post_published", url=receiver.url)  # not for these events
    mastodon.tokens.clear()  # the token was revoked on the server
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.FAILED
    await engine.accounts.check()
    await engine.accounts.check()  # still broken: not a new disconnection
    await engine.hooks.drain()

    events = [g.document["event"] for g in receiver.got]
    assert sorted(events) == ["account_disconnected", "post_failed"]
    by_event = {g.document["event"]: g for g in receiver.got}
    assert _valid(failed.secret or "", by_event["post_failed"])
    assert _valid(gone.secret or "", by_event["account_disconnected"])
    account = await engine.accounts.get(alice.id)
    assert by_event["account_disconnected"].document["data"] == account_json(account)


async def test_a_command_hook_gets_the_mention_as_json_on_stdin(
    engine: Engine, alice: Account, mastodon: FakeMastodon, tmp_path: Path
) -> None:
    out = tmp_path / "got a mention.json"
    script = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
    made = await engine.hooks.add("mention_received", command=f"{sys.executable} -c \"{script}\" '{out}'")
    assert made.secret is None
    await engine.mentions.poll()  # the first poll only starts the cursor
    mastodon.mention("bob@elsewhere.example", "Nice one!")
    await engine.mentions.poll()
    await engine.hooks.drain()

    body = json.loads(out.read_bytes())
    assert body["event"] == "mention_received"
    assert body["data"]["author"] == "@bob@elsewhere.example"
    assert body["data"]["text"] == "@alice Nice one!"
    assert body["data"]["account_id"] == alice.id and body["data"]["network"] == "mastodon"
    [listed] = await engine.hooks.list()
    assert listed.last_delivery is not None and listed.last_delivery.status == "exit 0"


async def test_a_command_that_fails_or_is_missing_is_recorded(
    engine: Engine, alice: Account, caplog: pytest.LogCaptureFixture
) -> None:
    await engine.hooks.add("post_published", command=f"{sys.executable} -c 'import sys; sys.exit(3)'")
    await engine.hooks.add("post_published", command="/nonexistent/outpost-receiver --flag")
    with caplog.at_level(logging.WARNING, logger="outpost.engine.hooks"):
        await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
        await engine.hooks.drain()
    statuses = sorted(h.last_delivery.status for h in await engine.hooks.list() if h.last_delivery)
    assert statuses[0] == "cannot run /nonexistent/outpost-receiver: No such file or directory"
    assert statuses[1] == "exit 3"
    assert any("exited 3" in r.getMessage() for r in caplog.records)


async def test_adding_is_checked_and_removing_deletes_the_secret(
    engine: Engine, secrets: MemorySecretStore, receiver: Receiver
) -> None:
    with pytest.raises(ValidationError, match="is not an event Outpost reports"):
        await engine.hooks.add("post_deleted", url=receiver.url)
    with pytest.raises(ValidationError, match=r"either --url URL .* or --command CMD"):
        await engine.hooks.add("post_failed", url=receiver.url, command="true")
    with pytest.raises(ValidationError, match="not a web address"):
        await engine.hooks.add("post_failed", url="ftp://example.com/x")
    with pytest.raises(ValidationError, match="cannot be read as a command line"):
        await engine.hooks.add("post_failed", command="notify 'unclosed")
    assert await engine.hooks.list() == []

    made = await engine.hooks.add("post_failed", url=receiver.url)
    assert secrets.secrets[f"hook/{made.hook.id}"] == {"secret": made.secret}
    await engine.hooks.remove(made.hook.id)
    assert f"hook/{made.hook.id}" not in secrets.secrets
    with pytest.raises(NotFoundError, match="hooks list"):
        await engine.hooks.remove(made.hook.id)


async def test_nothing_of_the_sandbox_goes_to_hooks(tmp_path: Path, receiver: Receiver) -> None:
    from outpost.sandbox.mode import Sandbox

    engine = Engine.open(tmp_path / "sandboxed", secrets=MemorySecretStore(), clock=FakeClock())
    sandbox = Sandbox(engine)
    try:
        await engine.hooks.add("post_published", url=receiver.url)
        mastodon = next(a for a in await sandbox.start() if a.network is Network.MASTODON)
        post = await engine.posts.create(PostInput(text="Just trying", accounts=(mastodon.id,)), When.now())
        assert post.status is PostStatus.PUBLISHED
        await engine.hooks.drain()
        assert receiver.got == []  # nothing written in sandbox mode leaves the computer
    finally:
        await engine.close()
        await sandbox.stop()
