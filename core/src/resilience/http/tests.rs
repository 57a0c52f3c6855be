use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderName;

use super::*;
use crate::resilience::BreakerState;

fn quick() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: Duration::from_secs(5),
        max_retries: 2,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(1),
        breaker_failures: 10,
        breaker_cooldown: Duration::from_secs(5),
        max_concurrent: 2,
        max_body_bytes: 1 << 16,
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let url = Url::parse("https://api.example.com/v1/things?token=s3cret").unwrap();
    Answer::from_parts(status, map, url, body.to_vec(), "Feed", "items")
}

fn kind_of(a: Answer) -> Option<ErrorKind> {
    a.status_error().map(|e| e.kind())
}

#[test]
fn statuses_are_classified() {
    for status in [200, 201, 204, 299] {
        assert!(
            answer(status, &[], b"{}").status_error().is_none(),
            "{status}"
        );
    }
    let err = answer(429, &[("retry-after", "3")], b"slow down")
        .status_error()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        err.message(),
        "Feed items is rate limiting this client (HTTP 429)"
    );
    assert_eq!(
        answer(429, &[], b"").status_error().unwrap().retry_after(),
        None
    );
    for status in [500, 502, 503, 504, 599] {
        assert_eq!(
            kind_of(answer(status, &[], b"<html>")),
            Some(ErrorKind::Unavailable)
        );
    }
    for status in [401, 403] {
        assert_eq!(
            kind_of(answer(status, &[], b"")),
            Some(ErrorKind::Unauthorized)
        );
    }
    let err = answer(404, &[], b"<html>\n  gone\n</html>")
        .status_error()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.message()
            .starts_with("Feed items answered HTTP 404: \"<html> gone </html>\""),
        "{}",
        err.message()
    );
    // A huge body is echoed short, and the URL (with its token) not at all.
    let huge = vec![b'x'; 1 << 20];
    let err = answer(418, &[], &huge).status_error().unwrap();
    assert!(err.message().len() < 200, "{}", err.message().len());
    assert!(!err.message().contains("s3cret"));
    // The transient kinds are what the upstream retries.
    for (status, transient) in [(429, true), (503, true), (404, false), (401, false)] {
        let kind = kind_of(answer(status, &[], b"")).unwrap();
        assert_eq!(kind.is_transient(), transient, "{status}");
    }
    assert!(answer(200, &[], b"{}").into_success().is_ok());
    assert!(answer(500, &[], b"").into_success().is_err());
}

#[test]
fn unfollowed_redirects_name_only_the_host() {
    let err = answer(
        302,
        &[(
            "location",
            "http://169.254.169.254/latest/meta-data/iam/credentials",
        )],
        b"",
    )
    .status_error()
    .unwrap();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.message().contains("another host (\"169.254.169.254\""),
        "{}",
        err.message()
    );
    assert!(!err.message().contains("credentials"), "{}", err.message());
    // The same origin, not followed: one hop too many.
    let err = answer(307, &[("location", "/v1/things")], b"")
        .status_error()
        .unwrap();
    assert!(
        err.message().contains("more than 5 times"),
        "{}",
        err.message()
    );
    let err = answer(301, &[], b"").status_error().unwrap();
    assert!(
        err.message().contains("without a usable Location"),
        "{}",
        err.message()
    );
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
    let later = std::time::SystemTime::now() + Duration::from_secs(120);
    let wait = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
    assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon"), None);
    assert_eq!(parse_retry_after("-1"), None);
    let date = httpdate::fmt_http_date(later);
    let wait = answer(429, &[("retry-after", &date)], b"")
        .retry_after()
        .unwrap();
    assert!(wait > Duration::from_secs(100), "{wait:?}");
}

#[test]
fn redirects_are_followed_within_the_origin_five_times_at_most() {
    let url = |s: &str| Url::parse(s).unwrap();
    let from = url("http://127.0.0.1:8080/a");
    assert!(follows(
        std::slice::from_ref(&from),
        &url("http://127.0.0.1:8080/b?x=1")
    ));
    for elsewhere in [
        "http://127.0.0.1:8081/a",
        "https://127.0.0.1:8080/a",
        "http://localhost:8080/a",
        "http://169.254.169.254/latest",
    ] {
        assert!(
            !follows(std::slice::from_ref(&from), &url(elsewhere)),
            "{elsewhere}"
        );
    }
    let hops = |n: usize| vec![from.clone(); n];
    assert!(follows(&hops(MAX_REDIRECTS), &from));
    assert!(!follows(&hops(MAX_REDIRECTS + 1), &from));
    // The origin to keep is the last request's.
    let moved = url("http://127.0.0.1:9090/a");
    assert!(follows(&[moved.clone(), from.clone()], &from));
    assert!(!follows(&[from.clone(), moved], &from));
    assert!(!follows(&[], &from));
}

