-- Bars keyed by (symbol, interval, start); times are Unix milliseconds (UTC).
-- REAL holds an f64 exactly, so prices round-trip bit for bit.
CREATE TABLE price_bars (
    symbol     TEXT    NOT NULL,
    interval   TEXT    NOT NULL,
    ts_ms      INTEGER NOT NULL,
    open       REAL    NOT NULL,
    high       REAL    NOT NULL,
    low        REAL    NOT NULL,
    close      REAL    NOT NULL,
    adj_close  REAL,
    volume     INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval, ts_ms)
) WITHOUT ROWID;

-- The stretch of time already fetched per (symbol, interval); NULL from = since the start.
CREATE TABLE price_coverage (
    symbol        TEXT    NOT NULL,
    interval      TEXT    NOT NULL,
    from_ms       INTEGER,
    to_ms         INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval)
) WITHOUT ROWID;

-- One row per platform per analysis (the seed's sentiment_data).
CREATE TABLE sentiment_data (
    id              INTEGER PRIMARY KEY,
    symbol          TEXT    NOT NULL,
    ts_ms           INTEGER NOT NULL,
    platform        TEXT    NOT NULL,
    sentiment_score REAL    NOT NULL,
    confidence      REAL    NOT NULL,
    mention_count   INTEGER NOT NULL,
    keywords        TEXT    NOT NULL,
    source_urls     TEXT    NOT NULL
);
CREATE INDEX sentiment_data_symbol_ts ON sentiment_data (symbol, ts_ms);
