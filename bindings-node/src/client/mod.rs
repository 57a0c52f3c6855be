//! `Client`, the JS face of [`tickersense::Tickersense`]: options in, promises
//! of plain objects out. The options are read in [`options`].

use std::sync::Arc;

use napi::bindgen_prelude::{Env, PromiseRaw, Unknown};
use napi_derive::napi;
use tickersense::service::checked_search_limit;
use tickersense::{Interval, Tickersense};

use crate::args::whole_number;
use crate::backfill::{BackfillReport, BackfillStatus};
use crate::cache::NamespaceStats;
use crate::defaults::{
    DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD, DEFAULT_HISTORY_CONCURRENCY,
    DEFAULT_MENTION_DAYS, DEFAULT_MENTION_LIMIT, DEFAULT_SEARCH_LIMIT, DEFAULT_SENTIMENT_DAYS,
};
use crate::error::{coded_rejection, guard};
use crate::js::JsBackends;
use crate::market::{History, HistoryResult, Quote, SearchHit};
use crate::promise;
use crate::sentiment::{
    DailySentiment, Post, PostScores, PostToScore, SentimentAgreement, SentimentAnalysis,
    SentimentRecord, TrendReport,
};
use crate::store::StoredSeries;

mod health;
mod options;
mod progress;

pub use health::{role_names, status_names, BackendHealth};
pub use options::{
    AgreementOptions, BackfillOptions, CallOptions, ClientOptions, HealthOptions,
    HistoryManyOptions, HistoryOptions, MentionsOptions, SentimentHistoryOptions,
    SocialCredentials,
};
use progress::{ProgressCallback, ProgressRelay};

/// Quotes, price history, symbol search and social sentiment, with caching
/// and storage.
///
/// Making one only checks the options: a malformed URL, an unknown option
/// or one of the wrong type throws here (with `code` `"InvalidInput"`; a
/// `TypeError` for a wrong type), while a server that is down rejects the
/// first call that needs it (`"Unavailable"`). Calling `Client` without
/// `new` throws a `TypeError`. Every method returns a promise; a failure
/// rejects it with an `Error` whose `code` is the error kind
/// (`"InvalidInput"`, `"NotFound"`, `"Unavailable"`, `"Timeout"`, ...), and
/// so does a bad options object (a `TypeError` for a wrong type). A symbol
/// or other positional argument of the wrong JS type (a number for a
/// symbol) throws synchronously, with napi's own code (`"StringExpected"`, ...).
///
/// `close()` (or `await using`, through `Symbol.asyncDispose`) releases the
/// client's connections at once instead of at garbage collection; calls
/// made afterwards reject with `"Unavailable"`.
#[napi]
pub struct Client {
    inner: Arc<Tickersense>,
    /// The backends given as JS objects, let go of by `close()`.
    js: Arc<JsBackends>,
}

