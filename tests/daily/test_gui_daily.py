"""The window's daily tools (offscreen): the import preview and the per-account slots editor."""

from __future__ import annotations

from pathlib import Path

from outpost.config.settings import load_settings
from outpost.domain.enums import PostStatus
from outpost.engine import Engine
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.conftest import until
from tests.fakes import FakeClock
from tests.gui.windows import window_scenario

HEADER = "text,accounts,at,tz,media,alt,first_comment,status,options\n"


def test_import_preview_shows_each_rows_problems_and_imports_only_when_all_are_good(
    qapp, qtbot, tmp_path: Path
) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        ref = (await engine.accounts.get(account)).ref
        engine.update_settings(posting_schedule={"thursday": ["09:00"]}, default_timezone="Europe/Berlin")
        sheet = tmp_path / "month.csv"
        sheet.write_text(
            HEADER + f"good,{ref},,,,,,,\n" + "no account,bluesky:nobody.example,,,,,,,\n", encoding="utf-8"
        )
        preview = window.import_csv(str(sheet))
        assert preview is not None
        await until(lambda: preview.plan is not None)
        table = preview.table
        assert table.rowCount() == 2
        assert table.item(0, 4).text() == "ready" and "Thu 26 Nov 2026 09:00" in table.item(0, 3).text()
        assert table.item(1, 4).text().startswith("accounts: ")
        assert not preview.import_button.isEnabled()
        assert "1 of 2 rows have problems" in preview.summary.text()
        assert await engine.posts.list() == []  # nothing saved by looking

        sheet.write_text(HEADER + f"good,{ref},,,,,,,\n" + f"draft,{ref},,,,,,draft,\n", encoding="utf-8")
        preview.reject()
        preview = window.import_csv(str(sheet))
        assert preview is not None
        await until(lambda: preview.plan is not None)
        assert preview.import_button.isEnabled()
        preview.import_button.click()
        await until(lambda: window.statusBar().currentMessage().startswith("Imported 2 post(s)"))
        assert sorted(p.status for p in await engine.posts.list()) == [PostStatus.DRAFT, PostStatus.SCHEDULED]

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_settings_edit_the_default_schedule_and_an_accounts_own(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = SettingsDialog(engine.settings, engine=engine)
        qtbot.addWidget(dialog)
        await settle_ops()  # the accounts are listed after the dialog opens
        editor = dialog.slots_editor
        dialog.slots["monday"].setText("09:00")
        editor.choose(account)
        assert dialog.slots["monday"].text() == ""  # the account has none of its own yet
        dialog.slots["tuesday"].setText("15:00, 08:30")
        editor.zone.setCurrentIndex(editor.zone.findData("America/New_York"))
        editor.choose("")
        assert dialog.slots["monday"].text() == "09:00"  # the default's, kept while switching
        engine.update_settings(**dialog.changes())
        saved = load_settings(engine.data_dir)
        assert saved.posting_schedule == {"monday": ["09:00"]}
        own = saved.account_schedules[account]
        assert (own.weekly, own.timezone) == ({"tuesday": ["08:30", "15:00"]}, "America/New_York")

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_schedule_dialog_repeat_reads_as_a_sentence(qtbot) -> None:
    from datetime import UTC, datetime

    from outpost.engine.series import RepeatRequest
    from outpost.gui.composer.schedule_dialog import ScheduleDialog
    from outpost.gui.qt import QDateTime

    dialog = ScheduleDialog(zone="Europe/Berlin", now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    qtbot.addWidget(dialog)
    assert dialog.repeat() is None and dialog.repeat_summary.isHidden()
    dialog.when.setDateTime(QDateTime.fromString("2026-12-01T09:00", "yyyy-MM-ddTHH:mm"))  # a Tuesday
    dialog.repeat_rule.setCurrentIndex(dialog.repeat_rule.findData("weekly"))
    dialog.repeat_end.setCurrentIndex(dialog.repeat_end.findData("until"))
    dialog.until.setDateTime(QDateTime.fromString("2027-06-30T00:00", "yyyy-MM-ddTHH:mm"))
    assert dialog.repeat_summary.text() == "Every Tuesday at 09:00 until 30 June 2027"
    assert dialog.repeat() == RepeatRequest("weekly", "2027-06-30", None)
    dialog.repeat_rule.setCurrentIndex(dialog.repeat_rule.findData("cron"))
    dialog.cron.setText("0 9 * * 1-5")
    dialog.repeat_end.setCurrentIndex(dialog.repeat_end.findData("count"))
    dialog.count.setValue(20)
    assert dialog.repeat_summary.text() == "At 09:00, Monday through Friday, 20 times in all"
    dialog.cron.setText("every morning")
    assert "is not a cron expression" in dialog.repeat_summary.text()


def test_the_composer_schedules_a_weekly_series_and_marks_evergreen(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        from outpost.gui.qt import QDateTime

        composer = window.composer
        composer.select((await engine.accounts.get(account)).ref)
        composer.text.setPlainText("Tuesday tip")
        composer.evergreen_box.setChecked(True)
        await until(composer.schedule_button.isEnabled)
        composer.schedule_button.click()
        await settle_ops()
        dialog = composer.schedule_dialog
        assert dialog is not None
        dialog.zone.setCurrentText("Europe/Berlin")
        dialog.when.setDateTime(QDateTime.fromString("2026-12-01T09:00", "yyyy-MM-ddTHH:mm"))
        dialog.repeat_rule.setCurrentIndex(dialog.repeat_rule.findData("weekly"))
        dialog.repeat_end.setCurrentIndex(dialog.repeat_end.findData("count"))
        dialog.count.setValue(3)
        dialog.accept()
        await until(lambda: _count(engine, 3))
        await until(lambda: _evergreen(engine))  # marked once the series is saved
        posts = await engine.posts.list()
        assert [p.status for p in posts] == [PostStatus.SCHEDULED] * 3  # the autosaved draft gave way
        assert len({p.repeat.series_id for p in posts if p.repeat}) == 1
        assert posts[0].evergreen

    window_scenario(qapp, qtbot, tmp_path, scenario)


async def _count(engine: Engine, n: int) -> bool:
    return len(await engine.posts.list([PostStatus.SCHEDULED])) == n


async def _evergreen(engine: Engine) -> bool:
    return any(p.evergreen for p in await engine.posts.list())


def test_the_queue_cancels_a_whole_series(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        from outpost.engine import PostInput, When
        from outpost.engine.series import RepeatRequest

        await engine.series.create(
            PostInput(text="Weekly", accounts=(account,)),
            When.scheduled("2026-11-26T09:00", "UTC"),
            RepeatRequest("weekly", count=3),
        )
        once = await engine.posts.create(
            PostInput(text="once", accounts=(account,)), When.scheduled("2026-11-28T09:00Z")
        )
        queue = window.queue
        queue.load()
        await settle_ops()
        rows = {queue.model.post_at(r).id: r for r in range(queue.model.rowCount())}
        queue.table.selectRow(rows[once.id])
        assert not queue.buttons["Cancel series"].isEnabled()
        queue.table.selectRow(next(r for pid, r in rows.items() if pid != once.id))
        assert queue.buttons["Cancel series"].isEnabled()
        queue.buttons["Cancel series"].click()
        await until(lambda: window.statusBar().currentMessage() == "Cancelled the whole series.")
        assert [p.text for p in await engine.posts.list([PostStatus.SCHEDULED])] == ["once"]

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_the_calendar_shows_every_accounts_schedule_where_it_falls(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        from datetime import date, datetime
        from zoneinfo import ZoneInfo

        engine.update_settings(default_timezone="Europe/Berlin")
        await engine.slots.set_weekly("default", "fri 09:00", "Europe/Berlin")
        ref = (await engine.accounts.get(account)).ref
        await engine.slots.set_weekly(ref, "thu 20:00", "America/New_York")  # Friday 02:00 in Berlin
        calendar = window.calendar
        calendar.anchor = date(2026, 11, 25)
        calendar.set_month(False)
        await settle_ops()
        grid = calendar.week
        assert grid is not None
        berlin = ZoneInfo("Europe/Berlin")
        assert grid.free_slots(date(2026, 11, 27)) == [
            datetime(2026, 11, 27, 2, 0, tzinfo=berlin),
            datetime(2026, 11, 27, 9, 0, tzinfo=berlin),
        ]
        assert grid.free_slots(date(2026, 11, 26)) == []

    window_scenario(qapp, qtbot, tmp_path, scenario)
