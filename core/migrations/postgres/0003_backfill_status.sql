-- One row per (symbol, interval): where the latest backfill of it stands.
CREATE TABLE backfill_status (
    symbol       TEXT        NOT NULL,
    interval     TEXT        NOT NULL,
    state        TEXT        NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    rows_written BIGINT      NOT NULL,
    first_bar    TIMESTAMPTZ,
    last_bar     TIMESTAMPTZ,
    reason       TEXT,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (symbol, interval)
);
