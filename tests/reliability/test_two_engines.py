"""The window's engine and `outpost run` as real processes on one store: each post goes out once.

The window is an engine in this test's process (as the window runs one); `outpost run` is the
real program in another process, killed with SIGKILL twice while it publishes (once after
Mastodon acted and before the answer left, once after the answer left) and started again, as
the OS scheduler would start it. Ten posts come due one after another; both engines race for
each of them against the strict Mastodon fake over loopback. At the end every post is published
and on Mastodon exactly once (issue #20).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from outpost.domain.enums import PostStatus
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(300)]

WINDOW = "x-test-engine"  # a header the window's requests carry, so kills only count `outpost run`'s
POSTS = 10


class FromTheWindow(httpx.AsyncHTTPTransport):
    """The window's real HTTP transport, marking its requests for the kill switch."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers[WINDOW] = "window"
        return await super().handle_async_request(request)


class Killer:
    """SIGKILLs the current `outpost run` at its `nth` create request (from 1), in `phase`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = 0
        self.nth = 0
        self.phase = ""
        self.seen = 0
        self.kills: list[tuple[str, str]] = []  # (phase, idempotency key) of each kill

    def arm(self, pid: int, nth: int, phase: str) -> None:
        with self.lock:
            self.pid, self.nth, self.phase, self.seen = pid, nth, phase, 0

    def __call__(self, current: str, request: httpx.Request) -> bool:
        creates = request.method == "POST" and request.url.path == "/api/v1/statuses"
        if not creates or WINDOW in request.headers:
            return True
        with self.lock:
            if not self.pid:
                return True
            if current == "received":
                self.seen += 1
            if self.seen == self.nth and current == self.phase:
                os.kill(self.pid, signal.SIGKILL)
                self.kills.append((current, request.headers.get("idempotency-key", "")))
                self.pid = 0
                return False  # the answer never leaves (the process is gone anyway)
        return True


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server


def _wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


async def test_the_window_and_outpost_run_killed_twice_publish_each_post_once(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, server = mastodon
    data, keyring = tmp_path / "data", tmp_path / "keyring.json"
    env = outpost_env(keyring)
    added = run_outpost(
        data,
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        "token-alice",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)["id"]
    secrets = MemorySecretStore()  # the window's keyring: the same secrets the program reads
    for key, value in json.loads(keyring.read_text()).items():
        secrets.set(key.split("\0", 1)[1], json.loads(value))

    killer = Killer()
    server.on_phase = killer
    window = Engine.open(data, secrets=secrets, transport=FromTheWindow())
    try:
        first = datetime.now(UTC) + timedelta(seconds=4)
        for n in range(POSTS):  # due one after another, half a second apart
            at = (first + timedelta(seconds=n / 2)).isoformat()
            await window.posts.create(PostInput(text=f"post {n}", accounts=(account,)), When.scheduled(at))
        await window.start()
        window.pause()  # until the first kill: `outpost run` takes the first posts for sure
        with ExitStack() as children:

            def run() -> subprocess.Popen[str]:
                child = start_outpost(data, "run", env=env)
                children.enter_context(reaped(child))
                return child

            first_run = run()
            killer.arm(first_run.pid, 1, "handled")  # Mastodon made the status; the answer is lost
            await asyncio.to_thread(_wait_for, lambda: first_run.poll() is not None, 90)
            assert killer.kills and first_run.returncode == -signal.SIGKILL
            window.resume()  # now both engines race for every post that comes due
            second_run = run()  # the OS scheduler starts it again; it resumes the abandoned post
            killer.arm(second_run.pid, 1, "answered")  # the answer left; not saved
            await asyncio.to_thread(_wait_for, lambda: second_run.poll() is not None, 90)
            assert len(killer.kills) == 2 and second_run.returncode == -signal.SIGKILL
            run()  # and again: this one is left to finish

            async def all_published() -> bool:
                posts = await window.posts.list()
                return len(posts) == POSTS and all(p.status is PostStatus.PUBLISHED for p in posts)

            async with asyncio.timeout(90):
                while not await all_published():
                    await asyncio.sleep(0.1)
    finally:
        server.on_phase = lambda current, request: True
        await window.close()
    texts = sorted(s.text for s in fake.statuses)
    assert texts == sorted(f"post {n}" for n in range(POSTS)), texts  # each exactly once
    creates = [r for r in fake.requests if r.method == "POST" and r.url.path == "/api/v1/statuses"]
    by_window = sum(1 for r in creates if WINDOW in r.headers)
    by_run = len(creates) - by_window
    print(f"\ncreates: {by_window} from the window, {by_run} from outpost run (killed twice)")
    assert by_window > 0 and by_run > 2  # both engines published
