"""Posts in the store: content, media, targets and what happened to each target."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from outpost.domain.enums import ErrorCode, Network, PostStatus, TargetStatus
from outpost.domain.errors import NotFoundError
from outpost.domain.models import (
    FirstCommentResult,
    MediaAsset,
    Post,
    PublishedPart,
    Repeat,
    Target,
    TargetError,
    Verification,
)
from outpost.store._codec import decode_json, decode_time, encode_json, encode_time
from outpost.store.db import Database, Row

if TYPE_CHECKING:
    from outpost.domain.calendar import CalendarDays, CalendarEntry

_IN_CHUNK = 500  # well below SQLite's bound-parameter limit


class PostRepository:
    """Reads and writes `Post`s with their media and targets."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- whole posts -------------------------------------------------------------------------

    def insert(self, post: Post) -> None:
        """Save a new post with its media and targets, atomically."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO posts (id, status, text, thread, scheduled_at, timezone, created_at, "
                "updated_at, review_reason, first_comment, utm_links, title, tags, campaign_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _post_row(post),
            )
            self._insert_children(post)

    def save_content(self, post: Post, *, expected: PostStatus) -> bool:
        """Replace a post's content, media and targets (an edit), atomically.

        Returns:
            False, changing nothing, if the post is no longer in status `expected` (the
            scheduler took it meanwhile).
        """
        with self._db.transaction():
            cursor = self._db.execute(
                "UPDATE posts SET status = ?, text = ?, thread = ?, scheduled_at = ?, timezone = ?, "
                "created_at = ?, updated_at = ?, review_reason = ?, first_comment = ?, utm_links = ?, "
                "title = ?, tags = ?, campaign_id = ? "
                "WHERE id = ? AND status = ?",
                (*_post_row(post)[1:], post.id, expected.value),
            )
            if cursor.rowcount != 1:
                return False
            self._db.execute("DELETE FROM media WHERE post_id = ?", (post.id,))
            self._db.execute("DELETE FROM targets WHERE post_id = ?", (post.id,))
            self._insert_children(post)
        return True

    def _insert_children(self, post: Post) -> None:
        self._db.executemany(
            "INSERT INTO media (id, post_id, position, path, mime_type, size, width, height, duration_s, "
            "alt_text, kind, sha256, frame_rate, video_codec, focus_x, focus_y, part) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    m.id,
                    post.id,
                    i,
                    m.path,
                    m.mime_type,
                    m.size,
                    m.width,
                    m.height,
                    m.duration_s,
                    m.alt_text,
                    m.kind,
                    m.sha256,
                    m.frame_rate,
                    m.video_codec,
                    m.focus_x,
                    m.focus_y,
                    part,
                )
                for i, (part, m) in enumerate(
                    (part, m) for part, files in enumerate((post.media, *post.thread_media)) for m in files
                )
            ],
        )
        self._db.executemany(
            "INSERT INTO targets (id, post_id, position, account_id, network, text_override, "
            "thread_override, options, status, parts, sending_part, attempts, published_at, error, "
            "idempotency_key, claimed_by, scheduled, first_comment, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    t.id,
                    post.id,
                    i,
                    t.account_id,
                    t.network.value,
                    *_target_state(t),
                    encode_time(post.updated_at),
                )
                for i, t in enumerate(post.targets)
            ],
        )

    def get(self, post_id: str) -> Post:
        """The post with that id.

        Raises:
            NotFoundError: there is no such post.
        """
        rows = self._db.query("SELECT * FROM posts WHERE id = ?", (post_id,))
        if not rows:
            raise NotFoundError(f"No post {post_id!r}. See `outpost post list`.")
        return self._assemble(rows)[0]

    def all(
        self,
        *,
        statuses: Iterable[PostStatus] = (),
        limit: int | None = None,
        offset: int = 0,
        search: str = "",
        newest_first: bool = False,
        tag: str | None = None,
        campaign_id: str | None = None,
    ) -> list[Post]:
        """Posts, oldest first (or newest first), optionally filtered by status, text, tag, campaign.

        Newest first orders by the post's time (scheduled, else last change), as a queue shows it.
        The text search looks at the title, the text and the thread; a tag matches without case.
        """
        wanted = [s.value for s in statuses]
        clauses: list[str] = []
        params: list[object] = []
        if wanted:
            clauses.append(f"status IN ({','.join('?' * len(wanted))})")
            params += wanted
        if search:
            clauses.append(
                "(text LIKE ? ESCAPE '\\' OR thread LIKE ? ESCAPE '\\' "
                "OR coalesce(title, '') LIKE ? ESCAPE '\\')"
            )
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [pattern, pattern, pattern]
        if tag:
            clauses.append("EXISTS (SELECT 1 FROM json_each(posts.tags) WHERE lower(value) = lower(?))")
            params.append(tag.strip().lstrip("#"))
        if campaign_id:
            clauses.append("campaign_id = ?")
            params.append(campaign_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "coalesce(scheduled_at, updated_at) DESC, rowid DESC" if newest_first else "created_at, id"
        page = "LIMIT ? OFFSET ?" if limit is not None else ""
        params += [limit, offset] if limit is not None else []
        rows = self._db.query(f"SELECT * FROM posts {where} ORDER BY {order} {page}", params)
        return self._assemble(rows)

    def calendar(
        self, start: datetime, end: datetime, statuses: Iterable[PostStatus], zone: tzinfo, per_day: int
    ) -> CalendarDays:
        """A line per post whose time (scheduled, else last change) is in [start, end).

        At most `per_day` entries for each day in `zone`, in time order; the rest are only
        counted. Reads five columns through the (status, scheduled_at) index, never whole posts,
        so a day with thousands of posts costs little memory; the networks and first picture are
        read afterwards for the listed entries only.
        """
        from outpost.domain.calendar import ENTRY_TEXT, CalendarDays, CalendarEntry  # the window's

        wanted = [s.value for s in statuses]
        marks = ",".join("?" * len(wanted))
        line = (
            "SELECT id, status, substr(text, 1, ?) AS text, title, "
            "(SELECT colour FROM campaigns WHERE campaigns.id = posts.campaign_id) AS colour, "
            "coalesce(scheduled_at, "
            "(SELECT min(published_at) FROM targets WHERE targets.post_id = posts.id), updated_at) "
            "AS moment FROM posts"
        )
        rows = self._db.query(
            f"{line} WHERE status IN ({marks}) AND scheduled_at >= ? AND scheduled_at < ? "
            f"UNION ALL {line} WHERE status IN ({marks}) AND scheduled_at IS NULL "
            "AND updated_at >= ? AND updated_at < ? ORDER BY moment, id",
            [ENTRY_TEXT, *wanted, encode_time(start), encode_time(end)] * 2,
        )
        entries: list[CalendarEntry] = []
        shown: Counter[date] = Counter()
        more: Counter[date] = Counter()
        for r in rows:
            moment = decode_time(r["moment"])
            assert moment is not None  # coalesce ends in updated_at, which is NOT NULL
            day = moment.astimezone(zone).date()
            if shown[day] < per_day:
                shown[day] += 1
                entries.append(
                    CalendarEntry(
                        r["id"],
                        PostStatus(r["status"]),
                        moment,
                        r["text"],
                        title=r["title"],
                        colour=r["colour"],
                    )
                )
            else:
                more[day] += 1
        return CalendarDays(tuple(self._dress(entries)), dict(more))

    def _dress(self, entries: list[CalendarEntry]) -> Iterator[CalendarEntry]:
        """The entries with their networks and first picture (two reads per chunk of entries)."""
        networks: dict[str, list[Network]] = defaultdict(list)
        pictures: dict[str, MediaAsset] = {}
        ids = [e.post_id for e in entries]
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.query(
                f"SELECT post_id, network FROM targets WHERE post_id IN ({marks}) ORDER BY position", chunk
            ):
                if (network := Network(r["network"])) not in networks[r["post_id"]]:
                    networks[r["post_id"]].append(network)
            for r in self._db.query(
                f"SELECT * FROM media WHERE post_id IN ({marks}) AND position = "
                "(SELECT min(position) FROM media AS m WHERE m.post_id = media.post_id)",
                chunk,
            ):
                pictures[r["post_id"]] = _media(r)
        for entry in entries:
            yield replace(entry, networks=tuple(networks[entry.post_id]), picture=pictures.get(entry.post_id))

    def delete(self, post_id: str) -> None:
        """Forget a post (its media rows and targets go with it)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM posts WHERE id = ?", (post_id,))

    # -- status changes ----------------------------------------------------------------------

    def set_status(
        self,
        post_id: str,
        status: PostStatus,
        *,
        now: datetime,
        expected: Iterable[PostStatus] | None = None,
        review_reason: str | None = None,
        schedule: tuple[datetime | None, str | None] | None = None,
    ) -> bool:
        """Move a post to `status`; with `expected`, only if it is in one of those statuses now.

        Returns:
            Whether the post changed. The conditional form is how two Outpost processes agree
            on who publishes a post: only one of them sees True.
        """
        sets = ["status = ?", "updated_at = ?", "review_reason = ?"]
        params: list[object] = [status.value, encode_time(now), review_reason]
        if schedule is not None:
            sets += ["scheduled_at = ?", "timezone = ?"]
            params += [encode_time(schedule[0]), schedule[1]]
        where = "id = ?"
        params.append(post_id)
        if expected is not None:
            allowed = [s.value for s in expected]
            where += f" AND status IN ({','.join('?' * len(allowed))})"
            params += allowed
        with self._db.transaction():
            cursor = self._db.execute(f"UPDATE posts SET {', '.join(sets)} WHERE {where}", params)
        return cursor.rowcount == 1

    def save_target(self, post_id: str, target: Target, *, now: datetime) -> None:
        """Persist what happened to one target, the moment it is known."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE targets SET text_override = ?, thread_override = ?, options = ?, status = ?, "
                "parts = ?, sending_part = ?, attempts = ?, published_at = ?, error = ?, "
                "idempotency_key = ?, claimed_by = ?, scheduled = ?, first_comment = ?, updated_at = ? "
                "WHERE id = ? AND post_id = ?",
                (*_target_state(target), encode_time(now), target.id, post_id),
            )
            self._db.execute("UPDATE posts SET updated_at = ? WHERE id = ?", (encode_time(now), post_id))

    def claim_target(
        self, target_id: str, *, owner: str, now: datetime, expected: Iterable[TargetStatus]
    ) -> bool:
        """Mark a target `publishing` by `owner` if it is in an `expected` status; True if it was."""
        allowed = [s.value for s in expected]
        with self._db.transaction():
            cursor = self._db.execute(
                f"UPDATE targets SET status = 'publishing', claimed_by = ?, error = NULL, updated_at = ? "
                f"WHERE id = ? AND status IN ({','.join('?' * len(allowed))})",
                (owner, encode_time(now), target_id, *allowed),
            )
        return cursor.rowcount == 1

    # -- deleted on the networks (issue #24) ---------------------------------------------------

    def mark_target_deleted(
        self, post_id: str, target_id: str, at: datetime | None, *, now: datetime
    ) -> None:
        """Note that the target's published post was deleted from its network at `at` (None: it is back)."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE targets SET deleted_at = ?, updated_at = ? WHERE id = ? AND post_id = ?",
                (encode_time(at), encode_time(now), target_id, post_id),
            )
            self._db.execute("UPDATE posts SET updated_at = ? WHERE id = ?", (encode_time(now), post_id))

    def replace_published_content(self, post: Post) -> None:
        """Keep the text, thread and media of a post edited on the networks; its targets stay as they are."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE posts SET text = ?, thread = ?, updated_at = ? WHERE id = ?",
                (post.text, encode_json(list(post.thread)), encode_time(post.updated_at), post.id),
            )
            self._db.execute("DELETE FROM media WHERE post_id = ?", (post.id,))
            self._insert_children(post.model_copy(update={"targets": ()}))

    # -- scheduling queries ------------------------------------------------------------------

    def due_post_ids(self, now: datetime) -> list[str]:
        """Scheduled posts whose time has come, earliest first."""
        rows = self._db.query(
            "SELECT id FROM posts WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at, id",
            (encode_time(now),),
        )
        return [r["id"] for r in rows]

    def next_due_at(self) -> datetime | None:
        """When the earliest scheduled post is due, if any."""
        rows = self._db.query("SELECT min(scheduled_at) AS at FROM posts WHERE status = 'scheduled'")
        return decode_time(rows[0]["at"])

    def in_flight(self) -> list[tuple[str, Target]]:
        """Targets marked `publishing`, with their post ids (for crash recovery)."""
        rows = self._db.query("SELECT * FROM targets WHERE status = 'publishing' ORDER BY post_id, position")
        return [(r["post_id"], _target(r)) for r in rows]

    # -- read-back verification (issue #20) -----------------------------------------------------

    def set_verification(
        self, post_id: str, target_id: str, verification: Verification, *, verified_at: datetime | None
    ) -> None:
        """Record a read-back of one target; only these two columns change (publishing owns the rest).

        `verified_at` None keeps the time the network last showed the post.
        """
        with self._db.transaction():
            self._db.execute(
                "UPDATE targets SET verification = ?, verified_at = coalesce(?, verified_at) "
                "WHERE id = ? AND post_id = ?",
                (verification.model_dump_json(), encode_time(verified_at), target_id, post_id),
            )

    def to_verify(self, *, changed_before: datetime, since: datetime, limit: int) -> list[str]:
        """Posts with a target never read back, earliest first, at most `limit`.

        Such a target is `published` or `unknown`, and reached that state between `since` and
        `changed_before`.
        """
        rows = self._db.query(
            "SELECT post_id, min(coalesce(published_at, updated_at)) AS at FROM targets "
            "WHERE verification IS NULL AND ("
            "(status = 'published' AND published_at BETWEEN ? AND ?) "
            "OR (status = 'unknown' AND updated_at BETWEEN ? AND ?)) "
            "GROUP BY post_id ORDER BY at, post_id LIMIT ?",
            (*[encode_time(since), encode_time(changed_before)] * 2, limit),
        )
        return [r["post_id"] for r in rows]

    def next_to_verify_at(self, *, after: datetime) -> datetime | None:
        """When the earliest target not yet read back became `published` or `unknown`, after `after`."""
        rows = self._db.query(
            "SELECT min(coalesce(published_at, updated_at)) AS at FROM targets "
            "WHERE verification IS NULL AND status IN ('published', 'unknown') "
            "AND coalesce(published_at, updated_at) > ?",
            (encode_time(after),),
        )
        return decode_time(rows[0]["at"])

    def live_media_hashes(self) -> set[str]:
        """Content hashes of media on posts that may still be published (the cache keeps these)."""
        rows = self._db.query(
            "SELECT DISTINCT m.sha256 AS h FROM media m JOIN posts p ON p.id = m.post_id "
            "WHERE m.sha256 IS NOT NULL AND p.status NOT IN ('published', 'cancelled')"
        )
        return {r["h"] for r in rows}

    def count(self) -> int:
        """How many posts there are."""
        return int(self._db.query("SELECT count(*) AS n FROM posts")[0]["n"])

    # -- assembly ----------------------------------------------------------------------------

    def _assemble(self, rows: Sequence[Row]) -> list[Post]:
        ids = [r["id"] for r in rows]
        media: dict[str, list[tuple[int, MediaAsset]]] = defaultdict(list)
        targets: dict[str, list[Target]] = defaultdict(list)
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.query(
                f"SELECT * FROM media WHERE post_id IN ({marks}) ORDER BY position", chunk
            ):
                media[r["post_id"]].append((r["part"], _media(r)))
            for r in self._db.query(
                f"SELECT * FROM targets WHERE post_id IN ({marks}) ORDER BY position", chunk
            ):
                targets[r["post_id"]].append(_target(r))
        posts = [_post(r, media[r["id"]], targets[r["id"]]) for r in rows]
        return _daily_tools(self._db, rows, posts)


def _daily_tools(db: Database, rows: Sequence[Row], posts: list[Post]) -> list[Post]:
    """Issue #22: each post's series (`repeat`) and its evergreen mark, read beside the post."""
    series_ids = sorted({r["series_id"] for r in rows if r["series_id"]})
    series: dict[str, Repeat] = {}
    if series_ids:  # the series' module loads only where a post belongs to one (issue #26)
        from outpost.store.series import SeriesRepository

        series = SeriesRepository(db).repeats(series_ids)
    return [
        p.model_copy(update={"repeat": series.get(r["series_id"] or ""), "evergreen": bool(r["evergreen"])})
        if r["series_id"] or r["evergreen"]
        else p
        for r, p in zip(rows, posts, strict=True)
    ]


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def _post_row(post: Post) -> tuple[object, ...]:
    return (
        post.id,
        post.status.value,
        post.text,
        encode_json(list(post.thread)),
        encode_time(post.scheduled_at),
        post.timezone,
        encode_time(post.created_at),
        encode_time(post.updated_at),
        post.review_reason,
        post.first_comment,
        encode_json(list(post.utm_links)),
        post.title,
        encode_json(list(post.tags)),
        post.campaign_id,
    )


