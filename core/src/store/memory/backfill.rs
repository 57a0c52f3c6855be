use async_trait::async_trait;

use super::MemoryStore;
use crate::error::Result;
use crate::model::{BackfillStatus, Interval, Symbol};
use crate::store::BackfillStore;

#[async_trait]
impl BackfillStore for MemoryStore {
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()> {
        write!(self.backfill).insert((status.symbol.clone(), status.interval), status.clone());
        Ok(())
    }

    async fn backfill_status(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillStatus>> {
        Ok(read!(self.backfill)
            .get(&(symbol.clone(), interval))
            .cloned())
    }

    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>> {
        let mut out: Vec<BackfillStatus> = read!(self.backfill)
            .values()
            .filter(|s| interval.is_none_or(|i| s.interval == i))
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            (a.symbol.as_str(), a.interval.as_str()).cmp(&(b.symbol.as_str(), b.interval.as_str()))
        });
        Ok(out)
    }
}
