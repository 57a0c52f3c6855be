//! The gateway's layers over the API, outermost first: CORS (so a
//! preflight is answered before any limit, and refusals carry the CORS
//! headers too), the per-group, per-client rate limits (which also put
//! the resolved [`ClientAddr`] in every request's extensions), and the
//! request-body limit.
//!
//! - `client`: the client address (`X-Forwarded-For` only from trusted
//!   proxies) and the rate-limit key.
//! - `memory`: the in-process GCRA limiter (`governor`), memory bounded.
//! - `redis`: the shared GCRA limiter (a Lua script in Redis).
//! - `limiter`: [`RateLimiter`], choosing between them.
//! - `headers`: the layer, the 429 answer and the `RateLimit-*` headers.
//! - `cors`, `body`: CORS and the body limit.

use axum::middleware;
use axum::Router;
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

/// `router` behind the gateway's layers. The router is the fallback of
/// the one returned, so the layers meet every request it gets, also those
/// it has no route for, whatever is merged beside it afterwards (a merge
/// keeps a custom fallback, where a default one would be replaced
/// unlayered).
pub(crate) fn layers(router: Router, state: &AppState) -> Router {
    let shared = &state.inner;
    let whole = Router::new().fallback_service(router);
    let bounded = body::limit(whole, shared.settings.body_limit);
    let limited = bounded.layer(middleware::from_fn_with_state(
        state.clone(),
        headers::rate_limit,
    ));
    match &shared.limiter.cors {
        Some(cors) => limited.layer(cors.clone()),
        None => limited,
    }
}
