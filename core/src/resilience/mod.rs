//! Surviving a flaky upstream: a per-request timeout, retries with
//! exponential backoff and full jitter (honouring `Retry-After`), a circuit
//! breaker and a bound on concurrent requests, all per [`Upstream`].
//!
//! Every provider wraps each request in [`Upstream::call`]. The crates that
//! fit are used: tokio's timer and semaphore. The retry loop and the breaker
//! are written here: `backon`'s jitter adds to the delay instead of drawing it
//! uniformly below it (full jitter), `backoff` is no longer maintained, tower's
//! retry and limit layers want every upstream to be a `tower::Service`, and no
//! well-kept breaker crate exposes its state; each part is a few dozen lines.
//!
//! Which failures are retried and which count against the upstream is
//! decided by the error's kind, once, in [`ErrorKind`]: the transient kinds
//! ([`ErrorKind::is_transient`]) are retried, and those plus `Upstream`
//! answers ([`ErrorKind::is_upstream_fault`]) count towards opening the
//! breaker.
//!
//! [`Outage`] keeps a backend that failed to connect or stopped answering
//! (a store, a cache) skipped for a back-off window.
//!
//! `http` (feature `yahoo`, which brings the HTTP client) puts an HTTP
//! client behind an [`Upstream`], with the redirect, body-size, proxy and
//! status rules every HTTP source shares.

mod breaker;
#[cfg(feature = "yahoo")]
pub mod http;
mod outage;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::{Error, ErrorKind, Result};

use breaker::Breaker;
pub use breaker::BreakerState;
pub use outage::{is_outage, Down, Outage, OUTAGE_WINDOW, OUTAGE_WINDOW_CAP};

/// How hard to try one upstream. Every knob has a default fit for a public
/// HTTP API such as Yahoo's; see [`ResiliencePolicy::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResiliencePolicy {
    /// Longest wait for one request, from sending it to the last byte of the answer.
    pub timeout: Duration,
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// The first retry waits up to this long; each later one up to twice the previous.
    pub backoff_base: Duration,
    /// No single backoff wait is longer than this.
    pub backoff_max: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails
    /// with `RateLimited` carrying it, so the caller can decide.
    pub max_retry_after: Duration,
    /// Consecutive failed requests that open the breaker (0 disables it).
    pub breaker_failures: u32,
    /// How long an open breaker rejects calls before letting one probe through.
    pub breaker_cooldown: Duration,
    /// Most requests in flight to the upstream at once; more wait their turn.
    pub max_concurrent: usize,
    /// Largest answer body read from the upstream, in bytes. A longer one
    /// (announced by `Content-Length`, or found while streaming it) fails
    /// the request as `Upstream` as soon as it shows, so a hostile or broken
    /// server cannot make the process hold more than this per request in
    /// flight. Also settable per URL: `yahoo://?max_body=BYTES`.
    pub max_body_bytes: usize,
}

/// The default [`ResiliencePolicy::max_body_bytes`]: 32 MiB, some thirty
/// times the largest answer Yahoo gives (ten years of daily bars).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 << 20;

impl Default for ResiliencePolicy {
    /// 10 s timeout; 3 retries backing off from 250 ms up to 4 s, waiting at
    /// most 30 s for a `Retry-After`; the breaker opens after 5 failures in a
    /// row for 30 s; 4 requests in flight; answers up to 32 MiB.
    fn default() -> Self {
        ResiliencePolicy {
            timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
            breaker_failures: 5,
            breaker_cooldown: Duration::from_secs(30),
            max_concurrent: 4,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl ResiliencePolicy {
    /// The wait before retry number `retry` (0-based) with full jitter:
    /// uniform in `[0, min(backoff_max, backoff_base * 2^retry)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .backoff_base
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.backoff_max);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }
}

/// A timeout given in seconds (as Python and JS pass it): positive and
/// finite, at most [`u64::MAX`] seconds, else `InvalidInput`.
pub fn checked_timeout(secs: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            // A huge number written out would run to hundreds of digits.
            let shown = if secs.abs() < 1e9 {
                secs.to_string()
            } else {
                format!("{secs:e}")
            };
            Error::invalid_input(format!(
                "timeout must be a positive number of seconds, at most {}, not {shown}",
                u64::MAX
            ))
        })
}

/// Why an attempt did not succeed.
enum Attempt {
    /// It ran and failed: maybe worth another try.
    Failed(Error),
    /// It was not let through (open breaker): the call ends here.
    Final(Error),
}

