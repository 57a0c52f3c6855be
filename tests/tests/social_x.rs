//! The X source against the replay server: paging, zero results, partial
//! errors, problem bodies, the usage cap, rate limits, timeouts, missing
//! credentials, and the bearer token kept out of every message and log line.

mod social_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use social_support::{fixture, long_ago, quick, seen, server, sym, Capture};
use tickersense::model::Post;
use tickersense::resilience::ResiliencePolicy;
use tickersense::social::{MentionSource, SocialCredentials, SourceUrl};
use tickersense::ErrorKind;
use tickersense_replay::{Fault, ReplayServer, X_BEARER_TOKEN};

const SEARCH: &str = "/2/tweets/search/recent";

fn credentials() -> SocialCredentials {
    SocialCredentials {
        x_bearer_token: Some(X_BEARER_TOKEN.into()),
        ..SocialCredentials::default()
    }
}

fn x_with(
    server: &ReplayServer,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Arc<dyn MentionSource> {
    SourceUrl::parse(&format!("x+{}", server.base_url()))
        .expect("an x URL")
        .connect(credentials, policy)
        .expect("the source builds")
}

fn x(server: &ReplayServer) -> Arc<dyn MentionSource> {
    x_with(server, &credentials(), quick())
}

fn recorded(symbol: &str, pages: usize) -> Vec<Value> {
    (1..=pages)
        .flat_map(|p| {
            fixture("x", symbol, p)["data"]
                .as_array()
                .expect("data")
                .clone()
        })
        .collect()
}

fn ids(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.id.as_str()).collect()
}

/// A problem body of X's with its content type and rate-limit headers:
/// the window is spent on a 429 only.
fn problem(status: u16, body: &str, reset_in_secs: i64) -> Fault {
    let reset = (Utc::now().timestamp() + reset_in_secs).to_string();
    let remaining = if status == 429 { "0" } else { "449" };
    Fault::reply(
        status,
        &[
            ("Content-Type", "application/problem+json"),
            ("x-rate-limit-limit", "450"),
            ("x-rate-limit-remaining", remaining),
            ("x-rate-limit-reset", &reset),
        ],
        body.to_owned(),
    )
}

fn spent(reset_in_secs: i64) -> Fault {
    let reset = (Utc::now().timestamp() + reset_in_secs).to_string();
    Fault::headers(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", &reset),
    ])
}

const TOO_MANY: &str = r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#;
const USAGE_CAP: &str = r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}"#;

#[tokio::test]
async fn tsla_pages_through_next_token_with_the_recorded_tweets() {
    let server = server().await;
    let posts = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    let recorded = recorded("TSLA", 2);
    assert_eq!(posts.len(), 21);
    for (post, raw) in posts.iter().zip(&recorded) {
        assert_eq!(post.platform, "x");
        assert_eq!(post.id, raw["id"].as_str().unwrap());
        assert_eq!(post.text, raw["text"].as_str().unwrap());
        assert_eq!(post.url, format!("https://x.com/i/web/status/{}", post.id));
        assert_eq!(
            post.engagement,
            raw["public_metrics"]["like_count"].as_i64()
        );
        assert!(
            post.author.is_some(),
            "every recorded tweet's author is included"
        );
        let at: DateTime<Utc> = raw["created_at"].as_str().unwrap().parse().unwrap();
        assert_eq!((post.created_at - at).num_seconds() % 86_400, 0);
    }
    let searches = seen(&server, SEARCH);
    assert_eq!(searches.len(), 2, "{searches:?}");
    for wanted in [
        "query=%24TSLA+-is%3Aretweet",
        "tweet.fields=created_at%2Cpublic_metrics%2Clang",
        "max_results=100",
        "start_time=",
    ] {
        assert!(searches[0].contains(wanted), "{wanted} in {}", searches[0]);
    }
    assert!(!searches[0].contains("next_token"));
    assert!(
        searches[1].contains("next_token=b26v89c19zqg8o3f"),
        "{}",
        searches[1]
    );
    assert!(searches[1].contains("max_results=88"), "{}", searches[1]);
}

