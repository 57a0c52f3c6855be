//! The server's Prometheus metrics: one registry per server (no global
//! state, so servers in one process keep their counts apart), label sets of
//! `Copy` values so a request's update allocates nothing once its series
//! exists, and the values read at scrape time (cache counters, breaker
//! states) kept in a snapshot the scrape refreshes.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use crate::cache::NamespaceStats;
use crate::resilience::BreakerState;

use super::super::RouteGroup;
use super::scraped::{Scraped, Snapshot};

/// The route group label: a group's name, or `other` for paths outside
/// `/api/v1/GROUP` (`/health`, `/metrics`, unknown paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct GroupLabel(pub(crate) Option<RouteGroup>);

impl GroupLabel {
    /// The label's text.
    pub(crate) const fn as_str(self) -> &'static str {
        match self.0 {
            Some(group) => group.as_str(),
            None => "other",
        }
    }
}

impl EncodeLabelValue for GroupLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

/// The method label: the standard methods by name, anything else `OTHER`
/// (a client choosing extension methods must not grow the series).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MethodLabel {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other,
}

impl MethodLabel {
    /// The label of `method`.
    pub(crate) fn of(method: &Method) -> Self {
        match *method {
            Method::GET => MethodLabel::Get,
            Method::HEAD => MethodLabel::Head,
            Method::POST => MethodLabel::Post,
            Method::PUT => MethodLabel::Put,
            Method::PATCH => MethodLabel::Patch,
            Method::DELETE => MethodLabel::Delete,
            Method::OPTIONS => MethodLabel::Options,
            _ => MethodLabel::Other,
        }
    }

    const fn as_str(self) -> &'static str {
        match self {
            MethodLabel::Get => "GET",
            MethodLabel::Head => "HEAD",
            MethodLabel::Post => "POST",
            MethodLabel::Put => "PUT",
            MethodLabel::Patch => "PATCH",
            MethodLabel::Delete => "DELETE",
            MethodLabel::Options => "OPTIONS",
            MethodLabel::Other => "OTHER",
        }
    }
}

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    group: GroupLabel,
    method: MethodLabel,
    status: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
struct GroupLabels {
    group: GroupLabel,
}

/// How one shadow comparison came out.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ShadowOutcome {
    /// The native answer equals the legacy one (within the tolerance).
    Match,
    /// They differ.
    Mismatch,
    /// They could not be compared (not JSON, too large, native failed to run).
    Incomparable,
    /// Not compared: the comparison budget (`[shadow] max_per_second`) was spent.
    Skipped,
}