/// One upstream service (a host, or an API behind several hosts) with its
/// policy, breaker and concurrency bound. Share it (`Arc`) between every
/// caller of that upstream: the breaker and the bound are only meaningful
/// when shared.
#[derive(Debug)]
pub struct Upstream {
    name: String,
    policy: ResiliencePolicy,
    breaker: Breaker,
    /// Whether the failure that last opened the breaker was a rate limit:
    /// then the open breaker answers `RateLimited`, what callers of a
    /// rate-limited upstream catch and wait on, rather than `Unavailable`.
    opened_by_rate_limit: std::sync::atomic::AtomicBool,
    permits: Semaphore,
}

impl Upstream {
    /// An upstream called `name` (used in error messages and logs) under `policy`.
    pub fn new(name: impl Into<String>, policy: ResiliencePolicy) -> Self {
        Upstream {
            name: name.into(),
            breaker: Breaker::new(policy.breaker_failures, policy.breaker_cooldown),
            opened_by_rate_limit: std::sync::atomic::AtomicBool::new(false),
            permits: Semaphore::new(policy.max_concurrent.max(1)),
            policy,
        }
    }

    /// The name given at construction.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy in force.
    pub fn policy(&self) -> &ResiliencePolicy {
        &self.policy
    }

    /// The breaker's state now.
    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are
    /// spent. Each attempt waits for a concurrency permit, must pass the
    /// breaker, and is cut off after [`ResiliencePolicy::timeout`] (as
    /// `Timeout`). Transient failures ([`ErrorKind::is_transient`]) are retried after the
    /// error's `retry_after` when it has one, else after [`ResiliencePolicy::backoff`].
    /// An open breaker fails the call at once (no retry within the call) with
    /// `Unavailable`, or `RateLimited` when rate limits opened it, carrying
    /// the time left as `retry_after`.
    ///
    /// Costs nothing beyond the attempts themselves while the upstream is
    /// healthy: an uncontended semaphore and a mutex held for a few instructions.
    pub async fn call<T, F, Fut>(&self, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut retries = 0;
        loop {
            let err = match self.attempt_once(&mut attempt).await {
                Ok(value) => return Ok(value),
                Err(Attempt::Final(err)) => return Err(err),
                Err(Attempt::Failed(err)) => err,
            };
            if !err.kind().is_transient() || retries >= self.policy.max_retries {
                return Err(err);
            }
            let wait = match err.retry_after() {
                Some(asked) if asked > self.policy.max_retry_after => return Err(err),
                Some(asked) => asked,
                None => self.policy.backoff(retries),
            };
            tracing::debug!(
                upstream = %self.name,
                kind = %err.kind(),
                retry = retries + 1,
                wait_ms = wait.as_millis() as u64,
                "retrying: {}",
                err.message()
            );
            retries += 1;
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt_once<T, F, Fut>(&self, attempt: &mut F) -> Result<T, Attempt>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Attempt::Final(Error::internal("upstream permits closed")))?;
        // An open breaker ends the call: waiting out its cool-down inside one
        // call would hold the caller for as long as the upstream is down.
        let admission = self.breaker.admit().map_err(|left| {
            let (kind, why) = if self.opened_by_rate_limit.load(Ordering::Relaxed) {
                (
                    ErrorKind::RateLimited,
                    "keeps refusing for too many requests",
                )
            } else {
                (ErrorKind::Unavailable, "is failing")
            };
            Attempt::Final(
                Error::new(
                    kind,
                    format!(
                        "{} {why}; its circuit breaker is open for another {:.1} s",
                        self.name,
                        left.as_secs_f64()
                    ),
                )
                .with_retry_after(left),
            )
        })?;
        let outcome = match tokio::time::timeout(self.policy.timeout, attempt()).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "{} did not answer within {:.1} s",
                    self.name,
                    self.policy.timeout.as_secs_f64()
                ),
            )),
        };
        let healthy = match &outcome {
            Ok(_) => true,
            Err(err) => !err.kind().is_upstream_fault(),
        };
        if let Some(opened) = admission.record(healthy) {
            let rate_limited = matches!(&outcome, Err(e) if e.kind() == ErrorKind::RateLimited);
            self.opened_by_rate_limit
                .store(rate_limited, Ordering::Relaxed);
            tracing::warn!(upstream = %self.name, cooldown_s = opened.as_secs_f64(), "circuit breaker opened");
        }
        outcome.map_err(Attempt::Failed)
    }
}

#[cfg(test)]
mod tests;
