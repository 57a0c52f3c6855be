//! [`RateLimiter`]: per route group and per [`RateKey`] budgets, decided
//! in process or in Redis.

use std::num::NonZeroU32;
use std::time::Duration;

use crate::error::Result;
use crate::Tickersense;

use super::client::RateKey;
use super::memory::GroupLimiter;
use super::{RateLimitSetting, RouteGroup, ServerSettings};

/// One rate-limit decision, with what the `RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may go on.
    pub allowed: bool,
    /// The group's budget: requests a minute per client (`RateLimit-Limit`).
    pub limit: u32,
    /// Requests that could be made at once after this one (`RateLimit-Remaining`).
    pub remaining: u32,
    /// How long until the whole budget is back (`RateLimit-Reset`).
    pub reset: Duration,
    /// For a refused request, how long until one is allowed (`Retry-After`);
    /// zero when allowed.
    pub retry_after: Duration,
}

/// The gateway's rate limits: a GCRA budget per client ([`RateKey`]) and
/// [`RouteGroup`], of [`ServerSettings::per_minute`] requests a minute, all
/// of which may come at once (the burst is the whole budget). Decided in
/// process, or in Redis when the settings say so
/// ([`RateLimitSetting::Redis`], or [`RateLimitSetting::Auto`] with a
/// Redis or tiered cache), so instances on one Redis share one budget.
/// While Redis is down or late the in-process budgets apply, and Redis is
/// skipped for a back-off window ([`crate::resilience::Outage`]); each
/// outage is logged once.
///
/// Cost: [`RateLimiter::check_in_process`] is a hash, a DashMap shard read
/// lock and a compare-and-swap: 106 ns allowed, 132 ns refused, 258 ns
/// cycling through 10,000 clients (`benches/benches/rate_limit.rs`,
/// measured on two busy cores); memory is bounded (idle clients are
/// dropped every few thousand decisions, and at most 65,536 active clients
/// a group are kept apart). [`RateLimiter::check`] through Redis is one
/// round trip (an `EVALSHA`; 1.000 script calls a decision in the bench,
/// counted by `INFO commandstats`), at most 100 ms.
pub struct RateLimiter {
    /// Indexed by `RouteGroup as usize`; `None` for an unlimited group or
    /// with limits off.
    groups: [Option<GroupLimiter>; RouteGroup::ALL.len()],
    #[cfg(feature = "redis")]
    shared: Option<super::redis::RedisLimiter>,
}

impl RateLimiter {
    /// The limiter `settings` describe; `client`'s cache URL is read for
    /// [`RateLimitSetting::Auto`]. No I/O: Redis connects on the first
    /// decision. `InvalidInput` for a Redis URL that does not parse, or
    /// one in a build without the `redis` feature.
    pub fn new(settings: &ServerSettings, client: &Tickersense) -> Result<Self> {
        let off = settings.rate_limits == RateLimitSetting::Off;
        let groups = RouteGroup::ALL.map(|group| {
            let per_minute = settings.per_minute(group).and_then(NonZeroU32::new);
            per_minute.filter(|_| !off).map(GroupLimiter::new)
        });
        #[cfg(feature = "redis")]
        {
            use crate::cache::{CacheBackend, RedisOptions};
            let options = match &settings.rate_limits {
                RateLimitSetting::Redis(url) => Some(RedisOptions::parse(url)?),
                RateLimitSetting::Auto => match client.config().cache.backend() {
                    CacheBackend::Redis(options) | CacheBackend::Tiered(options) => {
                        Some(options.clone())
                    }
                    _ => None,
                },
                RateLimitSetting::Off | RateLimitSetting::Memory => None,
            };
            let shared = options
                .map(|options| super::redis::RedisLimiter::new(&options))
                .transpose()?;
            Ok(RateLimiter { groups, shared })
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = client;
            if let RateLimitSetting::Redis(url) = &settings.rate_limits {
                return Err(crate::error::Error::invalid_input(format!(
                    "rate limits in redis ({}) need the `redis` feature",
                    crate::url::redact_url(url)
                )));
            }
            Ok(RateLimiter { groups })
        }
    }

    /// Whether `group` has a budget (limits on and a figure for it).
    pub fn limits(&self, group: RouteGroup) -> bool {
        self.groups[group as usize].is_some()
    }

    /// Whether decisions go to Redis first.
    pub fn is_shared(&self) -> bool {
        #[cfg(feature = "redis")]
        {
            self.shared.is_some()
        }
        #[cfg(not(feature = "redis"))]
        {
            false
        }
    }

    /// Spends one request of `key`'s budget in `group`, in Redis when
    /// shared and reachable, else in process. `None` when `group` has no
    /// limit. Cost: see [`RateLimiter`].
    pub async fn check(&self, key: &RateKey, group: RouteGroup) -> Option<Decision> {
        let local = self.groups[group as usize].as_ref()?;
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            // An error is logged by the shared limiter, once per outage.
            if let Ok(decision) = shared.check(key, group, local.per_minute()).await {
                return Some(decision);
            }
        }
        Some(local.check(key))
    }

    /// Spends one request of `key`'s budget in `group` in this process
    /// only, whatever the settings say. `None` when `group` has no limit.
    /// No I/O, no allocation; about 100 ns (see [`RateLimiter`]).
    pub fn check_in_process(&self, key: &RateKey, group: RouteGroup) -> Option<Decision> {
        self.groups[group as usize].as_ref().map(|g| g.check(key))
    }

    /// Clients whose in-process budget of `group` is held now (idle ones
    /// are dropped every few thousand decisions). O(shards).
    pub fn clients_held(&self, group: RouteGroup) -> usize {
        self.groups[group as usize].as_ref().map_or(0, |g| g.len())
    }

    /// Failed Redis connects and decisions since the limiter was made (0
    /// when not shared): what a frozen Redis has cost.
    pub fn redis_failures(&self) -> u64 {
        #[cfg(feature = "redis")]
        {
            self.shared.as_ref().map_or(0, |s| s.failures())
        }
        #[cfg(not(feature = "redis"))]
        {
            0
        }
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limited: Vec<&str> = RouteGroup::ALL
            .iter()
            .filter(|g| self.limits(**g))
            .map(|g| g.as_str())
            .collect();
        f.debug_struct("RateLimiter")
            .field("limited", &limited)
            .field("shared", &self.is_shared())
            .finish()
    }
}
