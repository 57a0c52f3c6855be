//! One [`Config`] for the whole library. Each backend is chosen by a URL, the
//! same string in Rust, Python, Node and the `TICKERSENSE_*` environment, and
//! reads its own options from that URL's query (`?pool=16&connect_timeout=2s`):
//!
//! | knob | env | default | accepted | options |
//! |---|---|---|---|---|
//! | store | `TICKERSENSE_STORE` | `sqlite://tickersense.db` (`memory://` without the `sqlite` feature) | `memory://`, `sqlite://PATH`, `postgres://USER@HOST/DB` | sqlite: `migrations=apply\|check`; postgres: `pool=N` (8), `connect_timeout=DURATION` (5s), `migrations=apply\|check`, and the driver's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`, `application_name`, `options`, `host`, `port`, `user`, `password`, `dbname`, ... |
//! | cache | `TICKERSENSE_CACHE` | `memory://` | `none://`, `memory://`, `redis://HOST:PORT/DB`, `tiered+redis://HOST:PORT/DB` | redis: `prefix=NAME` (`tickersense`), `timeout=DURATION` (2s), `connect_timeout=DURATION` (500ms), `protocol=resp3` |
//! | market data | `TICKERSENSE_MARKET_DATA` | `sample://` | `sample://`, `yahoo://`, `yahoo+http://HOST:PORT`, `csv://DIR` | yahoo: `max_body=BYTES` (32 MiB); csv: `tz=ZONE` |
//! | social | `TICKERSENSE_SOCIAL` | `sample://` | `sample://` (several, comma-separated) | none |
//! | analyzer | `TICKERSENSE_ANALYZER` | `textblob` | `textblob`, `vader` (any case) | — |
//! | timeout | `TICKERSENSE_TIMEOUT` | 10 s | seconds (`2.5`) or a duration (`2s`, `500ms`) | — |
//! | retries | `TICKERSENSE_RETRIES` | 3 | a whole number from 0 | — |
//! | store texts | `TICKERSENSE_STORE_TEXTS` | `false` | `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case) | — |
//! | source deadline | `TICKERSENSE_SOURCE_DEADLINE` | 5 s | seconds or a duration, above zero and at most 600 s | — |
//!
//! Option values are percent-decoded (`?tz=America%2FNew_York`); durations
//! are written `500ms`, `2s`, `1.5s` or as bare seconds. An option a backend
//! does not read is `InvalidInput` naming the ones it does, and a backend
//! whose Cargo feature (`sqlite`, `postgres`, `redis`, `yahoo`) is off is
//! `InvalidInput` naming the feature.
//!
//! How hard HTTP providers try (timeout, retries, breaker, concurrency) and
//! how large an answer they read (32 MiB) is [`Config::resilience`]; its
//! timeout and retries are also knobs above, and its defaults suit Yahoo. A
//! Yahoo URL's `?max_body=` overrides the body limit for that provider alone.
//!
//! A [`Config`] holds every URL parsed, once: parsing is all the checking
//! there is, and it does no I/O, so a bad URL fails where the configuration
//! is made, and a down server fails at the first call that needs it.

use std::fmt;
use std::time::Duration;

use crate::cache::CacheUrl;
use crate::error::{echo, Error, Result};
use crate::provider::ProviderUrl;
use crate::resilience::ResiliencePolicy;
use crate::sentiment::AnalyzerKind;
use crate::social::{SocialCredentials, SourceUrl};
use crate::store::StoreUrl;
use crate::url::{parse_duration, RedactedUrl};

/// The store when none is named: one SQLite file in the working folder
/// (`memory://` in a build without the `sqlite` feature).
#[cfg(feature = "sqlite")]
pub const DEFAULT_STORE: &str = "sqlite://tickersense.db";
/// The store when none is named: one SQLite file in the working folder
/// (`memory://` in a build without the `sqlite` feature).
#[cfg(not(feature = "sqlite"))]
pub const DEFAULT_STORE: &str = "memory://";
/// The cache when none is named: in-process memory.
pub const DEFAULT_CACHE: &str = "memory://";
/// The market data when none is named: the offline synthetic provider.
pub const DEFAULT_MARKET_DATA: &str = "sample://";
/// The social sources when none is named: the offline synthetic posts.
pub const DEFAULT_SOCIAL: &str = "sample://";
/// The analyzer when none is named.
pub const DEFAULT_ANALYZER: &str = "textblob";

