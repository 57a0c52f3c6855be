//! The clients' constructor arguments (core `config`): URLs as core's
//! `ConfigOverrides`, user objects as the builder's backends, and how a
//! client shows its configuration.

use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tickersense::provider::MarketData;
use tickersense::resilience::checked_timeout;
use tickersense::sentiment::Analyzer;
use tickersense::social::{MentionSource, SocialCredentials, SourceUrl};
use tickersense::{Config, ConfigOverrides, TickersenseBuilder};

use crate::args::{opt_text, Int, Seconds, Text};
use crate::error::{py_result, IntoPyErr};
use crate::runtime::guarded;
use crate::user::{describe, PyAnalyzer, PyMarketData, PyMentionSource};

/// What `Client(...)` and `AsyncClient(...)` were given.
pub struct Options {
    overrides: ConfigOverrides,
    /// The URLs of a `social=[...]` list: the only URL sources then (none
    /// when it holds only objects), checked by the builder with the objects.
    social_urls: Option<String>,
    timeout: Option<Seconds>,
    retries: Option<Int>,
    /// `social_credentials=`: wins over the environment, key by key.
    credentials: SocialCredentials,
    objects: Objects,
}

/// The backends given as Python objects, each with how `repr` names it.
#[derive(Clone, Default)]
pub struct Objects {
    market_data: Option<(Arc<dyn MarketData>, String)>,
    social: Vec<(Arc<dyn MentionSource>, String)>,
    /// The order of a `social=[...]` list, for `repr`: empty when `social`
    /// was no list.
    social_order: Vec<SocialItem>,
    analyzer: Option<(Arc<dyn Analyzer>, String)>,
}

/// One item of a `social=[...]` list, as `repr` shows them in turn.
#[derive(Clone, Copy)]
enum SocialItem {
    /// A str of this many comma-separated URLs.
    Urls(usize),
    /// The next object source.
    Object,
}

impl Objects {
    /// `builder` with these objects in their roles.
    pub fn apply(&self, mut builder: TickersenseBuilder) -> TickersenseBuilder {
        if let Some((provider, _)) = &self.market_data {
            builder = builder.with_market_data(provider.clone());
        }
        for (source, _) in &self.social {
            builder = builder.with_mention_source(source.clone());
        }
        if let Some((analyzer, _)) = &self.analyzer {
            builder = builder.with_analyzer(analyzer.clone());
        }
        builder
    }
}

/// A str argument, as a URL or name.
fn text(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_instance_of::<PyString>() {
        return Ok(Some(value.extract::<Text>()?.0));
    }
    Ok(None)
}

impl Options {
    /// The arguments as given, each URL or object checked for its shape;
    /// the URLs are parsed by [`Options::resolve`].
    // One parameter per keyword of the constructors, as they take them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Bound<'_, PyAny>>,
        social: Option<Bound<'_, PyAny>>,
        analyzer: Option<Bound<'_, PyAny>>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
        social_credentials: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let credentials = social_credentials
            .map(|given| credentials(&given))
            .transpose()?
            .unwrap_or_default();
        let mut overrides = ConfigOverrides {
            store: opt_text(store),
            cache: opt_text(cache),
            ..ConfigOverrides::default()
        };
        let mut objects = Objects::default();
        let mut social_urls = None;
        if let Some(given) = market_data {
            match text(&given)? {
                Some(url) => overrides.market_data = Some(url),
                None => {
                    let provider = PyMarketData::new(&given)?;
                    objects.market_data = Some((Arc::new(provider), describe(&given)));
                }
            }
        }
        if let Some(given) = social {
            match text(&given)? {
                Some(urls) => overrides.social = Some(urls),
                None => {
                    let items = given.try_iter().map_err(|_| {
                        PyTypeError::new_err(
                            "social must be URLs (a str, comma-separated) or a list of URLs and \
                             objects with platform and mentions()",
                        )
                    })?;
                    let mut urls = Vec::new();
                    for item in items {
                        let item = item?;
                        match text(&item)? {
                            Some(url) => {
                                // Counted as core's parse_many splits them.
                                let count = url.split(',').filter(|u| !u.trim().is_empty()).count();
                                objects.social_order.push(SocialItem::Urls(count));
                                urls.push(url);
                            }
                            None => {
                                let source = PyMentionSource::new(&item)?;
                                objects.social.push((Arc::new(source), describe(&item)));
                                objects.social_order.push(SocialItem::Object);
                            }
                        }
                    }
                    social_urls = Some(urls.join(","));
                }
            }
        }
        if let Some(given) = analyzer {
            match text(&given)? {
                Some(name) => overrides.analyzer = Some(name),
                None => {
                    let scorer = PyAnalyzer::new(&given)?;
                    objects.analyzer = Some((Arc::new(scorer), describe(&given)));
                }
            }
        }
        Ok(Options {
            overrides,
            social_urls,
            timeout,
            retries,
            credentials,
            objects,
        })
    }

    /// The configuration (these arguments over `TICKERSENSE_*` over the
    /// defaults, `timeout` and `retries` among them) and the objects. Reads
    /// the environment; no I/O beyond that.
    pub fn resolve(self) -> PyResult<(Config, Objects)> {
        let mut overrides = self.overrides;
        if let Some(Seconds(secs)) = self.timeout {
            overrides.timeout = Some(py_result(checked_timeout(secs))?);
        }
        if let Some(retries) = self.retries {
            overrides.retries = Some(retries.within("retries", 0, i64::from(u32::MAX))?);
        }
        let mut config = guarded(|| Config::resolve(overrides))?;
        config.social_credentials = self.credentials.or(config.social_credentials);
        if let Some(urls) = self.social_urls {
            config.social = py_result(SourceUrl::parse_many(&urls))?;
        }
        Ok((config, self.objects))
    }
}

