//! The HTTP API and gateway (feature `server`): the seed's `/api/v1/...`
//! services served natively from one [`Tickersense`](crate::Tickersense),
//! behind the gateway's rate limits, body limit, timeouts, CORS and request
//! ids, with strangler routing to a legacy upstream (each route group
//! `native`, `legacy` or `shadow`) and the operations endpoints `/health`,
//! `/ready` and `/metrics`. The `tickersense serve` command runs it.
//!
//! Layout, in the order a request meets it (`pipeline` puts the steps
//! together):
//! - `ops`: request id, trace span, request metrics; `/health`, `/ready`, `/metrics`.
//! - `gateway`: CORS, the body limit and the per-group rate limits.
//! - `strangler`: sends a route group to the legacy upstream, to both
//!   (shadow), or to the native handlers, by the route table.
//! - `api`: the native handlers, one file per seed service, each route
//!   group under its own timeout.
//!
//! Every error answers `{"detail": message, "code": kind}` with the status
//! of [`ErrorKind::http_status`](crate::ErrorKind::http_status).

mod api;
mod error;
mod gateway;
mod ops;
mod pipeline;
mod route_group;
mod server;
mod settings;
mod state;
mod strangler;

pub use api::{Problem, Unprocessable};
pub use error::ErrorBody;
pub use gateway::{
    ClientAddr, Decision, RateKey, RateLimiter, RATELIMIT_LIMIT, RATELIMIT_REMAINING,
    RATELIMIT_RESET,
};
#[cfg(feature = "redis")]
pub use gateway::{REDIS_CONNECT_TIMEOUT, REDIS_DECISION_TIMEOUT};
pub use ops::{init_telemetry, Telemetry, OTLP_ENDPOINT_VAR};
pub use route_group::RouteGroup;
pub use server::{app, serve};
pub use settings::{
    LogFormat, RateLimitSetting, ServerSettings, DEFAULT_BODY_LIMIT,
    DEFAULT_LEGACY_CONNECT_TIMEOUT, DEFAULT_LEGACY_TIMEOUT, DEFAULT_LISTEN,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use state::AppState;
