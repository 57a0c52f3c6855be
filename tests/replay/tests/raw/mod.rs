//! A raw HTTP/1.1 client for the replay server's tests: one request per
//! connection, read to its end, so that faults are seen as a client sees
//! them (resets, short bodies) rather than through a library's error
//! mapping.

#![allow(dead_code)]

use serde_json::Value;
use tickersense_replay::ReplayServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What came back on one connection: the body as bytes, or parsed
/// ([`Reply::into_json`]).
pub struct Reply<B = Vec<u8>> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: B,
}

impl<B> Reply<B> {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The same reply with its body parsed as JSON.
    pub fn into_json(self) -> Reply<Value> {
        Reply {
            body: self.json(),
            status: self.status,
            headers: self.headers,
        }
    }
}

/// Sends one request (a `Content-Length` with a non-empty `body`) and
/// returns every byte the server sent, or the read error.
pub async fn exchange(
    server: &ReplayServer,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(server.addr()).await?;
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n", server.addr());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("Connection: close\r\n\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await?;
    Ok(bytes)
}

/// Sends one GET ([`exchange`]).
pub async fn raw_get(
    server: &ReplayServer,
    target: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<Vec<u8>> {
    exchange(server, "GET", target, headers, "").await
}

/// A whole response: its status line, headers and the bytes after them.
pub fn parse(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = std::str::from_utf8(&bytes[..end]).expect("UTF-8 head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().expect("status code");
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').expect("header line");
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    Reply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}
