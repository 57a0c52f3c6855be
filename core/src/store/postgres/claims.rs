//! Backfill claims across processes: a session advisory lock per claimed
//! (symbol, interval), all held on one connection of the store's own,
//! outside the pool. The server lets every lock of a session go when its
//! connection drops, so a process that dies (or loses its connection)
//! never leaves a symbol claimed.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::error::{Error, Result};
use crate::model::{Interval, Symbol};
use crate::store::{claim_in_process, detached, BackfillClaim};

/// The lock of a (symbol, interval), keyed in the server's one 64-bit
/// advisory key space by a hash of the schema, the symbol and the interval:
/// stores on other schemas of one database claim apart.
const TRY_LOCK: &str = "SELECT pg_try_advisory_lock(hashtextextended(\
     'tickersense.backfill:' || current_schema() || ':' || $1 || ':' || $2, 0))";
const UNLOCK: &str = "SELECT pg_advisory_unlock(hashtextextended(\
     'tickersense.backfill:' || current_schema() || ':' || $1 || ':' || $2, 0))";

/// The connection holding this store's claims, opened on the first claim.
struct Slot {
    conn: Option<PgConnection>,
    /// Counts the connections opened: a claim taken on an earlier one was
    /// let go with it, and must not unlock on the next.
    generation: u64,
    closed: bool,
}

/// The claims of one [`PostgresStore`](super::PostgresStore): one extra
/// connection (whatever the number of claims), used under a lock for one
/// short statement at a time.
pub(super) struct Claims {
    options: PgConnectOptions,
    connect_timeout: Duration,
    slot: tokio::sync::Mutex<Slot>,
}

impl Claims {
    /// Claims that connect with `options`. No I/O.
    pub(super) fn new(options: PgConnectOptions, connect_timeout: Duration) -> Arc<Self> {
        Arc::new(Claims {
            options,
            connect_timeout,
            slot: tokio::sync::Mutex::new(Slot {
                conn: None,
                generation: 0,
                closed: false,
            }),
        })
    }

    /// Claims (symbol, interval): first among the runs of this process
    /// (a session's advisory locks are re-entrant, so the one connection
    /// cannot tell two of its own runs apart), then in the database, by one
    /// statement (plus a connect the first time, or after the connection
    /// was lost). Runs on a task of its own, so a caller cancelled
    /// mid-statement neither leaves the connection out of step nor a lock
    /// taken with no claim to let it go.
    pub(super) async fn claim(
        self: &Arc<Self>,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillClaim>> {
        let Some(local) = claim_in_process(Arc::as_ptr(self) as usize, symbol, interval) else {
            return Ok(None);
        };
        let (claims, symbol) = (self.clone(), symbol.clone());
        detached(async move {
            let Some(generation) = claims.try_lock(&symbol, interval).await? else {
                return Ok(None);
            };
            Ok(Some(BackfillClaim::released_by_future(async move {
                claims.unlock(symbol, interval, generation).await;
                // Let go here last: a run of this process taking it next
                // finds the database lock gone too.
                drop(local);
            })))
        })
        .await
    }

    /// Tries the database lock: the generation of the connection that took
    /// it, or `None` when another session holds it.
    async fn try_lock(&self, symbol: &Symbol, interval: Interval) -> Result<Option<u64>> {
        let mut slot = self.slot.lock().await;
        if slot.closed {
            return Err(Error::unavailable("the store is closed"));
        }
        if slot.conn.is_none() {
            let connect = PgConnection::connect_with(&self.options);
            let conn = tokio::time::timeout(self.connect_timeout, connect)
                .await
                .map_err(|_| {
                    Error::unavailable(format!(
                        "no connection for backfill claims within {:?}",
                        self.connect_timeout
                    ))
                })??;
            slot.conn = Some(conn);
            slot.generation += 1;
        }
        let generation = slot.generation;
        let Some(conn) = slot.conn.as_mut() else {
            return Err(Error::internal("the claims connection went missing"));
        };
        let taken = sqlx::query_scalar::<_, bool>(TRY_LOCK)
            .bind(symbol.as_str())
            .bind(interval.as_str())
            .fetch_one(&mut *conn)
            .await;
        match taken {
            Ok(taken) => Ok(taken.then_some(generation)),
            Err(err) => {
                // A connection that failed a statement may be gone, and
                // with it the locks it held: start afresh on the next claim.
                slot.conn = None;
                Err(err.into())
            }
        }
    }

    /// Lets the lock go, when the connection that took it is still the
    /// one open; a failure drops the connection, which lets it go as well.
    async fn unlock(&self, symbol: Symbol, interval: Interval, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot.generation != generation {
            return;
        }
        let Some(conn) = slot.conn.as_mut() else {
            return;
        };
        let unlocked = sqlx::query_scalar::<_, bool>(UNLOCK)
            .bind(symbol.as_str())
            .bind(interval.as_str())
            .fetch_one(&mut *conn)
            .await;
        if let Err(err) = unlocked {
            tracing::warn!(%symbol, "backfill claim not unlocked, closing its connection: {err}");
            slot.conn = None;
        }
    }

    /// Closes the connection (every claim goes with it); later claims fail
    /// with `Unavailable`. Waits for a statement under way.
    pub(super) async fn close(&self) {
        let conn = {
            let mut slot = self.slot.lock().await;
            slot.closed = true;
            slot.conn.take()
        };
        if let Some(conn) = conn {
            let _ = conn.close().await;
        }
    }
}
