"""Snippets in the store: reusable text pieces with per-network variants (issue #22)."""

from __future__ import annotations

from datetime import datetime

from outpost.domain.errors import NotFoundError
from outpost.domain.snippets import Snippet
from outpost.store._codec import decode_json, encode_json, encode_time
from outpost.store.db import Database, Row


class SnippetRepository:
    """Reads and writes `Snippet`s."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def all(self) -> list[Snippet]:
        """Every snippet, by name."""
        rows = self._db.query("SELECT * FROM snippets ORDER BY name COLLATE NOCASE, id")
        return [_snippet(r) for r in rows]

    def get(self, snippet_id: str) -> Snippet:
        """The snippet with that id.

        Raises:
            NotFoundError: there is none.
        """
        rows = self._db.query("SELECT * FROM snippets WHERE id = ?", (snippet_id,))
        if not rows:
            raise NotFoundError(f"No snippet {snippet_id!r}. See `outpost snippets list`.")
        return _snippet(rows[0])

    def save(self, snippet: Snippet, *, now: datetime) -> None:
        """Add or replace a snippet."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO snippets (id, name, trigger, text, variants, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, trigger = excluded.trigger, "
                "text = excluded.text, variants = excluded.variants, updated_at = excluded.updated_at",
                (
                    snippet.id,
                    snippet.name,
                    snippet.trigger,
                    snippet.text,
                    encode_json(snippet.variants),
                    encode_time(now),
                ),
            )

    def delete(self, snippet_id: str) -> bool:
        """Forget a snippet; whether there was one."""
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM snippets WHERE id = ?", (snippet_id,))
        return cursor.rowcount == 1


def _snippet(row: Row) -> Snippet:
    return Snippet(
        id=row["id"],
        name=row["name"],
        trigger=row["trigger"],
        text=row["text"],
        variants=decode_json(row["variants"]),
    )
