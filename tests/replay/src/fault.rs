//! Faults: what the server does instead of its normal answer, and the queue that holds them.

use std::collections::VecDeque;
use std::time::Duration;

use crate::http::{reason, Request, Response};

/// Something other than the normal answer, given to a request by [`ReplayServer::inject`].
///
/// [`ReplayServer::inject`]: crate::ReplayServer::inject
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a short body like Yahoo's: a JSON
    /// `{"finance":{"result":null,"error":{...}}}` for most codes, the HTML page of Yahoo's
    /// edge for 502, 503 and 504, and the plain-text 429 of [`Fault::RateLimited`] for 429.
    Status(u16),
    /// Answer 429 with `Too Many Requests` as plain text (what Yahoo sends) or, with `html`,
    /// an HTML page; with a `Retry-After` header when `retry_after` is given (seconds such as
    /// `"1"`, or an HTTP date).
    RateLimited {
        /// The `Retry-After` header's value, sent as given.
        retry_after: Option<String>,
        /// Send an HTML page instead of the plain-text body.
        html: bool,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Read the request, then close with `SO_LINGER` 0, so the client gets a reset and no
    /// status line.
    Reset,
    /// Send the normal answer's head with its real `Content-Length`, then only the first half
    /// of its body, then close.
    Truncate,
    /// Answer 200 with a chunked JSON-looking body that never ends (until the client hangs
    /// up): what an unbounded reader runs out of memory on.
    Endless,
    /// Answer 200 with a `Content-Length` of this many bytes, and send them (blanks after an
    /// opening `[`) for as long as the client reads: a body too large to hold.
    Oversized(u64),
    /// Answer with this redirect status (301, 302, 303, 307, 308) and `Location` header,
    /// with a small HTML page as its body.
    Redirect {
        /// The status code.
        status: u16,
        /// Where to: any URL, another host's included.
        location: String,
    },
    /// Answer normally, with these headers set on top (replacing any of the same name): a
    /// rate-limit header saying the budget is spent, for instance.
    Headers(Vec<(String, String)>),
    /// Answer with exactly this status, these headers and this body: a platform's error body
    /// together with the rate-limit headers it comes with, a token answer of another lifetime.
    Reply {
        /// The status code.
        status: u16,
        /// Every header besides `Content-Length` and `Connection`, `Content-Type` included.
        headers: Vec<(String, String)>,
        /// The body, sent byte for byte.
        body: Vec<u8>,
    },
    /// Answer with exactly this: malformed JSON, HTML where JSON was expected, and so on.
    Body {
        /// The status code.
        status: u16,
        /// The `Content-Type` header's value.
        content_type: String,
        /// The body, sent byte for byte.
        body: Vec<u8>,
    },
}

impl Fault {
    /// Answer `status` with `body` as `content_type`, whatever was asked.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        Fault::Body {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }

    /// Answer normally, with `headers` set on top.
    pub fn headers(headers: &[(&str, &str)]) -> Fault {
        Fault::Headers(owned(headers))
    }

