use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::PostgresStore;
use crate::error::Result;
use crate::model::{BackfillStatus, Interval, Symbol};
use crate::store::{BackfillClaim, BackfillStore};

const COLUMNS: &str =
    "symbol, interval, state, rows_written, first_bar, last_bar, reason, updated_at";

fn status_from_row(row: &PgRow) -> Result<BackfillStatus> {
    Ok(BackfillStatus {
        symbol: Symbol::parse(row.try_get("symbol")?)?,
        interval: row.try_get::<&str, _>("interval")?.parse()?,
        state: row.try_get::<&str, _>("state")?.parse()?,
        rows_written: u64::try_from(row.try_get::<i64, _>("rows_written")?).unwrap_or(0),
        first_bar: row.try_get("first_bar")?,
        last_bar: row.try_get("last_bar")?,
        reason: row.try_get("reason")?,
        updated_at: row.try_get("updated_at")?,
    })
}

#[async_trait]
impl BackfillStore for PostgresStore {
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO backfill_status ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (symbol, interval) DO UPDATE SET state = EXCLUDED.state, \
               rows_written = EXCLUDED.rows_written, first_bar = EXCLUDED.first_bar, \
               last_bar = EXCLUDED.last_bar, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at"
        ))
        .bind(status.symbol.as_str())
        .bind(status.interval.as_str())
        .bind(status.state.as_str())
        .bind(i64::try_from(status.rows_written).unwrap_or(i64::MAX))
        .bind(status.first_bar)
        .bind(status.last_bar)
        .bind(status.reason.as_deref())
        .bind(status.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn backfill_status(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillStatus>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backfill_status WHERE symbol = $1 AND interval = $2"
        ))
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(status_from_row).transpose()
    }

    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backfill_status WHERE $1::text IS NULL OR interval = $1 \
             ORDER BY symbol COLLATE \"C\", interval COLLATE \"C\""
        ))
        .bind(interval.map(Interval::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(status_from_row).collect()
    }

    /// A session advisory lock keyed by schema, symbol and interval, on
    /// the store's claims connection (one statement; see `claims.rs`):
    /// held across every instance on this database, and let go by the
    /// server when the connection drops.
    async fn claim_backfill(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillClaim>> {
        self.claims.claim(symbol, interval).await
    }
}
