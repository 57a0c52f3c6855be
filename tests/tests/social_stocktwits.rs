//! The StockTwits source against the replay server (StockTwits' stream format, paged by
//! `max=`, with its rate-limit headers) and, where an answer must differ from one page to
//! the next, a scripted local server: paging, labels, rate limits near and far, a timeout,
//! odd and malformed bodies, and the exact requests each call costs.

mod social_support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use social_support::{at, impatient as policy, seen, sym, week_ago};
use tickersense::model::AuthorLabel;
use tickersense::social::{MentionSource, SocialCredentials, SourceUrl};
use tickersense::{testkit, ErrorKind};
use tickersense_replay::{Fault, ReplayServer};

const STREAM: &str = "/api/2/streams/symbol/";

fn source(base: &str, options: &str) -> Arc<dyn MentionSource> {
    SourceUrl::parse(&format!("stocktwits+{base}{options}"))
        .unwrap()
        .connect(&SocialCredentials::default(), policy())
        .unwrap()
}

fn streams(server: &ReplayServer) -> Vec<String> {
    seen(server, STREAM)
}

#[tokio::test]
async fn paging_follows_the_cursor_and_keeps_every_label() {
    let server = ReplayServer::start().await.unwrap();
    let source = source(&server.base_url(), "");
    assert_eq!(source.platform(), "stocktwits");
    let posts = source
        .mentions(&sym("TSLA"), week_ago(), 100)
        .await
        .unwrap();
    // 66 recent messages, one of them with an unreadable date; the old one is before `since`.
    assert_eq!(posts.len(), 65);
    assert_eq!(
        streams(&server),
        [
            "/api/2/streams/symbol/TSLA.json",
            "/api/2/streams/symbol/TSLA.json?max=560999797",
            "/api/2/streams/symbol/TSLA.json?max=560999594",
        ]
    );
    let mut ids: Vec<&str> = posts.iter().map(|p| p.id.as_str()).collect();
    assert!(posts.windows(2).all(|w| w[0].created_at > w[1].created_at));
    ids.dedup();
    assert_eq!(ids.len(), 65, "the boundary messages are not taken twice");
    let count = |label| posts.iter().filter(|p| p.label == Some(label)).count();
    assert_eq!(
        (count(AuthorLabel::Bullish), count(AuthorLabel::Bearish)),
        (20, 19)
    );
    assert_eq!(posts.iter().filter(|p| p.label.is_none()).count(), 26);

    let first = &posts[0];
    assert_eq!(first.id, "561000000");
    assert_eq!(first.platform, "stocktwits");
    assert_eq!(
        first.text,
        "$TSLA record deliveries, great quarter, loading up more shares"
    );
    assert_eq!(first.author.as_deref(), Some("roadster_fan"));
    assert_eq!(first.engagement, Some(1));
    assert_eq!(first.label, Some(AuthorLabel::Bullish));
    assert_eq!(
        first.url,
        "https://stocktwits.com/roadster_fan/message/561000000"
    );
    assert_eq!(first.created_at, at("2024-01-05T15:50:00Z"));
    // A deleted account: no author, a link without a user.
    let orphan = posts.iter().find(|p| p.id == "560999909").unwrap();
    assert_eq!(orphan.author, None);
    assert_eq!(orphan.url, "https://stocktwits.com/message/560999909");
    // No `entities` at all, and `sentiment: null`: no label either way.
    assert_eq!(
        posts.iter().find(|p| p.id == "560999846").unwrap().label,
        None
    );
    assert_eq!(
        posts.iter().find(|p| p.id == "560999986").unwrap().label,
        None
    );
    // The message with the unreadable date is skipped.
    assert!(!posts.iter().any(|p| p.id == "560999566"));
}

