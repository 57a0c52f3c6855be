use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Cache, CachePolicies, NamespaceStats};

mod error;
mod gather;
mod options;

use crate::error::{Error, ErrorKind, Result};
use crate::resilience::Outage;
use crate::url::redact_url;
use gather::{Answer, Gatherer, Write};
pub use options::{
    RedisOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEY_PREFIX, DEFAULT_RESPONSE_TIMEOUT,
    MAX_PREFIX_CHARS,
};

/// `text` with Redis glob characters escaped, so that `SCAN MATCH` takes it
/// literally.
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    errors: AtomicU64,
}

/// Redis-backed cache (`redis://HOST:PORT/DB`). Keys are
/// `{prefix}:{namespace}:{key}` with the namespace's TTL, the prefix
/// `tickersense` unless the URL says `?prefix=NAME` (so apps sharing one
/// Redis keep apart); namespaces are listed and cleared with `SCAN`, never
/// `KEYS`, their names taken literally (glob characters escaped). The connection is made on
/// first use and re-made after a drop; while Redis is unreachable reads miss
/// and writes are dropped, each counted in [`NamespaceStats::errors`].
/// One round trip per call, a `get_many`/`set_many` batch included; calls
/// made at once share one connection and go out pipelined, single reads made
/// at once are gathered into one `MGET` and single writes into one pipeline,
/// so throughput grows with the calls in flight. [`Cache::stats`] scans every namespace it
/// has seen (a `SCAN` walk and a pipelined `STRLEN` per 500 keys).
pub struct RedisCache {
    client: redis::Client,
    timeout: Duration,
    connect_timeout: Duration,
    display_url: String,
    prefix: String,
    policies: CachePolicies,
    /// The connection and its gathering tasks, once connected; taken out
    /// (and the tasks stopped) by [`Cache::close`].
    link: RwLock<Option<Arc<Link>>>,
    /// Held while connecting, so concurrent first calls make one connection.
    connecting: tokio::sync::Mutex<()>,
    closed: AtomicBool,
    /// After a failed connect or a call Redis did not answer in time, calls
    /// skip Redis for a back-off window instead of each paying for a
    /// connect attempt or a response timeout.
    outage: Outage,
    counters: RwLock<HashMap<String, Arc<Counters>>>,
}

/// Most keys one `MGET` names; larger batches are split into several
/// commands sent in the same round trip, so no single command holds the
/// server (single-threaded) for long.
const BATCH_KEYS: usize = 500;

/// One connection and the tasks gathering single calls made over it into
/// batches (see `gather.rs`), started together.
struct Link {
    conn: ConnectionManager,
    reads: Gatherer<String, Option<Vec<u8>>>,
    writes: Gatherer<Write, ()>,
}

/// A gathered call's answer as a [`Result`]. A batch shares one error; it is
/// rebuilt per call from its kind and text (which name no secret).
fn answered<A>(answer: Option<Answer<A>>) -> Result<A> {
    match answer {
        Some(Ok(value)) => Ok(value),
        Some(Err(err)) => Err(Error::from(Arc::try_unwrap(err).unwrap_or_else(|shared| {
            redis::RedisError::from((shared.kind(), "redis call failed", shared.to_string()))
        }))),
        None => Err(Error::unavailable("the redis batching task has stopped")),
    }
}

impl Link {
    /// Ends the gathering tasks now; calls still waiting on them get no
    /// answer (read as a miss or a dropped write).
    fn stop(&self) {
        self.reads.stop();
        self.writes.stop();
    }
}

impl RedisCache {
    /// A cache over the server at `url`. No I/O happens here. The URL's
    /// options (`?prefix=`, `?timeout=`, ...) are those of [`RedisOptions`].
    pub fn new(url: &str, policies: CachePolicies) -> Result<Self> {
        Self::with_options(&RedisOptions::parse(url)?, policies)
    }

    /// A cache over the server and with the options `options` name. No I/O.
    pub fn with_options(options: &RedisOptions, policies: CachePolicies) -> Result<Self> {
        let display_url = redact_url(options.client_url());
        let client = redis::Client::open(options.client_url()).map_err(|_| {
            Error::invalid_input(format!(
                "invalid redis URL {}",
                crate::error::echo(&display_url)
            ))
        })?;
        let outage = Outage::new(format!("redis ({display_url})"));
        Ok(RedisCache {
            client,
            timeout: options.timeout,
            connect_timeout: options.connect_timeout,
            display_url,
            prefix: options.prefix.clone(),
            policies,
            link: RwLock::new(None),
            connecting: tokio::sync::Mutex::new(()),
            closed: AtomicBool::new(false),
            outage,
            counters: RwLock::default(),
        })
    }