#[tokio::test]
async fn small_limits_ask_ten_and_since_stops_the_paging() {
    let server = server().await;
    let source = x(&server);
    let all = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    let three = source.mentions(&sym("TSLA"), long_ago(), 3).await.unwrap();
    assert_eq!(ids(&three), ids(&all[..3]));
    let searches = seen(&server, SEARCH);
    assert_eq!(searches.len(), 3);
    assert!(
        searches[2].contains("max_results=10"),
        "X takes no fewer: {}",
        searches[2]
    );

    let fifteen = source.mentions(&sym("TSLA"), long_ago(), 15).await.unwrap();
    assert_eq!(ids(&fifteen), ids(&all[..15]));
    assert_eq!(
        seen(&server, SEARCH).len(),
        5,
        "a short first page, then a second"
    );

    let since = all[4].created_at;
    let recent = source.mentions(&sym("TSLA"), since, 100).await.unwrap();
    assert_eq!(ids(&recent), ids(&all[..5]));
    assert_eq!(seen(&server, SEARCH).len(), 6);
    // A start further back than X's seven days is moved up to them.
    let old = Utc::now() - chrono::Duration::days(30);
    assert_eq!(
        source.mentions(&sym("TSLA"), old, 100).await.unwrap().len(),
        21
    );
    let future = Utc::now() + chrono::Duration::hours(1);
    assert!(source
        .mentions(&sym("TSLA"), future, 100)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(seen(&server, SEARCH).len(), 8, "none for a future since");
}

#[tokio::test]
async fn zero_results_come_without_data() {
    let server = server().await;
    let posts = x(&server)
        .mentions(&sym("ZZZZ"), long_ago(), 100)
        .await
        .unwrap();
    assert!(posts.is_empty());
    assert_eq!(seen(&server, SEARCH).len(), 1);
    server.inject(
        SEARCH,
        Fault::body(200, "application/json", r#"{"meta":{"result_count":0}}"#),
        1,
    );
    assert!(x(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn partial_errors_keep_the_tweets_and_leave_a_note() {
    let server = server().await;
    let (logs, _guard) = Capture::start();
    let posts = x(&server)
        .mentions(&sym("NVDA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(
        ids(&posts),
        recorded("NVDA", 1)
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    let notes = logs.lines_with("partial error");
    assert_eq!(notes.len(), 1, "{:?}", logs.lines());
    assert!(notes[0].contains("Not Found Error"), "{}", notes[0]);
}

#[tokio::test]
async fn problem_bodies_are_typed_errors() {
    let server = server().await;
    let source = x(&server);
    let invalid = r#"{"errors":[{"parameters":{"query":["$TSLA -is:retweet"]},"message":"There were errors processing your request: Reference to invalid operator 'is:retweet'"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}"#;
    server.inject(SEARCH, problem(400, invalid, 900), 1);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.message().contains("Invalid Request"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("invalid operator"),
        "{}",
        err.message()
    );

    let forbidden = r#"{"client_id":"1234567","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#;
    server.inject(SEARCH, problem(403, forbidden, 0), 1);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(
        err.message().contains("Client Forbidden"),
        "{}",
        err.message()
    );

    // The replay server answers a wrong token as X does.
    let wrong = SocialCredentials {
        x_bearer_token: Some("not-the-token".into()),
        ..SocialCredentials::default()
    };
    let err = x_with(&server, &wrong, quick())
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        err.message().contains("X_BEARER_TOKEN"),
        "{}",
        err.message()
    );
    assert!(
        !err.message().contains("not-the-token"),
        "{}",
        err.message()
    );
    assert_eq!(seen(&server, SEARCH).len(), 3, "no refusal was retried");
}

#[tokio::test]
async fn the_usage_cap_is_one_request_and_then_none() {
    let server = server().await;
    server.inject(SEARCH, problem(429, USAGE_CAP, 1), 1);
    let policy = ResiliencePolicy {
        max_retries: 3,
        max_retry_after: Duration::from_secs(7200),
        ..quick()
    };
    let source = x_with(&server, &credentials(), policy);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.message().contains("usage cap"), "{}", err.message());
    assert!(
        err.message().contains("Monthly product cap"),
        "{}",
        err.message()
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(
        seen(&server, SEARCH).len(),
        1,
        "never retried, though the policy would wait out even an hour"
    );
}

#[tokio::test]
async fn after_the_usage_cap_the_source_does_not_ask_again() {
    let server = server().await;
    server.inject(SEARCH, problem(429, USAGE_CAP, 1), 1);
    let source = x(&server);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let left = err.retry_after().expect("a retry-after").as_secs();
    assert!((3590..=3600).contains(&left), "{left}");
    assert_eq!(seen(&server, SEARCH).len(), 1);
}

#[tokio::test]
async fn a_spent_window_that_resets_soon_is_waited_for() {
    let server = server().await;
    server.inject(SEARCH, spent(1), 1);
    let started = Instant::now();
    let posts = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(posts.len(), 21);
    assert_eq!(seen(&server, SEARCH).len(), 2);
    // The reset is a whole epoch second: between 0 and 1 s from the answer.
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "{waited:?}");

    server.inject(SEARCH, problem(429, TOO_MANY, 2), 1);
    let started = Instant::now();
    let posts = x(&server)
        .mentions(&sym("NVDA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(posts.len(), 4);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen(&server, SEARCH).len(), 4, "the 429, then its retry");
}

#[tokio::test]
async fn a_window_spent_for_long_ends_the_paging_then_refuses_with_the_wait() {
    let server = server().await;
    server.inject(SEARCH, spent(900), 1);
    let source = x(&server);
    let posts = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(posts.len(), 12, "the first page");
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let left = err.retry_after().expect("a retry-after").as_secs();
    assert!((890..=900).contains(&left), "{left}");
    assert_eq!(seen(&server, SEARCH).len(), 1);

    server.inject(SEARCH, problem(429, TOO_MANY, 900), 1);
    let err = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err
        .retry_after()
        .is_some_and(|d| d > Duration::from_secs(880)));
    assert_eq!(seen(&server, SEARCH).len(), 2, "a far reset is not retried");
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = server().await;
    server.inject(SEARCH, Fault::Delay(Duration::from_secs(2)), 1);
    let policy = ResiliencePolicy {
        timeout: Duration::from_millis(300),
        max_retries: 0,
        ..quick()
    };
    let started = Instant::now();
    let err = x_with(&server, &credentials(), policy)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(seen(&server, SEARCH).len(), 1);
}

#[tokio::test]
async fn malformed_tweets_are_skipped_and_odd_bodies_are_upstream_errors() {
    let server = server().await;
    let now = Utc::now().to_rfc3339();
    let body = format!(
        r#"{{"data":[{{"id":"1","text":"fine","created_at":"{now}"}},{{"id":"2","text":"no time"}},{{"id":"x/y","text":"bad id","created_at":"{now}"}},{{"text":"no id"}}],"meta":{{"result_count":4}}}}"#
    );
    server.inject(SEARCH, Fault::body(200, "application/json", body), 1);
    let (logs, _guard) = Capture::start();
    let posts = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap();
    assert_eq!(ids(&posts), ["1"]);
    let notes = logs.lines_with("malformed");
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("skipped=3"), "{}", notes[0]);

    server.inject(
        SEARCH,
        Fault::body(200, "text/html", "<html>Over capacity</html>"),
        1,
    );
    let err = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("Over capacity"), "{}", err.message());
    server.inject(SEARCH, Fault::Status(503), 3);
    let err = x(&server)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
}

#[tokio::test]
async fn a_missing_token_makes_a_not_configured_source() {
    let server = server().await;
    let source = x_with(&server, &SocialCredentials::default(), quick());
    assert_eq!(source.platform(), "x");
    assert_eq!(source.not_configured(), Some("X_BEARER_TOKEN is not set"));
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(x(&server).not_configured().is_none());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_bearer_token_shows_in_no_error_debug_or_log() {
    let server = server().await;
    let (logs, _guard) = Capture::start();
    let creds = credentials();
    let source = x(&server);
    let mut shown = vec![format!("{creds:?}")];
    source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    server.inject(SEARCH, Fault::Status(503), 1);
    source
        .mentions(&sym("NVDA"), long_ago(), 100)
        .await
        .unwrap();
    let hostile = format!(r#"{{"title":"Invalid Request","detail":"bad token {X_BEARER_TOKEN}"}}"#);
    server.inject(SEARCH, problem(400, &hostile, 0), 1);
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert!(err.message().contains("***"), "{}", err.message());
    shown.push(format!("{err:?} {err}"));
    let wrong = SocialCredentials {
        x_bearer_token: Some("wrong-bearer-value".into()),
        ..SocialCredentials::default()
    };
    let err = x_with(&server, &wrong, quick())
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    shown.push(format!("{err:?} {err}"));
    let lines = logs.lines();
    assert!(lines.len() > 3, "{lines:?}");
    for text in lines.iter().chain(&shown) {
        for secret in [X_BEARER_TOKEN, "wrong-bearer-value"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn authors_arrive_as_the_included_usernames() {
    let server = server().await;
    let posts = x(&server)
        .mentions(&sym("AAPL"), long_ago(), 100)
        .await
        .unwrap();
    let page = fixture("x", "AAPL", 1);
    let username = |author_id: &Value| {
        page["includes"]["users"]
            .as_array()
            .expect("includes.users")
            .iter()
            .find(|u| u["id"] == *author_id)
            .and_then(|u| u["username"].as_str())
    };
    assert_eq!(posts.len(), 6);
    for (post, raw) in posts.iter().zip(recorded("AAPL", 1)) {
        assert_eq!(post.id, raw["id"].as_str().unwrap());
        assert_eq!(post.author.as_deref(), username(&raw["author_id"]));
        assert!(post.author.is_some(), "{}", post.id);
    }
    let searches = seen(&server, SEARCH);
    assert!(
        searches
            .iter()
            .all(|s| s.contains("expansions=author_id") && s.contains("user.fields=username")),
        "{searches:?}"
    );
}
