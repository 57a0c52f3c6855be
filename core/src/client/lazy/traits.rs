//! The store traits on [`LazyStore`]: each operation connects the store if
//! need be and goes through its outage guard ([`LazyStore::call`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::LazyStore;
use crate::error::Result;
use crate::model::{BackfillStatus, Bar, Interval, PostQuery, SentimentRecord, StoredPost, Symbol};
use crate::model::{Credentials, NewUser, User, UserId, WatchlistItem};
use crate::store::{
    BackfillClaim, BackfillStore, Coverage, PriceStore, SentimentStore, StoredSeries, UserStore,
};

#[async_trait]
impl PriceStore for LazyStore {
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64> {
        self.call(|s| async move { s.upsert_bars(symbol, interval, bars).await })
            .await
    }

    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>> {
        self.call(|s| async move { s.bars(symbol, interval, start, end).await })
            .await
    }

    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>> {
        self.call(|s| async move { s.latest_bar(symbol, interval).await })
            .await
    }

    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>> {
        self.call(|s| async move { s.coverage(symbol, interval).await })
            .await
    }

    async fn extend_coverage(
        &self,
        symbol: &Symbol,
        interval: Interval,
        fetched: Coverage,
    ) -> Result<()> {
        self.call(|s| async move { s.extend_coverage(symbol, interval, fetched).await })
            .await
    }

    async fn stored_series(&self) -> Result<Vec<StoredSeries>> {
        self.call(|s| async move { s.stored_series().await }).await
    }
}

#[async_trait]
impl BackfillStore for LazyStore {
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()> {
        self.call(|s| async move { s.put_backfill_status(status).await })
            .await
    }

    async fn backfill_status(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillStatus>> {
        self.call(|s| async move { s.backfill_status(symbol, interval).await })
            .await
    }

    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>> {
        self.call(|s| async move { s.backfill_statuses(interval).await })
            .await
    }

    async fn claim_backfill(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillClaim>> {
        self.call(|s| async move { s.claim_backfill(symbol, interval).await })
            .await
    }
}

#[async_trait]
impl SentimentStore for LazyStore {
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()> {
        self.call(|s| async move { s.insert_sentiment(records).await })
            .await
    }

    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>> {
        self.call(|s| async move { s.sentiment_since(symbol, since).await })
            .await
    }

    async fn upsert_posts(&self, posts: &[StoredPost]) -> Result<u64> {
        self.call(|s| async move { s.upsert_posts(posts).await })
            .await
    }

    async fn posts(&self, query: &PostQuery) -> Result<Vec<StoredPost>> {
        self.call(|s| async move { s.posts(query).await }).await
    }
}

#[async_trait]
impl UserStore for LazyStore {
    async fn create_user(&self, new: &NewUser) -> Result<User> {
        self.call(|s| async move { s.create_user(new).await }).await
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>> {
        self.call(|s| async move { s.user(id).await }).await
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        self.call(|s| async move { s.credentials_by_email(email).await })
            .await
    }

    async fn update_profile(
        &self,
        id: &UserId,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<User> {
        self.call(|s| async move { s.update_profile(id, first_name, last_name).await })
            .await
    }

    async fn set_password_hash(&self, id: &UserId, password_hash: &str) -> Result<()> {
        self.call(|s| async move { s.set_password_hash(id, password_hash).await })
            .await
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool> {
        self.call(|s| async move { s.delete_user(id).await }).await
    }

    async fn add_to_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<WatchlistItem> {
        self.call(|s| async move { s.add_to_watchlist(id, symbol).await })
            .await
    }

    async fn remove_from_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<()> {
        self.call(|s| async move { s.remove_from_watchlist(id, symbol).await })
            .await
    }

    async fn watchlist(&self, id: &UserId) -> Result<Vec<WatchlistItem>> {
        self.call(|s| async move { s.watchlist(id).await }).await
    }
}
