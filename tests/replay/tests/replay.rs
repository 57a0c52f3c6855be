//! The replay server over real sockets, with a raw HTTP client so that faults are seen as a
//! client sees them (resets, short bodies) rather than through a library's error mapping.

mod raw;

use std::time::{Duration, Instant};

use raw::{parse, raw_get, Reply};
use serde_json::Value;
use tickersense_replay::{default_fixtures, Fault, ReplayServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn get_with(server: &ReplayServer, target: &str, headers: &[(&str, &str)]) -> Reply {
    let reply = parse(&raw_get(server, target, headers).await.expect("a response"));
    assert_eq!(reply.header("connection"), Some("close"));
    let length: usize = reply
        .header("content-length")
        .expect("Content-Length")
        .parse()
        .expect("a number");
    assert_eq!(length, reply.body.len(), "whole body for {target}");
    reply
}

async fn get(server: &ReplayServer, target: &str) -> Reply {
    get_with(server, target, &[]).await
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(default_fixtures().join(rel)).expect("fixture")
}

fn timestamps(v: &Value) -> Vec<i64> {
    v["chart"]["result"][0]["timestamp"]
        .as_array()
        .expect("timestamps")
        .iter()
        .map(|t| t.as_i64().expect("integer"))
        .collect()
}

#[tokio::test]
async fn serves_a_fixture_and_records_the_target() {
    let server = ReplayServer::start().await.unwrap();
    let target = "/v8/finance/chart/AAPL?interval=1d&range=1mo&events=div%7Csplit";
    let reply = get(&server, target).await;
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(reply.body, fixture("chart/AAPL/1d.json"));
    assert_eq!(server.requests(), vec![target.to_owned()]);
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        server.market_data_url(),
        server.base_url().replace("http://", "yahoo+http://")
    );
}

#[tokio::test]
async fn symbols_are_percent_decoded_and_interval_defaults_to_1d() {
    let server = ReplayServer::start().await.unwrap();
    for (path, symbol) in [
        ("%5EGSPC", "^GSPC"),
        ("EURUSD%3DX", "EURUSD=X"),
        ("btc-usd", "BTC-USD"),
    ] {
        let reply = get(&server, &format!("/v8/finance/chart/{path}")).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.json()["chart"]["result"][0]["meta"]["symbol"], symbol);
    }
    let reply = get(&server, "/v8/finance/chart/BTC-USD?interval=1h").await;
    assert_eq!(
        reply.json()["chart"]["result"][0]["meta"]["dataGranularity"],
        "1h"
    );
}

