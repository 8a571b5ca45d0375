"""The one interface every network adapter implements, and what it is handed to do its work.

Learned from httpx `_transports/base.py` (a small async interface plus `aclose`) and its
`transport=` seam: an adapter *receives* its `httpx.AsyncClient`, so tests hand it a client whose
transport is a strict fake server, and the engine shares one connection pool.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

import httpx

from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.accounts import AccountTarget, AddAccountRequest, Credentials, DeveloperApp
from outpost.domain.capabilities import Capabilities
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, Problem, ValidationError
from outpost.domain.media_rules import MediaRules
from outpost.domain.models import Account, HealthReport, MediaAsset, Options, Post, PublishedPart, Target
from outpost.domain.validation import validate_target

if TYPE_CHECKING:  # statistics' values: only the readers make them (issue #26)
    from outpost.domain.metrics import Mention, MetricReading, RemotePost

# AddAccountRequest, Credentials and DeveloperApp live in the domain (the window and the command line
# build them without importing an adapter); they are named here for the adapters' convenience.
__all__ = [
    "AccountContext",
    "AddAccountRequest",
    "CheckpointStore",
    "CredentialVault",
    "Credentials",
    "DeveloperApp",
    "EditKind",
    "HostedFile",
    "MediaHost",
    "MemoryCheckpoints",
    "NativeSchedule",
    "NetworkAdapter",
    "NoMediaHost",
    "PartRequest",
    "Progress",
    "UploadedMedia",
    "VerifiedAccount",
]

Progress = Callable[[int, int], None]  # (bytes sent, bytes in all)


class CredentialVault(Protocol):
    """Where an account's secrets live (the OS keyring); async because keyring calls may block."""

    async def read(self, ref: str) -> Credentials | None:
        """The credentials stored under `ref`, if any."""

    async def write(self, ref: str, credentials: Credentials) -> None:
        """Store credentials under `ref`, replacing what was there."""


@dataclass(frozen=True)
class HostedFile:
    """A file on the creator's public media host, for a network to fetch by URL.

    Attributes:
        url: a presigned GET URL (expires at `expires_at`, within the hour); hand it to the network.
        key: the object's random key in the bucket, to delete it once the network has it.
    """

    url: str
    key: str
    expires_at: datetime


#: How to set a media host, said wherever one is missing.
SET_MEDIA_HOST = (
    "set a public media host first: `outpost media-host set --endpoint URL --bucket NAME "
    "--access-key-id ID --secret-stdin` (or Settings → Media host)"
)


class MediaHost(Protocol):
    """The creator's S3-compatible bucket, for networks that fetch media from a public URL.

    Instagram and Threads (and TikTok photo posts) never receive file bytes: they download the
    file from a URL. An adapter puts the file here, hands the network `HostedFile.url`, and
    deletes it once the network has fetched it (its container finished) or the post failed.
    """

    @property
    def configured(self) -> bool:
        """Whether the creator has set a media host (validation says how to set one if not)."""

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Upload `asset` under a random key; the URL expires within the hour."""

    async def delete(self, hosted: HostedFile) -> None:
        """Remove the object (never raises for an object already gone)."""


class NoMediaHost:
    """What adapters get while no media host is set: it refuses with how to set one."""

    @property
    def configured(self) -> bool:
        """Never."""
        return False

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Refuse: there is nowhere public to put the file."""
        raise ValidationError.single(
            "media_host", f"This network fetches media from a public URL: {SET_MEDIA_HOST}."
        )

    async def delete(self, hosted: HostedFile) -> None:
        """Nothing was put, so nothing to delete."""


class CheckpointStore(Protocol):
    """Where adapters' checkpoints persist (the store); async because it is a database write."""

    async def get(self, key: str) -> str | None:
        """The value saved under `key`, if any."""

    async def put(self, key: str, value: str) -> None:
        """Save `value` under `key`, committed before returning."""

    async def delete(self, key: str) -> None:
        """Forget `key`."""


