"""The posts CSV: export → import gives the same posts; every kind of bad row is reported; spreadsheets' files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from PIL import Image

from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account, Post
from outpost.engine import AddAccountRequest, Engine, MediaInput, PostInput, When
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry

HEADER = "text,accounts,at,tz,media,alt,first_comment,status,options\n"


async def _add(engine: Engine, handle: str) -> Account:
    return await engine.accounts.add(
        Network.MASTODON,
        AddAccountRequest(service_url="https://fake.example", access_token="good-token", handle=handle),
    )


@pytest_asyncio.fixture
async def fresh(tmp_path: Path, clock: FakeClock, remote: FakeNetwork) -> AsyncIterator[Engine]:
    """A second engine over its own, empty data folder (the same accounts are added there)."""
    engine = Engine.open(
        tmp_path / "fresh", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=clock
    )
    yield engine
    await engine.close()


def _picture(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (200, 40, 20)).save(path)
    return path


def _shape(post: Post, refs: dict[str, str]) -> tuple[object, ...]:
    return (
        post.status,
        post.text,
        tuple(refs[t.account_id] for t in post.targets),
        post.scheduled_at,
        post.timezone,
        tuple((Path(m.path).name, m.alt_text) for m in post.media),
        tuple(sorted((t.network.value, k, str(v)) for t in post.targets for k, v in t.options.items())),
        post.first_comment,
    )


@pytest.mark.asyncio
async def test_export_then_import_into_a_fresh_store_gives_the_same_posts(
    engine: Engine, fresh: Engine, tmp_path: Path
) -> None:
    one, two = await _add(engine, "one@fake.example"), await _add(engine, "two@fake.example")
    photos = tmp_path / "sheet" / "photos"
    made = [
        await engine.posts.create(
            PostInput(
                text="Morning, with a picture; and a comma, too",
                accounts=(one.id, two.id),
                media=(
                    MediaInput(str(_picture(photos / "sun rise.png")), "The sun | rising"),
                    MediaInput(str(_picture(photos / "b.png")), ""),
                ),
                options=(("mastodon", "visibility", "unlisted"),),
                first_comment="More at the workshop, link in bio",
            ),
            When.scheduled("2026-12-01T09:00", "Europe/Berlin"),
        ),
        await engine.posts.create(PostInput(text="A draft\non two lines", accounts=(two.id,))),
        await engine.posts.create(
            PostInput(text="Évènement « spécial »", accounts=(one.id,)),
            When.scheduled("2026-12-03T17:30", "America/New_York"),
        ),
    ]
    exported = tmp_path / "sheet" / "posts.csv"
    written = await engine.csv.export_file(exported)
    assert {p.id for p in written} == {p.id for p in made}
    assert "photos/sun rise.png" in exported.read_text(encoding="utf-8")  # relative to the CSV

    await _add(fresh, "one@fake.example")
    await _add(fresh, "two@fake.example")
    _, imported = await fresh.csv.import_file(exported)

    refs_before = {a.id: a.ref for a in await engine.accounts.list()}
    refs_after = {a.id: a.ref for a in await fresh.accounts.list()}
    assert sorted(_shape(p, refs_after) for p in imported) == sorted(_shape(p, refs_before) for p in made)
    assert "The sun \\| rising|" in exported.read_text(encoding="utf-8")  # the separator, escaped


@pytest.mark.asyncio
async def test_empty_at_fills_the_next_free_slots_in_row_order(engine: Engine, tmp_path: Path) -> None:
    one, two = await _add(engine, "one@fake.example"), await _add(engine, "two@fake.example")
    await engine.slots.set_weekly("default", "wed 18:00, thu 09:00 18:00", "Europe/Berlin")
    sheet = tmp_path / "queue.csv"
    sheet.write_text(
        HEADER
        + f"first,{one.ref} {two.ref},,,,,,,\n"
        + f"second,{one.ref},,,,,,,\n"
        + f"pinned,{two.ref},2026-11-26T09:00,Europe/Berlin,,,,,\n"
        + f"third,{two.ref},,,,,,,\n",
        encoding="utf-8",
    )
    _, posts = await engine.csv.import_file(sheet)
    at = {p.text: p.scheduled_at for p in posts}
    assert at == {
        "first": datetime(2026, 11, 25, 17, tzinfo=UTC),
        "second": datetime(2026, 11, 26, 8, tzinfo=UTC),
        "pinned": datetime(2026, 11, 26, 8, tzinfo=UTC),
        "third": datetime(2026, 11, 26, 17, tzinfo=UTC),  # two's 09:00 is the pinned row's
    }


@pytest.mark.asyncio
async def test_a_spreadsheets_file_with_bom_and_semicolons(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    _picture(tmp_path / "pics" / "cat.png")
    sheet = tmp_path / "from-excel.csv"
    rows = (
        "text;accounts;at;tz;media;alt;first_comment;status;options\r\n"
        f'"Hello; world";{alice.ref};2026-12-01T09:00;Europe/Berlin;pics/cat.png;A cat;;scheduled;'
        "mastodon.visibility=unlisted\r\n"
        f"Just a draft;{alice.ref};;;;;Nice, isn't it?;draft;\r\n"
    )
    sheet.write_bytes("\ufeff".encode() + rows.encode("utf-8"))
    plan, posts = await engine.csv.import_file(sheet)
    assert [r.row.first_comment for r in plan.rows] == [None, "Nice, isn't it?"]
    first, second = posts
    assert (first.text, first.status, first.media[0].alt_text) == (
        "Hello; world",
        PostStatus.SCHEDULED,
        "A cat",
    )
    assert first.targets[0].options == {"visibility": "unlisted"}
    assert (second.text, second.status, second.first_comment) == (
        "Just a draft",
        PostStatus.DRAFT,
        "Nice, isn't it?",
    )


@pytest.mark.asyncio
async def test_every_kind_of_bad_row_is_reported_and_nothing_is_imported(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    sheet = tmp_path / "bad.csv"
    ok = f"fine,{alice.ref},2026-12-01T09:00,UTC,,,,,"
    sheet.write_text(
        HEADER
        + ok
        + "\n"
        + f",{alice.ref},2026-12-01T09:00,UTC,,,,,\n"  # 2: no text
        + "no accounts,,2026-12-01T09:00,UTC,,,,,\n"  # 3
        + "nobody,bluesky:nobody.example,2026-12-01T09:00,UTC,,,,,\n"  # 4: no such account
        + f"bad time,{alice.ref},next tuesday,UTC,,,,,\n"  # 5
        + f"bad zone,{alice.ref},2026-12-01T09:00,Mars/Olympus,,,,,\n"  # 6
        + f"past,{alice.ref},2020-01-01T09:00,UTC,,,,,\n"  # 7
        + f"gone,{alice.ref},2026-12-01T09:00,UTC,missing.png,,,,\n"  # 8
        + f"status,{alice.ref},,,,,,published,\n"  # 9
        + f"option,{alice.ref},2026-12-01T09:00,UTC,,,,,mastodon.visibility=everyone\n"  # 10
        + f"syntax,{alice.ref},2026-12-01T09:00,UTC,,,,,visibility\n"  # 11
        + f"alt,{alice.ref},2026-12-01T09:00,UTC,,one|two,,,\n"  # 12
        + f"{'x' * 501},{alice.ref},2026-12-01T09:00,UTC,,,,,\n"  # 13: too long for the network
        + f"draft at,{alice.ref},2026-12-01T09:00,UTC,,,,draft,\n",  # 14
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        await engine.csv.import_file(sheet)
    where = {(int(p.field.split()[1]), p.actual) for p in caught.value.problems}
    assert where >= {
        (2, "text"),
        (3, "accounts"),
        (4, "accounts"),
        (5, "at"),
        (6, "tz"),
        (7, "at"),
        (8, "media"),
        (9, "status"),
        (10, "options"),
        (11, "options"),
        (12, "alt"),
        (13, "text"),
        (14, "at"),
    }
    assert 1 not in {row for row, _ in where}
    assert all(p.message.startswith(f"row {p.field.split()[1]}, column ") for p in caught.value.problems)
    assert await engine.posts.list() == []  # all or nothing


@pytest.mark.asyncio
async def test_header_problems_unknown_column_and_missing_required(engine: Engine, tmp_path: Path) -> None:
    sheet = tmp_path / "header.csv"
    sheet.write_text("text,when\nhello,tomorrow\n", encoding="utf-8")
    plan = await engine.csv.plan(sheet)
    assert {(p.row, p.column) for p in plan.problems} == {(0, "when"), (0, "accounts")}
    sheet.write_bytes("text,accounts\n".encode("utf-16"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        await engine.csv.plan(sheet)


@pytest.mark.asyncio
async def test_export_filters_by_status_and_days(engine: Engine, alice: Account, tmp_path: Path) -> None:
    early = await engine.posts.create(
        PostInput(text="early", accounts=(alice.id,)), When.scheduled("2026-12-01T09:00Z")
    )
    late = await engine.posts.create(
        PostInput(text="late", accounts=(alice.id,)), When.scheduled("2026-12-20T09:00Z")
    )
    await engine.posts.create(PostInput(text="draft", accounts=(alice.id,)))
    out = tmp_path / "out.csv"
    assert [p.id for p in await engine.csv.export_file(out, statuses=[PostStatus.SCHEDULED])] == [
        early.id,
        late.id,
    ]
    chosen = await engine.csv.export_file(
        out, start=datetime(2026, 12, 10).date(), end=datetime(2026, 12, 20).date()
    )
    assert [p.id for p in chosen] == [late.id]
