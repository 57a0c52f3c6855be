//! The shared limiter: GCRA in Redis, one script call per decision, so
//! every instance on one Redis spends one budget per client and group.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::cache::RedisOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::resilience::Outage;
use crate::url::redact_url;

use super::client::RateKey;
use super::limiter::Decision;
use super::RouteGroup;

/// The longest wait for a decision's answer: past it the request is
/// decided in process and Redis skipped for a back-off window. A cache URL's
/// longer `?timeout=` is not taken: a limit check sits on every request.
pub const REDIS_DECISION_TIMEOUT: Duration = Duration::from_millis(100);

/// The longest wait to connect, for the same reason.
pub const REDIS_CONNECT_TIMEOUT: Duration = Duration::from_millis(250);

/// GCRA over one key holding the theoretical arrival time (TAT) in
/// microseconds of the server's clock, so instances with skewed clocks
/// agree. ARGV: the emission interval (µs a request), the budget (the
/// burst). Returns {allowed, remaining, retry after µs, reset µs}. The key
/// expires when its bucket is full again, so idle clients cost Redis
/// nothing.
const GCRA: &str = r"
local emission = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
if tat < now then tat = now end
local capacity = emission * limit
local next_tat = tat + emission
if next_tat - now > capacity then
  return {0, 0, next_tat - now - capacity, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX',
  math.max(1, math.ceil((next_tat - now) / 1000)))
return {1, math.floor((capacity - (next_tat - now)) / emission), 0, next_tat - now}
";

/// Decisions in Redis (see the module docs), with their outage state.
pub(super) struct RedisLimiter {
    client: redis::Client,
    prefix: String,
    display_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    script: redis::Script,
    conn: RwLock<Option<ConnectionManager>>,
    connecting: tokio::sync::Mutex<()>,
    /// A failed connect or a late answer skips Redis for a back-off window,
    /// so a frozen server costs one timeout per window, not one a request.
    outage: Outage,
    /// Set while an outage has been logged, so each is logged once.
    logged: AtomicBool,
}

impl RedisLimiter {
    /// A limiter over the server `options` name, keys under its prefix.
    /// No I/O: it connects on the first decision.
    pub(super) fn new(options: &RedisOptions) -> Result<Self> {
        let display_url = redact_url(options.client_url());
        let client = redis::Client::open(options.client_url()).map_err(|_| {
            Error::invalid_input(format!(
                "invalid redis URL {}",
                crate::error::echo(&display_url)
            ))
        })?;
        Ok(RedisLimiter {
            client,
            prefix: options.prefix.clone(),
            outage: Outage::new(format!("the rate-limit redis ({display_url})")),
            display_url,
            timeout: options.timeout.min(REDIS_DECISION_TIMEOUT),
            connect_timeout: options.connect_timeout.min(REDIS_CONNECT_TIMEOUT),
            script: redis::Script::new(GCRA),
            conn: RwLock::new(None),
            connecting: tokio::sync::Mutex::new(()),
            logged: AtomicBool::new(false),
        })
    }

    /// One decision in Redis: one round trip (`EVALSHA`; `EVAL` once
    /// after the server lost the script). `Err` when Redis is down or late
    /// (the caller decides in process); each outage is logged once, here.
    pub(super) async fn check(
        &self,
        key: &RateKey,
        group: RouteGroup,
        per_minute: u32,
    ) -> Result<Decision> {
        self.outage.check()?;
        let conn = match self.connection().await {
            Ok(conn) => conn,
            Err(err) => {
                self.failed(&err);
                return Err(err);
            }
        };
        let name = format!("{}:ratelimit:{}:{key}", self.prefix, group.as_str());
        let emission_us = (60_000_000 / u64::from(per_minute.max(1))).max(1);
        let call = self.decide(conn, &name, emission_us, per_minute);
        let answer = match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(err)) => {
                let err = Error::from(err);
                self.failed(&err);
                return Err(err);
            }
            Err(_) => {
                let err = self.outage.timed_out("a rate-limit decision", self.timeout);
                self.log_outage(&err);
                return Err(err);
            }
        };
        self.outage.succeeded();
        if self.logged.swap(false, Ordering::Relaxed) {
            tracing::info!(redis = %self.display_url, "rate limits are shared through redis again");
        }
        let [allowed, remaining, retry_us, reset_us] = answer;
        let micros = |n: i64| Duration::from_micros(u64::try_from(n).unwrap_or(0));
        Ok(Decision {
            allowed: allowed == 1,
            limit: per_minute,
            remaining: u32::try_from(remaining).unwrap_or(0),
            reset: micros(reset_us),
            retry_after: micros(retry_us),
        })
    }

    async fn decide(
        &self,
        mut conn: ConnectionManager,
        name: &str,
        emission_us: u64,
        per_minute: u32,
    ) -> redis::RedisResult<[i64; 4]> {
        let answer = redis::cmd("EVALSHA")
            .arg(self.script.get_hash())
            .arg(1)
            .arg(name)
            .arg(emission_us)
            .arg(per_minute)
            .query_async::<Vec<i64>>(&mut conn)
            .await;
        let answer = match answer {
            Err(err) if err.kind() == redis::ErrorKind::NoScriptError => {
                // EVAL also caches the script, so the next call is EVALSHA again.
                redis::cmd("EVAL")
                    .arg(GCRA)
                    .arg(1)
                    .arg(name)
                    .arg(emission_us)
                    .arg(per_minute)
                    .query_async::<Vec<i64>>(&mut conn)
                    .await?
            }
            other => other?,
        };
        match answer.as_slice() {
            &[a, b, c, d] => Ok([a, b, c, d]),
            _ => Err(redis::RedisError::from((
                redis::ErrorKind::TypeError,
                "the rate-limit script answered an unexpected shape",
            ))),
        }
    }

    async fn connection(&self) -> Result<ConnectionManager> {
        if let Some(conn) = self.current() {
            return Ok(conn);
        }
        let _connecting = self.connecting.lock().await;
        if let Some(conn) = self.current() {
            return Ok(conn);
        }
        // A request that waited for another's failed connect skips Redis.
        self.outage.check()?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.connect_timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(0);
        let connect = self.client.get_connection_manager_with_config(config);
        // The manager's own timeout covers the TCP connect; this one covers
        // a server that accepts and never answers the handshake.
        match tokio::time::timeout(self.connect_timeout + self.timeout, connect).await {
            Ok(Ok(conn)) => {
                *self.conn.write().unwrap_or_else(|e| e.into_inner()) = Some(conn.clone());
                Ok(conn)
            }
            Ok(Err(err)) => {
                let err = Error::from(err);
                let kind = match err.kind() {
                    ErrorKind::Timeout => ErrorKind::Timeout,
                    _ => ErrorKind::Unavailable,
                };
                Err(
                    Error::new(kind, format!("could not connect to {}", self.display_url))
                        .with_source(err),
                )
            }
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("{} did not answer the connect in time", self.display_url),
            )),
        }
    }

    fn current(&self) -> Option<ConnectionManager> {
        self.conn.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Any failure here is Redis unusable for limits: an answer that is
    /// not the script's (an `Internal`) too, since retrying it on every
    /// request would only add a round trip to each.
    fn failed(&self, err: &Error) {
        self.outage.failed(err.message());
        self.log_outage(err);
    }

    fn log_outage(&self, err: &Error) {
        if !self.logged.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                redis = %self.display_url,
                error = %err,
                "rate limits are decided in process while redis is unusable"
            );
        }
    }

    /// Failures recorded (connects and decisions), for tests and metrics.
    pub(super) fn failures(&self) -> u64 {
        self.outage.failures()
    }
}
