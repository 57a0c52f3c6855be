//! Assembling a client's backends: each role from the user's object when
//! one was given, else from its URL (no I/O: the store connects on first
//! use, see [`LazyStore`]), and the cache scopes that tell their values
//! apart.

use std::sync::Arc;

use super::builder::UserBackends;
use super::guard::{user_what, GuardedMarketData, GuardedSource, RedactingAnalyzer};
use super::health::BackendRole;
use super::lazy::LazyStore;
use crate::cache::{Cache, CacheBackend, CachePolicies};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::resilience::Outage;
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
    /// The outage state of each guarded user object.
    pub(super) user_outages: UserOutages,
}

/// The outage state of the user's market data, mention sources (in the
/// order given) and analyzer, kept by their guards.
#[derive(Default)]
pub(super) struct UserOutages {
    market_data: Option<Arc<Outage>>,
    sources: Vec<Arc<Outage>>,
    analyzer: Option<Arc<Outage>>,
}

/// What a client needs that its parsed [`Config`] does not say by itself:
/// at least one social source, a URL's or an object, and a source
/// deadline in range. No I/O.
pub(super) fn validate(config: &Config, objects: &UserBackends) -> Result<()> {
    if config.social.is_empty() && objects.mention_sources.is_empty() {
        return Err(no_social_source());
    }
    crate::config::checked_source_deadline(config.source_deadline)?;
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
        // Every user object answers within the resilience timeout, or is
        // skipped for a back-off window: one that hangs must not hang the
        // calls (and, through single flight, their every caller).
        let timeout = config.resilience.timeout;
        let mut user_outages = UserOutages::default();
        let provider: Arc<dyn crate::provider::MarketData> = match &objects.market_data {
            Some(provider) => {
                let guarded = GuardedMarketData::new(provider.object.clone(), timeout);
                user_outages.market_data = Some(guarded.outage());
                Arc::new(guarded)
            }
            None => config.market_data.connect(config.resilience)?,
        };
        let mut sources = config
            .social
            .iter()
            .map(|source| source.connect(&config.social_credentials, config.resilience))
            .collect::<Result<Vec<_>>>()?;
        for source in &objects.mention_sources {
            let guarded = GuardedSource::new(source.object.clone(), timeout);
            user_outages.sources.push(guarded.outage());
            sources.push(Arc::new(guarded));
        }
        if sources.is_empty() {
            return Err(no_social_source());
        }
        let analyzer: Arc<dyn crate::sentiment::Analyzer> = match &objects.analyzer {
            Some(analyzer) => Arc::new(RedactingAnalyzer(analyzer.object.clone())),
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
        let mut sentiment = SentimentService::new(sources, analyzer, cache.clone(), sentiments)
            .with_cache_scope(&sentiment_identity(config, objects))
            .with_blocking_analyzer(objects.analyzer.is_some())
            .with_store_texts(config.store_texts)
            .with_source_deadline(config.source_deadline);
        if let Some(analyzer) = &objects.analyzer {
            let outage = Arc::new(Outage::new(user_what("analyzer", analyzer.object.name())));
            user_outages.analyzer = Some(outage.clone());
            sentiment = sentiment.with_analyzer_deadline(timeout, outage);
        }
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
            user_outages,
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

/// What a user object named `name` is called in health reports: `user:NAME`.
fn user_identity(name: &str) -> String {
    format!("user:{name}")
}

/// Who produces the stock service's values: the user's provider, by name
/// and the id of the object ([`UserObject::identity`](super::guard::UserObject::identity)),
/// else the market-data URL.
fn market_data_identity(config: &Config, objects: &UserBackends) -> String {
    match &objects.market_data {
        Some(provider) => provider.identity(provider.object.name()),
        None => cache_identity(config.market_data.as_str()),
    }
}

/// Who produces the sentiment service's values: its sources (URLs, then
/// the user's objects, each by platform and id) and its analyzer. Without user objects this is
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
            .map(|s| s.identity(s.object.platform())),
    );
    let analyzer = match &objects.analyzer {
        Some(analyzer) => analyzer.identity(analyzer.object.name()),
        None => config.analyzer.as_str().to_owned(),
    };
    format!("{}|{analyzer}", sources.join(","))
}

