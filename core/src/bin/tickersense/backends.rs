//! The backend flags `serve` and `backfill` share, resolved into a
//! [`Config`] over the `TICKERSENSE_*` environment and the defaults.

use tickersense::cache::CacheUrl;
use tickersense::config::env;
use tickersense::provider::ProviderUrl;
use tickersense::sentiment::AnalyzerKind;
use tickersense::social::SourceUrl;
use tickersense::store::StoreUrl;
use tickersense::{Config, ConfigOverrides};

use crate::bad_flag;

/// Each backend as a URL, each flag over its variable. Values are shown
/// redacted in errors and never in `--help` (they may hold passwords).
#[derive(clap::Args)]
pub(crate) struct BackendArgs {
    /// Where bars and analyses are kept: memory://, sqlite://PATH, postgres://USER@HOST/DB.
    #[arg(long, env = env::STORE, hide_env_values = true, value_name = "URL")]
    store: Option<String>,
    /// The cache: none://, memory://, redis://HOST:PORT/DB, tiered+redis://HOST:PORT/DB.
    #[arg(long, env = env::CACHE, hide_env_values = true, value_name = "URL")]
    cache: Option<String>,
    /// Quotes, history and search: sample://, yahoo://, yahoo+http://HOST:PORT, csv://DIR.
    #[arg(long = "market-data", env = env::MARKET_DATA, hide_env_values = true, value_name = "URL")]
    market_data: Option<String>,
    /// Post sources, comma-separated: sample://, file://PATH, ...
    #[arg(long, env = env::SOCIAL, hide_env_values = true, value_name = "URLS")]
    social: Option<String>,
    /// The sentiment analyzer: textblob or vader.
    #[arg(long, env = env::ANALYZER, value_name = "NAME")]
    analyzer: Option<String>,
    /// How long an HTTP upstream call may take: 2s, 500ms, 1.5 (seconds).
    #[arg(long = "upstream-timeout", env = env::TIMEOUT, value_name = "DURATION")]
    upstream_timeout: Option<String>,
    /// Retries of a failed HTTP upstream call.
    #[arg(long, env = env::RETRIES, value_name = "N")]
    retries: Option<u32>,
}

impl BackendArgs {
    /// The configuration these flags name; a bad one exits 2 naming its flag.
    pub(crate) fn resolve(self) -> Config {
        check::<StoreUrl>("--store", self.store.as_deref());
        check::<CacheUrl>("--cache", self.cache.as_deref());
        check::<ProviderUrl>("--market-data", self.market_data.as_deref());
        if let Some(social) = self.social.as_deref() {
            if let Err(e) = SourceUrl::parse_list(social) {
                bad_flag("--social", e);
            }
        }
        check::<AnalyzerKind>("--analyzer", self.analyzer.as_deref());
        let timeout = self.upstream_timeout.as_deref().map(|text| {
            match tickersense::url::parse_duration("--upstream-timeout", text) {
                Ok(d) if !d.is_zero() => d,
                Ok(_) => bad_flag("--upstream-timeout", "must be above zero"),
                Err(e) => bad_flag("--upstream-timeout", e),
            }
        });
        let overrides = ConfigOverrides {
            store: self.store,
            cache: self.cache,
            market_data: self.market_data,
            social: self.social,
            analyzer: self.analyzer,
            timeout,
            retries: self.retries,
        };
        match Config::resolve(overrides) {
            Ok(config) => config,
            Err(e) => bad_flag("the backend configuration", e),
        }
    }
}

/// Exits 2 when `value` does not parse as `T`. Core's parse errors never
/// hold a password, so they are shown as they are.
fn check<T>(flag: &str, value: Option<&str>)
where
    T: std::str::FromStr<Err = tickersense::Error>,
{
    if let Some(value) = value {
        if let Err(e) = value.parse::<T>() {
            bad_flag(flag, e);
        }
    }
}
