//! What a `redis://` URL says: the server (handed to the client) and how
//! this library uses it (read here).

use std::time::Duration;

use crate::error::{echo, Error, Result};
use crate::url::{redact_url, BackendUrl, RedactedUrl};

/// The first part of every key unless the URL's `?prefix=` names another.
pub const DEFAULT_KEY_PREFIX: &str = "tickersense";

/// Longest `?prefix=` accepted.
pub const MAX_PREFIX_CHARS: usize = 64;

/// How long one Redis command may wait for its answer unless the URL's
/// `?timeout=` says otherwise. A command past it is a miss (or a dropped
/// write), counted as an error.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long connecting may take unless the URL's `?connect_timeout=` says
/// otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// The options of a Redis cache URL,
/// `redis://[:PASSWORD@]HOST[:PORT]/DB[?OPTIONS]` (`rediss://` for TLS):
///
/// | option | default | meaning |
/// |---|---|---|
/// | `prefix` | [`DEFAULT_KEY_PREFIX`] | first part of every key, so apps sharing one Redis keep apart: 1 to 64 ASCII letters, digits, `_`, `-`, `.` |
/// | `timeout` | [`DEFAULT_RESPONSE_TIMEOUT`] (2 s) | longest wait for one command's answer (`500ms`, `2s`, `1.5`) |
/// | `connect_timeout` | [`DEFAULT_CONNECT_TIMEOUT`] (500 ms) | longest wait to connect |
/// | `protocol` | the client's (RESP2) | `resp3`, handed to the client |
///
/// Any other option is `InvalidInput`, so a misspelt `?prefx=` does not
/// quietly share the default key prefix. Its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// The URL as the client takes it: ours taken out, `protocol` kept.
    client_url: String,
    /// First part of every key.
    pub prefix: String,
    /// Longest wait for one command's answer.
    pub timeout: Duration,
    /// Longest wait to connect.
    pub connect_timeout: Duration,
}

impl RedisOptions {
    /// Every option a Redis URL takes.
    pub const KNOWN: [&'static str; 4] = ["prefix", "timeout", "connect_timeout", "protocol"];

    /// Reads a parsed `redis://` or `rediss://` URL's options and checks
    /// that the client takes the rest. No I/O; `InvalidInput` for an
    /// unknown option, a bad value or a URL the client refuses.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        let mut options = url.options();
        let prefix = match options.take("prefix")? {
            Some(prefix) => checked_prefix(prefix)?,
            None => DEFAULT_KEY_PREFIX.to_owned(),
        };
        let timeout = options
            .take_duration("timeout")?
            .unwrap_or(DEFAULT_RESPONSE_TIMEOUT);
        let connect_timeout = options
            .take_duration("connect_timeout")?
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let passed = options.take_passed_on(|key| key == "protocol");
        options.finish(&Self::KNOWN)?;
        let client_url = url.with_query(&passed);
        let valid = ::url::Url::parse(&client_url).is_ok()
            && redis::Client::open(client_url.as_str()).is_ok();
        if !valid {
            return Err(Error::invalid_input(format!(
                "invalid redis URL {}",
                echo(&redact_url(url.as_str()))
            )));
        }
        Ok(RedisOptions {
            client_url,
            prefix,
            timeout,
            connect_timeout,
        })
    }

    /// Reads `text` as a `redis://` or `rediss://` URL (see
    /// [`RedisOptions::from_url`]).
    pub fn parse(text: &str) -> Result<Self> {
        let accepted = "redis://HOST:PORT/DB, rediss://HOST:PORT/DB";
        let url = BackendUrl::parse_scheme(text, "cache", accepted, &["redis", "rediss"])?;
        Self::from_url(&url)
    }

    /// The URL handed to the client (it may hold a password).
    pub fn client_url(&self) -> &str {
        &self.client_url
    }
}

/// `prefix` when it is 1 to [`MAX_PREFIX_CHARS`] of ASCII letters, digits
/// and `_ - .`; no `:`, which would let `prefix=app` walk the keys of
/// `prefix=app:stock_quote`.
fn checked_prefix(prefix: String) -> Result<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    if prefix.is_empty()
        || prefix.chars().count() > MAX_PREFIX_CHARS
        || !prefix.chars().all(allowed)
    {
        return Err(Error::invalid_input(format!(
            "redis key prefix {} must be 1 to {MAX_PREFIX_CHARS} ASCII letters, digits, '_', '-' or '.'",
            echo(&prefix)
        )));
    }
    Ok(prefix)
}

impl std::fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisOptions")
            .field("url", &RedactedUrl(&self.client_url))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn options_have_named_defaults_and_are_read() {
        let options = RedisOptions::parse("redis://127.0.0.1:6379/0").unwrap();
        assert_eq!(options.prefix, DEFAULT_KEY_PREFIX);
        assert_eq!(options.timeout, DEFAULT_RESPONSE_TIMEOUT);
        assert_eq!(options.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(options.client_url(), "redis://127.0.0.1:6379/0");
        let options = RedisOptions::parse(
            "redis://:pw@h:6379/1?timeout=250ms&connect_timeout=1.5&prefix=app1&protocol=resp3",
        )
        .unwrap();
        assert_eq!(options.prefix, "app1");
        assert_eq!(options.timeout, Duration::from_millis(250));
        assert_eq!(options.connect_timeout, Duration::from_millis(1500));
        assert_eq!(options.client_url(), "redis://:pw@h:6379/1?protocol=resp3");
        assert!(!format!("{options:?}").contains(":pw@"), "{options:?}");
    }

    #[test]
    fn bad_options_are_refused_naming_the_known_ones() {
        for bad in [
            "prefix=",
            "prefix=a%20b",
            "prefix=a*",
            "prefix=a:b",
            "prefx=a",
            "timeout=0",
            "timeout=soon",
            "connect_timeout=-1s",
            "prefix=a&prefix=b",
        ] {
            let err = RedisOptions::parse(&format!("redis://h:6379/0?{bad}")).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        }
        let err = RedisOptions::parse("redis://h:6379/0?prefx=a").unwrap_err();
        assert!(
            err.message()
                .contains("known: prefix, timeout, connect_timeout, protocol"),
            "{err}"
        );
        let huge = format!("redis://h:6379/0?prefix={}", "x".repeat(1 << 20));
        assert!(RedisOptions::parse(&huge).unwrap_err().message().len() < 300);
    }
}
