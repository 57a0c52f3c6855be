-- Users and their watchlists (the seed's users and watchlists tables).
-- Times are Unix milliseconds (UTC); ids are the library's random UUIDs as
-- hyphenated lower-case text. Emails are stored normalised (trimmed,
-- lower-cased), so the plain UNIQUE makes registration case-insensitive.
CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- REFERENCES holds only on connections with PRAGMA foreign_keys = ON, which
-- the store sets on each. id (the rowid) breaks ties between entries added
-- in the same millisecond, so a watchlist reads back in the order it was built.
CREATE TABLE watchlists (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol      TEXT    NOT NULL,
    added_at_ms INTEGER NOT NULL,
    UNIQUE (user_id, symbol)
);
-- Serves the ordered read of one watchlist without a sort, and the
-- cascading delete (which must find a user's rows by user_id).
CREATE INDEX watchlists_user_added ON watchlists (user_id, added_at_ms, id);
