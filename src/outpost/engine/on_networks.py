"""`engine.networks`: a published post after it went out — delete it everywhere, or edit it (issue #24).

Each network does what its API allows (`NetworkAdapter.can_delete`, `edit_kind`):

- delete: every published part (last first, after the first comment) goes; the local post stays,
  each target saying when its copy was deleted (`deleted_at`). A network that cannot delete
  through its API is reported as `unavailable` with the link, so the person deletes it there.
- edit in place: the network's edit request, part by part, media uploaded again where the edit
  takes files (Mastodon).
- edit by reposting: delete, then publish again through the `Publisher` (the target goes back
  to pending with a fresh idempotency key), so the same care as any publish applies: a post is
  never published twice. Only when the person said yes (`repost=True`): the post loses its
  likes, replies and link.

A failure on one network never stops the others; it is reported with the network's words and
running the same command again retries only what is left (deleted targets are skipped; a part
already gone counts as deleted).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from outpost.adapters.base import AccountContext, NetworkAdapter, PartRequest, UploadedMedia
from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, KnownError, PublishError
from outpost.domain.models import Account, Post, PublishedPart, Target
from outpost.engine import composer
from outpost.engine.accounts import AccountsService
from outpost.engine.composer import PostChanges, When
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange
from outpost.engine.media import MediaService
from outpost.engine.publisher import Publisher
from outpost.engine.staging import Stager

log = logging.getLogger("outpost.engine.networks")

#: What will happen (a preview) or what happened (a result) on one network.
Action = Literal["delete", "in_place", "repost", "unavailable", "skipped"]
Outcome = Literal["deleted", "edited", "reposted", "unavailable", "failed", "skipped"]

_BUSY = (PostStatus.PUBLISHING,)


@dataclass(frozen=True)
class NetworkPlan:
    """What deleting or editing will do on one target's network, in words for the window."""

    account_id: str
    account_ref: str
    network: str
    network_label: str
    action: Action
    message: str
    permalink: str | None


@dataclass(frozen=True)
class NetworkResult:
    """What happened on one target's network (the `results` of `post delete --on-networks`)."""

    account_id: str
    network: str
    outcome: Outcome
    message: str
    permalink: str | None

    def as_json(self) -> dict[str, str | None]:
        """The INTERFACE.md shape."""
        return {
            "account_id": self.account_id,
            "network": self.network,
            "outcome": self.outcome,
            "message": self.message,
            "permalink": self.permalink,
        }


@dataclass(frozen=True)
class NetworkWork:
    """A post after a delete or edit on the networks, with one result per target."""

    post: Post
    results: tuple[NetworkResult, ...]

    @property
    def failed(self) -> bool:
        """Whether any network failed (the command line exits 1)."""
        return any(r.outcome == "failed" for r in self.results)


