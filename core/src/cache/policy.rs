use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The namespaces the services use (the seed's `CACHE_CONFIG` keys).
pub mod namespace {
    /// Quotes, per symbol.
    pub const STOCK_QUOTE: &str = "stock_quote";
    /// History, per symbol, range and interval.
    pub const STOCK_HISTORY: &str = "stock_history";
    /// The last quote the provider gave, per symbol, kept a day to serve
    /// (marked stale) when the provider fails.
    pub const STOCK_QUOTE_LAST: &str = "stock_quote_last";
    /// The last history the provider gave, per request, kept a day to serve
    /// (marked stale) when the provider fails.
    pub const STOCK_HISTORY_LAST: &str = "stock_history_last";
    /// Symbol search results, per query.
    pub const STOCK_SEARCH: &str = "stock_search";
    /// Current sentiment, per symbol.
    pub const SENTIMENT_CURRENT: &str = "sentiment_current";
    /// Sentiment history, per symbol and window.
    pub const SENTIMENT_HISTORY: &str = "sentiment_history";
    /// User profiles.
    pub const USER_PROFILE: &str = "user_profile";
    /// Watchlists.
    pub const WATCHLIST: &str = "watchlist";

    /// Every namespace above, in that order.
    pub const ALL: [&str; 9] = [
        STOCK_QUOTE,
        STOCK_HISTORY,
        STOCK_QUOTE_LAST,
        STOCK_HISTORY_LAST,
        STOCK_SEARCH,
        SENTIMENT_CURRENT,
        SENTIMENT_HISTORY,
        USER_PROFILE,
        WATCHLIST,
    ];

    /// `name` when it is one of [`ALL`], else `InvalidInput` listing them.
    pub fn known(name: &str) -> crate::error::Result<&'static str> {
        ALL.iter().copied().find(|&n| n == name).ok_or_else(|| {
            crate::error::Error::invalid_input(format!(
                "unknown cache namespace {}; expected one of {}",
                crate::error::echo(name),
                ALL.join(", ")
            ))
        })
    }
}

/// How long values of one namespace live and how many are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePolicy {
    /// Time to live of each value.
    pub ttl: Duration,
    /// Most values kept at once (memory backends evict beyond it).
    pub max_entries: u64,
}

impl CachePolicy {
    /// A policy of `ttl_secs` seconds and `max_entries` values.
    pub const fn new(ttl_secs: u64, max_entries: u64) -> Self {
        CachePolicy {
            ttl: Duration::from_secs(ttl_secs),
            max_entries,
        }
    }
}

/// A [`CachePolicy`] per namespace, with a fallback for namespaces not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePolicies {
    by_namespace: BTreeMap<String, CachePolicy>,
    fallback: CachePolicy,
}

impl Default for CachePolicies {
    /// The seed's `CACHE_CONFIG`, plus search results for five minutes and
    /// the last good quotes and histories for a day (stale-on-error).
    fn default() -> Self {
        let by_namespace = [
            (namespace::STOCK_QUOTE, CachePolicy::new(60, 1000)),
            (namespace::STOCK_HISTORY, CachePolicy::new(300, 500)),
            (namespace::STOCK_SEARCH, CachePolicy::new(300, 500)),
            (namespace::STOCK_QUOTE_LAST, CachePolicy::new(86_400, 1000)),
            (namespace::STOCK_HISTORY_LAST, CachePolicy::new(86_400, 500)),
            (namespace::SENTIMENT_CURRENT, CachePolicy::new(180, 200)),
            (namespace::SENTIMENT_HISTORY, CachePolicy::new(600, 100)),
            (namespace::USER_PROFILE, CachePolicy::new(3600, 1000)),
            (namespace::WATCHLIST, CachePolicy::new(1800, 500)),
        ]
        .into_iter()
        .map(|(ns, p)| (ns.to_owned(), p))
        .collect();
        CachePolicies {
            by_namespace,
            fallback: CachePolicy::new(300, 1000),
        }
    }
}

impl CachePolicies {
    /// The policy for `namespace`.
    pub fn get(&self, namespace: &str) -> CachePolicy {
        self.by_namespace
            .get(namespace)
            .copied()
            .unwrap_or(self.fallback)
    }

    /// Sets the policy of `namespace`.
    pub fn set(&mut self, namespace: &str, policy: CachePolicy) {
        self.by_namespace.insert(namespace.to_owned(), policy);
    }

    /// The policy of namespaces without one of their own.
    pub fn fallback(&self) -> CachePolicy {
        self.fallback
    }

    /// Sets the policy of namespaces without one of their own.
    pub fn set_fallback(&mut self, policy: CachePolicy) {
        self.fallback = policy;
    }

    /// The namespaces with a policy of their own.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.by_namespace.keys().map(String::as_str)
    }
}

/// What a cache did for one namespace since it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceStats {
    /// The namespace.
    pub namespace: String,
    /// Reads that found a value.
    pub hits: u64,
    /// Reads that found nothing.
    pub misses: u64,
    /// Values held now (approximate for moka, exact for Redis after a SCAN).
    pub entries: u64,
    /// Bytes of the values held now (keys and overheads not counted).
    pub bytes: u64,
    /// Backend errors, each read as a miss or a dropped write.
    pub errors: u64,
}
