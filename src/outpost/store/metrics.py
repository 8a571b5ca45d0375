"""Metric readings, follower counts and imported posts: the store's side of the statistics (#21).

Readings are kept as a time series, one row per (account, network post, moment read). The newest
row of each published item carries `latest = 1`, and a partial index over those rows by
publication time makes a summary of two years a range scan of one row per item (docs/benchmarks.md).
A metric the network does not report is NULL, never 0; SQL's SUM skips NULLs and gives NULL when
all are, which is exactly "not reported".

Items are what Outpost reads: an Outpost target's post (its first part: the thread's replies are
the creator's own continuation), or a post the account made elsewhere and Outpost imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from outpost.domain.analytics import age_slot
from outpost.domain.enums import Network
from outpost.domain.metrics import METRIC_NAMES, MetricReading, RemotePost
from outpost.store._codec import decode_json, decode_time, encode_time
from outpost.store.db import Database, Row

_METRICS = ", ".join(METRIC_NAMES)
#: The engagement rate of a row, as `domain.analytics.engagement_rate` computes it.
RATE_SQL = (
    "CASE WHEN engagements IS NULL THEN NULL "
    "WHEN impressions > 0 THEN 1.0 * engagements / impressions "
    "WHEN followers_at_post > 0 THEN 1.0 * engagements / followers_at_post END"
)
IMPORTED_PREFIX = "imported:"


def item_key(post_id: str | None, account_id: str, platform_post_id: str) -> str:
    """The id a post goes by in statistics: Outpost's post id, or `imported:ACCOUNT:NETWORK_ID`."""
    return post_id or f"{IMPORTED_PREFIX}{account_id}:{platform_post_id}"


@dataclass(frozen=True)
class TrackedItem:
    """A published item whose numbers Outpost reads, and the latest scheduled read done."""

    account_id: str
    network: Network
    platform_post_id: str
    published_at: datetime
    post_id: str | None
    target_id: str | None
    done_slot: int | None
    permalink: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """One stored reading of one item."""

    account_id: str
    network: Network
    platform_post_id: str
    post_id: str | None
    published_at: datetime
    age_slot: int | None
    followers_at_post: int | None
    reading: MetricReading

    @property
    def item(self) -> str:
        """The statistics id of the post this reading belongs to."""
        return item_key(self.post_id, self.account_id, self.platform_post_id)


@dataclass(frozen=True)
class Scope:
    """Which items a query covers: a period of publication, and optionally one account or network."""

    start: datetime
    end: datetime  # excluded
    account_id: str | None = None
    network: Network | None = None

    def where(self, time_column: str) -> tuple[str, list[object]]:
        """The SQL condition and its parameters."""
        sql = f"{time_column} >= ? AND {time_column} < ?"
        params: list[object] = [encode_time(self.start), encode_time(self.end)]
        if self.account_id is not None:
            sql += " AND account_id = ?"
            params.append(self.account_id)
        if self.network is not None:
            sql += " AND network = ?"
            params.append(self.network.value)
        return sql, params


