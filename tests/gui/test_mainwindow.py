"""The window over a real engine (fake network) on a qasync loop, driven like ENVIRONMENT.md §2 A.

Also its chrome: quitting (warned the same way on every path), menus and keys, Help, and a size
that fits the screen (at 150 % text size too).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

import outpost
from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui import geometry
from outpost.gui.dialogs.help import AboutDialog, ShortcutsDialog
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import (
    QAction,
    QApplication,
    QKeySequence,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QShortcut,
)
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync
from tests.gui.windows import window_scenario


def test_window_follows_engine_events_in_queue_accounts_and_status_bar(qtbot, qapp, tmp_path: Path) -> None:
    remote = FakeNetwork()

    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(remote), secrets=MemorySecretStore(), clock=FakeClock()
        )
        window = MainWindow(engine)
        qtbot.addWidget(window)
        window.show()
        try:
            assert window.windowTitle() == "Outpost"
            assert [window.pages.tabText(i) for i in range(window.pages.count())] == [
                "Compose",
                "Queue",
                "Calendar",
                "Stats",
                "Accounts",
            ]
            await engine.start()
            window.refresh()
            await settle_ops()
            assert not window.health.empty.isHidden() and window.queue.model.rowCount() == 0
            account = await engine.accounts.add(
                Network.MASTODON,
                AddAccountRequest(service_url="https://f.example", access_token="good-token"),
            )
            await engine.posts.create(
                PostInput(text="Hello from the queue", accounts=(account.id,)), When.now()
            )
            for _ in range(100):  # the window updates itself from the engine's events
                await settle_ops()
                if window.queue.model.rowCount() and window.health.cards:
                    break
                await asyncio.sleep(0.01)
            model = window.queue.model
            row = " ".join(str(model.data(model.index(0, c))) for c in range(model.columnCount()))
            assert "Hello from the queue" in row and "ublished" in row  # the queue's own tests say how
            card = window.health.cards[account.id]
            assert "Token valid: yes" in " ".join(label.text() for label in card.findChildren(QLabel))
            assert window.status.state.text().startswith("Publishing running")
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


# -- quitting, shortcuts, Help ---------------------------------------------------------------------


def _press(keys: str, window: MainWindow) -> None:
    """Press `keys` where the keyboard focus is in `window`, as a person would."""
    sequence = QKeySequence(keys)[0]
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, sequence.key(), sequence.keyboardModifiers())


async def _until(condition, what: str) -> None:
    for _ in range(100):
        await settle_ops()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def _quit_box(window: MainWindow) -> QMessageBox | None:
    box = window.findChild(QMessageBox, "quit_warning")
    return box if box is not None and box.isVisible() else None


def _button(box: QMessageBox, text: str):
    [button] = [b for b in box.buttons() if b.text() == text]
    return button


async def _quit_by(path: str, window: MainWindow) -> None:
    if path == "ctrl+q":
        window.activateWindow()
        await _until(lambda: QApplication.activeWindow() is window, "the window back in front")
        window.composer.text.setFocus()  # while typing: the key still quits (and still warns)
        _press("Ctrl+Q", window)
    elif path == "tray":
        [quit_item] = [a for a in window.notifier.tray.contextMenu().actions() if a.text() == "Quit"]
        quit_item.trigger()
    else:
        window.close()  # the window's close button


@pytest.mark.parametrize("path", ["ctrl+q", "tray", "close button"])
def test_every_way_of_quitting_warns_about_scheduled_posts(qapp, qtbot, tmp_path, path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        for day in (26, 27):
            await engine.posts.create(
                PostInput(text=f"later {day}", accounts=(account,)),
                When.scheduled(f"2026-11-{day}T09:00:00Z"),
            )
        await _quit_by(path, window)
        await _until(lambda: _quit_box(window) is not None, "the quit warning")
        box = _quit_box(window)
        assert box.text() == "2 posts are scheduled."
        assert "They go out only while Outpost runs" in box.informativeText()
        assert "held for your review" in box.informativeText()  # the default missed-post setting
        assert sorted(b.text() for b in box.buttons()) == ["Keep running", "Quit anyway"]
        assert box.defaultButton().text() == "Keep running"  # Enter does not quit by accident
        _button(box, "Keep running").click()
        await settle_ops()
        assert window.isVisible() and not closed
        await _quit_by(path, window)
        await _until(lambda: _quit_box(window) is not None, "the quit warning, again")
        _button(_quit_box(window), "Quit anyway").click()
        await _until(lambda: bool(closed), "quitting")
        assert not window.isVisible()

    window_scenario(qapp, qtbot, tmp_path, scenario, tray=True)


def test_with_nothing_scheduled_quitting_asks_nothing(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        await engine.posts.create(PostInput(text="just a draft", accounts=(account,)))
        window.activateWindow()
        _press("Ctrl+Q", window)
        await _until(lambda: bool(closed), "quitting")
        assert window.findChild(QMessageBox, "quit_warning") is None

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_one_scheduled_post_is_named_in_the_singular_and_publish_late_is_explained(
    qapp, qtbot, tmp_path
) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        engine.update_settings(missed_post_policy="publish")
        await engine.posts.create(
            PostInput(text="later", accounts=(account,)), When.scheduled("2026-11-26T09:00:00Z")
        )
        window.close()
        await _until(lambda: _quit_box(window) is not None, "the quit warning")
        box = _quit_box(window)
        assert box.text() == "1 post is scheduled."
        assert "It goes out only while Outpost runs" in box.informativeText()
        assert "published late" in box.informativeText()
        box.reject()  # Esc
        await settle_ops()
        assert window.isVisible()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_ctrl_comma_opens_the_settings_from_anywhere_in_the_window(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        window.activateWindow()
        window.composer.text.setFocus()
        _press("Ctrl+,", window)
        await settle_ops()
        dialog = window.findChild(SettingsDialog)
        assert dialog is not None and dialog.isVisible()
        [settings_item] = [a for a in window.findChildren(QAction) if a.text() == "&Settings…"]
        assert QKeySequence("Ctrl+,") in settings_item.shortcuts()  # and the menu shows the key
        dialog.reject()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_help_menu_has_about_and_the_keyboard_shortcuts(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        menus = {m.title(): m for m in window.menuBar().findChildren(QMenu) if m.title()}
        assert [a.text() for a in menus["&Help"].actions()] == ["&Keyboard shortcuts", "&About Outpost"]
        menus["&Help"].actions()[1].trigger()
        about = window.findChild(AboutDialog)
        assert about is not None and about.isVisible()
        details = about.details.text()
        assert f"Outpost {outpost.__version__}" in about.findChild(QLabel, "version").text()
        assert "Licence: MIT" in details and str(engine.data_dir) in details
        assert "https://github.com/outpost-app/outpost/tree/main/docs" in details
        about.reject()
        window.activateWindow()
        _press("Ctrl+/", window)
        await settle_ops()
        shortcuts = window.findChild(ShortcutsDialog)
        assert shortcuts is not None and shortcuts.isVisible()
        listed = {row.keys: row.what for row in shortcuts.rows}
        for keys in ("Ctrl+N", "Ctrl+Enter", "Ctrl+S", "Ctrl+V", "Ctrl+,", "Ctrl+Q", "Ctrl+1", "Ctrl+/"):
            assert keys in listed, keys
        assert listed["Ctrl+,"] == "Settings" and listed["Ctrl+Q"] == "Quit"
        shown = " ".join(label.text() for label in shortcuts.findChildren(QLabel))
        assert "Publish now" in shown and "Ctrl+," in shown
        assert not re.search(r"(^|\s)--[a-z]", shown + details)  # no command-line flags
        # Every key the window answers to is listed: the dialog is read from the bindings.
        bound = {_portable(s.key()) for s in window.findChildren(QShortcut) if s.isEnabled()}
        bound |= {_portable(k) for a in window.findChildren(QAction) for k in a.shortcuts()}
        assert bound <= set(listed)
        shortcuts.reject()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def _portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText).replace("Return", "Enter")


def test_view_keys_switch_pages(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        window.activateWindow()
        for keys, page in (
            ("Ctrl+2", window.queue),
            ("Ctrl+3", window.calendar),
            ("Ctrl+1", window.composer),
        ):
            _press(keys, window)
            assert window.pages.currentWidget() is page

    window_scenario(qapp, qtbot, tmp_path, scenario)


# -- the window fits the screen ----------------------------------------------------------------------


def test_placement_caps_the_size_and_keeps_only_a_saved_place_that_fits() -> None:
    laptop = geometry.Box(0, 0, 960, 600)  # 1440×900 at 150 %
    fitted = geometry.placement(None, laptop, (700, 400))
    assert laptop.contains(geometry.framed(fitted))
    assert fitted.width > 900 and fitted.height > 540  # as large as fits, not a timid default
    inside = geometry.Box(20, 40, 800, 500)
    assert geometry.placement(inside, laptop) == inside
    off_the_edge = geometry.Box(400, 300, 800, 500)
    assert laptop.contains(geometry.framed(geometry.placement(off_the_edge, laptop)))
    assert geometry.placement(inside, laptop, minimum=(850, 400)) != inside  # the window grew since
    assert geometry.placement(None, geometry.Box(0, 0, 2560, 1440)).width == geometry.NATURAL_SIZE[0]


# A window on a screen of the test's choosing runs in a process of its own: Qt reads the screen
# (the offscreen platform's configfile) and the text size (QT_FONT_DPI) once, at start.
OPEN_WINDOW = """
import asyncio, json, sys, tempfile
from pathlib import Path
sys.path[:0] = [{root!r}, {src!r}]
import qasync
from outpost.gui.qt import QApplication
app = QApplication([])
from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine
from outpost.gui import geometry
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry

