//! The options objects `Client` and its methods take.
//!
//! They are read by hand ([`crate::args`]): a misspelt key, a field of the
//! wrong type, an invalid `Date` or a count that is not a whole number is
//! refused naming the option, and `null` counts as left out. The structs
//! here only declare the JS shapes (napi's typegen writes them into
//! `index.d.ts`); napi never converts them itself.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Unknown};
use napi::ValueType;
use napi_derive::napi;
use tickersense::resilience::checked_timeout;
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval};

use crate::args::{self, Options, Refusal, Signal};
use crate::js::{Given, JsBackends};

/// Backend URLs (or objects of your own), analyzer name and how hard to
/// try HTTP providers, for a `Client`. Each option left out (or `null`)
/// comes from the `TICKERSENSE_*` environment variable of the same name
/// (`TICKERSENSE_MARKET_DATA`, `TICKERSENSE_TIMEOUT`, ...), then from the
/// default; an object given wins over its variable. Any other key throws `"InvalidInput"`, so a misspelt one is not
/// silently ignored.
#[napi(object, object_from_js = false, object_to_js = false)]
// No Debug: it holds the URLs as given, passwords included.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Where bars and analyses are kept: `memory://`, `sqlite://PATH`
    /// (default `sqlite://tickersense.db`), `postgres://USER@HOST/DB`.
    pub store: Option<String>,
    /// Where fetched values are cached: `none://`, `memory://` (default), `redis://HOST:PORT/DB`.
    pub cache: Option<String>,
    /// Where quotes, history and search come from: `sample://` (default,
    /// offline), `yahoo://`, `yahoo+http://HOST:PORT` (Yahoo's protocol at
    /// another address), `csv://DIR`; or a `MarketDataSource` object of your
    /// own, whose values are then cached and stored as any provider's.
    #[napi(ts_type = "string | MarketDataSource")]
    pub market_data: Option<String>,
    /// Where posts come from: URLs separated by commas (`sample://`, the
    /// default), or an array of URLs and `MentionSource` objects of your
    /// own, mixed freely (with objects only, no URL is asked), or one object.
    #[napi(ts_type = "string | MentionSource | Array<string | MentionSource>")]
    pub social: Option<String>,
    /// The sentiment analyzer: a name, `textblob` (default, TextBlob
    /// 0.20.1's scores) or `vader` (vaderSentiment 3.3.2's compound score),
    /// any case; or a function of your own `(text) => polarity` (a number
    /// from -1 to 1, or its promise), or an `Analyzer` object.
    #[napi(ts_type = "AnalyzerName | AnalyzerFunction | Analyzer")]
    pub analyzer: Option<String>,
    /// Longest wait for one request to an HTTP provider, in seconds
    /// (default 10; fractions allowed): a positive, finite number, else the
    /// constructor throws `"InvalidInput"`. A request that takes longer fails
    /// (`"Timeout"`) and is retried like any other failed request.
    pub timeout: Option<f64>,
    /// Retries of a failed request to an HTTP provider after the first
    /// attempt (default 3, `0` to never retry): a whole number from 0 to
    /// 2^32 - 1, else the constructor throws `"InvalidInput"`. Only timeouts,
    /// unreachable servers, 5xx answers and 429s are retried.
    pub retries: Option<u32>,
    /// Reddit and X credentials, each winning over its environment
    /// variable (`REDDIT_CLIENT_ID`, `REDDIT_CLIENT_SECRET`,
    /// `REDDIT_USER_AGENT`, `X_BEARER_TOKEN`). A source without its
    /// credentials is reported `"not_configured"` by every analysis. Never
    /// shown in any error or log line.
    pub social_credentials: Option<SocialCredentials>,
}