/// One role's backend as health reports see it.
pub(super) struct RoleEntry {
    pub(super) role: BackendRole,
    /// What reports name it (redacted).
    pub(super) name: String,
    /// True when the role is switched off (the `none://` cache).
    pub(super) switched_off: bool,
    /// The outage state of a guarded user object.
    pub(super) outage: Option<Arc<Outage>>,
}

impl RoleEntry {
    fn new(role: BackendRole, name: String, switched_off: bool) -> Self {
        RoleEntry {
            role,
            name,
            switched_off,
            outage: None,
        }
    }

    fn guarded(role: BackendRole, name: String, outage: Option<&Arc<Outage>>) -> Self {
        RoleEntry {
            outage: outage.cloned(),
            ..RoleEntry::new(role, name, false)
        }
    }
}

/// Each role's backend as reports name it: one entry per role, one per
/// social source, user objects with the outage state their guards keep
/// (`outages`). No I/O.
pub(super) fn roles(
    config: &Config,
    objects: &UserBackends,
    outages: &UserOutages,
) -> Vec<RoleEntry> {
    let mut roles = Vec::new();
    roles.push(match &objects.market_data {
        Some(provider) => RoleEntry::guarded(
            BackendRole::MarketData,
            user_identity(provider.object.name()),
            outages.market_data.as_ref(),
        ),
        None => RoleEntry::new(
            BackendRole::MarketData,
            config.market_data.to_string(),
            false,
        ),
    });
    for url in &config.social {
        roles.push(RoleEntry::new(BackendRole::Social, url.to_string(), false));
    }
    for (index, source) in objects.mention_sources.iter().enumerate() {
        roles.push(RoleEntry::guarded(
            BackendRole::Social,
            user_identity(source.object.platform()),
            outages.sources.get(index),
        ));
    }
    roles.push(match &objects.analyzer {
        Some(analyzer) => RoleEntry::guarded(
            BackendRole::Analyzer,
            user_identity(analyzer.object.name()),
            outages.analyzer.as_ref(),
        ),
        None => RoleEntry::new(
            BackendRole::Analyzer,
            config.analyzer.as_str().to_owned(),
            false,
        ),
    });
    roles.push(match &objects.cache {
        Some(_) => RoleEntry::new(BackendRole::Cache, USER_DEFINED.to_owned(), false),
        None => RoleEntry::new(
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
        roles.push(RoleEntry::new(role, name, false));
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
    use std::sync::Arc;
    use std::time::Duration;

    use super::cache_identity;
    use crate::config::MAX_SOURCE_DEADLINE;
    use crate::model::SourceState;
    use crate::social::MentionSource;
    use crate::ErrorKind;

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

    /// A source that answers only after a minute.
    struct Slow;

    #[async_trait::async_trait]
    impl MentionSource for Slow {
        fn platform(&self) -> &str {
            "slow"
        }

        async fn mentions(
            &self,
            _symbol: &crate::model::Symbol,
            _since: chrono::DateTime<chrono::Utc>,
            _limit: usize,
        ) -> crate::Result<Vec<crate::model::Post>> {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Vec::new())
        }
    }

    fn builder() -> crate::TickersenseBuilder {
        crate::Tickersense::builder()
            .store("memory://")
            .cache("memory://")
            .social("sample://")
    }

    #[test]
    fn a_source_deadline_out_of_range_is_refused_by_name() {
        for deadline in [Duration::ZERO, MAX_SOURCE_DEADLINE + Duration::from_secs(1)] {
            let Err(err) = builder().source_deadline(deadline).build() else {
                panic!("{deadline:?} was taken");
            };
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{deadline:?}");
            assert!(err.message().contains("source_deadline"), "{err}");
        }
        assert!(builder()
            .source_deadline(MAX_SOURCE_DEADLINE)
            .build()
            .is_ok());
    }

    #[tokio::test]
    async fn the_source_deadline_bounds_each_analysis() {
        let client = builder()
            .with_mention_source(Arc::new(Slow))
            .source_deadline(Duration::from_millis(50))
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let analysis = client.sentiment("TSLA").await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let slow = analysis
            .sources
            .iter()
            .find(|s| s.platform == "slow")
            .unwrap();
        assert_eq!(slow.state, SourceState::TimedOut);
    }
}
