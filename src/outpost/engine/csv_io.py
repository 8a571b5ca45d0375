"""`engine.csv_io`: posts from a spreadsheet and back (`post import|export`, File → Import/Export).

Import is all or nothing: every row is read and checked (its accounts, media, options, time,
and every network's rules for a row to schedule) before anything is saved, and every problem
is reported with its row and column. A row without `at` takes the next posting slot free for
its accounts (`engine.slots`), counting the slots the file's earlier rows take. Should saving
fail half-way all the same (the disk filled up), the posts already saved are deleted again.

Export writes the same columns, plus `id` and `published` (permalinks), so an exported file
imports again and gives the same posts. Posts that went out (or failed, or were cancelled) are
written as drafts with their permalinks: re-importing them gives material to reuse, never a
second publication.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain import csv_rows
from outpost.domain.csv_rows import CsvRow, RowProblem
from outpost.domain.enums import PostStatus
from outpost.domain.errors import KnownError, Problem, ValidationError
from outpost.domain.models import Account, Post, Target
from outpost.domain.schedule import resolve_schedule
from outpost.engine.composer import MediaInput, PostInput, When
from outpost.engine.core import EngineCore
from outpost.engine.posts import PostsService
from outpost.engine.slots import SlotsService


@dataclass(frozen=True)
class PlannedRow:
    """A good row and what import will make of it: its accounts (refs) and its time (None: a draft)."""

    row: CsvRow
    accounts: tuple[Account, ...]
    at: datetime | None
    zone: str | None


@dataclass
class ImportPlan:
    """What a file would import: every row's plan, and every problem (then nothing is imported)."""

    path: Path
    total: int = 0
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)

    def planned(self, number: int) -> PlannedRow | None:
        """Data row `number`'s plan, if the row is good."""
        return next((r for r in self.rows if r.row.number == number), None)

    @property
    def ok(self) -> bool:
        """Whether every row is good (import is allowed)."""
        return not self.problems

    def problems_of(self, number: int) -> list[RowProblem]:
        """The problems of data row `number` (the preview shows them on its line)."""
        return [p for p in self.problems if p.row == number]

    def error(self) -> ValidationError:
        """Every problem as one error (exit 2 on the command line)."""
        return ValidationError(
            Problem(
                field=f"row {p.row}" if p.row else "header",
                message=p.message,
                rule="csv_row",
                actual=p.column,
            )
            for p in self.problems
        )


def column_of(problem: Problem) -> str:
    """The CSV column an engine problem is about (its field, as the command line names it)."""
    name = problem.field
    if name.startswith("--account"):
        return "accounts"
    if name.startswith("--option"):
        return "options"
    if name.startswith("--first-comment"):
        return "first_comment"
    if name.startswith(("--alt", "alt")) or problem.rule in {"alt_text", "alt_length"}:
        return "alt"
    if name.startswith(("media", "--media")):
        return "media"
    if name in {"--at", "at"} or name == "posting_schedule":
        return "at"
    if name == "--tz":
        return "tz"
    return "text"


