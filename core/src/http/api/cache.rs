//! The seed's cache service (`/api/v1/cache/...`), an operator group:
//! values set by hand under a namespace (`cache_type`, one of the seed's
//! `CACHE_CONFIG` names), read back with the seconds they have left,
//! deleted one by one or a namespace at a time, and per-namespace counters.
//!
//! Values go through the client's cache in a key scope of the operator's
//! own ([`Tickersense::cache_set_raw`](crate::Tickersense::cache_set_raw)),
//! so they never meet the services' values. A value's own `ttl` is kept
//! inside it (an expiry instant beside the JSON), capped at the
//! namespace's TTL, which the backend applies: the `Cache` trait and its
//! backends stay as they are (one TTL per namespace, what the memory
//! cache bounds its entries by), at the cost of an expired value holding
//! its place until the namespace's TTL drops it.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Unprocessable;
use crate::cache::namespace;
use crate::error::{echo, Error, Result};
use crate::http::{AppState, ErrorBody};

/// The routes, behind the operator token.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/cache/stats", get(stats))
        .route("/api/v1/cache/{cache_type}", post(set).delete(clear))
        .route("/api/v1/cache/{cache_type}/{key}", get(read).delete(remove))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::operator::require_token,
        ))
        .with_state(state.clone())
}

/// `POST /api/v1/cache/{cache_type}`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CacheItem {
    /// The key, 1 to 256 characters.
    pub key: String,
    /// Any JSON value (the body limit bounds it).
    pub value: Value,
    /// Seconds to live; absent, null or 0: the namespace's TTL, which also
    /// caps it.
    pub ttl: Option<i64>,
}

/// `GET /api/v1/cache/{cache_type}/{key}`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CacheResponse {
    /// The key asked for.
    pub key: String,
    /// The value, `null` when absent.
    pub value: Value,
    /// Whether a value is held.
    pub exists: bool,
    /// Whole seconds it has left (rounded up), `null` when absent.
    pub ttl: Option<u64>,
}

/// An answer that only says it went well.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Message {
    /// What was done.
    pub message: String,
}

/// What is stored: the value and when it stops being served.
#[derive(Serialize, Deserialize)]
struct Stored {
    expires_at_ms: i64,
    value: Value,
}

fn message(text: impl Into<String>) -> Json<Message> {
    Json(Message {
        message: text.into(),
    })
}

/// The `{cache_type}` of the cache paths, as the OpenAPI document gives it:
/// the namespaces by name, so a generated client sends only those.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // read by the document only; the handlers take the text
struct CacheTypeParam {
    /// A cache namespace (the seed's CACHE_CONFIG names).
    #[param(
        pattern = "^(stock_quote|stock_history|stock_quote_last|stock_history_last|stock_search|sentiment_current|sentiment_history|user_profile|watchlist)$"
    )]
    cache_type: String,
}

/// `cache_type` when it is a known namespace, else 400.
fn cache_type(name: &str) -> Result<&'static str> {
    namespace::known(name).map_err(|_| {
        Error::invalid_input(format!(
            "Invalid cache type {}; expected one of {}",
            echo(name),
            namespace::ALL.join(", ")
        ))
    })
}

/// The operator's value under `key`, with the milliseconds it has left,
/// when held and not expired.
async fn lookup(state: &AppState, namespace: &str, key: &str) -> Result<Option<(Value, i64)>> {
    let Some(bytes) = state.client().cache_get_raw(namespace, key).await? else {
        return Ok(None);
    };
    let Ok(stored) = serde_json::from_slice::<Stored>(&bytes) else {
        return Ok(None);
    };
    let left = stored.expires_at_ms - Utc::now().timestamp_millis();
    Ok((left > 0).then_some((stored.value, left)))
}

