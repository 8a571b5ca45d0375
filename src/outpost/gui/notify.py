"""Telling the person what happened: the system tray where there is one, the window otherwise.

Reminders go out a configurable time before each scheduled post; notices follow posts that are
published, fail, need review, or were missed while Outpost was closed, mentions of the accounts,
and posts that take off. Mentions and take-offs come in bursts: at most one notice of each kind
every few minutes, then one "and N more". "Do not disturb" (`notifications_quiet`) holds every
notice back — always, or in a daily window — and sums them up once it ends. Where no tray exists
(`QSystemTrayIcon.isSystemTrayAvailable()` is False on many Linux desktops and headless), the same
messages appear in a banner in the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outpost.config.zone import local_zone_name
from outpost.domain.enums import HealthState, Network, PostStatus
from outpost.domain.models import Account, Post
from outpost.domain.quiet import is_quiet
from outpost.engine import Engine
from outpost.engine.events import EngagementSpike, MentionReceived, PostsWereMissed
from outpost.engine.recovery import late_by
from outpost.gui.qt import QAction, QIcon, QMenu, QObject, QSystemTrayIcon, QTimer, Signal
from outpost.gui.tasks import run_op
from outpost.paths import resource

REMINDER_CHECK_MS = 30_000
#: Mentions and take-offs: after one notice of a kind, the next ones wait this long and are told
#: together ("3 more mentions").
BURST = timedelta(minutes=5)
HELD_NAMED = 3  # the summary after "do not disturb" names this many notices, then "and N more"


@dataclass
class _Burst:
    """One kind of notice being rate-limited: until when, and who was held back meanwhile."""

    until: datetime
    more: list[str] = field(default_factory=list)


def counted(count: int, noun: str) -> str:
    """`1 account`, `3 accounts`: the window never says "account(s)"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


MISSED_NAMED = 3  # a notice names this many missed posts, then says "and N more"


def first_words(text: str, limit: int = 30) -> str:
    """The start of a post's first line, cut at a word, with … when cut: `Spring workshop…`."""
    line = text.strip().splitlines()[0] if text.strip() else "(no text)"
    if len(line) <= limit:
        return line
    cut = line[: limit + 1].rsplit(" ", 1)[0] or line[:limit]  # a word ending at the limit stays
    return cut.rstrip(" ,.;:—-") + "…"


def late_list(event: PostsWereMissed) -> str:
    """`“Spring workshop…” 2 h 14 min late, “Hi” 5 min late and 5 more`: short however many."""
    named = [
        f"“{first_words(p.text)}” {late_by(event.noticed_at - p.scheduled_at)} late"
        for p in event.posts[:MISSED_NAMED]
        if p.scheduled_at is not None
    ]
    more = len(event.posts) - len(named)
    return ", ".join(named) + (f" and {more} more" if more else "")


NOTICES = {
    PostStatus.PUBLISHED: "Published",
    PostStatus.PARTIALLY_PUBLISHED: "Published to some accounts only",
    PostStatus.FAILED: "Could not publish",
    PostStatus.NEEDS_REVIEW: "Needs your review",
}


