//! The conformance kit (feature `testkit`): the suites the built-in
//! backends pass, for the author of a new one to run on theirs.
//!
//! One async function per trait takes the backend (and, for market data,
//! what only its author knows: a symbol it serves, one it does not, a query
//! that matches) and returns a [`Report`] of every check. Each check is one
//! clause of the trait's documented contract; its name (`suite.clause`) is
//! stable. A panic or a hang inside the backend fails that check only.
//!
//! The suites: [`market_data`], [`mention_source`], [`analyzer`], [`cache`],
//! [`price_store`], [`sentiment_store`], [`backfill_store`], [`user_store`].
//! With the `server` feature, `LogCapture` reads back the log events a
//! test's code emits.
//! Each needs a tokio runtime with timers (checks time out after
//! [`CHECK_TIMEOUT`]), and each future is `Send + 'static`.
//!
//! Stores need not start empty: the suites write symbols, emails and cache
//! namespaces unique to the run, and read only those.
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! let store = Arc::new(tickersense::store::MemoryStore::new());
//! tickersense::testkit::price_store(store).await.assert_passed();
//! # }
//! ```

mod analyzer;
mod backfill_store;
mod cache;
#[cfg(feature = "server")]
mod logs;
mod market_data;
mod mention_source;
mod price_store;
mod report;
mod run;
mod sentiment_posts;
mod sentiment_store;
mod user_store;

pub use analyzer::analyzer;
pub use backfill_store::backfill_store;
pub use cache::{cache, CacheSuiteOptions};
#[cfg(feature = "server")]
pub use logs::{LogCapture, WAIT_FOR_LINES};
pub use market_data::market_data;
pub use mention_source::mention_source;
pub use price_store::price_store;
pub use report::{Check, Outcome, Report};
pub use run::CHECK_TIMEOUT;
pub use sentiment_store::sentiment_store;
pub use user_store::user_store;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    /// Bindings hand the suites' futures to other runtimes' tasks: they
    /// must be `Send + 'static`.
    #[test]
    fn suite_futures_are_send_and_static() {
        fn sendable<T: Send + 'static>(_: &T) {}
        let store = Arc::new(crate::store::MemoryStore::new());
        sendable(&super::price_store(store.clone()));
        sendable(&super::sentiment_store(store.clone()));
        sendable(&super::backfill_store(store.clone()));
        sendable(&super::user_store(store));
        let cache = Arc::new(crate::cache::MemoryCache::new(Default::default()));
        sendable(&super::cache(cache, super::CacheSuiteOptions::default()));
        let sample = Arc::new(crate::provider::Sample::new());
        sendable(&super::market_data(
            sample,
            "AAPL".into(),
            "ZZZZ9".into(),
            "apple".into(),
        ));
    }

    #[tokio::test]
    async fn the_memory_backends_pass() {
        let store = Arc::new(crate::store::MemoryStore::new());
        super::price_store(store.clone()).await.assert_passed();
        super::sentiment_store(store.clone()).await.assert_passed();
        super::backfill_store(store.clone()).await.assert_passed();
        super::user_store(store).await.assert_passed();
        let sample = Arc::new(crate::provider::Sample::new());
        super::market_data(sample, "AAPL".into(), "ZZZZ9".into(), "apple".into())
            .await
            .assert_passed();
        super::analyzer(Arc::new(crate::sentiment::Vader::new()))
            .await
            .assert_passed();
        super::analyzer(Arc::new(crate::sentiment::TextBlob::new()))
            .await
            .assert_passed();
        let posts = Arc::new(crate::social::Sample::new());
        super::mention_source(posts, "AAPL".into())
            .await
            .assert_passed();
    }
}
