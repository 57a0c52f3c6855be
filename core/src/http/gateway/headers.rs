//! The rate-limit layer: resolves the client, spends its budget, refuses
//! with 429 past it, and writes the `RateLimit-*` headers on every answer
//! of a limited group.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
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

/// The middleware (`from_fn_with_state`). Every request gets its
/// [`ClientAddr`](super::ClientAddr) extension; one under `/api/v1/<group>`
/// of a limited group spends one request of its budget first.
pub(super) async fn rate_limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let shared = &state.inner;
    let client = client::resolve(&request, &shared.settings.trusted_proxies);
    request.extensions_mut().insert(client);
    let Some(group) = RouteGroup::of_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let limiter = &shared.limiter.rate;
    if !limiter.limits(group) {
        return next.run(request).await;
    }
    let key = RateKey::for_request(client, &request);
    let Some(decision) = limiter.check(&key, group).await else {
        return next.run(request).await;
    };
    if !decision.allowed {
        shared.metrics.rate_limited(group);
        tracing::debug!(group = group.as_str(), client = %client, "rate limited");
        return refused(group, &decision);
    }
    let mut response = next.run(request).await;
    write(response.headers_mut(), &decision);
    response
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

fn write(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert(RATELIMIT_LIMIT, HeaderValue::from(decision.limit));
    headers.insert(RATELIMIT_REMAINING, HeaderValue::from(decision.remaining));
    headers.insert(
        RATELIMIT_RESET,
        HeaderValue::from(ceil_secs(decision.reset)),
    );
}