/// Reads the body as a [`CacheItem`], answering 422 as FastAPI would.
fn parse_item(body: &[u8]) -> std::result::Result<CacheItem, Unprocessable> {
    let body_problem =
        |kind: &str, msg: &str| Unprocessable::at(vec!["body".into()], kind, msg, None);
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(body_problem("json_invalid", "JSON decode error"));
    };
    let Value::Object(mut fields) = value else {
        return Err(body_problem(
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        ));
    };
    let at = |field: &str| vec!["body".to_owned(), field.to_owned()];
    let key = match fields.remove("key") {
        Some(Value::String(key)) => key,
        Some(_) => {
            return Err(Unprocessable::at(
                at("key"),
                "string_type",
                "Input should be a valid string",
                None,
            ))
        }
        None => {
            return Err(Unprocessable::at(
                at("key"),
                "missing",
                "Field required",
                None,
            ))
        }
    };
    let Some(value) = fields.remove("value") else {
        return Err(Unprocessable::at(
            at("value"),
            "missing",
            "Field required",
            None,
        ));
    };
    let ttl = match fields.remove("ttl") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some_and(|t| t >= 0) => n.as_i64(),
        Some(other) => {
            let shown = other.to_string();
            return Err(Unprocessable::at(
                at("ttl"),
                "int_type",
                "Input should be a whole number of seconds, 0 or more",
                Some(&shown),
            ));
        }
    };
    Ok(CacheItem { key, value, ttl })
}

