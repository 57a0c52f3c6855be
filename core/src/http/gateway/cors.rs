//! CORS from the configured origin list: exact origins only, so
//! credentials are allowed and `*` never is.

use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::{echo, Error, Result};

use super::headers::{RATELIMIT_LIMIT, RATELIMIT_REMAINING, RATELIMIT_RESET};

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The CORS layer for `origins`, `None` for an empty list (no CORS
/// headers at all: browsers then refuse cross-origin reads). Each origin
/// must be `http(s)://host[:port]` and is compared as browsers send it
/// (lower case, default port left out); `*`, a path, a query or another
/// scheme is `InvalidInput`. No I/O.
pub(super) fn layer(origins: &[String]) -> Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let origins = origins
        .iter()
        .map(|origin| exact_origin(origin))
        .collect::<Result<Vec<_>>>()?;
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::ACCEPT,
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            RATELIMIT_LIMIT,
            RATELIMIT_REMAINING,
            RATELIMIT_RESET,
            header::RETRY_AFTER,
        ])
        .max_age(PREFLIGHT_MAX_AGE);
    Ok(Some(layer))
}

fn exact_origin(origin: &str) -> Result<HeaderValue> {
    let refuse = |why: &str| {
        Error::invalid_input(format!(
            "CORS origin {} {why}; list each origin as scheme://host[:port]",
            echo(origin)
        ))
    };
    if origin.trim() == "*" {
        return Err(refuse(
            "is a wildcard, which is never allowed with credentials",
        ));
    }
    let url = url::Url::parse(origin.trim()).map_err(|_| refuse("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(refuse("is not an http(s) origin"));
    }
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !bare || !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("has more than scheme, host and port"));
    }
    HeaderValue::from_str(&url.origin().ascii_serialization())
        .map_err(|_| refuse("is not a valid header value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact_and_never_a_wildcard() {
        let ok = |o: &str| exact_origin(o).map(|v| v.to_str().unwrap_or("").to_owned());
        assert_eq!(
            ok("https://App.Example.com").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(
            ok("https://example.com:443/").unwrap(),
            "https://example.com"
        );
        assert_eq!(
            ok("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        for bad in [
            "*",
            "example.com",
            "ftp://example.com",
            "https://e.com/app",
            "https://u@e.com",
        ] {
            assert!(exact_origin(bad).is_err(), "{bad}");
        }
        assert!(layer(&[]).unwrap().is_none());
    }
}
