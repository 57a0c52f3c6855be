-- Every post the sentiment service scored, once per (platform, post_id,
-- symbol): history, trend and agreement are read from here, so analysing
-- the same posts again counts none of them twice. scores maps analyzer
-- name to polarity, merged on conflict (jsonb ||); text is kept only when
-- the service is asked to keep texts.
--
-- The key holds created_at as well: TimescaleDB turns this table into a
-- hypertable on created_at when the server has it, and a hypertable's
-- unique keys must hold its time column. A post's creation time never
-- changes on its platform; the store's upsert looks a post up by
-- (platform, post_id, symbol) (the key's prefix), under a lock per symbol,
-- and writes a copy of a known post with the row's own time, so a post is
-- still kept once when a source reports its time differently.
CREATE TABLE sentiment_posts (
    platform   TEXT        NOT NULL,
    post_id    TEXT        NOT NULL,
    symbol     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    url        TEXT        NOT NULL,
    author     TEXT,
    label      TEXT        CHECK (label IN ('bullish', 'bearish')),
    scores     JSONB       NOT NULL,
    text       TEXT,
    PRIMARY KEY (platform, post_id, symbol, created_at)
);
CREATE INDEX sentiment_posts_symbol_created ON sentiment_posts (symbol, created_at);
-- The agreement over every symbol reads labelled posts by time alone.
CREATE INDEX sentiment_posts_labelled_created ON sentiment_posts (created_at)
    WHERE label IS NOT NULL;