class NetworksService:
    """Delete and edit published posts on their networks."""

    def __init__(
        self, core: EngineCore, *, accounts: AccountsService, media: MediaService, publisher: Publisher
    ) -> None:
        self._core = core
        self._accounts = accounts
        self._media = media
        self._publisher = publisher
        self._stager = Stager(core, accounts, media)

    # -- previews (the window's confirmation and the composer's edit mode) -------------------------

    async def preview_delete(self, post_id: str) -> list[NetworkPlan]:
        """Per target, what `delete_everywhere` will do."""
        post = await self._get(post_id)
        plans: list[NetworkPlan] = []
        for target in post.targets:
            account, adapter = await self._reach(target)
            plans.append(self._delete_plan(target, account, adapter))
        return plans

    async def preview_edit(self, post_id: str) -> list[NetworkPlan]:
        """Per target, what `edit_published` will do: in place, delete and post again, or nothing."""
        post = await self._get(post_id)
        plans: list[NetworkPlan] = []
        for target in post.targets:
            account, adapter = await self._reach(target)
            plans.append(self._edit_plan(target, account, adapter))
        return plans

    # -- delete --------------------------------------------------------------------------------------

    async def delete_everywhere(self, post_id: str) -> NetworkWork:
        """Delete the post (its thread and first comment) from every network that allows it.

        The local post stays; each deleted target gets `deleted_at`. Targets deleted before are
        skipped, so running it again retries only the networks that failed.
        """
        post = await self._get(post_id)
        _require_settled(post, "deleted from the networks")
        results = await asyncio.gather(*(self._delete_target(post, t) for t in post.targets))
        return await self._finish(post_id, results)

    async def _delete_target(self, post: Post, target: Target) -> NetworkResult:
        account, adapter = await self._reach(target)
        plan = self._delete_plan(target, account, adapter)
        if plan.action != "delete":
            outcome: Outcome = "unavailable" if plan.action == "unavailable" else "skipped"
            return _result(target, outcome, plan.message)
        try:
            await self._delete_parts(target, adapter, self._core.connections.context(account))
        except PublishError as exc:
            log.info("deleting %s from %s failed: %s", post.id, account.ref, exc)
            return _result(target, "failed", f"{exc} Nothing else changed there; try again.")
        await self._mark_deleted(post.id, target, deleted=True)
        return _result(target, "deleted", f"Deleted from {account.network.label} ({account.ref}).")

    async def _delete_parts(self, target: Target, adapter: NetworkAdapter, ctx: AccountContext) -> None:
        """The first comment first, then the thread from its last part to its first."""
        for part in (*_first_comments(target), *reversed(target.parts)):
            await adapter.delete_published(ctx, part)

    async def _mark_deleted(self, post_id: str, target: Target, *, deleted: bool) -> None:
        now = self._core.clock.now()
        await self._core.db.run(
            self._core.store.posts.mark_target_deleted, post_id, target.id, now if deleted else None, now=now
        )

    # -- edit ------------------------------------------------------------------------------------------

    async def edit_published(
        self, post_id: str, changes: PostChanges, *, repost: bool = False
    ) -> NetworkWork:
        """Change a published post on its networks: in place where allowed, else (with `repost`) anew.

        `changes` may carry text, a thread, per-account text and media (accounts and options stay).
        Every network's rules are checked first; nothing is sent if the new content breaks one.
        """
        post = await self._get(post_id)
        _require_settled(post, "edited on the networks")
        if changes.accounts is not None or changes.options is not None:
            raise InvalidStateError(
                f"Post {post_id} is published: editing on the networks changes its text and media, "
                f"not where it went or its settings."
            )
        staged = await self._stager.stage(
            changes.apply(composer.input_of(post)),
            When.draft(),
            post_id=post.id,
            created_at=post.created_at,
            previous=post,
        )
        overrides = {t.account_id: t.text_override for t in staged.post.targets}
        new = post.model_copy(
            update={
                "text": staged.post.text,
                "thread": staged.post.thread,
                "media": staged.post.media,
                "updated_at": self._core.clock.now(),
                "targets": tuple(
                    t.model_copy(update={"text_override": overrides.get(t.account_id, t.text_override)})
                    for t in post.targets
                ),
            }
        )
        media_changed = [m.sha256 or m.path for m in post.media] != [
            m.sha256 or m.path for m in new.media
        ] or [m.alt_text for m in post.media] != [m.alt_text for m in new.media]
        work = [
            self._edit_target(post, new, t, repost=repost, media_changed=media_changed) for t in new.targets
        ]
        results = list(await asyncio.gather(*work))
        if any(r.outcome in ("edited", "reposted") for r in results):
            # The local post says what went out last; networks left as they were say so in results.
            await self._core.db.run(self._core.store.posts.replace_published_content, new)
        reposting = [i for i, r in enumerate(results) if r.outcome == "reposted"]
        if reposting:
            results = await self._publish_again(new, results, reposting)
        return await self._finish(post_id, results)

    async def _edit_target(
        self, old: Post, new: Post, target: Target, *, repost: bool, media_changed: bool
    ) -> NetworkResult:
        account, adapter = await self._reach(target)
        plan = self._edit_plan(target, account, adapter)
        if plan.action in ("unavailable", "skipped"):
            return _result(target, "unavailable" if plan.action == "unavailable" else "skipped", plan.message)
        ctx = self._core.connections.context(account)
        if plan.action == "repost":
            if not repost:
                return _result(
                    target, "skipped", f"{plan.message} Not done: say yes to reposting (--repost)."
                )
            try:
                await self._delete_parts(target, adapter, ctx)
            except PublishError as exc:
                return _result(
                    target, "failed", f"{exc} The old post is still there; nothing was posted again."
                )
            await self._mark_deleted(old.id, target, deleted=True)
            return _result(target, "reposted", "Deleted; publishing again.")
        try:
            return await self._edit_in_place(
                old, new, target, account, adapter, ctx, media_changed=media_changed
            )
        except (PublishError, KnownError) as exc:
            return _result(target, "failed", str(exc))

    async def _edit_in_place(
        self,
        old: Post,
        new: Post,
        target: Target,
        account: Account,
        adapter: NetworkAdapter,
        ctx: AccountContext,
        *,
        media_changed: bool,
    ) -> NetworkResult:
        texts, before = new.parts_for(target), old.parts_for(old.target(target.id))
        label = account.network.label
        if len(texts) != len(target.parts):
            return _result(
                target,
                "unavailable",
                f"{label} edits each part in place; the thread now has {len(texts)} parts instead of "
                f"{len(target.parts)}. Delete it there and post again.",
            )
        if media_changed and not adapter.edit_takes_media:
            return _result(
                target,
                "unavailable",
                f"{label} edits only the words of a published post; its media stays as published.",
            )
        uploaded: tuple[UploadedMedia, ...] = ()
        if adapter.edit_takes_media and media_changed and new.media:
            caps = await adapter.capabilities(ctx)
            rules = adapter.media_rules(caps, target.options)
            uploaded = tuple(
                [await adapter.upload_media(ctx, await self._media.prepare(m, rules)) for m in new.media]
            )
        parts = list(target.parts)
        for index, part in enumerate(target.parts):
            first_with_media = index == 0 and adapter.edit_takes_media
            if texts[index] == before[index] and not (first_with_media and media_changed):
                continue
            request = PartRequest(
                index=index,
                text=texts[index],
                media=uploaded if index == 0 else (),
                options=target.options,
                idempotency_key=f"{target.idempotency_key}-edit-{index}",
                media_unchanged=index == 0 and not media_changed,
                reply_to=parts[index - 1] if index else None,
                root=parts[0] if index else None,
            )
            parts[index] = await adapter.edit_published(ctx, part, request)
            saved = target.model_copy(update={"parts": tuple(parts), "text_override": target.text_override})
            await self._core.db.run(
                self._core.store.posts.save_target, old.id, saved, now=self._core.clock.now()
            )
        return _result(target.model_copy(update={"parts": tuple(parts)}), "edited", f"Edited on {label}.")

    async def _publish_again(
        self, new: Post, results: list[NetworkResult], reposting: Sequence[int]
    ) -> list[NetworkResult]:
        """Publish the deleted targets again through the publisher: claimed, pending, a fresh key."""
        post_id = new.id
        post = await self._get(post_id)
        if not await self._publisher.claim(post_id, [post.status]):
            raise InvalidStateError(f"Post {post_id} changed meanwhile; it was deleted but not posted again.")
        try:
            for index in reposting:
                target = next(t for t in post.targets if t.account_id == results[index].account_id)
                fresh = target.model_copy(
                    update={
                        "status": TargetStatus.PENDING,
                        "parts": (),
                        "sending_part": None,
                        "attempts": 0,
                        "published_at": None,
                        "error": None,
                        "idempotency_key": composer.new_idempotency_key(),
                        "text_override": new.target(target.id).text_override,
                    }
                )
                now = self._core.clock.now()
                await self._core.db.run(self._core.store.posts.save_target, post_id, fresh, now=now)
                await self._core.db.run(
                    self._core.store.posts.mark_target_deleted, post_id, target.id, None, now=now
                )
            published = await self._publisher.publish(post_id)
        except BaseException:
            await self._publisher.settle(post_id)
            raise
        out = list(results)
        for index in reposting:
            target = next(t for t in published.targets if t.account_id == results[index].account_id)
            if target.status is TargetStatus.PUBLISHED:
                out[index] = _result(target, "reposted", "Deleted and posted again (a new post, new link).")
            else:
                why = target.error.message if target.error else target.status.value
                out[index] = _result(
                    target,
                    "failed",
                    f"Deleted, but posting again did not finish: {why} Retry the post to publish it there.",
                )
        return out

    # -- plans ---------------------------------------------------------------------------------------

    def _delete_plan(self, target: Target, account: Account, adapter: NetworkAdapter) -> NetworkPlan:
        label = account.network.label
        skip = _not_on_network(target, label, editing=False)
        if skip is not None:
            return _plan(target, account, "skipped", skip)
        if not adapter.can_delete:
            # The link travels apart (`permalink`): the window offers Open, the command line prints it.
            why = adapter.delete_unavailable or f"{label} cannot delete posts through its API."
            return _plan(target, account, "unavailable", why)
        parts = len(target.parts) + len(_first_comments(target))
        what = "the post" if parts == 1 else f"the post and its {parts - 1} other parts"
        return _plan(target, account, "delete", f"Deletes {what} on {label}.")

    def _edit_plan(self, target: Target, account: Account, adapter: NetworkAdapter) -> NetworkPlan:
        label = account.network.label
        skip = _not_on_network(target, label, editing=True)
        if skip is not None:
            return _plan(target, account, "skipped", skip)
        if adapter.edit_kind == "in_place":
            return _plan(
                target, account, "in_place", adapter.edit_unavailable or f"Edited in place on {label}."
            )
        if adapter.edit_kind == "repost":
            return _plan(
                target,
                account,
                "repost",
                adapter.edit_unavailable
                or f"{label} cannot edit a published post: it is deleted and posted again (likes, replies "
                f"and its link are lost).",
            )
        why = adapter.edit_unavailable or f"{label} cannot edit published posts through its API."
        return _plan(target, account, "unavailable", why)

    # -- plumbing --------------------------------------------------------------------------------------

    async def _get(self, post_id: str) -> Post:
        return await self._core.db.run(self._core.store.posts.get, post_id)

    async def _reach(self, target: Target) -> tuple[Account, NetworkAdapter]:
        account = await self._core.db.run(self._core.store.accounts.get, target.account_id)
        return account, self._core.connections.adapter(account.network)

    async def _finish(self, post_id: str, results: Sequence[NetworkResult]) -> NetworkWork:
        post = await self._get(post_id)
        self._core.events.emit(PostDidChange(post_id, post))
        return NetworkWork(post, tuple(results))