class Notifier(QObject):
    """Shows notices through the tray or, without one, through `banner_did_change`.

    Signals:
        banner_did_change(str): a message for the window's banner (fallback without a tray).
        show_window_requested(str): the tray menu asked for the window ("compose" or "queue").
        quit_requested(): the tray menu's Quit.
        pause_toggled(): the tray menu's Pause/Resume.
    """

    banner_did_change = Signal(str)
    show_window_requested = Signal(str)
    quit_requested = Signal()
    pause_toggled = Signal()

    def __init__(self, engine: Engine, parent: QObject | None = None, *, tray: bool | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.has_tray = QSystemTrayIcon.isSystemTrayAvailable() if tray is None else tray
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[tuple[str, str]] = []  # (title, text) of every notice, newest last
        self._known: dict[str, PostStatus] = {}
        self._reminded: set[tuple[str, str]] = set()
        self._health: dict[str, HealthState] = {}  # account id → its state when last seen
        self._bursts: dict[str, _Burst] = {}  # "mention" | "spike" → the burst being held back
        self.held: list[tuple[str, str]] = []  # notices held back by "do not disturb"
        if self.has_tray:
            self._make_tray()
        self._reminders = QTimer(self)
        self._reminders.setInterval(REMINDER_CHECK_MS)
        self._reminders.timeout.connect(self.check_reminders)
        self._reminders.timeout.connect(self.flush_notices)
        self._reminders.start()

    def _make_tray(self) -> None:
        self.tray = QSystemTrayIcon(QIcon(str(resource("icons/outpost.svg"))), self)
        self.tray.setToolTip("Outpost")
        menu = QMenu()
        self.pause_action = QAction("Pause publishing", menu)
        for label, slot in (
            ("New post", lambda: self.show_window_requested.emit("compose")),
            ("Show queue", lambda: self.show_window_requested.emit("queue")),
        ):
            action = QAction(label, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        self.pause_action.triggered.connect(self.pause_toggled.emit)
        menu.addAction(self.pause_action)
        quit_action = QAction("Quit", menu)
        quit_action.triggered.connect(self.quit_requested.emit)
        menu.addAction(quit_action)
        self.tray.setContextMenu(menu)
        self._menu = menu  # keep it alive
        self.tray.activated.connect(lambda _: self.show_window_requested.emit("compose"))
        self.tray.show()

    def stop(self) -> None:
        """No more reminders (Outpost is quitting)."""
        self._reminders.stop()
        if self.tray is not None:
            self.tray.hide()

    def paused(self, paused: bool) -> None:
        """Keep the tray menu's Pause/Resume label right."""
        if self.tray is not None:
            self.pause_action.setText("Resume publishing" if paused else "Pause publishing")

    def notify(self, title: str, text: str) -> None:
        """A notice, through the tray or the window (held back while "do not disturb" is on)."""
        if self.quiet():
            self.held.append((title, text))
            return
        self.shown.append((title, text))
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            self.banner_did_change.emit(f"{title}: {text}")

    def post_changed(self, post: Post) -> None:
        """Tell about a post that reached an outcome (once per outcome)."""
        previous = self._known.get(post.id)
        self._known[post.id] = post.status
        if post.status in NOTICES and previous != post.status and previous is not None:
            first = post.text.splitlines()[0][:60] if post.text else "(no text)"
            problems = [t.error.message for t in post.targets if t.error]
            detail = f" — {problems[0]}" if problems and post.status is not PostStatus.PUBLISHED else ""
            self.notify(NOTICES[post.status], f"“{first}”{detail}")

    def account_changed(self, account: Account) -> None:
        """An account whose connection breaks is said at once, with the scheduled posts it puts at risk."""
        previous = self._health.get(account.id)
        self._health[account.id] = account.health.state
        if account.health.state is not HealthState.BROKEN or previous in (None, HealthState.BROKEN):
            return
        run_op(
            self.engine.posts.list([PostStatus.SCHEDULED]),
            on_success=lambda posts: self._at_risk(account, posts),
        )

    def _at_risk(self, account: Account, posts: list[Post]) -> None:
        risky = [p for p in posts if any(t.account_id == account.id for t in p.targets)]
        name = f"{account.network.label} · {account.display_name or account.handle}"
        reason = account.health.message or "its sign-in no longer works"
        if risky:
            first = min(risky, key=lambda p: p.scheduled_at or self.engine.clock.now())
            when = f"{first.scheduled_at:%a %d %b %H:%M} UTC" if first.scheduled_at else "soon"
            count = counted(len(risky), "scheduled post")
            stake = f"{count} will fail unless you reconnect it (the first {when})."
        else:
            stake = "Reconnect it before you schedule posts to it."
        self.notify(f"{name} needs reconnecting", f"{reason} {stake}")

    def missed(self, event: PostsWereMissed) -> None:
        """Posts came due while Outpost was closed or the computer slept: which, and how late."""
        count = len(event.posts)
        if event.held:
            what = (
                "It waits for your review in the Queue."
                if count == 1
                else "They wait for your review in the Queue."
            )
        else:
            what = "It is being published now." if count == 1 else "They are being published now."
        title = "Missed while the computer slept" if event.asleep else "Missed while Outpost was closed"
        self.notify(title, f"{late_list(event)}. {what}")

    def check_reminders(self) -> None:
        """Remind about posts going out within the reminder lead time."""
        minutes = self.engine.settings.reminder_minutes
        if minutes > 0:
            run_op(
                self.engine.posts.list([PostStatus.SCHEDULED]),
                on_success=lambda posts: self._remind(posts, minutes),
            )

    def _remind(self, posts: list[Post], minutes: int) -> None:
        now = self.engine.clock.now()
        for post in posts:
            if post.scheduled_at is None:
                continue
            key = (post.id, post.scheduled_at.isoformat())
            if now <= post.scheduled_at <= now + timedelta(minutes=minutes) and key not in self._reminded:
                self._reminded.add(key)
                left = max(1, round((post.scheduled_at - now).total_seconds() / 60))
                first = post.text.splitlines()[0][:60] if post.text else "(no text)"
                self.notify(
                    f"Going out in {left} min", f"“{first}” to {counted(len(post.targets), 'account')}"
                )

    # -- mentions, take-offs, bursts and "do not disturb" ---------------------------------------

    def quiet(self) -> bool:
        """Whether "do not disturb" holds notices back now (in the creator's zone)."""
        settings = self.engine.settings
        try:
            zone = ZoneInfo(settings.default_timezone or local_zone_name())
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return is_quiet(settings.notifications_quiet, self.engine.clock.now(), zone)

    def mention(self, event: MentionReceived) -> None:
        """Someone mentioned or replied to an account: who, where, and the start of what they said."""
        where = _network_label(event.network)
        self._limited(
            "mention",
            f"{event.author} mentioned you on {where}",
            f"“{first_words(event.text, 80)}”" if event.text.strip() else "Open the network to read it.",
            who=event.author,
        )

    def spike(self, event: EngagementSpike) -> None:
        """A post does far better than the account's usual."""
        self._limited(
            "spike",
            f"A post is taking off on {_network_label(event.network)}",
            event.message,
            who=event.post_id,
        )

    def _limited(self, kind: str, title: str, text: str, *, who: str) -> None:
        now = self.engine.clock.now()
        burst = self._bursts.get(kind)
        if burst is not None and now < burst.until:
            burst.more.append(who)
            return
        self._bursts[kind] = _Burst(until=now + BURST)
        self.notify(title, text)

    def flush_notices(self) -> None:
        """Say what bursts held back once their time is up, and sum up "do not disturb" once it ends."""
        now = self.engine.clock.now()
        for kind, burst in self._bursts.items():
            if now < burst.until or not burst.more:
                continue
            more, burst.more, burst.until = burst.more, [], now + BURST
            if kind == "mention":
                authors = list(dict.fromkeys(more))
                named = ", ".join(authors[:HELD_NAMED])
                others = len(authors) - HELD_NAMED
                self.notify(
                    counted(len(more), "more mention"),
                    f"From {named}" + (f" and {counted(others, 'other')}" if others > 0 else "") + ".",
                )
            else:
                self.notify(
                    f"{len(more)} more {'post is' if len(more) == 1 else 'posts are'} taking off",
                    "See how they do in Outpost.",
                )
        if self.held and not self.quiet():
            held, self.held = self.held, []
            titles = [title for title, _ in held]
            rest = len(titles) - HELD_NAMED
            self.notify(
                f"While “Do not disturb” was on: {counted(len(held), 'notice')}",
                "; ".join(titles[:HELD_NAMED]) + (f"; and {rest} more" if rest > 0 else "") + ".",
            )


def _network_label(network: str) -> str:
    try:
        return Network(network).label
    except ValueError:
        return network