#[napi]
impl Client {
    /// A client for `options`; no I/O happens until the first call.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "ClientOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let (options, js) = ClientOptions::read(&env, options).map_err(|r| r.into_js(&env))?;
        let inner = guard(|| {
            let builder = Tickersense::builder().config(options.into_config()?);
            js.apply(builder).build()
        })
        .map_err(|e| coded_rejection(env, e))?;
        Ok(Client {
            inner: Arc::new(inner),
            js: Arc::new(js),
        })
    }

    /// The latest quote of `symbol`. `options.signal` aborts the call (as
    /// in `history`).
    #[napi(ts_return_type = "Promise<Quote>")]
    pub fn quote<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Quote>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "quote")?.signal;
            let work = async move { inner.quote(&symbol).await.map(Quote::from) };
            Ok((signal, work))
        })
    }

    /// Bars of `symbol`, oldest first. `periodOrOptions` is either an
    /// options object (`period`, `interval`, `start`, `end`, `signal`) or, as
    /// in the older call shape `history(symbol, period, interval)`, the
    /// period string followed by the interval string. Defaults: the last
    /// `"1mo"` of `"1d"` bars. The range follows yfinance's rules: `start`
    /// (to `end` or now) wins over `period`; `end` alone takes `period` back
    /// from `end`. Passing both an options object and an `interval` string
    /// rejects with `"InvalidInput"`.
    #[napi(ts_return_type = "Promise<History>")]
    pub fn history<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "Period | HistoryOptions | undefined | null")]
        period_or_options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, History>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options =
                HistoryOptions::from_args(env, "history", period_or_options, interval)?;
            let (range, interval) = options.parse()?;
            let work = async move {
                inner
                    .history_range(&symbol, range, interval)
                    .await
                    .map(History::from)
            };
            Ok((options.signal.take(), work))
        })
    }

    /// Histories of many symbols (yfinance's `download`), at most
    /// `concurrency` (default 8) fetched at a time: one entry per distinct
    /// symbol, in the order given, holding either its `history` or the
    /// `error` it failed with (`code`, `message`, `retryAfter`). A bad or
    /// failing symbol fails only its own entry; the promise itself rejects
    /// only for bad options, an aborted `signal` or a store that cannot be
    /// reached.
    #[napi(ts_return_type = "Promise<Array<HistoryResult>>")]
    pub fn history_many<'env>(
        &self,
        env: &'env Env,
        symbols: Vec<String>,
        #[napi(ts_arg_type = "HistoryManyOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<HistoryResult>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options = HistoryManyOptions::read(env, options)?;
            let concurrency = options
                .concurrency
                .map_or(DEFAULT_HISTORY_CONCURRENCY, |n| n as usize);
            let (range, interval) = HistoryOptions {
                period: options.period.take(),
                interval: options.interval.take(),
                start: options.start,
                end: options.end,
                signal: None,
            }
            .parse()?;
            let work = async move {
                let results = inner
                    .history_many(&symbols, range, interval, concurrency)
                    .await?;
                Ok(results.into_iter().map(HistoryResult::from).collect())
            };
            Ok((options.signal.take(), work))
        })
    }

    /// Instruments matching `query`, best first, at most `limit` (default
    /// 10; a whole number from 1 to core's maximum, else `"InvalidInput"`).
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<SearchHit>>")]
    pub fn search<'env>(
        &self,
        env: &'env Env,
        query: String,
        limit: Option<f64>,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<SearchHit>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let limit = match limit {
                Some(n) => checked_search_limit(whole_number("search: limit", n)?)?,
                None => DEFAULT_SEARCH_LIMIT,
            };
            let signal = CallOptions::read(env, options, "search")?.signal;
            let work = async move {
                let hits = inner.search(&query, limit).await?;
                Ok(hits.into_iter().map(SearchHit::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// The current social sentiment of `symbol`: every configured source
    /// asked at once, each post scored, the analysis and its posts stored
    /// and cached. A source that fails, times out, is rate-limited or has
    /// no credentials does not fail the call: `sources` lists each with its
    /// state. A store that is down does not fail it either: the analysis
    /// resolves with `stored` false (and the trend `"insufficient_data"`
    /// when the store cannot be read). `options.signal` aborts the call (as
    /// in `history`).
    #[napi(ts_return_type = "Promise<SentimentAnalysis>")]
    pub fn sentiment<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, SentimentAnalysis>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "sentiment")?.signal;
            let work = async move { inner.sentiment(&symbol).await.map(SentimentAnalysis::from) };
            Ok((signal, work))
        })
    }

    /// Bars of `symbol` already in the store, without asking the provider
    /// or the cache, as a `History` whose `origin` is `"store"` (and
    /// `source` `"store"`; the store keeps no currency, time zone or
    /// events, so those are empty). The arguments are `history`'s: an
    /// options object (`period`, `interval`, `start`, `end`, `signal`) or a
    /// period string and an interval string, the same defaults (the last
    /// `"1mo"` of `"1d"` bars) and the same rules for the range. A store
    /// that cannot be read rejects (`"Unavailable"`).
    #[napi(ts_return_type = "Promise<History>")]
    pub fn stored_history<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "Period | HistoryOptions | undefined | null")]
        period_or_options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, History>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options =
                HistoryOptions::from_args(env, "storedHistory", period_or_options, interval)?;
            let (range, interval) = options.parse()?;
            let work = async move {
                inner
                    .stored_history(&symbol, range, interval)
                    .await
                    .map(History::from)
            };
            Ok((options.signal.take(), work))
        })
    }

    /// The daily sentiment of `symbol` over the last `days` days (default
    /// 30; 1 to 3650, else `"InvalidInput"`) from its distinct stored
    /// posts, only `options.platform`'s when given: one entry per UTC day
    /// with posts, oldest first. Analysing again never changes a day. One
    /// store read. `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<DailySentiment>>")]
    pub fn sentiment_history<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "SentimentHistoryOptions | undefined | null")] options: Option<
            Unknown<'_>,
        >,
    ) -> napi::Result<PromiseRaw<'env, Vec<DailySentiment>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let options = SentimentHistoryOptions::read(env, options)?;
            let days = options.days.unwrap_or(DEFAULT_SENTIMENT_DAYS);
            let platform = options.platform;
            let work = async move {
                let days = inner
                    .sentiment_history(&symbol, days, platform.as_deref())
                    .await?;
                Ok(days.into_iter().map(DailySentiment::from).collect())
            };
            Ok((options.signal, work))
        })
    }

    /// The stored per-platform analyses of `symbol` over the last `days`
    /// days (default 30; 1 to 3650, else `"InvalidInput"`), oldest first.
    /// One store read. `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<SentimentRecord>>")]
    pub fn sentiment_analyses<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        days: Option<f64>,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<SentimentRecord>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let days = days.map_or(Ok(DEFAULT_SENTIMENT_DAYS), |n| {
                whole_number("sentimentAnalyses: days", n)
            })?;
            let signal = CallOptions::read(env, options, "sentimentAnalyses")?.signal;
            let work = async move {
                let records = inner.sentiment_analyses(&symbol, days).await?;
                Ok(records.into_iter().map(SentimentRecord::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// The trend of `symbol` from its stored posts (the last 24 hours
    /// against the 7 days before), with the figures it was read from. One
    /// store read. `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<TrendReport>")]
    pub fn sentiment_trend<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, TrendReport>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "sentimentTrend")?.signal;
            let work = async move { inner.sentiment_trend(&symbol).await.map(TrendReport::from) };
            Ok((signal, work))
        })
    }

    /// How often each analyzer's sign agrees with StockTwits authors' own
    /// Bullish/Bearish labels on the stored posts of the last `days` days
    /// (default 30; 1 to 3650, else `"InvalidInput"`), of `options.symbol`
    /// or of every symbol. One store read. `options.signal` aborts the call
    /// (as in `history`).
    #[napi(ts_return_type = "Promise<SentimentAgreement>")]
    pub fn sentiment_agreement<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "AgreementOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, SentimentAgreement>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let options = AgreementOptions::read(env, options)?;
            let days = options.days.unwrap_or(DEFAULT_SENTIMENT_DAYS);
            let symbol = options.symbol;
            let work = async move {
                inner
                    .sentiment_agreement(symbol.as_deref(), days)
                    .await
                    .map(SentimentAgreement::from)
            };
            Ok((options.signal, work))
        })
    }

    /// Scores posts you bring, as an analysis would: one polarity per post
    /// in their order and the per-platform report; nothing is stored or
    /// cached. `posts` holds post objects (`text`, and optionally
    /// `platform` (default `"user"`), `id` (default its position), `url`
    /// (default `""`), `createdAt` (default now)) or plain text strings. A
    /// post that does not fit rejects naming it and the field: a
    /// `TypeError` for a wrong type, `"InvalidInput"` for an unknown key, a
    /// missing or over-long text or an invalid `Date`. O(posts).
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<PostScores>")]
    pub fn score_posts<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Array<PostToScore | string>")] posts: Unknown<'_>,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, PostScores>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let posts = PostToScore::read_all(env, &posts)?;
            let signal = CallOptions::read(env, options, "scorePosts")?.signal;
            let work = async move { inner.score_posts(posts).await.map(PostScores::from) };
            Ok((signal, work))
        })
    }

    /// Up to `options.limit` (default 100; 1 to 1000) posts from each
    /// configured social source mentioning `symbol`, made in the last
    /// `options.days` days (default 7; 1 to 3650), newest first, each once:
    /// what an analysis scores, unscored, nothing stored. A source that
    /// fails is left out; when none answers, the call rejects with its
    /// error (`"Unauthorized"` when no source has its credentials).
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<Post>>")]
    pub fn mentions<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "MentionsOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<Post>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let options = MentionsOptions::read(env, options)?;
            let days = options.days.unwrap_or(DEFAULT_MENTION_DAYS);
            let limit = options.limit.map_or(DEFAULT_MENTION_LIMIT, |n| n as usize);
            let work = async move {
                let posts = inner.mentions(&symbol, days, limit).await?;
                Ok(posts.into_iter().map(Post::from).collect())
            };
            Ok((options.signal, work))
        })
    }

    /// Fetches the history of `symbols` and keeps it in the store, at most
    /// `concurrency` (default 4) at a time, over `period` (default `"1y"`)
    /// or `start` to `end`. Resumable and idempotent: symbols already stored
    /// for the range are not fetched again (a rerun writes nothing), and a
    /// run cut short (by an aborted `signal`, say) resumes where it stopped.
    /// A symbol the provider fails on is reported in `failed` with its
    /// `reason`; the others go on. The promise rejects only for bad
    /// arguments, an aborted `signal` or a store that cannot be reached.
    ///
    /// `onProgress`, when given, is called on the JS thread with a
    /// `BackfillProgress` each time a symbol changes state, and every call is
    /// made before the promise settles. The run does not wait for it, and it
    /// cannot stop the run: its return value is ignored, and so is anything
    /// it throws. An `onProgress` that is not a function throws synchronously
    /// with `code` `"InvalidArg"`.
    #[napi(strict, ts_return_type = "Promise<BackfillReport>")]
    pub fn backfill<'env>(
        &self,
        env: &'env Env,
        symbols: Vec<String>,
        #[napi(ts_arg_type = "BackfillOptions | undefined | null")] options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "((progress: BackfillProgress) => void) | undefined | null")]
        on_progress: Option<ProgressCallback>,
    ) -> napi::Result<PromiseRaw<'env, BackfillReport>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options = BackfillOptions::read(env, options)?;
            let concurrency = options
                .concurrency
                .map_or(DEFAULT_BACKFILL_CONCURRENCY, |n| n as usize);
            let (range, interval) = HistoryOptions {
                period: Some(
                    options
                        .period
                        .take()
                        .unwrap_or_else(|| DEFAULT_BACKFILL_PERIOD.as_str().to_owned()),
                ),
                interval: options.interval.take(),
                start: options.start,
                end: options.end,
                signal: None,
            }
            .parse()?;
            let (relay, delivered) = ProgressRelay::new(on_progress);
            let work = async move {
                let result = inner
                    .backfill(&symbols, range, interval, concurrency, &|p| relay.tell(p))
                    .await;
                relay.delivered(delivered).await;
                result.map(BackfillReport::from)
            };
            Ok((options.signal.take(), work))
        })
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of every interval when left out. `options.signal` aborts the call
    /// (as in `history`).
    #[napi(ts_return_type = "Promise<Array<BackfillStatus>>")]
    pub fn backfill_statuses<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<BackfillStatus>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let interval = interval
                .as_deref()
                .map(str::parse::<Interval>)
                .transpose()?;
            let signal = CallOptions::read(env, options, "backfillStatuses")?.signal;
            let work = async move {
                let statuses = inner.backfill_statuses(interval).await?;
                Ok(statuses.into_iter().map(BackfillStatus::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// Every stored price series with its bar count, extent and coverage.
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<StoredSeries>>")]
    pub fn stored_series<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<StoredSeries>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "storedSeries")?.signal;
            let work = async move {
                let series = inner.stored_series().await?;
                Ok(series.into_iter().map(StoredSeries::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// Cache hit, miss, entry and error counts per namespace.
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<Array<NamespaceStats>>")]
    pub fn cache_stats<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<NamespaceStats>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "cacheStats")?.signal;
            let work = async move {
                let stats = inner.cache_stats().await?;
                Ok(stats.into_iter().map(NamespaceStats::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// Drops one cached key of `namespace`, or the whole namespace when `key`
    /// is left out (namespaces: `stock_quote`, `stock_history`, `stock_search`,
    /// `sentiment_current`, ...; any other rejects with `"InvalidInput"`).
    /// `options.signal` aborts the call (as in `history`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn invalidate<'env>(
        &self,
        env: &'env Env,
        namespace: String,
        key: Option<String>,
        #[napi(ts_arg_type = "CallOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = CallOptions::read(env, options, "invalidate")?.signal;
            let work = async move { inner.invalidate(&namespace, key.as_deref()).await };
            Ok((signal, work))
        })
    }

    /// Every backend's health, one entry per role (one per social source),
    /// in core's order: `"up"`, `"down"` (with `reason`, never a password,
    /// `retryInMs` while it sits out a back-off window, and `failures`) or
    /// `"not_configured"` (the `none://` cache). A store built from the
    /// store URL is probed (connected if it was not, then a `SELECT 1`) and a
    /// Redis cache pinged, at once, unless it sits out its window; so a call
    /// costs at most their connect timeouts. Backends of your own are
    /// reported `"up"`, as given. Once closed, every configured backend is
    /// `"down"` ("this client is closed"), without I/O. Never rejects but
    /// for bad options or an aborted `signal`.
    #[napi(ts_return_type = "Promise<Array<BackendHealth>>")]
    pub fn health<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "HealthOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<BackendHealth>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let signal = HealthOptions::read(env, options)?.signal;
            let work = async move {
                let report = inner.health().await;
                Ok(report.into_iter().map(BackendHealth::from).collect())
            };
            Ok((signal, work))
        })
    }

    /// One line describing the store in use, without secrets.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn describe_store<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move { inner.describe_store().await })
    }

    /// Releases the client's connections (store pools, cache connections)
    /// now rather than at garbage collection, waiting for connections in
    /// use to come back, and lets go of the backends given as JS objects.
    /// Calls made afterwards reject with `"Unavailable"`. Idempotent; also
    /// run by `await using` (`Symbol.asyncDispose`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = Arc::clone(&self.inner);
        let js = Arc::clone(&self.js);
        promise::spawn(env, None, async move {
            inner.close().await;
            js.release();
            Ok(())
        })
    }
}
