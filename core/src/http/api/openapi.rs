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
        super::stocks::search,
        super::sentiment::current,
        super::sentiment::history,
        openapi_json,
    ),
    components(schemas(crate::http::ErrorBody, super::Unprocessable, super::Problem)),
    tags(
        (name = "stocks", description = "Quotes, history and search (seed 4.2)"),
        (name = "sentiment", description = "Social sentiment (seed 4.3)"),
        (name = "docs", description = "This document"),
    )
)]
pub(super) struct ApiDoc;

/// `/openapi.json`, the document rendered once when the router is built.
pub(super) fn routes(state: &AppState) -> Router {
    let rendered: Arc<str> = ApiDoc::openapi()
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
