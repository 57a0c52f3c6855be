//! Every operation of `Client` and `AsyncClient`, once (see [`operations!`]).

use pyo3::prelude::*;
use tickersense::model::limits::MAX_ANSWER_POSTS;
use tickersense::service::{MAX_BACKFILL_CONCURRENCY, MAX_SEARCH_LIMIT, MAX_SENTIMENT_DAYS};
use tickersense::{Interval, Symbol};

use super::defaults::*;
use super::{count, AsyncClient, BackendHealth, Client, Core, HistoryArgs};
use crate::args::{opt_text, Int, Seconds, Symbols, Text, Time};
use crate::cache::NamespaceStats;
use crate::config::Options;
use crate::model::{
    posts_argument, BackfillStatus, DailyHistory, History, HistoryBySymbol, Post, PostScores,
    Quote, SearchHit, SentimentAgreement, SentimentAnalysis, SentimentHistory, SentimentRecord,
    TrendReport, Value,
};
use crate::runtime::{Caller, Plain, WithCaller};
use crate::service::{BackfillReport, ProgressCallback};
use crate::store::StoredSeries;

/// Each core value of `values` wrapped as its Python class.
fn all<V: Value>(values: Vec<V::Inner>) -> Vec<V> {
    values.into_iter().map(V::wrap).collect()
}