#[test]
fn loopback_bases_are_recognised() {
    for (base, local) in [
        ("http://127.0.0.1:9", true),
        ("http://127.1.2.3:9", true),
        ("http://localhost:9", true),
        ("http://LocalHost:9", true),
        ("http://[::1]:9", true),
        ("https://query2.finance.yahoo.com", false),
        ("http://10.0.0.1", false),
        ("http://localhost.example.com", false),
    ] {
        assert_eq!(is_loopback(&Url::parse(base).unwrap()), local, "{base}");
    }
    assert_eq!(host_of(&Url::parse("http://h:81/p?q=s").unwrap()), "h:81");
    assert_eq!(host_of(&Url::parse("https://h/p").unwrap()), "h");
}

#[test]
fn urls_encode_segments_after_the_base() {
    let base = Url::parse("https://api.example.com/v2/").unwrap();
    let http = HttpUpstream::builder("Feed", base, quick())
        .build()
        .unwrap();
    let url = http
        .url(&["search", "a/b c", "^GSPC"], &[("q", "x&y"), ("n", "5")])
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://api.example.com/v2/search/a%2Fb%20c/^GSPC?q=x%26y&n=5"
    );
    assert_eq!(
        http.url(&["x"], &[]).unwrap().as_str(),
        "https://api.example.com/v2/x"
    );
    assert_eq!(http.upstream().name(), "Feed (api.example.com)");
    let named = HttpUpstream::builder("Feed", http.base().clone(), quick())
        .name("Feed service")
        .build()
        .unwrap();
    assert_eq!(named.upstream().name(), "Feed service (api.example.com)");
}

#[test]
fn bad_headers_are_refused_without_their_value() {
    let base = Url::parse("http://127.0.0.1:9").unwrap();
    let err = HttpUpstream::builder("Feed", base, quick())
        .header("x-key", "line\nbreak")
        .build()
        .err()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("x-key"), "{}", err.message());
    assert!(!err.message().contains("break"), "{}", err.message());
}