class MemoryCheckpoints:
    """Checkpoints that last as long as the process (an adapter used without an engine)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        """The value saved under `key`, if any."""
        return self._values.get(key)

    async def put(self, key: str, value: str) -> None:
        """Save `value` under `key`."""
        self._values[key] = value

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        self._values.pop(key, None)


class AccountContext:
    """What an adapter gets to act for one account: the account, its secrets, its checkpoints.

    `lock` is the account's one lock: an adapter refreshes tokens while holding it, so two
    concurrent requests never refresh (and rotate) the same token twice.
    """

    def __init__(
        self,
        account: Account,
        vault: CredentialVault,
        lock: asyncio.Lock,
        checkpoints: CheckpointStore | None = None,
    ) -> None:
        self.account = account
        self.lock = lock
        self._vault = vault
        self._checkpoints = checkpoints or MemoryCheckpoints()

    async def checkpoint(self, name: str) -> str | None:
        """What this account's adapter saved under `name` (e.g. an upload's session URI), if anything.

        Checkpoints survive a restart: save one before a request that a crash could cut (a
        resumable upload), read it when the work starts again, and forget it once done. Never a
        secret (those go through `replace_credentials`).
        """
        return await self._checkpoints.get(f"{self.account.id}:{name}")

    async def save_checkpoint(self, name: str, value: str) -> None:
        """Remember `value` under `name` for this account, committed before returning."""
        await self._checkpoints.put(f"{self.account.id}:{name}", value)

    async def forget_checkpoint(self, name: str) -> None:
        """Forget the checkpoint `name` (the work it resumes is finished or abandoned)."""
        await self._checkpoints.delete(f"{self.account.id}:{name}")

    async def network_checkpoint(self, name: str) -> str | None:
        """What this network's adapter saved under `name` for every account of the network.

        For state that belongs to something several accounts share rather than to one account:
        YouTube's daily quota is the Google project's, spent by every channel signed in through
        that project's client id. Never a secret.
        """
        return await self._checkpoints.get(f"{self.account.network.value}:{name}")

    async def save_network_checkpoint(self, name: str, value: str) -> None:
        """Remember `value` under `name` for every account of this network, committed before returning."""
        await self._checkpoints.put(f"{self.account.network.value}:{name}", value)

    async def credentials(self) -> Credentials:
        """The account's current credentials (empty if none are stored)."""
        return await self._vault.read(self.account.secret_ref) or {}

    async def replace_credentials(self, credentials: Credentials) -> None:
        """Persist new credentials (e.g. a rotated refresh token) before they are used."""
        await self._vault.write(self.account.secret_ref, credentials)


@dataclass(frozen=True)
class VerifiedAccount:
    """An account a network confirmed, with the credentials to keep in the keyring."""

    handle: str
    display_name: str
    service_url: str | None
    credentials: Credentials = field(repr=False)
    health: HealthReport
    target_id: str | None = None
    avatar_url: str | None = None  # the account's picture, where the network says it is


@dataclass(frozen=True)
class UploadedMedia:
    """A file the network has accepted and can attach to a post."""

    asset: MediaAsset
    remote_id: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PartRequest:
    """One create request: the post itself (index 0) or one reply of its thread.

    Attributes:
        idempotency_key: stable for this part across every retry; send it where the network
            honours one, so a retry cannot publish twice.
        reply_to: the part this one replies to (the previous one), None for the first.
        root: the first part of the thread, None for the first.
    """

    index: int
    text: str
    media: tuple[UploadedMedia, ...]
    options: Options
    idempotency_key: str
    reply_to: PublishedPart | None = None
    root: PublishedPart | None = None
    #: An edit of a published part (issue #24) that leaves its media as published: nothing is
    #: uploaded and the edit request says nothing of media (Mastodon then keeps them).
    media_unchanged: bool = False


@dataclass(frozen=True)
class NativeSchedule:
    """The network's own scheduler: how far ahead it takes a post (issue #20, the laptop closed).

    Mastodon `scheduled_at` (at least 5 minutes ahead), YouTube `publishAt`, Facebook
    `scheduled_publish_time` (10 minutes to 30 days): a post handed over goes out with Outpost closed.
    """

    min_ahead: timedelta
    max_ahead: timedelta | None = None
    #: Only posts without a thread can be handed over (a reply cannot be scheduled before its parent).
    single_part_only: bool = True


FirstCommentKind = Literal["comment", "self_reply"]
#: How a published post is edited (issue #24): changed where it stands, or deleted and posted again.
EditKind = Literal["in_place", "repost"]


