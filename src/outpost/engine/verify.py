"""Read-back verification: after publishing, ask the network whether the post is really there.

"Sent, but we couldn't confirm it was published" is what creators distrust most in scheduling
tools. So a minute after a target is published (networks index a new post within seconds), and
for every target whose outcome is `unknown`, Outpost asks the network:

- a published target: `look_up` each part by its id. Shown → verified (`verified_at`). Gone →
  "not on the network" (deleted there, or removed by the network): said, and never re-posted.
- an `unknown` target: `find_published` by the part's text since shortly before it was sent.
  Found → published and verified (a thread continues from the part found when retried); not
  found → it stays `unknown` and says where Outpost looked.
- a network that cannot tell (`look_up` answers None, no `find_published`) or cannot be asked
  (an error) → the target's verification is `unknown`, with the reason.

Each target is read back once on its own (a failed request is tried again with a growing pause
for as long as the post is recent); "Check now" (`check_post`) asks again at once, whenever the
person wants. Reading X's posts is billed (`metrics_cost`), so X targets are read back only when asked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from outpost.adapters.base import AccountContext, NetworkAdapter
from outpost.domain.enums import PostStatus, TargetStatus, VerificationState
from outpost.domain.errors import InvalidStateError, KnownError, PublishError, StoreError
from outpost.domain.models import Account, Post, Target, Verification
from outpost.engine import review
from outpost.engine.core import EngineCore
from outpost.engine.events import Event, PostDidChange, StoreDidChangeElsewhere
from outpost.engine.publisher import Publisher

log = logging.getLogger("outpost.engine.verify")

#: How long after publishing Outpost reads a post back (a network's reads may lag its writes).
VERIFY_AFTER = timedelta(minutes=1)
#: Targets that reached their state longer ago than this are not read back on their own.
VERIFY_WINDOW = timedelta(hours=24)
#: At most this many posts per pass (a pass runs again at once when there were more).
VERIFY_BATCH = 20
#: A read-back that could not reach the network is tried again after this, doubling, up to the cap.
RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(minutes=30)
#: An unknown create is looked for among the account's posts since this long before it changed.
LOOK_BACK = timedelta(minutes=10)


class Verifier:
    """Reads published and unknown targets back from their networks, on its own and on request."""

    def __init__(self, core: EngineCore, publisher: Publisher) -> None:
        self._core = core
        self._publisher = publisher
        self._wake = asyncio.Event()
        #: target id → (failed tries, when to try again): a network that could not be asked.
        self._retry: dict[str, tuple[int, datetime]] = {}
        self._busy = True  # until the first pass is done (`outpost run --until-idle` waits for it)
        self._passed_at: datetime | None = None  # the time the last pass looked at
        core.events.subscribe(self._on_event)

    @property
    def busy(self) -> bool:
        """Whether a pass is running (or the first one has not run yet)."""
        return self._busy

    def poke(self) -> None:
        """Look for targets to read back now (a publish ended, another process changed the store)."""
        self._wake.set()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, PostDidChange | StoreDidChangeElsewhere):
            self._wake.set()

    async def run(self) -> None:
        """Loop until cancelled: a pass, then sleep until the next target is due for reading back."""
        while True:
            self._wake.clear()
            self._busy = True
            more = False
            try:
                more = await self.verify_due()
            except StoreError as exc:  # never stop the engine over a read-back
                log.warning("could not read published posts back: %s", exc)
            except Exception:
                log.exception("reading published posts back failed")
            finally:
                self._busy = False
            if more:
                continue
            await self._core.clock.wait_until(await self._next_at(), self._wake)

    async def verify_due(self) -> bool:
        """Read back every target that is due; True when the batch was full (more may wait)."""
        core = self._core
        now = self._passed_at = core.clock.now()
        post_ids = await core.db.run(
            lambda: core.store.posts.to_verify(
                changed_before=now - VERIFY_AFTER, since=now - VERIFY_WINDOW, limit=VERIFY_BATCH
            )
        )
        checked = 0
        for post_id in post_ids:
            checked += await self._verify_post(post_id, asked=False)
        return len(post_ids) == VERIFY_BATCH and checked > 0

    async def check_post(self, post_id: str) -> Post:
        """Check now: read every published and unknown target of the post back at once.

        Raises:
            NotFoundError: there is no such post.
            InvalidStateError: nothing of it was sent yet (no published or unknown target).
        """
        post = await self._core.db.run(self._core.store.posts.get, post_id)
        if not any(t.status in (TargetStatus.PUBLISHED, TargetStatus.UNKNOWN) for t in post.targets):
            raise InvalidStateError(
                f"Post {post_id} has nothing on the networks to check yet (it is {post.status.value})."
            )
        await self._verify_post(post_id, asked=True)
        return await self._core.db.run(self._core.store.posts.get, post_id)

    # -- one post ----------------------------------------------------------------------------------

    async def _verify_post(self, post_id: str, *, asked: bool) -> int:
        """Read back the post's targets that need it (all published/unknown ones when `asked`)."""
        core = self._core
        post = await core.db.run(core.store.posts.get, post_id)
        now = core.clock.now()
        settle = False
        checked = 0
        for target in post.targets:
            if target.status not in (TargetStatus.PUBLISHED, TargetStatus.UNKNOWN):
                continue
            if not asked:
                if target.verification is not None:
                    continue
                retry = self._retry.get(target.id)
                if retry is not None and retry[1] > now:
                    continue
            checked += 1
            settle |= await self._verify_target(post, target, asked=asked)
        if settle and post.status is not PostStatus.PUBLISHING:
            await self._publisher.settle(post_id)
        elif checked:
            core.events.emit(PostDidChange(post_id, None))
        return checked

    async def _verify_target(self, post: Post, target: Target, *, asked: bool) -> bool:
        """Read one target back and record what was seen; True when its status changed."""
        core = self._core
        account = await core.db.run(core.store.accounts.get, target.account_id)
        label = account.network.label
        if account.removed_at is not None:
            await self._record(
                post, target, VerificationState.UNKNOWN, f"{account.ref} was removed from Outpost."
            )
            return False
        try:
            adapter = core.connections.adapter(account.network)
        except KnownError as exc:
            await self._record(post, target, VerificationState.UNKNOWN, str(exc))
            return False
        ctx = core.connections.context(account)
        if adapter.metrics_cost is not None and not asked:  # X bills each post it shows
            await self._record(
                post,
                target,
                VerificationState.UNKNOWN,
                f"Reading posts back from {label} is billed, so Outpost checks {account.ref}'s posts "
                f"only when you choose Check now.",
            )
            return False
        try:
            if target.status is TargetStatus.PUBLISHED:
                await self._look_up(post, target, account, adapter, ctx)
                return False
            return await self._find(post, target, account, adapter, ctx)
        except PublishError as exc:
            if exc.retryable and not asked and await self._try_later(post, target, exc):
                return False
            said = f"Outpost could not ask {label}: {exc}" if exc.retryable else str(exc)
            await self._record(post, target, VerificationState.UNKNOWN, said)  # a refusal says why itself
            return False
        except KnownError as exc:  # the network offers no way to look (find_published's refusal)
            await self._record(post, target, VerificationState.UNKNOWN, str(exc))
            return False

    async def _look_up(
        self, post: Post, target: Target, account: Account, adapter: NetworkAdapter, ctx: AccountContext
    ) -> None:
        """A published target: is each part still on the network?"""
        label = account.network.label
        if not target.parts:
            await self._record(
                post,
                target,
                VerificationState.UNKNOWN,
                f"Outpost has no {label} id for this post to look up.",
            )
            return
        answers = [await adapter.look_up(ctx, part) for part in target.parts]
        count = len(answers)
        gone = [i for i, seen in enumerate(answers) if seen is False]
        if gone:
            which = (
                "the post"
                if count == 1
                else "part " + ", ".join(str(i + 1) for i in gone) + f" of the thread ({count} parts)"
            )
            link = f" ({target.permalink})" if target.permalink else ""
            await self._record(
                post,
                target,
                VerificationState.NOT_ON_NETWORK,
                f"{label} no longer shows {which} on {account.ref}{link}: it was deleted there, or "
                f"{label} removed it. Outpost will not post it again on its own; publish it anew if you "
                f"want it back.",
            )
        elif any(seen is None for seen in answers):
            await self._record(
                post,
                target,
                VerificationState.UNKNOWN,
                f"{label} offers Outpost no way to read a post back; open its link to check it.",
            )
        else:
            await self._record(post, target, VerificationState.VERIFIED, None, verified=True)

    async def _find(
        self, post: Post, target: Target, account: Account, adapter: NetworkAdapter, ctx: AccountContext
    ) -> bool:
        """An unknown create: look for its text among the account's recent posts."""
        core = self._core
        now = core.clock.now()
        parts = post.parts_for(target)
        index = target.sending_part if target.sending_part is not None else len(target.parts)
        index = min(index, len(parts) - 1)
        since = post.updated_at - LOOK_BACK
        found = await adapter.find_published(ctx, parts[index], since)
        where = review._Where(account.ref, account.network.label, since, now)
        settled = review._settled(target, found, index, len(parts), where)
        await core.db.run(core.store.posts.save_target, post.id, settled, now=now)
        self._retry.pop(target.id, None)
        if found is None:
            message = settled.error.message if settled.error else None
            await self._record(post, settled, VerificationState.UNKNOWN, message)
            return False
        log.info("found %s's unknown part on %s; recorded as published", post.id, account.ref)
        state = VerificationState.VERIFIED
        await self._record(post, settled, state, None, verified=settled.status is TargetStatus.PUBLISHED)
        return True

    async def _try_later(self, post: Post, target: Target, exc: PublishError) -> bool:
        """The network could not be asked: try again later while the post is recent (True), else not."""
        now = self._core.clock.now()
        tries, _ = self._retry.get(target.id, (0, now))
        changed = target.published_at or post.updated_at
        if now - changed > VERIFY_WINDOW:
            self._retry.pop(target.id, None)
            return False
        pause = min(RETRY_CAP, RETRY_FIRST * 2**tries)
        self._retry[target.id] = (tries + 1, now + pause)
        log.info("could not read %s back (%s); trying again in %s", post.id, exc, pause)
        return True

    async def _record(
        self,
        post: Post,
        target: Target,
        state: VerificationState,
        message: str | None,
        *,
        verified: bool = False,
    ) -> None:
        core = self._core
        now = core.clock.now()
        self._retry.pop(target.id, None)
        verification = Verification(state=state, checked_at=now, message=message)
        await core.db.run(
            lambda: core.store.posts.set_verification(
                post.id, target.id, verification, verified_at=now if verified else None
            )
        )
        if state is not VerificationState.VERIFIED:
            log.info("%s to %s: %s (%s)", post.id, target.account_id, state.value, message)

    async def _next_at(self) -> datetime | None:
        """When the next target comes due for reading back (or a failed read is tried again)."""
        core = self._core
        now = core.clock.now()
        after = now - VERIFY_WINDOW
        if self._passed_at is not None:  # what came due by the last pass, it took (or put off)
            after = max(after, self._passed_at - VERIFY_AFTER)
        first = await core.db.run(lambda: core.store.posts.next_to_verify_at(after=after))
        times = [t for _, t in self._retry.values()]
        if first is not None:
            times.append(first + VERIFY_AFTER)
        return min(times) if times else None
