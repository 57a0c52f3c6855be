//! `GET /openapi.json`: the OpenAPI 3.1 document of every endpoint the
//! server answers, generated from the handlers' `#[utoipa::path]`
//! annotations (the schemas they name are collected with them).
//!
//! Adding an endpoint is one line: annotate its handler with
//! `#[utoipa::path(...)]` (method, path, parameters, every response with
//! its body type, `ErrorBody` or `Unprocessable` for the errors) and name
//! the handler in the `paths(...)` list of [`ApiDoc`] below, e.g.
//! `super::cache::get_value,`. A body type only needs
//! `#[derive(utoipa::ToSchema)]`.

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use utoipa::OpenApi;

use crate::http::AppState;

/// The document's source: every path the server serves.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tickersense",
        description = "The seed's stock, sentiment, cache and migration services, served natively.",
    ),
    paths(
        super::stocks::quote,
        super::stocks::history,
        super::search::search,
        super::sentiment::current,
        super::sentiment::history,
        super::sentiment::score::score,
        openapi_json,
        health,
        ready,
        metrics,
    ),
    components(schemas(crate::http::ErrorBody, super::Unprocessable, super::Problem)),
    tags(
        (name = "stocks", description = "Quotes, history and search (seed 4.2)"),
        (name = "sentiment", description = "Social sentiment (seed 4.3)"),
        (name = "docs", description = "This document"),
        (name = "ops", description = "Liveness, readiness and metrics"),
    )
)]
pub(super) struct ApiDoc;

/// `/openapi.json`, the document rendered once when the router is built.
pub(super) fn routes(state: &AppState) -> Router {
    let mut document = ApiDoc::openapi();
    document.merge(super::operator::OperatorApi::openapi());
    let rendered: Arc<str> = document
        .to_json()
        .unwrap_or_else(|_| "{}".to_owned())
        .into();
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let rendered = rendered.clone();
                async move { json_document(&rendered) }
            }),
        )
        .with_state(state.clone())
}

fn json_document(rendered: &str) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        rendered.to_owned(),
    )
        .into_response()
}

/// The OpenAPI document of this server.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "docs",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
#[allow(dead_code)] // Documents the route above; the router serves a pre-rendered copy.
async fn openapi_json() {}

/// Liveness: answers without any I/O while the process serves.
#[utoipa::path(
    get,
    path = "/health",
    tag = "ops",
    responses((status = 200, description = "The server is alive", content_type = "application/json"))
)]
#[allow(dead_code)] // Documents the route `ops` serves.
async fn health() {}

/// Readiness: each backend and upstream with its state.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "ops",
    responses(
        (status = 200, description = "Ready, or degraded (the backends down are listed)", content_type = "application/json"),
        (status = 503, description = "The market data, which every stock route reads, is down", content_type = "application/json"),
    )
)]
#[allow(dead_code)] // Documents the route `ops` serves.
async fn ready() {}

/// The server's metrics in Prometheus text format.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain"))
)]
#[allow(dead_code)] // Documents the route `ops` serves.
async fn metrics() {}
