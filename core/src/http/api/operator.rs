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

/// The OpenAPI description of the operator groups (the cache and
/// migration services) and of their `operator_token` bearer scheme, for
/// the document `/openapi.json` serves to merge in.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        super::cache::set,
        super::cache::read,
        super::cache::remove,
        super::cache::clear,
        super::cache::stats,
        super::migrate::migrate_one,
        super::migrate::status,
        super::migrate::migrate_batch,
    ),
    modifiers(&OperatorToken),
    tags(
        (name = "cache", description = "The cache service (operator token required)"),
        (name = "migrate", description = "The migration service (operator token required)"),
    )
)]
pub(crate) struct OperatorApi;

/// Adds the `operator_token` security scheme the operator paths name.
struct OperatorToken;

impl utoipa::Modify for OperatorToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The operator token (TICKERSENSE_ADMIN_TOKEN)"))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("operator_token", SecurityScheme::Http(scheme));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_paths_are_described_with_their_scheme() {
        use utoipa::OpenApi;
        let doc = serde_json::to_value(OperatorApi::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(operations, 8, "{paths:?}");
        assert_eq!(
            doc["components"]["securitySchemes"]["operator_token"]["scheme"],
            "bearer"
        );
        for schema in [
            "CacheItem",
            "CacheResponse",
            "CacheStats",
            "MigrationStatus",
            "BatchResult",
        ] {
            assert!(
                doc["components"]["schemas"].get(schema).is_some(),
                "{schema}"
            );
        }
        let batch = &paths["/api/v1/migrate/batch"]["post"];
        assert_eq!(
            batch["security"],
            serde_json::json!([{"operator_token": []}])
        );
    }

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
