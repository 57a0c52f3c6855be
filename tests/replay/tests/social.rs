//! Reddit's and X's routes of the replay server over real sockets: what they check of a
//! request, the shapes they answer, and their recorded fixtures.

mod raw;

use std::path::PathBuf;

use raw::{exchange, parse, Reply};
use serde_json::Value;
use tickersense_replay::{
    default_fixtures, reddit_token_answer, Fault, ReplayServer, REDDIT_TOKEN_PREFIX, X_BEARER_TOKEN,
};

/// `Basic base64("replay-client-id:replay-client-secret")`.
const BASIC: &str = "Basic cmVwbGF5LWNsaWVudC1pZDpyZXBsYXktY2xpZW50LXNlY3JldA==";
const FORM: &str = "grant_type=client_credentials";

/// One request, its answer read to the end; the body parsed as JSON.
async fn send(
    server: &ReplayServer,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply<Value> {
    let bytes = exchange(server, method, target, headers, body)
        .await
        .expect("an answer");
    parse(&bytes).into_json()
}

/// One GET ([`send`]).
async fn get(server: &ReplayServer, target: &str, headers: &[(&str, &str)]) -> Reply<Value> {
    send(server, "GET", target, headers, "").await
}

async fn token(server: &ReplayServer) -> String {
    let reply = send(
        server,
        "POST",
        "/api/v1/access_token",
        &[("Authorization", BASIC)],
        FORM,
    )
    .await;
    assert_eq!(reply.status, 200);
    reply.body["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

async fn search(server: &ReplayServer, target: &str, token: &str) -> Reply<Value> {
    let bearer = format!("bearer {token}");
    get(
        server,
        target,
        &[("Authorization", &bearer), ("User-Agent", "test/1")],
    )
    .await
}

fn names(listing: &Value) -> Vec<String> {
    listing["data"]["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["data"]["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn the_token_endpoint_checks_credentials_and_grant() {
    let server = ReplayServer::start().await.unwrap();
    let ok = send(
        &server,
        "POST",
        "/api/v1/access_token",
        &[("Authorization", BASIC)],
        FORM,
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["token_type"], "bearer");
    assert_eq!(ok.body["expires_in"], 86400);
    assert!(ok.body["access_token"]
        .as_str()
        .unwrap()
        .starts_with(REDDIT_TOKEN_PREFIX));

    let wrong = send(
        &server,
        "POST",
        "/api/v1/access_token",
        &[("Authorization", "Basic eDp5")],
        FORM,
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.body,
        serde_json::json!({"message": "Unauthorized", "error": 401})
    );
    let grant = send(
        &server,
        "POST",
        "/api/v1/access_token",
        &[("Authorization", BASIC)],
        "grant_type=password",
    )
    .await;
    assert_eq!(grant.status, 200);
    assert_eq!(grant.body["error"], "unsupported_grant_type");
    let wrong_method = get(&server, "/api/v1/access_token", &[("Authorization", BASIC)]).await;
    assert_eq!(wrong_method.status, 405);

    server.inject("/api/v1/access_token", reddit_token_answer(1), 1);
    let short = send(&server, "POST", "/api/v1/access_token", &[], "").await;
    assert_eq!(short.body["expires_in"], 1);
    let short_token = short.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        search(&server, "/search.json?q=TSLA", &short_token)
            .await
            .status,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let expired = search(&server, "/search.json?q=TSLA", &short_token).await;
    assert_eq!(expired.status, 401, "an expired token is refused");
    assert!(expired
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
}

#[tokio::test]
async fn reddit_search_pages_and_filters_as_recorded() {
    let server = ReplayServer::start().await.unwrap();
    let token = token(&server).await;
    let first = search(&server, "/search.json?q=%24TSLA&sort=new&limit=100", &token).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["kind"], "Listing");
    assert_eq!(names(&first.body).len(), 25, "the recorded page");
    let after = first.body["data"]["after"].as_str().unwrap().to_owned();
    assert_eq!(after, names(&first.body)[24]);
    assert_eq!(first.header("x-ratelimit-remaining"), Some("599.0"));
    let reset: u64 = first.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!((1..=600).contains(&reset));
    let second = search(
        &server,
        &format!("/search.json?q=TSLA&limit=100&after={after}"),
        &token,
    )
    .await;
    assert_eq!(names(&second.body).len(), 17);
    assert_eq!(second.body["data"]["after"], Value::Null);
    let newest = first.body["data"]["children"][0]["data"]["created_utc"]
        .as_f64()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        newest <= now && now - newest < 86_400.0,
        "moved to the last day"
    );

    let cut = search(&server, "/search.json?q=TSLA&limit=3", &token).await;
    assert_eq!(names(&cut.body), names(&first.body)[..3]);
    let subs = search(
        &server,
        "/r/NVDA+stocks/search.json?q=NVDA&restrict_sr=on",
        &token,
    )
    .await;
    assert_eq!(names(&subs.body).len(), 2);
    let everywhere = search(&server, "/r/stocks/search.json?q=NVDA", &token).await;
    assert_eq!(
        names(&everywhere.body).len(),
        5,
        "without restrict_sr all of Reddit"
    );
    let none = search(&server, "/search.json?q=ZZZZ", &token).await;
    assert_eq!(none.body["data"]["children"], serde_json::json!([]));

    let anonymous = get(
        &server,
        "/search.json?q=TSLA",
        &[("Authorization", &format!("bearer {token}"))],
    )
    .await;
    assert_eq!(anonymous.status, 429, "no User-Agent");
    let forged = search(&server, "/search.json?q=TSLA", "made-up").await;
    assert_eq!(forged.status, 401);
}

#[tokio::test]
async fn x_search_checks_its_parameters_and_pages() {
    let server = ReplayServer::start().await.unwrap();
    let bearer = format!("Bearer {X_BEARER_TOKEN}");
    let auth = [("Authorization", bearer.as_str())];
    let target = "/2/tweets/search/recent?query=%24TSLA%20-is%3Aretweet&max_results=100&tweet.fields=created_at,public_metrics,lang";
    let first = get(&server, target, &auth).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["meta"]["result_count"], 12);
    assert!(first.body["data"][0]["public_metrics"]["like_count"].is_number());
    assert!(
        first.body["data"][0].get("author_id").is_none(),
        "not asked for"
    );
    assert_eq!(first.header("x-rate-limit-limit"), Some("450"));
    let next = first.body["meta"]["next_token"].as_str().unwrap();
    let second = get(&server, &format!("{target}&next_token={next}"), &auth).await;
    assert_eq!(second.body["meta"]["result_count"], 9);
    assert!(second.body["meta"].get("next_token").is_none());

    let bare = get(&server, "/2/tweets/search/recent?query=%24TSLA", &auth).await;
    assert_eq!(
        bare.body["meta"]["result_count"], 10,
        "max_results defaults to 10"
    );
    assert!(
        bare.body["data"][0].get("created_at").is_none(),
        "only asked fields"
    );
    let few = get(
        &server,
        "/2/tweets/search/recent?query=%24TSLA&max_results=5",
        &auth,
    )
    .await;
    assert_eq!(few.status, 400);
    assert_eq!(few.body["title"], "Invalid Request");
    assert!(few
        .header("content-type")
        .unwrap()
        .starts_with("application/problem+json"));
    let old = get(
        &server,
        "/2/tweets/search/recent?query=%24TSLA&start_time=2020-01-01T00:00:00Z",
        &auth,
    )
    .await;
    assert_eq!(old.status, 400);
    let none = get(&server, "/2/tweets/search/recent?query=%24ZZZZ", &auth).await;
    assert_eq!(none.body, serde_json::json!({"meta": {"result_count": 0}}));
    let errors = get(&server, "/2/tweets/search/recent?query=%24NVDA", &auth).await;
    assert_eq!(errors.body["errors"][0]["title"], "Not Found Error");
    let refused = get(
        &server,
        "/2/tweets/search/recent?query=%24TSLA",
        &[("Authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["title"], "Unauthorized");
}

#[tokio::test]
async fn header_and_reply_faults_over_the_control_endpoint() {
    let server = ReplayServer::start().await.unwrap();
    let bearer = format!("Bearer {X_BEARER_TOKEN}");
    let auth = [("Authorization", bearer.as_str())];
    let inject = "/__replay/inject?path=/2/&fault=headers&header=x-rate-limit-remaining:%200&header=x-extra:%201";
    assert_eq!(get(&server, inject, &[]).await.status, 200);
    let spent = get(&server, "/2/tweets/search/recent?query=%24TSLA", &auth).await;
    assert_eq!(
        spent.header("x-rate-limit-remaining"),
        Some("0"),
        "replaced, not added"
    );
    assert_eq!(
        spent
            .headers
            .iter()
            .filter(|(k, _)| k == "x-rate-limit-remaining")
            .count(),
        1
    );
    assert_eq!(spent.header("x-extra"), Some("1"));
    let inject = "/__replay/inject?path=/2/&fault=body&status=429&text=%7B%7D&header=x-rate-limit-reset:%2042";
    assert_eq!(get(&server, inject, &[]).await.status, 200);
    let reply = get(&server, "/2/tweets/search/recent?query=%24TSLA", &auth).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("x-rate-limit-reset"), Some("42"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    server.inject(
        "/2/",
        Fault::reply(418, &[("X-Teapot", "yes")], "{\"a\":1}"),
        1,
    );
    let teapot = get(&server, "/2/tweets/search/recent?query=%24TSLA", &auth).await;
    assert_eq!(
        (teapot.status, teapot.header("x-teapot")),
        (418, Some("yes"))
    );
}

fn social(platform: &str) -> PathBuf {
    default_fixtures().join("../social").join(platform)
}

fn pages(platform: &str, symbol: &str) -> Vec<Value> {
    (1..)
        .map(|n| social(platform).join(symbol).join(format!("{n}.json")))
        .take_while(|p| p.exists())
        .map(|p| {
            serde_json::from_slice(&std::fs::read(&p).expect("a readable fixture"))
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

#[test]
fn reddit_fixtures_are_linked_listings_and_tsla_has_no_gone_bodies() {
    for symbol in ["TSLA", "AAPL", "NVDA"] {
        let pages = pages("reddit", symbol);
        assert!(!pages.is_empty(), "{symbol}");
        let mut ids = std::collections::HashSet::new();
        let mut last = f64::MAX;
        for (n, page) in pages.iter().enumerate() {
            let children = page["data"]["children"].as_array().unwrap();
            for child in children {
                let data = &child["data"];
                assert_eq!(child["kind"], "t3");
                assert!(ids.insert(data["id"].as_str().unwrap().to_owned()));
                assert_eq!(data["name"], format!("t3_{}", data["id"].as_str().unwrap()));
                assert!(data["permalink"].as_str().unwrap().starts_with("/r/"));
                let created = data["created_utc"].as_f64().unwrap();
                assert!(created <= last, "newest first");
                last = created;
            }
            let after = &page["data"]["after"];
            if n + 1 < pages.len() {
                assert_eq!(after, &children.last().unwrap()["data"]["name"]);
            } else {
                assert_eq!(after, &Value::Null);
            }
        }
    }
    let tsla = pages("reddit", "TSLA");
    assert!(tsla.len() >= 2);
    for child in tsla
        .iter()
        .flat_map(|p| p["data"]["children"].as_array().unwrap().clone())
    {
        let selftext = child["data"]["selftext"].as_str().unwrap();
        assert!(
            selftext != "[removed]" && selftext != "[deleted]",
            "the seed would score it"
        );
    }
}

#[test]
fn x_fixtures_are_recent_search_pages() {
    for symbol in ["TSLA", "AAPL", "NVDA"] {
        let pages = pages("x", symbol);
        assert!(!pages.is_empty(), "{symbol}");
        for (n, page) in pages.iter().enumerate() {
            let data = page["data"].as_array().unwrap();
            assert_eq!(page["meta"]["result_count"], data.len());
            assert_eq!(page["meta"]["newest_id"], data[0]["id"]);
            assert_eq!(
                page["meta"].get("next_token").is_some(),
                n + 1 < pages.len()
            );
            for tweet in data {
                assert!(tweet["id"]
                    .as_str()
                    .unwrap()
                    .bytes()
                    .all(|b| b.is_ascii_digit()));
                assert!(tweet["created_at"].as_str().unwrap().ends_with(".000Z"));
            }
        }
    }
    assert_eq!(pages("x", "TSLA").len(), 2);
}
