"""The composer as a creator uses it: typing, counting, previews, threads, media, saving, sending."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.config.settings import Theme
from outpost.domain.accounts import SANDBOX_BLUESKY_HANDLE
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import Rejected
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QDropEvent, QMimeData, QPointF, Qt, QUrl
from outpost.gui.tasks import settle_ops
from outpost.gui.theme import colours
from tests.conftest import until
from tests.fakes import FakeNetwork, MemorySecretStore
from tests.gui.composer_harness import Scenario, checked, networks, open_window, said
from tests.media_fixtures import image


@pytest.fixture
def remotes() -> tuple[FakeNetwork, FakeNetwork]:
    return networks()


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def window_run(qapp, qtbot, tmp_path: Path, remotes, secrets) -> Callable[..., None]:
    """Run `scenario(window, engine)` with two accounts (Mastodon, Bluesky) connected."""

    def run(scenario: Scenario, *, data: Path = tmp_path / "data", add_accounts: bool = True) -> None:
        open_window(
            qapp, qtbot, scenario, data=data, remotes=remotes, secrets=secrets, add_accounts=add_accounts
        )

    return run


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
        assert composer.problem_list.item(0).text() == (
            "⚠ Bluesky · Alice: 301 of 300 characters (1 over). Shorten it, split it into a thread, "
            "or give Bluesky its own text under “Customise Bluesky”."
        )
        composer.problem_list.setCurrentRow(0)
        composer.problem_list.itemActivated.emit(composer.problem_list.item(0))  # Enter on the line
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


def test_an_image_pasted_while_the_focus_is_outside_the_text_is_attached(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        from outpost.gui.qt import QApplication, QColor, QImage

        composer = window.composer
        composer.select("mastodon:alice@m.example")
        picture = QImage(120, 80, QImage.Format.Format_RGB32)
        picture.fill(QColor(20, 160, 90))
        QApplication.clipboard().setImage(picture)
        composer.paste()  # the composer's Ctrl+V, e.g. with a chip or the media strip in focus
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


# -- words: the window speaks to people (issue #17) -----------------------------------------------------


def test_an_empty_new_post_is_not_scolded(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        await checked(composer)
        assert not composer.problem_list.isVisible() and composer.problem_list.count() == 0
        assert not composer.publish_button.isEnabled()
        assert composer.publish_button.toolTip() == "Write something or attach a file first."
        composer.select()
        await checked(composer)
        assert composer.problem_list.count() == 0  # not even "choose an account" on an empty post

    window_run(scenario)


def test_no_window_message_names_a_command_line_flag_or_an_account_ref(
    window_run, remotes, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    flag = re.compile(r"(?<![\w-])--[a-z]")

    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        heard = said(window)
        shown: list[str] = []

        async def look() -> None:
            await checked(composer)
            shown.extend(composer.problem_list.texts())

        composer.text.setPlainText("Nobody to send this to")
        await look()  # no account chosen
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        composer.text.setPlainText("x" * 320)
        await look()  # over Bluesky's limit
        composer.custom.setCurrentWidget(composer.tabs[Network.BLUESKY])
        composer.tabs[Network.BLUESKY].override.setPlainText("y" * 310)
        await look()  # Bluesky's own text over its limit
        composer.tabs[Network.BLUESKY].copy(composer.text.toPlainText())
        composer.text.setPlainText("Short again")
        composer.attach_all([str(image(tmp_path / f"{i}.png", 32, 32)) for i in range(5)])
        await settle_ops()
        await look()  # more files than the networks take
        composer.media.clear_all()
        composer.attach(str(notes))  # not media
        composer.add_to_queue()  # no posting schedule
        composer._schedule_at("2020-01-01T09:00", "UTC")  # in the past
        await settle_ops()
        composer.clear()
        composer.text.setPlainText("The network will refuse this one")
        remotes[0].fail_next_create.append(lambda: Rejected("Validation failed: text is spam"))
        composer.select("mastodon:alice@m.example")
        await checked(composer)
        composer.publish()
        await settle_ops()
        messages = [text for _, text in heard]
        assert len(shown) >= 4 and len(messages) >= 4
        for text in shown + messages:
            assert not flag.search(text), text
            assert "mastodon:alice" not in text and "bluesky:alice" not in text, text
        assert "Choose at least one account under “Post to”." in " ".join(shown)
        assert any("Bluesky · Alice: its own text is 310 of 300 characters" in t for t in shown)
        assert any("5 files attached, but Bluesky takes at most 4 per post" in t for t in shown)
        assert any(t.startswith("“notes.txt” is not an image, video or PDF") for t in messages)
        assert any(t.startswith("Set up a posting schedule in Settings first") for t in messages)
        assert any(t.startswith("That time is in the past") for t in messages)
        assert (
            "Not published to Mastodon · Alice: Validation failed: text is spam. The Queue has the post."
            in (messages)
        )

    window_run(scenario)


def test_counters_mention_link_counting_only_when_the_post_has_a_link(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.text.setPlainText("Plain words")
        tip = composer.counters[composer.accounts[0].id].toolTip()
        assert tip == "11 of 500 characters for Mastodon · Alice"  # no "(content warning included…)"
        assert "links" not in tip and "content warning" not in tip

    window_run(scenario)


# -- the queue, and remembering the chosen accounts ---------------------------------------------------


def test_add_to_queue_needs_a_posting_schedule_and_says_so(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.text.setPlainText("For the queue")
        await checked(composer)
        assert composer.publish_button.isEnabled() and not composer.queue_button.isEnabled()
        assert composer.queue_button.toolTip().startswith("Set up a posting schedule in Settings first")
        engine.update_settings(posting_schedule={"monday": ["09:00"], "thursday": ["17:30"]})
        await settle_ops()
        assert composer.queue_button.isEnabled()  # the settings' change reached the composer
        composer.queue_button.click()
        await settle_ops()
        [post] = await engine.posts.list()
        assert post.status is PostStatus.SCHEDULED
        assert post.scheduled_at is not None and post.scheduled_at > engine.clock.now()

    window_run(scenario)


def test_the_chosen_accounts_are_chosen_again_after_a_restart(window_run, tmp_path: Path) -> None:
    data = tmp_path / "remembers"

    async def first(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.chips[composer.accounts[1].id].click()  # Bluesky only
        assert [a.ref for a in composer.selected] == ["bluesky:alice.b.example"]

    async def second(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        assert composer.text.toPlainText() == ""  # nothing typed: no draft brought it back
        assert [a.ref for a in composer.selected] == ["bluesky:alice.b.example"]

    window_run(first, data=data)
    assert json.loads((data / "settings.json").read_text())["composer_accounts"]
    window_run(second, data=data, add_accounts=False)


# -- customising per network --------------------------------------------------------------------------


def test_a_customise_tab_starts_from_the_post_counts_its_own_text_and_brings_its_preview(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        composer.text.setPlainText("Our spring workshop schedule is out")
        composer.previews.flush()
        assert composer.previews.current_network is Network.MASTODON
        bluesky = composer.tabs[Network.BLUESKY]
        composer.custom.setCurrentWidget(bluesky)
        composer.previews.flush()
        assert composer.previews.current_network is Network.BLUESKY  # the preview follows the tab
        assert bluesky.override.toPlainText() == "Our spring workshop schedule is out"  # a copy to tweak
        assert bluesky.counter.text() == "Bluesky 35/300"
        assert composer.request().text_for == ()  # an untouched copy is no text of its own
        composer.text.setPlainText("Our spring workshop schedule is out!")
        assert bluesky.override.toPlainText() == "Our spring workshop schedule is out!"  # it follows
        bluesky.override.setPlainText("Spring workshops 🦋")
        assert bluesky.counter.text() == "Bluesky 18/300"
        assert composer.counters[composer.accounts[1].id].text() == "Bluesky 18/300 · own text"
        composer.text.setPlainText("Changed after the tweak")
        assert bluesky.override.toPlainText() == "Spring workshops 🦋"  # a tweak is kept
        assert composer.request().text_for == (("bluesky", "Spring workshops 🦋"),)
        mastodon = composer.tabs[Network.MASTODON]
        composer.custom.setCurrentWidget(mastodon)
        composer.previews.flush()
        assert composer.previews.current_network is Network.MASTODON
        assert mastodon.counter.text() == "Mastodon 23/500"
        bluesky.override.setPlainText("z" * 301)
        composer.custom.setCurrentIndex(0)
        await checked(composer)
        [line] = composer.problem_list.texts()
        assert line.startswith("⚠ Bluesky · Alice: its own text is 301 of 300 characters")
        composer.problem_list.itemActivated.emit(composer.problem_list.item(0))
        assert composer.custom.currentWidget() is bluesky  # the problem leads to its tab
        bluesky.reset.click()
        assert composer.request().text_for == ()

    window_run(scenario)


# -- network identity ---------------------------------------------------------------------------------------


def test_chips_and_previews_carry_each_networks_logo_and_colour_in_both_themes(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example", "bluesky:alice.b.example")
        composer.text.setPlainText("Hello")
        composer.previews.flush()
        mastodon, bluesky = (composer.chips[a.id] for a in composer.accounts)
        assert (mastodon.text(), bluesky.text()) == ("Mastodon · Alice", "Bluesky · Alice")
        for chip, brand in ((mastodon, "#6364ff"), (bluesky, "#1185fe")):
            assert not chip.icon().isNull()
            assert f"border-left: 4px solid {brand}" in chip.styleSheet()
        assert all(not composer.previews.tabIcon(i).isNull() for i in range(composer.previews.count()))
        assert not composer.custom.tabIcon(composer.custom.indexOf(composer.tabs[Network.BLUESKY])).isNull()
        engine.update_settings(theme=Theme.DARK)
        await settle_ops()
        assert f"color: {colours().text}" in mastodon.styleSheet() and colours().dark  # light text now
        composer.previews.flush()
        assert colours().muted in composer.previews.browser(Network.MASTODON).document().toHtml()
        engine.update_settings(theme=Theme.LIGHT)
        await settle_ops()
        assert f"color: {colours().text}" in mastodon.styleSheet() and not colours().dark

    window_run(scenario)


# -- scheduling ------------------------------------------------------------------------------------------


def test_schedule_offers_the_posting_schedules_next_free_slot(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select("mastodon:alice@m.example")
        composer.text.setPlainText("When?")
        await checked(composer)
        composer.schedule_button.click()
        await settle_ops()
        dialog = composer.schedule_dialog
        assert dialog is not None and not dialog.slot_button.isEnabled()
        assert dialog.slot_button.toolTip().startswith("Set up a posting schedule in Settings first")
        dialog.reject()
        engine.update_settings(posting_schedule={"friday": ["10:15"]}, default_timezone="Europe/Berlin")
        composer.schedule_button.click()
        await settle_ops()
        dialog = composer.schedule_dialog
        assert dialog is not None and dialog.slot_button.isEnabled()
        dialog.slot_button.click()
        assert dialog.choice() == ("2026-11-27T10:15", "Europe/Berlin")  # the Friday after the clock's now
        dialog.accept()
        await settle_ops()
        [post] = await engine.posts.list()
        assert post.status is PostStatus.SCHEDULED and post.timezone == "Europe/Berlin"

    window_run(scenario)


def test_trying_the_sandbox_chooses_every_simulated_account_so_every_preview_shows(window_run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        assert composer.chips == {}
        for network, handle in (
            (Network.MASTODON, "you@127.0.0.1:40001"),
            (Network.BLUESKY, SANDBOX_BLUESKY_HANDLE),
        ):
            await engine.accounts.add(
                network,
                AddAccountRequest(
                    handle=handle, access_token="good-token", service_url="http://127.0.0.1:40001"
                ),
            )  # as the sandbox adds them: one at a time, each reloading the chips
            await settle_ops()
        await until(lambda: len(composer.chips) == 2)
        assert sorted(chip.text() for chip in composer.chips.values()) == [
            "Sandbox Bluesky · you",
            "Sandbox Mastodon · you",
        ]
        assert len(composer.selected) == 2
        composer.text.setPlainText("Hello, sandbox")
        composer.previews.flush()
        assert [composer.previews.tabText(i) for i in range(composer.previews.count())] == [
            "Mastodon",
            "Bluesky",
        ]

    window_run(scenario, add_accounts=False)