#[tokio::test]
async fn the_limit_since_and_max_pages_bound_the_requests() {
    let server = ReplayServer::start().await.unwrap();
    let tsla = sym("TSLA");
    let plain = source(&server.base_url(), "");
    assert_eq!(
        plain.mentions(&tsla, week_ago(), 30).await.unwrap().len(),
        30
    );
    assert_eq!(streams(&server).len(), 1);
    assert_eq!(
        plain.mentions(&tsla, week_ago(), 31).await.unwrap().len(),
        31
    );
    assert_eq!(streams(&server).len(), 3);
    assert!(plain
        .mentions(&tsla, week_ago(), 0)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(streams(&server).len(), 3);

    // A page reaching back past `since` is the last one asked.
    let since = at("2024-01-04T23:10:00Z");
    let recent = plain.mentions(&tsla, since, 100).await.unwrap();
    assert_eq!(recent.len(), 21);
    assert!(recent.iter().all(|p| p.created_at >= since));
    assert_eq!(streams(&server).len(), 4);

    let one_page = source(&server.base_url(), "?max_pages=1");
    assert_eq!(
        one_page
            .mentions(&tsla, week_ago(), 100)
            .await
            .unwrap()
            .len(),
        30
    );
    assert_eq!(streams(&server).len(), 5);

    // Without a bound in time, the message of November comes too, last.
    let all = plain
        .mentions(&tsla, DateTime::<Utc>::MIN_UTC, 1000)
        .await
        .unwrap();
    assert_eq!(all.len(), 66);
    assert_eq!(all.last().unwrap().id, "560000001");
    assert_eq!(
        all.last().unwrap().created_at.to_rfc3339(),
        "2023-11-20T12:00:00+00:00"
    );
    assert_eq!(streams(&server).len(), 8);
}

#[tokio::test]
async fn an_unknown_symbol_has_no_posts() {
    let server = ReplayServer::start().await.unwrap();
    let posts = source(&server.base_url(), "")
        .mentions(&sym("ZZZZ9"), week_ago(), 50)
        .await
        .unwrap();
    assert!(posts.is_empty());
    assert_eq!(streams(&server), ["/api/2/streams/symbol/ZZZZ9.json"]);
}

#[tokio::test]
async fn a_spent_budget_is_waited_for_when_its_reset_is_near() {
    let server = ReplayServer::start().await.unwrap();
    let started = Instant::now();
    let posts = source(&server.base_url(), "")
        .mentions(&sym("RIVN"), week_ago(), 60)
        .await
        .unwrap();
    assert_eq!(posts.len(), 35);
    assert_eq!(streams(&server).len(), 2);
    // The reset is a whole second ahead of the first answer at least.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_spent_budget_far_from_its_reset_keeps_the_first_page_then_refuses_at_once() {
    let server = ReplayServer::start().await.unwrap();
    let source = source(&server.base_url(), "");
    let posts = source.mentions(&sym("LCID"), week_ago(), 60).await.unwrap();
    assert_eq!(posts.len(), 30, "the second page is not asked for an hour");
    assert_eq!(streams(&server).len(), 1);
    let err = source
        .mentions(&sym("LCID"), week_ago(), 60)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(3590) && wait <= Duration::from_secs(3602),
        "{wait:?}"
    );
    assert!(
        err.message().contains("StockTwits rate limit spent"),
        "{err}"
    );
    assert_eq!(streams(&server).len(), 1, "refused without a request");
}

#[tokio::test]
async fn a_429_is_waited_out_when_near_and_given_up_when_far() {
    let server = ReplayServer::start().await.unwrap();
    let source = source(&server.base_url(), "");
    server.inject(
        STREAM,
        Fault::RateLimited {
            retry_after: Some("1".into()),
            html: false,
        },
        1,
    );
    let started = Instant::now();
    let posts = source.mentions(&sym("TSLA"), week_ago(), 30).await.unwrap();
    assert_eq!(posts.len(), 30);
    assert_eq!(streams(&server).len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(950));

    let err = source
        .mentions(&sym("NIO"), week_ago(), 30)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let wait = err.retry_after().unwrap();
    assert!(wait > Duration::from_secs(3590), "{wait:?}");
    assert_eq!(streams(&server).len(), 3, "a far reset is not retried");
}

#[tokio::test]
async fn a_stream_that_does_not_answer_in_time_times_out_after_its_retries() {
    let server = ReplayServer::start().await.unwrap();
    server.inject(STREAM, Fault::Delay(Duration::from_secs(2)), 2);
    let err = source(&server.base_url(), "")
        .mentions(&sym("TSLA"), week_ago(), 30)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.message().contains("StockTwits"), "{err}");
    assert_eq!(streams(&server).len(), 2, "one attempt and one retry");
}

