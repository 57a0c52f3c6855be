//! One error type for the whole library, with a stable [`ErrorKind`].
//!
//! Every binding maps [`ErrorKind`] the same way: Python raises one
//! `tickersense.TickersenseError` subclass per kind, Node throws an `Error`
//! whose `code` is [`ErrorKind::as_str`], and HTTP answers
//! [`ErrorKind::http_status`]. Messages are written for the caller and never
//! carry credentials: URLs are redacted with [`redact_url`] before they are
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

/// Returns `url` with any password and secret-looking query values replaced by
/// `***`, for use in messages and logs.
pub fn redact_url(url: &str) -> String {
    // Without "://" the text is no URL we understand ("user:pass@host" parses
    // as scheme "user"), so nothing of it is safe to show.
    let parsed = if url.contains("://") {
        url::Url::parse(url)
    } else {
        Err(url::ParseError::RelativeUrlWithoutBase)
    };
    let Ok(mut parsed) = parsed else {
        // Not a URL we can take apart: keep only the scheme, which is never secret.
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://***"),
            None => "***".to_owned(),
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    let secret_keys = [
        "password", "pass", "token", "secret", "key", "apikey", "api_key",
    ];
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let hide = secret_keys.iter().any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.into_owned(),
                    if hide {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// A URL that shows as [`redact_url`] has it, for hand-written `Debug` and
/// `Display` forms of values that hold connection strings.
#[derive(Clone, Copy)]
pub struct RedactedUrl<'a>(pub &'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url(self.0), f)
    }
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(self.0))
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        let (kind, message) = match &err {
            E::RowNotFound => (ErrorKind::NotFound, "row not found".to_owned()),
            E::PoolTimedOut => (
                ErrorKind::Timeout,
                "timed out waiting for a database connection".to_owned(),
            ),
            E::PoolClosed => (ErrorKind::Unavailable, "database pool is closed".to_owned()),
            E::Io(_) | E::Tls(_) => (
                ErrorKind::Unavailable,
                "cannot reach the database".to_owned(),
            ),
            E::Database(db) if sqlite_busy(db.as_ref()) => (
                ErrorKind::Unavailable,
                "the database is locked by another writer; try again".to_owned(),
            ),
            E::Database(db) if db.is_unique_violation() => (
                ErrorKind::Conflict,
                "a row with the same key exists".to_owned(),
            ),
            E::Database(db) => (
                ErrorKind::Internal,
                format!("database error: {}", db.message()),
            ),
            E::Configuration(_) => (
                ErrorKind::InvalidInput,
                "invalid database configuration".to_owned(),
            ),
            E::Migrate(_) => (ErrorKind::Internal, "database migration failed".to_owned()),
            _ => (ErrorKind::Internal, "database error".to_owned()),
        };
        Error::new(kind, message).with_source(err)
    }
}

/// True for SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED` (primary or
/// extended codes, read from the driver's code, not its message): another
/// connection holds the lock past the busy timeout, a transient state.
fn sqlite_busy(db: &dyn sqlx::error::DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .and_then(sqlx::error::DatabaseError::code)
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// `err` as the error `classify` makes of the constraint it broke (by the
/// driver's [`sqlx::error::ErrorKind`], never by message text), or the
/// generic conversion when it broke none or `classify` declines. Lets a
/// store answer "email already registered" where the generic conversion
/// could only say a key exists. The driver's error stays the hidden source.
pub(crate) fn on_violation(
    err: sqlx::Error,
    classify: impl FnOnce(sqlx::error::ErrorKind) -> Option<Error>,
) -> Error {
    let broke = err.as_database_error().map(|db| db.kind());
    match broke.and_then(classify) {
        Some(mapped) => mapped.with_source(err),
        None => err.into(),
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Error::internal(format!("database migration failed: {err}"))
    }
}

impl From<redis::RedisError> for Error {
    fn from(err: redis::RedisError) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_io_error() || err.is_connection_dropped() || err.is_connection_refusal() {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Internal
        };
        Error::new(kind, format!("redis: {}", err.category())).with_source(err)
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
    fn redact_hides_passwords_and_secret_query_values() {
        let r = redact_url("postgres://bob:hunter2@db.local:5432/app?sslmode=require&password=x");
        assert!(!r.contains("hunter2"), "{r}");
        assert!(r.contains("sslmode=require"));
        assert!(r.contains("password=***"));
        assert_eq!(redact_url("not a url at all"), "***");
        assert_eq!(redact_url("bad://[zz"), "bad://***");
    }

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
