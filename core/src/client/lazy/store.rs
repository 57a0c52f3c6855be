//! [`LazyStore`]: the store of the store URL, connected on first use and
//! guarded by an [`Outage`].

use std::future::Future;
use std::sync::{Arc, RwLock};

use crate::error::{Error, Result};
use crate::resilience::Outage;
use crate::store::{Store, StoreUrl};

/// What the slot holds.
enum Held {
    /// Not connected (yet, or since the last attempt failed).
    Empty,
    Ready(Arc<dyn Store>),
    /// Closed with its client: every call fails.
    Closed,
}

/// The store of the store URL, shared by every store role it fills.
///
/// No I/O until a call needs it: the first connects (and migrates), and
/// calls made meanwhile wait for that one attempt. A failed connect, or an
/// operation failing because the store is unreachable or timed out, opens a
/// back-off window ([`Outage`]) in which every call fails at once with
/// `Unavailable` saying why and when the store is tried again; a later call
/// connects again. So a stopped PostgreSQL costs one connect or acquire
/// timeout per window, not one per operation. Every failed operation is
/// counted, for [`LazyStore::failures`].
pub(crate) struct LazyStore {
    url: StoreUrl,
    display_url: String,
    held: RwLock<Held>,
    /// Held while connecting, so concurrent first calls connect once.
    connecting: tokio::sync::Mutex<()>,
    outage: Outage,
}

fn closed() -> Error {
    Error::unavailable("this client is closed")
}

impl LazyStore {
    /// A store for `url` (shown redacted in messages). No I/O.
    pub(crate) fn new(url: StoreUrl) -> Self {
        let display_url = url.to_string();
        LazyStore {
            url,
            outage: Outage::new(format!("the store ({display_url})")),
            display_url,
            held: RwLock::new(Held::Empty),
            connecting: tokio::sync::Mutex::new(()),
        }
    }

    /// The connected store, if any; `Err` once closed.
    fn current(&self) -> Result<Option<Arc<dyn Store>>> {
        match &*self.held.read().unwrap_or_else(|e| e.into_inner()) {
            Held::Empty => Ok(None),
            Held::Ready(store) => Ok(Some(store.clone())),
            Held::Closed => Err(closed()),
        }
    }

    /// The store, connecting it first if need be. Fails at once (no I/O)
    /// inside a back-off window or once closed.
    pub(crate) async fn get(&self) -> Result<Arc<dyn Store>> {
        if let Some(store) = self.current()? {
            self.outage.check()?;
            return Ok(store);
        }
        self.outage.check()?;
        let _connecting = self.connecting.lock().await;
        if let Some(store) = self.current()? {
            return Ok(store);
        }
        self.outage.check()?;
        let store = match self.url.connect().await {
            Ok(store) => store,
            Err(err) => {
                self.outage.failed(err.message());
                tracing::warn!(store = %self.display_url, kind = %err.kind(), "store connect failed: {}", err.message());
                return Err(err);
            }
        };
        {
            let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
            // Checked under the lock `close` takes: a store connected while
            // the client was closing is closed here, not left behind.
            if matches!(*held, Held::Empty) {
                *held = Held::Ready(store.clone());
                self.outage.succeeded();
                return Ok(store);
            }
        }
        store.close().await;
        Err(closed())
    }

    /// Runs `op` on the store (connecting it first): a failure is counted,
    /// and one saying the store is unreachable or timed out opens the
    /// back-off window; a success ends any outage.
    pub(crate) async fn call<R, F, Fut>(&self, op: F) -> Result<R>
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let store = self.get().await?;
        let result = op(store).await;
        match &result {
            Ok(_) => self.outage.succeeded(),
            Err(err) => self.outage.observe(err),
        }
        result
    }

    /// Checks the store answers: connects if not connected (inside the
    /// back-off window: fails at once) and sends a `SELECT 1` where the
    /// backend has one, bounded by its pool's timeouts.
    pub(crate) async fn probe(&self) -> Result<()> {
        self.call(|store| async move { store.ping().await }).await
    }

    /// Why the store is down and when it is tried again, if it is.
    pub(crate) fn outage(&self) -> &Outage {
        &self.outage
    }

    /// Failed connects and operations so far.
    pub(crate) fn failures(&self) -> u64 {
        self.outage.failures()
    }

    /// The store's own description once connected (connecting now), e.g.
    /// `postgres (postgres://u:***@h/db); plain tables`.
    pub(crate) async fn describe(&self) -> Result<String> {
        Ok(self.get().await?.describe())
    }

    /// Closes the pools of the connected store (waiting for connections in
    /// use to come back); afterwards every call fails with `Unavailable`
    /// "this client is closed". Idempotent.
    pub(crate) async fn close(&self) {
        let store = {
            let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
            match std::mem::replace(&mut *held, Held::Closed) {
                Held::Ready(store) => Some(store),
                Held::Empty | Held::Closed => None,
            }
        };
        if let Some(store) = store {
            store.close().await;
        }
    }
}
