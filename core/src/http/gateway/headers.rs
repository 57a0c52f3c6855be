//! The rate-limit layer: resolves the client, spends its budget, refuses
//! with 429 past it, and writes the `RateLimit-*` headers on every answer
//! of a limited group.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::{Error, ErrorKind};

use super::client::{self, RateKey};
use super::limiter::Decision;
use super::{AppState, RouteGroup};

/// `RateLimit-Limit`: the group's budget, requests a minute.
pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
/// `RateLimit-Remaining`: requests that could still be made at once.
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
/// `RateLimit-Reset`: seconds until the whole budget is back.
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// Whole seconds, rounded up: a wait of 200 ms is 1, not 0.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Puts the request's [`ClientAddr`](super::ClientAddr) in its
/// extensions; for a request under `/api/v1/<group>` of a limited group,
/// spends one request of the client's budget first: `Err` with the 429 to
/// answer past it, else the decision whose `RateLimit-*` headers the
/// answer carries ([`write`]).
pub(super) async fn rate_limit(
    state: &AppState,
    request: &mut Request,
) -> Result<Option<Decision>, Response> {
    let shared = &state.inner;
    let client = client::resolve(request, &shared.settings.trusted_proxies);
    request.extensions_mut().insert(client);
    let Some(group) = RouteGroup::of_path(request.uri().path()) else {
        return Ok(None);
    };
    let limiter = &shared.limiter.rate;
    if !limiter.limits(group) {
        return Ok(None);
    }
    let key = RateKey::for_request(client, request);
    let Some(decision) = limiter.check(&key, group).await else {
        return Ok(None);
    };
    if !decision.allowed {
        shared.metrics.rate_limited(group);
        tracing::debug!(group = group.as_str(), client = %client, "rate limited");
        return Err(refused(group, &decision));
    }
    Ok(Some(decision))
}

/// 429 `{"detail": "Rate limit exceeded ...", "code": "RateLimited"}` with
/// `Retry-After` and the `RateLimit-*` headers.
fn refused(group: RouteGroup, decision: &Decision) -> Response {
    let wait = decision.retry_after.max(Duration::from_millis(1));
    let detail = format!(
        "Rate limit exceeded: {} requests a minute for {}; retry in {} s",
        decision.limit,
        group.as_str(),
        ceil_secs(wait)
    );
    let mut response = Error::new(ErrorKind::RateLimited, detail)
        .with_retry_after(wait)
        .into_response();
    write(response.headers_mut(), decision);
    response
}

pub(super) fn write(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert(RATELIMIT_LIMIT, HeaderValue::from(decision.limit));
    headers.insert(RATELIMIT_REMAINING, HeaderValue::from(decision.remaining));
    headers.insert(
        RATELIMIT_RESET,
        HeaderValue::from(ceil_secs(decision.reset)),
    );
}
