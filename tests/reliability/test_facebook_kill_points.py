"""Kill the real `outpost` process at every request of a Facebook photo post, restart it, and check
that the post ends published exactly once, or `needs_review` only when the kill hit the create.

Facebook has no idempotency key: a photo is uploaded unpublished (invisible on the Page), then one
`/feed` request attaches it. A kill during an upload costs at most an unpublished photo that no one
sees; a kill during the create leaves Outpost unable to know, so review is the honest answer there.
The kill points are those of tests/reliability/kill_points.py (received, handled, answered).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contract.fake_facebook import API, FakeFacebook
from tests.media_fixtures import png_bytes
from tests.reliability.kill_points import KillSwitch, World, _publish, _run
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow
#: (request number, phase): the photo upload whose answer is lost, and the create at every phase.
#: Request 0 is the unpublished photo, request 1 the `/feed` create (CI budget: five program runs
#: per point would make every upload phase cost more than it tells).
KILL_POINTS = [(0, "handled"), (1, "received"), (1, "handled"), (1, "answered")]


@pytest.mark.timeout(180)
def test_kill_points_of_a_photo_post_end_published_once_or_in_review(tmp_path: Path) -> None:
    fake = FakeFacebook()
    image = tmp_path / "square.png"
    image.write_bytes(png_bytes(64, 64))
    with LoopbackServer(fake.handle, origin=API) as server:
        env = {"OUTPOST_API_URL_FACEBOOK": f"http://127.0.0.1:{server.port}"}
        template = tmp_path / "template"
        added = _run(
            template,
            "accounts",
            "add",
            "facebook",
            "--access-token",
            fake.page_token("2001"),
            extra=env,  # a Page token
        )
        assert added.returncode == 0, added.stderr
        survived = reviewed = 0
        for point, (request_index, phase) in enumerate(KILL_POINTS):
            text = f"kill point {point}: the garden"
            world = World(tmp_path / f"p{point}", template, env)
            switch = KillSwitch(request_index, phase)
            server.on_phase = switch
            _publish(world, "facebook:dyegarden", [text], image, switch)
            server.on_phase = lambda current, request: True
            assert switch.killed, f"point {point}: the publish made fewer requests than expected"
            resumed = world.run("run", "--until-idle")
            assert resumed.returncode in (0, 1), resumed.stderr
            posts = json.loads(world.run("post", "list").stdout)
            on_page = [p for p in fake.published() if p.message == text]
            assert len(on_page) <= 1, f"point {point}: on the Page {len(on_page)} times"
            if not posts:
                assert on_page == [], f"point {point}: published but not saved"
            elif posts[0]["status"] == "needs_review":
                in_create = switch.request is not None and switch.request.url.path.endswith("/feed")
                assert in_create, f"point {point} ({phase}): review outside the create: {posts[0]}"
                reviewed += 1
            else:
                assert posts[0]["status"] == "published" and len(on_page) == 1, f"point {point}: {posts[0]}"
                assert len(on_page[0].photos) == 1  # the photo attached once, to the one post
            survived += 1
    orphans = sum(1 for p in fake.photos.values() if p.used_by is None)
    print(
        f"\n{survived} kill points survived ({reviewed} left for review, {orphans} unpublished photos unused)"
    )
    assert survived == len(KILL_POINTS)
