//! [`TickersenseBuilder`]: a [`Tickersense`] knob by knob, from URLs, from
//! the user's own backend objects, or both.

use std::fmt;
use std::sync::Arc;

use super::guard::UserObject;
use super::Tickersense;
use crate::cache::{Cache, CachePolicies, CachePolicy};
use crate::config::{Config, ConfigOverrides};
use crate::error::{echo, Result};
use crate::provider::MarketData;
use crate::sentiment::Analyzer;
use crate::social::{MentionSource, SourceUrl};
use crate::store::{BackfillStore, PriceStore, SentimentStore, UserStore};

/// Builds a [`Tickersense`] knob by knob.
///
/// Every role has a URL (or a name, for the analyzer) in [`Config`], and
/// may instead be given an object of the user's own: an object wins over
/// the URL of its role, whose backend is then never built. Mention sources
/// add up: each [`with_mention_source`](Self::with_mention_source) object
/// is asked besides the sources of [`social`](Self::social)'s URLs, and
/// `social("")` leaves only the objects (an empty list of URLs is allowed
/// once at least one object source is given). The four store roles are
/// separate: the store URL's backend fills every store role not given an
/// object, and is not opened at all when all four are.
///
/// Objects belong to the caller: [`Tickersense::close`] closes only what
/// the client built from URLs, never a user object. Cache keys are scoped
/// by who produced a value, and values of a backend of your own are cached
/// per object: a user market-data provider, mention source or analyzer by
/// `user:`, its name and an id given to the object when the builder takes
/// it (unique in the process, drawn anew in each process), so two clients
/// sharing one cache never read each other's values unless built from one
/// builder holding the same object, whatever the objects' names. A user
/// cache applies its own expiry: the [`cache_policy`](Self::cache_policy)
/// knobs shape only caches built from URLs.
///
/// A user market-data provider, mention source and analyzer are guarded:
/// each call is bounded by [`ResiliencePolicy::timeout`](crate::resilience::ResiliencePolicy::timeout)
/// (`Timeout` naming the object, e.g. `user market data "mine" gave no
/// answer to quote within 10s`), after which the object is skipped with
/// `Unavailable` for a back-off window ([`Outage`](crate::resilience::Outage))
/// and [`Tickersense::health`] shows it down. A future cut off is dropped;
/// an analyzer, which runs on a blocking thread, is left to finish there,
/// its scores dropped. Errors the objects return keep their kind and source,
/// their messages shown with the credentials of any URL in them hidden
/// ([`redact_secrets`](crate::url::redact_secrets)).
///
/// URLs given as text ([`store`](Self::store), ...) are parsed by
/// [`build`](Self::build), which fails on a bad one, unless an object took
/// their role (its URL is then never used).
///
/// Its `Debug` form shows URLs redacted and objects as `<user MarketData
/// "name">`, never anything of the objects' insides.
#[derive(Clone)]
pub struct TickersenseBuilder {
    pub(super) config: Config,
    /// URLs and the analyzer name given as text, parsed by `build`.
    pub(super) pending: ConfigOverrides,
    pub(super) policies: CachePolicies,
    pub(super) objects: UserBackends,
}

/// The backend objects a user gave, role by role.
#[derive(Clone, Default)]
pub(super) struct UserBackends {
    pub(super) market_data: Option<UserObject<dyn MarketData>>,
    pub(super) mention_sources: Vec<UserObject<dyn MentionSource>>,
    pub(super) analyzer: Option<UserObject<dyn Analyzer>>,
    pub(super) cache: Option<Arc<dyn Cache>>,
    pub(super) price_store: Option<Arc<dyn PriceStore>>,
    pub(super) sentiment_store: Option<Arc<dyn SentimentStore>>,
    pub(super) backfill_store: Option<Arc<dyn BackfillStore>>,
    pub(super) user_store: Option<Arc<dyn UserStore>>,
}

impl UserBackends {
    /// True when every store role has an object, so the store URL is unused.
    pub(super) fn every_store(&self) -> bool {
        self.price_store.is_some()
            && self.sentiment_store.is_some()
            && self.backfill_store.is_some()
            && self.user_store.is_some()
    }
}

