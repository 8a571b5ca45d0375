"""The closed vocabularies of Outpost: networks, statuses, error codes (INTERFACE.md)."""

from __future__ import annotations

from enum import StrEnum


class Network(StrEnum):
    """A social network Outpost knows by name (the `NETWORK` of the command line)."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    THREADS = "threads"
    LINKEDIN = "linkedin"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    PINTEREST = "pinterest"

    @property
    def label(self) -> str:
        """The network's name as people write it."""
        return _LABELS[self]


_LABELS = {
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.X: "X",
    Network.THREADS: "Threads",
    Network.LINKEDIN: "LinkedIn",
    Network.INSTAGRAM: "Instagram",
    Network.FACEBOOK: "Facebook",
    Network.TIKTOK: "TikTok",
    Network.YOUTUBE: "YouTube",
    Network.PINTEREST: "Pinterest",
}


class PostStatus(StrEnum):
    """Where a post is in its life; `needs_review` means a person must decide what happens next."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_REVIEW = "needs_review"


class TargetStatus(StrEnum):
    """Where one (post, account) pair is; `unknown` means sent but the outcome is not known."""

    PENDING = "pending"
    #: Handed over to the network's own scheduler: it goes out even with Outpost closed (#20).
    SCHEDULED_ON_NETWORK = "scheduled_on_network"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


class VerificationState(StrEnum):
    """What Outpost last saw when it asked the network whether a target's post is there (#20)."""

    #: The network shows the post (by its id, or found by its text for an unknown create).
    VERIFIED = "verified"
    #: The target was published, but the network no longer has the post (deleted or removed there).
    NOT_ON_NETWORK = "not_on_network"
    #: Outpost could not tell (the network offers no way, or could not be asked); the reason says.
    UNKNOWN = "unknown"


class ErrorCode(StrEnum):
    """Why a target did not publish (the `error.code` of the post JSON)."""

    VALIDATION_ERROR = "validation_error"
    AUTH_EXPIRED = "auth_expired"
    RATE_LIMITED = "rate_limited"
    MEDIA_REJECTED = "media_rejected"
    DUPLICATE = "duplicate"
    NETWORK_UNAVAILABLE = "network_unavailable"
    SERVER_ERROR = "server_error"
    UNKNOWN_OUTCOME = "unknown_outcome"


class HealthState(StrEnum):
    """An account connection at a glance."""

    OK = "ok"
    DEGRADED = "degraded"
    BROKEN = "broken"


class NativeScheduling(StrEnum):
    """Whether a scheduled post is handed to networks that can schedule by themselves."""

    WHEN_POSSIBLE = "when_possible"
    NEVER = "never"


class MissedPostPolicy(StrEnum):
    """What to do with a post that came due while Outpost was closed."""

    HOLD = "hold"
    PUBLISH = "publish"