/// A server on loopback that answers each connection, in turn, with the
/// next of `responses` (raw HTTP/1.1, `Connection: close`), and keeps what
/// each request sent: its head and the body its `Content-Length` announces.
struct Local {
    base: Url,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Local {
    fn serve(responses: Vec<Vec<u8>>) -> Local {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
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
                // A body is read too (a close with unread bytes would reset).
                let length = String::from_utf8_lossy(&head)
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                let _ = conn.read_exact(&mut body);
                head.extend_from_slice(&body);
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                // The client may hang up first (a refused body): that is fine.
                let _ = conn.write_all(&response);
            }
        });
        Local { base, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn respond(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Item {
    id: u32,
    title: String,
}

#[tokio::test]
async fn a_json_get_sends_query_and_headers_and_reads_rate_limit_headers() {
    let server = Local::serve(vec![respond(
        "200 OK",
        &[
            "Content-Type: application/json",
            "x-ratelimit-remaining: 99.0",
            "x-ratelimit-reset: 42",
        ],
        br#"[{"id":1,"title":"AAPL up"},{"id":2,"title":"AAPL down"}]"#,
    )]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .user_agent("tickersense-test/1")
        .header("accept", "application/json")
        .build()
        .unwrap();
    let url = http.url(&["r", "stocks", "search.json"], &[]).unwrap();
    let (items, remaining) = http
        .get(url, "search")
        .query(&[("q", "$AAPL"), ("limit", "2")])
        .header("authorization", "bearer t0ken")
        .send_with(|answer| {
            let remaining = answer.header("X-RateLimit-Remaining").map(str::to_owned);
            let items: Vec<Item> = answer.into_success()?.json()?;
            Ok((items, remaining))
        })
        .await
        .unwrap();
    assert_eq!(
        items,
        [
            Item {
                id: 1,
                title: "AAPL up".into()
            },
            Item {
                id: 2,
                title: "AAPL down".into()
            }
        ]
    );
    assert_eq!(remaining.as_deref(), Some("99.0"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let head = seen[0].to_ascii_lowercase();
    assert!(
        head.starts_with("get /r/stocks/search.json?q=%24aapl&limit=2 http/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\nauthorization: bearer t0ken\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\nuser-agent: tickersense-test/1\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\naccept: application/json\r\n"), "{head}");
}

#[tokio::test]
async fn a_form_post_sends_its_body_and_basic_credentials() {
    let server = Local::serve(vec![
        respond("503 Service Unavailable", &[], b"busy"),
        respond("200 OK", &[], br#"{"id":3,"title":"token"}"#),
    ]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .build()
        .unwrap();
    let url = http.url(&["api", "v1", "access_token"], &[]).unwrap();
    let item: Item = http
        .post_form(
            url,
            "token",
            &[("grant_type", "client_credentials"), ("a b", "c&d")],
        )
        .basic_auth("app-id", "s3cret")
        .json()
        .await
        .unwrap();
    assert_eq!(item.id, 3);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "the 503 was retried");
    for head in &seen {
        let lower = head.to_ascii_lowercase();
        assert!(
            lower.starts_with("post /api/v1/access_token http/1.1\r\n"),
            "{head}"
        );
        assert!(
            lower.contains("\r\ncontent-type: application/x-www-form-urlencoded\r\n"),
            "{head}"
        );
        // base64("app-id:s3cret")
        assert!(
            head.contains("\r\nauthorization: Basic YXBwLWlkOnMzY3JldA==\r\n"),
            "{head}"
        );
        assert!(
            head.ends_with("\r\n\r\ngrant_type=client_credentials&a+b=c%26d"),
            "{head}"
        );
    }
}

#[tokio::test]
async fn transient_answers_are_retried_and_others_are_not() {
    let server = Local::serve(vec![
        respond("503 Service Unavailable", &[], b"busy"),
        respond("429 Too Many Requests", &["Retry-After: 0"], b""),
        respond("200 OK", &[], br#"{"id":7,"title":"ok"}"#),
        respond("404 Not Found", &[], b"no such thing"),
    ]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .build()
        .unwrap();
    let item: Item = http
        .get(http.url(&["item"], &[]).unwrap(), "item")
        .json()
        .await
        .unwrap();
    assert_eq!(item.id, 7);
    assert_eq!(server.seen().len(), 3);
    let err = http
        .get(http.url(&["item"], &[]).unwrap(), "item")
        .bytes()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("no such thing"), "{}", err.message());
    assert_eq!(server.seen().len(), 4);
    // Upstream answers count against the breaker; the 200 reset it.
    assert_eq!(http.breaker_state(), BreakerState::Closed { failures: 1 });
}

#[tokio::test]
async fn a_caller_may_read_a_rate_limit_from_its_own_headers() {
    let server = Local::serve(vec![respond(
        "429 Too Many Requests",
        &["x-ratelimit-reset: 600"],
        b"",
    )]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .build()
        .unwrap();
    let err = http
        .get(http.base().clone(), "search")
        .send_with(|answer| {
            let reset = answer
                .header("x-ratelimit-reset")
                .and_then(|s| s.parse().ok())
                .map(Duration::from_secs);
            match (answer.status_error(), reset) {
                (Some(err), Some(reset)) if err.retry_after().is_none() => {
                    Err(err.with_retry_after(reset))
                }
                (Some(err), _) => Err(err),
                (None, _) => Ok(()),
            }
        })
        .await
        .unwrap_err();
    // Longer than max_retry_after: handed back at once, not waited for.
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn bodies_past_the_cap_are_refused_announced_or_streamed() {
    let big = vec![b'x'; 5000];
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..5 {
        chunked.extend_from_slice(b"3e8\r\n");
        chunked.extend_from_slice(&big[..1000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let server = Local::serve(vec![
        respond("200 OK", &[], &big),
        chunked,
        respond("200 OK", &[], &big[..4000]),
    ]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .max_body(4000)
        .build()
        .unwrap();
    assert_eq!(http.max_body(), 4000);
    let get = || http.get(http.base().clone(), "page").bytes();
    let err = get().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.message()
            .contains("announced 5000 bytes, above the limit of 4000 bytes"),
        "{}",
        err.message()
    );
    let err = get().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.message().contains("answered more than 4000 bytes"),
        "{}",
        err.message()
    );
    // Exactly at the cap is fine; neither refusal was retried.
    assert_eq!(get().await.unwrap().len(), 4000);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed_and_others_come_back() {
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = format!("http://{}/steal", elsewhere.local_addr().unwrap());
    let location = format!("Location: {other}");
    let server = Local::serve(vec![
        respond("302 Found", &["Location: /moved?to=here"], b""),
        respond("200 OK", &[], b"arrived"),
        respond("307 Temporary Redirect", &[&location], b"secret body"),
        respond("307 Temporary Redirect", &[&location], b"secret body"),
    ]);
    let http = HttpUpstream::builder("Feed", server.base.clone(), quick())
        .build()
        .unwrap();
    let answer = http.get(http.base().clone(), "page").send().await.unwrap();
    assert_eq!(answer.body(), b"arrived");
    assert_eq!(answer.url().path(), "/moved");
    assert!(
        server.seen()[1].starts_with("GET /moved?to=here "),
        "{:?}",
        server.seen()
    );
    let err = http
        .get(http.base().clone(), "page")
        .send()
        .await
        .unwrap_err();
    assert!(err.message().contains("another host"), "{}", err.message());
    assert!(!err.message().contains("steal"), "{}", err.message());
    // A caller that wants the 3xx itself gets it, its body unread.
    let (status, body) = http
        .get(http.base().clone(), "page")
        .send_with(|answer| Ok((answer.status(), answer.into_body())))
        .await
        .unwrap();
    assert_eq!((status, body.len()), (307, 0));
    elsewhere.set_nonblocking(true).unwrap();
    assert!(elsewhere.accept().is_err(), "the other origin was called");
}