    fn current_link(&self) -> Option<Arc<Link>> {
        self.link.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn closed_error() -> Error {
        Error::unavailable("the redis cache is closed")
    }

    async fn connection(&self) -> Result<ConnectionManager> {
        Ok(self.connected().await?.conn.clone())
    }

    /// The link, connecting first if there is none.
    async fn connected(&self) -> Result<Arc<Link>> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Self::closed_error());
        }
        self.outage.check()?;
        if let Some(link) = self.current_link() {
            return Ok(link);
        }
        let _connecting = self.connecting.lock().await;
        if let Some(link) = self.current_link() {
            return Ok(link);
        }
        self.outage.check()?;
        // Once connected, the manager reconnects by itself after a drop; its
        // own retries stay off so a dead server costs one attempt per window.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.connect_timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(0);
        match self.client.get_connection_manager_with_config(config).await {
            Ok(conn) => {
                let link = Arc::new(Link {
                    reads: Gatherer::start(conn.clone(), BATCH_KEYS, gather::mget),
                    writes: Gatherer::start(conn.clone(), BATCH_KEYS, gather::set_ex),
                    conn,
                });
                let mut slot = self.link.write().unwrap_or_else(|e| e.into_inner());
                // Checked under the slot's lock, which `close` takes too: a
                // link made while closing is never left behind.
                if self.closed.load(Ordering::Acquire) {
                    link.stop();
                    return Err(Self::closed_error());
                }
                *slot = Some(link.clone());
                Ok(link)
            }
            Err(err) => {
                // Whatever the cause (refused, no answer, refused login), a
                // failed connect is Redis being down for this client: the
                // caller's `failed` opens the back-off window.
                let err = Error::from(err);
                let kind = match err.kind() {
                    ErrorKind::Timeout => ErrorKind::Timeout,
                    _ => ErrorKind::Unavailable,
                };
                Err(
                    Error::new(kind, format!("cannot connect to redis: {}", err.message()))
                        .with_source(err),
                )
            }
        }
    }

    fn counters(&self, namespace: &str) -> Arc<Counters> {
        // Every call counts: the common case (namespace seen before) takes
        // a shared lock and allocates nothing.
        if let Some(counters) = self
            .counters
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(namespace)
        {
            return counters.clone();
        }
        self.counters
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(namespace.to_owned())
            .or_default()
            .clone()
    }

    fn key(&self, namespace: &str, key: &str) -> String {
        let mut full = String::with_capacity(self.prefix.len() + namespace.len() + key.len() + 2);
        for part in [&self.prefix, ":", namespace, ":", key] {
            full.push_str(part);
        }
        full
    }

    fn ttl_secs(&self, namespace: &str) -> u64 {
        self.policies.get(namespace).ttl.as_secs().max(1)
    }

    /// Counts and logs a failed call; a timeout or an unreachable server
    /// opens the back-off window.
    fn failed(&self, namespace: &str, what: &str, err: &Error) {
        self.counters(namespace)
            .errors
            .fetch_add(1, Ordering::Relaxed);
        self.observe(err);
        tracing::warn!(server = %self.display_url, namespace, kind = %err.kind(), "redis cache {what} failed: {}", err.message());
    }

    /// Every key of `namespace`, walked with `SCAN`.
    async fn scan_namespace(&self, namespace: &str) -> Result<Vec<String>> {
        self.scan_keys(namespace, "").await
    }

    /// Every key of `namespace` starting with `start` (both taken
    /// literally), walked with `SCAN`.
    async fn scan_keys(&self, namespace: &str, start: &str) -> Result<Vec<String>> {
        let mut conn = self.connection().await?;
        let pattern = format!(
            "{}:{}:{}*",
            glob_literal(&self.prefix),
            glob_literal(namespace),
            glob_literal(start)
        );
        let mut cursor: u64 = 0;
        let mut keys = Vec::new();
        loop {
            let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await?;
            keys.extend(batch);
            if next == 0 {
                return Ok(keys);
            }
            cursor = next;
        }
    }

    /// The summed length of the values under `keys`, one pipelined `STRLEN`
    /// round trip per 500 keys.
    async fn value_bytes(&self, keys: &[String]) -> Result<u64> {
        let mut conn = self.connection().await?;
        let mut total = 0;
        for chunk in keys.chunks(500) {
            let mut pipe = redis::pipe();
            for key in chunk {
                pipe.cmd("STRLEN").arg(key);
            }
            let lengths: Vec<u64> = pipe.query_async(&mut conn).await?;
            total += lengths.iter().sum::<u64>();
        }
        Ok(total)
    }

    /// Deletes `keys` (without blocking the server), 500 a command.
    async fn unlink(&self, keys: &[String]) -> Result<()> {
        let mut conn = self.connection().await?;
        for chunk in keys.chunks(500) {
            let _: () = redis::cmd("UNLINK")
                .arg(chunk)
                .query_async(&mut conn)
                .await?;
        }
        Ok(())
    }

    /// Checks that the server answers `PING` (connecting first if need
    /// be): one round trip, at most the connect and response timeouts; a
    /// server in its back-off window fails at once, without I/O.
    pub async fn ping(&self) -> Result<()> {
        let result: Result<()> = async {
            let mut conn = self.connection().await?;
            let _: String = redis::cmd("PING").query_async(&mut conn).await?;
            Ok(())
        }
        .await;
        match &result {
            Ok(()) => self.outage.succeeded(),
            Err(err) => self.observe(err),
        }
        result
    }

    /// Hands a failure to the outage tracker, a timeout named as such
    /// (the client's own message for it says only "I/O error").
    fn observe(&self, err: &Error) {
        if err.kind() == ErrorKind::Timeout {
            self.outage
                .failed(&format!("no answer within {:?}", self.timeout));
        } else {
            self.outage.observe(err);
        }
    }
}