class MetricsRepository:
    """Reads and writes the statistics tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- what to read ------------------------------------------------------------------------------

    def tracked(self, since: datetime, account_ids: Sequence[str] | None = None) -> list[TrackedItem]:
        """Items published since `since` (Outpost's targets and imported posts), with their latest slot."""
        rows = self._db.query(
            "SELECT id, post_id, account_id, network, parts, published_at FROM targets "
            "WHERE status = 'published' AND published_at >= ?",
            (encode_time(since),),
        )
        items: list[TrackedItem] = []
        wanted = None if account_ids is None else set(account_ids)
        for row in rows:
            if wanted is not None and row["account_id"] not in wanted:
                continue
            parts = decode_json(row["parts"]) or []
            if not parts or not row["published_at"]:
                continue
            items.append(
                self._tracked(
                    row["account_id"],
                    row["network"],
                    str(parts[0]["platform_post_id"]),
                    row["published_at"],
                    row["post_id"],
                    row["id"],
                    parts[0].get("permalink"),
                )
            )
        for row in self._db.query(
            "SELECT account_id, network, platform_post_id, created_at, permalink FROM remote_posts "
            "WHERE created_at >= ?",
            (encode_time(since),),
        ):
            if wanted is None or row["account_id"] in wanted:
                items.append(
                    self._tracked(
                        row["account_id"],
                        row["network"],
                        row["platform_post_id"],
                        row["created_at"],
                        None,
                        None,
                        row["permalink"],
                    )
                )
        return items

    def _tracked(
        self,
        account_id: str,
        network: str,
        platform_post_id: str,
        published_at: str,
        post_id: str | None,
        target_id: str | None,
        permalink: str | None,
    ) -> TrackedItem:
        done = self._db.query(
            "SELECT max(age_slot) FROM metric_snapshots WHERE account_id = ? AND platform_post_id = ?",
            (account_id, platform_post_id),
        )[0][0]
        published = decode_time(published_at)
        assert published is not None
        return TrackedItem(
            account_id, Network(network), platform_post_id, published, post_id, target_id, done, permalink
        )

    def outpost_post_ids(self, account_id: str) -> set[str]:
        """The network ids of every part Outpost published on the account (not to import again)."""
        found: set[str] = set()
        for row in self._db.query(
            "SELECT parts FROM targets WHERE account_id = ? AND status = 'published'", (account_id,)
        ):
            found.update(str(p["platform_post_id"]) for p in decode_json(row["parts"]) or [])
        return found

    # -- writing -----------------------------------------------------------------------------------

    def record(self, item: TrackedItem, reading: MetricReading, followers_at_post: int | None) -> int | None:
        """Keep one reading of `item` as its newest; the age slot it stands for (None under 1 h)."""
        slot = age_slot(item.published_at, reading.read_at)
        values = [getattr(reading, name) for name in METRIC_NAMES]
        with self._db.transaction():
            self._db.execute(
                "UPDATE metric_snapshots SET latest = 0 WHERE account_id = ? AND platform_post_id = ? "
                "AND latest = 1",
                (item.account_id, item.platform_post_id),
            )
            self._db.execute(
                f"INSERT INTO metric_snapshots (account_id, network, platform_post_id, post_id, target_id, "
                f"published_at, read_at, age_slot, latest, {_METRICS}, engagements, followers_at_post) "
                f"VALUES ({', '.join('?' * 20)}) "
                "ON CONFLICT (account_id, platform_post_id, read_at) DO UPDATE SET latest = 1",
                (
                    item.account_id,
                    item.network.value,
                    item.platform_post_id,
                    item.post_id,
                    item.target_id,
                    encode_time(item.published_at),
                    encode_time(reading.read_at),
                    slot,
                    1,
                    *values,
                    reading.engagements,
                    followers_at_post,
                ),
            )
        return slot

    def import_posts(
        self, account_id: str, network: Network, posts: Sequence[RemotePost], now: datetime
    ) -> int:
        """Keep the account's own posts made elsewhere; how many were new."""
        before = self._db.query("SELECT count(*) FROM remote_posts WHERE account_id = ?", (account_id,))[0][0]
        with self._db.transaction():
            self._db.executemany(
                "INSERT INTO remote_posts (account_id, network, platform_post_id, created_at, text, "
                "permalink, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account_id, platform_post_id) DO UPDATE SET text = excluded.text, "
                "permalink = excluded.permalink",
                [
                    (
                        account_id,
                        network.value,
                        p.platform_post_id,
                        encode_time(p.created_at),
                        p.text,
                        p.permalink,
                        encode_time(now),
                    )
                    for p in posts
                ],
            )
        after = self._db.query("SELECT count(*) FROM remote_posts WHERE account_id = ?", (account_id,))[0][0]
        return int(after - before)

    def record_followers(self, account_id: str, count: int, now: datetime) -> None:
        """Today's follower count of the account (UTC day; a second read the same day replaces it)."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO follower_counts (account_id, day, followers, read_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (account_id, day) DO UPDATE SET followers = excluded.followers, "
                "read_at = excluded.read_at",
                (account_id, now.date().isoformat(), count, encode_time(now)),
            )

    def followers_read_on(self, account_id: str, day: date) -> bool:
        """Whether the account's followers were counted that (UTC) day."""
        rows = self._db.query(
            "SELECT 1 FROM follower_counts WHERE account_id = ? AND day = ?", (account_id, day.isoformat())
        )
        return bool(rows)

    def follower_history(self, account_id: str) -> list[tuple[datetime, int]]:
        """Every follower count recorded for the account, oldest first."""
        rows = self._db.query(
            "SELECT read_at, followers FROM follower_counts WHERE account_id = ? ORDER BY day", (account_id,)
        )
        return [(_time(r["read_at"]), int(r["followers"])) for r in rows]

    def spike_noticed(self, account_id: str, platform_post_id: str, now: datetime) -> bool:
        """Note a spike of this item; False if it had been noted already (announce each post once)."""
        with self._db.transaction():
            cursor = self._db.execute(
                "INSERT INTO engagement_spikes (account_id, platform_post_id, noticed_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (account_id, platform_post_id, encode_time(now)),
            )
        return cursor.rowcount == 1

    # -- reading -----------------------------------------------------------------------------------

    def history_at(self, account_id: str, slot: int, before: datetime, limit: int = 50) -> list[int]:
        """Engagements of the account's earlier items at the age `slot` (the newest `limit` of them)."""
        rows = self._db.query(
            "SELECT max(engagements) FROM metric_snapshots WHERE account_id = ? AND age_slot = ? "
            "AND published_at < ? AND engagements IS NOT NULL GROUP BY platform_post_id "
            "ORDER BY max(published_at) DESC LIMIT ?",
            (account_id, slot, encode_time(before), limit),
        )
        return [int(r[0]) for r in rows]

    def snapshots_of(self, post_id: str) -> list[Snapshot]:
        """Every reading of an Outpost post (all its targets), or of an imported post (`imported:…`)."""
        if post_id.startswith(IMPORTED_PREFIX):
            account_id, _, platform_id = post_id.removeprefix(IMPORTED_PREFIX).partition(":")
            rows = self._db.query(
                "SELECT * FROM metric_snapshots WHERE account_id = ? AND platform_post_id = ? "
                "ORDER BY read_at",
                (account_id, platform_id),
            )
        else:
            rows = self._db.query(
                "SELECT * FROM metric_snapshots WHERE post_id = ? ORDER BY read_at", (post_id,)
            )
        return [_snapshot(r) for r in rows]

    def imported_exists(self, post_id: str) -> bool:
        """Whether `imported:ACCOUNT:ID` names a post Outpost imported."""
        account_id, _, platform_id = post_id.removeprefix(IMPORTED_PREFIX).partition(":")
        return bool(
            self._db.query(
                "SELECT 1 FROM remote_posts WHERE account_id = ? AND platform_post_id = ?",
                (account_id, platform_id),
            )
        )

    def by_account(self, scope: Scope) -> list[Row]:
        """Per account: sums of the latest readings of the items published in `scope`, and their mean rate."""
        where, params = scope.where("published_at")
        sums = ", ".join(f"sum({name}) AS {name}" for name in METRIC_NAMES)
        return self._db.query(
            f"SELECT account_id, network, count(*) AS items, {sums}, sum(engagements) AS engagements, "
            f"avg({RATE_SQL}) AS rate, count({RATE_SQL}) AS rated "
            f"FROM metric_snapshots WHERE latest = 1 AND {where} GROUP BY account_id, network",
            params,
        )

    def published_counts(self, scope: Scope) -> tuple[int, dict[str, int]]:
        """Posts published in `scope`: how many in all (a post on 3 networks is one), and per account."""
        where, params = scope.where("published_at")
        per_account: dict[str, int] = {}
        for row in self._db.query(
            f"SELECT account_id, count(*) FROM targets WHERE status = 'published' AND {where} "
            "GROUP BY account_id",
            params,
        ):
            per_account[row[0]] = int(row[1])
        outpost_posts = self._db.query(
            f"SELECT count(DISTINCT post_id) FROM targets WHERE status = 'published' AND {where}", params
        )[0][0]
        where, params = scope.where("created_at")
        imported = 0
        for row in self._db.query(
            f"SELECT account_id, count(*) FROM remote_posts WHERE {where} GROUP BY account_id", params
        ):
            per_account[row[0]] = per_account.get(row[0], 0) + int(row[1])
            imported += int(row[1])
        return int(outpost_posts) + imported, per_account

    def top_items(self, scope: Scope, limit: int) -> list[Row]:
        """The items published in `scope` with the most engagements (all networks of a post together)."""
        where, params = scope.where("published_at")
        return self._db.query(
            "SELECT coalesce(post_id, ? || account_id || ':' || platform_post_id) AS item, "
            "sum(impressions) AS impressions, sum(engagements) AS engagements "
            f"FROM metric_snapshots WHERE latest = 1 AND {where} AND engagements IS NOT NULL "
            "GROUP BY item ORDER BY sum(engagements) DESC, item LIMIT ?",
            [IMPORTED_PREFIX, *params, limit],
        )

    def titles(self, items: Sequence[str]) -> dict[str, str]:
        """The text of each item (Outpost post ids and `imported:…` ids)."""
        found: dict[str, str] = {}
        for item in items:
            if item.startswith(IMPORTED_PREFIX):
                account_id, _, platform_id = item.removeprefix(IMPORTED_PREFIX).partition(":")
                rows = self._db.query(
                    "SELECT text FROM remote_posts WHERE account_id = ? AND platform_post_id = ?",
                    (account_id, platform_id),
                )
            else:
                rows = self._db.query("SELECT text FROM posts WHERE id = ?", (item,))
            if rows:
                found[item] = str(rows[0][0])
        return found

    def follower_change(self, scope: Scope, first_day: date, last_day: date) -> dict[str, int]:
        """Followers gained per account across the counts recorded from `first_day` to `last_day` (included).

        Only accounts with a count in those days appear (one count: gained 0).
        """
        params: list[object] = [first_day.isoformat(), last_day.isoformat()]
        sql = "SELECT account_id, followers FROM follower_counts WHERE day >= ? AND day <= ?"
        if scope.account_id is not None:
            sql += " AND account_id = ?"
            params.append(scope.account_id)
        elif scope.network is not None:
            sql += " AND account_id IN (SELECT id FROM accounts WHERE network = ?)"
            params.append(scope.network.value)
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for row in self._db.query(sql + " ORDER BY day", params):
            first.setdefault(row[0], int(row[1]))
            last[row[0]] = int(row[1])
        return {account: last[account] - first[account] for account in first}

    def rated(self, account_id: str | None, network: Network | None, settled_slot: int) -> list[Row]:
        """The latest reading's rate of every settled item (at least `settled_slot` old)."""
        sql = (
            f"SELECT account_id, published_at, {RATE_SQL} AS rate FROM metric_snapshots "
            "WHERE latest = 1 AND age_slot >= ?"
        )
        params: list[object] = [settled_slot]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        if network is not None:
            sql += " AND network = ?"
            params.append(network.value)
        return [r for r in self._db.query(sql, params) if r["rate"] is not None]

    def export_rows(self, scope: Scope) -> list[Row]:
        """Every reading of the items published in `scope`, oldest item first (for CSV)."""
        where, params = scope.where("published_at")
        return self._db.query(
            f"SELECT *, {RATE_SQL} AS engagement_rate FROM metric_snapshots WHERE {where} "
            "ORDER BY published_at, account_id, platform_post_id, read_at",
            params,
        )


def _time(value: str) -> datetime:
    decoded = decode_time(value)
    assert decoded is not None
    return decoded


def _snapshot(row: Row) -> Snapshot:
    reading = MetricReading.model_construct(
        platform_post_id=row["platform_post_id"],
        read_at=_time(row["read_at"]),
        **{name: row[name] for name in METRIC_NAMES},
    )
    return Snapshot(
        account_id=row["account_id"],
        network=Network(row["network"]),
        platform_post_id=row["platform_post_id"],
        post_id=row["post_id"],
        published_at=_time(row["published_at"]),
        age_slot=row["age_slot"],
        followers_at_post=row["followers_at_post"],
        reading=reading,
    )
