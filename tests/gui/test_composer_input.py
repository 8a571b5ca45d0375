"""Getting things into the composer: the file picker, paste, and the keyboard (issue #17).

The file dialog is the system's own, so it is replaced by a stand-in that answers as a person
choosing files would (a patched `QFileDialog.getOpenFileNames`). The clipboard is the real one.
The Ctrl+Enter countdown is driven by calling its timer's slot, not by waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from outpost.domain.enums import PostStatus
from outpost.engine import Engine
from outpost.gui.composer.countdown import UNDO_SECONDS
from outpost.gui.composer.focus import RING_PX
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import (
    QAction,
    QApplication,
    QColor,
    QFileDialog,
    QImage,
    QMimeData,
    QPoint,
    Qt,
    QUrl,
    QWidget,
)
from outpost.gui.tasks import settle_ops
from outpost.gui.theme import colours
from tests.fakes import FakeNetwork, MemorySecretStore
from tests.gui.composer_harness import Scenario, checked, networks, open_window, said
from tests.media_fixtures import image

CTRL = Qt.KeyboardModifier.ControlModifier
# Bringing the window up (the menu's Add media…, Ctrl+N) raises it; the offscreen platform cannot.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def remotes() -> tuple[FakeNetwork, FakeNetwork]:
    return networks()


@pytest.fixture
def run(qapp, qtbot, tmp_path: Path, remotes) -> Callable[[Scenario], None]:
    secrets = MemorySecretStore()

    def go(scenario: Scenario) -> None:
        open_window(qapp, qtbot, scenario, data=tmp_path / "data", remotes=remotes, secrets=secrets)

    return go


@pytest.fixture
def chosen_files(monkeypatch, tmp_path: Path) -> list[tuple[str, str]]:
    """The file dialog answers with two pictures; records (start folder, filter) of each opening."""
    files = [str(image(tmp_path / "one.png", 300, 200)), str(image(tmp_path / "two.jpg", 200, 300))]
    opened: list[tuple[str, str]] = []

    def choose(parent: QWidget, caption: str, folder: str, filters: str) -> tuple[list[str], str]:
        opened.append((folder, filters))
        return files, filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(choose))
    return opened


def focus(window: MainWindow, widget: QWidget) -> None:
    """Give `widget` the keyboard focus in an active window, as a click would."""
    window.activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    assert QApplication.focusWidget() is widget


# -- the file picker ---------------------------------------------------------------------------------


def test_add_media_opens_the_file_dialog_and_attaches_every_chosen_file(run, chosen_files) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.media.drop_zone.button.click()
        await settle_ops()
        assert [Path(a.info.path).name for a in composer.media.items] == ["one.png", "two.jpg"]
        [(_folder, filters)] = chosen_files
        assert "*.png" in filters and "*.mp4" in filters and "*.pdf" in filters
        assert composer.media.list.count() == 2 and composer.media.items[0].thumbnail

    run(scenario)


def test_clicking_the_drop_zone_opens_the_file_dialog_where_the_last_files_were(
    run, chosen_files, tmp_path: Path
) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        zone = window.composer.media.drop_zone
        assert "Drop images or videos here" in zone.hint.text()
        QTest.mouseClick(zone, Qt.MouseButton.LeftButton, pos=QPoint(8, zone.height() // 2))
        await settle_ops()
        assert len(window.composer.media.items) == 2
        window.composer.media.drop_zone.button.click()
        await settle_ops()
        assert chosen_files[1][0] == str(tmp_path)  # the folder the first files came from

    run(scenario)


def test_the_window_menu_offers_add_media(run, chosen_files) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        window.pages.setCurrentWidget(window.queue)
        [action] = [a for a in window.findChildren(QAction) if a.text().replace("&", "") == "Add media…"]
        action.trigger()
        await settle_ops()
        assert window.pages.currentWidget() is window.composer
        assert len(window.composer.media.items) == 2

    run(scenario)


# -- paste ----------------------------------------------------------------------------------------------


def test_ctrl_v_with_a_picture_in_the_post_text_attaches_it(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        picture = QImage(120, 80, QImage.Format.Format_RGB32)
        picture.fill(QColor(20, 160, 90))
        QApplication.clipboard().setImage(picture)
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_V, CTRL)
        await settle_ops()
        [attached] = composer.media.items
        assert (attached.info.mime_type, attached.info.width, attached.info.height) == ("image/png", 120, 80)
        assert Path(attached.info.path).parent == engine.data_dir / "pasted"
        assert composer.text.toPlainText() == ""

    run(scenario)


def test_a_copied_file_attaches_instead_of_pasting_its_address(run, tmp_path: Path) -> None:
    photo = image(tmp_path / "photo.jpg", 400, 300)

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.text.setPlainText("Look: ")
        mime = QMimeData()  # as a file manager copies a file: its URL, and the URL as text
        mime.setUrls([QUrl.fromLocalFile(str(photo))])
        mime.setText(QUrl.fromLocalFile(str(photo)).toString())
        QApplication.clipboard().setMimeData(mime)
        focus(window, composer.text)
        composer.text.moveCursor(composer.text.textCursor().MoveOperation.End)
        QTest.keyClick(composer.text, Qt.Key.Key_V, CTRL)
        await settle_ops()
        assert composer.text.toPlainText() == "Look: "  # no file:///… typed into the post
        assert [Path(a.info.path).name for a in composer.media.items] == ["photo.jpg"]

    run(scenario)


def test_a_copied_file_pasted_in_the_alt_text_or_a_thread_part_attaches_there(run, tmp_path: Path) -> None:
    first, second = image(tmp_path / "a.png", 64, 64), image(tmp_path / "b.png", 64, 64)
    third = image(tmp_path / "c.png", 64, 64)

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        part = composer.add_part("second part")
        composer.attach(str(first))  # the alt text field takes keys once a file is chosen
        await settle_ops()
        for photo, field in ((second, composer.media.alt), (third, part)):
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(photo))])
            QApplication.clipboard().setMimeData(mime)
            focus(window, field)
            QTest.keyClick(field, Qt.Key.Key_V, CTRL)
            await settle_ops()
        # A file pasted on a thread part is that part's (issue #24: media on every part).
        assert [Path(a.info.path).name for a in composer.media.items] == ["a.png", "b.png"]
        assert [Path(path).name for path, _ in composer.thread_parts.files[part]] == ["c.png"]
        assert part.toPlainText() == "second part" and "file:" not in composer.media.alt.text()

    run(scenario)


def test_plain_text_still_pastes_as_text(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        QApplication.clipboard().setText("https://example.com/a-link")
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_V, CTRL)
        await settle_ops()
        assert composer.text.toPlainText() == "https://example.com/a-link"
        assert composer.media.items == []

    run(scenario)


def test_a_file_dropped_on_the_post_text_is_attached_not_typed(run, tmp_path: Path) -> None:
    photo = image(tmp_path / "dropped.png", 64, 64)

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(photo))])
        assert composer.text.canInsertFromMimeData(mime)
        composer.text.insertFromMimeData(mime)  # what Qt's drop on the text field calls
        await settle_ops()
        assert composer.text.toPlainText() == ""
        assert [Path(a.info.path).name for a in composer.media.items] == ["dropped.png"]

    run(scenario)


# -- the keyboard ---------------------------------------------------------------------------------------


def test_tab_goes_through_the_chips_into_the_text_and_out_again(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        mastodon, bluesky = (composer.chips[a.id] for a in composer.accounts)
        focus(window, mastodon)
        assert mastodon.hasFocus()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert bluesky.hasFocus()
        checked_before = bluesky.isChecked()
        QTest.keyClick(bluesky, Qt.Key.Key_Space)
        assert bluesky.isChecked() is not checked_before  # Space toggles the chip in focus
        QTest.keyClick(bluesky, Qt.Key.Key_Tab)
        assert composer.text.hasFocus()
        QTest.keyClicks(composer.text, "Hello")
        QTest.keyClick(composer.text, Qt.Key.Key_Tab)
        assert not composer.text.hasFocus()  # Tab leaves the text: no tab character, no trap
        assert composer.text.toPlainText() == "Hello"
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert bluesky.hasFocus()

    run(scenario)


def test_the_focused_chip_or_field_wears_a_2px_ring_in_the_highlight_colour(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        chip = composer.chips[composer.accounts[0].id]
        focus(window, chip)
        ring = composer.focus_ring
        assert ring.widget() is chip and ring.isVisible()
        picture = ring.grab().toImage()
        middle = picture.height() // 2
        assert picture.pixelColor(0, middle).name() == colours().accent  # the ring's outer pixel…
        assert picture.pixelColor(RING_PX - 1, middle).name() == colours().accent  # …2 px deep
        focus(window, composer.text)
        assert ring.widget() is composer.text
        window.pages.tabBar().setFocus()  # outside the composer: no ring of the composer's
        assert not ring.isVisible()

    run(scenario)


def test_ctrl_enter_counts_down_and_undo_or_esc_stops_it_before_anything_is_sent(run, remotes) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        heard = said(window)
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        composer.text.setPlainText("Careful with that shortcut")
        await checked(composer)
        assert "Ctrl+Enter" in composer.publish_button.text()
        assert "Ctrl+Enter" in composer.publish_button.toolTip()
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_Return, CTRL)
        countdown = composer.countdown
        assert countdown.isVisible() and countdown.undo.hasFocus()
        assert countdown.label.text() == f"Publishing to Mastodon and Bluesky in {UNDO_SECONDS} s…"
        assert not composer.form.isEnabled()  # the post cannot change under the countdown
        for _ in range(UNDO_SECONDS - 1):
            countdown.tick()
        await settle_ops()
        assert countdown.label.text() == "Publishing to Mastodon and Bluesky in 1 s…"
        QTest.keyClick(countdown.undo, Qt.Key.Key_Escape)
        await settle_ops()
        assert not countdown.isVisible() and composer.form.isEnabled()
        assert remotes[0].posts == [] and remotes[1].posts == []
        assert "Not published: the post is still here to edit." in [t for _, t in heard]
        assert composer.text.toPlainText() == "Careful with that shortcut"
        QTest.keyClick(composer.text, Qt.Key.Key_Enter, CTRL)
        assert countdown.isVisible()
        countdown.undo.click()
        assert not countdown.isVisible() and remotes[0].posts == []

    run(scenario)


def test_ctrl_enter_publishes_when_the_countdown_ends(run, remotes) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("bluesky:alice.b.example")
        composer.text.setPlainText("Sent after five seconds")
        await checked(composer)
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_Return, CTRL)
        for _ in range(UNDO_SECONDS - 1):
            composer.countdown.tick()
        await settle_ops()
        assert remotes[1].posts == []  # nothing goes out before the end
        composer.countdown.tick()
        await settle_ops()
        assert [p.text for p in remotes[1].posts] == ["Sent after five seconds"]
        assert composer.text.toPlainText() == "" and composer.form.isEnabled()

    run(scenario)


def test_ctrl_enter_on_a_blocked_post_says_why_and_starts_nothing(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        heard = said(window)
        composer.select()
        composer.text.setPlainText("No account chosen")
        await checked(composer)
        focus(window, composer.text)
        QTest.keyClick(composer.text, Qt.Key.Key_Return, CTRL)
        assert not composer.countdown.isVisible()
        assert heard[-1][1] == "Not published: choose at least one account under “Post to”."

    run(scenario)


def test_ctrl_n_while_typing_keeps_the_draft_and_starts_an_empty_post(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        focus(window, composer.text)
        QTest.keyClicks(composer.text, "First idea")
        QTest.keyClick(composer.text, Qt.Key.Key_N, CTRL)
        await settle_ops()
        assert composer.text.toPlainText() == "" and composer.post_id is None
        assert composer.text.hasFocus()
        [draft] = await engine.posts.list()
        assert (draft.status, draft.text) == (PostStatus.DRAFT, "First idea")
        QTest.keyClicks(composer.text, "Second idea")  # a new post, not an edit of the first
        composer.save_draft()
        await settle_ops()
        assert sorted(p.text for p in await engine.posts.list()) == ["First idea", "Second idea"]

    run(scenario)
