"""The numbered schema steps. Append only: never edit a step that has shipped.

Times are stored as UTC text in one fixed width (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) so that text
order is time order; a post also keeps the IANA zone it was scheduled in. No secrets live here:
accounts hold the name of their keyring entry only.
"""

from __future__ import annotations

_V1 = """
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    network       TEXT NOT NULL,
    handle        TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    service_url   TEXT,
    target_id     TEXT,
    secret_ref    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    removed_at    TEXT,
    health        TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX accounts_live ON accounts (
    network, handle, coalesce(service_url, ''), coalesce(target_id, '')
) WHERE removed_at IS NULL;

CREATE TABLE posts (
    id            TEXT PRIMARY KEY,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'publishing',
                      'published', 'partially_published', 'failed', 'cancelled', 'needs_review')),
    text          TEXT NOT NULL,
    thread        TEXT NOT NULL DEFAULT '[]',
    scheduled_at  TEXT,
    timezone      TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    review_reason TEXT
);
CREATE INDEX posts_due ON posts (status, scheduled_at);
CREATE INDEX posts_created ON posts (created_at);

CREATE TABLE media (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    path        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    duration_s  REAL,
    alt_text    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX media_post ON media (post_id, position);

CREATE TABLE targets (
    id               TEXT PRIMARY KEY,
    post_id          TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    network          TEXT NOT NULL,
    text_override    TEXT,
    thread_override  TEXT,
    options          TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL CHECK (status IN ('pending', 'publishing', 'published',
                         'failed', 'unknown', 'cancelled')),
    parts            TEXT NOT NULL DEFAULT '[]',
    sending_part     INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    published_at     TEXT,
    error            TEXT,
    idempotency_key  TEXT NOT NULL,
    claimed_by       TEXT,
    updated_at       TEXT NOT NULL,
    UNIQUE (post_id, account_id)
);
CREATE INDEX targets_post ON targets (post_id, position);
CREATE INDEX targets_status ON targets (status);
"""

# v2: what the media pipeline knows about a file, and the point a crop keeps in view.
_V2 = """
ALTER TABLE media ADD COLUMN kind TEXT NOT NULL DEFAULT 'image';
ALTER TABLE media ADD COLUMN sha256 TEXT;
ALTER TABLE media ADD COLUMN frame_rate REAL;
ALTER TABLE media ADD COLUMN video_codec TEXT;
ALTER TABLE media ADD COLUMN focus_x REAL NOT NULL DEFAULT 0.5;
ALTER TABLE media ADD COLUMN focus_y REAL NOT NULL DEFAULT 0.5;
CREATE INDEX media_sha256 ON media (sha256);
"""

# v3: where the network keeps an account's picture (issue #17: avatars on the account cards).
_V3 = """
ALTER TABLE accounts ADD COLUMN avatar_url TEXT;
"""

# v4: small notes an adapter keeps across restarts (a YouTube resumable upload's session URI, a
# container id), written before the request they resume, so a restart goes on instead of anew.
_V4 = """
CREATE TABLE checkpoints (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""

# v5: a target can be held by the network's own scheduler (issue #20). SQLite cannot change a
# CHECK constraint in place, so the table is rebuilt with the new status and the held item.
_V5 = """
CREATE TABLE targets_v5 (
    id               TEXT PRIMARY KEY,
    post_id          TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    network          TEXT NOT NULL,
    text_override    TEXT,
    thread_override  TEXT,
    options          TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL CHECK (status IN ('pending', 'scheduled_on_network', 'publishing',
                         'published', 'failed', 'unknown', 'cancelled')),
    parts            TEXT NOT NULL DEFAULT '[]',
    sending_part     INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    published_at     TEXT,
    error            TEXT,
    idempotency_key  TEXT NOT NULL,
    claimed_by       TEXT,
    updated_at       TEXT NOT NULL,
    scheduled        TEXT,
    UNIQUE (post_id, account_id)
);
INSERT INTO targets_v5 (id, post_id, position, account_id, network, text_override, thread_override,
    options, status, parts, sending_part, attempts, published_at, error, idempotency_key,
    claimed_by, updated_at)
SELECT id, post_id, position, account_id, network, text_override, thread_override, options,
    status, parts, sending_part, attempts, published_at, error, idempotency_key, claimed_by,
    updated_at FROM targets;
