"""Issue #22 in the window: snippets typed and picked, the first comment, UTM ticks, the cost on X,
and the Settings pages for snippets and links & costs (offscreen, on a real engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.domain.models import HealthReport, QuotaLeft
from outpost.engine import Engine
from outpost.gui.dialogs.composer_tools import SnippetsSection
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeNetwork, MemorySecretStore
from tests.gui.composer_harness import Scenario, checked, networks, open_window

MASTODON, BLUESKY = "mastodon:alice@m.example", "bluesky:alice.b.example"


@pytest.fixture
def run(qapp, qtbot, tmp_path: Path):
    def go(scenario: Scenario, *remotes: FakeNetwork) -> None:
        open_window(
            qapp,
            qtbot,
            scenario,
            data=tmp_path / "data",
            remotes=remotes or networks(),
            secrets=MemorySecretStore(),
        )

    return go


async def _with_snippets(window: MainWindow, engine: Engine) -> None:
    await engine.tools.save_snippet(name="Signature", trigger=";sig", text="— Ana, dyer")
    await engine.tools.save_snippet(
        name="Tags", trigger=";tags", text="#yarn #dye #craft #handmade", variants={"bluesky": "#yarn"}
    )
    await window.composer.reload_accounts()


def test_a_typed_trigger_becomes_the_snippet_and_its_networks_variant(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        await _with_snippets(window, engine)
        composer = window.composer
        composer.select(MASTODON, BLUESKY)
        composer.text.setFocus()
        QTest.keyClicks(composer.text, "New colours ;tags ")
        assert composer.text.toPlainText() == "New colours #yarn #dye #craft #handmade "
        QTest.keyClicks(composer.text, ";nope ")
        assert composer.text.toPlainText().endswith(";nope ")  # not a trigger: left as typed
        tab = composer.tabs[Network.BLUESKY]
        composer.custom.setCurrentWidget(tab)
        tab.override.setPlainText("")
        QTest.keyClicks(tab.override, "Short ;tags ")
        assert tab.override.toPlainText() == "Short #yarn "  # the Bluesky variant on its tab
        composer.extras.comment.setFocus()
        QTest.keyClicks(composer.extras.comment, ";sig ")
        assert composer.extras.first_comment() == "— Ana, dyer "

    run(scenario)


def test_the_picker_inserts_the_chosen_snippet_at_the_cursor(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        await _with_snippets(window, engine)
        composer = window.composer
        composer.select(MASTODON)
        composer.text.setPlainText("Thanks! ")
        composer.text.moveCursor(composer.text.textCursor().MoveOperation.End)
        composer.text.setFocus()
        composer.pick_snippet()
        await settle_ops()
        picker = composer.snippet_picker
        assert picker is not None and picker.isVisible()
        QTest.keyClicks(picker.search, "dyer")
        assert picker.list.count() == 1
        picker.accept()
        assert composer.text.toPlainText() == "Thanks! — Ana, dyer"

    run(scenario)


def test_a_first_comment_is_saved_noted_where_it_cannot_go_and_shown_in_the_preview(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select(MASTODON)
        composer.text.setPlainText("The new colours are here")
        composer.extras.comment.setPlainText("Shop: https://shop.example/new")
        # The fakes here take no first comment: the composer says so, naming the network.
        assert not composer.extras.comment_note.isHidden()
        assert "Mastodon will get the post without this comment" in composer.extras.comment_note.text()
        composer.save_draft()
        await settle_ops()
        assert composer.post_id is not None
        saved = await engine.posts.get(composer.post_id)
        assert saved.first_comment == "Shop: https://shop.example/new"
        composer.clear()
        assert composer.extras.first_comment() == ""
        composer.load(saved)
        assert composer.extras.first_comment() == "Shop: https://shop.example/new"

    run(scenario)


def test_only_ticked_links_are_tagged_and_the_preview_shows_the_tags(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        engine.update_settings(utm_for=["mastodon"], utm_campaign="spring")
        composer = window.composer
        composer.select(MASTODON, BLUESKY)
        composer.text.setPlainText("New https://shop.example/a and https://blog.example/b")
        boxes = composer.extras.link_boxes
        assert list(boxes) == ["https://shop.example/a", "https://blog.example/b"]
        boxes["https://shop.example/a"].setChecked(True)
        assert composer.request().utm_links == ("https://shop.example/a",)
        assert "Mastodon" in composer.extras.utm_note.text()
        composer.previews.flush()
        mastodon = composer.previews.browser(Network.MASTODON)
        bluesky = composer.previews.browser(Network.BLUESKY)
        assert mastodon is not None and bluesky is not None
        # Mastodon shows links cut short, as the preview does; the note gives the whole link.
        assert "shop.example/a?utm_source=mas…" in mastodon.toPlainText()
        assert "blog.example/b?utm" not in mastodon.toPlainText()  # not ticked
        assert "utm_source" not in bluesky.toPlainText()  # Bluesky does not tag
        assert (
            "→ https://shop.example/a?utm_source=mastodon&utm_medium=social&utm_campaign=spring"
            in composer.extras.utm_note.text()
        )
        composer.publish()
        await settle_ops()
        sent = {r.network: r.posts[0].text for r in remotes}
        assert sent[Network.MASTODON] == (
            "New https://shop.example/a?utm_source=mastodon&utm_medium=social&utm_campaign=spring "
            "and https://blog.example/b"
        )
        assert sent[Network.BLUESKY] == "New https://shop.example/a and https://blog.example/b"

    remotes = networks()
    run(scenario, *remotes)


def test_the_cost_on_x_and_the_quota_left_show_next_to_the_account(run, qapp) -> None:
    x = FakeNetwork(network=Network.X, max_length=280)

    async def scenario(window: MainWindow, engine: Engine) -> None:
        account = await engine.accounts.add(
            Network.X, AddAccountRequest(handle="ana", access_token="good-token")
        )
        quota = QuotaLeft(used=10, limit=250, unit="posts")
        await engine._core.db.run(
            engine._core.store.accounts.set_health, account.id, HealthReport.summarise(quota=quota)
        )
        await window.composer.reload_accounts()
        composer = window.composer
        composer.select(account.ref)
        assert "240 left" in composer.chips[account.id].text()
        assert "240 of 250 posts left" in composer.chips[account.id].toolTip()
        composer.text.setPlainText("1/ Our new shop https://shop.example/")
        composer.add_part("2/ All hand-dyed")
        composer._changed()
        assert not composer.extras.cost.isHidden()
        assert composer.extras.cost.text() == (
            "<b>Cost on X:</b> $0.215 — 1 part with a link ($0.20 each), 1 part without a link ($0.015 each)"
        )
        assert "2026-12-02" in composer.extras.cost.toolTip()

    run(scenario, *networks(), x)


def test_snippets_are_added_and_edited_in_settings(run, qtbot) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        dialog = SettingsDialog(engine.settings, engine=engine)
        qtbot.addWidget(dialog)
        dialog.show_page("Snippets")
        section = dialog.snippets
        assert isinstance(section, SnippetsSection)
        await settle_ops()
        section.name.setText("Hashtags")
        section.trigger.setText(";h")
        section.text.setPlainText("#a #b #c")
        section.variant_network.setCurrentIndex(section.variant_network.findData("x"))
        section.variant.setPlainText("#a")
        section.save()
        await settle_ops()
        (saved,) = await engine.tools.snippets()
        assert (saved.name, saved.trigger, saved.variants) == ("Hashtags", ";h", {"x": "#a"})
        assert section.list.count() == 1 and "Saved" in section.message.text()
        section.new()
        section.name.setText("Other")
        section.trigger.setText(";h")  # taken
        section.text.setPlainText("x")
        section.save()
        await settle_ops()
        assert "already inserts “Hashtags”" in section.message.text()
        engine.update_settings(**dialog.changes())  # the page's settings save with the rest
        assert engine.settings.utm_for == [] and engine.settings.x_prices == {}

    run(scenario)


def test_links_and_costs_settings_are_edited_in_words(run, qtbot) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        dialog = SettingsDialog(engine.settings, engine=engine)
        qtbot.addWidget(dialog)
        dialog.widgets["utm_for"].setText("mastodon, x:ana")  # type: ignore[attr-defined]
        dialog.widgets["utm_campaign"].setText("spring")  # type: ignore[attr-defined]
        dialog.widgets["x_prices"].lines["post_with_url"].setText("0.25")  # type: ignore[attr-defined]
        engine.update_settings(**dialog.changes())
        assert engine.settings.utm_for == ["mastodon", "x:ana"]
        assert engine.settings.x_prices == {"post_with_url": 0.25}
        assert engine.settings.utm_campaign == "spring"
        await settle_ops()
        month = dialog.findChild(type(dialog.error), "x_month")
        assert (
            month is not None and "This month on X:" in month.text() and "$0.00 for 0 posts" in month.text()
        )

    run(scenario)


def test_a_first_comment_too_long_for_a_network_is_a_problem_in_words_that_leads_to_it(run) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select(BLUESKY)
        composer.text.setPlainText("Short post")
        composer.extras.comment.setPlainText("x" * 301)  # Bluesky (here) takes 300
        await checked(composer)
        (problem,) = composer.problems
        assert problem.field == "--first-comment"
        words = " ".join(composer.problem_list.item(i).text() for i in range(composer.problem_list.count()))
        assert "the first comment is 301 of 300 characters (1 over). Shorten it." in words
        assert "--first-comment" not in words
        composer._go_to_problem(problem)
        assert composer.extras.comment.hasFocus() or not composer.isActiveWindow()
        assert composer.extras.comment_note.isHidden()  # Bluesky takes it: no note

    mastodon, bluesky = networks()
    bluesky.first_comment = "self_reply"
    run(scenario, mastodon, bluesky)
