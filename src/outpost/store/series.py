"""Series (recurring posts) and evergreen marks (issue #22): the rows beside the posts.

A post's content lives in `posts` as always; a series only says how occurrences follow each
other and how many were made, and `posts.series_id` ties each occurrence to it. `evergreen`
is a flag on the post.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from outpost.domain.models import Repeat
from outpost.domain.recurrence import Recurrence, Series
from outpost.store._codec import decode_time, encode_time
from outpost.store.db import Database, Row


class SeriesRepository:
    """Reads and writes series, and which posts belong to them or are evergreen."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, series: Series, first_post_id: str) -> None:
        """Save a new series and make `first_post_id` its first occurrence, atomically."""
        r = series.recurrence
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO series (id, rule, first_at, timezone, until, count, made, created_at, ended_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    series.id,
                    r.rule,
                    encode_time(r.first),
                    r.zone,
                    encode_time(r.until),
                    r.count,
                    series.made,
                    encode_time(series.created_at),
                    encode_time(series.ended_at),
                ),
            )
            self._db.execute("UPDATE posts SET series_id = ? WHERE id = ?", (series.id, first_post_id))

    def get(self, series_id: str) -> Series | None:
        """One series, or None."""
        rows = self._db.query("SELECT * FROM series WHERE id = ?", (series_id,))
        return _series(rows[0]) if rows else None

    def running(self) -> list[Series]:
        """The series that still make occurrences."""
        return [_series(r) for r in self._db.query("SELECT * FROM series WHERE ended_at IS NULL ORDER BY id")]

    def add_occurrence(self, series_id: str, post_id: str, made: int) -> None:
        """Tie a new post to its series and count it (`made`: occurrences so far)."""
        with self._db.transaction():
            self._db.execute("UPDATE posts SET series_id = ? WHERE id = ?", (series_id, post_id))
            self._db.execute("UPDATE series SET made = ? WHERE id = ?", (made, series_id))

    def end(self, series_id: str, now: datetime) -> None:
        """No more occurrences (cancelled, or its count or date reached)."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE series SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (encode_time(now), series_id),
            )

    def post_ids(self, series_id: str, statuses: Sequence[str] = ()) -> list[str]:
        """The series' posts (in these statuses), in time order."""
        where, params = "series_id = ?", [series_id]
        if statuses:
            where += f" AND status IN ({','.join('?' * len(statuses))})"
            params += list(statuses)
        rows = self._db.query(
            f"SELECT id FROM posts WHERE {where} ORDER BY coalesce(scheduled_at, created_at), id", params
        )
        return [str(r["id"]) for r in rows]

    def repeats(self, series_ids: Sequence[str]) -> dict[str, Repeat]:
        """The `repeat` of each series named (for a post's JSON)."""
        if not series_ids:
            return {}
        marks = ",".join("?" * len(series_ids))
        rows = self._db.query(f"SELECT * FROM series WHERE id IN ({marks})", list(series_ids))
        return {
            str(r["id"]): Repeat(
                series_id=r["id"],
                rule=r["rule"],
                until=decode_time(r["until"]),
                count=r["count"],
                ended=r["ended_at"] is not None,
            )
            for r in rows
        }

    # -- evergreen ---------------------------------------------------------------------------

    def set_evergreen(self, post_id: str, evergreen: bool) -> None:
        """Mark a post evergreen (or not)."""
        with self._db.transaction():
            self._db.execute("UPDATE posts SET evergreen = ? WHERE id = ?", (int(evergreen), post_id))

    def evergreen_ids(self) -> list[str]:
        """Every evergreen post, oldest first."""
        rows = self._db.query("SELECT id FROM posts WHERE evergreen = 1 ORDER BY created_at, id")
        return [str(r["id"]) for r in rows]


def _series(row: Row) -> Series:
    first = decode_time(row["first_at"])
    created = decode_time(row["created_at"])
    assert first is not None and created is not None  # NOT NULL columns
    return Series(
        id=row["id"],
        recurrence=Recurrence(
            rule=row["rule"],
            first=first,
            zone=row["timezone"],
            until=decode_time(row["until"]),
            count=row["count"],
        ),
        made=int(row["made"]),
        created_at=created,
        ended_at=decode_time(row["ended_at"]),
    )
