"""The posts CSV (INTERFACE.md "Posts"): its columns, reading a file's rows, and what is wrong in each.

Pure: text in, rows and problems out; which accounts exist and what the networks allow is the
engine's to check (`engine.csv_io`). Spreadsheets write UTF-8 with or without a byte-order mark,
and `,` or `;` (or a tab) between cells, so the dialect is sniffed, never assumed.

Row numbers count data rows: 1 is the first row after the header.
"""

from __future__ import annotations

import csv
import io
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

#: The columns a file may have, in the order export writes them.
COLUMNS = ("text", "accounts", "at", "tz", "media", "alt", "first_comment", "status", "options")
#: What export adds; import accepts and ignores them, so an exported file imports again.
EXPORT_ONLY = ("id", "published")
REQUIRED = ("text", "accounts")
STATUSES = ("draft", "scheduled")
ALT_SEPARATOR = "|"


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in the file: its data row (0: the header), its column and why."""

    row: int
    column: str
    reason: str

    @property
    def message(self) -> str:
        """`row 3, column accounts: …` (the header is "the header row")."""
        where = "header row" if self.row == 0 else f"row {self.row}"
        return f"{where}, column {self.column}: {self.reason}"

    def as_json(self) -> dict[str, object]:
        """As the command line's JSON gives it."""
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class CsvRow:
    """One data row, read and checked on its own (the engine checks it against the accounts).

    `media` paths are resolved against the CSV file's folder; `at` is None for "the next free
    slot"; `options` are (network, key, value) as `--option NETWORK.KEY=VALUE` gives them.
    """

    number: int
    text: str
    accounts: tuple[str, ...]
    at: str | None = None
    tz: str | None = None
    media: tuple[str, ...] = ()
    alt: tuple[str, ...] = ()
    first_comment: str | None = None
    status: str = "scheduled"
    options: tuple[tuple[str, str, str], ...] = ()


@dataclass
class CsvFile:
    """What reading a file gave: its good rows and every problem, in row order."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0
    cells: dict[int, dict[str, str]] = field(default_factory=dict)


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with the byte-order mark some spreadsheets write dropped.

    Raises:
        UnicodeDecodeError: the file is not UTF-8 (the caller says "save it as CSV UTF-8").
    """
    return data.decode("utf-8-sig")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[: 64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel  # one column, or too little to tell: the ordinary comma file


def read(text: str, base: PurePath) -> CsvFile:
    """Every row of the file, each checked on its own; `base` is the CSV's folder (for media)."""
    result = CsvFile()
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        result.problems.append(RowProblem(0, "-", "the file is empty; the first row must name the columns"))
        return result
    names = [cell.strip().lower() for cell in header]
    known = set(COLUMNS) | set(EXPORT_ONLY)
    for name in names:
        if name not in known:
            result.problems.append(
                RowProblem(0, name or "(empty)", f"unknown column; the columns are {', '.join(COLUMNS)}")
            )
    for name in REQUIRED:
        if name not in names:
            result.problems.append(RowProblem(0, name, "this column is required"))
    if result.problems:
        return result
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        result.total = number
        if len(cells) > len(names):
            result.cells[number] = dict(zip(names, cells, strict=False))
            result.problems.append(
                RowProblem(
                    number, "-", f"{len(cells)} cells for {len(names)} columns (a separator too many?)"
                )
            )
            continue
        values = dict(zip(names, cells, strict=False))
        result.cells[number] = values
        row, problems = _row(number, values, base)
        result.problems += problems
        if row is not None:
            result.rows.append(row)
    return result


def _row(number: int, values: dict[str, str], base: PurePath) -> tuple[CsvRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(RowProblem(number, column, reason))

    def get(name: str) -> str:
        return values.get(name, "").strip()

    text = values.get("text", "").strip("\r\n")
    if not text.strip():
        bad("text", "empty; every post needs its text")
    accounts = tuple(get("accounts").split())
    if not accounts:
        bad("accounts", "empty; give one or more accounts as NETWORK:handle, separated by spaces")
    status = get("status").lower() or "scheduled"
    if status not in STATUSES:
        bad("status", f"{get('status')!r} is not draft or scheduled")
    at = get("at") or None
    tz = get("tz") or None
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ValueError, LookupError):
            bad("tz", f"{tz!r} is not an IANA time zone such as Europe/Berlin")
    if at is not None:
        try:
            parsed = datetime.fromisoformat(at)
        except ValueError:
            bad("at", f"{at!r} is not an ISO-8601 time like 2026-12-01T09:00")
        else:
            if parsed.tzinfo is not None and tz is not None:
                bad("tz", "give either a time with an offset in at, or a zone in tz, not both")
        if status == "draft":
            bad("at", "a draft has no time; leave at empty or make the status scheduled")
    media = tuple(str(base / path) for path in _split(get("media"), number, "media", problems))
    alt = tuple(part.strip() for part in split_alt(values.get("alt", ""))) if get("alt") else ()
    if len(alt) > len(media):
        bad(
            "alt", f"{len(alt)} alt texts for {len(media)} media file(s); separate them with | in media order"
        )
    options = []
    for item in _split(get("options"), number, "options", problems):
        name, eq, value = item.partition("=")
        network, dot, key = name.partition(".")
        if not (eq and dot and network and key):
            bad("options", f"{item!r} needs the form NETWORK.KEY=VALUE, e.g. mastodon.visibility=unlisted")
            continue
        options.append((network.strip().lower(), key.strip(), value))
    if problems:
        return None, problems
    first_comment = values.get("first_comment", "").strip() or None
    return CsvRow(number, text, accounts, at, tz, media, alt, first_comment, status, tuple(options)), []


def _split(value: str, number: int, column: str, problems: list[RowProblem]) -> list[str]:
    """Space-separated items; an item with spaces is quoted (`"my photo.jpg"`, `youtube.title="A b"`)."""
    try:
        return shlex.split(value, posix=True)
    except ValueError as error:
        problems.append(RowProblem(number, column, f"cannot be split into items ({error}); check its quotes"))
        return []


def split_alt(cell: str) -> list[str]:
    r"""Alt texts from one cell: separated by `|`; `\\|` is a `|` inside an alt text (`\\\\` a backslash)."""
    parts, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in (ALT_SEPARATOR, "\\") else char + following)
        elif char == ALT_SEPARATOR:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def join_alt(alts: list[str] | tuple[str, ...]) -> str:
    """The inverse of `split_alt`."""
    return ALT_SEPARATOR.join(
        a.replace("\\", "\\\\").replace(ALT_SEPARATOR, "\\" + ALT_SEPARATOR) for a in alts
    )


def joined(items: list[str] | tuple[str, ...]) -> str:
    """Items as one cell, space-separated, quoted where an item has a space or a quote."""
    return " ".join(shlex.quote(item) for item in items)


def write(rows: list[dict[str, str]]) -> str:
    """The CSV text of exported rows (every column, header first; comma-separated, UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, *EXPORT_ONLY], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