def _target_state(t: Target) -> tuple[object, ...]:
    return (
        t.text_override,
        None if t.thread_override is None else encode_json(list(t.thread_override)),
        encode_json(t.options),
        t.status.value,
        encode_json([p.model_dump() for p in t.parts]),
        t.sending_part,
        t.attempts,
        encode_time(t.published_at),
        None if t.error is None else t.error.model_dump_json(),
        t.idempotency_key,
        t.claimed_by,
        None if t.scheduled is None else t.scheduled.model_dump_json(),
        None if t.first_comment is None else t.first_comment.model_dump_json(),
    )


# Rows were validated when they were written by this code; reading them back uses
# `model_construct` (no second validation), which makes loading a week of posts ~3× faster.


def _post(row: Row, media: list[tuple[int, MediaAsset]], targets: list[Target]) -> Post:
    parts: list[list[MediaAsset]] = [[]]
    for part, asset in media:
        while len(parts) <= part:
            parts.append([])
        parts[part].append(asset)
    return Post.model_construct(
        id=row["id"],
        status=PostStatus(row["status"]),
        text=row["text"],
        thread=tuple(decode_json(row["thread"])),
        media=tuple(parts[0]),
        thread_media=tuple(tuple(p) for p in parts[1:]),
        title=row["title"],
        tags=tuple(decode_json(row["tags"])),
        campaign_id=row["campaign_id"],
        scheduled_at=decode_time(row["scheduled_at"]),
        timezone=row["timezone"],
        created_at=_required_time(row["created_at"]),
        updated_at=_required_time(row["updated_at"]),
        targets=tuple(targets),
        review_reason=row["review_reason"],
        first_comment=row["first_comment"],
        utm_links=tuple(decode_json(row["utm_links"])),
    )


