//! Sentiment: the current analysis with each source's status, the daily
//! history from the stored posts (memory and PostgreSQL), and the scoring
//! of posts a caller brings.

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
    expected.extend(["platforms", "sources", "stored"]);
    assert_eq!(keys(&body), expected);
    assert_eq!(body["symbol"], "TSLA");
    assert_eq!(
        body["sentiment_trend"], "insufficient_data",
        "nothing stored before"
    );
    assert_eq!(body["stored"], true);
    assert_eq!(
        body["sources"],
        json!([{"platform": "sample", "state": "ok", "posts": body["mention_volume"], "reason": null, "retry_after": null}])
    );
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

/// A social source under `platform` whose every call answers `answer()`.
struct Canned {
    platform: &'static str,
    answer: fn() -> Result<Vec<Post>>,
}

/// A social source with nothing to say.
const SILENT: Canned = Canned {
    platform: "silent",
    answer: || Ok(Vec::new()),
};

/// A social source that is down.
const DOWN: Canned = Canned {
    platform: "forum",
    answer: || Err(tickersense::Error::unavailable("the forum is down")),
};

#[async_trait]
impl MentionSource for Canned {
    fn platform(&self) -> &str {
        self.platform
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        _since: chrono::DateTime<chrono::Utc>,
        _limit: usize,
    ) -> Result<Vec<Post>> {
        (self.answer)()
    }
}

/// `GET /api/v1/sentiment/AAPL/current` of an app over the memory store
/// whose social sources are `social`'s and `source`.
async fn current_with(source: Canned, social: &str) -> Answer {
    let client = Tickersense::builder()
        .store("memory://")
        .social(social)
        .with_mention_source(Arc::new(source))
        .build()
        .unwrap();
    get(
        &router_of(client, settings()),
        "/api/v1/sentiment/AAPL/current",
    )
    .await
}