#[async_trait]
impl Cache for RedisCache {
    /// Gathered with the reads made at the same time into one `MGET`.
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>> {
        let result: Result<Option<Vec<u8>>> = async {
            let link = self.connected().await?;
            answered(link.reads.call(self.key(namespace, key)).await)
        }
        .await;
        let counters = self.counters(namespace);
        if result.is_ok() {
            self.outage.succeeded();
        }
        match result {
            Ok(Some(v)) => {
                counters.hits.fetch_add(1, Ordering::Relaxed);
                Some(v)
            }
            Ok(None) => {
                counters.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(err) => {
                counters.misses.fetch_add(1, Ordering::Relaxed);
                self.failed(namespace, "read", &err);
                None
            }
        }
    }

    async fn set(&self, namespace: &str, key: &str, value: Vec<u8>) {
        // A namespace only written to (the stale-on-error copies) is listed
        // by `stats` as the memory cache lists it.
        self.counters(namespace);
        let ttl = self.ttl_secs(namespace);
        let result: Result<()> = async {
            let link = self.connected().await?;
            let write = (self.key(namespace, key), value, ttl);
            answered(link.writes.call(write).await)
        }
        .await;
        match result {
            Ok(()) => self.outage.succeeded(),
            Err(err) => self.failed(namespace, "write", &err),
        }
    }

    /// One round trip: an `MGET` per 500 keys, pipelined. A
    /// failed round trip counts one error and a miss for every key.
    async fn get_many(&self, namespace: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        if keys.is_empty() {
            return Vec::new();
        }
        let result: Result<Vec<Option<Vec<u8>>>> = async {
            let mut conn = self.connection().await?;
            let mut pipe = redis::pipe();
            for chunk in keys.chunks(BATCH_KEYS) {
                let full: Vec<String> = chunk.iter().map(|k| self.key(namespace, k)).collect();
                pipe.cmd("MGET").arg(full);
            }
            let answers: Vec<Vec<Option<Vec<u8>>>> = pipe.query_async(&mut conn).await?;
            Ok(answers.into_iter().flatten().collect())
        }
        .await;
        let counters = self.counters(namespace);
        match result {
            Ok(values) if values.len() == keys.len() => {
                self.outage.succeeded();
                let hits = values.iter().filter(|v| v.is_some()).count() as u64;
                counters.hits.fetch_add(hits, Ordering::Relaxed);
                counters
                    .misses
                    .fetch_add(keys.len() as u64 - hits, Ordering::Relaxed);
                values
            }
            other => {
                let err = match other {
                    Err(err) => err,
                    Ok(values) => Error::internal(format!(
                        "MGET of {} keys answered {} values",
                        keys.len(),
                        values.len()
                    )),
                };
                counters
                    .misses
                    .fetch_add(keys.len() as u64, Ordering::Relaxed);
                self.failed(namespace, "read", &err);
                vec![None; keys.len()]
            }
        }
    }

    /// One round trip: a pipeline of `SET key value EX ttl`, one per entry.
    /// A failed round trip counts one error; the server may have stored
    /// some of the entries.
    async fn set_many(&self, namespace: &str, entries: Vec<(&str, Vec<u8>)>) {
        if entries.is_empty() {
            return;
        }
        self.counters(namespace);
        let ttl = self.ttl_secs(namespace);
        let result: Result<()> = async {
            let mut conn = self.connection().await?;
            let mut pipe = redis::pipe();
            for (key, value) in entries {
                pipe.set_ex(self.key(namespace, key), value, ttl).ignore();
            }
            let _: () = pipe.query_async(&mut conn).await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => self.outage.succeeded(),
            Err(err) => self.failed(namespace, "write", &err),
        }
    }

    async fn invalidate(&self, namespace: &str, key: Option<&str>) {
        let result: Result<()> = async {
            let keys = match key {
                Some(key) => vec![self.key(namespace, key)],
                None => self.scan_namespace(namespace).await?,
            };
            self.unlink(&keys).await
        }
        .await;
        if let Err(err) = result {
            self.failed(namespace, "invalidate", &err);
        }
    }

    /// One `SCAN` walk over the keys starting with `prefix`, then `UNLINK`s.
    async fn invalidate_prefix(&self, namespace: &str, prefix: &str) {
        let result: Result<()> = async {
            let keys = self.scan_keys(namespace, prefix).await?;
            self.unlink(&keys).await
        }
        .await;
        if let Err(err) = result {
            self.failed(namespace, "invalidate", &err);
        }
    }

    /// Stops the gathering tasks and drops the connection (closed once the
    /// calls still using it finish); later calls miss without any I/O.
    async fn close(&self) {
        let link = {
            let mut slot = self.link.write().unwrap_or_else(|e| e.into_inner());
            self.closed.store(true, Ordering::Release);
            slot.take()
        };
        if let Some(link) = link {
            link.stop();
        }
    }

    async fn ping(&self) -> Result<()> {
        RedisCache::ping(self).await
    }

    fn outage(&self) -> Option<&Outage> {
        Some(&self.outage)
    }

    /// The counters alone: no `SCAN`, so `entries` and `bytes` are 0.
    async fn counters(&self) -> Vec<NamespaceStats> {
        let mut out: Vec<NamespaceStats> = self
            .counters
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(namespace, c)| NamespaceStats {
                namespace: namespace.clone(),
                hits: c.hits.load(Ordering::Relaxed),
                misses: c.misses.load(Ordering::Relaxed),
                entries: 0,
                bytes: 0,
                errors: c.errors.load(Ordering::Relaxed),
            })
            .collect();
        out.sort_by(|a, b| a.namespace.cmp(&b.namespace));
        out
    }

    async fn stats(&self) -> Vec<NamespaceStats> {
        let counted: Vec<(String, Arc<Counters>)> = self
            .counters
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut out = Vec::with_capacity(counted.len());
        for (namespace, c) in counted {
            let held = async {
                let keys = self.scan_namespace(&namespace).await?;
                Ok::<_, Error>((keys.len() as u64, self.value_bytes(&keys).await?))
            };
            let (entries, bytes) = match held.await {
                Ok(held) => held,
                Err(err) => {
                    self.failed(&namespace, "stats", &err);
                    (0, 0)
                }
            };
            out.push(NamespaceStats {
                namespace,
                hits: c.hits.load(Ordering::Relaxed),
                misses: c.misses.load(Ordering::Relaxed),
                entries,
                bytes,
                errors: c.errors.load(Ordering::Relaxed),
            });
        }
        out.sort_by(|a, b| a.namespace.cmp(&b.namespace));
        out
    }
}
