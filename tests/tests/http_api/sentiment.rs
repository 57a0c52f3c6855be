//! Sentiment: the current analysis and the stored daily history (memory and PostgreSQL).

use async_trait::async_trait;
use tickersense::social::MentionSource;
use tickersense::{Post, Result, Symbol};
use tickersense_tests::{service_url, PgSchema};

use super::*;

const SENTIMENT_FIELDS: [&str; 5] = [
    "symbol",
    "current_sentiment",
    "sentiment_trend",
    "mention_volume",
    "analysis_timestamp",
];

#[tokio::test]
async fn sentiment_current_has_the_seed_fields_and_platform_detail() {
    let router = sample_app();
    let answer = get(&router, "/api/v1/sentiment/tsla/current").await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    let mut expected = set(&SENTIMENT_FIELDS);
    expected.extend(["platforms", "stored"]);
    assert_eq!(keys(&body), expected);
    assert_eq!(body["symbol"], "TSLA");
    assert_eq!(
        body["sentiment_trend"], "insufficient_data",
        "nothing stored from the week before"
    );
    assert_eq!(body["stored"], true);
    let at = body["analysis_timestamp"].as_str().unwrap();
    assert!(at.ends_with('Z'), "{at}");
    chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339");
    let platforms = body["platforms"].as_array().unwrap();
    assert!(!platforms.is_empty());
    let mut mentions = 0;
    for p in platforms {
        assert_eq!(
            keys(p),
            set(&[
                "symbol",
                "platform",
                "sentiment_score",
                "confidence",
                "mention_count",
                "keywords",
                "source_urls"
            ])
        );
        assert_eq!(p["symbol"], "TSLA");
        mentions += p["mention_count"].as_u64().unwrap();
    }
    assert_eq!(body["mention_volume"].as_u64(), Some(mentions));
}

/// A social source with nothing to say.
struct Silent;

#[async_trait]
impl MentionSource for Silent {
    fn platform(&self) -> &str {
        "silent"
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        _since: chrono::DateTime<chrono::Utc>,
        _limit: usize,
    ) -> Result<Vec<Post>> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn sentiment_without_posts_is_404() {
    let client = Tickersense::builder()
        .store("memory://")
        .social("")
        .with_mention_source(Arc::new(Silent))
        .build()
        .unwrap();
    let router = router_of(client, settings());
    let answer = get(&router, "/api/v1/sentiment/AAPL/current").await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn sentiment_history_reads_the_stored_days() {
    let router = sample_app();
    assert_sentiment_history(&router).await;
}

#[tokio::test]
async fn sentiment_history_on_postgres() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let client = Tickersense::builder()
        .store(schema.url())
        .cache("memory://")
        .build()
        .unwrap();
    let router = router_of(client, settings());
    assert_sentiment_history(&router).await;
    schema.drop_now().await;
}

/// Nothing stored, then one analysis: its posts by the day they were made
/// (the sample posts lie in the last 24 hours: today, and yesterday for
/// some), adding up to the analysis' figures.
async fn assert_sentiment_history(router: &axum::Router) {
    let empty = get(router, "/api/v1/sentiment/NVDA/history").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.json(),
        json!({"symbol": "NVDA", "days": 30, "data": []})
    );

    let current = get(router, "/api/v1/sentiment/NVDA/current").await.json();
    let answer = get(router, "/api/v1/sentiment/nvda/history?days=7").await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(keys(&body), set(&["symbol", "days", "data"]));
    assert_eq!(
        (body["symbol"].as_str(), body["days"].as_u64()),
        (Some("NVDA"), Some(7))
    );
    let data = body["data"].as_array().unwrap();
    assert!((1..=2).contains(&data.len()), "{body}");
    let today = chrono::Utc::now().date_naive();
    let yesterday = today - chrono::Duration::days(1);
    let (mut mentions, mut weighted) = (0, 0.0);
    for day in data {
        assert_eq!(
            keys(day),
            set(&[
                "date",
                "sentiment_score",
                "confidence",
                "mention_count",
                "platforms"
            ])
        );
        let date = day["date"].as_str().unwrap();
        assert!(
            [today, yesterday]
                .iter()
                .any(|d| d.format("%Y-%m-%d").to_string() == date),
            "{date}"
        );
        let count = day["mention_count"].as_u64().unwrap();
        assert_eq!(day["platforms"], json!({"sample": count}));
        let score = day["sentiment_score"].as_f64().unwrap();
        assert_eq!(day["confidence"].as_f64(), Some(score.abs()));
        mentions += count;
        weighted += score * count as f64;
    }
    assert_eq!(Some(mentions), current["mention_volume"].as_u64());
    let score = weighted / mentions as f64;
    let expected = current["current_sentiment"].as_f64().unwrap();
    assert!((score - expected).abs() < 1e-9, "{score} vs {expected}");

    // Analysing again changes no day: the posts are stored once.
    get(router, "/api/v1/sentiment/NVDA/current").await;
    let again = get(router, "/api/v1/sentiment/nvda/history?days=7")
        .await
        .json();
    assert_eq!(again, body);

    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=0").await;
    assert_unprocessable(&answer, &["query", "days"], "greater_than_equal");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=3651").await;
    assert_unprocessable(&answer, &["query", "days"], "less_than_equal");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=week").await;
    assert_unprocessable(&answer, &["query", "days"], "int_parsing");
}
