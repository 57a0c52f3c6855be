//! The Reddit source against the replay server: paging, the app token's
//! life, rate limits, timeouts, every odd body the issue lists, missing
//! credentials, and credentials kept out of every message and log line.

mod social_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use social_support::{fixture, long_ago, quick, seen, server, sym, Capture};
use tickersense::model::Post;
use tickersense::resilience::ResiliencePolicy;
use tickersense::social::{MentionSource, SocialCredentials, SourceUrl};
use tickersense::ErrorKind;
use tickersense_replay::{
    reddit_token_answer, Fault, ReplayServer, REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET,
    REDDIT_TOKEN_PREFIX,
};

const TOKEN: &str = "/api/v1/access_token";
const SEARCH: &str = "/search.json";

fn credentials() -> SocialCredentials {
    SocialCredentials {
        reddit_client_id: Some(REDDIT_CLIENT_ID.into()),
        reddit_client_secret: Some(REDDIT_CLIENT_SECRET.into()),
        ..SocialCredentials::default()
    }
}

fn reddit_with(
    server: &ReplayServer,
    query: &str,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Arc<dyn MentionSource> {
    SourceUrl::parse(&format!("reddit+{}{query}", server.base_url()))
        .expect("a reddit URL")
        .connect(credentials, policy)
        .expect("the source builds")
}

fn reddit(server: &ReplayServer) -> Arc<dyn MentionSource> {
    reddit_with(server, "", &credentials(), quick())
}

/// The recorded posts of `symbol`, every page, in order.
fn recorded(symbol: &str, pages: usize) -> Vec<Value> {
    (1..=pages)
        .flat_map(|p| {
            fixture("reddit", symbol, p)["data"]["children"]
                .as_array()
                .expect("children")
                .iter()
                .map(|c| c["data"].clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn ids(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.id.as_str()).collect()
}

fn reddit_error(status: u16, message: &str) -> Fault {
    Fault::reply(
        status,
        &[("Content-Type", "application/json; charset=UTF-8")],
        format!(r#"{{"message": "{message}", "error": {status}}}"#),
    )
}

#[tokio::test]
async fn tsla_pages_through_after_and_reads_each_post_as_the_seed_did() {
    let server = server().await;
    let posts = reddit(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    let recorded = recorded("TSLA", 2);
    assert_eq!(recorded.len(), 42);
    assert_eq!(posts.len(), 42);
    for (post, raw) in posts.iter().zip(&recorded) {
        let (title, selftext) = (
            raw["title"].as_str().unwrap(),
            raw["selftext"].as_str().unwrap(),
        );
        let seed_text = format!("{title} {selftext}");
        let expected = if selftext.is_empty() {
            title
        } else {
            seed_text.as_str()
        };
        assert_eq!(post.id, raw["id"].as_str().unwrap());
        assert_eq!(post.platform, "reddit");
        assert_eq!(post.text, expected);
        assert_eq!(
            post.url,
            format!("https://reddit.com{}", raw["permalink"].as_str().unwrap())
        );
        assert_eq!(post.engagement, raw["score"].as_i64());
        let author = raw["author"].as_str().unwrap();
        assert_eq!(
            post.author.as_deref(),
            (author != "[deleted]").then_some(author)
        );
        // Moved forward by whole days, as the replay server moves them.
        let moved = post.created_at.timestamp() - raw["created_utc"].as_f64().unwrap() as i64;
        assert_eq!(moved % 86_400, 0, "{}", post.id);
    }
    assert!(posts.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    assert!(
        posts.iter().any(|p| p.author.is_none()),
        "a [deleted] author"
    );
    assert_eq!(recorded[3]["selftext"], "");
    assert_eq!(
        posts[3].text, "Trimmed my TSLA position today",
        "a link post is its title"
    );

    let tokens = seen(&server, TOKEN);
    let searches = seen(&server, SEARCH);
    assert_eq!(tokens.len(), 1);
    assert_eq!(searches.len(), 2, "{searches:?}");
    for wanted in [
        "q=%24TSLA",
        "sort=new",
        "type=link",
        "raw_json=1",
        "limit=100",
    ] {
        assert!(searches[0].contains(wanted), "{wanted} in {}", searches[0]);
    }
    assert!(!searches[0].contains("after="));
    assert!(!searches[0].contains("restrict_sr"));
    let after = format!("after=t3_{}", recorded[24]["id"].as_str().unwrap());
    assert!(searches[1].contains(&after), "{}", searches[1]);
    assert!(searches[1].contains("limit=75"), "{}", searches[1]);
}

#[tokio::test]
async fn a_limit_cuts_the_paging_and_since_stops_it() {
    let server = server().await;
    let source = reddit(&server);
    let all = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    let before = seen(&server, SEARCH).len();

    let thirty = source.mentions(&sym("TSLA"), long_ago(), 30).await.unwrap();
    assert_eq!(ids(&thirty), ids(&all[..30]));
    let searches = seen(&server, SEARCH);
    assert_eq!(searches.len() - before, 2);
    assert!(searches[before].contains("limit=30"));
    assert!(
        searches[before + 1].contains("limit=5"),
        "{}",
        searches[before + 1]
    );

    // Ten posts are at or after the tenth's time: page one has older ones,
    // so there is no second page.
    let since = all[9].created_at;
    let recent = source.mentions(&sym("TSLA"), since, 100).await.unwrap();
    assert_eq!(ids(&recent), ids(&all[..10]));
    assert_eq!(seen(&server, SEARCH).len() - before, 3);

    assert!(source
        .mentions(&sym("TSLA"), since, 0)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        seen(&server, SEARCH).len() - before,
        3,
        "a zero limit asks nothing"
    );
    assert_eq!(seen(&server, TOKEN).len(), 1, "one token for every call");
}

#[tokio::test]
async fn subreddits_restrict_the_search_to_them() {
    let server = server().await;
    let source = reddit_with(
        &server,
        "?subreddits=stocks,investing",
        &credentials(),
        quick(),
    );
    let posts = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    let recorded = recorded("TSLA", 2);
    let expected: Vec<&str> = recorded
        .iter()
        .filter(|p| matches!(p["subreddit"].as_str(), Some("stocks" | "investing")))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(expected.len(), 20);
    assert_eq!(ids(&posts), expected);
    let searches = seen(&server, "/r/");
    assert_eq!(searches.len(), 2);
    assert!(
        searches[0].starts_with("/r/stocks+investing/search.json?"),
        "{}",
        searches[0]
    );
    assert!(searches[0].contains("restrict_sr=on"));
}

#[tokio::test]
async fn the_token_is_kept_and_fetched_again_shortly_before_it_expires() {
    let server = server().await;
    // Valid for 2 s: fetched again 0.2 s before that.
    server.inject(TOKEN, reddit_token_answer(2), 1);
    let source = reddit(&server);
    let nvda = sym("NVDA");
    let ask = || source.mentions(&nvda, long_ago(), 10);
    assert_eq!(ask().await.unwrap().len(), 5);
    assert_eq!(ask().await.unwrap().len(), 5);
    assert_eq!(seen(&server, TOKEN).len(), 1, "kept while fresh");
    tokio::time::sleep(Duration::from_millis(1850)).await;
    assert_eq!(ask().await.unwrap().len(), 5);
    assert_eq!(
        seen(&server, TOKEN).len(),
        2,
        "fetched again before it expired"
    );
    // No search was refused along the way: one per call.
    assert_eq!(seen(&server, SEARCH).len(), 3);
}

#[tokio::test]
async fn a_refused_token_is_fetched_again_once_then_given_up() {
    let server = server().await;
    let source = reddit(&server);
    server.inject(SEARCH, reddit_error(401, "Unauthorized"), 1);
    let posts = source.mentions(&sym("NVDA"), long_ago(), 10).await.unwrap();
    assert_eq!(posts.len(), 5);
    assert_eq!(
        seen(&server, TOKEN).len(),
        2,
        "one token, then one more after the 401"
    );
    assert_eq!(seen(&server, SEARCH).len(), 2);

    server.inject(SEARCH, reddit_error(401, "Unauthorized"), 2);
    let err = source
        .mentions(&sym("NVDA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        err.message().contains("freshly fetched"),
        "{}",
        err.message()
    );
    assert_eq!(
        seen(&server, TOKEN).len(),
        3,
        "fetched again once, not in a loop"
    );
    assert_eq!(seen(&server, SEARCH).len(), 4);
}

#[tokio::test]
async fn wrong_app_credentials_are_unauthorized_and_name_the_variables() {
    let server = server().await;
    let wrong = SocialCredentials {
        reddit_client_secret: Some("not-the-secret".into()),
        ..credentials()
    };
    let source = reddit_with(&server, "", &wrong, quick());
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        err.message().contains("REDDIT_CLIENT_SECRET"),
        "{}",
        err.message()
    );
    assert!(
        !err.message().contains("not-the-secret"),
        "{}",
        err.message()
    );
    assert_eq!(seen(&server, TOKEN).len(), 1, "a refusal is not retried");
    assert!(seen(&server, SEARCH).is_empty());

    server.inject(
        TOKEN,
        Fault::body(200, "application/json", r#"{"error": "invalid_grant"}"#),
        1,
    );
    let err = reddit(&server)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(err.message().contains("invalid_grant"), "{}", err.message());
}

#[tokio::test]
async fn a_spent_budget_that_resets_soon_is_waited_for() {
    let server = server().await;
    server.inject(
        SEARCH,
        Fault::headers(&[("x-ratelimit-remaining", "0.0"), ("x-ratelimit-reset", "1")]),
        1,
    );
    let started = Instant::now();
    let posts = reddit(&server)
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(posts.len(), 42);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen(&server, SEARCH).len(), 2);
}

#[tokio::test]
async fn a_budget_spent_for_long_ends_the_paging_then_refuses_with_the_wait() {
    let server = server().await;
    server.inject(
        SEARCH,
        Fault::headers(&[
            ("x-ratelimit-remaining", "0.0"),
            ("x-ratelimit-reset", "600"),
        ]),
        1,
    );
    let source = reddit(&server);
    let posts = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    assert_eq!(
        posts.len(),
        25,
        "the first page, read before the budget was spent"
    );
    assert_eq!(seen(&server, SEARCH).len(), 1);
    let started = Instant::now();
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let after = err.retry_after().expect("a retry-after").as_secs();
    assert!((590..=600).contains(&after), "{after}");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "not waited for"
    );
    assert_eq!(seen(&server, SEARCH).len(), 1, "nothing asked");
}

#[tokio::test]
async fn a_429_is_waited_out_when_near_and_refused_when_far() {
    let server = server().await;
    let refusal = |reset: &str| {
        Fault::reply(
            429,
            &[
                ("Content-Type", "application/json; charset=UTF-8"),
                ("x-ratelimit-remaining", "0.0"),
                ("x-ratelimit-used", "600"),
                ("x-ratelimit-reset", reset),
            ],
            r#"{"message": "Too Many Requests", "error": 429}"#,
        )
    };
    server.inject(SEARCH, refusal("1"), 1);
    let started = Instant::now();
    let posts = reddit(&server)
        .mentions(&sym("NVDA"), long_ago(), 10)
        .await
        .unwrap();
    assert_eq!(posts.len(), 5);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(
        seen(&server, SEARCH).len(),
        2,
        "the refused request, then its retry"
    );

    server.inject(SEARCH, refusal("900"), 1);
    let source = reddit(&server);
    let err = source
        .mentions(&sym("NVDA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(900)));
    assert_eq!(seen(&server, SEARCH).len(), 3, "not retried");
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = server().await;
    server.inject(SEARCH, Fault::Delay(Duration::from_secs(2)), 2);
    let policy = ResiliencePolicy {
        timeout: Duration::from_millis(300),
        max_retries: 1,
        ..quick()
    };
    let started = Instant::now();
    let err = reddit_with(&server, "", &credentials(), policy)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen(&server, SEARCH).len(), 2, "tried, then retried once");
}

#[tokio::test]
async fn removed_and_deleted_bodies_float_times_and_a_deleted_author() {
    let server = server().await;
    let posts = reddit(&server)
        .mentions(&sym("AAPL"), long_ago(), 100)
        .await
        .unwrap();
    let recorded = recorded("AAPL", 1);
    assert_eq!(posts.len(), 6);
    let by_id = |i: usize| {
        let id = recorded[i]["id"].as_str().unwrap();
        posts.iter().find(|p| p.id == id).expect("the post")
    };
    assert_eq!(recorded[1]["selftext"], "[removed]");
    assert_eq!(by_id(1).text, "AAPL calls before the event?");
    assert_eq!(recorded[2]["selftext"], "[deleted]");
    assert_eq!(by_id(2).text, "Why I keep buying AAPL");
    assert_eq!(by_id(2).author, None);
    assert_eq!(recorded[3]["selftext"], "");
    assert_eq!(by_id(3).text, "Apple's buyback is massive again");
    assert_eq!(
        by_id(3).created_at.timestamp_subsec_millis(),
        500,
        "created_utc was x.5"
    );
    assert_eq!(
        by_id(4).text,
        "Vision Pro sales seem weak Cool device, terrible price. Not sure it moves the needle for $AAPL."
    );
}

#[tokio::test]
async fn malformed_posts_are_skipped_counted_and_logged() {
    let server = server().await;
    let good = |id: &str| {
        format!(
            r#"{{"kind": "t3", "data": {{"id": "{id}", "title": "ok {id}", "selftext": "", "permalink": "/r/stocks/comments/{id}/ok/", "created_utc": {}.0, "score": 1, "author": "a"}}}}"#,
            chrono::Utc::now().timestamp() - 60
        )
    };
    let body = format!(
        r#"{{"kind": "Listing", "data": {{"after": null, "children": [{}, {{"kind": "t3", "data": {{"id": "x1", "title": "no time"}}}}, {{"kind": "t3", "data": {{"id": 5, "title": "numeric id", "created_utc": 1.0}}}}, "junk", {}]}}}}"#,
        good("g1"),
        good("g2")
    );
    server.inject(SEARCH, Fault::body(200, "application/json", body), 1);
    let (logs, _guard) = Capture::start();
    let posts = reddit(&server)
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap();
    assert_eq!(ids(&posts), ["g1", "g2"]);
    let notes = logs.lines_with("malformed");
    assert_eq!(notes.len(), 1, "{:?}", logs.lines());
    assert!(notes[0].contains("skipped=3"), "{}", notes[0]);
}

#[tokio::test]
async fn bodies_that_are_no_listing_are_upstream_errors_not_retried() {
    let server = server().await;
    let source = reddit(&server);
    server.inject(
        SEARCH,
        Fault::body(
            200,
            "text/html",
            "<html><body>Our CDN was unable to reach our servers</body></html>",
        ),
        1,
    );
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.message().contains("HTML instead of JSON"),
        "{}",
        err.message()
    );
    assert!(err.message().contains("Our CDN"), "{}", err.message());
    assert_eq!(seen(&server, SEARCH).len(), 1);

    server.inject(
        SEARCH,
        Fault::body(
            200,
            "application/json",
            r#"{"kind": "Listing", "data": {"children": "none"}}"#,
        ),
        1,
    );
    let err = source
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);

    server.inject("/r/", reddit_error(403, "Forbidden"), 1);
    let private = reddit_with(&server, "?subreddits=secretclub", &credentials(), quick());
    let err = private
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

#[tokio::test]
async fn a_symbol_nobody_mentions_gets_the_empty_listing() {
    let server = server().await;
    let posts = reddit(&server)
        .mentions(&sym("ZZZZ"), long_ago(), 100)
        .await
        .unwrap();
    assert!(posts.is_empty());
    assert_eq!(seen(&server, SEARCH).len(), 1);
}

#[tokio::test]
async fn missing_credentials_make_a_not_configured_source_that_asks_nothing() {
    let server = server().await;
    let none = reddit_with(&server, "", &SocialCredentials::default(), quick());
    assert_eq!(none.platform(), "reddit");
    assert_eq!(
        none.not_configured(),
        Some("REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET are not set")
    );
    let err = none
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    let half = SocialCredentials {
        reddit_client_secret: None,
        ..credentials()
    };
    let source = reddit_with(&server, "", &half, quick());
    assert_eq!(
        source.not_configured(),
        Some("REDDIT_CLIENT_SECRET is not set")
    );
    assert!(reddit(&server).not_configured().is_none());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn no_credential_or_token_shows_in_errors_debug_or_logs() {
    let server = server().await;
    let (logs, _guard) = Capture::start();
    let creds = credentials();
    let source = reddit(&server);
    let mut shown = vec![format!("{creds:?}")];
    let url = SourceUrl::parse(&format!("reddit+{}", server.base_url())).unwrap();
    shown.push(format!("{url:?} {url}"));

    // A token, a refusal and a refetch, retried failures, a hostile body
    // quoting the secret, and wrong credentials.
    server.inject(SEARCH, reddit_error(401, "Unauthorized"), 1);
    source
        .mentions(&sym("TSLA"), long_ago(), 100)
        .await
        .unwrap();
    server.inject(SEARCH, Fault::Status(503), 1);
    source.mentions(&sym("NVDA"), long_ago(), 10).await.unwrap();
    server.inject(
        SEARCH,
        Fault::body(
            400,
            "application/json",
            format!(r#"{{"message": "bad {REDDIT_CLIENT_SECRET}"}}"#),
        ),
        1,
    );
    let err = source
        .mentions(&sym("NVDA"), long_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("***"), "{}", err.message());
    shown.push(format!("{err:?} {err}"));
    let wrong = SocialCredentials {
        reddit_client_secret: Some("another-secret-value".into()),
        ..credentials()
    };
    let err = reddit_with(&server, "", &wrong, quick())
        .mentions(&sym("TSLA"), long_ago(), 10)
        .await
        .unwrap_err();
    shown.push(format!("{err:?} {err}"));

    let lines = logs.lines();
    assert!(lines.len() > 5, "the flow logged something: {lines:?}");
    assert!(seen(&server, TOKEN).len() >= 3);
    for text in lines.iter().chain(&shown) {
        for secret in [
            REDDIT_CLIENT_SECRET,
            REDDIT_CLIENT_ID,
            "another-secret-value",
            REDDIT_TOKEN_PREFIX,
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // The basic credentials as sent on the wire.
        assert!(!text.contains("cmVwbGF5"), "{text}");
    }
}

#[tokio::test]
async fn a_user_agent_is_always_sent() {
    let server = server().await;
    let custom = SocialCredentials {
        reddit_user_agent: Some("linux:com.example.sentiment:v1.2 (by /u/someone)".into()),
        ..credentials()
    };
    // The replay server, like Reddit, throttles a client without one.
    let posts = reddit_with(&server, "", &custom, quick())
        .mentions(&sym("NVDA"), long_ago(), 10)
        .await
        .unwrap();
    assert_eq!(posts.len(), 5);
    let bad = SocialCredentials {
        reddit_user_agent: Some("line\nbreak".into()),
        ..credentials()
    };
    let err = SourceUrl::parse(&format!("reddit+{}", server.base_url()))
        .unwrap()
        .connect(&bad, quick())
        .err()
        .expect("a user agent that cannot be sent");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("user-agent"), "{}", err.message());
}
