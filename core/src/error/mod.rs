//! One error type for the whole library, with a stable [`ErrorKind`].
//!
//! Every binding maps [`ErrorKind`] the same way: Python raises one
//! `tickersense.TickersenseError` subclass per kind, Node throws an `Error`
//! whose `code` is [`ErrorKind::as_str`], and HTTP answers
//! [`ErrorKind::http_status`]. Messages are written for the caller and never
//! carry credentials: URLs are redacted with [`redact_url`](crate::url::redact_url) before they are
//! put in a message.

use std::fmt;
use std::time::Duration;

/// What went wrong, in terms a caller can act on. The names are stable: they
/// are the Python exception names (minus `Error`), the JS `code` values and the
/// `kind` field of HTTP error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller passed something the library cannot use (bad symbol, period, URL).
    InvalidInput,
    /// The thing asked for does not exist (unknown symbol, missing user).
    NotFound,
    /// Missing or bad credentials.
    Unauthorized,
    /// Credentials are fine but do not allow this.
    Forbidden,
    /// The write clashes with what is there (duplicate user, watchlist entry).
    Conflict,
    /// Too many requests; see [`Error::retry_after`].
    RateLimited,
    /// A backend is down or a circuit breaker is open.
    Unavailable,
    /// An upstream provider answered, but badly.
    Upstream,
    /// An operation took longer than its deadline.
    Timeout,
    /// A bug or an invariant broken inside the library.
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::InvalidInput,
        ErrorKind::NotFound,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::Conflict,
        ErrorKind::RateLimited,
        ErrorKind::Unavailable,
        ErrorKind::Upstream,
        ErrorKind::Timeout,
        ErrorKind::Internal,
    ];

    /// The stable name of the kind, e.g. `"InvalidInput"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::Unauthorized => "Unauthorized",
            ErrorKind::Forbidden => "Forbidden",
            ErrorKind::Conflict => "Conflict",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Unavailable => "Unavailable",
            ErrorKind::Upstream => "Upstream",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Internal => "Internal",
        }
    }

    /// Whether an operation that failed with this kind may succeed if
    /// tried again unchanged: `Timeout` (no answer in time), `Unavailable`
    /// (refused or reset connection, 5xx, backend down, open breaker) and
    /// `RateLimited` (wait, then ask again). Every other kind says the
    /// request or its answer is wrong and stays wrong: `Upstream` (the
    /// provider answered, but badly: asking again gets the same bad answer),
    /// `NotFound`, `InvalidInput`, `Unauthorized`, `Forbidden`, `Conflict`,
    /// `Internal`. What the retry loop retries.
    pub const fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout | ErrorKind::Unavailable | ErrorKind::RateLimited
        )
    }

    /// Whether a failure with this kind is the provider's fault rather than
    /// the request's: a transient kind ([`is_transient`](Self::is_transient))
    /// or `Upstream` (it answered something unusable). What counts towards
    /// opening a circuit breaker, and what lets a service serve its last good
    /// copy instead. `NotFound`, `InvalidInput` and the like are the provider
    /// answering properly about a bad request.
    pub const fn is_upstream_fault(self) -> bool {
        self.is_transient() || matches!(self, ErrorKind::Upstream)
    }

    /// The HTTP status the gateway answers for this kind.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidInput => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::Upstream => 502,
            ErrorKind::Timeout => 504,
            ErrorKind::Internal => 500,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The library's error: a [`ErrorKind`], a message for humans and, where one
/// exists, the underlying cause.
pub struct Error {
    kind: ErrorKind,
    message: String,
    retry_after: Option<Duration>,
    source: Option<BoxError>,
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Shorthand for [`ErrorKind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// Shorthand for [`ErrorKind::Unavailable`].
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// Shorthand for [`ErrorKind::Internal`].
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Attaches the underlying cause. Its text is not part of [`Error::message`]
    /// (causes can quote connection strings); it stays reachable through
    /// [`std::error::Error::source`] for logs the operator controls.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same error with its message replaced by `message`: kind,
    /// retry-after and source are kept. For showing an error of code the
    /// library does not own with its secrets taken out.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Sets how long the caller should wait before retrying ([`ErrorKind::RateLimited`]).
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message, free of secrets.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How long to wait before retrying, when the error says so.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The kind of the library error this one was made from, when it wraps
    /// one: e.g. the `RateLimited` behind the `Unavailable` of a stock call
    /// that had no stale copy to serve. `None` for an error of its own.
    pub fn cause_kind(&self) -> Option<ErrorKind> {
        self.source
            .as_deref()
            .and_then(|e| e.downcast_ref::<Error>())
            .map(Error::kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(after) = self.retry_after {
            d.field("retry_after", &after);
        }
        if self.source.is_some() {
            d.field("source", &"<hidden>");
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// How many characters of a caller's or an upstream's text a message repeats.
pub const ECHO_CHARS: usize = 80;

/// `text` as a message may repeat it: whole when it is at most
/// [`ECHO_CHARS`] characters, else its first [`ECHO_CHARS`] followed by how
/// many there were, so a megabyte argument never becomes a megabyte message.
/// Debug-quoted, so control characters and quotes in it stay visible.
pub fn echo(text: &str) -> String {
    echo_chars(text.chars())
}

/// [`echo`] of text given as characters, read once and never held whole,
/// for text that has no `&str` of its own (an upstream body being cleaned).
pub(crate) fn echo_chars(chars: impl Iterator<Item = char>) -> String {
    let mut head = String::new();
    let mut count = 0usize;
    for c in chars {
        if count < ECHO_CHARS {
            head.push(c);
        }
        count += 1;
    }
    if count <= ECHO_CHARS {
        format!("{head:?}")
    } else {
        format!("{head:?}... ({count} characters)")
    }
}

impl Error {
    /// The `Internal` error a caught panic becomes, so that a bug inside the
    /// library reaches a binding's caller as a typed error rather than an
    /// aborted task. Keeps the panic's message (truncated as [`echo`] does).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Error::internal(format!(
            "a bug in tickersense (a panic: {}); please report it",
            echo(&message)
        ))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::internal("could not encode or decode a value").with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_truncates_long_text_and_counts_it() {
        assert_eq!(echo("1mo"), "\"1mo\"");
        let long = "x".repeat(1 << 20);
        let shown = echo(&long);
        assert!(shown.len() < 120, "{shown}");
        assert!(shown.ends_with("... (1048576 characters)"), "{shown}");
    }

    #[test]
    fn a_caught_panic_is_internal_with_its_message() {
        let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        let err = Error::from_panic(payload.as_ref());
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert!(err.message().contains("boom 1"), "{err}");
    }

    #[test]
    fn transient_kinds_are_those_worth_asking_again() {
        use ErrorKind::*;
        let transient: Vec<ErrorKind> = ErrorKind::ALL
            .into_iter()
            .filter(|k| k.is_transient())
            .collect();
        assert_eq!(transient, [RateLimited, Unavailable, Timeout]);
        let faults: Vec<ErrorKind> = ErrorKind::ALL
            .into_iter()
            .filter(|k| k.is_upstream_fault())
            .collect();
        assert_eq!(faults, [RateLimited, Unavailable, Upstream, Timeout]);
    }

    #[test]
    fn kinds_have_distinct_names_and_statuses() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert_eq!(ErrorKind::RateLimited.http_status(), 429);
        assert_eq!(ErrorKind::Upstream.http_status(), 502);
    }
}
