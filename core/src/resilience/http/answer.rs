//! What came back from one attempt, and the default reading of its status.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use url::Url;

use super::{host_of, MAX_REDIRECTS};
use crate::error::{echo, echo_chars, Error, ErrorKind, Result};

/// One answer: status, headers and body (at most the upstream's body cap;
/// empty for a redirect that was not followed), with the label and `what`
/// of its request for messages.
#[derive(Debug)]
pub struct Answer {
    status: u16,
    headers: HeaderMap,
    url: Url,
    body: Vec<u8>,
    label: Arc<str>,
    what: Arc<str>,
}

impl Answer {
    /// An answer made by hand, as if `url` had answered `status` with
    /// `headers` and `body` to a request `what` of the upstream `label`:
    /// for testing a classifier given to
    /// [`HttpGet::send_with`](super::HttpGet::send_with) without a server.
    pub fn from_parts(
        status: u16,
        headers: HeaderMap,
        url: Url,
        body: Vec<u8>,
        label: impl Into<Arc<str>>,
        what: impl Into<Arc<str>>,
    ) -> Self {
        let (label, what) = (label.into(), what.into());
        Answer {
            status,
            headers,
            url,
            body,
            label,
            what,
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Every header of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name` (any case), when present and
    /// visible ASCII: e.g. `x-ratelimit-remaining`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `Retry-After` as a wait: seconds, or an HTTP date (a date passed is
    /// zero). `None` when absent or unreadable.
    pub fn retry_after(&self) -> Option<Duration> {
        self.header(reqwest::header::RETRY_AFTER.as_str())
            .and_then(parse_retry_after)
    }

    /// The body read.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, taken.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The URL that answered (after redirects within the origin). Not for
    /// messages: its query may carry a token.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `what` of the request (`"chart"`).
    pub fn what(&self) -> &str {
        &self.what
    }

    /// The label of the upstream (`"Yahoo"`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The body read as JSON into `T`; `Upstream` with an excerpt when it
    /// is not ([`malformed_json`]).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| malformed_json(&self.body, &format!("{} {}", self.label, self.what), &e))
    }

    /// The default reading of the status: `None` for 2xx; else the error:
    /// 429 `RateLimited` (with [`Answer::retry_after`]); 5xx `Unavailable`;
    /// 401 and 403 `Unauthorized`; a redirect that was not followed
    /// `Upstream` naming the target's host only; any other `Upstream` with
    /// an [`excerpt`] of the body.
    pub fn status_error(&self) -> Option<Error> {
        let (label, what, status) = (&self.label, &self.what, self.status);
        Some(match status {
            200..=299 => return None,
            300..=399 => self.unfollowed_redirect(),
            429 => {
                let err = Error::new(
                    ErrorKind::RateLimited,
                    format!("{label} {what} is rate limiting this client (HTTP 429)"),
                );
                match self.retry_after() {
                    Some(after) => err.with_retry_after(after),
                    None => err,
                }
            }
            500..=599 => Error::unavailable(format!("{label} {what} is failing (HTTP {status})")),
            401 | 403 => Error::new(
                ErrorKind::Unauthorized,
                format!("{label} {what} refused the request (HTTP {status})"),
            ),
            _ => Error::new(
                ErrorKind::Upstream,
                format!(
                    "{label} {what} answered HTTP {status}: {}",
                    excerpt(&self.body)
                ),
            ),
        })
    }

    /// This answer when it is a success (2xx), else its
    /// [`status_error`](Self::status_error).
    pub fn into_success(self) -> Result<Answer> {
        match self.status_error() {
            None => Ok(self),
            Some(err) => Err(err),
        }
    }

    /// The error for a redirect that was not followed: to another origin, or
    /// one too many. Names the target's host (never its path or query, which
    /// may carry tokens) and nothing of the body.
    fn unfollowed_redirect(&self) -> Error {
        let (label, what, status) = (&self.label, &self.what, self.status);
        let target = self
            .header(reqwest::header::LOCATION.as_str())
            .and_then(|l| self.url.join(l).ok());
        let message = match target {
            Some(to) if to.origin() != self.url.origin() => format!(
                "{label} {what} redirected to another host ({}, HTTP {status}); redirects are followed only within the same host",
                echo(&host_of(&to))
            ),
            Some(_) => format!(
                "{label} {what} redirected more than {MAX_REDIRECTS} times (HTTP {status})"
            ),
            None => format!(
                "{label} {what} answered a redirect without a usable Location (HTTP {status})"
            ),
        };
        Error::new(ErrorKind::Upstream, message)
    }
}

/// `Retry-After` as a wait: whole seconds, or an HTTP date (one already
/// passed is zero). `None` for anything else.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// `body` on one line (runs of white space and control characters as one
/// space, bad UTF-8 as U+FFFD), as [`echo`] shows text: the first
/// characters and how many there were. Reads the body once, copying none of it.
pub fn excerpt(body: &[u8]) -> String {
    let chars = body.utf8_chunks().flat_map(|chunk| {
        let bad = (!chunk.invalid().is_empty()).then_some(char::REPLACEMENT_CHARACTER);
        chunk.valid().chars().chain(bad)
    });
    let mut after_blank = true;
    let one_line = chars
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .filter(move |&c| {
            let keep = !(c == ' ' && after_blank);
            after_blank = c == ' ';
            keep
        });
    echo_chars(one_line)
}

/// The `Upstream` error for a body that should have been JSON of some shape
/// and is not, saying what it was instead (HTML, empty, truncated, where
/// the syntax or shape broke) and an [`excerpt`]; `what` starts the message
/// (`"Yahoo chart"`). Never quotes serde's message, which can hold a whole
/// string value of the body.
pub fn malformed_json(body: &[u8], what: &str, err: &serde_json::Error) -> Error {
    let trimmed = body.trim_ascii_start();
    let detail = if trimmed.first() == Some(&b'<') {
        "HTML instead of JSON".to_owned()
    } else if trimmed.is_empty() {
        "an empty body".to_owned()
    } else if err.is_eof() {
        "truncated JSON".to_owned()
    } else {
        let broke = if err.is_syntax() {
            "syntax"
        } else {
            "unexpected shape"
        };
        format!(
            "malformed JSON ({broke} at line {} column {})",
            err.line(),
            err.column()
        )
    };
    Error::new(
        ErrorKind::Upstream,
        format!("{what} answered {detail}: {}", excerpt(body)),
    )
}
