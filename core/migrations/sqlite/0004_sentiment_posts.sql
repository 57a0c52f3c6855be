-- Every post the sentiment service scored, once per (platform, post_id,
-- symbol): history, trend and agreement are read from here, so analysing
-- the same posts again counts none of them twice. created_at_ms is Unix
-- milliseconds (UTC), as every time in this schema; scores is a JSON object
-- of analyzer name to polarity, merged on conflict; text is kept only when
-- the service is asked to keep texts.
CREATE TABLE sentiment_posts (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    post_id       TEXT    NOT NULL,
    symbol        TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    url           TEXT    NOT NULL,
    author        TEXT,
    label         TEXT    CHECK (label IN ('bullish', 'bearish')),
    scores        TEXT    NOT NULL,
    text          TEXT,
    UNIQUE (platform, post_id, symbol)
);
CREATE INDEX sentiment_posts_symbol_created ON sentiment_posts (symbol, created_at_ms);
-- The agreement over every symbol reads labelled posts by time alone.
CREATE INDEX sentiment_posts_labelled_created ON sentiment_posts (created_at_ms)
    WHERE label IS NOT NULL;