def rect(widget, window):
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]

def box(r):
    return [r.x(), r.y(), r.width(), r.height()]

async def opened(engine):
    window = MainWindow(engine, tray=False)
    window.show()
    await window.open_composer()
    await asyncio.sleep(0.2)
    await settle_ops()
    return window

async def closed(window):
    window._quitting = True
    window.close()
    await settle_ops()

async def main():
    networks = (Network.MASTODON, Network.BLUESKY, Network.X, Network.LINKEDIN)
    remotes = [FakeNetwork(network=n) for n in networks]
    engine = Engine.open(Path(tempfile.mkdtemp()), registry=fake_registry(*remotes),
                         secrets=MemorySecretStore(), clock=FakeClock())
    for network in networks:
        handle = "studio.dyes." + network.value
        await engine.accounts.add(network, AddAccountRequest(access_token="good-token", handle=handle))
    seen = {{}}
    window = await opened(engine)
    seen["screen"] = box(window.screen().availableGeometry())
    seen["frame"] = box(window.frameGeometry())
    seen["window"] = [window.width(), window.height()]
    seen["publish"] = rect(window.composer.publish_button, window)
    seen["schedule"] = rect(window.composer.schedule_button, window)
    seen["publish_visible"] = window.composer.publish_button.isVisible()
    window.setGeometry(100, 120, 1000, 700)
    await closed(window)
    window = await opened(engine)
    seen["reopened"] = box(window.geometry())
    await closed(window)
    geometry.save(engine.data_dir, geometry.Box(1200, 0, 1600, 1000))  # from a larger monitor
    window = await opened(engine)
    seen["from_larger_monitor"] = box(window.frameGeometry())
    await closed(window)
    await engine.close()
    print(json.dumps(seen))

loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
with loop:
    loop.run_until_complete(main())
"""


def _open_window_on(tmp_path: Path, width: int, height: int, font_dpi: int) -> dict[str, list[int]]:
    """Open the window (four accounts) on a `width`×`height` screen at a text size; what it measured."""
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps(
            {"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96}]}
        )
    )
    script = tmp_path / "open_window.py"
    root = Path(__file__).resolve().parents[2]
    script.write_text(OPEN_WINDOW.format(root=str(root), src=str(root / "src")))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "QT_FONT_DPI": str(font_dpi)}
    env.pop("QT_SCALE_FACTOR", None)
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _inside(outer: list[int], inner: list[int]) -> bool:
    x, y, width, height = outer
    ix, iy, iwidth, iheight = inner
    return ix >= x and iy >= y and ix + iwidth <= x + width and iy + iheight <= y + height


def test_at_150_percent_on_a_1440x900_screen_publish_and_schedule_stay_on_screen(tmp_path) -> None:
    seen = _open_window_on(tmp_path, 1440, 900, font_dpi=144)
    assert seen["screen"][2:] == [960, 600]  # 1440×900 at 150 %: what the window has to fit in
    assert _inside(seen["screen"], seen["frame"])
    window = [0, 0, *seen["window"]]
    assert seen["publish_visible"]
    assert _inside(window, seen["publish"]) and _inside(window, seen["schedule"])
    assert _inside(seen["screen"], seen["from_larger_monitor"])  # a saved size that no longer fits


def test_the_window_reopens_where_it_was_when_that_fits(tmp_path) -> None:
    seen = _open_window_on(tmp_path, 1440, 900, font_dpi=96)
    assert seen["window"] == list(geometry.NATURAL_SIZE)  # room enough: the natural size
    assert seen["reopened"] == [100, 120, 1000, 700]
    assert _inside(seen["screen"], seen["from_larger_monitor"])


# -- the welcome page --------------------------------------------------------------------------------


def test_the_welcome_page_shows_a_picture_and_one_clear_first_step(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        window.stack.setCurrentWidget(window.welcome)
        await settle_ops()
        picture = window.welcome.illustration.grab().toImage()
        colours = {
            picture.pixelColor(x, y).name()
            for x in range(0, picture.width(), 2)
            for y in range(0, picture.height(), 2)
        }
        assert "#6364ff" in colours  # Mastodon's logo, drawn in its own colour: a picture, not text
        primary = window.welcome.findChild(QPushButton, "connect")
        assert primary.text() == "Add your first account" and primary.isDefault()
        # This window was given no sandbox: no button for it, and no sentence about it.
        assert not window.welcome.findChild(QPushButton, "sandbox").isVisible()
        assert "without accounts" not in window.welcome.hint.text()
        window.welcome.offer_sandbox(True)
        assert window.welcome.findChild(QPushButton, "sandbox").isVisible()
        assert "nothing leaves your machine" in window.welcome.hint.text()
        shown = " ".join(label.text() for label in window.welcome.findChildren(QLabel))
        assert not re.search(r"(^|\s)--[a-z]", shown)  # no command-line flags in the window

    window_scenario(qapp, qtbot, tmp_path, scenario)
