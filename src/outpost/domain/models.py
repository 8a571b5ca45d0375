"""Outpost's data: posts with per-account targets, media, accounts and their health.

These are plain pydantic models: the store builds them, the engine passes them around, the GUI and
CLI render them. They hold no secrets: an account carries only the *name* of its keyring entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from outpost.domain.enums import (
    ErrorCode,
    HealthState,
    Network,
    PostStatus,
    TargetStatus,
    VerificationState,
)


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None or value.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
        raise ValueError("times inside Outpost are aware UTC datetimes")
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_require_utc)]
SIGN_IN_WARNING = timedelta(days=7)  # a health card turns amber this long before a sign-in ends
Options = dict[str, JsonValue]
FirstCommentStatus = Literal["pending", "sending", "posted", "failed", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class QuotaLeft(_Model):
    """How much of a network's publishing quota is left (Threads 250 posts a day, YouTube units…).

    Attributes:
        used: spent in the current window.
        limit: the window's allowance.
        unit: what is counted, in words ("posts", "units", "videos").
        resets_at: when the window ends (None where the network does not say).
        limit_known: False where the network says only what is left (Bluesky's video service
            answers "remaining", never the allowance): then `used` is 0 and `limit` is what is
            left, so `left` stays right, and the card shows no "of N".
        bytes_left: the same window's allowance in bytes, where the network counts bytes too
            (Bluesky's daily video bytes).
    """

    used: int
    limit: int
    unit: str
    resets_at: UtcDateTime | None = None
    limit_known: bool = True
    bytes_left: int | None = None

    @classmethod
    def remaining(cls, left: int, unit: str, *, bytes_left: int | None = None) -> QuotaLeft:
        """A quota known only by what is left of it (see `limit_known`)."""
        left = max(0, left)
        return cls(used=0, limit=left, unit=unit, limit_known=False, bytes_left=bytes_left)

    @property
    def left(self) -> int:
        """What can still be spent."""
        return max(0, self.limit - self.used)


class HealthReport(_Model):
    """An account connection's state, with the seeds' `connection_status` fields.

    `state` summarises the rest: broken when the token is invalid or the user inactive, degraded
    when scopes are missing, the account is rate limited or its sign-in ends within
    SIGN_IN_WARNING (`sign_in_ends_at`: set where the network's sign-in cannot be renewed without
    the person, e.g. LinkedIn's 60-day tokens), ok otherwise.
    """

    state: HealthState = HealthState.OK
    token_is_valid: bool = True
    token_has_scopes: bool = True
    rate_limited: bool = False
    rate_limit_reset_at: UtcDateTime | None = None
    is_active_user: bool = True
    checked_at: UtcDateTime | None = None
    message: str | None = None
    sign_in_ends_at: UtcDateTime | None = None
    #: The permissions the sign-in lacks, by the network's names (e.g. "instagram_business_content_publish").
    missing_permissions: tuple[str, ...] = ()
    #: The publishing quota left, where the network reports one.
    quota: QuotaLeft | None = None
    #: How many follow the account, as of the check (where the network says).
    followers: int | None = None
    #: The permissions the sign-in holds, by the network's names (where the network says which).
    granted_permissions: tuple[str, ...] = ()

    @property
    def sign_in_ending(self) -> bool:
        """The sign-in ends within SIGN_IN_WARNING of the check: time to reconnect.

        Measured from `checked_at` (the adapter's clock), never from the reader's: the verdict is
        the check's, so the card and the state it was summarised with always agree.
        """
        if self.sign_in_ends_at is None or self.checked_at is None:
            return False
        return self.sign_in_ends_at - self.checked_at < SIGN_IN_WARNING

    @classmethod
    def summarise(cls, **fields: object) -> HealthReport:
        """A report whose `state` is derived from its fields."""
        report = cls.model_validate(fields)
        if not report.token_is_valid or not report.is_active_user:
            state = HealthState.BROKEN
        elif not report.token_has_scopes or report.rate_limited or report.sign_in_ending:
            state = HealthState.DEGRADED
        else:
            state = HealthState.OK
        return report.model_copy(update={"state": state})

    def changed(self, **changes: object) -> HealthReport:
        """This report with some fields changed, and its `state` summarised again."""
        return HealthReport.summarise(**{**self.model_dump(exclude={"state"}), **changes})


class Account(_Model):
    """A connected account on one network.

    Attributes:
        secret_ref: the name of this account's entry in the OS keyring (never the secret).
        target_id: what the token publishes to where it reaches several (a Page, an org URN).
        removed_at: set when the user removed the account; its posts keep their history.
        avatar_url: where the network keeps the account's picture (as it said when the account
            was added or reconnected); `engine.accounts.avatar` fetches and caches it.
    """

    id: str
    network: Network
    handle: str
    display_name: str = ""
    service_url: str | None = None
    target_id: str | None = None
    secret_ref: str
    created_at: UtcDateTime
    health: HealthReport = HealthReport()
    removed_at: UtcDateTime | None = None
    avatar_url: str | None = None

    @property
    def ref(self) -> str:
        """`network:handle`, the way people name an account on the command line."""
        return f"{self.network.value}:{self.handle}"


class MediaAsset(_Model):
    """A file attached to a post, with what Outpost knows about it and its alt text.

    Attributes:
        kind: image, animated_gif, video or document.
        sha256: content hash; names derived copies and thumbnails in the media cache.
        focus_x / focus_y: the point (0..1 from the top left) a crop keeps in view.
    """

    id: str
    path: str
    mime_type: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    alt_text: str = ""
    kind: str = "image"
    sha256: str | None = None
    frame_rate: float | None = None
    video_codec: str | None = None
    focus_x: float = 0.5
    focus_y: float = 0.5


class TargetError(_Model):
    """Why a target failed, in the post JSON's `error` shape."""

    code: ErrorCode
    message: str
    retry_at: UtcDateTime | None = None


class PublishedPart(_Model):
    """One published item of a target (the post, or one part of its thread).

    Attributes:
        platform_post_id: the network's id for it (status id, `at://` URI, tweet id, URN…).
        permalink: a web address people can open.
        extra: what the network needs to reply to it later (e.g. Bluesky's record `cid`).
    """

    platform_post_id: str
    permalink: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Verification(_Model):
    """The last read-back of a target: did the network show its post, and when Outpost asked (#20).

    Attributes:
        state: verified, not on the network (published, then gone), or unknown.
        checked_at: when Outpost asked.
        message: what Outpost saw, in words (why it cannot tell; what is gone).
    """

    state: VerificationState
    checked_at: UtcDateTime
    message: str | None = None


class FirstCommentResult(_Model):
    """The first comment on one target: posted after the post, kept apart from it.

    Attributes:
        status: `pending` (not sent yet), `sending` (its create request is, or was, on the wire:
            a crash then leaves it `unknown` unless the network deduplicates), `posted`,
            `failed` (reported, never re-posts the post) or `unknown`.
        part: what the network made of it, once posted.
        error: why it failed or is unknown, in the post JSON's `error` shape.
        attempts: how many create requests were made for it.
    """

    status: FirstCommentStatus = "pending"
    part: PublishedPart | None = None
    error: TargetError | None = None
    attempts: int = 0


class Target(_Model):
    """One (post, account) pair: what goes to that account, and what happened.

    Attributes:
        text_override: text for this account instead of the post's text.
        thread_override: thread parts for this account instead of the post's.
        options: network settings (visibility, reply settings, title…).
        parts: what has been published so far, in order; a thread resumes after the last one.
        sending_part: index of the part whose create request is (or was) on the wire. If the app
            dies while it is set, nobody knows whether the network has the post.
        idempotency_key: stable per target, reused on every retry where the network honours it.
        claimed_by: the engine instance publishing this target right now.
    """

    id: str
    account_id: str
    network: Network
    text_override: str | None = None
    thread_override: tuple[str, ...] | None = None
    options: Options = Field(default_factory=dict)
    status: TargetStatus = TargetStatus.PENDING
    parts: tuple[PublishedPart, ...] = ()
    sending_part: int | None = None
    attempts: int = 0
    published_at: UtcDateTime | None = None
    error: TargetError | None = None
    idempotency_key: str
    claimed_by: str | None = None
    #: The item the network's own scheduler holds (while `scheduled_on_network`): its id and what
    #: the adapter needs to move, withdraw or confirm it.
    scheduled: PublishedPart | None = None
    #: When the network last showed the published post (read-back verification, #20).
    verified_at: UtcDateTime | None = None
    #: The last read-back's outcome; None until Outpost has asked.
    verification: Verification | None = None
    #: What became of the post's first comment on this account (None: the post has none, or the
    #: network takes none); its own state, so its failure never touches the post's.
    first_comment: FirstCommentResult | None = None
    #: When Outpost deleted the published post from the network (issue #24); the local record stays.
    deleted_at: UtcDateTime | None = None

    @property
    def platform_post_id(self) -> str | None:
        """The network's id of the (first) post."""
        return self.parts[0].platform_post_id if self.parts else None

    @property
    def permalink(self) -> str | None:
        """Where the (first) post can be seen."""
        return self.parts[0].permalink if self.parts else None

    @property
    def thread_post_ids(self) -> list[str]:
        """The network's ids of the further thread parts, in order."""
        return [p.platform_post_id for p in self.parts[1:]]


class Repeat(_Model):
    """A recurring post's series (issue #22): its rule, its end, and its id.

    Attributes:
        rule: `daily`, `weekly`, `monthly` or `cron:EXPR`.
        until: the last moment an occurrence may fall on (UTC), if the series ends by date.
        count: how many occurrences in all (the first included), if it ends by count.
        ended: no more occurrences will be made (all are made, or the series was cancelled).
    """

    series_id: str
    rule: str
    until: UtcDateTime | None = None
    count: int | None = None
    ended: bool = False


class Post(_Model):
    """A post: one text (and thread, and media) going to one or more accounts.

    Attributes:
        scheduled_at: when to publish (UTC); None for drafts and publish-now posts.
        timezone: the IANA zone the creator scheduled in, kept so the wall-clock time they chose
            can be shown and edited as they meant it.
        review_reason: why the post waits for a person (missed while closed, unknown outcome).
        title: a name for the creator's own lists (queue, calendar, stats); never published.
        tags: the creator's labels, to filter by (kept as typed, compared without case).
        campaign_id: the campaign the post belongs to (`domain.campaigns.Campaign`).
        thread_media: the files of thread parts 2, 3, … (`media` are part 1's); a network's own
            thread (`Target.thread_override`) uses the files of the part with the same number.
        repeat: the series this post is an occurrence of (issue #22), None for a one-off.
        evergreen: queued again when an account has a free slot and nothing queued (issue #22).
    """

    id: str
    status: PostStatus
    text: str
    thread: tuple[str, ...] = ()
    media: tuple[MediaAsset, ...] = ()
    title: str | None = None
    tags: tuple[str, ...] = ()
    campaign_id: str | None = None
    thread_media: tuple[tuple[MediaAsset, ...], ...] = ()
    scheduled_at: UtcDateTime | None = None
    timezone: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    targets: tuple[Target, ...] = ()
    review_reason: str | None = None
    repeat: Repeat | None = None
    evergreen: bool = False
    #: Posted as the first comment (or the author's reply) right after the post, where the network
    #: takes one (`NetworkAdapter.first_comment`); None for none.
    first_comment: str | None = None
    #: The links in the text the creator chose to tag with UTM parameters (settings `utm_for`).
    utm_links: tuple[str, ...] = ()

    def text_for(self, target: Target) -> str:
        """The text that goes to `target`."""
        return self.text if target.text_override is None else target.text_override

    def thread_for(self, target: Target) -> tuple[str, ...]:
        """The further thread parts that go to `target`."""
        return self.thread if target.thread_override is None else target.thread_override

    def parts_for(self, target: Target) -> tuple[str, ...]:
        """All texts that go to `target`: the post, then its thread parts."""
        return (self.text_for(target), *self.thread_for(target))

    def media_for_part(self, index: int) -> tuple[MediaAsset, ...]:
        """The files of part `index` (0: the post itself) of every network's thread."""
        if index == 0:
            return self.media
        return self.thread_media[index - 1] if index - 1 < len(self.thread_media) else ()

    @property
    def all_media(self) -> tuple[MediaAsset, ...]:
        """Every file of every part, in order."""
        return tuple(m for part in (self.media, *self.thread_media) for m in part)

    def target(self, target_id: str) -> Target:
        """The target with that id."""
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)
