"""TikTok in the sandbox: a video goes through the real adapter to the simulation, nothing leaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.sandbox.mode import Sandbox
from tests import media_fixtures
from tests.fakes import FakeClock, MemorySecretStore
from tests.unit.sandbox.test_sandbox import LoopbackOnly

pytestmark = pytest.mark.asyncio


async def test_a_video_with_a_privacy_level_reaches_the_simulated_tiktok_and_nothing_else(
    tmp_path: Path,
) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", 360, 640, seconds=1.0)
    photo = media_fixtures.image(tmp_path / "photo.jpg", 600, 800)
    way_out = LoopbackOnly()
    engine = Engine.open(
        tmp_path / "d",
        secrets=MemorySecretStore(),
        clock=FakeClock(),
        transport=way_out,
        media_in_process=True,
    )
    sandbox = Sandbox(engine)
    try:
        [tiktok] = [a for a in await sandbox.start() if a.network is Network.TIKTOK]
        assert (tiktok.handle, tiktok.display_name) == ("you.sandbox", "You (sandbox)")
        caps = await engine.accounts.capabilities(tiktok)
        assert caps.option("privacy_level") is not None and caps.option("privacy_level").required  # type: ignore[union-attr]
        level = (("tiktok", "privacy_level", "FOLLOWER_OF_CREATOR"),)
        post = await engine.posts.create(
            PostInput(text="Kiln day", accounts=(tiktok.id,), media=(MediaInput(str(clip)),), options=level),
            When.now(),
        )
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
        assert sandbox.server is not None
        assert [(p.network, p.text, p.media) for p in sandbox.server.posts] == [("tiktok", "Kiln day", 1)]
        with pytest.raises(ValidationError, match="media host"):  # the sandbox has none, as said
            await engine.posts.create(
                PostInput(text="p", accounts=(tiktok.id,), media=(MediaInput(str(photo)),), options=level)
            )
        assert way_out.elsewhere == []
    finally:
        await engine.close()
        await sandbox.stop()
