//! The in-process limiter: one `governor` GCRA limiter per route group,
//! keyed by [`RateKey`], its memory bounded.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::StateStore;
use governor::{Quota, RateLimiter};

use super::client::RateKey;
use super::limiter::Decision;

/// Most keys one group's limiter holds. A key stays while its bucket is
/// not full again (up to a minute after its last request): this bounds the
/// clients active within a minute, about 64 bytes each, so 4 MiB per
/// group. Past it, new clients share one overflow budget until
/// housekeeping frees room, so an address flood costs memory no more.
pub(super) const MAX_KEYS: usize = 65_536;

/// Decisions between two housekeeping passes (dropping the keys whose
/// bucket is full again, then checking the bound). A pass walks the map
/// once; at this spacing it adds a few nanoseconds a decision.
const HOUSEKEEPING_EVERY: u64 = 4_096;

/// A DashMap store that lets no new key in while `full` (set by the
/// group's housekeeping, which shares the flag): a new key then spends the
/// overflow key's budget.
struct Bounded {
    map: DashMapStateStore<RateKey>,
    full: Arc<AtomicBool>,
}

impl StateStore for Bounded {
    type Key = RateKey;

    fn measure_and_replace<T, F, E>(&self, key: &RateKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        if self.full.load(Ordering::Relaxed) && !self.map.contains_key(key) {
            return self.map.measure_and_replace(&RateKey::overflow(), f);
        }
        self.map.measure_and_replace(key, f)
    }
}

impl ShrinkableKeyedStateStore<RateKey> for Bounded {
    fn retain_recent(&self, drop_below: Nanos) {
        ShrinkableKeyedStateStore::retain_recent(&self.map, drop_below);
    }

    fn shrink_to_fit(&self) {
        self.map.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

type Keyed = RateLimiter<RateKey, Bounded, DefaultClock, StateInformationMiddleware>;

/// One group's in-process limiter.
pub(super) struct GroupLimiter {
    limiter: Keyed,
    per_minute: u32,
    /// One request's share of the minute.
    emission: Duration,
    decisions: AtomicU64,
    max_keys: usize,
    full: Arc<AtomicBool>,
}

impl GroupLimiter {
    /// `per_minute` requests a minute per key, all of them at once at most
    /// (the burst is the whole budget, as the seed's sliding minute had).
    pub(super) fn new(per_minute: NonZeroU32) -> Self {
        Self::with_max_keys(per_minute, MAX_KEYS)
    }

    pub(super) fn with_max_keys(per_minute: NonZeroU32, max_keys: usize) -> Self {
        let quota = Quota::per_minute(per_minute).allow_burst(per_minute);
        let full = Arc::new(AtomicBool::new(false));
        let store = Bounded {
            map: DashMapStateStore::default(),
            full: full.clone(),
        };
        let limiter: Keyed = RateLimiter::new(quota, store, DefaultClock::default());
        GroupLimiter {
            limiter,
            per_minute: per_minute.get(),
            emission: Duration::from_secs(60) / per_minute.get(),
            decisions: AtomicU64::new(0),
            max_keys,
            full,
        }
    }

    /// One decision for `key`. Cost: a hash of the key, one DashMap shard
    /// read lock and a compare-and-swap; every [`HOUSEKEEPING_EVERY`]
    /// decisions, one walk of the map.
    pub(super) fn check(&self, key: &RateKey) -> Decision {
        if self
            .decisions
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(HOUSEKEEPING_EVERY)
        {
            self.housekeeping();
        }
        match self.limiter.check_key(key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision {
                    allowed: true,
                    limit: self.per_minute,
                    remaining,
                    reset: self.emission * self.per_minute.saturating_sub(remaining),
                    retry_after: Duration::ZERO,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Decision {
                    allowed: false,
                    limit: self.per_minute,
                    remaining: 0,
                    reset: wait + self.emission * self.per_minute.saturating_sub(1),
                    retry_after: wait,
                }
            }
        }
    }

    /// Drops the keys whose bucket is full again (indistinguishable from a
    /// new key) and lets new keys in only while there is room.
    pub(super) fn housekeeping(&self) {
        self.limiter.retain_recent();
        let len = self.limiter.len();
        let full = len >= self.max_keys;
        if self.full.swap(full, Ordering::Relaxed) != full {
            if full {
                tracing::warn!(
                    keys = len,
                    "the in-process rate limiter holds as many clients as it may; new clients share one budget until some go quiet"
                );
            } else {
                self.limiter.shrink_to_fit();
            }
        }
    }

    /// The budget: requests a minute per key.
    pub(super) fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Keys held now.
    pub(super) fn len(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::http::gateway::ClientAddr;

    fn key(last: u8) -> RateKey {
        RateKey::client(ClientAddr(Some(IpAddr::from([192, 0, 2, last]))))
    }

    #[test]
    fn the_whole_budget_may_come_at_once_then_one_per_share() {
        let limiter = GroupLimiter::new(NonZeroU32::new(100).unwrap());
        for n in 0..100 {
            let decision = limiter.check(&key(1));
            assert!(decision.allowed, "request {n}");
            assert_eq!(decision.remaining, 99 - n);
            assert_eq!(decision.limit, 100);
        }
        let refused = limiter.check(&key(1));
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert!(refused.retry_after > Duration::ZERO);
        assert!(refused.retry_after <= Duration::from_millis(600));
        assert!(
            refused.reset > Duration::from_secs(59) && refused.reset <= Duration::from_secs(60)
        );
        assert!(
            limiter.check(&key(2)).allowed,
            "another client has its own budget"
        );
    }

    #[test]
    fn past_the_key_bound_new_clients_share_the_overflow_budget() {
        let limiter = GroupLimiter::with_max_keys(NonZeroU32::new(2).unwrap(), 2);
        assert!(limiter.check(&key(1)).allowed);
        assert!(limiter.check(&key(2)).allowed);
        limiter.housekeeping();
        assert_eq!(limiter.len(), 2);
        // Two new clients spend one budget between them.
        assert!(limiter.check(&key(3)).allowed);
        assert!(limiter.check(&key(4)).allowed);
        assert!(!limiter.check(&key(5)).allowed);
        // A client already held keeps its own.
        assert!(limiter.check(&key(1)).allowed);
    }
}
