"""From what a person asked for (`PostInput`) to a `Post` with one target per account.

Pure functions: the engine fetches accounts, probes files and asks adapters for their rules,
then calls these to assemble the post and collect every problem at once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import JsonValue

from outpost.domain.capabilities import Capabilities, OptionKind
from outpost.domain.enums import Network, TargetStatus
from outpost.domain.errors import Problem
from outpost.domain.ids import new_id
from outpost.domain.models import Account, MediaAsset, Post, Target

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class MediaInput:
    """A file to attach, with its alt text and the point a crop should keep in view (0..1)."""

    path: str
    alt_text: str = ""
    focus: tuple[float, float] = (0.5, 0.5)


@dataclass(frozen=True)
class PostInput:
    """A post as a person describes it (the `post create` options, or the composer).

    Attributes:
        accounts: account ids or `network:handle` names.
        text_for: (account or network, text) overrides; an account's beats its network's.
        options: (network, key, value) network settings; text values are converted by the
            network's option types.
        title / tags / campaign: how the creator files the post (never published); `campaign`
            is a campaign's name or id, None or "" for none.
        thread_for: (account or network, further parts) a network's own thread instead of
            `thread` (its first part is its `text_for` text, else the post's); () makes it a
            single post. An account's beats its network's.
        thread_media: the files of thread parts 2, 3, … (`media` are part 1's).
    """

    text: str = ""
    accounts: tuple[str, ...] = ()
    text_for: tuple[tuple[str, str], ...] = ()
    media: tuple[MediaInput, ...] = ()
    thread: tuple[str, ...] = ()
    options: tuple[tuple[str, str, JsonValue], ...] = ()
    title: str | None = None
    tags: tuple[str, ...] = ()
    campaign: str | None = None
    thread_for: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thread_media: tuple[tuple[MediaInput, ...], ...] = ()
    #: Posted right after the post as its first comment / the author's reply ("" for none).
    first_comment: str = ""
    #: The links of the text to tag with UTM parameters where the settings say so.
    utm_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostChanges:
    """An edit: every field left None keeps what the post has."""

    text: str | None = None
    accounts: tuple[str, ...] | None = None
    text_for: tuple[tuple[str, str], ...] | None = None
    media: tuple[MediaInput, ...] | None = None
    thread: tuple[str, ...] | None = None
    options: tuple[tuple[str, str, JsonValue], ...] | None = None
    title: str | None = None  # "" removes the title
    tags: tuple[str, ...] | None = None
    campaign: str | None = None  # "" takes the post out of its campaign
    thread_for: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    thread_media: tuple[tuple[MediaInput, ...], ...] | None = None
    first_comment: str | None = None  # "" removes it
    utm_links: tuple[str, ...] | None = None

    def apply(self, base: PostInput) -> PostInput:
        """`base` with these changes made."""
        changed = {k: v for k, v in vars(self).items() if v is not None}
        return replace(base, **changed)


@dataclass(frozen=True)
class When:
    """When to publish: keep as a draft, now, or at a time (`at` ISO-8601, `tz` IANA zone)."""

    kind: Literal["draft", "now", "at"]
    at: str | None = None
    tz: str | None = None

    @classmethod
    def draft(cls) -> When:
        """Save without publishing."""
        return cls("draft")

    @classmethod
    def now(cls) -> When:
        """Publish at once."""
        return cls("now")

    @classmethod
    def scheduled(cls, at: str, tz: str | None = None) -> When:
        """Publish at `at` (wall-clock time in `tz` when `at` has no offset)."""
        return cls("at", at, tz)


@dataclass
class Resolution:
    """What `resolve_accounts` found: the accounts and the problems."""

    accounts: list[Account] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def input_of(post: Post) -> PostInput:
    """The `PostInput` that would make `post` again (the starting point of an edit)."""
    overrides = tuple((t.account_id, t.text_override) for t in post.targets if t.text_override is not None)
    options: list[tuple[str, str, JsonValue]] = []
    seen: set[tuple[str, str]] = set()
    for t in post.targets:
        for key, value in t.options.items():
            if (t.network.value, key) not in seen:
                seen.add((t.network.value, key))
                options.append((t.network.value, key, value))
    return PostInput(
        text=post.text,
        accounts=tuple(t.account_id for t in post.targets),
        text_for=overrides,
        media=_inputs(post.media),
        thread=post.thread,
        options=tuple(options),
        title=post.title,
        tags=post.tags,
        campaign=post.campaign_id,
        thread_for=tuple(
            (t.account_id, t.thread_override) for t in post.targets if t.thread_override is not None
        ),
        thread_media=tuple(_inputs(files) for files in post.thread_media),
        first_comment=post.first_comment or "",
        utm_links=post.utm_links,
    )


def _inputs(media: Sequence[MediaAsset]) -> tuple[MediaInput, ...]:
    return tuple(MediaInput(m.path, m.alt_text, (m.focus_x, m.focus_y)) for m in media)


def resolve_accounts(refs: Sequence[str], known: Sequence[Account]) -> Resolution:
    """The accounts named by `refs` (ids or `network:handle`), each once, in order.

    `known` may include removed accounts, so that naming one says it was removed rather than
    that it does not exist.
    """
    result = Resolution()
    if not refs:
        result.problems.append(
            Problem(
                field="--account",
                rule="required",
                message=f"--account: choose at least one account to publish to (connected: {_names(known)}).",
            )
        )
    for ref in refs:
        account = _find(ref, known)
        if account is not None and account.removed_at is not None:
            result.problems.append(
                Problem(
                    field="--account",
                    rule="connected_account",
                    account=account.ref,
                    message=f"--account: {account.ref} was removed from Outpost; connect it again, "
                    f"or take it off this post.",
                )
            )
        elif account is None:
            result.problems.append(
                Problem(
                    field="--account",
                    rule="known_account",
                    actual=ref,
                    message=f"--account: no connected account {ref!r} (connected: {_names(known)}).",
                )
            )
        elif account not in result.accounts:
            result.accounts.append(account)
    return result


def _find(ref: str, accounts: Iterable[Account]) -> Account | None:
    for account in accounts:
        if ref in (account.id, account.ref, f"{account.network.value}:@{account.handle}"):
            return account
    return None


def _names(accounts: Sequence[Account]) -> str:
    return (
        ", ".join(a.ref for a in accounts if a.removed_at is None)
        or "none; add one with `outpost accounts add`"
    )


def text_overrides(
    pairs: Sequence[tuple[str, str]], accounts: Sequence[Account]
) -> tuple[dict[str, str], list[Problem]]:
    """Per-account text from `--text-for` pairs keyed by account or network; unknown keys are problems."""
    by_network: dict[Network, str] = {}
    by_account: dict[str, str] = {}
    problems: list[Problem] = []
    for key, text in pairs:
        account = _find(key, accounts)
        if account is not None:
            by_account[account.id] = text
        elif key in {a.network.value for a in accounts}:
            by_network[Network(key)] = text
        else:
            problems.append(
                Problem(
                    field="--text-for",
                    rule="known_target",
                    actual=key,
                    message=f"--text-for: {key!r} is neither a chosen account nor the network of "
                    f"one (chosen: {_names(accounts)}).",
                )
            )
    merged = {a.id: by_account.get(a.id, by_network.get(a.network)) for a in accounts}
    return {k: v for k, v in merged.items() if v is not None}, problems


def thread_overrides(
    pairs: Sequence[tuple[str, tuple[str, ...]]], accounts: Sequence[Account]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Per-account threads from `--thread-for` pairs keyed by account or network (as `text_overrides`)."""
    by_network: dict[Network, tuple[str, ...]] = {}
    by_account: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for key, parts in pairs:
        account = _find(key, accounts)
        if account is not None:
            by_account[account.id] = parts
        elif key in {a.network.value for a in accounts}:
            by_network[Network(key)] = parts
        else:
            problems.append(
                Problem(
                    field="--thread-for",
                    rule="known_target",
                    actual=key,
                    message=f"--thread-for: {key!r} is neither a chosen account nor the network of "
                    f"one (chosen: {_names(accounts)}).",
                )
            )
    merged = {a.id: by_account.get(a.id, by_network.get(a.network)) for a in accounts}
    return {k: v for k, v in merged.items() if v is not None}, problems


def network_options(
    triples: Sequence[tuple[str, str, JsonValue]],
    accounts: Sequence[Account],
    capabilities: Mapping[Network, Capabilities],
) -> tuple[dict[Network, dict[str, JsonValue]], list[Problem]]:
    """Options per network, converted to their types; options for unchosen networks are problems."""
    chosen = {a.network for a in accounts}
    result: dict[Network, dict[str, JsonValue]] = {}
    problems: list[Problem] = []
    for network_name, key, value in triples:
        field_name = f"--option {network_name}.{key}"
        try:
            network = Network(network_name)
        except ValueError:
            problems.append(
                Problem(
                    field=field_name,
                    rule="known_network",
                    actual=network_name,
                    message=f"{field_name}: {network_name!r} is not a network Outpost knows "
                    f"({', '.join(n.value for n in Network)}).",
                )
            )
            continue
        if network not in chosen:
            problems.append(
                Problem(
                    field=field_name,
                    network=network.value,
                    rule="network_chosen",
                    message=f"{field_name}: no {network.label} account is chosen for this post, so "
                    f"the option would do nothing. Add one with --account, or drop the option.",
                )
            )
            continue
        caps = capabilities.get(network)
        result.setdefault(network, {})[key] = value if caps is None else coerce_option(caps, key, value)
    return result, problems


def coerce_option(caps: Capabilities, key: str, value: JsonValue) -> JsonValue:
    """A command-line option value turned into the type the network's option has."""
    spec = caps.option(key)
    if spec is None or not isinstance(value, str):
        return value
    if spec.kind is OptionKind.BOOL:
        lowered = value.strip().lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else value
    if spec.kind is OptionKind.LIST:
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def new_idempotency_key() -> str:
    """A fresh key for a target's create requests (a new one whenever its content changes).

    It starts with the creation time in microseconds (14 hex digits), so a network that wants
    time-ordered client-chosen ids (Bluesky's TID record keys) can derive a stable one from it.
    """
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(8)}"


def build_targets(
    accounts: Sequence[Account],
    texts: Mapping[str, str],
    options: Mapping[Network, Mapping[str, JsonValue]],
    *,
    previous: Sequence[Target] = (),
    threads: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Target, ...]:
    """One pending target per account; a target kept from `previous` keeps its id and attempts.

    `threads`: each account's own further thread parts (`--thread-for`), where it has them.
    """
    earlier = {t.account_id: t for t in previous}
    targets = []
    for account in accounts:
        before = earlier.get(account.id)
        targets.append(
            Target(
                id=before.id if before else new_id("tgt"),
                account_id=account.id,
                network=account.network,
                text_override=texts.get(account.id),
                thread_override=(threads or {}).get(account.id),
                options=dict(options.get(account.network, {})),
                status=TargetStatus.PENDING,
                attempts=before.attempts if before else 0,
                idempotency_key=new_idempotency_key(),
            )
        )
    return tuple(targets)
