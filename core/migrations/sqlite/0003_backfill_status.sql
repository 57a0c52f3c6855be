-- One row per (symbol, interval): where the latest backfill of it stands.
-- Times are Unix milliseconds (UTC).
CREATE TABLE backfill_status (
    symbol        TEXT    NOT NULL,
    interval      TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    rows_written  INTEGER NOT NULL,
    first_bar_ms  INTEGER,
    last_bar_ms   INTEGER,
    reason        TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval)
) WITHOUT ROWID;