/// `POST /api/v1/cache/{cache_type}`: stores `value` under `key` for
/// `ttl` seconds (the namespace's TTL at most). One cache write.
#[utoipa::path(
    post,
    path = "/api/v1/cache/{cache_type}",
    tag = "cache",
    params(CacheTypeParam),
    request_body = CacheItem,
    responses(
        (status = 200, description = "Stored", body = Message),
        (status = 400, description = "Unknown cache type or key", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No operator token configured", body = ErrorBody),
        (status = 422, description = "The body is no cache item", body = Unprocessable),
    ),
    security(("operator_token" = []))
)]
async fn set(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> std::result::Result<Json<Message>, axum::response::Response> {
    use axum::response::IntoResponse;
    let namespace = cache_type(&name).map_err(IntoResponse::into_response)?;
    let item = parse_item(&body).map_err(IntoResponse::into_response)?;
    let cap = state.client().cache_policy(namespace).ttl;
    let cap_ms = i64::try_from(cap.as_millis()).unwrap_or(i64::MAX);
    let ttl_ms = match item.ttl {
        None | Some(0) => cap_ms,
        Some(secs) => secs.saturating_mul(1000).min(cap_ms),
    };
    let stored = Stored {
        expires_at_ms: Utc::now().timestamp_millis().saturating_add(ttl_ms),
        value: item.value,
    };
    let bytes = serde_json::to_vec(&stored)
        .map_err(|e| Error::internal("a cache value did not serialize").with_source(e))
        .map_err(IntoResponse::into_response)?;
    state
        .client()
        .cache_set_raw(namespace, &item.key, bytes)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(message("Cache set successfully"))
}

/// `GET /api/v1/cache/{cache_type}/{key}`: the value and its seconds
/// left, or `exists: false`. One cache read.
#[utoipa::path(
    get,
    path = "/api/v1/cache/{cache_type}/{key}",
    tag = "cache",
    params(
        CacheTypeParam,
        ("key" = String, Path, min_length = 1, max_length = 256, description = "The key, 1 to 256 characters"),
    ),
    responses(
        (status = 200, description = "The value, or exists: false", body = CacheResponse),
        (status = 400, description = "Unknown cache type or key", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No operator token configured", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn read(
    State(state): State<AppState>,
    Path((name, key)): Path<(String, String)>,
) -> Result<Json<CacheResponse>> {
    let namespace = cache_type(&name)?;
    let found = lookup(&state, namespace, &key).await?;
    Ok(Json(match found {
        Some((value, left_ms)) => CacheResponse {
            key,
            value,
            exists: true,
            ttl: Some(u64::try_from(left_ms).unwrap_or(0).div_ceil(1000)),
        },
        None => CacheResponse {
            key,
            value: Value::Null,
            exists: false,
            ttl: None,
        },
    }))
}

/// `DELETE /api/v1/cache/{cache_type}/{key}`: 404 when nothing is held.
/// One cache read and one delete.
#[utoipa::path(
    delete,
    path = "/api/v1/cache/{cache_type}/{key}",
    tag = "cache",
    params(
        CacheTypeParam,
        ("key" = String, Path, description = "The key"),
    ),
    responses(
        (status = 200, description = "Deleted", body = Message),
        (status = 400, description = "Unknown cache type or key", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No such key, or no operator token configured", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn remove(
    State(state): State<AppState>,
    Path((name, key)): Path<(String, String)>,
) -> Result<Json<Message>> {
    let namespace = cache_type(&name)?;
    if lookup(&state, namespace, &key).await?.is_none() {
        return Err(Error::not_found("Cache key not found"));
    }
    state.client().cache_remove_raw(namespace, &key).await?;
    Ok(message("Cache deleted successfully"))
}

/// `DELETE /api/v1/cache/{cache_type}`: drops the whole namespace, the
/// services' values with the operator's. A walk over its keys (`SCAN` on
/// Redis).
#[utoipa::path(
    delete,
    path = "/api/v1/cache/{cache_type}",
    tag = "cache",
    params(CacheTypeParam),
    responses(
        (status = 200, description = "The namespace emptied", body = Message),
        (status = 400, description = "Unknown cache type or key", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No operator token configured", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn clear(State(state): State<AppState>, Path(name): Path<String>) -> Result<Json<Message>> {
    let namespace = cache_type(&name)?;
    state.client().invalidate(namespace, None).await?;
    Ok(message(format!(
        "Cache type {namespace} cleared successfully"
    )))
}

/// One namespace's counters in `GET /api/v1/cache/stats`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct NamespaceCounts {
    /// Values held now (services' and operator's).
    pub count: u64,
    /// Reads that found a value, in this process.
    pub hits: u64,
    /// Reads that found nothing, in this process.
    pub misses: u64,
    /// Bytes of the values held (keys and overheads not counted).
    pub bytes: u64,
    /// Backend errors, each read as a miss or a dropped write.
    pub errors: u64,
}

/// `GET /api/v1/cache/stats`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CacheStats {
    /// Every namespace by name. The seed also listed every key and summed
    /// Redis' per-key memory: neither is given, since both cost a command
    /// per key and the keys are the services' inner detail.
    pub stats: std::collections::BTreeMap<String, NamespaceCounts>,
}

/// `GET /api/v1/cache/stats`: counters of every namespace. A walk over
/// each namespace's keys on Redis (`SCAN`), O(entries) in memory.
#[utoipa::path(
    get,
    path = "/api/v1/cache/stats",
    tag = "cache",
    responses(
        (status = 200, description = "Counters of every namespace", body = CacheStats),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No operator token configured", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn stats(State(state): State<AppState>) -> Result<Json<CacheStats>> {
    let mut stats: std::collections::BTreeMap<String, NamespaceCounts> = namespace::ALL
        .iter()
        .map(|ns| {
            let zero = NamespaceCounts {
                count: 0,
                hits: 0,
                misses: 0,
                bytes: 0,
                errors: 0,
            };
            ((*ns).to_owned(), zero)
        })
        .collect();
    for s in state.client().cache_stats().await? {
        if !stats.contains_key(&s.namespace) {
            continue;
        }
        stats.insert(
            s.namespace,
            NamespaceCounts {
                count: s.entries,
                hits: s.hits,
                misses: s.misses,
                bytes: s.bytes,
                errors: s.errors,
            },
        );
    }
    Ok(Json(CacheStats { stats }))
}