#[tokio::test]
async fn sentiment_current_lists_a_failing_source_and_answers_from_the_others() {
    let answer = current_with(DOWN, "sample://").await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    let sources = body["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "{body}");
    assert_eq!(
        sources[0],
        json!({"platform": "sample", "state": "ok", "posts": body["mention_volume"], "reason": null, "retry_after": null})
    );
    assert_eq!(
        keys(&sources[1]),
        set(&["platform", "state", "posts", "reason", "retry_after"])
    );
    assert_eq!(
        (
            &sources[1]["platform"],
            &sources[1]["state"],
            &sources[1]["posts"]
        ),
        (&json!("forum"), &json!("failed"), &json!(0))
    );
    let reason = sources[1]["reason"].as_str().unwrap();
    assert!(reason.contains("the forum is down"), "{reason}");
    let platforms: Vec<&str> = body["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["sample"]);
}

#[tokio::test]
async fn sentiment_without_posts_is_404() {
    let answer = current_with(SILENT, "").await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn sentiment_history_reads_the_stored_days() {
    let client = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .social("sample://")
        .build()
        .unwrap();
    assert_sentiment_history(&router_of(client, settings())).await;
}

#[tokio::test]
async fn sentiment_history_on_postgres() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let client = Tickersense::builder()
        .store(schema.url())
        .cache("none://")
        .social("sample://")
        .build()
        .unwrap();
    let router = router_of(client, settings());
    assert_sentiment_history(&router).await;
    schema.drop_now().await;
}

/// Nothing stored, then the same posts analysed three times: the days
/// hold each post once, with the analysis' figures.
async fn assert_sentiment_history(router: &axum::Router) {
    let empty = get(router, "/api/v1/sentiment/NVDA/history").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.json(),
        json!({"symbol": "NVDA", "days": 30, "platform": null, "data": []})
    );

    let current = get(router, "/api/v1/sentiment/NVDA/current").await.json();
    // The cache is off: each call analyses the same posts again.
    for _ in 0..2 {
        let again = get(router, "/api/v1/sentiment/NVDA/current").await;
        assert_eq!(again.json()["mention_volume"], current["mention_volume"]);
    }
    let answer = get(router, "/api/v1/sentiment/nvda/history?days=7").await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(keys(&body), set(&["symbol", "days", "platform", "data"]));
    assert_eq!(
        (
            body["symbol"].as_str(),
            body["days"].as_u64(),
            &body["platform"]
        ),
        (Some("NVDA"), Some(7), &Value::Null)
    );
    let data = body["data"].as_array().unwrap();
    // The sample's posts lie within the last 24 hours: today's, maybe yesterday's.
    assert!((1..=2).contains(&data.len()), "{body}");
    let today = chrono::Utc::now().date_naive();
    let mut mentions = 0;
    let mut weighted = 0.0;
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
        let date = chrono::NaiveDate::parse_from_str(day["date"].as_str().unwrap(), "%Y-%m-%d")
            .expect("YYYY-MM-DD");
        assert!(date == today || date == today.pred_opt().unwrap(), "{date}");
        let count = day["mention_count"].as_u64().unwrap();
        assert_eq!(day["platforms"], json!({"sample": count}));
        let score = day["sentiment_score"].as_f64().unwrap();
        assert_eq!(day["confidence"].as_f64(), Some(score.abs()));
        mentions += count;
        weighted += score * count as f64;
    }
    assert_eq!(json!(mentions), current["mention_volume"], "each post once");
    let expected = current["current_sentiment"].as_f64().unwrap();
    let mean = weighted / mentions as f64;
    assert!((mean - expected).abs() < 1e-9, "{mean} vs {expected}");

    // Analysing again changes no day: the posts are stored once.
    get(router, "/api/v1/sentiment/NVDA/current").await;
    let again = get(router, "/api/v1/sentiment/nvda/history?days=7")
        .await
        .json();
    assert_eq!(again, body);

    let sample = get(
        router,
        "/api/v1/sentiment/NVDA/history?days=7&platform=sample",
    )
    .await;
    assert_eq!(sample.json()["data"], body["data"]);
    assert_eq!(sample.json()["platform"], "sample");
    let other = get(router, "/api/v1/sentiment/NVDA/history?platform=reddit").await;
    assert_eq!(
        other.json(),
        json!({"symbol": "NVDA", "days": 30, "platform": "reddit", "data": []})
    );

    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=0").await;
    assert_unprocessable(&answer, &["query", "days"], "greater_than_equal");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=3651").await;
    assert_unprocessable(&answer, &["query", "days"], "less_than_equal");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?days=week").await;
    assert_unprocessable(&answer, &["query", "days"], "int_parsing");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?platform=%20").await;
    assert_unprocessable(&answer, &["query", "platform"], "string_too_short");
    let answer = get(router, "/api/v1/sentiment/NVDA/history?platform=red%00dit").await;
    assert_unprocessable(&answer, &["query", "platform"], "string_pattern_mismatch");
    let long = "p".repeat(65);
    let answer = get(
        router,
        &format!("/api/v1/sentiment/NVDA/history?platform={long}"),
    )
    .await;
    assert_unprocessable(&answer, &["query", "platform"], "string_too_long");
}

