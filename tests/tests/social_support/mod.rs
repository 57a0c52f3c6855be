//! What the social-source tests share: a quick policy, the replay server,
//! counting its requests, reading its fixtures, and capturing log lines.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tickersense::resilience::ResiliencePolicy;
use tickersense::Symbol;
use tickersense_replay::ReplayServer;
use tracing_subscriber::layer::SubscriberExt;

/// Quick retries, breaker off, a short timeout and `max_retry_after` of 3 s.
pub fn quick() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: Duration::from_secs(2),
        max_retries: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(3),
        breaker_failures: 0,
        breaker_cooldown: Duration::from_millis(300),
        max_concurrent: 4,
        max_body_bytes: 1 << 20,
    }
}

pub async fn server() -> ReplayServer {
    ReplayServer::start().await.expect("replay server starts")
}

pub fn sym(s: &str) -> Symbol {
    Symbol::parse(s).expect("valid symbol")
}

/// Far enough back that every replayed post is newer.
pub fn long_ago() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(6)
}

/// The request targets the server saw whose path starts with `prefix`.
pub fn seen(server: &ReplayServer, prefix: &str) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with(prefix))
        .collect()
}

/// A recorded page, `fixtures/social/{platform}/{symbol}/{page}.json`.
pub fn fixture(platform: &str, symbol: &str, page: usize) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/social")
        .join(platform)
        .join(symbol)
        .join(format!("{page}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("fixture is JSON")
}

/// Every event (any level, any target) as one line: level, target, fields.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                let _ = write!(self.0, "{}={:?} ", field.name(), value);
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                let _ = write!(self.0, "{}={} ", field.name(), value);
            }
        }
        let meta = event.metadata();
        let mut fields = Fields(format!("{} {} ", meta.level(), meta.target()));
        event.record(&mut fields);
        self.0.lock().expect("lock").push(fields.0);
    }
}

impl Capture {
    /// Captures every event on this thread until the guard is dropped (a
    /// `#[tokio::test]` runs its tasks on this thread).
    pub fn start() -> (Capture, tracing::subscriber::DefaultGuard) {
        let capture = Capture::default();
        let guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
        (capture, guard)
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }

    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|l| l.contains(needle))
            .collect()
    }
}