operations! {
    /// A client for these backends. Arguments left as `None` come from
    /// `TICKERSENSE_*` environment variables, then the defaults. Making one
    /// does no I/O; backends connect on the first call that needs them.
    /// `market_data` may be an object with `quote`, `history` and `search`;
    /// `social` a list of URLs and objects with `platform` and `mentions`;
    /// `analyzer` a callable `text -> float` or an object with `score`
    /// (see `tickersense.MarketDataSource`, `MentionSource`, `Analyzer`).
    /// `social_credentials` a dict of some of `reddit_client_id`,
    /// `reddit_client_secret`, `reddit_user_agent` and `x_bearer_token`,
    /// each winning over its environment variable (`REDDIT_CLIENT_ID` ...);
    /// a source without its credentials is reported `"not_configured"`.
    /// Credentials are never shown, in `repr` or in any error.
    new (store=None, cache=None, market_data=None, social=None, analyzer=None, *, timeout=None, retries=None, social_credentials=None)
    (
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Bound<'_, PyAny>>,
        social: Option<Bound<'_, PyAny>>,
        analyzer: Option<Bound<'_, PyAny>>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
        social_credentials: Option<Bound<'_, PyAny>>,
    ) => Core::new(Options::new(store, cache, market_data, social, analyzer, timeout, retries, social_credentials)?)?;

    /// The latest quote of `symbol`.
    fn quote(symbol: Text) -> Quote
    where signature = (symbol), text = "(self, symbol)", defaults = [];
    |ts| {
        Plain(async move { ts.quote(&symbol.0).await.map(Quote::wrap) })
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    fn history(
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> History
    where
        signature = (
            symbol,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
        ),
        text = "(self, symbol, period='1mo', interval='1d', start=None, end=None)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
        ];
    |ts| {
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            ts.history_range(&symbol.0, range, interval).await.map(History::wrap)
        })
    }

    /// Histories of many symbols (any iterable of str), at most
    /// `concurrency` fetched at a time: a dict from symbol to `History`, or
    /// to the `TickersenseError` that symbol failed with.
    fn history_many(
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
    ) -> HistoryBySymbol
    where
        signature = (
            symbols,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
            concurrency = Int::of(DEFAULT_HISTORY_CONCURRENCY as i64),
        ),
        text = "(self, symbols, period='1mo', interval='1d', start=None, end=None, concurrency=8)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
            int(concurrency = DEFAULT_HISTORY_CONCURRENCY as u64),
        ];
    |ts| {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            let results = ts.history_many(&symbols.0, range, interval, concurrency).await?;
            Ok::<_, tickersense::Error>(HistoryBySymbol(results))
        })
    }

    /// Instruments matching `query`, best first.
    fn search(query: Text, limit: Int) -> Vec<SearchHit>
    where
        signature = (query, limit = Int::of(DEFAULT_SEARCH_LIMIT as i64)),
        text = "(self, query, limit=10)",
        defaults = [int(limit = DEFAULT_SEARCH_LIMIT as u64)];
    |ts| {
        let limit = count(&limit, "limit", MAX_SEARCH_LIMIT)?;
        Plain(async move { ts.search(&query.0, limit).await.map(all) })
    }

    /// The current social sentiment of `symbol`: every configured source
    /// asked at once, each post scored, the analysis stored and cached. A
    /// source that fails, times out, is rate-limited or has no credentials
    /// does not fail the call: `sources` lists each with its state.
    fn sentiment(symbol: Text) -> SentimentAnalysis
    where signature = (symbol), text = "(self, symbol)", defaults = [];
    |ts| {
        Plain(async move { ts.sentiment(&symbol.0).await.map(SentimentAnalysis::wrap) })
    }

    /// Bars already in the store, without asking the provider: `period`,
    /// `interval`, `start` and `end` as for `history`. A `History` whose
    /// `origin` is `"store"`.
    fn stored_history(
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> History
    where
        signature = (
            symbol,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
        ),
        text = "(self, symbol, period='1mo', interval='1d', start=None, end=None)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
        ];
    |ts| {
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            ts.stored_history(&symbol.0, range, interval).await.map(History::wrap)
        })
    }

    /// The daily sentiment of `symbol` over the last `days` days (1 to
    /// 3650) from its distinct stored posts, only `platform`'s when given:
    /// one entry per UTC day with posts, oldest first (`to_pandas()` gives
    /// a DataFrame). Analysing again never changes a day. One store read.
    fn sentiment_history(symbol: Text, days: Int, platform: Option<Text>) -> SentimentHistory
    where
        signature = (symbol, days = Int::of(DEFAULT_SENTIMENT_DAYS as i64), platform = None),
        text = "(self, symbol, days=30, platform=None)",
        defaults = [int(days = DEFAULT_SENTIMENT_DAYS as u64)];
    |ts| {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        let platform = opt_text(platform);
        Plain(async move {
            let symbol = Symbol::parse(&symbol.0)?;
            let daily = ts.sentiment_history(symbol.as_str(), days, platform.as_deref()).await?;
            Ok::<_, tickersense::Error>(SentimentHistory::wrap(DailyHistory {
                symbol: symbol.as_str().to_owned(),
                days,
                platform,
                daily,
            }))
        })
    }

    /// The stored per-platform analyses of `symbol` over the last `days`
    /// days (1 to 3650), oldest first. One store read.
    fn sentiment_analyses(symbol: Text, days: Int) -> Vec<SentimentRecord>
    where
        signature = (symbol, days = Int::of(DEFAULT_SENTIMENT_DAYS as i64)),
        text = "(self, symbol, days=30)",
        defaults = [int(days = DEFAULT_SENTIMENT_DAYS as u64)];
    |ts| {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        Plain(async move { ts.sentiment_analyses(&symbol.0, days).await.map(all) })
    }

    /// The trend of `symbol` from its stored posts: the last 24 hours
    /// against the 7 days before, with the figures. One store read.
    fn sentiment_trend(symbol: Text) -> TrendReport
    where signature = (symbol), text = "(self, symbol)", defaults = [];
    |ts| {
        Plain(async move { ts.sentiment_trend(&symbol.0).await.map(TrendReport::wrap) })
    }

    /// How often each analyzer's sign agrees with StockTwits authors' own
    /// Bullish/Bearish labels on the stored posts of the last `days` days
    /// (1 to 3650), of `symbol` or of every symbol when None. One store read.
    fn sentiment_agreement(symbol: Option<Text>, days: Int) -> SentimentAgreement
    where
        signature = (symbol = None, days = Int::of(DEFAULT_SENTIMENT_DAYS as i64)),
        text = "(self, symbol=None, days=30)",
        defaults = [int(days = DEFAULT_SENTIMENT_DAYS as u64)];
    |ts| {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        let symbol = opt_text(symbol);
        Plain(async move {
            ts.sentiment_agreement(symbol.as_deref(), days)
                .await
                .map(SentimentAgreement::wrap)
        })
    }

    /// Scores posts you bring, as an analysis would: one polarity per post
    /// in their order and the per-platform report; nothing is stored or
    /// cached. `posts` is a list of dicts, each with a `text` and optionally
    /// `platform` (default `"user"`), `id` (default its position), `url`
    /// (default `""`) and `created_at` (default now), or of plain str
    /// texts; or a pandas DataFrame with a `text` column (and optionally
    /// the others). A wrong type is `TypeError`, an unknown key or a missing
    /// text `InvalidInputError`, naming the post and the field. O(posts).
    fn score_posts(posts: Bound<'_, PyAny>) -> PostScores
    where signature = (posts), text = "(self, posts)", defaults = [];
    |ts| {
        let posts = posts_argument(&posts)?;
        Plain(async move { ts.score_posts(posts).await.map(PostScores::wrap) })
    }

    /// Up to `limit` (1 to 1000) posts from each configured social source
    /// mentioning `symbol`, made in the last `days` days (1 to 3650), newest
    /// first, each once: what an analysis scores, unscored, nothing stored.
    /// A source that fails is left out; when none answers, its error is
    /// raised (`UnauthorizedError` when no source has its credentials).
    fn mentions(symbol: Text, days: Int, limit: Int) -> Vec<Post>
    where
        signature = (
            symbol,
            days = Int::of(MENTION_WINDOW_DAYS),
            limit = Int::of(POSTS_PER_SOURCE as i64),
        ),
        text = "(self, symbol, days=7, limit=100)",
        defaults = [
            int(days = MENTION_WINDOW_DAYS as u64),
            int(limit = POSTS_PER_SOURCE as u64),
        ];
    |ts| {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        let limit = count(&limit, "limit", MAX_ANSWER_POSTS)?;
        Plain(async move { ts.mentions(&symbol.0, days, limit).await.map(all) })
    }

    /// Fetches the history of `symbols` over `period` (or `start` to `end`)
    /// and keeps it in the store, at most `concurrency` (1 to 64) symbols at
    /// a time. Resumable and idempotent: symbols already stored for the
    /// range are not fetched again, and a run stopped part-way resumes where
    /// it stopped. A symbol the provider fails on is reported failed in the
    /// result (with its `reason`); the others go on.
    ///
    /// `on_progress`, when given, is called with a `BackfillProgress` each
    /// time a symbol changes state, while the run waits for it: it should
    /// return quickly. `lambda p: bar.update(1) if p.state in ("done",
    /// "failed") else None` for tqdm, `lambda p: progress.progress(p.finished
    /// / p.total)` for Streamlit. If it raises, no new symbol starts, those
    /// in flight are put back to pending, and `backfill` raises that
    /// exception; the next run resumes.
    ///
    /// `Client.backfill` calls it on the thread that called `backfill` (so
    /// Streamlit elements and GUI widgets work); it must be a plain function
    /// (an `async def` is refused with `TypeError`). Ctrl-C lands in the
    /// callable when it is running (a clean stop as above); otherwise it
    /// cancels the run at once and raises `KeyboardInterrupt`, and symbols it
    /// left `"running"` are redone next time.
    ///
    /// `AsyncClient.backfill` calls it on a thread other than the event
    /// loop's, with the GIL held (to touch the loop from it, use
    /// `loop.call_soon_threadsafe`); an awaitable it returns (an `async
    /// def`) is awaited on the event loop before the run goes on.
    /// Cancelling the awaiting task drops the run at once.
    fn backfill(
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
        on_progress: Option<Bound<'_, PyAny>>,
    ) -> BackfillReport
    where
        signature = (
            symbols,
            period = Text::from(DEFAULT_BACKFILL_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
            concurrency = Int::of(DEFAULT_BACKFILL_CONCURRENCY as i64),
            on_progress = None,
        ),
        text = "(self, symbols, period='1y', interval='1d', start=None, end=None, concurrency=4, on_progress=None)",
        defaults = [
            text(period = DEFAULT_BACKFILL_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
            int(concurrency = DEFAULT_BACKFILL_CONCURRENCY as u64),
        ];
    |ts, awaits| {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let args = HistoryArgs::new(period, interval, start, end);
        let on_progress = ProgressCallback::new(on_progress, awaits)?;
        WithCaller(move |caller: Caller| async move {
            let (range, interval) = args.parse()?;
            let report = ts
                .backfill(&symbols.0, range, interval, concurrency, &|p| {
                    on_progress.tell(&caller, p)
                })
                .await;
            on_progress.finish(report)
        })
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of all intervals when None.
    fn backfill_statuses(interval: Option<Text>) -> Vec<BackfillStatus>
    where signature = (interval = None), text = "(self, interval=None)", defaults = [];
    |ts| {
        Plain(async move {
            let interval = interval.map(|i| i.0.parse::<Interval>()).transpose()?;
            ts.backfill_statuses(interval).await.map(all)
        })
    }

    /// Every stored price series with its bar count, extent and coverage.
    fn stored_series() -> Vec<StoredSeries>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.stored_series().await.map(all) })
    }

    /// Cache counters per namespace.
    fn cache_stats() -> Vec<NamespaceStats>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.cache_stats().await.map(all) })
    }

    /// Drops one cached key, or the whole namespace when `key` is None.
    fn invalidate(namespace: Text, key: Option<Text>) -> ()
    where signature = (namespace, key = None), text = "(self, namespace, key=None)", defaults = [];
    |ts| {
        let key = opt_text(key);
        Plain(async move { ts.invalidate(&namespace.0, key.as_deref()).await })
    }

    /// One line describing the store, without secrets.
    fn describe_store() -> String
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.describe_store().await })
    }

    /// Each backend's health, one entry per role (one per social source),
    /// in the order `market_data`, `social`, `analyzer`, `cache`,
    /// `price_store`, `sentiment_store`, `backfill_store`, `user_store`.
    /// Backends are independent: one down leaves the calls that do not need
    /// it working. Probes the store opened from the store URL (connecting it
    /// if it was not) and a Redis cache, at once and not while either sits
    /// out its back-off window, so a call costs at most their timeouts; your
    /// objects are reported `"up"`, as given. Once closed, every configured
    /// backend is `"down"`, without I/O.
    fn health() -> Vec<BackendHealth>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move {
            let reports = ts.health().await;
            Ok::<_, tickersense::Error>(reports.into_iter().map(BackendHealth::of).collect())
        })
    }

    /// Releases the store's pools and the cache's connections, waiting for
    /// connections in use to come back. Later calls that need a backend
    /// raise `UnavailableError`. Idempotent.
    fn close() -> ()
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move {
            ts.close().await;
            Ok::<_, tickersense::Error>(())
        })
    }
}