#[tokio::test]
async fn score_gives_each_post_its_polarity_and_the_platform_report() {
    let router = sample_app();
    let texts = [
        "What a great quarter",
        "Terrible guidance, awful",
        "Solid buy",
    ];
    let body = json!({"posts": [
        {"text": texts[0]},
        {"text": texts[1], "id": 9},
        {"text": texts[2], "platform": "forum", "id": "f-1", "url": "https://forum.example/1", "created_at": "2024-05-01T12:00:00Z"},
    ]});
    let answer = post_json(&router, "/api/v1/sentiment/score", body).await;
    assert_eq!(answer.status, StatusCode::OK);
    let got = answer.json();
    assert_eq!(
        keys(&got),
        set(&["analyzer", "overall", "scores", "platforms"])
    );
    let textblob = tickersense::sentiment::TextBlob::new();
    let want: Vec<f64> = texts
        .iter()
        .map(|t| textblob.sentiment(t).polarity)
        .collect();
    assert_eq!(got["analyzer"], "textblob");
    assert_eq!(got["scores"], json!(want));
    let platforms = got["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 2, "{got}");
    for p in platforms {
        assert_eq!(
            keys(p),
            set(&[
                "platform",
                "sentiment_score",
                "confidence",
                "mention_count",
                "keywords",
                "source_urls"
            ])
        );
    }
    assert_eq!(
        (
            &platforms[0]["platform"],
            &platforms[0]["mention_count"],
            &platforms[0]["source_urls"]
        ),
        (
            &json!("forum"),
            &json!(1),
            &json!(["https://forum.example/1"])
        )
    );
    assert_eq!(
        (
            &platforms[1]["platform"],
            &platforms[1]["mention_count"],
            &platforms[1]["source_urls"]
        ),
        (&json!("user"), &json!(2), &json!([]))
    );
    let user_mean = (want[0] + want[1]) / 2.0;
    assert!((platforms[1]["sentiment_score"].as_f64().unwrap() - user_mean).abs() < 1e-12);
    let overall = got["overall"].as_f64().unwrap();
    assert!(
        (overall - want.iter().sum::<f64>() / 3.0).abs() < 1e-12,
        "{overall}"
    );

    let texts_only = post_json(&router, "/api/v1/sentiment/score", json!({"texts": texts})).await;
    assert_eq!(texts_only.status, StatusCode::OK);
    assert_eq!(texts_only.json()["scores"], json!(want));
    assert_eq!(texts_only.json()["platforms"][0]["mention_count"], 3);
}

#[tokio::test]
async fn score_names_the_bad_field() {
    let router = sample_app();
    for (body, loc, kind) in [
        (json!({}), vec!["body", "posts"], "missing"),
        (json!({"posts": "x"}), vec!["body", "posts"], "list_type"),
        (json!({"posts": []}), vec!["body", "posts"], "too_short"),
        (
            json!({"posts": [{"text": "a"}, {"url": "u"}]}),
            vec!["body", "posts", "1", "text"],
            "missing",
        ),
        (
            json!({"posts": [{"text": 3}]}),
            vec!["body", "posts", "0", "text"],
            "string_type",
        ),
        (
            json!({"posts": [{"text": "a", "created_at": "soon"}]}),
            vec!["body", "posts", "0", "created_at"],
            "datetime_from_date_parsing",
        ),
        (
            json!({"posts": [{"text": "a", "platform": ""}]}),
            vec!["body", "posts", "0", "platform"],
            "string_too_short",
        ),
        (
            json!({"texts": ["a", null]}),
            vec!["body", "texts", "1"],
            "string_type",
        ),
        (
            json!({"posts": [{"text": "a"}], "texts": ["b"]}),
            vec!["body"],
            "value_error",
        ),
    ] {
        let answer = post_json(&router, "/api/v1/sentiment/score", body.clone()).await;
        assert_unprocessable(&answer, &loc, kind);
    }
    let answer = send(
        &router,
        Request::post("/api/v1/sentiment/score")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap(),
    )
    .await;
    assert_unprocessable(&answer, &["body"], "json_invalid");
    let many: Vec<&str> = vec!["a"; 100_001];
    let answer = post_json(&router, "/api/v1/sentiment/score", json!({"texts": many})).await;
    assert_unprocessable(&answer, &["body", "texts"], "too_long");
}

#[tokio::test]
async fn score_refuses_a_body_past_the_limit() {
    let router = router_of(
        sample_client(),
        tickersense::http::ServerSettings {
            body_limit: 1024,
            ..settings()
        },
    );
    let answer = post_json(
        &router,
        "/api/v1/sentiment/score",
        json!({"texts": ["x".repeat(2048)]}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}
