//! Just enough HTTP/1.1 for a replay server: one request per connection, then close.
//!
//! Written by hand rather than on hyper so that a fault can do what a real edge does to a
//! client: reset the connection or stop half-way through a body.

use std::io;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request head larger than this is refused: no client of ours sends one.
const MAX_HEAD: usize = 64 * 1024;
/// Bodies are read up to this size, for the routes that take a form, and the rest left (a
/// close with unread bytes would send a reset, so every body a client of ours sends fits).
const MAX_BODY: usize = 1024 * 1024;
/// A client that connects and never finishes its request does not hold a task forever.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// One parsed request.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// Path and query exactly as sent.
    pub(crate) target: String,
    /// The target's path, still percent-encoded.
    pub(crate) path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// The body, up to [`MAX_BODY`] bytes of what was announced.
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The first value of a query parameter, percent-decoded.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter, percent-decoded, in the order sent.
    pub(crate) fn query_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a field of an `application/x-www-form-urlencoded` body.
    pub(crate) fn form(&self, name: &str) -> Option<String> {
        parse_query(&String::from_utf8_lossy(&self.body))
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The first header of that name (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of a cookie sent in any `Cookie` header.
    pub(crate) fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// What the server reads off a connection.
pub(crate) enum Incoming {
    Request(Request),
    /// The peer closed (or timed out) before sending a whole request head.
    Nothing,
    /// Bytes that are not an HTTP/1.x request.
    Malformed(&'static str),
}

/// Reads one request head and any body it announces.
pub(crate) async fn read_request(stream: &mut TcpStream) -> io::Result<Incoming> {
    match tokio::time::timeout(READ_TIMEOUT, read_request_inner(stream)).await {
        Ok(result) => result,
        Err(_elapsed) => Ok(Incoming::Nothing),
    }
}

async fn read_request_inner(stream: &mut TcpStream) -> io::Result<Incoming> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            break at;
        }
        if buf.len() > MAX_HEAD {
            return Ok(Incoming::Malformed("request head too large"));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(Incoming::Nothing);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let Ok(head) = std::str::from_utf8(&buf[..head_end]) else {
        return Ok(Incoming::Malformed("request head is not UTF-8"));
    };
    let mut request = match parse_head(head) {
        Ok(request) => request,
        Err(why) => return Ok(Incoming::Malformed(why)),
    };

    let announced = request
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut body = buf.split_off(head_end + 4);
    body.truncate(announced);
    while body.len() < announced {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        let wanted = (announced - body.len()).min(n);
        body.extend_from_slice(&chunk[..wanted]);
    }
    request.body = body;
    Ok(Incoming::Request(request))
}

fn parse_head(head: &str) -> Result<Request, &'static str> {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("bad request line");
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err("bad request line");
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err("bad header line");
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        path: path.to_owned(),
        query: parse_query(query),
        headers,
        body: Vec::new(),
    })
}

/// `application/x-www-form-urlencoded` pairs: `+` is a space, then percent-decoding.
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_form(k), decode_form(v))
        })
        .collect()
}

fn decode_form(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Percent-decodes one path segment (`%5EGSPC` -> `^GSPC`); a `+` stays a `+` there.
pub(crate) fn decode_path(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A whole response, built before anything is written, so a fault can cut it anywhere.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A response with no headers yet (not even `Content-Type`).
    pub(crate) fn bare(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// JSON with the content type Yahoo's API hosts send.
    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/json;charset=utf-8", body)
    }

    pub(crate) fn text(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "text/plain;charset=utf-8", body)
    }

    pub(crate) fn html(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "text/html; charset=utf-8", body)
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a header, dropping any of the same name (case-insensitive) first.
    pub(crate) fn set_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.with_header(name, value)
    }

    /// Status line and headers; `Content-Length` always tells the whole body's length,
    /// even when a fault then sends less of it.
    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        head.into_bytes()
    }
}

/// Writes the response, then ends the connection with a normal close.
pub(crate) async fn write_response(stream: &mut TcpStream, response: &Response) -> io::Result<()> {
    write_cut(stream, response, response.body.len()).await
}

/// Writes the head and only the first `body_bytes` of the body, then closes normally, so the
/// client sees an early end of stream rather than a reset.
pub(crate) async fn write_cut(
    stream: &mut TcpStream,
    response: &Response,
    body_bytes: usize,
) -> io::Result<()> {
    let mut bytes = response.head();
    bytes.extend_from_slice(&response.body[..body_bytes.min(response.body.len())]);
    stream.write_all(&bytes).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Bytes of body sent per write by the streaming faults.
const STREAM_CHUNK: usize = 64 * 1024;

/// Sends a 200 head, then a body of `len` bytes (`None`: chunked, without end) made of an
/// opening `[` and blanks, until it is all sent or the client hangs up. Adds every body byte
/// the socket accepted to `sent`, so a test can tell how much a client read before it gave up.
pub(crate) async fn write_stream(
    stream: &mut TcpStream,
    len: Option<u64>,
    sent: &std::sync::atomic::AtomicU64,
) -> io::Result<()> {
    use std::sync::atomic::Ordering;
    let framing = match len {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_owned(),
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n{framing}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut block = vec![b' '; STREAM_CHUNK];
    block[0] = b'[';
    let mut left = len;
    loop {
        let n = left.map_or(STREAM_CHUNK, |l| l.min(STREAM_CHUNK as u64) as usize);
        if n == 0 {
            break;
        }
        let body = &block[..n];
        let written = match len {
            Some(_) => stream.write_all(body).await,
            None => {
                let mut framed = format!("{n:x}\r\n").into_bytes();
                framed.extend_from_slice(body);
                framed.extend_from_slice(b"\r\n");
                stream.write_all(&framed).await
            }
        };
        if written.is_err() {
            // The client hung up: what it took is counted, and that is the point.
            return Ok(());
        }
        sent.fetch_add(n as u64, Ordering::Relaxed);
        block[0] = b' ';
        left = left.map(|l| l - n as u64);
    }
    stream.flush().await?;
    stream.shutdown().await
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_target_query_and_cookies() {
        let head = "GET /v1/finance/search?q=s%26p+500&x HTTP/1.1\r\nHost: a\r\nCookie: B=1; A3=d=replay\r\ncookie: C=2";
        let r = parse_head(head).unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/v1/finance/search");
        assert_eq!(r.query("q"), Some("s&p 500"));
        assert_eq!(r.query("x"), Some(""));
        assert_eq!(r.cookie("A3"), Some("d=replay"));
        assert_eq!(r.cookie("C"), Some("2"));
        assert_eq!(r.header("HOST"), Some("a"));
        assert_eq!(decode_path("EURUSD%3DX"), "EURUSD=X");
    }

    #[test]
    fn refuses_what_is_not_http() {
        assert!(parse_head("hello").is_err());
        assert!(parse_head("GET http://x/ HTTP/1.1").is_err());
        assert!(parse_head("GET / HTTP/1.1\r\nno colon").is_err());
    }
}
