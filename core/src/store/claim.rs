//! Claims on the symbols of a backfill: while one run holds the claim of a
//! (symbol, interval), no other run fetches it. In process by default
//! ([`claim_in_process`]); a store shared by many processes claims in its
//! database (PostgreSQL: a session advisory lock), so the claim goes with
//! the process that held it.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, OnceLock};

use crate::model::{Interval, Symbol};

type ReleaseFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// How a claim lets go.
enum Release {
    /// At once, without I/O (a claim held in this process).
    Now(Box<dyn FnOnce() + Send + 'static>),
    /// Through I/O (a lock held in a database), run on a task of its own.
    Later(ReleaseFuture),
    Done,
}

/// A held claim on one (symbol, interval)'s backfill, from
/// [`BackfillStore::claim_backfill`](super::BackfillStore::claim_backfill).
/// Let go by [`BackfillClaim::release`], or by dropping it: a claim that
/// needs I/O to let go is then released on a task of the current tokio
/// runtime (dropped outside any runtime, it is released only when its
/// holder's database connection closes).
#[must_use = "the claim is released when dropped"]
pub struct BackfillClaim {
    release: Release,
}

impl BackfillClaim {
    /// A claim let go by calling `release` (no I/O, e.g. taking an entry
    /// out of a set).
    pub fn released_by(release: impl FnOnce() + Send + 'static) -> Self {
        BackfillClaim {
            release: Release::Now(Box::new(release)),
        }
    }

    /// A claim let go by running `release` to its end (I/O, e.g. unlocking
    /// a database lock). It runs on a task of its own, so a caller
    /// cancelled meanwhile never cuts it off halfway.
    pub fn released_by_future(release: impl Future<Output = ()> + Send + 'static) -> Self {
        BackfillClaim {
            release: Release::Later(Box::pin(release)),
        }
    }

    /// Lets the claim go and waits until it is gone, so that a run that
    /// starts afterwards can take it.
    pub async fn release(mut self) {
        match std::mem::replace(&mut self.release, Release::Done) {
            Release::Now(release) => release(),
            // Awaited on its own task: cancelling this call leaves it running.
            Release::Later(release) => {
                let _ = tokio::spawn(release).await;
            }
            Release::Done => {}
        }
    }
}

impl Drop for BackfillClaim {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.release, Release::Done) {
            Release::Now(release) => release(),
            Release::Later(release) => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(release);
                }
            }
            Release::Done => {}
        }
    }
}

impl std::fmt::Debug for BackfillClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackfillClaim")
    }
}

/// What holds a claim in this process: the store (by its address) and the
/// key.
type HeldKey = (usize, Symbol, Interval);

fn held() -> &'static Mutex<HashSet<HeldKey>> {
    static HELD: OnceLock<Mutex<HashSet<HeldKey>>> = OnceLock::new();
    HELD.get_or_init(Mutex::default)
}

/// Claims (symbol, interval) among the runs of this process on the store at
/// address `store`: `None` while another run holds it. O(1) under one
/// process-wide lock; the set holds one entry per claim held.
///
/// A store is told apart by its address, so two store values on one SQLite
/// file do not see each other's claims, and neither do two processes.
pub fn claim_in_process(
    store: usize,
    symbol: &Symbol,
    interval: Interval,
) -> Option<BackfillClaim> {
    let key = (store, symbol.clone(), interval);
    let fresh = held()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.clone());
    fresh.then(|| {
        BackfillClaim::released_by(move || {
            held()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&key);
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_claim_is_held_until_released_or_dropped() {
        let aapl = Symbol::parse("AAPL").unwrap();
        let first = claim_in_process(1, &aapl, Interval::D1).unwrap();
        assert!(claim_in_process(1, &aapl, Interval::D1).is_none());
        // Another store, another interval: claims of their own.
        let other_store = claim_in_process(2, &aapl, Interval::D1).unwrap();
        let other_interval = claim_in_process(1, &aapl, Interval::H1).unwrap();
        first.release().await;
        let again = claim_in_process(1, &aapl, Interval::D1).unwrap();
        drop(again);
        assert!(claim_in_process(1, &aapl, Interval::D1).is_some());
        drop((other_store, other_interval));
    }

    #[tokio::test]
    async fn a_claim_released_by_a_future_runs_it_once() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let claim = BackfillClaim::released_by_future(async move {
            let _ = tx.send(());
        });
        drop(claim);
        assert!(rx.await.is_ok());
    }
}
