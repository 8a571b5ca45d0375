"""Titles, tags and campaigns in the window (issue #24): the composer's row, the queue's filters,
the calendar's colours and the Campaigns dialog, on a real engine with fake networks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.calendar.cards import card_colour, entry_line
from outpost.gui.composer.paste import Pasted
from outpost.gui.dialogs.campaigns import CampaignsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.previews.widget import PreviewSource
from outpost.gui.qt import QPalette
from outpost.gui.queue.model import CHIPS_ROLE, TEXT
from outpost.gui.tasks import settle_ops
from tests.fakes import MemorySecretStore
from tests.gui.composer_harness import checked, networks, open_window
from tests.media_fixtures import png_bytes


def test_the_queue_filters_by_tag_and_campaign_and_shows_titles_and_chips(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        account = window.composer.accounts[0].id
        launch = await engine.campaigns.add("Winter launch", colour="#f97316")
        teaser = await engine.posts.create(
            PostInput(
                text="Something is coming",
                accounts=(account,),
                title="Teaser",
                tags=("launch", "video"),
                campaign="Winter launch",
            )
        )
        cats = await engine.posts.create(PostInput(text="A cat picture", accounts=(account,), tags=("cats",)))
        plain = await engine.posts.create(PostInput(text="Nothing filed", accounts=(account,)))
        queue = window.queue
        window.pages.setCurrentWidget(queue)
        queue.load()
        await settle_ops()
        assert {p.id for p in queue.model.posts} == {teaser.id, cats.id, plain.id}
        shown = {p.id: queue.model.index(i, TEXT) for i, p in enumerate(queue.model.posts)}
        assert shown[teaser.id].data().startswith("Teaser")  # the title, not the text
        assert shown[teaser.id].data(CHIPS_ROLE) == [
            ("Winter launch", "#f97316"),
            ("#launch", None),
            ("#video", None),
        ]
        assert shown[plain.id].data().startswith("Nothing filed") and shown[plain.id].data(CHIPS_ROLE) == []
        # The filter bar offers the tags and campaigns there are.
        tags = [queue.tag_filter.itemText(i) for i in range(queue.tag_filter.count())]
        assert tags == ["All tags", "#cats", "#launch", "#video"]
        queue.tag_filter.setCurrentIndex(queue.tag_filter.findData("launch"))
        await settle_ops()
        assert [p.id for p in queue.model.posts] == [teaser.id]
        queue.tag_filter.setCurrentIndex(0)
        queue.campaign_filter.setCurrentIndex(queue.campaign_filter.findData(launch.id))
        await settle_ops()
        assert [p.id for p in queue.model.posts] == [teaser.id]
        queue.model.reload(search="cat")
        await settle_ops()
        assert queue.model.rowCount() == 0 and queue.empty_text[0].startswith("No posts match")
        queue.model.reload(search="")
        await settle_ops()
        # Removing the campaign in the dialog keeps its post and shows every post again.
        queue.manage_campaigns()
        dialog: CampaignsDialog = queue.campaigns_dialog
        await settle_ops()
        dialog.list.setCurrentRow(0)
        dialog.remove()
        await settle_ops()
        assert "its 1 post(s) stay" in dialog.note.text()
        dialog.close()
        await settle_ops()
        assert queue.campaign_filter.currentIndex() == 0
        assert {p.id for p in queue.model.posts} == {teaser.id, cats.id, plain.id}
        assert (await engine.posts.get(teaser.id)).campaign_id is None

    remotes = networks()
    open_window(qapp, qtbot, scenario, data=tmp_path / "d", remotes=remotes, secrets=MemorySecretStore())


def test_the_composer_files_a_post_under_a_title_tags_and_a_campaign(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        campaign = await engine.campaigns.add("Spring", colour="#10b981")
        composer.refresh_organising()
        await settle_ops()
        composer.select(composer.accounts[0].id)
        composer.text.setPlainText("Doors open at ten")
        composer.organise.title.setText("Reminder")
        composer.organise.tags.setText("workshop, #Reminder, workshop")
        composer.organise.campaign.setCurrentIndex(composer.organise.campaign.findData(campaign.id))
        composer.organise.campaign.activated.emit(composer.organise.campaign.currentIndex())
        await checked(composer)
        composer.save_draft()
        await settle_ops()
        saved = await engine.posts.get(composer.post_id or "")
        assert (saved.title, saved.tags, saved.campaign_id) == (
            "Reminder",
            ("workshop", "Reminder"),
            campaign.id,
        )
        # Cleared in the composer, cleared in the post; and a post opened again shows its own.
        composer.organise.title.setText("")
        composer.organise.campaign.setCurrentIndex(0)
        composer.organise.campaign.activated.emit(0)
        composer.save_draft()
        await settle_ops()
        saved = await engine.posts.get(saved.id)
        assert (saved.title, saved.campaign_id) == (None, None)
        other = await engine.posts.create(
            PostInput(text="x", accounts=(composer.accounts[0].id,), title="Other", campaign="Spring")
        )
        composer.load(other)
        assert composer.organise.values() == ("Other", (), campaign.id)
        assert composer.organise.campaign.currentText() == "Spring"
        # The calendar card of a titled campaign post shows its title in the campaign's colour.
        scheduled = await engine.posts.create(
            PostInput(
                text="Long text", accounts=(composer.accounts[0].id,), title="Short title", campaign="Spring"
            ),
            When.scheduled((datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")),
        )
        start = datetime.now(UTC)
        days = await engine.posts.calendar(start, start + timedelta(days=7), [scheduled.status], UTC, 5)
        [entry] = days.entries
        assert entry_line(entry, entry.moment).endswith("Short title")
        assert card_colour(entry, QPalette()).name() == "#10b981"

    remotes = networks()
    open_window(qapp, qtbot, scenario, data=tmp_path / "d", remotes=remotes, secrets=MemorySecretStore())


def test_a_network_gets_its_own_thread_from_its_customise_tab(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select(*(a.id for a in composer.accounts))
        await settle_ops()
        composer.text.setPlainText("One draft")
        composer.add_part("shared part two")
        bluesky = next(tab for network, tab in composer.tabs.items() if network.value == "bluesky")
        bluesky.own_thread_on.setChecked(True)  # left empty: a single post on Bluesky
        await checked(composer)
        composer.save_draft()
        await settle_ops()
        saved = await engine.posts.get(composer.post_id or "")
        by_network = {t.network.value: saved.parts_for(t) for t in saved.targets}
        assert by_network == {"mastodon": ("One draft", "shared part two"), "bluesky": ("One draft",)}
        shown = PreviewSource.of(composer.selected, composer.request(), ())
        assert {p.network.value: p.parts for p in shown.posts}["bluesky"] == ("One draft",)
        composer.clear()
        composer.load(saved)
        assert bluesky.own_thread_on.isChecked() and bluesky.own_parts() == ()
        mastodon = next(tab for network, tab in composer.tabs.items() if network.value == "mastodon")
        assert mastodon.own_parts() is None

    remotes = networks()
    open_window(qapp, qtbot, scenario, data=tmp_path / "d", remotes=remotes, secrets=MemorySecretStore())


def test_a_thread_part_takes_its_own_picture_and_the_preview_shows_it_under_that_part(
    qapp, qtbot, tmp_path
) -> None:
    async def scenario(window: MainWindow, engine: Engine) -> None:
        composer = window.composer
        composer.select(*(a.id for a in composer.accounts))
        await settle_ops()
        chart = tmp_path / "chart.png"
        chart.write_bytes(png_bytes(8, 6))
        composer.text.setPlainText("Our year")
        part = composer.add_part("")  # a part with only a picture is still a part
        composer.thread_parts._pasted(part, Pasted(files=(str(chart),)))  # as a drop on the part does
        assert composer.thread_parts.part_files() == [[(str(chart), "")]]
        await checked(composer)
        assert composer.problems == []
        composer.save_draft()
        await settle_ops()
        saved = await engine.posts.get(composer.post_id or "")
        assert saved.media == () and [m.path for m in saved.thread_media[0]] == [str(chart)]
        assert saved.thread == ("",)
        source = PreviewSource.of(composer.selected, composer.request(), ())
        assert source.part_files == (((str(chart), "image"),),)
        composer.previews.show_source(source)
        composer.previews.flush()
        mastodon = composer.previews.browser(Network.MASTODON)
        assert mastodon is not None
        html = mastodon.toHtml()
        assert html.count("thumb://mastodon/part20") == 1 and "thumb://mastodon/0" not in html
        composer.clear()
        composer.load(saved)
        assert composer.thread_parts.part_files() == [[(str(chart), "")]]
        composer.thread_parts.set_files(composer.thread_parts.parts[0], [])  # the ✕ on the part's files
        composer.thread_parts.parts[0].setPlainText("now with words")
        composer.save_draft()
        await settle_ops()
        assert (await engine.posts.get(saved.id)).thread_media == ()

    remotes = networks()
    open_window(qapp, qtbot, scenario, data=tmp_path / "d", remotes=remotes, secrets=MemorySecretStore())
