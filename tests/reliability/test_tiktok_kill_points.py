"""Kill the real `outpost` program (SIGKILL) at every request of a TikTok video post, restart it,
and check that the video is on TikTok at most once: published, or left for review.

TikTok has no idempotency key, so a kill anywhere in the create (the init, the upload, the
status checks) may end `needs_review` — never two videos. A kill before the post was saved
leaves nothing anywhere; a kill in the rules check (creator_info) is harmless. The kill points
and their phases are those of tests/reliability/kill_points.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import media_fixtures
from tests.contract.fake_tiktok import API, SCOPES, FakeTikTok
from tests.reliability.kill_points import PHASES, KillSwitch, World, _budget, _template
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, start_outpost

pytestmark = pytest.mark.slow
CREATES = ("/v2/post/publish/video/init/", "/upload/", "/v2/post/publish/status/fetch/")


@pytest.fixture(scope="module")
def tiktok(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FakeTikTok, LoopbackServer, Path, str]]:
    fake = FakeTikTok(processing_polls=0)
    fake.creators["alice"].daily_cap = 1000  # one post per kill point: the cap is not under test
    fake.limits = dict.fromkeys(fake.limits, 1000)  # nor the per-minute limits a fast machine passes
    with LoopbackServer(fake.handle, origin=API) as server:
        fake.upload_origin = f"http://127.0.0.1:{server.port}"
        token, _ = fake.oauth.issue("alice", SCOPES)
        fake.oauth.access[token].expires_at += 10 * 86400  # no refresh in the middle of this test
        env = {"OUTPOST_API_URL_TIKTOK": fake.upload_origin}
        root, account = _template(
            tmp_path_factory.mktemp("tiktok"), "tiktok", "--access-token", token, extra=env
        )
        yield fake, server, root, account


def _publish(world: World, account: str, text: str, clip: Path, switch: KillSwitch) -> None:
    args = ["post", "create", "--text", text, "--account", account, "--media", str(clip),
            "--option", "tiktok.privacy_level=SELF_ONLY", "--now"]  # fmt: skip
    child = start_outpost(world.data, *args, env=outpost_env(world.keyring, **world.extra_env))
    switch.pid = child.pid  # set long before the child's first request (Python takes ~0.3 s to start)
    with reaped(child):
        child.wait(timeout=60)


@pytest.mark.timeout(_budget(2, False))
def test_every_kill_point_of_a_video_post_ends_on_tiktok_at_most_once(
    tmp_path: Path, tiktok: tuple[FakeTikTok, LoopbackServer, Path, str]
) -> None:
    fake, server, template, account = tiktok
    clip = media_fixtures.video(tmp_path / "clip.mp4", 360, 640, seconds=1.0)
    env = {"OUTPOST_API_URL_TIKTOK": f"http://127.0.0.1:{server.port}"}

    def in_create(request: httpx.Request | None) -> bool:
        return request is not None and request.url.path.endswith(CREATES)

    survived = reviewed = point = 0
    while True:
        text = f"kill point {point}"
        world = World(tmp_path / f"p{point}", template, env)
        request_index, phase_index = divmod(point, len(PHASES))
        switch = KillSwitch(request_index, PHASES[phase_index])
        server.on_phase = switch
        _publish(world, account, text, clip, switch)
        server.on_phase = lambda current, request: True
        if not switch.killed:  # fewer requests than this point: every point was covered
            [post] = json.loads(world.run("post", "list").stdout)
            assert post["status"] == "published", f"point {point}, not killed: {post}"
            break
        resumed = world.run("run", "--until-idle")
        assert resumed.returncode in (0, 1), resumed.stderr
        posts = json.loads(world.run("post", "list").stdout)
        on_tiktok = [p for p in fake.posts if p.caption == text and p.status != "FAILED"]
        if not posts:
            assert on_tiktok == [], f"point {point}: on TikTok but not saved"
        else:
            [post] = posts
            if post["status"] == "needs_review":
                assert in_create(switch.request), f"point {point} ({switch.phase}): {post}"
                assert len(on_tiktok) <= 1, f"point {point}: {len(on_tiktok)} videos on TikTok"
                reviewed += 1
            else:
                assert post["status"] == "published", f"point {point} ({switch.phase}): {post}"
                assert len(on_tiktok) == 1, f"point {point} ({switch.phase}): {len(on_tiktok)} on TikTok"
        survived += 1
        point += 1
    print(f"\n{survived} kill points survived ({reviewed} left for review): TikTok video")
    assert survived >= 3 * len(CREATES)  # every request of the create, in every phase
