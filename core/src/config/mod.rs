//! One [`Config`] for the whole library. Each backend is chosen by a URL, the
//! same string in Rust, Python, Node and the `TICKERSENSE_*` environment:
//!
//! | knob | env | default | accepted |
//! |---|---|---|---|
//! | store | `TICKERSENSE_STORE` | `sqlite://tickersense.db` | `memory://`, `sqlite://PATH`, `postgres://...` |
//! | cache | `TICKERSENSE_CACHE` | `memory://` | `none://`, `memory://`, `redis://HOST:PORT/DB`, `tiered+redis://HOST:PORT/DB` |
//! | market data | `TICKERSENSE_MARKET_DATA` | `sample://` | `sample://`, `yahoo://`, `yahoo+http://HOST:PORT` (both `?max_body=BYTES`), `csv://DIR` (`?tz=ZONE`) |
//! | social | `TICKERSENSE_SOCIAL` | `sample://` | `sample://` (several, comma-separated) |
//! | analyzer | `TICKERSENSE_ANALYZER` | `textblob` | `textblob`, `vader` (any case) |
//!
//! How hard HTTP providers try (timeout, retries, breaker, concurrency) and
//! how large an answer they read (32 MiB) is [`Config::resilience`], set in
//! code; its defaults suit Yahoo. A Yahoo URL's `?max_body=` overrides the
//! body limit for that provider alone.
//!
//! Validation ([`Config::validate`]) is pure parsing: it does no I/O, so a
//! bad URL fails where the client is made, and a down server fails at the
//! first call that needs it.

use std::fmt;

use crate::error::{echo, redact_url, Error, RedactedUrl, Result};
use crate::resilience::ResiliencePolicy;

/// Backend URLs and analyzer name. Build one with [`Config::default`],
/// [`Config::from_env`] or [`Config::resolve`], then hand it to
/// [`Tickersense::new`](crate::Tickersense::new). Its `Debug` form shows
/// every URL as [`redact_url`](crate::error::redact_url) does, without passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Where bars and analyses are kept.
    pub store: String,
    /// Where fetched values are cached.
    pub cache: String,
    /// Where quotes, history and search come from.
    pub market_data: String,
    /// Where posts come from; several sources separated by commas.
    pub social: String,
    /// The sentiment analyzer's name.
    pub analyzer: String,
    /// Timeouts, retries, circuit breaker and concurrency bound of every
    /// HTTP upstream (market data now, social sources later).
    pub resilience: ResiliencePolicy,
}

/// Values that win over the environment and the defaults; `None` leaves a
/// knob alone. Its `Debug` form hides passwords, as [`Config`]'s does.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigOverrides {
    /// See [`Config::store`].
    pub store: Option<String>,
    /// See [`Config::cache`].
    pub cache: Option<String>,
    /// See [`Config::market_data`].
    pub market_data: Option<String>,
    /// See [`Config::social`].
    pub social: Option<String>,
    /// See [`Config::analyzer`].
    pub analyzer: Option<String>,
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

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("store", &RedactedUrl(&self.store))
            .field("cache", &RedactedUrl(&self.cache))
            .field("market_data", &RedactedUrl(&self.market_data))
            .field("social", &RedactedList(&self.social))
            .field("analyzer", &self.analyzer)
            .field("resilience", &self.resilience)
            .finish()
    }
}

impl fmt::Debug for ConfigOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn url(v: &Option<String>) -> Option<RedactedUrl<'_>> {
            v.as_deref().map(RedactedUrl)
        }
        f.debug_struct("ConfigOverrides")
            .field("store", &url(&self.store))
            .field("cache", &url(&self.cache))
            .field("market_data", &url(&self.market_data))
            .field("social", &self.social.as_deref().map(RedactedList))
            .field("analyzer", &self.analyzer)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            store: "sqlite://tickersense.db".to_owned(),
            cache: "memory://".to_owned(),
            market_data: "sample://".to_owned(),
            social: "sample://".to_owned(),
            analyzer: "textblob".to_owned(),
            resilience: ResiliencePolicy::default(),
        }
    }
}

