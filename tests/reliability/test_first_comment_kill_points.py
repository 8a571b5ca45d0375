"""Kill the real `outpost` (SIGKILL) at every request of a publish with a first comment, restart
it, and check that the post and its comment are each on Mastodon exactly once (issue #22).

The comment is its own create request after the post's: a kill between the two, or while the
comment is on the wire, must neither post the thread again nor comment twice. Mastodon honours
`Idempotency-Key` (the comment's is the target's key + `:comment`), so every point ends
published with the comment posted. Kill points as in kill_points.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.reliability.kill_points import PHASES, KillSwitch, World, _template
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, start_outpost

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server


@pytest.mark.timeout(240)
def test_every_kill_point_ends_with_the_post_and_its_comment_once(
    tmp_path: Path, served: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, server = served
    template, account = _template(
        tmp_path / "template",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        "token-alice",
    )
    point = 0
    while True:
        prefix = f"kill point {point}:"
        parts, comment = [f"{prefix} part 1", f"{prefix} part 2"], f"{prefix} the first comment"
        world = World(tmp_path / f"p{point}", template, {})
        switch = KillSwitch(*divmod_phase(point))
        server.on_phase = switch
        args = ["post", "create", "--text", parts[0], "--thread", parts[1], "--account", account]
        child = start_outpost(
            world.data, *args, "--first-comment", comment, "--now", env=outpost_env(world.keyring)
        )
        switch.pid = child.pid
        with reaped(child):
            child.wait(timeout=60)
        server.on_phase = lambda current, request: True
        if switch.killed:
            resumed = world.run("run", "--until-idle")
            assert resumed.returncode in (0, 1), resumed.stderr
        posts = json.loads(world.run("post", "list").stdout)
        mine = [s for s in fake.statuses if s.text.startswith(prefix)]
        if not posts:
            assert mine == [], f"point {point}: published but not saved"
        else:
            [post] = posts
            [target] = post["targets"]
            assert post["status"] == "published", f"point {point} ({switch.phase}): {post}"
            assert [s.text for s in mine] == [*parts, comment], f"point {point}: Mastodon holds {mine}"
            assert mine[2].in_reply_to_id == mine[1].id  # under the thread's last part
            assert target["first_comment_status"] == "posted" and target["first_comment_id"] == mine[2].id
        if not switch.killed:
            break  # fewer requests than this point: every point was covered
        point += 1
    assert point >= 3 * 4  # each of the post's two creates, the parent read and the comment's create


def divmod_phase(point: int) -> tuple[int, str]:
    """Kill point number → (request index, phase)."""
    request, phase = divmod(point, len(PHASES))
    return request, PHASES[phase]