def _error(raw: str) -> TargetError:
    data = decode_json(raw)
    return TargetError.model_construct(
        code=ErrorCode(data["code"]), message=data["message"], retry_at=_time(data.get("retry_at"))
    )


def _required_time(value: str) -> datetime:
    decoded = decode_time(value)
    assert decoded is not None
    return decoded


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _media(row: Row) -> MediaAsset:
    return MediaAsset.model_construct(
        id=row["id"],
        path=row["path"],
        mime_type=row["mime_type"],
        size=row["size"],
        width=row["width"],
        height=row["height"],
        duration_s=row["duration_s"],
        alt_text=row["alt_text"],
        kind=row["kind"],
        sha256=row["sha256"],
        frame_rate=row["frame_rate"],
        video_codec=row["video_codec"],
        focus_x=row["focus_x"],
        focus_y=row["focus_y"],
    )


def _target(row: Row) -> Target:
    thread = decode_json(row["thread_override"])
    error = row["error"]
    return Target.model_construct(
        id=row["id"],
        account_id=row["account_id"],
        network=Network(row["network"]),
        text_override=row["text_override"],
        thread_override=None if thread is None else tuple(thread),
        options=decode_json(row["options"]),
        status=TargetStatus(row["status"]),
        parts=tuple(PublishedPart.model_construct(**p) for p in decode_json(row["parts"])),
        sending_part=row["sending_part"],
        attempts=row["attempts"],
        published_at=decode_time(row["published_at"]),
        error=None if error is None else _error(error),
        idempotency_key=row["idempotency_key"],
        claimed_by=row["claimed_by"],
        scheduled=None if row["scheduled"] is None else PublishedPart.model_validate_json(row["scheduled"]),
        verified_at=decode_time(row["verified_at"]),
        verification=None
        if row["verification"] is None
        else Verification.model_validate_json(row["verification"]),
        first_comment=None
        if row["first_comment"] is None
        else FirstCommentResult.model_validate_json(row["first_comment"]),
        deleted_at=decode_time(row["deleted_at"]),
    )
