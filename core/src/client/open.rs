//! Assembling a client's backends: each role from the user's object when
//! one was given, else from its URL (no I/O: the store connects on first
//! use, see [`LazyStore`]), and the cache scopes that tell their values
//! apart.

use std::sync::Arc;

use super::builder::UserBackends;
use super::health::BackendRole;
use super::lazy::LazyStore;
use crate::cache::{Cache, CacheBackend, CachePolicies};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::service::{Backfill, SentimentService, StockService};
use crate::store::{PriceStore, UserStore};
use crate::url::redact_url;

/// What a store or cache object of the user's is called in reports.
pub(super) const USER_DEFINED: &str = "user-defined";

/// The backends of a client, each connecting on its own when first used.
pub(super) struct Backends {
    pub(super) stocks: StockService,
    pub(super) sentiment: SentimentService,
    pub(super) backfill: Backfill,
    pub(super) prices: Arc<dyn PriceStore>,
    pub(super) users: Arc<dyn UserStore>,
    pub(super) cache: Arc<dyn Cache>,
    /// The store built from the store URL, when some store role uses it.
    pub(super) built_store: Option<Arc<LazyStore>>,
    /// True when the cache was built from the cache URL (not the user's).
    pub(super) built_cache: bool,
    /// The store roles filled by user objects, in [`BackendRole::ALL`] order.
    user_store_roles: Vec<BackendRole>,
}

/// What a client needs that its parsed [`Config`] does not say by itself:
/// at least one social source, a URL's or an object. No I/O.
pub(super) fn validate(config: &Config, objects: &UserBackends) -> Result<()> {
    if config.social.is_empty() && objects.mention_sources.is_empty() {
        return Err(no_social_source());
    }
    Ok(())
}

fn no_social_source() -> Error {
    Error::invalid_input("no social source given; use sample:// for offline posts")
}

/// The role `given` an object, else the one built from the store URL.
fn store_role<T: ?Sized>(
    given: &Option<Arc<T>>,
    built: &Option<Arc<LazyStore>>,
    as_role: impl FnOnce(Arc<LazyStore>) -> Arc<T>,
) -> Result<Arc<T>> {
    given
        .clone()
        .or_else(|| built.clone().map(as_role))
        .ok_or_else(|| Error::internal("a store role has no backend"))
}

impl Backends {
    /// Builds every role, without I/O: the URL store (when some store role
    /// uses it) connects on the first call that needs it, Redis likewise,
    /// and the providers and sources make their requests per call.
    pub(super) fn assemble(
        config: &Config,
        policies: &CachePolicies,
        objects: &UserBackends,
    ) -> Result<Self> {
        let built_store = if objects.every_store() {
            None
        } else {
            Some(Arc::new(LazyStore::new(config.store.clone())))
        };
        let (cache, built_cache) = match &objects.cache {
            Some(cache) => (cache.clone(), false),
            None => (config.cache.connect(policies.clone())?, true),
        };
        let provider = match &objects.market_data {
            Some(provider) => provider.clone(),
            None => config.market_data.connect(config.resilience)?,
        };
        let mut sources = config
            .social
            .iter()
            .map(|source| source.connect())
            .collect::<Result<Vec<_>>>()?;
        sources.extend(objects.mention_sources.iter().cloned());
        if sources.is_empty() {
            return Err(no_social_source());
        }
        let analyzer = match &objects.analyzer {
            Some(analyzer) => analyzer.clone(),
            None => config.analyzer.build(),
        };
        // Each closure upcasts the URL store to the role's trait.
        let prices = store_role(&objects.price_store, &built_store, |s| s)?;
        let sentiments = store_role(&objects.sentiment_store, &built_store, |s| s)?;
        let statuses = store_role(&objects.backfill_store, &built_store, |s| s)?;
        let users = store_role(&objects.user_store, &built_store, |s| s)?;

        let stocks = StockService::new(provider.clone(), cache.clone(), prices.clone())
            .with_cache_scope(&market_data_identity(config, objects));
        let backfill = Backfill::new(provider, prices.clone(), statuses);
        let sentiment = SentimentService::new(sources, analyzer, cache.clone(), sentiments)
            .with_cache_scope(&sentiment_identity(config, objects))
            .with_blocking_analyzer(objects.analyzer.is_some());
        let user_store_roles = [
            (BackendRole::PriceStore, objects.price_store.is_some()),
            (
                BackendRole::SentimentStore,
                objects.sentiment_store.is_some(),
            ),
            (BackendRole::BackfillStore, objects.backfill_store.is_some()),
            (BackendRole::UserStore, objects.user_store.is_some()),
        ]
        .into_iter()
        .filter_map(|(role, given)| given.then_some(role))
        .collect();
        Ok(Backends {
            stocks,
            sentiment,
            backfill,
            prices,
            users,
            cache,
            built_store,
            built_cache,
            user_store_roles,
        })
    }