/// The environment variable of each knob, read by [`Config::resolve`].
pub mod env {
    /// The store URL.
    pub const STORE: &str = "TICKERSENSE_STORE";
    /// The cache URL.
    pub const CACHE: &str = "TICKERSENSE_CACHE";
    /// The market-data URL.
    pub const MARKET_DATA: &str = "TICKERSENSE_MARKET_DATA";
    /// The social source URLs, comma-separated.
    pub const SOCIAL: &str = "TICKERSENSE_SOCIAL";
    /// The analyzer name.
    pub const ANALYZER: &str = "TICKERSENSE_ANALYZER";
    /// The HTTP upstreams' timeout: seconds (`2.5`) or a duration (`2s`, `500ms`).
    pub const TIMEOUT: &str = "TICKERSENSE_TIMEOUT";
    /// The HTTP upstreams' retries after the first attempt.
    pub const RETRIES: &str = "TICKERSENSE_RETRIES";
    /// Whether stored posts keep their text: `true` or `false`.
    pub const STORE_TEXTS: &str = "TICKERSENSE_STORE_TEXTS";
    /// How long a sentiment analysis waits for its social sources:
    /// seconds (`2.5`) or a duration (`2s`, `500ms`).
    pub const SOURCE_DEADLINE: &str = "TICKERSENSE_SOURCE_DEADLINE";
}

/// Every backend, parsed, and how hard HTTP upstreams try. Build one with
/// [`Config::default`], [`Config::from_env`] or [`Config::resolve`] (or set
/// fields to URLs parsed with `"...".parse()?`), then hand it to
/// [`Tickersense::new`](crate::Tickersense::new). Its `Debug` form shows
/// every URL without passwords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where bars and analyses are kept.
    pub store: StoreUrl,
    /// Where fetched values are cached.
    pub cache: CacheUrl,
    /// Where quotes, history and search come from.
    pub market_data: ProviderUrl,
    /// Where posts come from; at least one source.
    pub social: Vec<SourceUrl>,
    /// The sentiment analyzer.
    pub analyzer: AnalyzerKind,
    /// Timeouts, retries, circuit breaker and concurrency bound of every
    /// HTTP upstream (market data and social sources).
    pub resilience: ResiliencePolicy,
    /// The social platforms' credentials ([`Config::from_env`] reads
    /// `REDDIT_CLIENT_ID`, `REDDIT_CLIENT_SECRET`, `REDDIT_USER_AGENT`,
    /// `X_BEARER_TOKEN`); `Debug` shows only which are set.
    pub social_credentials: SocialCredentials,
    /// Whether the post store keeps each post's text (`false` by default:
    /// history, trend and agreement need only the scores, and the texts
    /// are the platforms' users' words). See
    /// [`SentimentService::with_store_texts`](crate::service::SentimentService::with_store_texts).
    pub store_texts: bool,
    /// How long each sentiment analysis waits for its social sources, all
    /// asked at once (default
    /// [`DEFAULT_SOURCE_DEADLINE`](crate::service::DEFAULT_SOURCE_DEADLINE));
    /// above zero and at most [`MAX_SOURCE_DEADLINE`], which building a
    /// client checks. See
    /// [`SentimentService::with_source_deadline`](crate::service::SentimentService::with_source_deadline).
    pub source_deadline: Duration,
}

/// The longest [`Config::source_deadline`] taken: an analysis is a call a
/// user waits on, and a source slower than this is down, not slow.
pub const MAX_SOURCE_DEADLINE: Duration = Duration::from_secs(600);

/// `deadline` when it can be [`Config::source_deadline`], else
/// `InvalidInput` naming the setting.
pub(crate) fn checked_source_deadline(deadline: Duration) -> Result<Duration> {
    source_deadline_in_range("source_deadline", deadline)
}

/// `deadline` when it is above zero and at most [`MAX_SOURCE_DEADLINE`],
/// else `InvalidInput` naming `what` (the setting or its variable).
fn source_deadline_in_range(what: &str, deadline: Duration) -> Result<Duration> {
    if deadline.is_zero() || deadline > MAX_SOURCE_DEADLINE {
        return Err(Error::invalid_input(format!(
            "{what} must be above zero and at most {}s, not {deadline:?}",
            MAX_SOURCE_DEADLINE.as_secs()
        )));
    }
    Ok(deadline)
}