class CsvService:
    """Import and export of the posts CSV."""

    def __init__(self, core: EngineCore, posts: PostsService, slots: SlotsService) -> None:
        self._core = core
        self._posts = posts
        self._slots = slots

    # -- import ----------------------------------------------------------------------------------

    async def plan(self, path: str | Path) -> ImportPlan:
        """Read and check every row of the file; nothing is saved.

        Raises:
            ValidationError: the file cannot be read at all (missing, not UTF-8).
        """
        source, text = await asyncio.to_thread(_load, path)
        read = csv_rows.read(text, source.parent)
        plan = ImportPlan(source, read.total, problems=list(read.problems), cells=read.cells)
        known = {a.id: a for a in await self._core.db.run(self._core.store.accounts.all)}
        by_ref = {a.ref.lower(): a for a in known.values()}
        # Rows with a time of their own take their slot first; the others fill the free ones.
        taken: dict[str, set[datetime]] = {}
        timed: list[tuple[CsvRow, tuple[Account, ...], datetime | None, str | None]] = []
        for row in read.rows:
            accounts = tuple(a for a in (known.get(r) or by_ref.get(r.lower()) for r in row.accounts) if a)
            problems = [
                RowProblem(row.number, column_of(p), _reason(p))
                for p in await self._posts.check(
                    self._input(row), self._when(row), validate=row.status != "draft"
                )
            ]
            plan.problems += _unique(problems)
            if problems:
                continue
            at, zone = await self._time_of(row)
            if at is not None:
                for account in accounts:
                    taken.setdefault(account.id, set()).add(at)
            timed.append((row, accounts, at, zone))
        for row, accounts, at, zone in timed:
            if row.status == "scheduled" and at is None:
                try:
                    at, zone = await self._slots.next_free([a.id for a in accounts], taken=taken)
                except ValidationError as error:
                    plan.problems += [RowProblem(row.number, "at", _reason(p)) for p in error.problems]
                    continue
                for account in accounts:
                    taken.setdefault(account.id, set()).add(at)
            plan.rows.append(PlannedRow(row, accounts, at, zone))
        plan.problems.sort(key=lambda p: p.row)
        plan.rows.sort(key=lambda r: r.row.number)
        return plan

    async def import_file(self, path: str | Path, *, dry_run: bool = False) -> tuple[ImportPlan, list[Post]]:
        """Import every row as a post, or none: the plan, and the posts made (none for a dry run).

        Raises:
            ValidationError: with every bad row (row, column, reason); nothing was saved.
        """
        plan = await self.plan(path)
        if not plan.ok:
            raise plan.error()
        if dry_run:
            return plan, []
        made: list[Post] = []
        try:
            for planned in plan.rows:
                when = When.draft()
                if planned.at is not None:
                    when = When.scheduled(planned.at.strftime("%Y-%m-%dT%H:%M:%SZ"), planned.zone)
                made.append(await self._posts.create(self._input(planned.row), when, validate=False))
        except (KnownError, OSError):
            for post in made:  # all or nothing, even when saving fails half-way
                await self._posts.delete(post.id)
            raise
        return plan, made

    def _input(self, row: CsvRow) -> PostInput:
        return PostInput(
            text=row.text,
            accounts=row.accounts,
            media=tuple(
                MediaInput(p, row.alt[i] if i < len(row.alt) else "") for i, p in enumerate(row.media)
            ),
            options=row.options,
            first_comment=row.first_comment or "",
        )

    @staticmethod
    def _when(row: CsvRow) -> When:
        if row.status == "draft":
            return When.draft()
        if row.at is None:  # a slot comes later; check it as a draft would be, plus the networks' rules
            return When.draft()
        return When.scheduled(row.at, row.tz)

    async def _time_of(self, row: CsvRow) -> tuple[datetime | None, str | None]:
        """The row's own time as an instant and zone (None, None: a draft or "next free slot")."""
        if row.status == "draft" or row.at is None:
            return None, None
        return resolve_schedule(
            row.at,
            row.tz,
            now=self._core.clock.now(),
            default_zone=self._core.settings.default_timezone or local_zone_name(),
        )

    # -- export ----------------------------------------------------------------------------------

    async def export_file(
        self,
        path: str | Path,
        *,
        statuses: Sequence[PostStatus] = (),
        start: date | None = None,
        end: date | None = None,
    ) -> list[Post]:
        """Write the posts (filtered) to `path` as CSV; the posts written, in time order.

        `start`/`end` are days (UTC), both included, of the post's time: when it is scheduled,
        else when it was created.
        """
        target = await asyncio.to_thread(_absolute, path)
        accounts = {
            a.id: a for a in await self._core.db.run(self._core.store.accounts.all, include_removed=True)
        }
        posts = await self._core.db.run(self._core.store.posts.all, statuses=statuses)
        chosen = [p for p in posts if _within(_moment(p), start, end)]
        chosen.sort(key=_moment)
        rows = [_row_of(p, accounts, target.parent) for p in chosen]
        await asyncio.to_thread(_save, target, csv_rows.write(rows))
        return chosen


def _reason(problem: Problem) -> str:
    """The problem's message without the command line's option name in front (the column says it)."""
    message = problem.message
    for prefix in (
        f"{problem.field}: ",
        "--account: ",
        "--option: ",
        "--first-comment: ",
        "posting_schedule: ",
    ):
        message = message.removeprefix(prefix)
    return message


def _absolute(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def _load(path: str | Path) -> tuple[Path, str]:
    """The file's absolute path and its text (off the event loop)."""
    source = _absolute(path)
    try:
        return source, csv_rows.decode(source.read_bytes())
    except OSError as error:
        raise ValidationError.single("FILE", f"FILE: cannot read {source} ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise ValidationError.single(
            "FILE", f"FILE: {source} is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”."
        ) from None


def _save(target: Path, text: str) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, target)


def _unique(problems: list[RowProblem]) -> list[RowProblem]:
    seen: set[tuple[int, str, str]] = set()
    result = []
    for p in problems:
        if (p.row, p.column, p.reason) not in seen:
            seen.add((p.row, p.column, p.reason))
            result.append(p)
    return result


def _moment(post: Post) -> datetime:
    return post.scheduled_at or post.created_at


def _within(moment: datetime, start: date | None, end: date | None) -> bool:
    day = moment.astimezone(UTC).date()
    return (start is None or day >= start) and (end is None or day <= end)


def _row_of(post: Post, accounts: dict[str, Account], base: Path) -> dict[str, str]:
    refs = [accounts[t.account_id].ref if t.account_id in accounts else t.account_id for t in post.targets]
    options = [
        f"{t.network.value}.{key}={_option_text(value)}"
        for t in _one_per_network(post)
        for key, value in t.options.items()
    ]
    at = tz = ""
    scheduled = post.status is PostStatus.SCHEDULED and post.scheduled_at is not None
    if scheduled and post.scheduled_at is not None:
        zone = post.timezone or "UTC"
        at = post.scheduled_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="minutes")
        tz = zone
    return {
        "text": post.text,
        "accounts": " ".join(refs),
        "at": at,
        "tz": tz,
        "media": csv_rows.joined([_relative(m.path, base) for m in post.media]),
        "alt": csv_rows.join_alt([m.alt_text for m in post.media])
        if any(m.alt_text for m in post.media)
        else "",
        "first_comment": post.first_comment or "",
        "status": "scheduled" if scheduled else "draft",
        "options": csv_rows.joined(options),
        "id": post.id,
        "published": " ".join(t.permalink for t in post.targets if t.permalink),
    }


def _one_per_network(post: Post) -> list[Target]:
    """Options are per network in the CSV (`mastodon.visibility=…`): the first target of each."""
    seen: set[str] = set()
    result = []
    for t in post.targets:
        if t.network.value not in seen:
            seen.add(t.network.value)
            result.append(t)
    return result


def _option_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _relative(path: str, base: Path) -> str:
    """The media path as the CSV names it: relative to the CSV's folder where it can be."""
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        return path
