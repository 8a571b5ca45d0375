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
- Transient failures (5xx, timeouts, refused connections) are retried with exponential backoff
  and jitter over a horizon (`RETRY_HORIZON`, 30 minutes) that belongs to the *account*: when a
  network is down, every post to it backs off together (no retry storm), and only once the
  account has failed for the whole horizon does a post fail. A create that may have reached the
  network is retried only where the network is idempotent.
- A rate limit belongs to the account, not to one post: once a network says "wait until T",
  every other post to that account waits too, and the wait is not a failed try. A reset beyond
  the horizon fails the post with T instead of holding it.
- With no network at all (the machine is offline) Outpost waits for connectivity instead of
  counting failures. While a post waits, its target says when the next try is; a failed target
  says that nothing will retry it on its own.

The publisher is the one owner of publishing: the scheduler hands it due posts, the posts
service hands it posts to publish now, and both take a post through `claim()` — the single
place a post is marked `publishing`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outpost.adapters.base import AccountContext, NetworkAdapter, PartRequest, UploadedMedia
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import ErrorCode, PostStatus, TargetStatus
from outpost.domain.errors import (
    AuthExpired,
    InvalidStateError,
    KnownError,
    NetworkUnavailable,
    PublishError,
    RateLimited,
    Rejected,
)
from outpost.domain.links import UtmTags, tag_text
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, Target, TargetError
from outpost.domain.status import derive_post_status
from outpost.engine import first_comment
from outpost.engine.clock import Clock
from outpost.engine.connections import Connections
from outpost.engine.connectivity import Connectivity, RouteProbe
from outpost.engine.events import (
    AccountHealthDidChange,
    EventBus,
    MediaPrepareDidProgress,
    PostDidChange,
    UploadDidProgress,
)
from outpost.engine.media import MediaService
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.publisher")

#: How long an account may keep failing before its posts fail (per account, not per request).
RETRY_HORIZON = timedelta(minutes=30)
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0
#: How often an offline machine is asked whether it is back online.
OFFLINE_POLL_S = 15.0
#: An offline wait this long ends in the usual back-off (a probe that is wrong cannot hold a post forever).
OFFLINE_MAX = timedelta(hours=12)
#: At most this many requests to one account are in flight at once.
PER_ACCOUNT_CONCURRENCY = 2
#: After its time, a post held by a network's scheduler is looked for this long before it is
#: `unknown` (networks publish scheduled posts within a minute or two), every CONFIRM_POLL_S.
CONFIRM_WINDOW = timedelta(minutes=15)
CONFIRM_POLL_S = 30.0


@dataclass
class _Outage:
    """An account's current run of transient failures (cleared by the first success)."""

    since: datetime
    failures: int = 0
    next_try: datetime | None = None


def _reuse_key(prepared: MediaAsset) -> str | None:
    """Where an upload of exactly these bytes with this alt text is remembered for the account.

    Networks that let one uploaded file go on several posts (X: a media id for 24 hours) say until
    when in `UploadedMedia.extra["reusable_until"]`; the media library's "reuse last week's photo"
    then costs no second upload there (issue #24).
    """
    if not prepared.sha256:
        return None
    alt = hashlib.sha256(prepared.alt_text.encode()).hexdigest()[:16]
    return f"upload:{prepared.sha256}:{prepared.mime_type}:{alt}"


def _reusable(prepared: MediaAsset, kept: str, now: datetime) -> UploadedMedia | None:
    try:
        saved = json.loads(kept)
        until = datetime.fromisoformat(saved["extra"]["reusable_until"])
        if until <= now:
            return None
        return UploadedMedia(prepared, remote_id=str(saved["remote_id"]), extra=dict(saved["extra"]))
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable note: upload again


