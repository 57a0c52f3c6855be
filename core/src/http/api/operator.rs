//! The operator's token, which the cache and migration groups require:
//! `Authorization: Bearer TOKEN`, compared in constant time with the
//! configured one. With no token configured the groups do not exist (404,
//! as for any unknown path); a missing or wrong token is 401 with
//! `WWW-Authenticate: Bearer`. The token is never logged or echoed.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorKind};
use crate::http::{AppState, ErrorBody};

/// Lets a request through to the operator routes when it carries the
/// configured token. Costs one constant-time comparison of the token's
/// bytes (its length aside, which a comparison of unequal lengths gives
/// away at once).
pub(super) async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state
        .settings()
        .admin_token
        .as_deref()
        .filter(|t| !t.is_empty())
    else {
        return not_found();
    };
    match bearer(request.headers()) {
        Some(given) if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) => {
            next.run(request).await
        }
        _ => unauthorized(),
    }
}

/// The token of an `Authorization: Bearer TOKEN` header (the scheme in
/// any case), if there is one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// What a path that does not exist answers, so the operator groups are
/// not told apart from one while no token is configured.
fn not_found() -> Response {
    let body = ErrorBody {
        detail: "Not Found".to_owned(),
        code: ErrorKind::NotFound.as_str().to_owned(),
    };
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

fn unauthorized() -> Response {
    let mut response = Error::new(
        ErrorKind::Unauthorized,
        "a valid operator token is required",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_a_bearer_token_is_read() {
        assert_eq!(bearer(&with("Bearer s3cret")), Some("s3cret"));
        assert_eq!(bearer(&with("bearer  s3cret ")), Some("s3cret"));
        assert_eq!(bearer(&with("Basic czNjcmV0")), None);
        assert_eq!(bearer(&with("Bearer ")), None);
        assert_eq!(bearer(&with("Bearers3cret")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