/// Values that win over the environment and the defaults; `None` leaves a
/// knob alone. URLs stay text here: [`Config::resolve`] parses them. Its
/// `Debug` form hides passwords, as [`Config`]'s does.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigOverrides {
    /// See [`Config::store`].
    pub store: Option<String>,
    /// See [`Config::cache`].
    pub cache: Option<String>,
    /// See [`Config::market_data`].
    pub market_data: Option<String>,
    /// See [`Config::social`]: comma-separated URLs.
    pub social: Option<String>,
    /// See [`Config::analyzer`].
    pub analyzer: Option<String>,
    /// [`ResiliencePolicy::timeout`]; above zero.
    pub timeout: Option<Duration>,
    /// [`ResiliencePolicy::max_retries`].
    pub retries: Option<u32>,
}

impl fmt::Debug for ConfigOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn url(v: &Option<String>) -> Option<RedactedList<'_>> {
            v.as_deref().map(RedactedList)
        }
        f.debug_struct("ConfigOverrides")
            .field("store", &url(&self.store))
            .field("cache", &url(&self.cache))
            .field("market_data", &url(&self.market_data))
            .field("social", &url(&self.social))
            .field("analyzer", &self.analyzer.as_deref().map(echo))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

/// Each URL of a comma-separated list, redacted.
struct RedactedList<'a>(&'a str);

impl fmt::Debug for RedactedList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .0
            .split(',')
            .map(|u| RedactedUrl(u.trim()).to_string())
            .collect();
        fmt::Debug::fmt(&shown.join(","), f)
    }
}

impl Default for Config {
    /// [`DEFAULT_STORE`], [`DEFAULT_CACHE`], [`DEFAULT_MARKET_DATA`],
    /// [`DEFAULT_SOCIAL`], [`DEFAULT_ANALYZER`] and the default
    /// [`ResiliencePolicy`].
    fn default() -> Self {
        // The defaults are constants this crate's tests parse.
        Config {
            store: StoreUrl::parse(DEFAULT_STORE).expect("the default store URL parses"),
            cache: CacheUrl::parse(DEFAULT_CACHE).expect("the default cache URL parses"),
            market_data: ProviderUrl::parse(DEFAULT_MARKET_DATA)
                .expect("the default market-data URL parses"),
            social: SourceUrl::parse_list(DEFAULT_SOCIAL).expect("the default social URL parses"),
            analyzer: AnalyzerKind::default(),
            resilience: ResiliencePolicy::default(),
            social_credentials: SocialCredentials::default(),
            store_texts: false,
            source_deadline: crate::service::DEFAULT_SOURCE_DEADLINE,
        }
    }
}

impl Config {
    /// The defaults, overridden by every `TICKERSENSE_*` variable that is
    /// set (see the [module docs](self)), parsed.
    pub fn from_env() -> Result<Self> {
        Self::resolve(ConfigOverrides::default())
    }

    /// Defaults, then environment, then `overrides`, each knob parsed once.
    /// `InvalidInput` for a bad URL, analyzer, timeout or retry count; one
    /// read from the environment names its variable.
    pub fn resolve(overrides: ConfigOverrides) -> Result<Self> {
        Self::resolve_in(overrides, &|var| std::env::var(var))
    }

    /// This configuration with `overrides` applied (the environment is not
    /// read), each given knob parsed. `InvalidInput` as for [`Config::resolve`].
    pub fn overridden(self, overrides: ConfigOverrides) -> Result<Self> {
        self.apply(overrides, &|_| Err(std::env::VarError::NotPresent))
    }

    /// [`Config::resolve`] with the environment read through `read_env`.
    fn resolve_in(overrides: ConfigOverrides, read_env: &Env<'_>) -> Result<Self> {
        Config::default().apply(overrides, read_env)
    }

