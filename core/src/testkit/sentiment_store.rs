//! The [`SentimentStore`] suite: records in time order and `since`, and
//! the posts (kept once, scores merged, newest first, every filter).

use std::sync::Arc;

use chrono::Duration;

use super::run::{day, ensure, Called, Suite};
use super::Report;
use crate::model::{PlatformSentiment, SentimentRecord, Symbol};
use crate::store::SentimentStore;

/// Runs every [`SentimentStore`] check on `store` and reports each.
///
/// The store need not be empty: every check writes symbols of its own
/// (`S…`, unique per run), and posts on a platform of its own. Costs a few
/// dozen small writes and reads.
pub async fn sentiment_store(store: Arc<dyn SentimentStore>) -> Report {
    let store = &*store;
    let mut suite = Suite::new("sentiment_store", "");
    let Some([a, b, c, d]) = suite.own_symbols(["SA#", "SB#", "SC#", "SD#"]) else {
        return suite.finish();
    };

    suite
        .check("records_come_back_oldest_first_whole", async {
            store.insert_sentiment(&[record(&a, 5, 0.25), record(&a, 1, -0.5)]).await.called("insert_sentiment")?;
            let since = store.sentiment_since(&a, day(0)).await.called("sentiment_since")?;
            ensure!(
                since == [record(&a, 1, -0.5), record(&a, 5, 0.25)],
                "two records written newest first should read back oldest first, field for field; got {since:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("since_is_inclusive", async {
            store
                .insert_sentiment(&[record(&b, 1, 0.1), record(&b, 5, 0.2)])
                .await
                .called("insert_sentiment")?;
            let later = store
                .sentiment_since(&b, day(2))
                .await
                .called("sentiment_since")?;
            ensure!(
                later == [record(&b, 5, 0.2)],
                "records since day 2 should be day 5's alone; got {later:?}"
            );
            let at = store
                .sentiment_since(&b, day(5))
                .await
                .called("sentiment_since")?;
            ensure!(
                at == [record(&b, 5, 0.2)],
                "a record made exactly at `since` should be included; got {at:?}"
            );
            let after = store
                .sentiment_since(&b, day(5) + Duration::seconds(1))
                .await
                .called("sentiment_since")?;
            ensure!(
                after.is_empty(),
                "records since after the last one: {after:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("symbols_are_apart", async {
            store
                .insert_sentiment(&[record(&a, 1, 0.5)])
                .await
                .called("insert_sentiment")?;
            let other = store
                .sentiment_since(&d, day(0))
                .await
                .called("sentiment_since")?;
            ensure!(
                other.is_empty(),
                "a symbol with no record read back {other:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("an_empty_insert_writes_nothing", async {
            store
                .insert_sentiment(&[])
                .await
                .called("insert_sentiment of nothing")?;
            let none = store
                .sentiment_since(&d, day(0))
                .await
                .called("sentiment_since")?;
            ensure!(none.is_empty(), "an empty insert left {none:?}");
            Ok(())
        })
        .await;

    super::sentiment_posts::checks(&mut suite, store, &c, &d).await;

    suite.finish()
}

/// A reddit record of `symbol` on day `n` with `score`, 42 mentions, and
/// every detail field filled in.
fn record(symbol: &Symbol, n: i64, score: f64) -> SentimentRecord {
    SentimentRecord {
        symbol: symbol.clone(),
        timestamp: day(n),
        detail: PlatformSentiment {
            platform: "reddit".into(),
            sentiment_score: score,
            confidence: score.abs(),
            mention_count: 42,
            keywords: vec![format!("${symbol}"), "earnings".into()],
            source_urls: vec!["https://example.invalid/1".into()],
        },
    }
}
