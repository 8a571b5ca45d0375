"""Campaigns in the store (issue #24): names, colours, dates; posts point at them by id."""

from __future__ import annotations

import sqlite3
from datetime import date

from outpost.domain.campaigns import Campaign
from outpost.domain.errors import InvalidStateError, NotFoundError
from outpost.store._codec import decode_time, encode_time
from outpost.store.db import Database, Row


class CampaignRepository:
    """Reads and writes `Campaign`s."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, campaign: Campaign) -> None:
        """Add a campaign, or replace the one with its id.

        Raises:
            InvalidStateError: another campaign has that name already (names ignore case).
        """
        try:
            with self._db.transaction():
                self._db.execute(
                    "INSERT INTO campaigns (id, name, colour, starts_on, ends_on, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                    "colour = excluded.colour, starts_on = excluded.starts_on, ends_on = excluded.ends_on",
                    (
                        campaign.id,
                        campaign.name,
                        campaign.colour,
                        _day(campaign.starts_on),
                        _day(campaign.ends_on),
                        encode_time(campaign.created_at),
                    ),
                )
        except sqlite3.IntegrityError:
            raise InvalidStateError(
                f"There is a campaign called {campaign.name!r} already; choose another name "
                "(`outpost campaigns list` shows them)."
            ) from None

    def all(self) -> list[Campaign]:
        """Every campaign, by name."""
        return [_campaign(r) for r in self._db.query("SELECT * FROM campaigns ORDER BY name COLLATE NOCASE")]

    def find(self, ref: str) -> Campaign:
        """The campaign with that id or name (without case).

        Raises:
            NotFoundError: there is none.
        """
        rows = self._db.query("SELECT * FROM campaigns WHERE id = ? OR name = ? COLLATE NOCASE", (ref, ref))
        if not rows:
            names = (
                ", ".join(c.name for c in self.all()) or "none yet; add one with `outpost campaigns add NAME`"
            )
            raise NotFoundError(f"No campaign {ref!r} (campaigns: {names}).")
        return _campaign(rows[0])

    def delete(self, campaign_id: str) -> int:
        """Remove a campaign; its posts stay, without a campaign. Returns how many posts it had."""
        with self._db.transaction():
            count = self._db.query("SELECT count(*) AS n FROM posts WHERE campaign_id = ?", (campaign_id,))
            self._db.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))
        return int(count[0]["n"])

    def post_counts(self) -> dict[str, int]:
        """How many posts each campaign has, by campaign id."""
        rows = self._db.query(
            "SELECT campaign_id, count(*) AS n FROM posts WHERE campaign_id IS NOT NULL GROUP BY campaign_id"
        )
        return {r["campaign_id"]: int(r["n"]) for r in rows}

    def tags(self) -> list[str]:
        """Every tag some post has, each once (first spelling), by name."""
        rows = self._db.query(
            "SELECT min(value) AS tag FROM posts, json_each(posts.tags) "
            "GROUP BY lower(value) ORDER BY lower(value)"
        )
        return [r["tag"] for r in rows]


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _campaign(row: Row) -> Campaign:
    created = decode_time(row["created_at"])
    assert created is not None
    return Campaign(
        id=row["id"],
        name=row["name"],
        colour=row["colour"],
        starts_on=None if row["starts_on"] is None else date.fromisoformat(row["starts_on"]),
        ends_on=None if row["ends_on"] is None else date.fromisoformat(row["ends_on"]),
        created_at=created,
    )
