//! How Redis client errors become the library's [`Error`]: timeouts are
//! `Timeout`, unreachable servers `Unavailable`, the rest `Internal`; the
//! client's error is kept as the hidden source.

use crate::error::{Error, ErrorKind};

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
