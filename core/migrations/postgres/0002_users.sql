-- Users and their watchlists (the seed's users and watchlists tables).
-- The library stores emails normalised (trimmed, lower-cased), so the plain
-- UNIQUE makes registration case-insensitive. Ids are random UUIDs made by
-- the library, the same on every backend, so no extension is needed here.
CREATE TABLE users (
    id            UUID        PRIMARY KEY,
    email         TEXT        NOT NULL UNIQUE,
    password_hash TEXT        NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- id breaks ties between entries added in the same microsecond, so a
-- watchlist reads back in the order it was built.
CREATE TABLE watchlists (
    id       BIGSERIAL   PRIMARY KEY,
    user_id  UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol   TEXT        NOT NULL,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, symbol)
);
-- Serves the ordered read of one watchlist without a sort, and the
-- cascading delete (which must find a user's rows by user_id).
CREATE INDEX watchlists_user_added ON watchlists (user_id, added_at, id);