    /// Answer `status` with `headers` and `body`, whatever was asked.
    pub fn reply(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Fault {
        Fault::Reply {
            status,
            headers: owned(headers),
            body: body.into(),
        }
    }

    /// The answer for faults that replace the response outright; `None` for those that act on
    /// the normal answer or on the connection.
    pub(crate) fn response(&self) -> Option<Response> {
        match self {
            Fault::Status(429) => Some(rate_limited(None, false)),
            Fault::Status(status @ 502..=504) => Some(Response::html(*status, edge_page(*status))),
            Fault::Status(status) => Some(Response::json(*status, finance_error(*status))),
            Fault::RateLimited { retry_after, html } => {
                Some(rate_limited(retry_after.as_deref(), *html))
            }
            Fault::Body {
                status,
                content_type,
                body,
            } => Some(Response::new(*status, content_type, body.clone())),
            Fault::Reply {
                status,
                headers,
                body,
            } => Some(
                headers
                    .iter()
                    .fold(Response::bare(*status, body.clone()), |r, (k, v)| {
                        r.with_header(k, v)
                    }),
            ),
            Fault::Redirect { status, location } => Some(
                Response::html(
                    *status,
                    format!("<html><body><a href=\"{location}\">moved</a></body></html>\n"),
                )
                .with_header("Location", location),
            ),
            Fault::Delay(_)
            | Fault::Headers(_)
            | Fault::Reset
            | Fault::Truncate
            | Fault::Endless
            | Fault::Oversized(_) => None,
        }
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn rate_limited(retry_after: Option<&str>, html: bool) -> Response {
    let response = if html {
        Response::html(429, edge_page(429))
    } else {
        Response::text(429, "Too Many Requests\r\n")
    };
    match retry_after {
        Some(value) => response.with_header("Retry-After", value),
        None => response,
    }
}

/// Yahoo's API error envelope, as its gateway sends for failures not tied to one endpoint.
fn finance_error(status: u16) -> String {
    let (code, description) = match status {
        500 => ("internal-error", "Internal Server Error"),
        401 => ("Unauthorized", "User is unable to access this feature"),
        _ => (reason(status), reason(status)),
    };
    serde_json::json!({"finance": {"result": null, "error": {"code": code, "description": description}}})
        .to_string()
}

/// A page shaped like the one Yahoo's edge serves when the origin is away or a client is throttled.
fn edge_page(status: u16) -> String {
    let title = match status {
        429 => "Too Many Requests",
        _ => "Service unavailable",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-us\"><head>\n<meta http-equiv=\"content-type\" content=\"text/html; charset=UTF-8\">\n\
         <meta charset=\"utf-8\">\n<title>Yahoo</title>\n</head>\n<body>\n<div id=\"wrapper\">\n\
         <h1>{title}</h1>\n<p>Thank you for your patience.</p>\n\
         <p>Our engineers are working quickly to resolve the issue.</p>\n<!-- status {status} -->\n</div>\n</body>\n</html>\n"
    )
}

struct Entry {
    prefix: String,
    fault: Fault,
    left: usize,
}

/// Injected faults, in the order they were injected.
#[derive(Default)]
pub(crate) struct FaultQueue {
    entries: VecDeque<Entry>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, prefix: &str, fault: Fault, times: usize) {
        if times > 0 {
            self.entries.push_back(Entry {
                prefix: prefix.to_owned(),
                fault,
                left: times,
            });
        }
    }

    /// The fault for a request to `path`: the oldest entry whose prefix matches, used up one
    /// time. Older entries go first so that `inject(a); inject(b)` gives `a` then `b`.
    pub(crate) fn take(&mut self, path: &str) -> Option<Fault> {
        let at = self
            .entries
            .iter()
            .position(|e| path.starts_with(&e.prefix))?;
        let entry = &mut self.entries[at];
        entry.left -= 1;
        let fault = entry.fault.clone();
        if entry.left == 0 {
            self.entries.remove(at);
        }
        Some(fault)
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Reads `/__replay/inject?path=..&fault=..&times=..` into what to inject.
pub(crate) fn parse_inject(request: &Request) -> Result<(String, Fault, usize), String> {
    let prefix = request.query("path").unwrap_or("").to_owned();
    let times = number(request, "times", 1)?;
    let fault = match request.query("fault").unwrap_or("") {
        "status" => Fault::Status(status(request, 0)?),
        "rate_limited" => Fault::RateLimited {
            retry_after: request
                .query("retry_after")
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            html: matches!(request.query("html"), Some("1" | "true")),
        },
        "delay" => Fault::Delay(Duration::from_millis(number(request, "ms", 1000)?)),
        "reset" => Fault::Reset,
        "truncate" => Fault::Truncate,
        "endless" => Fault::Endless,
        "oversized" => Fault::Oversized(number(request, "bytes", 1 << 30)?),
        "redirect" => Fault::Redirect {
            status: match status(request, 302)? {
                s @ (301 | 302 | 303 | 307 | 308) => s,
                _ => return Err("status= must be a redirect: 301, 302, 303, 307 or 308".to_owned()),
            },
            location: match request.query("location") {
                Some(l) if !l.is_empty() => l.to_owned(),
                _ => return Err("fault=redirect needs location=URL".to_owned()),
            },
        },
        "body" if request.query("header").is_some() => {
            let mut headers = headers_of(request)?;
            let content_type = request.query("content_type").unwrap_or("application/json");
            headers.insert(0, ("Content-Type".to_owned(), content_type.to_owned()));
            Fault::Reply {
                status: status(request, 200)?,
                headers,
                body: request.query("text").unwrap_or("").as_bytes().to_vec(),
            }
        }
        "body" => Fault::Body {
            status: status(request, 200)?,
            content_type: request
                .query("content_type")
                .unwrap_or("application/json")
                .to_owned(),
            body: request.query("text").unwrap_or("").as_bytes().to_vec(),
        },
        "headers" => Fault::Headers(headers_of(request)?),
        other => {
            return Err(format!(
                "unknown fault {other:?}: use status, rate_limited, delay, reset, truncate, endless, oversized, redirect, body or headers"
            ))
        }
    };
    Ok((prefix, fault, times))
}

/// Every `header=Name: value` of the request, in order; at least one.
fn headers_of(request: &Request) -> Result<Vec<(String, String)>, String> {
    let headers: Vec<(String, String)> = request
        .query_all("header")
        .map(|h| match h.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(format!("header={h:?} is not Name: value")),
        })
        .collect::<Result<_, _>>()?;
    if headers.is_empty() {
        return Err("fault=headers needs header=Name: value".to_owned());
    }
    Ok(headers)
}

fn number<T: std::str::FromStr>(request: &Request, name: &str, default: T) -> Result<T, String> {
    match request.query(name) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a number")),
    }
}

/// `status=`; a missing one falls back to `default` (0 where the parameter is required).
fn status(request: &Request, default: u16) -> Result<u16, String> {
    let status = number(request, "status", default)?;
    if (100..=599).contains(&status) {
        Ok(status)
    } else {
        Err("status= must be an HTTP status code".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_is_ordered_counted_and_prefixed() {
        let mut q = FaultQueue::default();
        q.push("/v8/", Fault::Status(500), 2);
        q.push("", Fault::Reset, 1);
        q.push("/x", Fault::Truncate, 0);
        assert_eq!(q.take("/v1/finance/search"), Some(Fault::Reset));
        assert_eq!(q.take("/v8/finance/chart/A"), Some(Fault::Status(500)));
        assert_eq!(q.take("/v8/finance/chart/A"), Some(Fault::Status(500)));
        assert_eq!(q.take("/v8/finance/chart/A"), None);
        assert_eq!(q.take("/x"), None);
    }

    #[test]
    fn status_bodies_look_like_yahoo() {
        let r = Fault::Status(500).response().unwrap();
        assert!(String::from_utf8(r.body)
            .unwrap()
            .contains("\"internal-error\""));
        let r = Fault::Status(503).response().unwrap();
        assert!(String::from_utf8(r.body)
            .unwrap()
            .contains("Service unavailable"));
        assert_eq!(
            Fault::Status(429).response().unwrap().body,
            b"Too Many Requests\r\n"
        );
        assert!(Fault::Truncate.response().is_none());
    }
}
