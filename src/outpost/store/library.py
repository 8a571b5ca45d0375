"""The media library's table: one row per file content, and which posts carry it."""

from __future__ import annotations

from datetime import datetime

from outpost.domain.library import LibraryItem
from outpost.domain.models import MediaAsset
from outpost.store._codec import decode_json, decode_time, encode_json, encode_time
from outpost.store.db import Database, Row


class LibraryRepository:
    """Reads and writes `LibraryItem`s."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def remember(self, asset: MediaAsset, *, kept_path: str, name: str, now: datetime) -> None:
        """Add the file (or, if it is known, note its latest alt text and use)."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO library (sha256, path, name, mime_type, kind, size, width, height, duration_s, "
                "alt_text, added_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO UPDATE SET last_used_at = excluded.last_used_at, "
                "alt_text = CASE WHEN excluded.alt_text != '' "
                "THEN excluded.alt_text ELSE library.alt_text END",
                (
                    asset.sha256,
                    kept_path,
                    name,
                    asset.mime_type,
                    asset.kind,
                    asset.size,
                    asset.width,
                    asset.height,
                    asset.duration_s,
                    asset.alt_text,
                    encode_time(now),
                    encode_time(now),
                ),
            )

    def add(self, item: LibraryItem) -> None:
        """Add a file that no post carries yet (downloaded from a URL); keeps an existing row."""
        with self._db.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO library (sha256, path, name, mime_type, kind, size, width, height, "
                "duration_s, alt_text, tags, source_url, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.sha256,
                    item.path,
                    item.name,
                    item.mime_type,
                    item.kind,
                    item.size,
                    item.width,
                    item.height,
                    item.duration_s,
                    item.alt_text,
                    encode_json(list(item.tags)),
                    item.source_url,
                    encode_time(item.added_at),
                ),
            )

    def known(self, sha256: str) -> bool:
        """Whether the library has this content."""
        return bool(self._db.query("SELECT 1 FROM library WHERE sha256 = ?", (sha256,)))

    def get(self, sha256: str) -> LibraryItem | None:
        """One item with the posts that carry it."""
        rows = self._db.query("SELECT * FROM library WHERE sha256 = ?", (sha256,))
        return self._item(rows[0]) if rows else None

    def all(self) -> list[LibraryItem]:
        """Every item, most recently used first."""
        rows = self._db.query("SELECT * FROM library ORDER BY coalesce(last_used_at, added_at) DESC")
        return [self._item(r) for r in rows]

    def set_tags(self, sha256: str, tags: tuple[str, ...]) -> None:
        """Replace the item's tags."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE library SET tags = ? WHERE sha256 = ?", (encode_json(list(tags)), sha256)
            )

    def forget(self, sha256: str) -> None:
        """Remove the item (its copy is the caller's to delete)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM library WHERE sha256 = ?", (sha256,))

    def _item(self, row: Row) -> LibraryItem:
        users = self._db.query(
            "SELECT DISTINCT m.post_id AS id FROM media m JOIN posts p ON p.id = m.post_id "
            "WHERE m.sha256 = ? ORDER BY p.updated_at DESC",
            (row["sha256"],),
        )
        return LibraryItem(
            sha256=row["sha256"],
            path=row["path"],
            name=row["name"],
            mime_type=row["mime_type"],
            kind=row["kind"],
            size=row["size"],
            width=row["width"],
            height=row["height"],
            duration_s=row["duration_s"],
            alt_text=row["alt_text"],
            tags=tuple(decode_json(row["tags"]) or ()),
            source_url=row["source_url"],
            added_at=decode_time(row["added_at"]),
            last_used_at=decode_time(row["last_used_at"]),
            used_by=tuple(u["id"] for u in users),
        )
