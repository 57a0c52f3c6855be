//! The gateway's part of every request, in the order a request meets it:
//! CORS (a layer outside the rest, so a preflight is answered before any
//! limit, and refusals carry the CORS headers too), the per-group,
//! per-client rate limits (which also put the resolved [`ClientAddr`] in
//! every request's extensions), and the request-body limit; then, on the
//! answer, the `RateLimit-*` headers. [`admit`] and [`answer`] are the two
//! halves, called by the server's request pipeline.
//!
//! - `client`: the client address (`X-Forwarded-For` only from trusted
//!   proxies) and the rate-limit key.
//! - `memory`: the in-process GCRA limiter (`governor`), memory bounded.
//! - `redis`: the shared GCRA limiter (a Lua script in Redis).
//! - `limiter`: [`RateLimiter`], choosing between them.
//! - `headers`: the layer, the 429 answer and the `RateLimit-*` headers.
//! - `cors`, `body`: CORS and the body limit.

use axum::extract::Request;
use axum::response::Response;
use tower_http::cors::CorsLayer;

use crate::error::Result;
use crate::Tickersense;

use super::{AppState, RateLimitSetting, RouteGroup, ServerSettings};

mod body;
mod client;
mod cors;
mod headers;
mod limiter;
mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use client::{ClientAddr, RateKey};
pub use headers::{RATELIMIT_LIMIT, RATELIMIT_REMAINING, RATELIMIT_RESET};
pub use limiter::{Decision, RateLimiter};
#[cfg(feature = "redis")]
pub use redis::{REDIS_CONNECT_TIMEOUT, REDIS_DECISION_TIMEOUT};

/// The gateway's state, built once with the server's: the rate limiter and
/// the CORS layer made from the checked origin list.
pub(crate) struct Limiter {
    pub(crate) rate: RateLimiter,
    cors: Option<CorsLayer>,
}

impl Limiter {
    /// `InvalidInput` for a CORS origin that is not an exact origin, or a
    /// rate-limit Redis URL that does not parse. No I/O.
    pub(crate) fn new(settings: &ServerSettings, client: &Tickersense) -> Result<Self> {
        Ok(Limiter {
            rate: RateLimiter::new(settings, client)?,
            cors: cors::layer(&settings.cors_origins)?,
        })
    }
}

/// What [`admit`] decided, for [`answer`].
pub(crate) struct Admitted {
    decision: Option<Decision>,
}

/// The gateway's checks before a request is routed: its client address
/// put in its extensions, its group's rate limit spent, its body bounded
/// (see `body::bound`). `Err` holds the refusal to answer (429, 413).
/// Costs a limiter decision for a limited group (one Redis round trip
/// with a shared budget), nothing else that waits.
pub(crate) async fn admit(state: &AppState, request: &mut Request) -> Result<Admitted, Response> {
    let decision = headers::rate_limit(state, request).await?;
    body::bound(request, state.inner.settings.body_limit)?;
    Ok(Admitted { decision })
}

/// The gateway's part of the answer: the `RateLimit-*` headers of the
/// decision, and a 413 given in another form (an extractor's text) as JSON.
pub(crate) fn answer(state: &AppState, admitted: Admitted, response: Response) -> Response {
    let mut response = body::as_json(response, state.inner.settings.body_limit);
    if let Some(decision) = &admitted.decision {
        headers::write(response.headers_mut(), decision);
    }
    response
}

/// The CORS layer of the configured origins, `None` without any.
pub(crate) fn cors(state: &AppState) -> Option<CorsLayer> {
    state.inner.limiter.cors.clone()
}