class NetworkAdapter(ABC):
    """How Outpost talks to one network. One subclass per network.

    Guarantees the engine relies on:
    - Every failure is raised as a `PublishError` subclass (use `adapters.http.send`), with
      `may_have_taken_effect` true only when the network may have acted on the request.
    - `publish` sends exactly one create request per call; the engine persists each result
      before asking for the next part, so a crash mid-thread resumes without duplicates.
    - Nothing here touches the store or Qt; secrets come and go through `AccountContext`.
    - Nothing here reads the machine's clock: "now" (a health check's time, a token's expiry,
      a rate limit's reset) comes from `clock`, the engine's, so tests move time by hand.
      Waits for the network's own processing (media polling) stay on asyncio time: they are
      real-time pauses between requests, not rules about the time of day.
    """

    network: ClassVar[Network]
    #: The network deduplicates a re-sent create carrying the same idempotency key (Mastodon's
    #: `Idempotency-Key`), so a create whose outcome is unknown may be sent again safely.
    idempotent_publish: ClassVar[bool] = False
    #: Outpost can look through the account's recent posts (`find_published`), to settle a
    #: create whose outcome is unknown without asking the person to look themselves.
    can_find_posts: ClassVar[bool] = False

    #: Where the network can hold a post and publish it itself at a time (see `NativeSchedule`).
    native_schedule: ClassVar[NativeSchedule | None] = None

    #: The network reports numbers for published posts (`read_metrics`).
    can_read_metrics: ClassVar[bool] = False
    #: What reading metrics costs the creator, in one sentence, where it costs money (X's
    #: pay-per-use API); None where it is free. Reading stays off until the person opts in.
    metrics_cost: ClassVar[str | None] = None
    #: The network lists the account's own recent posts (`recent_posts`): history import and
    #: read-back verification.
    can_list_posts: ClassVar[bool] = False
    #: The network tells Outpost about mentions and replies (`mentions`).
    can_read_mentions: ClassVar[bool] = False
    #: How a first comment goes out: a comment on the post, a reply by the author, or not at all.
    first_comment: ClassVar[FirstCommentKind | None] = None
    #: Why there is no first comment here, in words (e.g. LinkedIn personal profiles).
    first_comment_unavailable: ClassVar[str | None] = None

    # -- after publishing: edit and delete (issue #24) -------------------------------------------
    #: The network deletes a published post through its API (`delete_published`).
    can_delete: ClassVar[bool] = False
    #: Why a published post cannot be deleted through the API, in words (said with the link).
    delete_unavailable: ClassVar[str | None] = None
    #: How a published post is edited: in place, by deleting it and posting it again (only
    #: when the person agrees: it loses its likes and replies), or not at all (None).
    edit_kind: ClassVar[EditKind | None] = None
    #: Why editing is not possible, or what "repost" costs here, in words.
    edit_unavailable: ClassVar[str | None] = None
    #: An in-place edit can change the media too (Mastodon); elsewhere it changes only the words.
    edit_takes_media: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.api_base = api_base
        self.media_host: MediaHost = media_host or NoMediaHost()

    @abstractmethod
    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """The rules posts must follow (for this account's server, where they differ)."""

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """Every problem with the part of `post` going to `account`; the common rules by default."""
        return validate_target(post, target, account, caps)

    def media_rules(self, caps: Capabilities, options: Options) -> MediaRules | None:
        """The media rules a post with `options` must meet: the network's own by default.

        Where one kind of post takes other files than the rest (an Instagram story takes a
        picture of any shape, a feed post only 4:5 to 1.91:1), the files are prepared to these.
        """
        return caps.media

    @abstractmethod
    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Check what a person gave against the network and return the account to save."""

    async def connect(
        self,
        *,
        service_url: str | None,
        open_url: OpenUrl,
        app: DeveloperApp | None = None,
        target_id: str | None = None,
        ask_pasted: AskPasted | None = None,
    ) -> VerifiedAccount:
        """Sign in through the network's page in the browser; networks without it refuse.

        `app` is the person's developer app where the network needs one (X, LinkedIn…);
        `target_id` what to publish to where one sign-in reaches several (a LinkedIn page);
        `ask_pasted` asks the person for the address the browser ended on, where the network's
        sign-in cannot come back to Outpost by itself (https redirects only: Threads).
        """
        raise InvalidStateError(
            f"Signing in to {self.network.label} through the browser is not available in this version; "
            f"add the account with `outpost accounts add {self.network.value} …` instead."
        )

    async def list_targets(self, ctx: AccountContext) -> list[AccountTarget]:
        """What this account can publish to where one sign-in reaches several (`accounts targets`).

        Facebook Pages, LinkedIn organizations, YouTube channels, Pinterest boards; networks where
        an account is one profile list just that profile.
        """
        account = ctx.account
        return [
            AccountTarget(
                id=account.target_id or account.handle,
                name=account.display_name or account.handle,
                kind="profile",
            )
        ]

    async def revoke(self, ctx: AccountContext) -> str:
        """Ask the network to cut Outpost's access for this account (called before its secrets go).

        Returns:
            One sentence for the person: that access was revoked, or what to do themselves.

        Raises:
            PublishError: the network could not be asked (the caller removes the account anyway).
        """
        return (
            f"{self.network.label} offers no way for Outpost to revoke its own access; remove it in "
            f"the account's {self.network.label} settings if you want it gone there too."
        )

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The account's post with this text made since `since`, if the network shows one.

        Only where `can_find_posts`; the others say where the person can look.
        """
        raise InvalidStateError(
            f"{self.network.label} offers Outpost no way to look through {ctx.account.ref}'s posts; "
            f"check the account on {self.network.label} yourself."
        )

    @abstractmethod
    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """Ask the network whether the account works, and how well."""

    @abstractmethod
    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Upload one file (streamed from disk, reporting progress) until the network can attach it.

        `media` is already prepared for this network by the media pipeline.
        """

    @abstractmethod
    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """Send one create request and return what the network made of it."""

    # -- the network's own scheduler (only where `native_schedule` is set) ---------------------

    async def schedule_on_network(
        self, ctx: AccountContext, part: PartRequest, at: datetime
    ) -> PublishedPart:
        """Hand `part` (media already uploaded) to the network's scheduler to go out at `at`.

        Returns the scheduled item, which the engine keeps on the target and hands back to
        `reschedule`, `cancel` and `confirm` (put what they need in its `extra`; the permalink may
        be None until it is out). One create request, like `publish`.
        """
        raise InvalidStateError(f"{self.network.label} cannot schedule posts by itself.")

    async def reschedule_on_network(
        self, ctx: AccountContext, scheduled: PublishedPart, at: datetime
    ) -> None:
        """Move a handed-over post to `at` (editing its content means cancel and hand over again)."""
        raise InvalidStateError(f"{self.network.label} cannot schedule posts by itself.")

    async def cancel_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> None:
        """Withdraw a handed-over post before it goes out (fine if it is already gone)."""
        raise InvalidStateError(f"{self.network.label} cannot schedule posts by itself.")

    async def confirm_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> PublishedPart | None:
        """After its time: the post as published (id, permalink), or None while it is not out yet.

        Raises `Rejected` when the network dropped it (it will never go out).
        """
        raise InvalidStateError(f"{self.network.label} cannot schedule posts by itself.")

    # -- after publishing: proof, numbers, history, mentions, first comment ---------------------

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """Is this published part on the network now (read-back verification)?

        True or False where the network says (a deleted post answers False), None where it
        cannot tell; the default cannot tell.
        """
        return None

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """The current numbers of these published parts, batched as the network allows.

        Only where `can_read_metrics`. A part the network no longer has is left out of the
        answer; a metric the network does not report stays None. Stay within the network's rate
        limits: raise `RateLimited` with the reset rather than retrying here.
        """
        raise InvalidStateError(f"{self.network.label} reports no numbers for posts to Outpost.")

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """How many follow the account now, where the network says (recorded daily)."""
        return None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The account's own posts since `since`, newest first, at most `limit` (no reposts).

        Only where `can_list_posts`. Include `reading` where the listing carries the numbers
        (Mastodon, Bluesky), so a history import needs no second request per post.
        """
        raise InvalidStateError(f"{self.network.label} does not list {ctx.account.ref}'s posts to Outpost.")

    async def mentions(self, ctx: AccountContext, after: str | None) -> list[Mention]:
        """Mentions of and replies to the account newer than the mention id `after`, oldest first.

        Only where `can_read_mentions`; `after=None` means "the latest few", to start a cursor.
        """
        raise InvalidStateError(f"{self.network.label} does not tell Outpost about mentions.")

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """Post `text` as the first comment on (or the author's reply to) a published post.

        Only where `first_comment` is set. One create request, like `publish`: the engine keeps
        the result on the target so a crash never comments twice.
        """
        raise InvalidStateError(
            self.first_comment_unavailable or f"{self.network.label} takes no first comment from Outpost."
        )

    # -- after publishing: edit and delete (issue #24) -------------------------------------------

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """Delete one published part (a post, a thread reply or a first comment) on the network.

        Only where `can_delete`. A part that is already gone is fine (deleting is done).
        """
        raise InvalidStateError(
            self.delete_unavailable or f"{self.network.label} cannot delete posts through its API."
        )

    async def edit_published(
        self, ctx: AccountContext, part: PublishedPart, new: PartRequest
    ) -> PublishedPart:
        """Change a published part in place to what `new` says (media already uploaded, as for publish).

        Only where `edit_kind == "in_place"`; returns the part as it stands now (same id). The
        "repost" networks never get here: the engine deletes and publishes again itself.
        """
        raise InvalidStateError(
            self.edit_unavailable or f"{self.network.label} cannot edit published posts through its API."
        )

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most adapters hold nothing
        """Release what the adapter holds (the shared HTTP client belongs to the engine)."""
