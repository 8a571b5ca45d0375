"""Posting slots: the default schedule and each account's own, filled in order, several accounts at once."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from outpost.domain.enums import Network
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.domain.slots import WeeklyError, format_weekly, parse_weekly, slots_on
from outpost.engine import AddAccountRequest, Engine, PostInput

# tests.fakes.START is Wednesday 2026-11-25 12:00 UTC (13:00 in Berlin, 07:00 in New York).


async def _add(engine: Engine, handle: str) -> Account:
    return await engine.accounts.add(
        Network.MASTODON,
        AddAccountRequest(service_url="https://fake.example", access_token="good-token", handle=handle),
    )


async def _queue(engine: Engine, *accounts: Account) -> datetime | None:
    post = await engine.posts.create(PostInput(text="hi", accounts=tuple(a.id for a in accounts)))
    return (await engine.posts.add_to_queue(post.id)).scheduled_at


def test_weekly_text_is_parsed_and_each_bad_entry_is_named() -> None:
    assert parse_weekly("mon 09:00, wed 12:30 9:15; Fri 17:00") == {
        "monday": ["09:00"],
        "wednesday": ["09:15", "12:30"],
        "friday": ["17:00"],
    }
    assert format_weekly(parse_weekly("wed 12:30, mon 09:00")) == "mon 09:00, wed 12:30"
    assert parse_weekly("") == {}
    for text, entry in (("mon 09:00, xyz 10:00", "xyz 10:00"), ("tue", "tue"), ("thu 25:00", "thu 25:00")):
        with pytest.raises(WeeklyError) as caught:
            parse_weekly(text)
        assert caught.value.entry == entry
    with pytest.raises(WeeklyError):
        parse_weekly("t 09:00")  # tue or thu: ambiguous


@pytest.mark.asyncio
async def test_accounts_on_the_default_schedule_fill_its_slots_in_order(engine: Engine) -> None:
    one, two = await _add(engine, "one@fake.example"), await _add(engine, "two@fake.example")
    await engine.slots.set_weekly("default", "wed 18:00, thu 09:00 18:00", "Europe/Berlin")
    assert await _queue(engine, one, two) == datetime(2026, 11, 25, 17, tzinfo=UTC)
    assert await _queue(engine, one) == datetime(2026, 11, 26, 8, tzinfo=UTC)
    # `two` is still free on Thursday 09:00, but a post for both needs a slot free for both.
    assert await _queue(engine, one, two) == datetime(2026, 11, 26, 17, tzinfo=UTC)
    assert await _queue(engine, two) == datetime(2026, 11, 26, 8, tzinfo=UTC)


@pytest.mark.asyncio
async def test_an_account_with_its_own_schedule_in_its_own_zone(engine: Engine) -> None:
    berlin, york = await _add(engine, "berlin@fake.example"), await _add(engine, "york@fake.example")
    await engine.slots.set_weekly("default", "wed 15:00, thu 15:00", "Europe/Berlin")
    await engine.slots.set_weekly(york.ref, "wed 09:00, thu 09:00", "America/New_York")
    # New York 09:00 = 14:00 UTC; Berlin 15:00 = 14:00 UTC: the same instants, so they share them.
    assert await _queue(engine, york) == datetime(2026, 11, 25, 14, tzinfo=UTC)
    assert await _queue(engine, berlin, york) == datetime(2026, 11, 26, 14, tzinfo=UTC)
    plans = {p.name: p for p in await engine.slots.plans()}
    assert (plans[york.ref].zone, plans[york.ref].own) == ("America/New_York", True)
    assert (plans[berlin.ref].zone, plans[berlin.ref].own) == ("Europe/Berlin", False)


@pytest.mark.asyncio
async def test_accounts_without_a_slot_in_common_are_told_why(engine: Engine) -> None:
    one, two = await _add(engine, "one@fake.example"), await _add(engine, "two@fake.example")
    await engine.slots.set_weekly(one.ref, "mon 09:00", "UTC")
    await engine.slots.set_weekly(two.ref, "tue 09:00", "UTC")
    post = await engine.posts.create(PostInput(text="hi", accounts=(one.id, two.id)))
    with pytest.raises(ValidationError, match="free for every chosen account"):
        await engine.posts.add_to_queue(post.id)


@pytest.mark.asyncio
async def test_an_empty_schedule_gives_the_account_back_to_the_default(
    engine: Engine, alice: Account
) -> None:
    await engine.slots.set_weekly(alice.ref, "mon 09:00", "UTC")
    assert engine.settings.account_schedules[alice.id].weekly == {"monday": ["09:00"]}
    plan = await engine.slots.set_weekly(alice.ref, "")
    assert not plan.own and alice.id not in engine.settings.account_schedules


@pytest.mark.asyncio
async def test_bad_weekly_text_and_zone_are_refused_naming_them(engine: Engine, alice: Account) -> None:
    with pytest.raises(ValidationError, match="'fri 9' has '9'"):
        await engine.slots.set_weekly(alice.ref, "mon 09:00, fri 9")
    with pytest.raises(ValidationError, match="--tz: 'Mars/Olympus'"):
        await engine.slots.set_weekly("default", "mon 09:00", "Mars/Olympus")
    assert engine.settings.posting_schedule == {}


def test_the_calendar_draws_each_schedules_slots_where_they_fall_in_its_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    york = ({"tuesday": ["20:00"]}, ZoneInfo("America/New_York"))  # Wednesday 02:00 in Berlin
    home = ({"wednesday": ["09:00"]}, berlin)
    wednesday = datetime(2026, 11, 25).date()
    assert [s.astimezone(berlin).strftime("%a %H:%M") for s in slots_on(wednesday, berlin, [home, york])] == [
        "Wed 02:00",
        "Wed 09:00",
    ]
