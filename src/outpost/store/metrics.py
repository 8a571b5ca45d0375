"""Metric readings, follower counts and imported posts: the store's side of the statistics (#21).

Readings are kept as a time series (`metric_snapshots`, one row per item and moment read). Each
item's newest numbers are also kept in `metric_items` (one narrow row per item, clustered by
account and publication time) and each post's sums across its networks in `metric_posts`, so a
summary of two years reads one row per item instead of every reading (docs/benchmarks.md).
A metric the network does not report is NULL, never 0; SQL's SUM skips NULLs and gives NULL when
all are, which is exactly "not reported".

Items are what Outpost reads: an Outpost target's post (its first part: the thread's replies are
the creator's own continuation), or a post the account made elsewhere and Outpost imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from outpost.domain.analytics import age_slot, engagement_rate
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

    @property
    def key(self) -> str:
        """The statistics id of the post it belongs to."""
        return item_key(self.post_id, self.account_id, self.platform_post_id)


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
    tag: str | None = None  # only Outpost posts carrying this tag (issue #24)
    campaign: str | None = None  # only Outpost posts of this campaign (by name, any case)

    @property
    def by_post(self) -> bool:
        """Whether the scope picks posts by what they carry (then the per-day sums cannot answer)."""
        return self.tag is not None or self.campaign is not None

    def where(self, time_column: str) -> tuple[str, list[object]]:
        """The SQL condition and its parameters."""
        conditions, scoped = _scope(self.account_id, self.network)
        sql = " AND ".join([f"{time_column} >= ? AND {time_column} < ?", *conditions])
        params: list[object] = [encode_time(self.start), encode_time(self.end), *scoped]
        if self.tag is not None:
            sql += (
                " AND item IN (SELECT p.id FROM posts p, json_each(p.tags) t WHERE lower(t.value) = lower(?))"
            )
            params.append(self.tag)
        if self.campaign is not None:
            sql += (
                " AND item IN (SELECT p.id FROM posts p JOIN campaigns c ON c.id = p.campaign_id "
                "WHERE c.name = ? COLLATE NOCASE)"
            )
            params.append(self.campaign)
        return sql, params


@dataclass
class AccountTotals:
    """One account's items in a period: how many, each metric's sum (None: none reported), mean rate."""

    account_id: str
    network: str
    items: int = 0
    sums: dict[str, int | None] = field(default_factory=dict)
    rate_sum: float = 0.0
    rated: int = 0

    @property
    def rate(self) -> float | None:
        """The mean engagement rate of the items that have one."""
        return self.rate_sum / self.rated if self.rated else None


_SUMMED = (*METRIC_NAMES, "engagements")
_DAY_COLUMNS = ("items", *(f"{n}_{part}" for n in (*_SUMMED, "rate") for part in ("sum", "n")))


def _add_row(totals: dict[str, AccountTotals], row: Row) -> None:
    """Add one `metric_days` row."""
    entry = totals.setdefault(row["account_id"], AccountTotals(row["account_id"], row["network"]))
    entry.items += int(row["items"])
    for name in _SUMMED:
        if row[f"{name}_n"]:
            entry.sums[name] = (entry.sums.get(name) or 0) + int(row[f"{name}_sum"])
    entry.rate_sum += float(row["rate_sum"])
    entry.rated += int(row["rate_n"])


def _add_item(totals: dict[str, AccountTotals], row: Row) -> None:
    """Add one `metric_items` row."""
    entry = totals.setdefault(row["account_id"], AccountTotals(row["account_id"], row["network"]))
    entry.items += 1
    for name in _SUMMED:
        if row[name] is not None:
            entry.sums[name] = (entry.sums.get(name) or 0) + int(row[name])
    if row["rate"] is not None:
        entry.rate_sum += float(row["rate"])
        entry.rated += 1


def _day(when: datetime) -> str:
    return when.astimezone(UTC).date().isoformat()


def _midnight(when: datetime) -> datetime:
    utc = when.astimezone(UTC)
    return datetime.combine(utc.date(), time(), UTC)


def _next_midnight(when: datetime) -> datetime:
    floor = _midnight(when)
    return floor if floor == when else floor + timedelta(days=1)


class MetricsRepository:
    """Reads and writes the statistics tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- what to read ------------------------------------------------------------------------------

    def tracked(self, since: datetime, account_ids: Sequence[str] | None = None) -> list[TrackedItem]:
        """Items published since `since` (Outpost's targets and imported posts), with their latest slot.

        Registers each in `metric_items` on first sight (numbers unknown), so a post counts in
        summaries from the moment it is out, before its first read.
        """
        wanted = None if account_ids is None else set(account_ids)
        items: list[TrackedItem] = []
        for row in self._db.query(
            "SELECT id, post_id, account_id, network, parts, published_at FROM targets "
            "WHERE status = 'published' AND published_at >= ?",
            (encode_time(since),),
        ):
            parts = decode_json(row["parts"]) or []
            if (wanted is not None and row["account_id"] not in wanted) or not parts:
                continue
            items.append(
                TrackedItem(
                    row["account_id"],
                    Network(row["network"]),
                    str(parts[0]["platform_post_id"]),
                    _time(row["published_at"]),
                    row["post_id"],
                    row["id"],
                    None,
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
                    TrackedItem(
                        row["account_id"],
                        Network(row["network"]),
                        row["platform_post_id"],
                        _time(row["created_at"]),
                        None,
                        None,
                        None,
                        row["permalink"],
                    )
                )
        slots = {
            (r[0], r[1]): r[2]
            for r in self._db.query(
                "SELECT account_id, platform_post_id, age_slot FROM metric_items WHERE published_at >= ?",
                (encode_time(since),),
            )
        }
        self.register(
            [i for i in items if (i.account_id, i.platform_post_id) not in slots]
        )  # no write if none
        return [replace(i, done_slot=slots.get((i.account_id, i.platform_post_id))) for i in items]

    def register(self, items: Sequence[TrackedItem]) -> None:
        """Make sure each item has its row (numbers unknown until read); known ones are left alone."""
        if not items:
            return
        with self._db.transaction():
            for i in items:
                published = encode_time(i.published_at)
                added = self._db.execute(
                    "INSERT INTO metric_items (account_id, published_at, platform_post_id, network, item) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (i.account_id, published, i.platform_post_id, i.network.value, i.key),
                ).rowcount
                if added:
                    self._db.execute(
                        "INSERT INTO metric_posts (item, published_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        (i.key, published),
                    )
                    self._add_to_day(i, {"items": 1})

    def _add_to_day(self, item: TrackedItem, deltas: dict[str, float]) -> None:
        """Add `deltas` to the item's account's row of its UTC publication day."""
        names = ", ".join(deltas)
        updates = ", ".join(f"{name} = {name} + excluded.{name}" for name in deltas)
        self._db.execute(
            f"INSERT INTO metric_days (account_id, day, network, {names}) "
            f"VALUES (?, ?, ?, {', '.join('?' * len(deltas))}) "
            f"ON CONFLICT (account_id, day) DO UPDATE SET {updates}",
            (item.account_id, _day(item.published_at), item.network.value, *deltas.values()),
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
        """Keep one reading of `item` (its newest if it is); the age slot it stands for (None under 1 h)."""
        slot = age_slot(item.published_at, reading.read_at)
        values = [getattr(reading, name) for name in METRIC_NAMES]
        engagements = reading.engagements
        rate = engagement_rate(engagements, reading.impressions, followers_at_post)
        with self._db.transaction():
            self._db.execute(
                f"INSERT INTO metric_snapshots (account_id, network, platform_post_id, post_id, target_id, "
                f"published_at, read_at, age_slot, {_METRICS}, engagements, followers_at_post) "
                f"VALUES ({', '.join('?' * 19)}) "
                "ON CONFLICT (account_id, platform_post_id, read_at) DO NOTHING",
                (
                    item.account_id,
                    item.network.value,
                    item.platform_post_id,
                    item.post_id,
                    item.target_id,
                    encode_time(item.published_at),
                    encode_time(reading.read_at),
                    slot,
                    *values,
                    engagements,
                    followers_at_post,
                ),
            )
            self.register([item])
            old = self._db.query(
                f"SELECT read_at, {_METRICS}, engagements, rate FROM metric_items "
                "WHERE account_id = ? AND platform_post_id = ?",
                (item.account_id, item.platform_post_id),
            )[0]
            if old["read_at"] is not None and old["read_at"] > encode_time(reading.read_at):
                return slot  # an older reading arriving late: kept in the series only
            new = dict(zip((*METRIC_NAMES, "engagements", "rate"), (*values, engagements, rate), strict=True))
            deltas: dict[str, float] = {}
            for name, value in new.items():
                before = old[name]
                deltas[f"{name}_sum"] = (value or 0) - (before or 0)
                deltas[f"{name}_n"] = (value is not None) - (before is not None)
            self._add_to_day(item, deltas)
            assignments = ", ".join(f"{name} = ?" for name in METRIC_NAMES)
            self._db.execute(
                f"UPDATE metric_items SET read_at = ?, age_slot = ?, {assignments}, engagements = ?, "
                "rate = ? "
                "WHERE account_id = ? AND platform_post_id = ? AND (read_at IS NULL OR read_at <= ?)",
                (
                    encode_time(reading.read_at),
                    slot,
                    *values,
                    engagements,
                    rate,
                    item.account_id,
                    item.platform_post_id,
                    encode_time(reading.read_at),
                ),
            )
            self._db.execute(
                "UPDATE metric_posts SET "
                "impressions = (SELECT sum(impressions) FROM metric_items WHERE item = ?), "
                "engagements = (SELECT sum(engagements) FROM metric_items WHERE item = ?) WHERE item = ?",
                (item.key, item.key, item.key),
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
        self.register(
            [
                TrackedItem(account_id, network, p.platform_post_id, p.created_at, None, None, None)
                for p in posts
            ]
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

    def account_totals(self, scope: Scope) -> list[AccountTotals]:
        """Per account: how many items were published in `scope`, their newest numbers' sums, mean rate.

        Whole UTC days come from `metric_days`; the hours at either end (a period starts at
        midnight in the creator's zone) from `metric_items`.
        """
        totals: dict[str, AccountTotals] = {}
        first_full = _next_midnight(scope.start)
        last_full = _midnight(scope.end)
        if first_full < last_full and not scope.by_post:
            days = Scope(first_full, last_full, scope.account_id, scope.network)
            where, params = days.where("day")
            params = [_day(first_full), _day(last_full), *params[2:]]
            sums = ", ".join(f"sum({c}) AS {c}" for c in _DAY_COLUMNS)
            for row in self._db.query(
                f"SELECT account_id, min(network) AS network, {sums} FROM metric_days WHERE {where} "
                "GROUP BY account_id",
                params,
            ):
                _add_row(totals, row)
            edges = [(scope.start, first_full), (last_full, scope.end)]
        else:
            edges = [(scope.start, scope.end)]
        for start, end in edges:
            if start >= end:
                continue
            where, params = replace(scope, start=start, end=end).where("published_at")
            # A few hours of items: by time, not by a skip-scan of every account's key.
            index = "" if scope.account_id else "INDEXED BY metric_items_published "
            for row in self._db.query(
                f"SELECT account_id, network, {_METRICS}, engagements, rate FROM metric_items {index}"
                f"WHERE {where}",
                params,
            ):
                _add_item(totals, row)
        return sorted(totals.values(), key=lambda t: t.account_id)

    def post_count(self, scope: Scope) -> int | None:
        """Posts published in `scope` (a post on three networks is one); None with an account or network.

        With an account or a network the accounts' own counts are the answer (`account_totals`).
        """
        if scope.account_id is not None or scope.network is not None:
            return None
        where, params = scope.where("published_at")
        if scope.by_post:
            return int(
                self._db.query(f"SELECT count(DISTINCT item) FROM metric_items WHERE {where}", params)[0][0]
            )
        return int(self._db.query(f"SELECT count(*) FROM metric_posts WHERE {where}", params)[0][0])

    def top_items(self, scope: Scope, limit: int) -> list[Row]:
        """The posts published in `scope` with the most engagements (all their networks together)."""
        where, params = scope.where("published_at")
        if scope.account_id is None and scope.network is None and not scope.by_post:
            return self._db.query(
                "SELECT item, impressions, engagements FROM metric_posts "
                f"WHERE {where} AND engagements IS NOT NULL ORDER BY engagements DESC, item LIMIT ?",
                [*params, limit],
            )
        return self._db.query(
            "SELECT item, sum(impressions) AS impressions, sum(engagements) AS engagements "
            f"FROM metric_items WHERE {where} AND engagements IS NOT NULL "
            "GROUP BY item ORDER BY sum(engagements) DESC, item LIMIT ?",
            [*params, limit],
        )

    def rated(self, account_id: str | None, network: Network | None, settled_slot: int) -> list[Row]:
        """Account, publication time and rate of every settled item (read at least `settled_slot` old)."""
        conditions, params = _scope(account_id, network)
        where = " AND ".join(["age_slot >= ? AND rate IS NOT NULL", *conditions])
        return self._db.query(
            f"SELECT account_id, published_at, rate FROM metric_items WHERE {where}", [settled_slot, *params]
        )

    def hour_cells(
        self,
        account_id: str | None,
        network: Network | None,
        settled_slot: int,
        offsets: Sequence[tuple[datetime, datetime, int]],
    ) -> list[Row]:
        """Settled items' rates summed per account, local weekday (0 = sunday) and hour, in SQL.

        `offsets` are the creator's zone's UTC offsets by interval (`domain.analytics.offsets_between`):
        each time is shifted by its interval's minutes, so DST is exact and Python never sees
        the tens of thousands of items one by one.
        """
        shift = "CASE " + " ".join("WHEN published_at < ? THEN ? " for _ in offsets) + "ELSE '+0 minutes' END"
        shift_params: list[object] = []
        for _, end, minutes in offsets:
            shift_params += [encode_time(end), f"{minutes:+d} minutes"]
        where, params = self._rated_filter(account_id, network, settled_slot)
        sql = (
            f"SELECT account_id, strftime('%w %H', published_at, {shift}) AS slot, sum(rate) AS rate_sum, "
            f"count(*) AS posts FROM metric_items WHERE {where} GROUP BY account_id, slot"
        )
        return self._db.query(sql, [*shift_params, *params])

    def usual_rates(
        self, account_id: str | None, network: Network | None, settled_slot: int
    ) -> dict[str, tuple[float, int]]:
        """Each account's median settled rate and how many items it rests on.

        Read in the rate index's order (`metric_items_rate`) up to the middle, in SQLite: no
        item passes through Python (the window's thread shares Python's lock with this one).
        """
        where, params = self._rated_filter(account_id, network, settled_slot)
        counted = self._db.query(
            f"SELECT account_id, count(*) AS n FROM metric_items WHERE {where} GROUP BY account_id", params
        )
        found: dict[str, tuple[float, int]] = {}
        for row in counted:
            n = int(row["n"])
            middle = self._db.query(
                f"SELECT rate FROM metric_items WHERE {where} AND account_id = ? ORDER BY rate "
                "LIMIT ? OFFSET ?",
                [*params, row["account_id"], 2 - n % 2, (n - 1) // 2],
            )
            rates = [float(r["rate"]) for r in middle]
            found[str(row["account_id"])] = (sum(rates) / len(rates), n)
        return found

    def rates(self, account_id: str | None, network: Network | None, settled_slot: int) -> list[Row]:
        """Account and rate of every settled item (for each account's usual, its median)."""
        where, params = self._rated_filter(account_id, network, settled_slot)
        return self._db.query(f"SELECT account_id, rate FROM metric_items WHERE {where}", params)

    def _rated_filter(
        self, account_id: str | None, network: Network | None, settled_slot: int
    ) -> tuple[str, list[object]]:
        conditions, params = _scope(account_id, network)
        where = " AND ".join(["age_slot >= ? AND rate IS NOT NULL AND rate >= 0", *conditions])
        return where, [settled_slot, *params]

    def has_items(self, account_id: str | None, network: Network | None) -> bool:
        """Whether any published item's numbers were ever recorded (for this account or network)."""
        conditions, params = _scope(account_id, network)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return bool(self._db.query(f"SELECT 1 FROM metric_items{where} LIMIT 1", params))

    def rated_span(
        self, account_id: str | None, network: Network | None, settled_slot: int
    ) -> tuple[str, str] | None:
        """The first and last publication time of the settled items, if there are any."""
        where, params = self._rated_filter(account_id, network, settled_slot)
        row = self._db.query(
            f"SELECT min(published_at) AS a, max(published_at) AS b FROM metric_items WHERE {where}", params
        )[0]
        return None if row["a"] is None else (row["a"], row["b"])

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
        days = [first_day.isoformat(), last_day.isoformat()]
        within = "account_id = f.account_id AND day >= ? AND day <= ? ORDER BY day"
        sql = (
            f"SELECT f.account_id, (SELECT followers FROM follower_counts WHERE {within} LIMIT 1), "
            f"(SELECT followers FROM follower_counts WHERE {within} DESC LIMIT 1) "
            "FROM (SELECT DISTINCT account_id FROM follower_counts WHERE day >= ? AND day <= ?"
        )
        params: list[object] = [*days, *days, *days]
        if scope.account_id is not None:
            sql += " AND account_id = ?"
            params.append(scope.account_id)
        elif scope.network is not None:
            sql += " AND account_id IN (SELECT id FROM accounts WHERE network = ?)"
            params.append(scope.network.value)
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for row in self._db.query(sql + ") AS f", params):
            first[row[0]], last[row[0]] = int(row[1]), int(row[2])
        return {account: last[account] - first[account] for account in first}

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


def _scope(account_id: str | None, network: Network | None) -> tuple[list[str], list[object]]:
    """The conditions (and their parameters) keeping one account's or one network's items."""
    conditions: list[str] = []
    params: list[object] = []
    if account_id is not None:
        conditions.append("account_id = ?")
        params.append(account_id)
    if network is not None:
        conditions.append("network = ?")
        params.append(network.value)
    return conditions, params
