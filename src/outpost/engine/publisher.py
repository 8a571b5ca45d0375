"""Publishing one post: every target at once, each result saved the moment it is known.

The rules that keep a post from being lost or published twice:

- A target is *claimed* (pending → publishing) in one conditional UPDATE, so two engines (the
  window and `outpost run`, say) never both send it.
- Before each create request the target records `sending_part`; after the answer it records the
  result and clears it. If the app dies in between, nobody knows whether the network has the
  post: a restarted engine marks such a target `unknown` (post `needs_review`), never re-sends it
  blindly — unless the adapter's network deduplicates by idempotency key.
- Thread parts are created one by one, each persisted before the next; a retry resumes after the
  last part that is known to exist.
- Automatic retries are bounded (`MAX_TRIES` per run) with exponential backoff and full jitter;
  a create that may have reached the network is retried only where the network is idempotent.
- A rate limit belongs to the account, not to one post: once a network says "wait until T",
  every other post to that account waits too (or fails with T) instead of asking again.

The publisher is the one owner of publishing: the scheduler hands it due posts, the posts
service hands it posts to publish now, and both take a post through `claim()` — the single
place a post is marked `publishing`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from outpost.adapters.base import AccountContext, NetworkAdapter, PartRequest, UploadedMedia
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import ErrorCode, PostStatus, TargetStatus
from outpost.domain.errors import AuthExpired, KnownError, PublishError, RateLimited, Rejected
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, Target, TargetError
from outpost.domain.status import derive_post_status
from outpost.engine.clock import Clock
from outpost.engine.connections import Connections
from outpost.engine.events import AccountHealthDidChange, EventBus, PostDidChange, UploadDidProgress
from outpost.engine.media import MediaService
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.publisher")

MAX_TRIES = 3
MAX_WAIT = timedelta(minutes=2)
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 60.0


@dataclass
class _Run:
    """One target being published: the mutable state of a single run."""

    post: Post
    target: Target
    account: Account
    adapter: NetworkAdapter
    ctx: AccountContext
    caps: Capabilities | None = None


class Publisher:
    """Publishes posts through the adapters, persisting every step through the store worker."""

    def __init__(
        self,
        *,
        store: Store,
        worker: StoreWorker,
        connections: Connections,
        clock: Clock,
        events: EventBus,
        owner: str,
        media: MediaService,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._db = worker
        self._connections = connections
        self._clock = clock
        self._events = events
        self._owner = owner
        self._media = media
        self._rng = rng or random.Random()
        #: account id → when its network said requests may resume (the engine's clock).
        self._limited_until: dict[str, datetime] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def claim(self, post_id: str, expected: Sequence[PostStatus]) -> bool:
        """Mark the post `publishing` if it is still in one of the `expected` states.

        One conditional UPDATE: of two engines (the window and `outpost run`) only one wins.
        """
        return await self._db.run(
            self._store.posts.set_status,
            post_id,
            PostStatus.PUBLISHING,
            now=self._clock.now(),
            expected=list(expected),
        )

    async def publish(self, post_id: str) -> Post:
        """Publish every pending target of a claimed post concurrently; return the settled post.

        Afterwards the media cache drops derived copies that no post needs any more.
        """
        post = await self._db.run(self._store.posts.get, post_id)
        pending = [t for t in post.targets if t.status is TargetStatus.PENDING]
        await asyncio.gather(*(self._publish_target(post, t) for t in pending))
        settled = await self.settle(post_id)
        await self._media.sweep_unused()
        return settled

    def start(self, post_id: str) -> None:
        """Publish a claimed post in the background (due posts, resumed publishes)."""
        task = asyncio.create_task(self._publish_logged(post_id), name=f"outpost-publish-{post_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _publish_logged(self, post_id: str) -> None:
        try:
            await self.publish(post_id)
        except Exception:
            log.exception("publishing %s stopped unexpectedly", post_id)

    @property
    def in_flight(self) -> int:
        """How many background publishes are still running."""
        return len(self._running)

    async def drain(self) -> None:
        """Wait for the background publishes."""
        if self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def settle(self, post_id: str) -> Post:
        """Give the post the status its targets add up to, and tell everyone."""
        post = await self._db.run(self._store.posts.get, post_id)
        status = derive_post_status(t.status for t in post.targets)
        reason = None
        if status is PostStatus.NEEDS_REVIEW:
            reason = (
                "Outpost cannot tell whether some networks received this post. Check those "
                "accounts; then retry (it may publish twice) or leave it."
            )
        await self._db.run(
            self._store.posts.set_status,
            post_id,
            status,
            now=self._clock.now(),
            expected=[PostStatus.PUBLISHING, post.status],
            review_reason=reason,
        )
        settled = await self._db.run(self._store.posts.get, post_id)
        self._events.emit(PostDidChange(post_id, settled))
        return settled

    # -- one target ----------------------------------------------------------------------------

    async def _publish_target(self, post: Post, target: Target) -> None:
        claimed = await self._db.run(
            self._store.posts.claim_target,
            target.id,
            owner=self._owner,
            now=self._clock.now(),
            expected=[TargetStatus.PENDING],
        )
        if not claimed:
            log.info("target %s of %s is taken by another engine", target.id, post.id)
            return
        target = target.model_copy(
            update={"status": TargetStatus.PUBLISHING, "claimed_by": self._owner, "error": None}
        )
        account = await self._db.run(self._store.accounts.get, target.account_id)
        try:
            adapter = self._connections.adapter(account.network)
        except KnownError as exc:
            await self._finish(post, target, TargetStatus.FAILED, ErrorCode.VALIDATION_ERROR, str(exc))
            return
        if account.removed_at is not None:
            await self._finish(
                post,
                target,
                TargetStatus.FAILED,
                ErrorCode.AUTH_EXPIRED,
                f"{account.ref} was removed from Outpost; connect it again, then retry.",
            )
            return
        run = _Run(post, target, account, adapter, self._connections.context(account))
        try:
            await self._run_with_retries(run)
        except Exception as exc:  # a bug: keep the post safe, log the traceback
            log.exception("unexpected failure publishing %s to %s", post.id, account.ref)
            await self._bug(run, exc)

    async def _run_with_retries(self, run: _Run) -> None:
        for attempt in range(1, MAX_TRIES + 1):
            run.target = run.target.model_copy(update={"attempts": run.target.attempts + 1})
            await self._save(run)
            try:
                await self._respect_rate_limit(run)
                await self._attempt(run)
                return
            except PublishError as err:
                if not await self._handle_failure(run, err, attempt):
                    return

    async def _respect_rate_limit(self, run: _Run) -> None:
        """Wait out the account's rate limit, or fail with its end if that is too far off."""
        until = self._limited_until.get(run.account.id)
        if until is None:
            return
        wait = (until - self._clock.now()).total_seconds()
        if wait <= 0:
            self._limited_until.pop(run.account.id, None)
            await self._clear_rate_limit(run.account)
            return
        if wait > MAX_WAIT.total_seconds():
            raise RateLimited(
                f"{run.account.network.label} asked Outpost to pause requests for {run.account.ref} "
                f"until {until:%H:%M:%S} UTC; nothing was sent. Retry after that.",
                retry_at=until,
                retry_after_s=wait,
            )
        log.info("%s is rate limited; waiting %.0fs before %s", run.account.ref, wait, run.post.id)
        await self._clock.sleep(wait)

    async def _attempt(self, run: _Run) -> None:
        run.caps = await run.adapter.capabilities(run.ctx)
        problems = run.adapter.validate(run.post, run.target, run.account, run.caps)
        if problems:
            raise Rejected(" ".join(p.message for p in problems), code=ErrorCode.VALIDATION_ERROR)
        parts = run.post.parts_for(run.target)
        uploaded: tuple[UploadedMedia, ...] = ()
        if not run.target.parts:
            uploaded = tuple([await self._upload(run, m) for m in run.post.media])
        for index in range(len(run.target.parts), len(parts)):
            run.target = run.target.model_copy(update={"sending_part": index})
            await self._save(run)
            done = run.target.parts
            request = PartRequest(
                index=index,
                text=parts[index],
                media=uploaded if index == 0 else (),
                options=run.target.options,
                idempotency_key=f"{run.target.idempotency_key}-{index}",
                reply_to=done[-1] if done else None,
                root=done[0] if done else None,
            )
            published = await run.adapter.publish(run.ctx, request)
            run.target = run.target.model_copy(update={"parts": (*done, published), "sending_part": None})
            await self._save(run, announce=True)
        run.target = run.target.model_copy(
            update={
                "status": TargetStatus.PUBLISHED,
                "published_at": self._clock.now(),
                "error": None,
                "claimed_by": None,
            }
        )
        await self._save(run, announce=True)

    async def _upload(self, run: _Run, media: MediaAsset) -> UploadedMedia:
        """Prepare the file for this network (a fixed, metadata-free copy), then upload it."""
        rules = run.adapter.media_rules(run.caps, run.target.options) if run.caps else None
        prepared = await self._media.prepare(media, rules)
        last = [-1]

        def report(sent: int, total: int) -> None:
            percent = sent * 100 // max(1, total)
            if percent != last[0]:  # at most ~100 events per file, however many chunks
                last[0] = percent
                self._events.emit(UploadDidProgress(run.post.id, run.account.id, media.id, sent, total))

        return await run.adapter.upload_media(run.ctx, prepared, report)

    async def _handle_failure(self, run: _Run, err: PublishError, attempt: int) -> bool:
        """Record a failed try; True if another try should follow (after the wait)."""
        in_create = run.target.sending_part is not None
        if in_create and err.may_have_taken_effect and not run.adapter.idempotent_publish:
            part = (run.target.sending_part or 0) + 1
            await self._finish(
                run.post,
                run.target,
                TargetStatus.UNKNOWN,
                ErrorCode.UNKNOWN_OUTCOME,
                f"{err} Outpost cannot tell whether {run.account.network.label} published part "
                f"{part} on {run.account.ref}; it will not send it again on its own. Check the "
                f"account, then retry or leave it.",
                keep_sending_part=True,
            )
            return False
        if isinstance(err, AuthExpired):
            await self._mark_account_broken(run.account, str(err))
        if isinstance(err, RateLimited) and err.retry_after_s is not None:
            await self._note_rate_limit(run.account, err)
        wait = self._wait_before_retry(err, attempt)
        if not err.retryable or attempt >= MAX_TRIES or wait is None:
            await self._finish(
                run.post, run.target, TargetStatus.FAILED, err.code, str(err), retry_at=err.retry_at
            )
            return False
        log.info(
            "%s to %s failed (%s); try %d of %d in %.1fs",
            run.post.id,
            run.account.ref,
            err.code,
            attempt,
            MAX_TRIES,
            wait,
        )
        await self._clock.sleep(wait)
        return True

    def _wait_before_retry(self, err: PublishError, attempt: int) -> float | None:
        """Seconds to wait before the next try, or None if the wait would be too long."""
        if err.retry_after_s is not None:
            wait = err.retry_after_s
            return None if wait > MAX_WAIT.total_seconds() else max(0.0, wait)
        return self._rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1)))

    async def _bug(self, run: _Run, exc: Exception) -> None:
        unknown = run.target.sending_part is not None
        await self._finish(
            run.post,
            run.target,
            TargetStatus.UNKNOWN if unknown else TargetStatus.FAILED,
            ErrorCode.UNKNOWN_OUTCOME if unknown else ErrorCode.SERVER_ERROR,
            f"Outpost hit an internal error ({type(exc).__name__}) while publishing to "
            f"{run.account.ref}; it was written to the log. "
            + ("Check the account before retrying." if unknown else "Retry, or report the problem."),
            keep_sending_part=unknown,
        )

    async def _finish(
        self,
        post: Post,
        target: Target,
        status: TargetStatus,
        code: ErrorCode,
        message: str,
        *,
        retry_at: datetime | None = None,
        keep_sending_part: bool = False,
    ) -> None:
        error = TargetError(code=code, message=message, retry_at=retry_at)
        update: dict[str, object] = {"status": status, "error": error, "claimed_by": None}
        if not keep_sending_part:
            update["sending_part"] = None
        final = target.model_copy(update=update)
        await self._db.run(self._store.posts.save_target, post.id, final, now=self._clock.now())
        log.warning("%s to %s: %s (%s)", post.id, target.account_id, status, code)

    async def _save(self, run: _Run, *, announce: bool = False) -> None:
        await self._db.run(self._store.posts.save_target, run.post.id, run.target, now=self._clock.now())
        if announce:
            self._events.emit(PostDidChange(run.post.id, None))

    async def _note_rate_limit(self, account: Account, err: RateLimited) -> None:
        """Remember the account's pause for every post to it, and show it on its health card."""
        assert err.retry_after_s is not None
        until = self._clock.now() + timedelta(seconds=err.retry_after_s)
        known = self._limited_until.get(account.id)
        if known is not None and known >= until:
            return
        self._limited_until[account.id] = until
        current = await self._db.run(self._store.accounts.get, account.id)
        health = current.health.changed(
            rate_limited=True, rate_limit_reset_at=err.retry_at or until, message=str(err)
        )
        await self._save_health(account.id, health)

    async def _clear_rate_limit(self, account: Account) -> None:
        """The pause is over: the health card stops saying so."""
        current = await self._db.run(self._store.accounts.get, account.id)
        if current.health.rate_limited:
            health = current.health.changed(rate_limited=False, rate_limit_reset_at=None, message=None)
            await self._save_health(account.id, health)

    async def _mark_account_broken(self, account: Account, message: str) -> None:
        health = HealthReport.summarise(
            token_is_valid=False,
            token_has_scopes=account.health.token_has_scopes,
            is_active_user=account.health.is_active_user,
            checked_at=self._clock.now(),
            message=message,
        )
        await self._save_health(account.id, health)

    async def _save_health(self, account_id: str, health: HealthReport) -> None:
        """Store the account's health and tell the window."""
        await self._db.run(self._store.accounts.set_health, account_id, health)
        self._events.emit(AccountHealthDidChange(await self._db.run(self._store.accounts.get, account_id)))
