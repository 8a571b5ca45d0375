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

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _LIBRARY, _ORGANISING)
