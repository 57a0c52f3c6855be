//! The [`SentimentStore`] suite: records in time order, `since`, daily sums.

use std::sync::Arc;

use chrono::Duration;

use super::run::{day, ensure, Called, Suite};
use super::Report;
use crate::model::{PlatformSentiment, SentimentRecord, Symbol};
use crate::store::SentimentStore;

/// Runs every [`SentimentStore`] check on `store` and reports each.
///
/// The store need not be empty: every check writes symbols of its own
/// (`S…`, unique per run). Costs a dozen small writes and reads.
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

    suite
        .check("daily_sums_weigh_by_mentions", async {
            let quiet = SentimentRecord {
                detail: PlatformSentiment { platform: "x".into(), mention_count: 0, ..record(&c, 5, 1.0).detail },
                ..record(&c, 5, 1.0)
            };
            let busy = SentimentRecord {
                timestamp: day(5) + Duration::hours(3),
                detail: PlatformSentiment { mention_count: 126, ..record(&c, 5, -0.75).detail },
                ..record(&c, 5, -0.75)
            };
            let records = [record(&c, 5, 0.25), record(&c, 1, -0.5), quiet, busy];
            store.insert_sentiment(&records).await.called("insert_sentiment")?;
            let daily = store.sentiment_daily(&c, day(0)).await.called("sentiment_daily")?;
            let counts: Vec<_> = daily.iter().map(|d| (d.date, d.analyses, d.mentions)).collect();
            ensure!(
                counts == [(day(1).date_naive(), 1, 42), (day(5).date_naive(), 3, 168)],
                "day 1 should hold 1 analysis of 42 mentions, day 5 three of 168; got {counts:?}"
            );
            // (0.25 * 42 + 1.0 * 0 - 0.75 * 126) / 168 = -0.5
            let (first, last) = (&daily[0], &daily[1]);
            ensure!(
                (last.score + 0.5).abs() < 1e-12 && (last.confidence - 2.0 / 3.0).abs() < 1e-12 && first.score == -0.5,
                "scores should be weighed by mentions (day 1 -0.5; day 5 -0.5, confidence 2/3); got {daily:?}"
            );
            Ok(())
        })
        .await;

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