impl Config {
    /// The defaults, overridden by any `TICKERSENSE_STORE`, `TICKERSENSE_CACHE`,
    /// `TICKERSENSE_MARKET_DATA`, `TICKERSENSE_SOCIAL`, `TICKERSENSE_ANALYZER`
    /// that is set, then validated.
    pub fn from_env() -> Result<Self> {
        Self::resolve(ConfigOverrides::default())
    }

    /// Defaults, then environment, then `overrides`; validated.
    pub fn resolve(overrides: ConfigOverrides) -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut config = Config::default();
        let knobs: [(&mut String, &str, Option<String>); 5] = [
            (&mut config.store, "TICKERSENSE_STORE", overrides.store),
            (&mut config.cache, "TICKERSENSE_CACHE", overrides.cache),
            (
                &mut config.market_data,
                "TICKERSENSE_MARKET_DATA",
                overrides.market_data,
            ),
            (&mut config.social, "TICKERSENSE_SOCIAL", overrides.social),
            (
                &mut config.analyzer,
                "TICKERSENSE_ANALYZER",
                overrides.analyzer,
            ),
        ];
        for (slot, var, given) in knobs {
            if let Some(value) = given.or_else(|| env(var)) {
                *slot = value;
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks every URL and the analyzer name, without any I/O.
    pub fn validate(&self) -> Result<()> {
        crate::store::StoreUrl::parse(&self.store)?;
        crate::cache::CacheUrl::parse(&self.cache)?;
        crate::provider::ProviderUrl::parse(&self.market_data)?;
        crate::social::SourceUrl::parse_list(&self.social)?;
        crate::sentiment::analyzer_by_name(&self.analyzer)?;
        Ok(())
    }
}

/// Splits `url` into its scheme and the rest, or says plainly what a backend
/// URL looks like. `what` names the knob ("store", "cache", ...) for the message.
pub(crate) fn split_scheme<'a>(
    url: &'a str,
    what: &str,
    accepted: &str,
) -> Result<(&'a str, &'a str)> {
    let trimmed = url.trim();
    match trimmed.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() => Ok((scheme, rest)),
        _ => Err(Error::invalid_input(format!(
            "{what} URL has no scheme (like sqlite://); expected one of: {accepted}"
        ))),
    }
}

/// `Ok` when a URL of `scheme` that takes nothing after `://` (`memory://`,
/// `none://`) has nothing there: `memory://prices` is a mistake worth
/// saying, not a memory store.
pub(crate) fn nothing_after(what: &str, scheme: &str, rest: &str) -> Result<()> {
    if rest.is_empty() {
        return Ok(());
    }
    // What follows may be a mistyped URL with a password in it.
    Err(Error::invalid_input(format!(
        "a {scheme}:// {what} takes nothing after \"://\", not {}",
        echo(&redact_url(&format!("{scheme}://{rest}")))
    )))
}

