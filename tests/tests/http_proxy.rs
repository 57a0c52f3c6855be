//! The HTTP upstream and a proxy from the environment: a loopback base goes
//! direct, any other goes through the proxy. Its own test binary, with one
//! test, because it sets the process's proxy variables.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use tickersense::resilience::http::{HttpUpstream, Url};
use tickersense::resilience::ResiliencePolicy;

/// Answers each connection, for as long as it lives, with `{"via":"NAME"}`,
/// and sends the first line of each request down the channel.
fn serve(name: &'static str) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("an address").to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let line = head.lines().next().unwrap_or_default().to_owned();
            let _ = tx.send(line);
            let body = format!("{{\"via\":\"{name}\"}}");
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (addr, rx)
}

async fn via(base: &str) -> String {
    let policy = ResiliencePolicy {
        timeout: Duration::from_secs(5),
        max_retries: 0,
        ..ResiliencePolicy::default()
    };
    let base = Url::parse(base).expect("a valid base");
    let http = HttpUpstream::builder("Test", base, policy)
        .build()
        .expect("a client");
    let url = http.url(&["feed.json"], &[("q", "AAPL")]).expect("a URL");
    let body = http.get(url, "feed").bytes().await.expect("an answer");
    String::from_utf8(body).expect("text")
}

#[tokio::test]
async fn loopback_bases_bypass_the_environment_proxy_and_others_use_it() {
    let (proxy, proxied) = serve("proxy");
    let (origin, direct) = serve("origin");
    let proxy_url = format!("http://{proxy}");
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(var, &proxy_url);
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }
    let port = origin.rsplit(':').next().expect("a port");
    for base in [
        format!("http://{origin}"),
        format!("http://localhost:{port}"),
    ] {
        assert_eq!(via(&base).await, r#"{"via":"origin"}"#, "{base}");
        let line = direct
            .recv_timeout(Duration::from_secs(1))
            .expect("a request");
        assert_eq!(line, "GET /feed.json?q=AAPL HTTP/1.1");
    }
    assert!(
        proxied.try_recv().is_err(),
        "a loopback request went through the proxy"
    );

    // Nothing resolves `.invalid`: only the proxy can have answered.
    assert_eq!(
        via("http://feeds.tickersense.invalid").await,
        r#"{"via":"proxy"}"#
    );
    let line = proxied
        .recv_timeout(Duration::from_secs(1))
        .expect("a request");
    assert_eq!(
        line,
        "GET http://feeds.tickersense.invalid/feed.json?q=AAPL HTTP/1.1"
    );
}
