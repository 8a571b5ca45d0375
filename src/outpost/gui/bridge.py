"""Engine events as Qt signals, so widgets connect to signals instead of subscribing to the bus."""

from __future__ import annotations

from outpost.engine.events import (
    AccountDidChange,
    AccountHealthDidChange,
    EngagementSpike,
    EngineStateDidChange,
    Event,
    EventBus,
    MediaPrepareDidProgress,
    MentionReceived,
    PostDidChange,
    PostsWereMissed,
    SettingsDidChange,
    StoreDidChangeElsewhere,
    UploadDidProgress,
)
from outpost.gui.qt import QObject, Signal


class EngineBridge(QObject):
    """Re-emits engine events as signals (engine events arrive on the Qt thread via qasync).

    Each signal carries what the event carries, so a view applies the change it is given instead
    of reading it again (issue #16, "Events carry their data").

    Signals:
        post_did_change(PostDidChange): the post's id, the post as it is now when the emitter
            had it at hand (else None: read that one post), and whether it was deleted.
        account_did_change(Account): an account as it is now, after it was added, checked or
            removed (`removed_at` set).
        posts_were_missed(PostsWereMissed): the missed posts, whether they are held, how late.
        post_status_did_change(Post): a post as it is now (for notifications).
        upload_did_progress(str, str, int, int): post, account, bytes sent, bytes in all.
        media_prepare_did_progress(str, str, int, int): post, account, frames re-encoded, frames in all.
        settings_did_change(tuple): the keys of settings that changed.
        engine_state_did_change(bool, bool, object): running, paused, next due time (or None).
        store_did_change_elsewhere(): another process changed the store (what is unknown:
            views re-read what they show).
        mention_received(MentionReceived): someone mentioned or replied to an account.
        engagement_spike(EngagementSpike): a post does far better than the account's usual.
    """

    post_did_change = Signal(object)  # the PostDidChange
    account_did_change = Signal(object)  # the Account
    posts_were_missed = Signal(object)  # the PostsWereMissed
    engine_state_did_change = Signal(bool, bool, object)
    post_status_did_change = Signal(object)  # the Post, when the emitter had it
    upload_did_progress = Signal(str, str, int, int)  # post id, account id, bytes sent, bytes in all
    media_prepare_did_progress = Signal(str, str, int, int)  # post id, account id, frames done, in all
    settings_did_change = Signal(tuple)
    store_did_change_elsewhere = Signal()
    mention_received = Signal(object)  # the MentionReceived
    engagement_spike = Signal(object)  # the EngagementSpike

    def __init__(self, events: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = events.subscribe(self._deliver)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def _deliver(self, event: Event) -> None:
        if isinstance(event, PostDidChange):
            self.post_did_change.emit(event)
            if event.post is not None:
                self.post_status_did_change.emit(event.post)
        elif isinstance(event, UploadDidProgress):
            self.upload_did_progress.emit(event.post_id, event.account_id, event.sent, event.total)
        elif isinstance(event, MediaPrepareDidProgress):
            self.media_prepare_did_progress.emit(event.post_id, event.account_id, event.done, event.total)
        elif isinstance(event, SettingsDidChange):
            self.settings_did_change.emit(event.keys)
        elif isinstance(event, AccountDidChange | AccountHealthDidChange):
            self.account_did_change.emit(event.account)
        elif isinstance(event, PostsWereMissed):
            self.posts_were_missed.emit(event)
        elif isinstance(event, EngineStateDidChange):
            self.engine_state_did_change.emit(event.running, event.paused, event.next_due_at)
        elif isinstance(event, StoreDidChangeElsewhere):
            self.store_did_change_elsewhere.emit()
        elif isinstance(event, MentionReceived):
            self.mention_received.emit(event)
        elif isinstance(event, EngagementSpike):
            self.engagement_spike.emit(event)