/// The error for a scheme a knob does not know.
pub(crate) fn unknown_scheme(what: &str, scheme: &str, accepted: &str) -> Error {
    Error::invalid_input(format!(
        "unknown {what} scheme {}; expected one of: {accepted}",
        echo(scheme)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn defaults_are_valid_and_embedded() {
        let c = Config::default();
        c.validate().unwrap();
        assert!(c.store.starts_with("sqlite://"));
    }

    #[test]
    fn overrides_win_and_bad_schemes_are_invalid_input() {
        let c = Config::resolve(ConfigOverrides {
            store: Some("memory://".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.store, "memory://");
        for bad in [
            ConfigOverrides {
                store: Some("mysql://x".into()),
                ..Default::default()
            },
            ConfigOverrides {
                cache: Some("memcached://x".into()),
                ..Default::default()
            },
            ConfigOverrides {
                market_data: Some("nope".into()),
                ..Default::default()
            },
            ConfigOverrides {
                analyzer: Some("magic".into()),
                ..Default::default()
            },
        ] {
            assert_eq!(
                Config::resolve(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput
            );
        }
    }

    #[test]
    fn messages_never_echo_passwords() {
        let err = Config::resolve(ConfigOverrides {
            store: Some("pg://bob:hunter2@h/db".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = Config::resolve(ConfigOverrides {
            store: Some("bob:hunter2@h/db".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn debug_never_shows_passwords() {
        let config = Config {
            store: "postgres://bob:hunter2@db/app".into(),
            cache: "redis://:hunter3@127.0.0.1:6379/0".into(),
            market_data: "yahoo+http://eve:hunter4@127.0.0.1:9".into(),
            social: "sample://, feed+https://u:hunter5@h/x".into(),
            ..Config::default()
        };
        let overrides = ConfigOverrides {
            store: Some(config.store.clone()),
            cache: Some(config.cache.clone()),
            market_data: Some(config.market_data.clone()),
            social: Some(config.social.clone()),
            analyzer: None,
        };
        for shown in [
            format!("{config:?}"),
            format!("{config:#?}"),
            format!("{overrides:?}"),
            format!("{:?}", crate::Tickersense::builder().config(config.clone())),
        ] {
            for secret in ["hunter2", "hunter3", "hunter4", "hunter5"] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(shown.contains("db/app"), "{shown}");
        }
        // The parsed URL types hide them too.
        for shown in [
            format!(
                "{:?}",
                crate::store::StoreUrl::parse(&config.store).unwrap()
            ),
            format!(
                "{:?}",
                crate::cache::CacheUrl::parse(&config.cache).unwrap()
            ),
            format!(
                "{:?}",
                crate::cache::CacheUrl::parse("tiered+redis://:hunter3@h:6379/0").unwrap()
            ),
            format!(
                "{:?}",
                crate::provider::ProviderUrl::parse(&config.market_data).unwrap()
            ),
        ] {
            assert!(!shown.contains("hunter"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }

    #[test]
    fn analyzer_names_are_case_insensitive() {
        for name in ["VADER", "Vader", " vader ", "TextBlob", "TEXTBLOB"] {
            let config = Config::resolve(ConfigOverrides {
                analyzer: Some(name.into()),
                ..Default::default()
            });
            assert!(config.is_ok(), "{name}: {:?}", config.err());
            assert!(crate::sentiment::analyzer_by_name(name).is_ok(), "{name}");
        }
        let Err(err) = crate::sentiment::analyzer_by_name(&"V".repeat(1 << 20)) else {
            panic!("a megabyte of V is no analyzer");
        };
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().len() < 300, "{}", err.message().len());
    }

    #[test]
    fn huge_urls_are_echoed_short() {
        let mb = "x".repeat(1 << 20);
        let knobs = |url: String| {
            [
                ConfigOverrides {
                    store: Some(url.clone()),
                    ..Default::default()
                },
                ConfigOverrides {
                    cache: Some(url.clone()),
                    ..Default::default()
                },
                ConfigOverrides {
                    market_data: Some(url.clone()),
                    ..Default::default()
                },
                ConfigOverrides {
                    social: Some(url),
                    ..Default::default()
                },
            ]
        };
        // Each URL is refused by the knob it is written for (the others
        // refuse its scheme), and no message repeats the megabyte.
        let own: [(usize, String); 9] = [
            (0, format!("{mb}://x")),
            (0, format!("sqlite://x.db?migrations={mb}")),
            (1, format!("redis://h:6379/{mb}")),
            (1, format!("redis://h:6379/0?prefix={mb}")),
            (2, format!("yahoo+http://h:9/?max_body={mb}")),
            (2, format!("yahoo+http://[{mb}")),
            (2, format!("yahoo://?{mb}=1")),
            (2, format!("csv://d?tz={mb}")),
            (3, format!("sample://{mb}")),
        ];
        for (knob, url) in own {
            for (i, overrides) in knobs(url.clone()).into_iter().enumerate() {
                let resolved = Config::resolve(overrides);
                let err = match resolved {
                    Err(err) => err,
                    Ok(_) => panic!("knob {i} took {}...", &url[..20]),
                };
                assert!(
                    err.message().len() < 300,
                    "{}: {} characters (knob {i}, written for {knob})",
                    &url[..20],
                    err.message().len()
                );
            }
        }
    }

    #[test]
    fn a_mistyped_scheme_never_shows_the_password_after_it() {
        let err = Config::resolve(ConfigOverrides {
            cache: Some("memory://:hunter2@redis:6379/0".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(!err.message().contains("hunter2"), "{err}");
        assert!(err.message().contains("redis:6379"), "{err}");
    }
}