/// The social platforms' credentials, for `new Client({ socialCredentials })`.
/// Each left out (or `null`) is read from its environment variable; any
/// other key throws `"InvalidInput"`.
#[napi(object, object_from_js = false, object_to_js = false)]
// No Debug: it holds secrets.
#[derive(Clone, Default)]
pub struct SocialCredentials {
    /// Reddit app id (`REDDIT_CLIENT_ID`).
    pub reddit_client_id: Option<String>,
    /// Reddit app secret (`REDDIT_CLIENT_SECRET`).
    pub reddit_client_secret: Option<String>,
    /// The `User-Agent` Reddit asks for (`REDDIT_USER_AGENT`); a descriptive default when unset.
    pub reddit_user_agent: Option<String>,
    /// X API v2 app bearer token (`X_BEARER_TOKEN`).
    pub x_bearer_token: Option<String>,
}

impl SocialCredentials {
    /// The JS names of the credentials.
    const KEYS: &'static [&'static str] = &[
        "redditClientId",
        "redditClientSecret",
        "redditUserAgent",
        "xBearerToken",
    ];

    /// `options.socialCredentials`: refusals name the key, never a value.
    fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Option<Self>, Refusal> {
        let Some(given) = Options::read_as(
            env,
            value,
            "new Client: options.socialCredentials".to_owned(),
            "new Client: unknown key in options.socialCredentials:",
            Self::KEYS,
        )?
        else {
            return Ok(None);
        };
        let secret = |key: &str| -> Result<Option<String>, Refusal> {
            match given.get(key)? {
                None => Ok(None),
                Some(value) if value.get_type()? == ValueType::String => {
                    let text = value.coerce_to_string()?.into_utf8()?.into_owned()?;
                    let text = text.trim();
                    Ok((!text.is_empty()).then(|| text.to_owned()))
                }
                Some(_) => Err(Refusal::Type(format!(
                    "{} must be a string",
                    given.name(key)
                ))),
            }
        };
        Ok(Some(SocialCredentials {
            reddit_client_id: secret("redditClientId")?,
            reddit_client_secret: secret("redditClientSecret")?,
            reddit_user_agent: secret("redditUserAgent")?,
            x_bearer_token: secret("xBearerToken")?,
        }))
    }

    fn into_core(self) -> tickersense::social::SocialCredentials {
        tickersense::social::SocialCredentials {
            reddit_client_id: self.reddit_client_id,
            reddit_client_secret: self.reddit_client_secret,
            reddit_user_agent: self.reddit_user_agent,
            x_bearer_token: self.x_bearer_token,
        }
    }
}

impl ClientOptions {
    /// The JS names of the options.
    const KEYS: &'static [&'static str] = &[
        "store",
        "cache",
        "marketData",
        "social",
        "analyzer",
        "timeout",
        "retries",
        "socialCredentials",
    ];

    /// The options given to `new Client(options)`: the URLs and names, and
    /// the backends given as JS objects instead (checked here).
    pub(super) fn read(
        env: &Env,
        value: Option<Unknown<'_>>,
    ) -> Result<(Self, JsBackends), Refusal> {
        let mut backends = JsBackends::default();
        let Some(options) = Options::read(env, value, "new Client", Self::KEYS)? else {
            return Ok((ClientOptions::default(), backends));
        };
        let market_data = match options.get("marketData")?.map(Given::of).transpose()? {
            Some(Given::Value(object)) => {
                backends.set_market_data(env, object)?;
                None
            }
            Some(Given::Text(url)) => Some(url),
            None => None,
        };
        let social = match options.get("social")? {
            Some(list) if list.is_array()? => read_social_list(env, &list, &mut backends)?,
            Some(one) => match Given::of(one)? {
                Given::Text(urls) => Some(urls),
                Given::Value(object) => {
                    backends.add_mention_source(env, object, None)?;
                    backends.set_objects_only(true);
                    None
                }
            },
            None => None,
        };
        let analyzer = match options.get("analyzer")?.map(Given::of).transpose()? {
            Some(Given::Value(object)) => {
                backends.set_analyzer(env, object)?;
                None
            }
            Some(Given::Text(name)) => Some(name),
            None => None,
        };
        let options = ClientOptions {
            store: options.string("store")?,
            cache: options.string("cache")?,
            market_data,
            social,
            analyzer,
            timeout: options.number("timeout")?,
            retries: options.count("retries")?,
            social_credentials: SocialCredentials::read(env, options.get("socialCredentials")?)?,
        };
        Ok((options, backends))
    }

    /// The core configuration these options ask for: each knob (URLs,
    /// `timeout`, `retries`) from the options, else the environment, else
    /// the defaults.
    pub(super) fn into_config(self) -> tickersense::Result<Config> {
        let timeout = self.timeout.map(checked_timeout).transpose()?;
        let mut config = Config::resolve(ConfigOverrides {
            store: self.store,
            cache: self.cache,
            market_data: self.market_data,
            social: self.social,
            analyzer: self.analyzer,
            timeout,
            retries: self.retries,
        })?;
        if let Some(given) = self.social_credentials {
            config.social_credentials = given.into_core().or(config.social_credentials);
        }
        Ok(config)
    }
}

