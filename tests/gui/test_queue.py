"""The queue: a checked Qt model, lazy pages, filters, search, live updates, and the actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus, TargetStatus
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.engine.events import Event, PostDidChange
from outpost.gui.bridge import EngineBridge
from outpost.gui.decor import pill_width
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QColor, QImage, QObject, QPixmap, QRect, Qt
from outpost.gui.queue.model import ACCOUNTS, MARKS_ROLE, PAGE, STATUS, TEXT, AccountMark, QueueModel
from outpost.gui.queue.view import EMPTY, FILTERS, QueueView
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync

FILTERS_BY_NAME = [name for name, _ in FILTERS]


@pytest.fixture
def remote() -> FakeNetwork:
    return FakeNetwork()


def run(qapp, tmp_path: Path, remote: FakeNetwork, scenario) -> None:
    async def main() -> None:
        engine = Engine.open(
            tmp_path / "d", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            await scenario(engine, account.id)
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, main)


def follow_events(engine: Engine, model: QueueModel, owner: QObject) -> EngineBridge:
    """Wire the model to the engine's events as the window does (the bridge lives with `owner`)."""
    bridge = EngineBridge(engine.events, owner)
    bridge.post_did_change.connect(model.post_did_change)
    bridge.account_did_change.connect(model.account_did_change)
    return bridge


