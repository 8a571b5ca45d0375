"""Qt-free events the engine emits, and a tiny synchronous bus to deliver them.

Names follow Anki's hooks (`*_did_*`); the GUI adapts them to Qt signals on its side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from outpost.domain.models import Account, Post

log = logging.getLogger("outpost.engine")


@dataclass(frozen=True)
class PostDidChange:
    """A post was created, edited, moved on in its life, or deleted.

    Attributes:
        post: the post as it is now, when the emitter has it at hand (else fetch it).
        deleted: the post is gone from Outpost.
    """

    post_id: str
    post: Post | None = None
    deleted: bool = False


@dataclass(frozen=True)
class AccountDidChange:
    """An account was added, re-checked or removed (`account.removed_at` set)."""

    account: Account


@dataclass(frozen=True)
class AccountHealthDidChange:
    """An account's health report changed."""

    account: Account


@dataclass(frozen=True)
class PostsWereMissed:
    """Posts came due while Outpost was not running or the machine slept.

    Attributes:
        posts: the missed posts, earliest first.
        held: they wait for review (else they are being published late).
        noticed_at: when Outpost found them (each is `noticed_at - scheduled_at` late).
        asleep: they came due while the computer slept (else while Outpost was closed).
    """

    posts: tuple[Post, ...]
    held: bool
    noticed_at: datetime
    asleep: bool = False


@dataclass(frozen=True)
class EngineStateDidChange:
    """The scheduler started, stopped, paused or resumed; `next_due_at` is the next post's time."""

    running: bool
    paused: bool
    next_due_at: datetime | None


@dataclass(frozen=True)
class UploadDidProgress:
    """A file of a post is uploading to one account: `sent` of `total` bytes (for progress bars)."""

    post_id: str
    account_id: str
    media_id: str
    sent: int
    total: int


@dataclass(frozen=True)
class MediaPrepareDidProgress:
    """A video of a post is being re-encoded for one account's network: `done` of `total` frames.

    Comes before that file's `UploadDidProgress`: a re-encode can take longer than the upload.
    """

    post_id: str
    account_id: str
    media_id: str
    done: int
    total: int


@dataclass(frozen=True)
class SettingsDidChange:
    """Settings were changed and saved; `keys` are the fields that changed."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class StoreDidChangeElsewhere:
    """Another process (the CLI, `outpost run`, the window, an assistant) changed the store.

    What changed is not known: listeners re-read what they show.
    """


# -- after publishing: what people do with the posts (issue #21, "Notice") ----------------------


@dataclass(frozen=True)
class MentionReceived:
    """Someone mentioned or replied to one of the creator's accounts (`engine/mentions.py`).

    Attributes:
        account_id: the creator's account that was mentioned.
        network: that account's network (`mastodon`, `bluesky`, …).
        author: who wrote it, as the network names them (`@bob@example.social`, `bob.bsky.social`).
        text: what they wrote, as plain text.
        url: where to read it on the network, when it says.
        mention_id: the network's id of the notification (the cursor the watcher keeps).
        created_at: when it was written.
    """

    account_id: str
    network: str
    author: str
    text: str
    url: str | None
    mention_id: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class EngagementSpike:
    """A published post is doing far better than the account's usual (`domain.analytics.spike`).

    Emitted once per post and account, when a scheduled read finds it (INTERFACE.md
    `engagement_spike`). `post_id` is Outpost's post, or `imported:ACCOUNT:ID` for one made elsewhere.

    Attributes:
        engagements: the post's engagements at `age` ("1 h", "6 h", "24 h", "7 d", "30 d").
        usual: the median of the account's earlier posts at the same age.
        threshold: what it had to exceed.
        history: how many earlier posts `usual` rests on.
        message: one line for a notification.
    """

    post_id: str
    account_id: str
    network: str
    platform_post_id: str
    permalink: str | None
    engagements: int
    usual: float
    threshold: float
    history: int
    age: str
    noticed_at: datetime
    message: str


Event = (
    SettingsDidChange
    | EngagementSpike
    | StoreDidChangeElsewhere
    | UploadDidProgress
    | MediaPrepareDidProgress
    | PostDidChange
    | AccountDidChange
    | AccountHealthDidChange
    | PostsWereMissed
    | EngineStateDidChange
    | MentionReceived
)
Handler = Callable[[Event], None]


class EventBus:
    """Delivers each event to every subscriber, in order; a failing subscriber is logged, not fatal."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Call `handler` for every event; returns a function that unsubscribes it."""
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler)

    def emit(self, event: Event) -> None:
        """Deliver `event` now."""
        for handler in list(self._handlers):
            try:
                handler(event)
            except Exception:
                log.exception("event handler %r failed on %s", handler, type(event).__name__)