/// The `social` option given as an array of URLs and JS mention sources:
/// the URLs joined as core takes them, and each object added to `backends`
/// (with only objects, the configured URLs are not asked).
fn read_social_list(
    env: &Env,
    list: &Unknown<'_>,
    backends: &mut JsBackends,
) -> Result<Option<String>, Refusal> {
    let array = list.coerce_to_object()?;
    let len = array.get_array_length()?;
    // As in the Python binding: an empty list names no source, and taking
    // it as "none given" would silently fall back to the configured one.
    if len == 0 {
        return Err(Refusal::Core(tickersense::Error::invalid_input(
            "new Client: options.social is an empty array; give at least one URL or mention source, or leave it out",
        )));
    }
    let mut urls = Vec::new();
    for i in 0..len {
        let item: Unknown<'_> = array.get_element(i)?;
        match Given::of(item)? {
            Given::Text(url) => urls.push(url),
            Given::Value(object) => backends.add_mention_source(env, object, Some(i))?,
        }
    }
    backends.set_objects_only(urls.is_empty());
    Ok((!urls.is_empty()).then(|| urls.join(",")))
}

/// The range and bar width of a `history` call, and the signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HistoryOptions {
    /// How far back from now (or from `end`), in yfinance's spelling:
    /// `1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max` (default `"1mo"`).
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// The width of each bar: `1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo`
    /// (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// First instant included; with it, `period` is not used and the range
    /// runs to `end` (default now). An invalid `Date` rejects with
    /// `"InvalidInput"`.
    pub start: Option<DateTime<Utc>>,
    /// First instant excluded; without `start`, the range is `period`
    /// counted back from `end`. An invalid `Date` rejects with `"InvalidInput"`.
    pub end: Option<DateTime<Utc>>,
    /// Aborts the call: the promise rejects at once with the signal's
    /// `reason` (a `DOMException` named `"AbortError"` for a plain
    /// `controller.abort()`), as `fetch` does, and the work in core stops.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl HistoryOptions {
    /// The JS names of the options.
    const KEYS: &'static [&'static str] = &["period", "interval", "start", "end", "signal"];

    /// The range, interval and signal in `options` (read by any call that
    /// takes them).
    pub(super) fn read(options: &Options<'_>) -> Result<Self, Refusal> {
        Ok(HistoryOptions {
            period: options.string("period")?,
            interval: options.string("interval")?,
            start: options.date("start")?,
            end: options.date("end")?,
            signal: options.signal("signal")?,
        })
    }

    /// The core range and interval: yfinance's spellings parsed, and
    /// `period`, `start` and `end` resolved by [`HistoryRange::from_args`].
    pub(super) fn parse(&self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(self.period.as_deref(), self.start, self.end)?;
        let interval = parse_interval(self.interval.as_deref())?;
        Ok((range, interval))
    }

    /// The options of `call(symbol, periodOrOptions, interval)` (`history`,
    /// `storedHistory`): a period string followed by an interval string
    /// (the older call shape), or an options object alone.
    pub(super) fn from_args(
        env: &Env,
        call: &'static str,
        period_or_options: Option<Unknown<'_>>,
        interval: Option<String>,
    ) -> Result<Self, Refusal> {
        let given = match &period_or_options {
            Some(value) => value.get_type()?,
            None => ValueType::Undefined,
        };
        match given {
            ValueType::Undefined | ValueType::Null => Ok(HistoryOptions {
                interval,
                ..HistoryOptions::default()
            }),
            ValueType::String => Ok(HistoryOptions {
                period: period_or_options
                    .map(|p| args::string(&format!("{call}: period"), &p))
                    .transpose()?,
                interval,
                ..HistoryOptions::default()
            }),
            ValueType::Object if interval.is_some() => {
                Err(tickersense::Error::invalid_input(format!(
                    "{call} takes an options object or a period and an interval, not both: \
                 put `interval` in the options"
                ))
                .into())
            }
            _ => {
                let options = Options::read(env, period_or_options, call, Self::KEYS)?;
                options.map_or(Ok(HistoryOptions::default()), |o| Self::read(&o))
            }
        }
    }
}