/// How a user object shows in `Debug`: its trait and, where it has one, its
/// name (truncated, quoted).
fn user_object(role: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("<user {role} {}>", echo(name)),
        None => format!("<user {role}>"),
    }
}

impl fmt::Debug for UserBackends {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        if let Some(m) = &self.market_data {
            list.entry(&format_args!(
                "{}",
                user_object("MarketData", Some(m.object.name()))
            ));
        }
        for s in &self.mention_sources {
            list.entry(&format_args!(
                "{}",
                user_object("MentionSource", Some(s.object.platform()))
            ));
        }
        if let Some(a) = &self.analyzer {
            list.entry(&format_args!(
                "{}",
                user_object("Analyzer", Some(a.object.name()))
            ));
        }
        let unnamed = [
            ("Cache", self.cache.is_some()),
            ("PriceStore", self.price_store.is_some()),
            ("SentimentStore", self.sentiment_store.is_some()),
            ("BackfillStore", self.backfill_store.is_some()),
            ("UserStore", self.user_store.is_some()),
        ];
        for (role, given) in unnamed {
            if given {
                list.entry(&format_args!("{}", user_object(role, None)));
            }
        }
        list.finish()
    }
}

impl fmt::Debug for TickersenseBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TickersenseBuilder")
            .field("config", &self.config)
            .field("pending", &self.pending)
            .field("policies", &self.policies)
            .field("objects", &self.objects)
            .finish()
    }
}

impl TickersenseBuilder {
    /// A builder starting from [`Config::default`] and no objects.
    pub(super) fn new() -> Self {
        TickersenseBuilder {
            config: Config::default(),
            pending: ConfigOverrides::default(),
            policies: CachePolicies::default(),
            objects: UserBackends::default(),
        }
    }