    /// One line saying what the stores are, without secrets: the URL
    /// store's own description (connecting it), `user-defined` for a price
    /// store of the user's, and which other store roles are the user's.
    pub(super) async fn describe_store(&self) -> Result<String> {
        let user_prices = self.user_store_roles.contains(&BackendRole::PriceStore);
        let others: Vec<&str> = self
            .user_store_roles
            .iter()
            .filter(|r| **r != BackendRole::PriceStore)
            .map(|r| r.as_str())
            .collect();
        let Some(store) = &self.built_store else {
            return Ok(USER_DEFINED.to_owned());
        };
        let store = store.describe().await?;
        Ok(match user_prices {
            true => format!("{USER_DEFINED} price store; other stores: {store}"),
            false if others.is_empty() => store,
            false => format!("{store} ({USER_DEFINED}: {})", others.join(", ")),
        })
    }

    /// Closes what the client built from URLs: the URL store and cache.
    /// The user's objects are left alone.
    pub(super) async fn close(&self) {
        if let Some(store) = &self.built_store {
            store.close().await;
        }
        if self.built_cache {
            self.cache.close().await;
        }
    }
}

/// The cache identity of a user object named `name`: `user:NAME`, which no
/// URL's identity is (no backend URL has the scheme `user`).
fn user_identity(name: &str) -> String {
    format!("user:{name}")
}

/// Who produces the stock service's values: the user's provider by name,
/// else the market-data URL.
fn market_data_identity(config: &Config, objects: &UserBackends) -> String {
    match &objects.market_data {
        Some(provider) => user_identity(provider.name()),
        None => cache_identity(config.market_data.as_str()),
    }
}

/// Who produces the sentiment service's values: its sources (URLs, then
/// the user's by platform) and its analyzer. Without user objects this is
/// what it always was, so cached values survive an upgrade.
fn sentiment_identity(config: &Config, objects: &UserBackends) -> String {
    let mut sources = Vec::new();
    if !config.social.is_empty() {
        let urls: Vec<&str> = config.social.iter().map(|s| s.as_str()).collect();
        sources.push(cache_identity(&urls.join(",")));
    }
    sources.extend(
        objects
            .mention_sources
            .iter()
            .map(|s| user_identity(s.platform())),
    );
    let analyzer = match &objects.analyzer {
        Some(analyzer) => user_identity(analyzer.name()),
        None => config.analyzer.as_str().to_owned(),
    };
    format!("{}|{analyzer}", sources.join(","))
}

/// Each role's backend as reports name it, and whether the role is
/// switched off (the `none://` cache): one entry per role, one per social
/// source. No I/O.
pub(super) fn roles(config: &Config, objects: &UserBackends) -> Vec<(BackendRole, String, bool)> {
    let mut roles = Vec::new();
    roles.push((
        BackendRole::MarketData,
        match &objects.market_data {
            Some(provider) => user_identity(provider.name()),
            None => config.market_data.to_string(),
        },
        false,
    ));
    for url in &config.social {
        roles.push((BackendRole::Social, url.to_string(), false));
    }
    for source in &objects.mention_sources {
        roles.push((BackendRole::Social, user_identity(source.platform()), false));
    }
    roles.push((
        BackendRole::Analyzer,
        match &objects.analyzer {
            Some(analyzer) => user_identity(analyzer.name()),
            None => config.analyzer.as_str().to_owned(),
        },
        false,
    ));
    roles.push(match &objects.cache {
        Some(_) => (BackendRole::Cache, USER_DEFINED.to_owned(), false),
        None => (
            BackendRole::Cache,
            config.cache.to_string(),
            matches!(config.cache.backend(), CacheBackend::None),
        ),
    });
    let store = config.store.to_string();
    for (role, given) in [
        (BackendRole::PriceStore, objects.price_store.is_some()),
        (
            BackendRole::SentimentStore,
            objects.sentiment_store.is_some(),
        ),
        (BackendRole::BackfillStore, objects.backfill_store.is_some()),
        (BackendRole::UserStore, objects.user_store.is_some()),
    ] {
        let name = if given {
            USER_DEFINED.to_owned()
        } else {
            store.clone()
        };
        roles.push((role, name, false));
    }
    roles
}

/// What tells one backend's cached values from another's, for the cache's
/// key scope (which hashes it): each comma-separated URL with its password
/// redacted. Text that is no URL the parser takes (`csv://my prices`) is
/// kept whole: `redact_url` would make every such folder `csv://***` and so
/// let clients on different folders share values.
fn cache_identity(urls: &str) -> String {
    urls.split(',')
        .map(|u| {
            let u = u.trim();
            match ::url::Url::parse(u) {
                Ok(_) => redact_url(u),
                Err(_) => u.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::cache_identity;

    #[test]
    fn cache_identities_keep_folders_apart_and_hide_passwords() {
        assert_ne!(
            cache_identity("csv://my prices"),
            cache_identity("csv://your prices")
        );
        assert_ne!(cache_identity("csv://C:\\a"), cache_identity("csv://C:\\b"));
        assert!(!cache_identity("yahoo+http://u:hunter2@h:1").contains("hunter2"));
        assert_eq!(
            cache_identity("sample://, sample://"),
            "sample://,sample://"
        );
    }
}