impl EncodeLabelValue for ShadowOutcome {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
        encoder.write_str(match self {
            ShadowOutcome::Match => "match",
            ShadowOutcome::Mismatch => "mismatch",
            ShadowOutcome::Incomparable => "incomparable",
            ShadowOutcome::Skipped => "skipped",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ShadowLabels {
    group: GroupLabel,
    outcome: ShadowOutcome,
}

/// Latency buckets in seconds: 0.5 ms doubling up to about 16 s, so both a
/// cached quote and a slow upstream land inside the range.
const LATENCY_BUCKETS: (f64, f64, u16) = (0.0005, 2.0, 16);

fn latency_histogram() -> Histogram {
    let (start, factor, count) = LATENCY_BUCKETS;
    Histogram::new(exponential_buckets(start, factor, count))
}

/// The server's metrics registry and the families the request path
/// updates. Made once per server ([`AppState::new`](super::super::AppState::new)).
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<GroupLabels, Histogram, fn() -> Histogram>,
    rate_limited: Family<GroupLabels, Counter>,
    shadow: Family<ShadowLabels, Counter>,
    scraped: Arc<Scraped>,
}

impl Metrics {
    /// A registry holding every family, empty, and the build info.
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("tickersense");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route group, method and status",
            requests.clone(),
        );
        let latency: Family<GroupLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to the answer's head, by route group",
            prometheus_client::registry::Unit::Seconds,
            latency.clone(),
        );
        let rate_limited = Family::<GroupLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused by their group's rate limit (429)",
            rate_limited.clone(),
        );
        let shadow = Family::<ShadowLabels, Counter>::default();
        registry.register(
            "shadow_comparisons",
            "Shadow comparisons of the native answer with the legacy one, by outcome",
            shadow.clone(),
        );
        registry.register(
            "build",
            "The build serving: its version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        let scraped = Arc::new(Scraped::default());
        registry.register_collector(Box::new(scraped.clone()));
        Metrics {
            registry,
            requests,
            latency,
            rate_limited,
            shadow,
            scraped,
        }
    }

    /// Counts one answered request and its latency: two family look-ups
    /// under read locks; an allocation only for a series' first request.
    pub(crate) fn request_answered(
        &self,
        group: GroupLabel,
        method: MethodLabel,
        status: StatusCode,
        elapsed: Duration,
    ) {
        let labels = RequestLabels {
            group,
            method,
            status: status.as_u16(),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&GroupLabels { group })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a request of `group` refused by its rate limit.
    #[allow(dead_code)]
    pub(crate) fn rate_limited(&self, group: RouteGroup) {
        let labels = GroupLabels {
            group: GroupLabel(Some(group)),
        };
        self.rate_limited.get_or_create(&labels).inc();
    }

    /// Counts one shadow comparison of `group`.
    #[allow(dead_code)]
    pub(crate) fn shadow_compared(&self, group: RouteGroup, outcome: ShadowOutcome) {
        let labels = ShadowLabels {
            group: GroupLabel(Some(group)),
            outcome,
        };
        self.shadow.get_or_create(&labels).inc();
    }

    /// The shadow comparisons of `group` that came out as `outcome`, so
    /// far (for tests).
    #[allow(dead_code)]
    pub(crate) fn shadow_count(&self, group: RouteGroup, outcome: ShadowOutcome) -> u64 {
        let labels = ShadowLabels {
            group: GroupLabel(Some(group)),
            outcome,
        };
        self.shadow.get_or_create(&labels).get()
    }

    /// The requests of `group` refused by its rate limit, so far (for tests).
    #[allow(dead_code)]
    pub(crate) fn rate_limited_count(&self, group: RouteGroup) -> u64 {
        let labels = GroupLabels {
            group: GroupLabel(Some(group)),
        };
        self.rate_limited.get_or_create(&labels).get()
    }

    /// The whole registry in the Prometheus text format, with `cache` and
    /// `breakers` as the scrape-time values. O(series).
    pub(crate) fn encode(
        &self,
        cache: Vec<NamespaceStats>,
        breakers: Vec<(&'static str, BreakerState)>,
    ) -> Result<String, std::fmt::Error> {
        // Scrapes may overlap: each holds its turn from writing its
        // snapshot to the end of its encode, so it encodes its own.
        let _turn = self.scraped.set(Snapshot { cache, breakers });
        let mut text = String::with_capacity(4096);
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_requests_by_group_method_and_status() {
        let metrics = Metrics::new();
        let stocks = GroupLabel(Some(RouteGroup::Stocks));
        for _ in 0..2 {
            metrics.request_answered(
                stocks,
                MethodLabel::Get,
                StatusCode::OK,
                Duration::from_millis(3),
            );
        }
        metrics.request_answered(
            GroupLabel(None),
            MethodLabel::of(&Method::from_bytes(b"BREW").unwrap()),
            StatusCode::NOT_FOUND,
            Duration::ZERO,
        );
        metrics.rate_limited(RouteGroup::Sentiment);
        metrics.shadow_compared(RouteGroup::Stocks, ShadowOutcome::Mismatch);
        assert_eq!(
            metrics.shadow_count(RouteGroup::Stocks, ShadowOutcome::Mismatch),
            1
        );
        assert_eq!(
            metrics.shadow_count(RouteGroup::Stocks, ShadowOutcome::Match),
            0
        );
        assert_eq!(metrics.rate_limited_count(RouteGroup::Sentiment), 1);
        let cache = vec![NamespaceStats {
            namespace: "stock_quote".into(),
            hits: 5,
            misses: 2,
            ..NamespaceStats::default()
        }];
        let text = metrics
            .encode(cache, vec![("legacy", BreakerState::HalfOpen)])
            .unwrap();
        for line in [
            r#"tickersense_http_requests_total{group="stocks",method="GET",status="200"} 2"#,
            r#"tickersense_http_requests_total{group="other",method="OTHER",status="404"} 1"#,
            r#"tickersense_http_request_duration_seconds_count{group="stocks"} 2"#,
            r#"tickersense_rate_limited_total{group="sentiment"} 1"#,
            r#"tickersense_shadow_comparisons_total{group="stocks",outcome="mismatch"} 1"#,
            r#"tickersense_build_info{version=""#,
            r#"tickersense_cache_hits_total{namespace="stock_quote"} 5"#,
            r#"tickersense_cache_misses_total{namespace="stock_quote"} 2"#,
            r#"tickersense_upstream_breaker_state{upstream="legacy",state="half-open"} 1"#,
            r#"tickersense_upstream_breaker_state{upstream="legacy",state="open"} 0"#,
            "# TYPE tickersense_http_requests counter",
            "# TYPE tickersense_http_request_duration_seconds histogram",
            "# EOF",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
