"""In the sandbox, a published post can be tried out edited and deleted on its networks (issue #24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.domain.enums import Network
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.sandbox.mode import Sandbox
from tests.fakes import FakeClock, MemorySecretStore


@pytest.mark.asyncio
async def test_a_sandbox_post_is_edited_on_mastodon_and_deleted_from_mastodon_and_bluesky(
    tmp_path: Path,
) -> None:
    engine = Engine.open(tmp_path, secrets=MemorySecretStore(), clock=FakeClock())
    sandbox = Sandbox(engine)
    try:
        added = await sandbox.start()
        chosen = tuple(a.id for a in added if a.network in (Network.MASTODON, Network.BLUESKY))
        post = await engine.posts.create(PostInput(text="Helo sandbox", accounts=chosen), When.now())

        edited = await engine.networks.edit_published(post.id, PostChanges(text="Hello sandbox"))
        deleted = await engine.networks.delete_everywhere(post.id)

        assert {r.network: r.outcome for r in edited.results} == {"mastodon": "edited", "bluesky": "skipped"}
        assert {r.network: r.outcome for r in deleted.results} == {
            "mastodon": "deleted",
            "bluesky": "deleted",
        }
    finally:
        await engine.close()
        await sandbox.stop()
