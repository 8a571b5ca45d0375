"""Read-back on a network that bills each read (X's `metrics_cost`): only when the person asks."""

from __future__ import annotations

import pytest

from outpost.domain.enums import Network, VerificationState
from outpost.domain.models import Account
from outpost.engine import Engine, PostInput, When
from outpost.engine.verify import VERIFY_AFTER
from tests.fakes import FakeClock

pytestmark = pytest.mark.asyncio


async def test_a_billed_network_is_read_back_only_on_check_now(
    engine: Engine, alice: Account, clock: FakeClock
) -> None:
    adapter = engine._core.connections.adapter(Network.MASTODON)
    adapter.metrics_cost = "Each post read costs $0.005."  # type: ignore[misc]  # as X's adapter says
    post = await engine.posts.create(PostInput(text="billed", accounts=(alice.id,)), When.now())
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    [target] = (await engine.posts.get(post.id)).targets
    assert target.verification is not None and target.verification.state is VerificationState.UNKNOWN
    assert "is billed" in (target.verification.message or "") and "Check now" in target.verification.message
    checked = await engine.verify.check_post(post.id)  # asked: Outpost reads it back
    assert checked.targets[0].verification is not None
    assert "no way to read a post back" in (checked.targets[0].verification.message or "")
