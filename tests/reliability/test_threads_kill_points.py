"""Kill the real `outpost` process (SIGKILL) around Threads' `threads_publish`, restart it, and
check that the thread ends published with each part on Threads exactly once.

Threads has no idempotency key, but a container is published at most once and Outpost keeps its
id (a checkpoint) before asking: after a restart it asks the container, and PUBLISHED means it
finds the post among the account's recent ones instead of publishing again. Kill points are the
publish of each part of a two-part thread in every phase (received: Threads did nothing;
handled: Threads published, the answer never left; answered: the answer left, Outpost may not
have saved it), and the second part's container in the handled phase (a container that is never
published is harmless).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.contract.fake_threads import API, FakeThreads
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost

pytestmark = pytest.mark.slow
PARTS = 2


def _is_publish(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/threads_publish")


def _is_container(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/threads")


#: (which requests count, which of them (from 0), phase)
POINTS = [
    *((_is_publish, part, phase) for part in range(PARTS) for phase in ("received", "handled", "answered")),
    (_is_container, 1, "handled"),
]


class KillAt:
    """SIGKILLs the client at the `index`-th request matching `counts`, in `phase`."""

    def __init__(self, counts: Callable[[httpx.Request], bool], index: int, phase: str) -> None:
        self.counts, self.index, self.phase = counts, index, phase
        self.pid = 0
        self.seen = 0
        self.killed = False

    def __call__(self, current: str, request: httpx.Request) -> bool:
        if self.killed:
            return True
        if current == "received" and self.counts(request):
            self.seen += 1
        if self.counts(request) and self.seen - 1 == self.index and current == self.phase:
            assert self.pid > 0, "kill point reached before the child's pid was known"
            os.kill(self.pid, signal.SIGKILL)
            self.killed = True
            return False
        return True


@pytest.fixture(scope="module")
def threads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeThreads, LoopbackServer, Path]]:
    fake = FakeThreads(text_polls=0)
    with LoopbackServer(fake.handle, origin=API) as server:
        template = tmp_path_factory.mktemp("template")
        env = outpost_env(
            template / "keyring.json", OUTPOST_API_URL_THREADS=f"http://127.0.0.1:{server.port}"
        )
        added = run_outpost(
            template / "data", "accounts", "add", "threads", "--access-token", "-",
            "--expires-at", "2099-01-01T00:00:00Z", env=env, stdin=f"{fake.issue()}\n", timeout=60,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        yield fake, server, template
    assert server.errors == [], server.errors
    fake.fetch_client.close()


@pytest.mark.timeout(240)
def test_a_lost_publish_answer_never_publishes_twice(
    tmp_path: Path, threads: tuple[FakeThreads, LoopbackServer, Path]
) -> None:
    fake, server, template = threads
    for number, (counts, index, phase) in enumerate(POINTS):
        root = tmp_path / f"p{number}"
        shutil.copytree(template / "data", root / "data")
        shutil.copyfile(template / "keyring.json", root / "keyring.json")
        env = outpost_env(root / "keyring.json", OUTPOST_API_URL_THREADS=f"http://127.0.0.1:{server.port}")
        parts = [f"kill point {number} ({counts.__name__} {index} {phase}): part {n}" for n in range(PARTS)]
        switch = KillAt(counts, index, phase)
        server.on_phase = switch
        args = [
            "post",
            "create",
            "--text",
            parts[0],
            "--thread",
            parts[1],
            "--account",
            "threads:alice.makes",
            "--now",
        ]
        child = start_outpost(root / "data", *args, env=env)
        switch.pid = child.pid  # long before the first request (Python takes ~0.3 s to start)
        with reaped(child):
            child.wait(timeout=60)
        server.on_phase = lambda current, request: True
        assert switch.killed, f"point {number} was never reached"
        resumed = run_outpost(root / "data", "run", "--until-idle", env=env, timeout=60)
        assert resumed.returncode in (0, 1), resumed.stderr
        listed = run_outpost(root / "data", "post", "list", env=env, timeout=60)
        [post] = json.loads(listed.stdout)
        on_threads = [text for text in fake.texts() if text.startswith(f"kill point {number} ")]
        assert post["status"] == "published", f"point {number} ({phase}): {post}"
        assert on_threads == parts, f"point {number} ({phase}): Threads holds {on_threads}"
        target = post["targets"][0]
        published = [p for p in fake.posts if p.text in parts]
        assert target["platform_post_id"] == published[0].id and target["thread_post_ids"] == [
            published[1].id
        ]
        assert published[1].reply_to == published[0].id