/// The range and bar width of a `historyMany` call, how many symbols are
/// fetched at once, and the signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HistoryManyOptions {
    /// As in `HistoryOptions` (default `"1mo"`).
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time, 1 to 64 (default 8); anything else
    /// rejects with `"InvalidInput"`.
    pub concurrency: Option<u32>,
    /// As in `HistoryOptions`: aborts every fetch of the call.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

/// The range, bar width and parallelism of a `backfill` call, and the
/// signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct BackfillOptions {
    /// As in `HistoryOptions`, but the default is `"1y"`.
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time, 1 to 64 (default 4); anything else
    /// rejects with `"InvalidInput"`.
    pub concurrency: Option<u32>,
    /// As in `HistoryOptions`: aborts the run; what was written stays, and
    /// a symbol cut short shows `"running"` until the next run redoes it.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

/// The JS names of the options of `historyMany` and `backfill`.
const BATCH_KEYS: &[&str] = &[
    "period",
    "interval",
    "start",
    "end",
    "concurrency",
    "signal",
];

/// The options of a batch call (`historyMany`, `backfill`): those of
/// `history` and `concurrency`.
fn read_batch(
    env: &Env,
    value: Option<Unknown<'_>>,
    call: &'static str,
) -> Result<(HistoryOptions, Option<u32>), Refusal> {
    match Options::read(env, value, call, BATCH_KEYS)? {
        Some(options) => Ok((
            HistoryOptions::read(&options)?,
            options.count("concurrency")?,
        )),
        None => Ok((HistoryOptions::default(), None)),
    }
}

impl HistoryManyOptions {
    /// The options given to `historyMany(symbols, options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        let (h, concurrency) = read_batch(env, value, "historyMany")?;
        Ok(HistoryManyOptions {
            period: h.period,
            interval: h.interval,
            start: h.start,
            end: h.end,
            concurrency,
            signal: h.signal,
        })
    }
}

impl BackfillOptions {
    /// The options given to `backfill(symbols, options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        let (h, concurrency) = read_batch(env, value, "backfill")?;
        Ok(BackfillOptions {
            period: h.period,
            interval: h.interval,
            start: h.start,
            end: h.end,
            concurrency,
            signal: h.signal,
        })
    }
}

/// The signal that aborts a `health` call.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HealthOptions {
    /// As in `HistoryOptions`: the promise rejects at once with the
    /// signal's `reason`, and the probes under way are dropped.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl HealthOptions {
    /// The options given to `health(options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        match Options::read(env, value, "health", &["signal"])? {
            Some(options) => Ok(HealthOptions {
                signal: options.signal("signal")?,
            }),
            None => Ok(HealthOptions::default()),
        }
    }
}