/// The keys `social_credentials=` takes, each a `SocialCredentials` field.
const CREDENTIAL_KEYS: [&str; 4] = [
    "reddit_client_id",
    "reddit_client_secret",
    "reddit_user_agent",
    "x_bearer_token",
];

/// `social_credentials=`: a dict of some of [`CREDENTIAL_KEYS`] to str (or
/// None, left to the environment). An unknown key is `InvalidInputError`,
/// a value of another type `TypeError`; neither message shows a value.
fn credentials(given: &Bound<'_, PyAny>) -> PyResult<SocialCredentials> {
    let dict = given.downcast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "social_credentials must be a dict with keys among {}",
            CREDENTIAL_KEYS.join(", ")
        ))
    })?;
    let mut credentials = SocialCredentials::default();
    for (key, value) in dict.iter() {
        let Some(key) = text(&key)? else {
            return Err(PyTypeError::new_err("social_credentials' keys must be str"));
        };
        let slot = match key.as_str() {
            "reddit_client_id" => &mut credentials.reddit_client_id,
            "reddit_client_secret" => &mut credentials.reddit_client_secret,
            "reddit_user_agent" => &mut credentials.reddit_user_agent,
            "x_bearer_token" => &mut credentials.x_bearer_token,
            other => {
                return Err(tickersense::Error::invalid_input(format!(
                    "social_credentials has an unknown key {}; it takes {}",
                    tickersense::error::echo(other),
                    CREDENTIAL_KEYS.join(", ")
                ))
                .into_py_err())
            }
        };
        if value.is_none() {
            continue;
        }
        // Read without `Text`, whose message would quote the value.
        let value = value.downcast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("social_credentials['{key}'] must be str or None"))
        })?;
        let value = value.to_str().map_err(|_| {
            tickersense::Error::invalid_input(format!(
                "social_credentials['{key}'] holds a lone surrogate, which is not Unicode"
            ))
            .into_py_err()
        })?;
        let value = value.trim();
        if !value.is_empty() {
            *slot = Some(value.to_owned());
        }
    }
    Ok(credentials)
}

/// `Client(store=..., ...)` with every URL's password hidden and objects
/// shown as `<name>`.
pub fn repr(class: &str, config: &Config, objects: &Objects) -> String {
    let object = |name: &str| format!("<{name}>");
    let market_data = objects.market_data.as_ref().map_or_else(
        || format!("{:?}", config.market_data.to_string()),
        |(_, name)| object(name),
    );
    // In the order given; whatever the order does not account for follows.
    let mut urls = config.social.iter().map(ToString::to_string);
    let mut sources = objects.social.iter().map(|(_, name)| object(name));
    let mut social: Vec<String> = Vec::new();
    for item in &objects.social_order {
        match item {
            SocialItem::Urls(count) => social.extend(urls.by_ref().take(*count)),
            SocialItem::Object => social.extend(sources.next()),
        }
    }
    social.extend(urls);
    social.extend(sources);
    let analyzer = objects.analyzer.as_ref().map_or_else(
        || format!("{:?}", config.analyzer.as_str()),
        |(_, name)| object(name),
    );
    format!(
        "{class}(store={:?}, cache={:?}, market_data={market_data}, social={:?}, analyzer={analyzer})",
        config.store.to_string(),
        config.cache.to_string(),
        social.join(",")
    )
}