class Counted:
    """One of the real engine's services, counting the calls made through it (reads stay real)."""

    def __init__(self, service: object) -> None:
        self._service = service
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Callable[..., object]:
        method = getattr(self._service, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


class EngineSeenByTheQueue:
    """The real engine as the queue model reaches it, counting what the model reads."""

    def __init__(self, engine: Engine) -> None:
        self.settings = engine.settings
        self.posts = Counted(engine.posts)
        self.accounts = Counted(engine.accounts)
        self.campaigns = engine.campaigns  # names and colours of the chips (issue #24), read per page

    def reads(self) -> dict[str, int]:
        return {f"posts.{k}": n for k, n in self.posts.calls.items()} | {
            f"accounts.{k}": n for k, n in self.accounts.calls.items()
        }


def test_model_passes_qtmodeltester_and_loads_pages_lazily(qapp, qtmodeltester, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        for i in range(PAGE + 30):
            await engine.posts.create(PostInput(text=f"post {i}", accounts=(account,)), When.draft())
        model = QueueModel(engine)
        model.reload()
        await settle_ops()
        assert model.rowCount() == PAGE and model.canFetchMore()
        qtmodeltester.check(model)
        model.fetchMore()
        await settle_ops()
        assert model.rowCount() == PAGE + 30 and not model.canFetchMore()
        assert model.data(model.index(0, 2)) == f"post {PAGE + 29}"  # newest first
        qtmodeltester.check(model)

    run(qapp, tmp_path, remote, scenario)


def test_filters_search_and_live_updates(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        draft = await engine.posts.create(PostInput(text="a quiet draft", accounts=(account,)))
        await engine.posts.create(
            PostInput(text="scheduled hello", accounts=(account,)), When.scheduled("2026-12-01T09:00Z")
        )
        view.load()
        await settle_ops()
        assert view.model.rowCount() == 2
        view.filters["Scheduled"].click()
        await settle_ops()
        assert [p.text for p in view.model.posts] == ["scheduled hello"]
        view.filters["All"].click()
        view.model.reload(search="quiet")
        await settle_ops()
        assert [p.id for p in view.model.posts] == [draft.id]
        follow_events(engine, view.model, view)
        await engine.posts.edit(draft.id, PostChanges(text="a quiet draft, edited"))
        assert [p.text for p in view.model.posts] == ["a quiet draft, edited"]
        await engine.posts.create(PostInput(text="a loud draft", accounts=(account,)))
        await engine.posts.create(PostInput(text="another quiet one", accounts=(account,)))
        assert [p.text for p in view.model.posts] == ["another quiet one", "a quiet draft, edited"]
        await engine.posts.edit(draft.id, PostChanges(text="a loud draft now"))  # leaves the search
        assert [p.text for p in view.model.posts] == ["another quiet one"]
        view.model.reload(statuses=(PostStatus.SCHEDULED,), search="")
        await settle_ops()
        assert [p.text for p in view.model.posts] == ["scheduled hello"]
        await engine.posts.create(PostInput(text="quiet, not scheduled", accounts=(account,)))
        assert [p.text for p in view.model.posts] == ["scheduled hello"]  # a draft: filtered out
        await engine.posts.delete(view.model.posts[0].id)
        assert view.model.rowCount() == 0

    run(qapp, tmp_path, remote, scenario)


def test_actions_follow_the_selected_post(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        follow_events(engine, view.model, view)
        remote.tokens.discard("good-token")
        failed = await engine.posts.create(PostInput(text="will fail", accounts=(account,)), When.now())
        view.load()
        await settle_ops()
        view.table.selectRow(0)
        assert view.buttons["Retry failed"].isEnabled() and not view.buttons["Open"].isEnabled()
        remote.tokens.add("good-token")
        view.retry()
        await settle_ops()
        assert (await engine.posts.get(failed.id)).status is PostStatus.PUBLISHED
        view.table.selectRow(0)
        assert view.buttons["Open"].isEnabled() and not view.buttons["Edit"].isEnabled()
        view.duplicate()
        await settle_ops()
        copies = await engine.posts.list([PostStatus.DRAFT])
        assert [p.text for p in copies] == ["will fail"]

    run(qapp, tmp_path, remote, scenario)


def test_look_for_it_is_offered_for_an_unknown_outcome_and_says_what_it_found(
    qapp, qtbot, tmp_path, remote
) -> None:
    from outpost.domain.errors import NetworkUnavailable

    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        said: list[str] = []
        view.messages.said.connect(lambda _level, text: said.append(text))
        remote.fail_next_create.append(lambda: NetworkUnavailable("answer lost", may_have_taken_effect=True))
        post = await engine.posts.create(PostInput(text="where did it go", accounts=(account,)), When.now())
        assert post.status is PostStatus.NEEDS_REVIEW
        view.load()
        await settle_ops()
        view.table.selectRow(0)
        assert view.buttons["Look for it"].isEnabled() and not view.buttons["Retry failed"].isEnabled()
        view.look_for_it()
        await settle_ops()
        # This network cannot be searched: the person is told where to look instead.
        assert "offers Outpost no way to look" in said[-1] and "check the account" in said[-1]

    run(qapp, tmp_path, remote, scenario)


def test_events_carry_the_post_and_the_account_so_the_queue_reads_neither_again(
    qapp, qtmodeltester, tmp_path, remote
) -> None:
    """Each post event used to re-read the post and every account: a publish read them all per part."""

    async def scenario(engine: Engine, alice: str) -> None:
        first = await engine.posts.create(PostInput(text="first", accounts=(alice,)))
        second = await engine.posts.create(PostInput(text="second", accounts=(alice,)))
        seen = EngineSeenByTheQueue(engine)
        model = QueueModel(seen)  # type: ignore[arg-type]  # the real engine, reads counted
        follow_events(engine, model, model)
        model.reload()
        await settle_ops()
        qtmodeltester.check(model)  # it stays attached and checks every change below
        assert [p.text for p in model.posts] == ["second", "first"]
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1}

        await engine.posts.edit(first.id, PostChanges(text="first, edited"))
        # Applied as the event arrived: the row changed before anything could be read.
        assert model.data(model.index(1, 2)) == "first, edited"
        bob = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(handle="bob@fake.example", access_token="good-token")
        )
        await engine.posts.create(
            PostInput(text="for bob", accounts=(bob.id,)), When.scheduled("2026-12-01T09:00Z")
        )
        assert [model.data(model.index(0, c)) for c in (0, 2, 3)] == ["Scheduled", "for bob", "Alice"]
        # Named from the account's own event (an unknown account would say only "Mastodon").
        assert "Mastodon · Alice (@bob@fake.example): pending" in model.data(
            model.index(0, 3), Qt.ItemDataRole.ToolTipRole
        )
        await engine.posts.delete(second.id)
        assert [p.text for p in model.posts] == ["for bob", "first, edited"]
        await settle_ops()
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1}  # nothing read again

    run(qapp, tmp_path, remote, scenario)


def test_an_event_without_its_post_reads_only_that_post(qapp, qtmodeltester, tmp_path, remote) -> None:
    """The publisher reports each part sent before it settles the post, without the post."""

    async def scenario(engine: Engine, alice: str) -> None:
        seen = EngineSeenByTheQueue(engine)
        model = QueueModel(seen)  # type: ignore[arg-type]
        follow_events(engine, model, model)
        model.reload()
        await settle_ops()
        qtmodeltester.check(model)
        bare: list[Event] = []
        engine.events.subscribe(
            lambda e: bare.append(e) if isinstance(e, PostDidChange) and e.post is None else None
        )
        await engine.posts.create(PostInput(text="one", thread=("two",), accounts=(alice,)), When.now())
        await settle_ops()
        assert len(bare) >= 2  # a part sent, twice, before the post settled
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1, "posts.get": len(bare)}
        assert [model.data(model.index(0, c)) for c in (0, 2)] == ["Published", "one  (+1 in thread)"]

    run(qapp, tmp_path, remote, scenario)


