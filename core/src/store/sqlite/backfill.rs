use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_ms, to_ms, SqliteStore};
use crate::error::Result;
use crate::model::{BackfillStatus, Interval, Symbol};
use crate::store::BackfillStore;

const COLUMNS: &str =
    "symbol, interval, state, rows_written, first_bar_ms, last_bar_ms, reason, updated_at_ms";

fn status_from_row(row: &SqliteRow) -> Result<BackfillStatus> {
    let ms = |column: &str| -> Result<_> {
        row.try_get::<Option<i64>, _>(column)?
            .map(from_ms)
            .transpose()
    };
    Ok(BackfillStatus {
        symbol: Symbol::parse(row.try_get("symbol")?)?,
        interval: row.try_get::<&str, _>("interval")?.parse()?,
        state: row.try_get::<&str, _>("state")?.parse()?,
        rows_written: u64::try_from(row.try_get::<i64, _>("rows_written")?).unwrap_or(0),
        first_bar: ms("first_bar_ms")?,
        last_bar: ms("last_bar_ms")?,
        reason: row.try_get("reason")?,
        updated_at: from_ms(row.try_get("updated_at_ms")?)?,
    })
}

#[async_trait]
impl BackfillStore for SqliteStore {
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()> {
        sqlx::query(&format!(
            "INSERT OR REPLACE INTO backfill_status ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(status.symbol.as_str())
        .bind(status.interval.as_str())
        .bind(status.state.as_str())
        .bind(i64::try_from(status.rows_written).unwrap_or(i64::MAX))
        .bind(status.first_bar.map(to_ms))
        .bind(status.last_bar.map(to_ms))
        .bind(status.reason.as_deref())
        .bind(to_ms(status.updated_at))
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
            "SELECT {COLUMNS} FROM backfill_status WHERE symbol = ? AND interval = ?"
        ))
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(status_from_row).transpose()
    }

    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backfill_status WHERE ? IS NULL OR interval = ? ORDER BY symbol, interval"
        ))
        .bind(interval.map(Interval::as_str))
        .bind(interval.map(Interval::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(status_from_row).collect()
    }
}