    /// Starts from `config` instead of the defaults (e.g. [`Config::from_env`]).
    /// Objects given so far stay; URLs given as text so far are dropped.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self.pending = ConfigOverrides::default();
        self
    }

    /// Store URL: `memory://`, `sqlite://PATH`, `postgres://...`, parsed
    /// at `build`. Fills every store role not given an object.
    pub fn store(mut self, url: impl Into<String>) -> Self {
        self.pending.store = Some(url.into());
        self
    }

    /// Cache URL: `none://`, `memory://`, `redis://...`, parsed at `build`.
    pub fn cache(mut self, url: impl Into<String>) -> Self {
        self.pending.cache = Some(url.into());
        self
    }

    /// Market-data URL: `sample://`, `yahoo://`, `yahoo+http://HOST:PORT`,
    /// `csv://DIR`, parsed at `build`.
    pub fn market_data(mut self, url: impl Into<String>) -> Self {
        self.pending.market_data = Some(url.into());
        self
    }

    /// Social source URLs, comma-separated: `sample://`. May be empty (`""`)
    /// when at least one [`with_mention_source`](Self::with_mention_source)
    /// object is given. Parsed at `build`.
    pub fn social(mut self, urls: impl Into<String>) -> Self {
        self.pending.social = Some(urls.into());
        self
    }

    /// Analyzer name (`textblob`, `vader`, any case), parsed at `build`.
    pub fn analyzer(mut self, name: impl Into<String>) -> Self {
        self.pending.analyzer = Some(name.into());
        self
    }

    /// Timeouts, retries, breaker and concurrency bound of HTTP upstreams.
    pub fn resilience(mut self, policy: crate::resilience::ResiliencePolicy) -> Self {
        self.config.resilience = policy;
        self
    }

    /// The social platforms' credentials; any left `None` is read from its
    /// variable (`REDDIT_CLIENT_ID`, `REDDIT_CLIENT_SECRET`,
    /// `REDDIT_USER_AGENT`, `X_BEARER_TOKEN`) when the client is built.
    pub fn social_credentials(mut self, credentials: crate::social::SocialCredentials) -> Self {
        self.config.social_credentials = credentials;
        self
    }

    /// Whether the post store keeps each post's text (default `false`;
    /// env `TICKERSENSE_STORE_TEXTS` through [`Config::from_env`]). See
    /// [`Config::store_texts`].
    pub fn store_texts(mut self, store_texts: bool) -> Self {
        self.config.store_texts = store_texts;
        self
    }

    /// How long each sentiment analysis waits for its social sources, all
    /// asked at once (default
    /// [`DEFAULT_SOURCE_DEADLINE`](crate::service::DEFAULT_SOURCE_DEADLINE)):
    /// a source still busy then is reported `timed_out`. Env
    /// `TICKERSENSE_SOURCE_DEADLINE` through [`Config::from_env`]; see
    /// [`Config::source_deadline`]. [`build`](Self::build) fails with
    /// `InvalidInput` for a zero deadline or one above
    /// [`MAX_SOURCE_DEADLINE`](crate::config::MAX_SOURCE_DEADLINE).
    pub fn source_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.config.source_deadline = deadline;
        self
    }

    /// Overrides the cache policy of one namespace (of caches built from URLs).
    pub fn cache_policy(mut self, namespace: &str, policy: CachePolicy) -> Self {
        self.policies.set(namespace, policy);
        self
    }

    /// Quotes, history and search from `provider` instead of the market-data
    /// URL's, each call bounded by the resilience timeout. Cached values
    /// are this object's own (scoped by `user:`, its [`MarketData::name`]
    /// and the object's id).
    pub fn with_market_data(mut self, provider: Arc<dyn MarketData>) -> Self {
        self.objects.market_data = Some(UserObject::new(provider));
        self
    }

    /// Adds `source` to the social sources: asked besides those of the
    /// social URLs (see [`social`](Self::social) to have none of those),
    /// each call bounded by the resilience timeout.
    pub fn with_mention_source(mut self, source: Arc<dyn MentionSource>) -> Self {
        self.objects.mention_sources.push(UserObject::new(source));
        self
    }

    /// Scores posts with `analyzer` instead of the one named in the config,
    /// on a blocking thread, each batch waited for at most the resilience
    /// timeout.
    pub fn with_analyzer(mut self, analyzer: Arc<dyn Analyzer>) -> Self {
        self.objects.analyzer = Some(UserObject::new(analyzer));
        self
    }

    /// Caches in `cache` instead of the cache URL's. One cache object may
    /// serve several clients: their keys never meet unless they read the
    /// same providers.
    pub fn with_cache(mut self, cache: Arc<dyn Cache>) -> Self {
        self.objects.cache = Some(cache);
        self
    }

    /// Keeps bars and their coverage in `store` instead of the store URL's.
    pub fn with_price_store(mut self, store: Arc<dyn PriceStore>) -> Self {
        self.objects.price_store = Some(store);
        self
    }

    /// Keeps sentiment analyses in `store` instead of the store URL's.
    pub fn with_sentiment_store(mut self, store: Arc<dyn SentimentStore>) -> Self {
        self.objects.sentiment_store = Some(store);
        self
    }

    /// Keeps backfill progress in `store` instead of the store URL's.
    pub fn with_backfill_store(mut self, store: Arc<dyn BackfillStore>) -> Self {
        self.objects.backfill_store = Some(store);
        self
    }

    /// Keeps users and watchlists in `store` instead of the store URL's.
    pub fn with_user_store(mut self, store: Arc<dyn UserStore>) -> Self {
        self.objects.user_store = Some(store);
        self
    }

    /// Parses the URLs given as text (those of roles no object took) and
    /// builds; no I/O. `InvalidInput` for a bad URL or analyzer name, or
    /// for no social source at all.
    pub fn build(self) -> Result<Tickersense> {
        let (mut config, mut pending, objects) = (self.config, self.pending, self.objects);
        if objects.every_store() {
            pending.store = None;
        }
        if objects.cache.is_some() {
            pending.cache = None;
        }
        if objects.market_data.is_some() {
            pending.market_data = None;
        }
        if objects.analyzer.is_some() {
            pending.analyzer = None;
        }
        if let Some(social) = pending.social.take() {
            config.social = if objects.mention_sources.is_empty() {
                SourceUrl::parse_list(&social)?
            } else {
                SourceUrl::parse_many(&social)?
            };
        }
        let mut config = config.overridden(pending)?;
        config.social_credentials = config
            .social_credentials
            .or(crate::social::SocialCredentials::from_env());
        Tickersense::assemble(config, self.policies, objects)
    }

    /// Validates, builds and connects every backend.
    pub async fn connect(self) -> Result<Tickersense> {
        let ts = self.build()?;
        ts.ready().await?;
        Ok(ts)
    }
}
