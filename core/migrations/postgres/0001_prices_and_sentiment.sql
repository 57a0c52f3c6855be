-- DOUBLE PRECISION holds an f64 exactly, so prices round-trip bit for bit
-- (the seed's DECIMAL(10,2) cut FX prices to cents).
CREATE TABLE price_bars (
    symbol     TEXT             NOT NULL,
    interval   TEXT             NOT NULL,
    ts         TIMESTAMPTZ      NOT NULL,
    open       DOUBLE PRECISION NOT NULL,
    high       DOUBLE PRECISION NOT NULL,
    low        DOUBLE PRECISION NOT NULL,
    close      DOUBLE PRECISION NOT NULL,
    adj_close  DOUBLE PRECISION,
    volume     BIGINT           NOT NULL,
    PRIMARY KEY (symbol, interval, ts)
);
CREATE INDEX price_bars_ts_brin ON price_bars USING BRIN (ts);

CREATE TABLE price_coverage (
    symbol     TEXT        NOT NULL,
    interval   TEXT        NOT NULL,
    from_ts    TIMESTAMPTZ,
    to_ts      TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, interval)
);

CREATE TABLE sentiment_data (
    id              BIGSERIAL,
    symbol          TEXT             NOT NULL,
    ts              TIMESTAMPTZ      NOT NULL,
    platform        TEXT             NOT NULL,
    sentiment_score DOUBLE PRECISION NOT NULL,
    confidence      DOUBLE PRECISION NOT NULL,
    mention_count   INTEGER          NOT NULL,
    keywords        JSONB            NOT NULL,
    source_urls     JSONB            NOT NULL,
    PRIMARY KEY (symbol, ts, id)
);
CREATE INDEX sentiment_data_ts_brin ON sentiment_data USING BRIN (ts);