def _colours_in(image: QImage, rect: QRect) -> list[QColor]:
    return [
        image.pixelColor(x, y)
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    ]


def _near(colour: QColor, hex_colour: str, tolerance: int = 40) -> bool:
    wanted = QColor(hex_colour)
    return all(
        abs(a - b) <= tolerance
        for a, b in (
            (colour.red(), wanted.red()),
            (colour.green(), wanted.green()),
            (colour.blue(), wanted.blue()),
        )
    )


def test_rows_name_accounts_draw_network_logos_and_say_why_a_post_waits(
    qapp, qtbot, tmp_path, remote
) -> None:
    """Issue #17: the queue showed `mastodon:alice@…` and kept the review reason in a tooltip."""
    from outpost.domain.errors import NetworkUnavailable

    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        view.resize(1100, 400)
        view.show()
        follow_events(engine, view.model, view)
        remote.fail_next_create.append(lambda: NetworkUnavailable("answer lost", may_have_taken_effect=True))
        await engine.posts.create(PostInput(text="where did it go", accounts=(account,)), When.now())
        remote.tokens.discard("good-token")
        await engine.posts.create(PostInput(text="this one failed", accounts=(account,)), When.now())
        view.load()
        await settle_ops()
        model = view.model
        failed, waiting = (model.index(0, TEXT), model.index(1, TEXT))
        review = model.posts[1].review_reason
        assert review and model.data(waiting) == f"where did it go\n{review}"  # the reason, in the row
        assert model.data(failed).startswith("this one failed\nAlice: ")  # and the network's reason
        assert model.data(model.index(1, STATUS)) == "Needs review"
        assert model.data(model.index(1, ACCOUNTS)) == "? Alice"  # the name, not mastodon:alice@…
        assert model.data(model.index(1, ACCOUNTS), MARKS_ROLE) == [
            AccountMark(Network.MASTODON, "Alice", TargetStatus.UNKNOWN)
        ]
        picture = view.table.viewport().grab().toImage()
        cell = view.table.visualRect(model.index(1, ACCOUNTS))
        assert any(_near(c, "#6364FF") for c in _colours_in(picture, cell))  # Mastodon's logo, drawn
        # Every status fits its column whole (the widest one too).
        widest = max(pill_width(view.table.fontMetrics(), s.value.capitalize()) for s in PostStatus)
        assert view.table.columnWidth(STATUS) >= widest

    run(qapp, tmp_path, remote, scenario)


