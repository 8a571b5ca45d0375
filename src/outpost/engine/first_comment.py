"""The first comment: posted right after the post, on its own, never at the post's expense.

Issue #22. Where the comment goes (`on`):

- a network that takes a *comment* (Instagram, Facebook, LinkedIn pages, YouTube) gets it on the
  post itself, the first part;
- a network where it is the author's *reply* (`self_reply`: Mastodon, Bluesky, X, Threads) gets
  it under the thread's LAST part, so that it reads as the thread's end rather than cutting in
  between its first and second part (for a single post the two are the same).

The rules that keep it safe, as for thread parts (`engine.publisher`):

- Its state lives on the target (`Target.first_comment`): `sending` is saved before the create
  request and `posted` (with its id) after, so a crash in between never comments twice: the
  target is resumed, and a comment left `sending` becomes `unknown` unless the network
  deduplicates (`idempotent_publish`; the idempotency key is the target's key + `:comment`).
- Its failure never re-posts the post and never fails the target: the post is published. A
  transient failure is retried a few times with the publisher's backoff (`COMMENT_TRIES`); then
  the comment is reported on its own (`failed` with its error; `first_comment_id` stays null).
- A network with no first comment (`NetworkAdapter.first_comment is None`) is a warning when
  the post is saved, naming the network and why, never a silent drop.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from outpost.adapters.base import AccountContext, NetworkAdapter
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import KnownError, Problem, PublishError, RateLimited
from outpost.domain.models import (
    Account,
    FirstCommentResult,
    FirstCommentStatus,
    Post,
    PublishedPart,
    Target,
    TargetError,
)
from outpost.engine.clock import Clock

log = logging.getLogger("outpost.engine.first_comment")

#: Create requests a first comment gets before it is reported as failed.
COMMENT_TRIES = 4
#: A wait longer than this (a rate limit's reset) is not waited for: the comment is reported.
COMMENT_MAX_WAIT_S = 300.0
FIELD = "--first-comment"


def comment_on(parts: Sequence[PublishedPart], adapter: NetworkAdapter) -> PublishedPart:
    """The part the comment goes on: the first for a comment, the last for a self-reply."""
    return parts[-1] if adapter.first_comment == "self_reply" else parts[0]


def comment_key(target: Target) -> str:
    """The comment's idempotency key, stable across every try and restart."""
    return f"{target.idempotency_key}:comment"


def length_problems(
    post: Post, account: Account, adapter: NetworkAdapter, caps: Capabilities
) -> list[Problem]:
    """The first comment counted as the network counts a post (a reply is a post there)."""
    text = post.first_comment
    if not text or adapter.first_comment is None:
        return []
    length = caps.count_length(text)
    if length <= caps.max_length:
        return []
    label = account.network.label
    return [
        Problem(
            field=FIELD,
            network=account.network.value,
            account=account.ref,
            rule="max_length",
            limit=caps.max_length,
            actual=length,
            message=f"{FIELD}: the first comment is {length} {caps.length_unit} long; {label} takes "
            f"at most {caps.max_length} ({account.ref}). Shorten it.",
        )
    ]


def unavailable_warnings(post: Post, accounts: Sequence[tuple[Account, NetworkAdapter]]) -> list[Problem]:
    """A warning per network that will not get the post's first comment (saying why)."""
    if not post.first_comment:
        return []
    warned: list[Problem] = []
    for account, adapter in accounts:
        if adapter.first_comment is not None:
            continue
        label = account.network.label
        why = adapter.first_comment_unavailable or f"{label} takes no first comment from Outpost"
        warned.append(
            Problem(
                field=FIELD,
                network=account.network.value,
                account=account.ref,
                rule="first_comment_unavailable",
                message=f"{FIELD}: {account.ref} will get the post without its first comment: "
                f"{why.rstrip('.')}.",
            )
        )
    return warned


def starting(post: Post, target: Target, adapter: NetworkAdapter) -> Target:
    """The target with a pending first comment, if the post has one for this network."""
    if not post.first_comment or adapter.first_comment is None or target.first_comment is not None:
        return target
    return target.model_copy(update={"first_comment": FirstCommentResult()})