#[tokio::test]
async fn bodies_that_are_no_stream_are_upstream_errors_echoed_short() {
    let server = ReplayServer::start().await.unwrap();
    let page = format!(
        "<!DOCTYPE html><html><body>Just a moment...{}</body></html>",
        "x".repeat(100_000)
    );
    server.inject(STREAM, Fault::body(200, "text/html", page), 1);
    server.inject(
        STREAM,
        Fault::body(200, "application/json", r#"{"messages":"#),
        1,
    );
    server.inject(
        STREAM,
        Fault::body(200, "application/json", r#"{"cursor":{}}"#),
        1,
    );
    let source = source(&server.base_url(), "");
    for says in ["HTML instead of JSON", "truncated JSON", "unexpected shape"] {
        let err = source
            .mentions(&sym("TSLA"), week_ago(), 30)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Upstream);
        assert!(err.message().contains(says), "{err}");
        assert!(err.message().len() < 300, "{}", err.message().len());
    }
    assert_eq!(streams(&server).len(), 3, "not retried");
    // A 404 that is not StockTwits' own error object is no "unknown symbol".
    server.inject(
        STREAM,
        Fault::body(404, "text/html", "<html>nginx</html>"),
        1,
    );
    let err = source
        .mentions(&sym("TSLA"), week_ago(), 30)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{err}");
}

#[tokio::test]
async fn the_replayed_stream_passes_the_mention_source_suite() {
    let server = ReplayServer::start().await.unwrap();
    let report = testkit::mention_source(source(&server.base_url(), ""), "TSLA".into()).await;
    report.assert_passed();
}

/// A server on loopback that answers each connection, in turn, with the next of
/// `responses` and keeps the request line of each.
struct Scripted {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn serve(responses: Vec<Vec<u8>>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for response in responses {
                let Ok((mut conn, _)) = listener.accept() else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head);
                log.lock()
                    .unwrap()
                    .push(line.lines().next().unwrap_or("").to_owned());
                let _ = conn.write_all(&response);
            }
        });
        Scripted { base, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn respond(status: &str, headers: &[String], body: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

fn messages(from: u64, count: u64, more: bool) -> String {
    let now = Utc::now();
    let messages: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "id": from - i,
                "body": format!("$TSLA message {}", from - i),
                "created_at": (now - chrono::Duration::minutes(i as i64 + 1)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "user": {"username": "scripted"},
                "entities": {"sentiment": null}
            })
        })
        .collect();
    serde_json::json!({
        "cursor": {"more": more, "since": from, "max": from + 1 - count},
        "messages": messages
    })
    .to_string()
}

#[tokio::test]
async fn a_failing_later_page_keeps_the_posts_of_the_earlier_ones() {
    let epoch = Utc::now().timestamp();
    let limits = [
        "X-RateLimit-Limit: 200".to_owned(),
        "X-RateLimit-Remaining: 150".to_owned(),
        format!("X-RateLimit-Reset: {}", epoch + 3000),
    ];
    let server = Scripted::serve(vec![
        respond("200 OK", &limits, &messages(900, 30, true)),
        respond("200 OK", &limits, "<html>Bad gateway</html>"),
    ]);
    let posts = source(&server.base, "")
        .mentions(&sym("TSLA"), week_ago(), 60)
        .await
        .unwrap();
    assert_eq!(posts.len(), 30);
    assert_eq!(posts[0].id, "900");
    assert_eq!(
        server.seen(),
        [
            "GET /api/2/streams/symbol/TSLA.json HTTP/1.1",
            "GET /api/2/streams/symbol/TSLA.json?max=871 HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_paging() {
    // The same page twice, as a broken cursor would give: the second brings nothing new.
    let page = messages(500, 30, true);
    let server = Scripted::serve(vec![
        respond("200 OK", &[], &page),
        respond("200 OK", &[], &page),
        respond("200 OK", &[], &page),
    ]);
    let posts = source(&server.base, "")
        .mentions(&sym("TSLA"), week_ago(), 90)
        .await
        .unwrap();
    assert_eq!(posts.len(), 30);
    assert_eq!(server.seen().len(), 2);
}
