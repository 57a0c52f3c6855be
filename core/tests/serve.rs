//! The `tickersense` command as a process: graceful shutdown on SIGTERM
//! with a slow request in flight, route reload on SIGHUP, exit status 2 on
//! a bad flag, the spans of a request exported over OTLP/HTTP, and the
//! stocks group moved by SIGHUP from a legacy server through shadow to
//! native.
#![cfg(feature = "server")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::mpsc;

const BIN: &str = env!("CARGO_BIN_EXE_tickersense");

/// A running `tickersense serve` and the log lines it wrote so far.
struct Server {
    child: Child,
    addr: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `tickersense serve` on a free loopback port (`--listen
    /// 127.0.0.1:0`, the port read from its "listening on" line).
    async fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--rate-limits", "off"])
            .args(args)
            .env("RUST_LOG", "info")
            // Under the flags given: a flag wins over its variable.
            .env("TICKERSENSE_STORE", "memory://")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, mut addr_rx) = mpsc::unbounded_channel();
        std::thread::spawn({
            let lines = lines.clone();
            move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let addr = rest.split_whitespace().next().unwrap_or("").to_owned();
                        let _ = addr_tx.send(addr);
                    }
                    lines.lock().expect("the log lock").push(line);
                }
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(60), addr_rx.recv())
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                panic!(
                    "no listening line; log: {:?}",
                    lines.lock().expect("the log lock")
                )
            });
        Server { child, addr, lines }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for a log line containing `needle`.
    async fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(line) = self
                .lines
                .lock()
                .expect("test setup")
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} in {:?}",
                self.lines.lock().expect("the log lock")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the process to exit and gives its status code.
    async fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                return status.code().expect("exited, not killed by a signal");
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit; log: {:?}",
                    self.lines.lock().expect("the log lock")
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A "PostgreSQL server" that accepts a connection, tells the test, holds
/// it for `hold`, then closes it: every probe of a store pointed at it is
/// slow, then fails.
async fn slow_database(hold: Duration) -> (u16, mpsc::UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("test setup");
    let port = listener.local_addr().expect("test setup").port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let _ = tx.send(());
            tokio::spawn(async move {
                tokio::time::sleep(hold).await;
                drop(socket);
            });
        }
    });
    (port, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let (db_port, mut accepted) = slow_database(Duration::from_millis(1500)).await;
    // /ready probes the store: with this one it takes 1.5 s or more and
    // comes back degraded (the store is not a backend every route needs).
    let store = format!("postgres://postgres@127.0.0.1:{db_port}/test?connect_timeout=4s");
    let server = Server::start(&["--store", &store], &[]).await;
    let started = Instant::now();
    let request = tokio::spawn(reqwest::get(server.url("/ready")));
    tokio::time::timeout(Duration::from_secs(10), accepted.recv())
        .await
        .expect("the store probe reached the slow database");
    server.signal("TERM");
    let answer = request
        .await
        .expect("test setup")
        .expect("the request in flight is answered");
    assert_eq!(answer.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    assert!(answer.headers().contains_key("x-request-id"));
    let body: serde_json::Value =
        serde_json::from_str(&answer.text().await.expect("test setup")).expect("test setup");
    assert_eq!(body["status"], "degraded", "{body}");
    assert!(
        body["degraded"]
            .as_array()
            .expect("test setup")
            .contains(&"price_store".into()),
        "{body}"
    );
    server.wait_for_line("SIGTERM").await;
    assert_eq!(server.exit_code().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_routes_and_a_bad_file_keeps_the_server_up() {
    let server = Server::start(&[], &[]).await;
    server.signal("HUP");
    server.wait_for_line("SIGHUP: route table").await;
    let answer = reqwest::get(server.url("/health"))
        .await
        .expect("test setup");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.text().await.expect("test setup"),
        r#"{"status":"ok"}"#
    );
    server.signal("INT");
    assert_eq!(server.exit_code().await, 0);
}

#[test]
fn a_bad_flag_value_exits_2_naming_the_flag() {
    let cases: [(&[&str], &str); 6] = [
        (&["serve", "--listen", "nowhere"], "--listen"),
        (&["serve", "--rate-limits", "sometimes"], "--rate-limits"),
        (&["serve", "--store", "nosuch://x"], "--store"),
        (&["serve", "--timeout", "0s"], "--timeout"),
        (&["serve", "--rate-limit", "stocks=lots"], "--rate-limit"),
        (&["backfill", "--concurrency", "0"], "--concurrency"),
    ];
    for (args, flag) in cases {
        let out = Command::new(BIN).args(args).output().expect("test setup");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
    // A password in a bad URL is never written back.
    let out = Command::new(BIN)
        .args(["serve", "--rate-limits", "redix://user:hunter2@127.0.0.1/0"])
        .output()
        .expect("test setup");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
}

/// An OTLP/HTTP receiver: every body POSTed to /v1/traces, kept.
async fn otlp_receiver() -> (String, Arc<Mutex<Vec<bytes::Bytes>>>) {
    use axum::routing::post;
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().route(
        "/v1/traces",
        post({
            let bodies = bodies.clone();
            move |body: bytes::Bytes| async move {
                bodies.lock().expect("the log lock").push(body);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("test setup");
    let addr = listener.local_addr().expect("test setup");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), bodies)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spans_of_a_request_arrive_at_the_otlp_receiver() {
    let (endpoint, bodies) = otlp_receiver().await;
    let server = Server::start(&[], &[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)]).await;
    let answer = reqwest::Client::new()
        .get(server.url("/health"))
        .header("x-request-id", "otlp-probe-7f3a")
        .send()
        .await
        .expect("test setup");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["x-request-id"], "otlp-probe-7f3a");
    // The batch goes out at shutdown at the latest.
    server.signal("TERM");
    assert_eq!(server.exit_code().await, 0);
    let bodies = bodies.lock().expect("the log lock");
    assert!(!bodies.is_empty(), "no OTLP export arrived");
    let all: Vec<u8> = bodies.iter().flat_map(|b| b.iter().copied()).collect();
    // Protobuf keeps strings as they are: the span's name, its request id
    // attribute and the service name.
    assert!(
        contains(&all, b"otlp-probe-7f3a"),
        "the request id is not in the spans"
    );
    assert!(contains(&all, b"request_id"));
    assert!(contains(&all, b"tickersense"));
}

/// A legacy server answering the AAPL quote with a fixed body no native
/// quote has (price 1.0), counting the requests it saw.
async fn legacy_quote_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::routing::get;
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/api/v1/stocks/{symbol}/quote",
        get({
            let hits = hits.clone();
            move |axum::extract::Path(symbol): axum::extract::Path<String>| async move {
                hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                axum::Json(serde_json::json!({
                    "symbol": symbol,
                    "price": 1.0,
                    "change": 0.0,
                    "change_percent": 0.0,
                    "volume": 1,
                }))
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("test setup");
    let addr = listener.local_addr().expect("test setup");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/"), hits)
}

impl Server {
    /// Sends SIGHUP and waits for the `count`th log line saying how the
    /// reload went (`needle`), so the next request sees its outcome.
    async fn hang_up(&self, needle: &str, count: usize) {
        self.signal("HUP");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let seen = self
                .lines
                .lock()
                .expect("the log lock")
                .iter()
                .filter(|l| l.contains(needle))
                .count();
            if seen >= count {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "fewer than {count} lines with {needle:?} in {:?}",
                self.lines.lock().expect("the log lock")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn quote(&self) -> serde_json::Value {
        let answer = reqwest::get(self.url("/api/v1/stocks/AAPL/quote"))
            .await
            .expect("an answer");
        assert_eq!(answer.status(), 200);
        serde_json::from_str(&answer.text().await.expect("a body")).expect("JSON")
    }

    async fn metrics(&self) -> String {
        let answer = reqwest::get(self.url("/metrics")).await.expect("an answer");
        assert_eq!(answer.status(), 200);
        answer.text().await.expect("a body")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_moves_stocks_from_legacy_through_shadow_to_native() {
    use std::sync::atomic::Ordering;
    let (legacy_url, legacy_hits) = legacy_quote_server().await;
    let dir = tempfile::tempdir().expect("test setup");
    let routes = dir.path().join("routes.toml");
    std::fs::write(&routes, "[groups]\nstocks = \"legacy\"\n").expect("test setup");
    let routes_arg = routes.to_str().expect("a UTF-8 path");
    let server = Server::start(
        &[
            "--legacy-url",
            &legacy_url,
            "--routes",
            routes_arg,
            "--market-data",
            "sample://",
            "--store",
            "memory://",
            "--cache",
            "memory://",
        ],
        &[("RUST_LOG", "info,tickersense::http::strangler=debug")],
    )
    .await;

    let quote = server.quote().await;
    assert_eq!(quote["price"], 1.0, "legacy answered: {quote}");
    assert_eq!(legacy_hits.load(Ordering::SeqCst), 1);

    std::fs::write(&routes, "[groups]\nstocks = \"shadow\"\n").expect("test setup");
    server.hang_up("SIGHUP: route table reloaded", 1).await;
    let quote = server.quote().await;
    assert_eq!(
        quote["price"], 1.0,
        "shadow serves legacy's answer: {quote}"
    );
    assert_eq!(legacy_hits.load(Ordering::SeqCst), 2);
    // The comparison runs off the request path: poll for it. One request
    // was shadowed, so one comparison: a mismatch (legacy's price is not the
    // sample's), counted once.
    let mismatches = r#"tickersense_shadow_comparisons_total{group="stocks",outcome="mismatch"} "#;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = server.metrics().await;
        let counted = metrics
            .lines()
            .find_map(|l| l.strip_prefix(mismatches))
            .filter(|count| *count != "0");
        if let Some(count) = counted {
            assert_eq!(count, "1", "one shadowed request: {metrics}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no shadow mismatch in {metrics}; log: {:?}",
            server.lines.lock().expect("the log lock")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    std::fs::write(&routes, "[groups]\nstocks = \"native\"\n").expect("test setup");
    server.hang_up("SIGHUP: route table reloaded", 2).await;
    let quote = server.quote().await;
    assert_eq!(quote["symbol"], "AAPL", "{quote}");
    assert_ne!(quote["price"], 1.0, "native answered: {quote}");
    assert_eq!(
        legacy_hits.load(Ordering::SeqCst),
        2,
        "legacy saw nothing new"
    );

    // A bad file is refused: the native table stays, the server serves.
    std::fs::write(&routes, "[groups]\nstocks = \"legasy\"\n").expect("test setup");
    server.hang_up("SIGHUP: route table not reloaded", 1).await;
    let quote = server.quote().await;
    assert_ne!(quote["price"], 1.0, "the table in force stayed: {quote}");
    assert_eq!(legacy_hits.load(Ordering::SeqCst), 2);

    server.signal("TERM");
    assert_eq!(server.exit_code().await, 0);
}