def _require_settled(post: Post, verb: str) -> None:
    if post.status in _BUSY:
        raise InvalidStateError(
            f"Post {post.id} is publishing right now; it can be {verb} once it has finished."
        )
    if not any(t.parts for t in post.targets):
        raise InvalidStateError(
            f"Post {post.id} is {post.status.value} and went out nowhere, so there is nothing on the "
            f"networks; use `outpost post delete` or `post edit` without --on-networks."
        )


def _not_on_network(target: Target, label: str, *, editing: bool) -> str | None:
    """Why there is nothing of this target on its network to delete or edit, or None.

    A thread that failed half-way has parts out there: they can be deleted, not edited.
    """
    if target.deleted_at is not None:
        return f"Already deleted from {label} on {target.deleted_at:%Y-%m-%d %H:%M} UTC."
    if target.status is TargetStatus.PUBLISHING:
        return f"Publishing to {label} right now; try again once it has finished."
    if not target.parts:
        return f"Not published on {label} ({target.status.value}); nothing to change there."
    if editing and target.status is not TargetStatus.PUBLISHED:
        return f"Only part of the thread is on {label} ({target.status.value}); retry or delete it first."
    return None


def _first_comments(target: Target) -> tuple[PublishedPart, ...]:
    """The target's first comment, where it has one (kept by the first-comment feature)."""
    comment = getattr(target, "first_comment", None)
    if isinstance(comment, PublishedPart):
        return (comment,)
    if target.parts and "first_comment_id" in target.parts[0].extra:
        return (PublishedPart(platform_post_id=target.parts[0].extra["first_comment_id"]),)
    return ()


def _plan(target: Target, account: Account, action: Action, message: str) -> NetworkPlan:
    return NetworkPlan(
        account_id=target.account_id,
        account_ref=account.ref,
        network=target.network.value,
        network_label=target.network.label,
        action=action,
        message=message,
        permalink=target.permalink,
    )


def _result(target: Target, outcome: Outcome, message: str) -> NetworkResult:
    return NetworkResult(
        account_id=target.account_id,
        network=target.network.value,
        outcome=outcome,
        message=message,
        permalink=target.permalink,
    )