#[tokio::test]
async fn period_filter_keeps_arrays_and_events_in_step() {
    let server = ReplayServer::start().await.unwrap();
    let all = timestamps(&serde_json::from_slice(&fixture("chart/AAPL/1d.json")).unwrap());
    let (from, to) = (all[15], all[20]); // five bars, the dividend (Nov 8, index 18) among them
    let reply = get(
        &server,
        &format!("/v8/finance/chart/AAPL?interval=1d&period1={from}&period2={to}"),
    )
    .await;
    assert_eq!(reply.status, 200);
    let v = reply.json();
    let result = &v["chart"]["result"][0];
    assert_eq!(timestamps(&v), all[15..20].to_vec());
    for (name, array) in result["indicators"]["quote"][0].as_object().unwrap() {
        assert_eq!(array.as_array().unwrap().len(), 5, "{name}");
    }
    assert_eq!(
        result["indicators"]["adjclose"][0]["adjclose"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // The recorded numbers come back as written, not re-rounded through a float parser.
    let text = String::from_utf8(fixture("chart/AAPL/1d.json")).unwrap();
    for field in ["open", "high", "low", "close", "volume", "adjclose"] {
        let line = text
            .lines()
            .find(|l| {
                l.trim_start().starts_with(&format!("\"{field}\": ["))
                    && l.trim_end_matches(',').ends_with(']')
            })
            .unwrap();
        let (_, list) = line.split_once('[').unwrap();
        let tokens: Vec<&str> = list.trim_end_matches([']', ',']).split(',').collect();
        let expected = format!("\"{field}\":[{}]", tokens[15..20].join(","));
        assert!(reply.text().contains(&expected), "{expected}");
    }
    let dividends = result["events"]["dividends"].as_object().unwrap();
    assert_eq!(dividends.len(), 1);
    assert_eq!(result["meta"]["symbol"], "AAPL");

    // The split bar but not the dividend bar: only `splits` stays under `events`.
    let nvda = timestamps(&serde_json::from_slice(&fixture("chart/NVDA/1d.json")).unwrap());
    let split_at = nvda.iter().position(|&t| t == 1_718_026_200).unwrap();
    let reply = get(
        &server,
        &format!(
            "/v8/finance/chart/NVDA?interval=1d&period1={}&period2={}",
            nvda[0],
            nvda[split_at + 1]
        ),
    )
    .await;
    let v = reply.json();
    let events = v["chart"]["result"][0]["events"].as_object().unwrap();
    assert_eq!(events.keys().collect::<Vec<_>>(), ["splits"]);
    assert_eq!(timestamps(&v).len(), split_at + 1);
}

#[tokio::test]
async fn a_range_without_bars_gets_the_empty_shape() {
    let server = ReplayServer::start().await.unwrap();
    let reply = get(
        &server,
        "/v8/finance/chart/AAPL?interval=1d&period1=946684800&period2=946771200",
    )
    .await;
    assert_eq!(reply.status, 200);
    let v = reply.json();
    let result = &v["chart"]["result"][0];
    assert!(result.get("timestamp").is_none() && result.get("events").is_none());
    assert_eq!(
        result["indicators"],
        serde_json::json!({"quote": [{}], "adjclose": [{}]})
    );
    assert_eq!(result["meta"]["symbol"], "AAPL");
    assert_eq!(v["chart"]["error"], Value::Null);

    // The recorded empty fixture is served as it is.
    let reply = get(
        &server,
        "/v8/finance/chart/EMPTY?interval=1d&period1=0&period2=2000000000",
    )
    .await;
    assert_eq!(
        reply.json()["chart"]["result"][0]["indicators"]["quote"],
        serde_json::json!([{}])
    );
}

#[tokio::test]
async fn unparseable_fixture_is_served_raw_even_when_filtered() {
    let server = ReplayServer::start().await.unwrap();
    let reply = get(
        &server,
        "/v8/finance/chart/QUIRK?interval=1d&period1=0&period2=1",
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, fixture("chart/QUIRK/1d.json"));
}

#[tokio::test]
async fn unknown_symbol_interval_and_path() {
    let server = ReplayServer::start().await.unwrap();
    let reply = get(&server, "/v8/finance/chart/NOPE?interval=1d").await;
    assert_eq!(reply.status, 404);
    let v = reply.json();
    assert_eq!(v["chart"]["result"], Value::Null);
    assert_eq!(v["chart"]["error"]["code"], "Not Found");
    assert_eq!(
        v["chart"]["error"]["description"],
        "No data found, symbol may be delisted"
    );

    let reply = get(&server, "/v8/finance/chart/AAPL?interval=1wk").await;
    assert_eq!(reply.status, 400);
    let description = reply.json()["chart"]["error"]["description"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        description.starts_with("Invalid input - interval=1wk is not supported."),
        "{description}"
    );

    let reply = get(&server, "/v8/finance/chart/..%2F..%2Fetc?interval=1d").await;
    assert_eq!(reply.status, 404);
    let reply = get(&server, "/nowhere").await;
    assert_eq!(
        (reply.status, reply.text()),
        (404, "Not Found\n".to_owned())
    );
}

#[tokio::test]
async fn search_by_lower_cased_query_or_empty() {
    let server = ReplayServer::start().await.unwrap();
    let reply = get(
        &server,
        "/v1/finance/search?q=Apple&quotesCount=6&newsCount=2",
    )
    .await;
    assert_eq!(reply.body, fixture("search/apple.json"));
    let reply = get(&server, "/v1/finance/search?q=no+such+thing").await;
    assert_eq!(reply.status, 200);
    let v = reply.json();
    assert_eq!(
        (v["count"].as_i64(), v["quotes"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn crumb_and_quote_need_the_cookie() {
    let server = ReplayServer::start().await.unwrap();
    assert_eq!(get(&server, "/v1/test/getcrumb").await.status, 401);

    let home = get(&server, "/").await;
    assert_eq!(home.status, 404);
    let set_cookie = home.header("set-cookie").unwrap();
    assert!(set_cookie.starts_with("A3=d=replay;"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();

    let crumb = get_with(&server, "/v1/test/getcrumb", &[("Cookie", cookie)]).await;
    assert_eq!(
        (crumb.status, crumb.text()),
        (200, "replaycrumb".to_owned())
    );

    let denied = get_with(
        &server,
        "/v7/finance/quote?symbols=AAPL",
        &[("Cookie", cookie)],
    )
    .await;
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.json()["finance"]["error"]["description"],
        "Invalid Crumb"
    );
    let denied = get(&server, "/v7/finance/quote?symbols=AAPL&crumb=replaycrumb").await;
    assert_eq!(denied.status, 401);

    let quote = get_with(
        &server,
        "/v7/finance/quote?symbols=AAPL&crumb=replaycrumb",
        &[("Cookie", cookie)],
    )
    .await;
    assert_eq!(quote.status, 200);
    assert_eq!(quote.body, fixture("quote/AAPL.json"));

    let both = get_with(
        &server,
        "/v7/finance/quote?symbols=AAPL%2CNVDA,ZZZZ&crumb=replaycrumb",
        &[("Cookie", cookie)],
    )
    .await;
    let symbols: Vec<_> = both.json()["quoteResponse"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["symbol"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(symbols, ["AAPL", "NVDA"]);

    let none = get_with(
        &server,
        "/v7/finance/quote?symbols=ZZZZ&crumb=replaycrumb",
        &[("Cookie", cookie)],
    )
    .await;
    assert_eq!(
        none.json(),
        serde_json::json!({"quoteResponse": {"result": [], "error": null}})
    );
}

#[tokio::test]
async fn status_faults_have_yahoo_like_bodies_and_queue_in_order() {
    let server = ReplayServer::start().await.unwrap();
    server.inject("/v8/", Fault::Status(500), 2);
    server.inject("", Fault::Status(503), 1);

    let search = get(&server, "/v1/finance/search?q=apple").await;
    assert_eq!(
        search.status, 503,
        "the /v8/ fault does not match, the catch-all does"
    );
    assert!(search
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(search.text().contains("Service unavailable"));

    for _ in 0..2 {
        let reply = get(&server, "/v8/finance/chart/AAPL").await;
        assert_eq!(reply.status, 500);
        assert_eq!(reply.json()["finance"]["error"]["code"], "internal-error");
    }
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);

    server.inject("", Fault::Status(404), 5);
    server.clear_faults();
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let server = ReplayServer::start().await.unwrap();
    server.inject(
        "",
        Fault::RateLimited {
            retry_after: Some("1".into()),
            html: false,
        },
        1,
    );
    server.inject(
        "",
        Fault::RateLimited {
            retry_after: Some("Wed, 21 Oct 2026 07:28:00 GMT".into()),
            html: true,
        },
        1,
    );
    server.inject(
        "",
        Fault::RateLimited {
            retry_after: None,
            html: false,
        },
        1,
    );

    let plain = get(&server, "/v8/finance/chart/AAPL").await;
    assert_eq!(
        (plain.status, plain.header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(plain.text(), "Too Many Requests\r\n");
    assert!(plain
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));

    let html = get(&server, "/v8/finance/chart/AAPL").await;
    assert_eq!(
        html.header("retry-after"),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    let bare = get(&server, "/v8/finance/chart/AAPL").await;
    assert_eq!((bare.status, bare.header("retry-after")), (429, None));
}

#[tokio::test]
async fn delay_waits_then_answers() {
    let server = ReplayServer::start().await.unwrap();
    server.inject("/v8/", Fault::Delay(Duration::from_millis(300)), 1);
    let started = Instant::now();
    let reply = get(&server, "/v8/finance/chart/AAPL").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.body, fixture("chart/AAPL/1d.json"));
}

#[tokio::test]
async fn reset_sends_no_status_line() {
    let server = ReplayServer::start().await.unwrap();
    server.inject("", Fault::Reset, 1);
    match raw_get(&server, "/v8/finance/chart/AAPL", &[]).await {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        Ok(bytes) => assert!(bytes.is_empty(), "got {} bytes", bytes.len()),
    }
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);
}

#[tokio::test]
async fn truncate_sends_less_than_content_length() {
    let server = ReplayServer::start().await.unwrap();
    server.inject("", Fault::Truncate, 1);
    let reply = parse(
        &raw_get(&server, "/v8/finance/chart/AAPL", &[])
            .await
            .unwrap(),
    );
    let length: usize = reply.header("content-length").unwrap().parse().unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(length, fixture("chart/AAPL/1d.json").len());
    assert_eq!(reply.body.len(), length / 2);
}

#[tokio::test]
async fn body_fault_sends_what_it_is_given() {
    let server = ReplayServer::start().await.unwrap();
    let fault = Fault::Body {
        status: 200,
        content_type: "application/json".into(),
        body: b"{\"chart\":".to_vec(),
    };
    server.inject("/v8/finance/chart/AAPL", fault, 1);
    let reply = get(&server, "/v8/finance/chart/AAPL").await;
    assert_eq!(
        (reply.status, reply.body.as_slice()),
        (200, &b"{\"chart\":"[..])
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn control_endpoint_injects_lists_and_clears() {
    let server = ReplayServer::start().await.unwrap();
    let ok = get(
        &server,
        "/__replay/inject?path=/v8/&fault=status&status=503&times=2",
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 503);
    assert_eq!(
        get(&server, "/v8/finance/chart/AAPL?interval=5m")
            .await
            .status,
        503
    );
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);

    get(
        &server,
        "/__replay/inject?fault=rate_limited&retry_after=2&html=1",
    )
    .await;
    let limited = get(&server, "/v1/finance/search?q=apple").await;
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("2"))
    );
    assert!(limited.text().contains("<html"));

    get(&server, "/__replay/inject?fault=body&status=502&content_type=text/html&text=%3Chtml%3Eoops%3C%2Fhtml%3E").await;
    let body = get(&server, "/v8/finance/chart/AAPL").await;
    assert_eq!(
        (body.status, body.text()),
        (502, "<html>oops</html>".to_owned())
    );

    get(&server, "/__replay/inject?fault=delay&ms=150").await;
    let started = Instant::now();
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    get(&server, "/__replay/inject?fault=reset&times=3").await;
    get(&server, "/__replay/clear").await;
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);

    get(&server, "/__replay/inject?fault=truncate").await;
    let cut = parse(
        &raw_get(&server, "/v8/finance/chart/AAPL", &[])
            .await
            .unwrap(),
    );
    assert!(
        cut.body.len()
            < cut
                .header("content-length")
                .unwrap()
                .parse::<usize>()
                .unwrap()
    );

    assert_eq!(
        get(&server, "/__replay/inject?fault=explode").await.status,
        400
    );
    assert_eq!(
        get(&server, "/__replay/inject?fault=status").await.status,
        400
    );
    assert_eq!(
        get(&server, "/__replay/inject?fault=delay&ms=soon")
            .await
            .status,
        400
    );

    let seen = get(&server, "/__replay/requests").await.json();
    let seen: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(seen.len(), 8);
    assert!(seen.iter().all(|t| !t.starts_with("/__replay/")));
    assert_eq!(seen[1], "/v8/finance/chart/AAPL?interval=5m");
    assert_eq!(server.requests(), seen);
}

#[tokio::test]
async fn malformed_requests_get_400_and_the_server_goes_on() {
    let server = ReplayServer::start().await.unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"HELLO\r\n\r\n").await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    assert_eq!(parse(&bytes).status, 400);
    assert_eq!(get(&server, "/v8/finance/chart/AAPL").await.status, 200);
    assert!(server.requests().len() == 1);
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = ReplayServer::start().await.unwrap();
    let addr = server.addr();
    drop(server);
    let mut refused = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "still accepting after drop");
}

#[tokio::test]
async fn a_missing_fixture_folder_fails_at_start() {
    let missing = default_fixtures().join("no-such-folder");
    let err = ReplayServer::start_with(missing)
        .await
        .err()
        .expect("an error");
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn the_binary_prints_its_url_and_exits_at_stdin_eof() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_yahoo-replay"))
        .args(["--port", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("http://127.0.0.1:")
        .expect("the URL line");
    let port: u16 = addr.parse().unwrap();

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /v8/finance/chart/%5EGSPC HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(
        parse(&reply).json()["chart"]["result"][0]["meta"]["instrumentType"],
        "INDEX"
    );

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("yahoo-replay did not exit at stdin EOF");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.is_empty(), "exactly one line on stdout, then {rest:?}");
}

#[tokio::test]
async fn streaming_and_redirect_faults_over_the_control_endpoint() {
    let server = ReplayServer::start().await.unwrap();
    assert_eq!(
        get(
            &server,
            "/__replay/inject?fault=redirect&status=307&location=http%3A%2F%2Flocalhost%3A1%2Fx"
        )
        .await
        .status,
        200
    );
    let moved = parse(
        &raw_get(&server, "/v8/finance/chart/AAPL", &[])
            .await
            .unwrap(),
    );
    assert_eq!(
        (moved.status, moved.header("location")),
        (307, Some("http://localhost:1/x"))
    );
    assert_eq!(
        get(&server, "/__replay/inject?fault=redirect").await.status,
        400,
        "a redirect needs a location"
    );
    assert_eq!(
        get(
            &server,
            "/__replay/inject?fault=redirect&status=200&location=/x"
        )
        .await
        .status,
        400
    );

    // An oversized body is sent in full to a client that reads it all.
    get(&server, "/__replay/inject?fault=oversized&bytes=300000").await;
    let big = parse(
        &raw_get(&server, "/v8/finance/chart/AAPL", &[])
            .await
            .unwrap(),
    );
    assert_eq!(big.header("content-length"), Some("300000"));
    assert_eq!(big.body.len(), 300_000);
    assert_eq!(big.body[0], b'[');

    // An endless one goes on until the client hangs up.
    get(&server, "/__replay/inject?fault=endless").await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"GET /v8/finance/chart/AAPL HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut taken = vec![0u8; 4 << 20];
    stream.read_exact(&mut taken).await.unwrap();
    assert!(String::from_utf8_lossy(&taken[..200]).contains("Transfer-Encoding: chunked"));
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let streamed = get(&server, "/__replay/streamed").await.json();
    let streamed = streamed.as_u64().unwrap();
    assert_eq!(streamed, server.streamed_bytes());
    assert!(streamed >= 300_000 + (4 << 20) - 300, "{streamed}");
}