    /// `self`, then the environment read through `read_env`, then `overrides`.
    fn apply(self, overrides: ConfigOverrides, read_env: &Env<'_>) -> Result<Self> {
        let mut config = self;
        set_knob(
            &mut config.store,
            overrides.store,
            env::STORE,
            read_env,
            StoreUrl::parse,
        )?;
        set_knob(
            &mut config.cache,
            overrides.cache,
            env::CACHE,
            read_env,
            CacheUrl::parse,
        )?;
        set_knob(
            &mut config.market_data,
            overrides.market_data,
            env::MARKET_DATA,
            read_env,
            ProviderUrl::parse,
        )?;
        set_knob(
            &mut config.social,
            overrides.social,
            env::SOCIAL,
            read_env,
            SourceUrl::parse_list,
        )?;
        set_knob(
            &mut config.analyzer,
            overrides.analyzer,
            env::ANALYZER,
            read_env,
            AnalyzerKind::parse,
        )?;
        let timeout = match overrides.timeout {
            Some(given) => Some(positive_timeout("timeout", given)?),
            None => knob(None, env::TIMEOUT, read_env, |text| {
                positive_timeout(env::TIMEOUT, parse_duration(env::TIMEOUT, text)?)
            })?,
        };
        if let Some(timeout) = timeout {
            config.resilience.timeout = timeout;
        }
        let retries = match overrides.retries {
            Some(given) => Some(given),
            None => knob(None, env::RETRIES, read_env, parse_retries)?,
        };
        if let Some(retries) = retries {
            config.resilience.max_retries = retries;
        }
        if let Some(store_texts) = knob(None, env::STORE_TEXTS, read_env, parse_flag)? {
            config.store_texts = store_texts;
        }
        let deadline = knob(None, env::SOURCE_DEADLINE, read_env, |text| {
            let deadline = parse_duration(env::SOURCE_DEADLINE, text)?;
            source_deadline_in_range(env::SOURCE_DEADLINE, deadline)
        })?;
        if let Some(deadline) = deadline {
            config.source_deadline = deadline;
        }
        let from_env = SocialCredentials::from_vars(&|name| read_env(name).ok());
        config.social_credentials = config.social_credentials.or(from_env);
        Ok(config)
    }

    /// The social sources as one comma-separated line, redacted: how
    /// [`Config::social`] shows in messages and `repr`s.
    pub fn social_display(&self) -> String {
        let shown: Vec<String> = self.social.iter().map(ToString::to_string).collect();
        shown.join(",")
    }
}

/// How the environment is read: `std::env::var`, or a stand-in in tests.
type Env<'a> = dyn Fn(&str) -> std::result::Result<String, std::env::VarError> + 'a;

/// Sets `slot` to the knob's value ([`knob`]) when it has one; leaves it
/// as it is otherwise.
fn set_knob<T>(
    slot: &mut T,
    given: Option<String>,
    var: &str,
    read_env: &Env<'_>,
    parse: impl Fn(&str) -> Result<T>,
) -> Result<()> {
    if let Some(value) = knob(given, var, read_env, parse)? {
        *slot = value;
    }
    Ok(())
}

/// The knob's value: `given`, else the environment variable `var` when set
/// and not blank, parsed by `parse`; `None` when neither is there. An
/// error in the variable's value names the variable.
fn knob<T>(
    given: Option<String>,
    var: &str,
    read_env: &Env<'_>,
    parse: impl Fn(&str) -> Result<T>,
) -> Result<Option<T>> {
    if let Some(given) = given {
        return parse(&given).map(Some);
    }
    match read_env(var) {
        Ok(value) if !value.trim().is_empty() => parse(&value).map(Some).map_err(|err| {
            if err.message().starts_with(var) {
                err
            } else {
                Error::new(err.kind(), format!("{var}: {}", err.message()))
            }
        }),
        Ok(_) => Ok(None),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::invalid_input(format!("{var} is not valid UTF-8")))
        }
    }
}

fn positive_timeout(what: &str, timeout: Duration) -> Result<Duration> {
    if timeout.is_zero() {
        return Err(Error::invalid_input(format!("{what} must be above zero")));
    }
    Ok(timeout)
}

fn parse_retries(text: &str) -> Result<u32> {
    text.trim().parse::<u32>().map_err(|_| {
        Error::invalid_input(format!(
            "{} must be a whole number from 0 to {}, not {}",
            env::RETRIES,
            u32::MAX,
            echo(text)
        ))
    })
}

/// A yes-or-no knob: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, in
/// any case and with surrounding space.
fn parse_flag(text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(Error::invalid_input(format!(
            "{} must be true or false, not {}",
            env::STORE_TEXTS,
            echo(text)
        ))),
    }
}

#[cfg(test)]
mod tests;
