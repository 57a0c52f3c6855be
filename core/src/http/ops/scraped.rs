//! The values a scrape reads when it happens (the cache counters and the
//! breakers), kept in a snapshot the registry encodes with the rest.

use std::sync::{Mutex, MutexGuard};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use crate::cache::NamespaceStats;
use crate::resilience::BreakerState;

/// The values read at scrape time, encoded by the registry as it encodes
/// the rest.
#[derive(Debug, Default)]
pub(super) struct Scraped {
    values: Mutex<Snapshot>,
    /// Held by a scrape from writing its snapshot to the end of its encode.
    scrape: Mutex<()>,
}

#[derive(Debug, Default)]
pub(super) struct Snapshot {
    pub(super) cache: Vec<NamespaceStats>,
    pub(super) breakers: Vec<(&'static str, BreakerState)>,
}

const BREAKER_STATES: [&str; 3] = ["closed", "half-open", "open"];

impl Collector for Scraped {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let snapshot = self.values.lock().unwrap_or_else(|e| e.into_inner());
        type Pick = fn(&NamespaceStats) -> u64;
        let counters: [(&str, &str, Pick); 3] = [
            (
                "cache_hits",
                "Cache reads that found a value, by namespace.",
                |s| s.hits,
            ),
            (
                "cache_misses",
                "Cache reads that found nothing, by namespace.",
                |s| s.misses,
            ),
            ("cache_errors", "Cache backend errors, by namespace.", |s| {
                s.errors
            }),
        ];
        for (name, help, pick) in counters {
            let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for stats in &snapshot.cache {
                let labels = [("namespace", stats.namespace.as_str())];
                ConstCounter::new(pick(stats)).encode(family.encode_family(&labels)?)?;
            }
        }
        let mut family = encoder.encode_descriptor(
            "upstream_breaker_state",
            "Circuit breaker state of each upstream: 1 for the state it is in.",
            None,
            MetricType::Gauge,
        )?;
        for &(upstream, state) in &snapshot.breakers {
            for name in BREAKER_STATES {
                let labels = [("upstream", upstream), ("state", name)];
                let value = i64::from(state.as_str() == name);
                ConstGauge::new(value).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

impl Scraped {
    /// Makes `snapshot` the one encoded, until the guard returned is
    /// dropped: overlapping scrapes take turns, so each encodes its own.
    pub(super) fn set(&self, snapshot: Snapshot) -> MutexGuard<'_, ()> {
        let turn = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        *self.values.lock().unwrap_or_else(|e| e.into_inner()) = snapshot;
        turn
    }
}