def test_an_empty_queue_says_what_to_do_for_each_filter(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        view.show()
        follow_events(engine, view.model, view)
        asked: list[bool] = []
        view.compose_requested.connect(lambda: asked.append(True))
        view.load()
        await settle_ops()
        assert view.stack.currentIndex() == 1 and view.empty.isVisible()
        assert (view.empty_title.text(), view.empty.text()) == EMPTY["All"]
        assert "Write a post in Compose" in view.empty.text() and view.write.isVisible()
        view.write.click()
        assert asked == [True]
        view.filters["Scheduled"].click()
        await settle_ops()
        assert view.empty_title.text() == "Nothing scheduled yet"
        assert view.empty.text().startswith("Write a post in Compose and choose Schedule…")
        assert view.write.isVisible()
        view.filters["Failed"].click()
        await settle_ops()
        assert (view.empty_title.text(), view.empty.text()) == EMPTY["Failed"] and not view.write.isVisible()
        said = set()
        for name in FILTERS_BY_NAME:
            view.filters[name].click()
            await settle_ops()
            said.add((view.empty_title.text(), view.empty.text()))
        assert len(said) == len(FILTERS_BY_NAME)  # each filter says its own thing
        view.filters["All"].click()
        view.model.reload(search="spring")
        await settle_ops()
        assert view.empty_title.text() == "No posts match “spring”"
        assert view.empty.text() == "Clear the search to see every post." and not view.write.isVisible()
        view.model.reload(search="")
        await settle_ops()
        await engine.posts.create(PostInput(text="a first draft", accounts=(account,)))
        assert view.stack.currentIndex() == 0 and view.model.rowCount() == 1  # the table is back
        await engine.posts.delete(view.model.posts[0].id)
        assert view.stack.currentIndex() == 1

    run(qapp, tmp_path, remote, scenario)


def test_a_row_shows_its_first_picture_and_none_once_the_file_is_gone(qapp, qtbot, tmp_path, remote) -> None:
    from outpost.engine import MediaInput
    from tests.media_fixtures import image

    photo = image(tmp_path / "red.png", 640, 480)
    gone = image(tmp_path / "gone.png", 320, 200)

    def queue(engine: Engine) -> QueueView:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        view.resize(1100, 400)
        view.show()
        return view

    async def thumbnails(view: QueueView) -> dict[str, object]:
        view.load()
        await settle_ops()
        view.table.viewport().grab()  # painting asks for the thumbnails
        await settle_ops()
        model = view.model
        return {
            p.text: model.data(model.index(i, TEXT), Qt.ItemDataRole.DecorationRole)
            for i, p in enumerate(model.posts)
        }

    async def scenario(engine: Engine, account: str) -> None:
        for path in (photo, gone):
            await engine.posts.create(
                PostInput(text=f"with {path.name}", accounts=(account,), media=(MediaInput(str(path), "a"),))
            )
        first = await thumbnails(queue(engine))
        assert all(isinstance(t, QPixmap) and not t.isNull() for t in first.values())
        gone.unlink()  # moved away after it was attached: the post still names it
        for cached in (engine.data_dir / "cache" / "media" / "thumbs").glob("*.jpg"):
            cached.unlink()  # and swept from the cache: it would be made again from the file
        view = queue(engine)  # e.g. the next time Outpost starts
        shown = await thumbnails(view)
        assert shown["with gone.png"] is None  # no picture, and no error
        thumb = shown["with red.png"]
        assert isinstance(thumb, QPixmap) and not thumb.isNull()  # made again from its file
        model = view.model
        picture = view.table.viewport().grab().toImage()
        row = next(i for i, p in enumerate(model.posts) if p.text == "with red.png")
        cell = view.table.visualRect(model.index(row, TEXT))
        assert any(_near(c, "#c82828") for c in _colours_in(picture, cell))  # the red picture, drawn

    run(qapp, tmp_path, remote, scenario)


def test_a_post_another_process_made_appears_without_losing_the_rows_already_shown(
    qapp, qtbot, tmp_path, remote
) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        kept = await engine.posts.create(PostInput(text="already here", accounts=(account,)), When.draft())
        gone = await engine.posts.create(
            PostInput(text="deleted elsewhere", accounts=(account,)), When.draft()
        )
        model = QueueModel(engine)
        model.reload()
        await settle_ops()
        assert [p.id for p in model.posts] == [gone.id, kept.id]
        # Another process (the CLI, an assistant): its own engine on the same store.
        other = Engine.open(
            tmp_path / "d", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            made = await other.posts.create(
                PostInput(text="from an assistant", accounts=(account,)), When.draft()
            )
            await other.posts.delete(gone.id)
        finally:
            await other.close()
        assert [p.id for p in model.posts] == [gone.id, kept.id]  # nothing told the model yet
        model.store_did_change_elsewhere()  # what the store watch reports within a second
        await settle_ops()
        assert [p.id for p in model.posts] == [made.id, kept.id]

    run(qapp, tmp_path, remote, scenario)
