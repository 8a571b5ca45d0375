"""The composer as a creator uses it: typing, counting, previews, threads, media, saving, sending."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QDropEvent, QMimeData, QPointF, Qt, QUrl
from outpost.gui.tasks import settle_ops
from tests.conftest import until
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync
from tests.media_fixtures import image

Scenario = Callable[[MainWindow, Engine], Awaitable[None]]


@pytest.fixture
def remotes() -> tuple[FakeNetwork, FakeNetwork]:
    return FakeNetwork(network=Network.MASTODON, max_length=500), FakeNetwork(
        network=Network.BLUESKY, max_length=300
    )


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def window_run(qapp, qtbot, tmp_path: Path, remotes, secrets) -> Callable[[Scenario], None]:
    """Run `scenario(window, engine)` with two accounts (Mastodon, Bluesky) connected."""

    def run(scenario: Scenario, *, data: Path = tmp_path / "data", add_accounts: bool = True) -> None:
        async def main() -> None:
            engine = Engine.open(data, registry=fake_registry(*remotes), secrets=secrets, clock=FakeClock())
            if add_accounts:
                for network, handle in (
                    (Network.MASTODON, "alice@m.example"),
                    (Network.BLUESKY, "alice.b.example"),
                ):
                    await engine.accounts.add(
                        network, AddAccountRequest(handle=handle, access_token="good-token")
                    )
            window = MainWindow(engine)
            qtbot.addWidget(window)
            window.show()
            try:
                await window.open_composer()
                await scenario(window, engine)
            finally:
                await settle_ops()
                window.composer._check_timer.stop()
                window.composer._save_timer.stop()
                await engine.close()

        run_on_qasync(qapp, main)

    return run


async def checked(composer: ComposerWidget) -> None:
    """Wait until the throttled check of what was typed has come back."""
    composer._check_timer.stop()
    composer._check()
    await settle_ops()


def test_typing_updates_each_networks_counter_and_the_previews(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        text = "Hello #crafts https://example.com/a/very/long/path/that/keeps/going"
        composer.text.setPlainText(text)
        assert composer.counters[composer.accounts[0].id].text() == f"Mastodon {len(text)}/500"
        assert composer.counters[composer.accounts[1].id].text() == f"Bluesky {len(text)}/300"
        composer.previews.flush()
        preview = composer.previews.browser(Network.BLUESKY)
        assert preview is not None and "example.com/a/very/long/path/…" in preview.toPlainText()
        assert [composer.previews.tabText(i) for i in range(composer.previews.count())] == [
            "Mastodon",
            "Bluesky",
        ]

    window_run(scenario)


def test_with_no_account_chosen_the_composer_says_where_to_choose_one(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select()
        composer.text.setPlainText("Hello")
        await checked(composer)
        assert not composer.publish_button.isEnabled()
        assert composer.problem_list.item(0).text() == "⚠ Choose at least one account under “Post to”."

    window_run(scenario)


def test_over_the_limit_the_counter_turns_red_and_publishing_is_blocked_with_the_reason(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("bluesky:alice.b.example")
        composer.text.setPlainText("x" * 290)
        assert "#9a6700" in composer.counters[composer.accounts[1].id].styleSheet()  # amber: near
        composer.text.setPlainText("x" * 301)
        counter = composer.counters[composer.accounts[1].id]
        assert "#cf222e" in counter.styleSheet() and "1 over" in counter.toolTip()
        await checked(composer)
        assert not composer.publish_button.isEnabled() and not composer.schedule_button.isEnabled()
        assert "over Bluesky's limit of 300 by 1" in composer.problem_list.item(0).text()
        composer.problem_list.setCurrentRow(0)
        composer._go_to_problem(composer.problem_list.item(0))
        assert composer.text.hasFocus() or composer.custom.currentIndex() == 0

    window_run(scenario)


def test_split_into_a_thread_fits_every_chosen_network(window_run, remotes) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        sentences = " ".join(f"Sentence number {i} says something useful." for i in range(12))
        composer.text.setPlainText(sentences)
        composer.numbering.setChecked(True)
        composer.split_into_thread()
        parts = [composer.text.toPlainText(), *(p.toPlainText() for p in composer.parts)]
        assert len(parts) >= 2 and all(len(p) <= 300 for p in parts)
        assert parts[0].endswith(f"1/{len(parts)}") and parts[-1].endswith(f"{len(parts)}/{len(parts)}")
        assert "Sentence number 0 says something useful." in parts[0]

    window_run(scenario)


def test_a_dropped_file_shows_a_thumbnail_and_per_network_badges(window_run, tmp_path: Path) -> None:
    photo = image(tmp_path / "photo.png", 640, 400)

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(photo))])
        drop = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        composer.dropEvent(drop)
        await settle_ops()
        assert len(composer.media.items) == 1 and composer.media.items[0].thumbnail
        assert not composer.media.list.item(0).icon().isNull()
        assert composer.media.list.item(0).text() == "⚠ no alt text"  # the nudge
        assert "Mastodon</b>: fits" in composer.media.badges.text()
        composer.media.alt.setText("A red rectangle")
        composer.media.alt.textEdited.emit("A red rectangle")
        assert composer.media.list.item(0).text() == "alt ✓"
        assert composer.request().media[0].alt_text == "A red rectangle"

    window_run(scenario)


def test_publish_sends_to_every_chosen_account_and_clears_the_composer(window_run, remotes) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        composer.text.setPlainText("One post, two networks")
        composer.tabs[Network.BLUESKY].override.setPlainText("Bluesky gets its own words")
        await checked(composer)
        composer.publish_button.click()
        await settle_ops()
        mastodon, bluesky = remotes
        assert [p.text for p in mastodon.posts] == ["One post, two networks"]
        assert [p.text for p in bluesky.posts] == ["Bluesky gets its own words"]
        assert composer.text.toPlainText() == "" and composer.post_id is None
        [post] = await engine.posts.list()
        assert post.status is PostStatus.PUBLISHED

    window_run(scenario)


def test_network_options_appear_only_for_chosen_networks_and_reach_the_post(window_run, remotes) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        assert set(composer.tabs) == {Network.MASTODON}
        visibility = composer.tabs[Network.MASTODON].options["visibility"]
        visibility.setCurrentIndex(visibility.findText("unlisted"))  # type: ignore[attr-defined]
        composer.text.setPlainText("quietly")
        await checked(composer)
        composer.publish()
        await settle_ops()
        assert remotes[0].posts[0].options == {"visibility": "unlisted"}

    window_run(scenario)


def test_a_draft_is_saved_with_ctrl_s_and_comes_back_after_a_restart(window_run, tmp_path: Path) -> None:
    data = tmp_path / "restart"

    async def first(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("bluesky:alice.b.example")
        composer.text.setPlainText("Half a thought, typed before a crash")
        composer.add_part("and its second part")
        window.activateWindow()
        composer.text.setFocus()
        from PySide6.QtTest import QTest

        QTest.keyClick(composer.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        await settle_ops()
        assert composer.post_id is not None

    async def second(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        await until(lambda: composer.text.toPlainText() != "")
        assert composer.text.toPlainText() == "Half a thought, typed before a crash"
        assert [p.toPlainText() for p in composer.parts] == ["and its second part"]
        assert [a.ref for a in composer.selected] == ["bluesky:alice.b.example"]

    window_run(first, data=data)
    window_run(second, data=data, add_accounts=False)


def test_autosave_keeps_typing_without_any_action(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.text.setPlainText("typed, never saved by hand")
        await until(lambda: composer.post_id is not None, timeout=5)  # the autosave timer fired
        [post] = await engine.posts.list()
        assert (post.status, post.text) == (PostStatus.DRAFT, "typed, never saved by hand")

    window_run(scenario)


def test_previews_show_user_text_as_text_never_as_markup(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.text.setPlainText("<b>not bold</b> <img src='file:///etc/passwd'> & more")
        composer.previews.flush()
        preview = composer.previews.browser(Network.MASTODON)
        assert preview is not None
        assert "<b>not bold</b> <img src='file:///etc/passwd'> & more" in preview.toPlainText()
        assert "passwd" not in " ".join(preview.document().toHtml().split("<img")[1:2])

    window_run(scenario)


def test_one_click_fix_swaps_in_a_copy_that_fits(window_run, tmp_path: Path) -> None:
    webp = image(tmp_path / "sticker.webp", 300, 200, fmt="WEBP")

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")  # the fake network takes PNG and JPEG only
        composer.attach(str(webp), "A sticker")
        await settle_ops()
        assert "convert to JPEG" in composer.media.badges.text() and composer.media.fix.isEnabled()
        composer.media.fix.click()
        await settle_ops()
        [fixed] = composer.media.items
        assert fixed.info.mime_type == "image/jpeg" and fixed.alt_text == "A sticker"
        assert Path(fixed.info.path).parent == engine.data_dir / "fixed" and webp.exists()
        assert "fits" in composer.media.badges.text() and not composer.media.fix.isEnabled()

    window_run(scenario)


def test_an_image_pasted_from_the_clipboard_is_attached(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        from outpost.gui.qt import QApplication, QColor, QImage

        composer = window.composer
        composer.select("mastodon:alice@m.example")
        picture = QImage(120, 80, QImage.Format.Format_RGB32)
        picture.fill(QColor(20, 160, 90))
        QApplication.clipboard().setImage(picture)
        composer.paste_image()
        await settle_ops()
        [attached] = composer.media.items
        assert (attached.info.mime_type, attached.info.width, attached.info.height) == ("image/png", 120, 80)
        assert Path(attached.info.path).parent == engine.data_dir / "pasted"

    window_run(scenario)


def test_a_health_check_or_a_new_account_keeps_the_chosen_accounts(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("bluesky:alice.b.example")
        await engine.accounts.check()  # health events reload the chips while the person composes
        await settle_ops()
        await until(lambda: bool(composer.chips))
        chosen = [a.ref for a in composer.accounts if composer.chips[a.id].isChecked()]
        assert chosen == ["bluesky:alice.b.example"]
        await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(handle="bob@m.example", access_token="good-token")
        )
        await settle_ops()
        await until(lambda: len(composer.chips) == 3)
        chosen = [a.ref for a in composer.accounts if composer.chips[a.id].isChecked()]
        assert chosen == ["bluesky:alice.b.example"]

    window_run(scenario)