async def post_first_comment(
    post_id: str,
    text: str | None,
    target: Target,
    adapter: NetworkAdapter,
    ctx: AccountContext,
    *,
    save: Callable[[Target], Awaitable[None]],
    clock: Clock,
    rng: random.Random,
    backoff: Callable[[int], float],
) -> Target:
    """Post the first comment of a published target; returns the target with its outcome saved.

    Never raises: whatever happens is recorded on `target.first_comment`.
    """
    state = target.first_comment
    if state is None or not text or state.status in ("posted", "failed", "unknown") or not target.parts:
        return target
    label = ctx.account.network.label

    async def settle(new: FirstCommentResult) -> Target:
        nonlocal target
        target = target.model_copy(update={"first_comment": new})
        await save(target)
        return target

    if state.status == "sending" and not adapter.idempotent_publish:
        return await settle(
            state.model_copy(
                update={
                    "status": "unknown",
                    "error": TargetError(
                        code=ErrorCode.UNKNOWN_OUTCOME,
                        message=f"Outpost stopped while sending the first comment to {label}; it cannot "
                        f"tell whether {label} has it and will not send it again. Look under the post "
                        f"on {ctx.account.ref}.",
                    ),
                }
            )
        )
    on = comment_on(target.parts, adapter)
    failures = 0
    while True:
        state = state.model_copy(update={"status": "sending", "attempts": state.attempts + 1})
        await settle(state)
        try:
            part = await adapter.post_comment(ctx, on, text, comment_key(target))
        except PublishError as err:
            failures += 1
            if err.may_have_taken_effect and not adapter.idempotent_publish:
                return await settle(
                    _ended(state, "unknown", ErrorCode.UNKNOWN_OUTCOME, f"{err} {_unsure(label, ctx)}")
                )
            wait = _wait_for(err, failures, backoff)
            if not err.retryable or failures >= COMMENT_TRIES or wait is None:
                return await settle(
                    _ended(state, "failed", err.code, f"{err} {_published(label)}", err.retry_at)
                )
            log.info(
                "first comment of %s on %s failed (%s); trying again in %.0fs", post_id, label, err, wait
            )
            state = state.model_copy(
                update={"status": "pending", "error": TargetError(code=err.code, message=str(err))}
            )
            await settle(state)
            await clock.sleep(wait + rng.uniform(0, wait / 4))
            continue
        except KnownError as err:  # refused before sending (e.g. the network takes no comment)
            return await settle(
                _ended(state, "failed", ErrorCode.VALIDATION_ERROR, f"{err} {_published(label)}")
            )
        except Exception as exc:  # a bug: the post stays published, the comment is reported
            log.exception("first comment of %s on %s", post_id, label)
            return await settle(
                _ended(
                    state,
                    "unknown",
                    ErrorCode.UNKNOWN_OUTCOME,
                    f"Outpost hit an internal error ({type(exc).__name__}) while sending the first comment; "
                    f"{_unsure(label, ctx)}",
                )
            )
        return await settle(state.model_copy(update={"status": "posted", "part": part, "error": None}))


def _wait_for(err: PublishError, failures: int, backoff: Callable[[int], float]) -> float | None:
    if isinstance(err, RateLimited) and err.retry_after_s is not None:
        return err.retry_after_s if err.retry_after_s <= COMMENT_MAX_WAIT_S else None
    return backoff(failures)


def _ended(
    state: FirstCommentResult,
    status: FirstCommentStatus,
    code: ErrorCode,
    message: str,
    retry_at: datetime | None = None,
) -> FirstCommentResult:
    return state.model_copy(
        update={"status": status, "error": TargetError(code=code, message=message, retry_at=retry_at)}
    )


def _published(label: str) -> str:
    return (
        f"The post itself is published on {label}; only its first comment is missing. Add it by hand there."
    )


def _unsure(label: str, ctx: AccountContext) -> str:
    return (
        f"Outpost cannot tell whether {label} has the first comment and will not send it again; "
        f"look under the post on {ctx.account.ref}."
    )