DROP TABLE targets;
ALTER TABLE targets_v5 RENAME TO targets;
CREATE INDEX targets_post ON targets (post_id, position);
CREATE INDEX targets_status ON targets (status);
"""

# Hooks (issue #21): the creator's receivers of events — a URL (signed JSON POST) or a command
# (JSON on stdin) — and how each one's latest delivery went. The signing secret is never here:
# it is in the keyring under `hook/<id>`.
_HOOKS = """
CREATE TABLE hooks (
    id          TEXT PRIMARY KEY,
    event       TEXT NOT NULL,
    url         TEXT,
    command     TEXT,
    created_at  TEXT NOT NULL,
    last_at     TEXT,
    last_ok     INTEGER,
    last_status TEXT,
    last_event  TEXT,
    CHECK ((url IS NULL) <> (command IS NULL))
);
CREATE INDEX hooks_event ON hooks (event);
"""

# Issue #22, the creator's daily tools: recurring posts (a series makes each occurrence as a post
# of its own, ahead of time; `made` counts those made so far) and evergreen posts (queued again
# when an account has a free slot; `last_ran_at` is when one last went out).
_SERIES = """
CREATE TABLE series (
    id            TEXT PRIMARY KEY,
    rule          TEXT NOT NULL,
    first_at      TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    until         TEXT,
    count         INTEGER,
    made          INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    ended_at      TEXT
);
ALTER TABLE posts ADD COLUMN series_id TEXT REFERENCES series (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN evergreen INTEGER NOT NULL DEFAULT 0;
CREATE INDEX posts_series ON posts (series_id);
"""

# The media library (issue #24): every file a post carried, once by its content hash, with the
# library's own copy; filled from the posts' media as they stand.
_LIBRARY = """
CREATE TABLE library (
    sha256        TEXT PRIMARY KEY,
    path          TEXT NOT NULL,
    name          TEXT NOT NULL,
    mime_type     TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'image',
    size          INTEGER NOT NULL,
    width         INTEGER,
    height        INTEGER,
    duration_s    REAL,
    alt_text      TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',
    source_url    TEXT,
    added_at      TEXT NOT NULL,
    last_used_at  TEXT
);
INSERT OR IGNORE INTO library (sha256, path, name, mime_type, kind, size, width, height, duration_s,
    alt_text, added_at, last_used_at)
SELECT m.sha256, m.path, m.path, m.mime_type, m.kind, m.size, m.width, m.height, m.duration_s,
    m.alt_text, p.created_at, p.updated_at
FROM media m JOIN posts p ON p.id = m.post_id
WHERE m.sha256 IS NOT NULL
ORDER BY p.updated_at DESC;
"""

# Organising (issue #24): a post's title, tags and campaign; campaigns with a colour and dates; and
# media on every thread part (`part` 0 is the post itself, 1 its first reply…). Removing a
# campaign leaves its posts, untagged (ON DELETE SET NULL).
_ORGANISING = """
CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    colour      TEXT NOT NULL,
    starts_on   TEXT,
    ends_on     TEXT,
    created_at  TEXT NOT NULL
);
ALTER TABLE posts ADD COLUMN title TEXT;
ALTER TABLE posts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE posts ADD COLUMN campaign_id TEXT REFERENCES campaigns (id) ON DELETE SET NULL;
CREATE INDEX posts_campaign ON posts (campaign_id);
ALTER TABLE media ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
"""

# Issue #22's composer tools: a post's first comment and what became of it on each target, the
# links the creator chose to tag with UTM parameters, and reusable snippets (signatures, hashtag
# groups) with per-network variants.
_FIRST_COMMENT = """
ALTER TABLE posts ADD COLUMN first_comment TEXT;
ALTER TABLE posts ADD COLUMN utm_links TEXT NOT NULL DEFAULT '[]';
ALTER TABLE targets ADD COLUMN first_comment TEXT;
CREATE TABLE snippets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    trigger     TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    variants    TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX snippets_trigger ON snippets (trigger) WHERE trigger != '';
"""

# Analytics (issue #21): metric readings as time series (`metric_snapshots`); each published item's
# newest numbers (`metric_items`), each post's across its networks (`metric_posts`, top posts) and
# their sums per account and UTC day of publication (`metric_days`: a two-year summary adds 730
# rows per account, not every item); follower counts per day; the account's own posts made
# elsewhere (history import); the spikes already announced. No foreign keys to posts: a post
# forgotten in Outpost is still on the network, and its numbers still count.
_ANALYTICS = """
CREATE TABLE metric_snapshots (
    id                 INTEGER PRIMARY KEY,
    account_id         TEXT NOT NULL,
    network            TEXT NOT NULL,
    platform_post_id   TEXT NOT NULL,
    post_id            TEXT,
    target_id          TEXT,
    published_at       TEXT NOT NULL,
    read_at            TEXT NOT NULL,
    age_slot           INTEGER,
    impressions        INTEGER,
    reach              INTEGER,
    likes              INTEGER,
    replies            INTEGER,
    reposts            INTEGER,
    quotes             INTEGER,
    saves              INTEGER,
    clicks             INTEGER,
    video_views        INTEGER,
    engagements        INTEGER,
    followers_at_post  INTEGER,
    UNIQUE (account_id, platform_post_id, read_at)
);
CREATE INDEX metric_snapshots_post ON metric_snapshots (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX metric_snapshots_history ON metric_snapshots (account_id, age_slot, published_at);

CREATE TABLE metric_items (
    account_id         TEXT NOT NULL,
    published_at       TEXT NOT NULL,
    platform_post_id   TEXT NOT NULL,
    network            TEXT NOT NULL,
    item               TEXT NOT NULL,
    read_at            TEXT,
    age_slot           INTEGER,
    impressions        INTEGER,
    reach              INTEGER,
    likes              INTEGER,
    replies            INTEGER,
    reposts            INTEGER,
    quotes             INTEGER,
    saves              INTEGER,
    clicks             INTEGER,
    video_views        INTEGER,
    engagements        INTEGER,
    rate               REAL,
    PRIMARY KEY (account_id, published_at, platform_post_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX metric_items_key ON metric_items (account_id, platform_post_id);
CREATE INDEX metric_items_item ON metric_items (item);
CREATE INDEX metric_items_published ON metric_items (published_at);
CREATE INDEX metric_items_rate ON metric_items (account_id, rate) WHERE rate IS NOT NULL;

CREATE TABLE metric_posts (
    item          TEXT PRIMARY KEY,
    published_at  TEXT NOT NULL,
    impressions   INTEGER,
    engagements   INTEGER
) WITHOUT ROWID;
CREATE INDEX metric_posts_published ON metric_posts (published_at, engagements);

CREATE TABLE metric_days (
    account_id  TEXT NOT NULL,
    day         TEXT NOT NULL,
    network     TEXT NOT NULL,
    items       INTEGER NOT NULL DEFAULT 0,
    impressions_sum INTEGER NOT NULL DEFAULT 0,
    impressions_n INTEGER NOT NULL DEFAULT 0,
    reach_sum INTEGER NOT NULL DEFAULT 0,
    reach_n INTEGER NOT NULL DEFAULT 0,
    likes_sum INTEGER NOT NULL DEFAULT 0,
    likes_n INTEGER NOT NULL DEFAULT 0,
    replies_sum INTEGER NOT NULL DEFAULT 0,
    replies_n INTEGER NOT NULL DEFAULT 0,
    reposts_sum INTEGER NOT NULL DEFAULT 0,
    reposts_n INTEGER NOT NULL DEFAULT 0,
    quotes_sum INTEGER NOT NULL DEFAULT 0,
    quotes_n INTEGER NOT NULL DEFAULT 0,
    saves_sum INTEGER NOT NULL DEFAULT 0,
    saves_n INTEGER NOT NULL DEFAULT 0,
    clicks_sum INTEGER NOT NULL DEFAULT 0,
    clicks_n INTEGER NOT NULL DEFAULT 0,
    video_views_sum INTEGER NOT NULL DEFAULT 0,
    video_views_n INTEGER NOT NULL DEFAULT 0,
    engagements_sum INTEGER NOT NULL DEFAULT 0,
    engagements_n INTEGER NOT NULL DEFAULT 0,
    rate_sum REAL NOT NULL DEFAULT 0,
    rate_n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TABLE follower_counts (
    account_id  TEXT NOT NULL,
    day         TEXT NOT NULL,
    followers   INTEGER NOT NULL,
    read_at     TEXT NOT NULL,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TABLE remote_posts (
    account_id        TEXT NOT NULL,
    network           TEXT NOT NULL,
    platform_post_id  TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    text              TEXT NOT NULL DEFAULT '',
    permalink         TEXT,
    imported_at       TEXT NOT NULL,
    PRIMARY KEY (account_id, platform_post_id)
) WITHOUT ROWID;
CREATE INDEX remote_posts_created ON remote_posts (created_at);

CREATE TABLE engagement_spikes (
    account_id        TEXT NOT NULL,
    platform_post_id  TEXT NOT NULL,
    noticed_at        TEXT NOT NULL,
    PRIMARY KEY (account_id, platform_post_id)
) WITHOUT ROWID;

CREATE INDEX targets_published ON targets (published_at) WHERE status = 'published';
"""

# Read-back verification (issue #20): when the network last showed a target's post, and what
# Outpost saw the last time it asked (JSON: state, checked_at, message).
_VERIFIED = """
ALTER TABLE targets ADD COLUMN verified_at TEXT;
ALTER TABLE targets ADD COLUMN verification TEXT;
"""

# Deleted on the networks (issue #24): the local record of a published post stays, each target
# saying when Outpost deleted its copy from the network.
_NETWORK_DELETE = """
ALTER TABLE targets ADD COLUMN deleted_at TEXT;
"""

MIGRATIONS: tuple[str, ...] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _V5,
    _LIBRARY,
    _FIRST_COMMENT,
    _HOOKS,
    _SERIES,
    _ANALYTICS,
    _VERIFIED,
    _NETWORK_DELETE,
    _ORGANISING,
)
