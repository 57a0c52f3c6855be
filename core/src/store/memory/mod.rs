use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{bars_to_store, Coverage, PriceStore, SentimentStore, Store, StoredSeries};
use crate::error::Result;
use crate::model::{BackfillStatus, Bar, Interval, PostQuery, SentimentRecord, StoredPost, Symbol};
use crate::store::posts::posts_to_store;

type SeriesKey = (Symbol, Interval);

/// In-process store (`memory://`): ordered maps behind a lock. Range reads
/// cost a tree walk; nothing survives the process.
#[derive(Default)]
pub struct MemoryStore {
    bars: RwLock<HashMap<SeriesKey, BTreeMap<DateTime<Utc>, Bar>>>,
    coverage: RwLock<HashMap<SeriesKey, Coverage>>,
    sentiment: RwLock<Vec<SentimentRecord>>,
    posts: RwLock<posts::PostTable>,
    backfill: RwLock<HashMap<SeriesKey, BackfillStatus>>,
    users: RwLock<users::UserTables>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

// A poisoned lock only means another thread panicked mid-write of plain
// data; the maps are still valid, so keep serving them.
macro_rules! read {
    ($lock:expr) => {
        $lock.read().unwrap_or_else(|e| e.into_inner())
    };
}
macro_rules! write {
    ($lock:expr) => {
        $lock.write().unwrap_or_else(|e| e.into_inner())
    };
}

// Declared after the macros: textual scoping makes them visible only below.
mod backfill;
mod posts;
mod users;

#[async_trait]
impl PriceStore for MemoryStore {
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64> {
        let mut all = write!(self.bars);
        let series = all.entry((symbol.clone(), interval)).or_default();
        let bars = bars_to_store(bars)?;
        for bar in bars.iter() {
            series.insert(bar.timestamp, *bar);
        }
        Ok(bars.len() as u64)
    }

    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>> {
        let all = read!(self.bars);
        let Some(series) = all.get(&(symbol.clone(), interval)) else {
            return Ok(Vec::new());
        };
        // An empty or reversed range holds no bar, as in SQL (where the
        // other stores answer it); `BTreeMap::range` would panic on it.
        if start.is_some_and(|start| start >= end) {
            return Ok(Vec::new());
        }
        let lower = start.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Included);
        Ok(series
            .range((lower, std::ops::Bound::Excluded(end)))
            .map(|(_, b)| *b)
            .collect())
    }

    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>> {
        Ok(read!(self.bars)
            .get(&(symbol.clone(), interval))
            .and_then(|s| s.values().next_back().copied()))
    }

    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>> {
        Ok(read!(self.coverage)
            .get(&(symbol.clone(), interval))
            .copied())
    }

    async fn extend_coverage(
        &self,
        symbol: &Symbol,
        interval: Interval,
        fetched: Coverage,
    ) -> Result<()> {
        let mut all = write!(self.coverage);
        let merged = match all.get(&(symbol.clone(), interval)) {
            Some(old) => old.union(fetched),
            None => fetched,
        };
        all.insert((symbol.clone(), interval), merged);
        Ok(())
    }

    async fn stored_series(&self) -> Result<Vec<StoredSeries>> {
        let bars = read!(self.bars);
        let coverage = read!(self.coverage);
        let mut keys: Vec<&SeriesKey> = bars
            .iter()
            .filter(|(_, series)| !series.is_empty())
            .map(|(key, _)| key)
            .chain(coverage.keys())
            .collect();
        keys.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
        keys.dedup();
        Ok(keys
            .into_iter()
            .map(|key| {
                let series = bars.get(key);
                StoredSeries {
                    symbol: key.0.clone(),
                    interval: key.1,
                    bars: series.map_or(0, |s| s.len() as u64),
                    first_bar: series.and_then(|s| s.keys().next().copied()),
                    last_bar: series.and_then(|s| s.keys().next_back().copied()),
                    coverage: coverage.get(key).copied(),
                }
            })
            .collect())
    }
}

#[async_trait]
impl SentimentStore for MemoryStore {
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()> {
        write!(self.sentiment).extend_from_slice(records);
        Ok(())
    }

    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>> {
        let mut out: Vec<SentimentRecord> = read!(self.sentiment)
            .iter()
            .filter(|r| &r.symbol == symbol && r.timestamp >= since)
            .cloned()
            .collect();
        out.sort_by_key(|r| r.timestamp);
        Ok(out)
    }

    /// Checks and folds the batch first, then writes it under one lock:
    /// O(posts · log posts of the symbol).
    async fn upsert_posts(&self, posts: &[StoredPost]) -> Result<u64> {
        let posts = posts_to_store(posts)?;
        Ok(write!(self.posts).upsert(posts))
    }

    /// One range walk per symbol asked for (every symbol's, merged, for
    /// `symbol: None`), newest first.
    async fn posts(&self, query: &PostQuery) -> Result<Vec<StoredPost>> {
        Ok(read!(self.posts).read(query))
    }
}

impl Store for MemoryStore {
    fn describe(&self) -> String {
        "memory (in-process, not persisted)".to_owned()
    }
}