@dataclass
class _Run:
    """One target being published: the mutable state of a single run."""

    post: Post
    target: Target
    account: Account
    adapter: NetworkAdapter
    ctx: AccountContext = field(init=False)
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
        connectivity: Connectivity | None = None,
        utm: Callable[[Account], UtmTags | None] | None = None,
    ) -> None:
        self._store = store
        self._db = worker
        self._connections = connections
        self._clock = clock
        self._events = events
        self._owner = owner
        self._media = media
        self._rng = rng or random.Random()
        self._connectivity = connectivity or RouteProbe()
        #: account id → when its network said requests may resume (the engine's clock).
        self._limited_until: dict[str, datetime] = {}
        #: account id → its current run of transient failures.
        self._outages: dict[str, _Outage] = {}
        self._account_slots: dict[str, asyncio.Semaphore] = {}
        self._running: set[asyncio.Task[None]] = set()
        #: The UTM tags an account's chosen links get at publish time (settings `utm_for`).
        self._utm = utm or (lambda _account: None)

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
        held = [t for t in post.targets if t.status is TargetStatus.SCHEDULED_ON_NETWORK]
        await asyncio.gather(
            *(self._publish_target(post, t) for t in pending), *(self._confirm(post, t) for t in held)
        )
        settled = await self.settle(post_id)
        await self._media.sweep_unused()
        return settled

    def start(self, post_id: str) -> None:
        """Publish a claimed post in the background (due posts, resumed publishes)."""
        task = asyncio.create_task(self._publish_logged(post_id), name=f"outpost-publish-{post_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    def start_confirming(self, post_id: str) -> None:
        """Confirm a post's network-held targets in the background, leaving its other targets be.

        For a missed post held for review whose networks published their part on time (#20): the
        post waits for the person, the networks' part is recorded as published meanwhile.
        """

        async def confirm() -> None:
            post = await self._db.run(self._store.posts.get, post_id)
            held = [t for t in post.targets if t.status is TargetStatus.SCHEDULED_ON_NETWORK]
            await asyncio.gather(*(self._confirm(post, t) for t in held))

        task = asyncio.create_task(confirm(), name=f"outpost-confirm-{post_id}")
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

    # -- the network's own scheduler (engine/handover.py decides when) ------------------------------

    async def hand_over(self, post: Post, target: Target, at: datetime) -> bool:
        """Give `target` to its network's scheduler for `at`; on failure Outpost keeps it itself.

        Returns whether the network holds it now (False: refused, failed, or taken by another engine).

        Claimed like a publish, media uploaded first, the create request marked on the wire: a
        lost answer on a network that does not deduplicate leaves the target `unknown`.
        """
        claimed = await self._db.run(
            self._store.posts.claim_target,
            target.id,
            owner=self._owner,
            now=self._clock.now(),
            expected=[TargetStatus.PENDING],
        )
        if not claimed:
            return False
        account, adapter, ctx = await self._reach(target)
        run = _Run(post, target.model_copy(update={"status": TargetStatus.PUBLISHING}), account, adapter)
        run.ctx = ctx
        try:
            run.caps = await adapter.capabilities(run.ctx)
            problems = adapter.validate(post, target, account, run.caps)
            if problems:
                raise Rejected(" ".join(p.message for p in problems), code=ErrorCode.VALIDATION_ERROR)
            uploaded = tuple([await self._upload(run, m) for m in post.media])
            run.target = run.target.model_copy(update={"sending_part": 0})
            await self._save(run)
            request = PartRequest(
                index=0,
                text=tag_text(post.text_for(target), post.utm_links, self._utm(account)),
                media=uploaded,
                options=target.options,
                idempotency_key=f"{target.idempotency_key}-0",
            )
            scheduled = await adapter.schedule_on_network(run.ctx, request, at)
        except Exception as exc:
            await self._hand_over_failed(run, exc, at)
            return False
        run.target = run.target.model_copy(
            update={
                "status": TargetStatus.SCHEDULED_ON_NETWORK,
                "scheduled": scheduled,
                "sending_part": None,
                "claimed_by": None,
                "error": None,
            }
        )
        await self._save(run, announce=True)
        log.info("%s to %s handed over to %s for %s", post.id, account.ref, account.network.label, at)
        return True

    async def retry_first_comment(self, post: Post, target: Target) -> None:
        """Send a published target's failed (or, when the person says so, unknown) first comment again.

        The post must be claimed (`claim`) first, so two engines never comment at once.
        """
        assert target.first_comment is not None
        account, adapter, ctx = await self._reach(target)
        again = target.first_comment.model_copy(update={"status": "pending", "error": None})

        async def save(changed: Target) -> None:
            await self._db.run(self._store.posts.save_target, post.id, changed, now=self._clock.now())
            self._events.emit(PostDidChange(post.id, None))

        await first_comment.post_first_comment(
            post.id,
            tag_text(post.first_comment or "", post.utm_links, self._utm(account)),
            target.model_copy(update={"first_comment": again}),
            adapter,
            ctx,
            save=save,
            clock=self._clock,
            rng=self._rng,
            backoff=_backoff_step,
        )

    async def _reach(self, target: Target) -> tuple[Account, NetworkAdapter, AccountContext]:
        """The target's account, its network's adapter, and the context to act for the account."""
        account = await self._db.run(self._store.accounts.get, target.account_id)
        return account, self._connections.adapter(account.network), self._connections.context(account)

    async def _hand_over_failed(self, run: _Run, exc: Exception, at: datetime) -> None:
        on_wire = run.target.sending_part is not None
        if isinstance(exc, PublishError):
            uncertain = on_wire and exc.may_have_taken_effect and not run.adapter.idempotent_publish
        else:  # a refusal before sending (KnownError) is certain; a bug mid-request is not
            uncertain = on_wire and not isinstance(exc, KnownError)
        label = run.account.network.label
        if uncertain:
            await self._finish(
                run.post,
                run.target,
                TargetStatus.UNKNOWN,
                ErrorCode.UNKNOWN_OUTCOME,
                f"{exc} Outpost cannot tell whether {label} now holds this post for {at:%Y-%m-%d %H:%M} UTC; "
                f"it will not hand it over or publish it on its own. Look at {run.account.ref}'s scheduled "
                f"posts on {label}, then retry or cancel.",
                keep_sending_part=True,
            )
            await self.settle(run.post.id)
            return
        if not isinstance(exc, KnownError):
            log.error("handing %s over to %s failed", run.post.id, label, exc_info=exc)
        else:
            log.info("%s could not take %s (%s); Outpost will publish it itself", label, run.post.id, exc)
        back = run.target.model_copy(
            update={"status": TargetStatus.PENDING, "sending_part": None, "claimed_by": None, "error": None}
        )
        await self._db.run(self._store.posts.save_target, run.post.id, back, now=self._clock.now())

    async def withdraw(self, post: Post, target: Target) -> None:
        """Take a handed-over target back from its network; it is pending again.

        Raises:
            PublishError: the network could not be asked (the target stays with the network).
            InvalidStateError: the network has already published it (then it is recorded so).
        """
        assert target.scheduled is not None
        account, adapter, ctx = await self._reach(target)
        if post.scheduled_at is not None and post.scheduled_at <= self._clock.now():
            published = await adapter.confirm_on_network(ctx, target.scheduled)
            if published is not None:
                await self._record_confirmed(post, target, published)
                raise InvalidStateError(
                    f"{account.network.label} has already published post {post.id} on {account.ref}; "
                    f"it was recorded as published and not changed."
                )
        await adapter.cancel_on_network(ctx, target.scheduled)
        back = target.model_copy(update={"status": TargetStatus.PENDING, "scheduled": None, "error": None})
        await self._db.run(self._store.posts.save_target, post.id, back, now=self._clock.now())

    async def _confirm(self, post: Post, target: Target) -> None:
        """After its time: look for a handed-over post on its network until it shows (or give up)."""
        assert target.scheduled is not None
        account, adapter, ctx = await self._reach(target)
        due = post.scheduled_at or self._clock.now()
        label = account.network.label
        while True:
            try:
                published = await adapter.confirm_on_network(ctx, target.scheduled)
            except Rejected as err:
                await self._finish(post, target, TargetStatus.FAILED, err.code, f"{err}")
                return
            except PublishError as err:
                log.info("cannot confirm %s on %s yet: %s", post.id, label, err)
                published = None
            if published is not None:
                await self._record_confirmed(post, target, published)
                return
            if self._clock.now() >= due + CONFIRM_WINDOW:
                await self._finish(
                    post,
                    target,
                    TargetStatus.UNKNOWN,
                    ErrorCode.UNKNOWN_OUTCOME,
                    f"{label} was holding this post for {due:%Y-%m-%d %H:%M} UTC, but "
                    f"{_minutes(CONFIRM_WINDOW)} later it has not shown it on {account.ref}. Check the "
                    f"account on {label}; Outpost will not publish it again on its own.",
                )
                return
            await self._clock.sleep(CONFIRM_POLL_S)

    async def _record_confirmed(self, post: Post, target: Target, published: PublishedPart) -> None:
        done = target.model_copy(
            update={
                "status": TargetStatus.PUBLISHED,
                "parts": (published,),
                "scheduled": None,
                "published_at": self._clock.now(),
                "error": None,
                "claimed_by": None,
            }
        )
        await self._db.run(self._store.posts.save_target, post.id, done, now=self._clock.now())
        self._events.emit(PostDidChange(post.id, None))

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
        run = _Run(post, target, account, adapter)
        run.ctx = self._connections.context(account)
        try:
            await self._run_with_retries(run)
        except Exception as exc:  # a bug: keep the post safe, log the traceback
            log.exception("unexpected failure publishing %s to %s", post.id, account.ref)
            await self._bug(run, exc)

    async def _run_with_retries(self, run: _Run) -> None:
        while True:
            slot = self._account_slots.setdefault(run.account.id, asyncio.Semaphore(PER_ACCOUNT_CONCURRENCY))
            try:
                await self._wait_for_account(run)
                run.target = run.target.model_copy(update={"attempts": run.target.attempts + 1})
                await self._save(run)
                async with slot:
                    await self._attempt(run)
            except PublishError as err:
                if not await self._handle_failure(run, err):
                    return
            else:
                self._outages.pop(run.account.id, None)
                return

    async def _wait_for_account(self, run: _Run) -> None:
        """Wait out the account's rate limit and its backoff, the same for every post to it."""
        until = self._limited_until.get(run.account.id)
        if until is not None:
            wait = (until - self._clock.now()).total_seconds()
            if wait <= 0:
                self._limited_until.pop(run.account.id, None)
                await self._clear_rate_limit(run.account)
            elif wait > RETRY_HORIZON.total_seconds():
                raise RateLimited(
                    f"{run.account.network.label} asked Outpost to pause requests for {run.account.ref} "
                    f"until {until:%H:%M:%S} UTC; nothing was sent.",
                    retry_at=until,
                    retry_after_s=wait,
                )
            else:
                log.info("%s is rate limited; waiting %.0fs before %s", run.account.ref, wait, run.post.id)
                await self._clock.sleep(wait)
        outage = self._outages.get(run.account.id)
        if outage is not None and outage.next_try is not None:
            wait = (outage.next_try - self._clock.now()).total_seconds()
            if wait > 0:
                await self._clock.sleep(wait)

    async def _attempt(self, run: _Run) -> None:
        run.caps = await run.adapter.capabilities(run.ctx)
        problems = run.adapter.validate(run.post, run.target, run.account, run.caps)
        if problems:
            raise Rejected(" ".join(p.message for p in problems), code=ErrorCode.VALIDATION_ERROR)
        tags = self._utm(run.account)  # only the links the creator chose, never one tagged already
        parts = [tag_text(text, run.post.utm_links, tags) for text in run.post.parts_for(run.target)]
        run.target = first_comment.starting(run.post, run.target, run.adapter)
        for index in range(len(run.target.parts), len(parts)):
            # Each part's own files, uploaded just before it (issue #24: media on every part).
            media = run.post.media_for_part(index)
            uploaded: tuple[UploadedMedia, ...] = tuple([await self._upload(run, m) for m in media])
            run.target = run.target.model_copy(update={"sending_part": index})
            await self._save(run)
            done = run.target.parts
            request = PartRequest(
                index=index,
                text=parts[index],
                media=uploaded,
                options=run.target.options,
                idempotency_key=f"{run.target.idempotency_key}-{index}",
                reply_to=done[-1] if done else None,
                root=done[0] if done else None,
            )
            published = await run.adapter.publish(run.ctx, request)
            run.target = run.target.model_copy(update={"parts": (*done, published), "sending_part": None})
            await self._save(run, announce=True)
        published_at = run.target.published_at or self._clock.now()
        if run.target.first_comment is not None:  # the post is out; its comment follows on its own
            run.target = run.target.model_copy(update={"published_at": published_at})
            run.target = await first_comment.post_first_comment(
                run.post.id,
                tag_text(run.post.first_comment or "", run.post.utm_links, tags),
                run.target,
                run.adapter,
                run.ctx,
                save=lambda target: self._save_as(run, target),
                clock=self._clock,
                rng=self._rng,
                backoff=_backoff_step,
            )
        run.target = run.target.model_copy(
            update={
                "status": TargetStatus.PUBLISHED,
                "published_at": published_at,
                "error": None,
                "claimed_by": None,
            }
        )
        await self._save(run, announce=True)

    async def _save_as(self, run: _Run, target: Target) -> None:
        """Save the target as the first comment left it (announced: the window shows its state)."""
        run.target = target
        await self._save(run, announce=True)

    async def _upload(self, run: _Run, media: MediaAsset) -> UploadedMedia:
        """Prepare the file for this network (a fixed, metadata-free copy), then upload it."""
        rules = run.adapter.media_rules(run.caps, run.target.options) if run.caps else None

        def encoding(done: int, total: int) -> None:
            self._events.emit(MediaPrepareDidProgress(run.post.id, run.account.id, media.id, done, total))

        prepared = await self._media.prepare(media, rules, encoding)
        last = [-1]

        def report(sent: int, total: int) -> None:
            percent = sent * 100 // max(1, total)
            if percent != last[0]:  # at most ~100 events per file, however many chunks
                last[0] = percent
                self._events.emit(UploadDidProgress(run.post.id, run.account.id, media.id, sent, total))

        key = _reuse_key(prepared)
        kept = await run.ctx.checkpoint(key) if key else None
        if kept is not None:
            reused = _reusable(prepared, kept, self._clock.now())
            if reused is not None:
                return reused  # the same file, already on the network and still attachable there
        uploaded = await run.adapter.upload_media(run.ctx, prepared, report)
        if key and "reusable_until" in uploaded.extra:
            await run.ctx.save_checkpoint(
                key, json.dumps({"remote_id": uploaded.remote_id, "extra": uploaded.extra})
            )
        return uploaded

    async def _handle_failure(self, run: _Run, err: PublishError) -> bool:
        """Record a failed try; True if another try should follow (`_wait_for_account` waits)."""
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
        if not err.retryable:
            await self._finish(
                run.post, run.target, TargetStatus.FAILED, err.code, str(err), retry_at=err.retry_at
            )
            return False
        if isinstance(err, RateLimited) and err.retry_after_s is not None:
            return await self._rate_limited(run, err)
        offline = isinstance(err, NetworkUnavailable) and err.maybe_offline and not await self._online()
        if offline and await self._wait_until_online(run, err):
            return True
        return await self._back_off(run, err)

    async def _rate_limited(self, run: _Run, err: RateLimited) -> bool:
        """Wait for the network's reset (not a failed try), unless it lies beyond the horizon."""
        await self._note_rate_limit(run.account, err)
        until = self._limited_until[run.account.id]
        # Waits count against the horizon too: a network that keeps saying "later" cannot hold a
        # post for ever (the backoff itself is untouched: a 429 is not a failed try).
        since = self._outages.setdefault(run.account.id, _Outage(since=self._clock.now())).since
        if until - since > RETRY_HORIZON:
            await self._finish(
                run.post,
                run.target,
                TargetStatus.FAILED,
                err.code,
                f"{err} That is more than {_minutes(RETRY_HORIZON)} away, so Outpost stopped and will "
                f"not retry on its own: retry the post after {until:%H:%M} UTC.",
                retry_at=until,
            )
            return False
        await self._waiting(run, err, until)
        return True

    async def _back_off(self, run: _Run, err: PublishError) -> bool:
        """One more failure in the account's outage: wait longer, or give up past the horizon."""
        now = self._clock.now()
        outage = self._outages.setdefault(run.account.id, _Outage(since=now))
        outage.failures += 1
        if now - outage.since >= RETRY_HORIZON:
            await self._finish(
                run.post,
                run.target,
                TargetStatus.FAILED,
                err.code,
                f"{err} Outpost kept trying for {_minutes(now - outage.since)} and stopped; it will not "
                f"retry on its own. Retry the post when {run.account.network.label} works again.",
            )
            return False
        step = _backoff_step(outage.failures)
        wait = step / 2 + self._rng.uniform(0, step / 2)  # jittered, never bunched at zero
        next_try = now + timedelta(seconds=wait)
        if outage.next_try is None or outage.next_try < next_try:
            outage.next_try = next_try
        log.info(
            "%s to %s failed (%s), failure %d of this outage; next try at %s",
            run.post.id,
            run.account.ref,
            err.code,
            outage.failures,
            f"{outage.next_try:%H:%M:%S}",
        )
        await self._waiting(run, err, outage.next_try)
        return True

    async def _online(self) -> bool:
        try:
            return await self._connectivity.online()
        except Exception:  # a probe that breaks must not stop publishing
            log.exception("the connectivity probe failed")
            return True

    async def _wait_until_online(self, run: _Run, err: PublishError) -> bool:
        """The machine is offline: say so on the target and wait, without using up the horizon.

        False when it stayed offline for `OFFLINE_MAX` (then the usual back-off takes over).
        """
        started = self._clock.now()
        await self._save_waiting(
            run, err, None, "This computer is offline; Outpost sends it as soon as it is back online."
        )
        while not await self._online() and self._clock.now() - started < OFFLINE_MAX:
            await self._clock.sleep(OFFLINE_POLL_S)
        if not await self._online():
            return False
        outage = self._outages.get(run.account.id)
        if outage is not None:
            outage.since += self._clock.now() - started  # offline time is not the network's fault
        return True

    async def _waiting(self, run: _Run, err: PublishError, next_try: datetime) -> None:
        await self._save_waiting(run, err, next_try, f"Next try at {next_try:%H:%M:%S} UTC.")

    async def _save_waiting(self, run: _Run, err: PublishError, next_try: datetime | None, says: str) -> None:
        """The target keeps publishing, and its error says what happened and what happens next."""
        error = TargetError(code=err.code, message=f"{err} {says}", retry_at=next_try)
        update: dict[str, object] = {"error": error}
        if not err.may_have_taken_effect:
            update["sending_part"] = None  # nothing reached the network: a restart may send it again
        run.target = run.target.model_copy(update=update)
        await self._save(run, announce=True)

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


def _backoff_step(failures: int) -> float:
    """The backoff after the n-th failure in a row, before jitter (2 s, 4 s, 8 s … at most 5 min)."""
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (failures - 1)))


def _minutes(span: timedelta) -> str:
    """A span in whole minutes, as people say it."""
    minutes = max(1, round(span.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
