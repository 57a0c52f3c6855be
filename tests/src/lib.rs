//! Helpers shared by the integration tests: the real services' URLs and
//! per-test isolation on them.

mod held;

pub use held::HeldSample;

use sqlx::Connection;

/// The URL in `var`, exported by `.ci/run`. Unset on a developer machine the
/// test is skipped with a loud message; unset under CI (`CI` set) it fails.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{var} is not set; CI must provide the real service")
        }
        _ => {
            // Written past the test harness's capture so the skip is seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: {var} is not set; this test needs the real service (see .ci/run)"
            );
            None
        }
    }
}

/// A fresh PostgreSQL schema for one test, dropped by [`PgSchema::drop_now`].
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    /// Creates `ts_test_<unique>` on the server at `base`.
    pub async fn create(base: &str) -> Self {
        let name = unique("ts_test");
        let mut conn = sqlx::PgConnection::connect(base)
            .await
            .expect("connect to the test postgres");
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut conn)
            .await
            .expect("create schema");
        PgSchema {
            base: base.to_owned(),
            name,
        }
    }

    /// A store URL whose connections use only this schema.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }

    /// Drops the schema and everything in it.
    pub async fn drop_now(self) {
        let mut conn = sqlx::PgConnection::connect(&self.base)
            .await
            .expect("connect to the test postgres");
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut conn)
            .await
            .expect("drop schema");
    }
}

/// A name no other test run uses: `prefix`, the process id and the time.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// `redis_url` with a key prefix of its own (`?prefix=`), so a test's
/// values never meet another test's on the shared server.
pub fn redis_with_own_prefix(redis_url: &str) -> String {
    let sep = if redis_url.contains('?') { '&' } else { '?' };
    format!("{redis_url}{sep}prefix={}", unique("t"))
}

/// A client on the memory store and `cache` whose market data is the
/// replay `server`, with quick timeouts and no circuit breaker, so every
/// call reaches the server.
pub fn replay_client(
    server: &tickersense_replay::ReplayServer,
    cache: &str,
) -> tickersense::Tickersense {
    let quick = std::time::Duration::from_millis;
    tickersense::Tickersense::builder()
        .store("memory://")
        .cache(cache)
        .market_data(server.market_data_url())
        .resilience(tickersense::resilience::ResiliencePolicy {
            timeout: quick(2000),
            max_retries: 0,
            backoff_base: quick(5),
            backoff_max: quick(10),
            breaker_failures: 0,
            ..tickersense::resilience::ResiliencePolicy::default()
        })
        .build()
        .expect("valid config")
}

/// A resilience policy for tests against local servers, so fault tests take
/// milliseconds: a 2 s timeout, two retries 5 to 20 ms apart, a
/// `Retry-After` waited out up to 3 s, the circuit breaker off, four calls
/// at a time and bodies up to 1 MiB. Tests change a field or two of it.
pub fn quick_policy() -> tickersense::resilience::ResiliencePolicy {
    use std::time::Duration;
    tickersense::resilience::ResiliencePolicy {
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