/// The signal that aborts one of the other calls that do I/O (`quote`,
/// `search`, `sentiment`, `sentimentAnalyses`, `sentimentTrend`,
/// `scorePosts`, `backfillStatuses`, `storedSeries`, `cacheStats`,
/// `invalidate`), given as their last argument.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct CallOptions {
    /// As in `HistoryOptions`: the promise rejects at once with the
    /// signal's `reason`, whatever a backend of your own is doing, and the
    /// work under way is dropped.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl CallOptions {
    /// The options given as the last argument of `call` (`"quote"`).
    pub(super) fn read(
        env: &Env,
        value: Option<Unknown<'_>>,
        call: &'static str,
    ) -> Result<Self, Refusal> {
        match Options::read(env, value, call, &["signal"])? {
            Some(options) => Ok(CallOptions {
                signal: options.signal("signal")?,
            }),
            None => Ok(CallOptions::default()),
        }
    }
}

/// The look-back and platform of a `sentimentHistory` call, and the
/// signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct SentimentHistoryOptions {
    /// Days to look back, 1 to 3650 (default 30); anything else rejects
    /// with `"InvalidInput"`.
    pub days: Option<u32>,
    /// Only this platform's posts (`"reddit"`, `"stocktwits"`, ...).
    pub platform: Option<String>,
    /// As in `HistoryOptions`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl SentimentHistoryOptions {
    /// The options given to `sentimentHistory(symbol, options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        match Options::read(
            env,
            value,
            "sentimentHistory",
            &["days", "platform", "signal"],
        )? {
            Some(o) => Ok(SentimentHistoryOptions {
                days: o.count("days")?,
                platform: o.string("platform")?,
                signal: o.signal("signal")?,
            }),
            None => Ok(SentimentHistoryOptions::default()),
        }
    }
}

/// The symbol and look-back of a `sentimentAgreement` call, and the signal
/// that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct AgreementOptions {
    /// Only this symbol's posts; every symbol's when left out.
    pub symbol: Option<String>,
    /// Days to look back, 1 to 3650 (default 30); anything else rejects
    /// with `"InvalidInput"`.
    pub days: Option<u32>,
    /// As in `HistoryOptions`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl AgreementOptions {
    /// The options given to `sentimentAgreement(options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        match Options::read(
            env,
            value,
            "sentimentAgreement",
            &["symbol", "days", "signal"],
        )? {
            Some(o) => Ok(AgreementOptions {
                symbol: o.string("symbol")?,
                days: o.count("days")?,
                signal: o.signal("signal")?,
            }),
            None => Ok(AgreementOptions::default()),
        }
    }
}

/// The look-back and count of a `mentions` call, and the signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct MentionsOptions {
    /// Days to look back, 1 to 3650 (default 7); anything else rejects
    /// with `"InvalidInput"`.
    pub days: Option<u32>,
    /// Most posts asked of each source, 1 to 1000 (default 100); anything
    /// else rejects with `"InvalidInput"`.
    pub limit: Option<u32>,
    /// As in `HistoryOptions`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl MentionsOptions {
    /// The options given to `mentions(symbol, options)`.
    pub(super) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        match Options::read(env, value, "mentions", &["days", "limit", "signal"])? {
            Some(o) => Ok(MentionsOptions {
                days: o.count("days")?,
                limit: o.count("limit")?,
                signal: o.signal("signal")?,
            }),
            None => Ok(MentionsOptions::default()),
        }
    }
}

/// An interval in yfinance's spelling, core's default when left out.
pub(super) fn parse_interval(interval: Option<&str>) -> tickersense::Result<Interval> {
    interval.map_or(
        Ok(crate::defaults::DEFAULT_INTERVAL),
        str::parse::<Interval>,
    )
}
