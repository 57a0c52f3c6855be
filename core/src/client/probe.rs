//! [`Backends::health`]: each backend's role, name and status, probing the
//! ones the client built and can check cheaply.

use super::health::{BackendHealth, BackendRole, BackendStatus};
use super::open::{Backends, RoleEntry};
use crate::error::Error;
use crate::resilience::Outage;

/// A failed probe as a status: the error's message (backends name no
/// secret in theirs) and, while the backend sits out a back-off window,
/// the wait left.
fn down(err: &Error, outage: Option<&Outage>) -> BackendStatus {
    let retry_in = outage
        .and_then(Outage::status)
        .map(|down| down.retry_in)
        .filter(|wait| !wait.is_zero())
        .or_else(|| err.retry_after());
    BackendStatus::Down {
        reason: err.message().to_owned(),
        retry_in_ms: retry_in.map(|wait| u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// A guarded user object's status: `Down` with the reason of its last
/// call that gave no answer, until a call answers.
fn guarded_status(outage: &Outage) -> BackendStatus {
    match outage.status() {
        None => BackendStatus::Up,
        Some(down) => BackendStatus::Down {
            reason: down.reason,
            retry_in_ms: Some(down.retry_in)
                .filter(|wait| !wait.is_zero())
                .map(|wait| u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
        },
    }
}

impl Backends {
    /// One report per role of `roles` (from [`super::open::roles`]): a
    /// switched-off role is `NotConfigured`; the URL store is probed once
    /// for all the roles it fills (connecting if not yet connected, then a
    /// `SELECT 1`), a cache built from a Redis URL with a `PING`, both at
    /// once and neither while in its back-off window; a user's market
    /// data, mention source or analyzer is `Down` from a call that gave no
    /// answer in time until one answers (the reason, the wait left and its
    /// failure count from its guard's outage state), without being called
    /// here; other user objects and built-in providers, sources and
    /// analyzers (which connect per request, or not at all) are `Up`. `closed` makes every configured role `Down`
    /// ("this client is closed"), without I/O. Costs at most the store's
    /// connect (or acquire) timeout and Redis's timeouts, at the same time.
    pub(super) async fn health(&self, roles: Vec<RoleEntry>, closed: bool) -> Vec<BackendHealth> {
        let (store, cache) = if closed {
            let closed = || BackendStatus::Down {
                reason: super::closed().message().to_owned(),
                retry_in_ms: None,
            };
            (closed(), closed())
        } else {
            let store = async {
                match &self.built_store {
                    None => BackendStatus::Up,
                    Some(store) => match store.probe().await {
                        Ok(()) => BackendStatus::Up,
                        Err(err) => down(&err, Some(store.outage())),
                    },
                }
            };
            let cache = async {
                match self.cache.ping().await {
                    Ok(()) => BackendStatus::Up,
                    Err(err) => down(&err, self.cache.outage()),
                }
            };
            tokio::join!(store, cache)
        };
        let store_failures = self.built_store.as_ref().map_or(0, |s| s.failures());
        let cache_failures = match (self.built_cache, self.cache.outage()) {
            (true, Some(outage)) => outage.failures(),
            _ => 0,
        };
        roles
            .into_iter()
            .map(|entry| {
                let RoleEntry {
                    role,
                    name,
                    switched_off,
                    outage,
                } = entry;
                let built_store = name != super::open::USER_DEFINED;
                let (status, failures) = match role {
                    _ if switched_off => (BackendStatus::NotConfigured, 0),
                    BackendRole::Cache if self.built_cache => (cache.clone(), cache_failures),
                    BackendRole::PriceStore
                    | BackendRole::SentimentStore
                    | BackendRole::BackfillStore
                    | BackendRole::UserStore
                        if built_store =>
                    {
                        (store.clone(), store_failures)
                    }
                    _ if closed => (cache.clone(), 0),
                    _ => match &outage {
                        Some(outage) => (guarded_status(outage), outage.failures()),
                        None => (BackendStatus::Up, 0),
                    },
                };
                BackendHealth {
                    role,
                    name,
                    status,
                    failures,
                }
            })
            .collect()
    }
}
