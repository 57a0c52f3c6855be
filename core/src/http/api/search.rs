//! The stock service's search (seed section 4.2): `POST
//! /api/v1/stocks/search` with the query as parameters, as the seed takes
//! it, or as a JSON body.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{bounded_text, Params, Unprocessable};
use crate::http::AppState;
use crate::model::SearchHit;
use crate::service::{DEFAULT_SEARCH_LIMIT, MAX_QUERY_LEN, MAX_SEARCH_LIMIT};

/// One search result: the seed's `{symbol, name, type, exchange}`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SearchHitBody {
    /// The symbol.
    symbol: String,
    /// Company or instrument name.
    name: String,
    /// Yahoo's `quoteType`: `EQUITY`, `ETF`, `INDEX`...
    #[serde(rename = "type")]
    kind: String,
    /// Exchange code.
    exchange: String,
}

impl From<SearchHit> for SearchHitBody {
    fn from(hit: SearchHit) -> Self {
        SearchHitBody {
            symbol: hit.symbol.as_str().to_owned(),
            name: hit.name,
            kind: hit.kind,
            exchange: hit.exchange,
        }
    }
}

/// The JSON body a search may carry instead of query parameters.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub(super) struct SearchRequest {
    /// Text to look for in symbols and names, 1 to 100 characters.
    query: Option<String>,
    /// Most results, 1 to 100; default 10.
    limit: Option<i64>,
}

/// Instruments whose symbol or name matches a query. The seed takes the
/// query parameters on a POST; a JSON body `{"query", "limit"}` is read
/// too, a query parameter winning over the same field of the body.
#[utoipa::path(
    post,
    path = "/api/v1/stocks/search",
    tag = "stocks",
    params(
        ("query" = Option<String>, Query, min_length = 1, max_length = 100, description = "Text to look for, 1 to 100 characters (or in the body)"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Most results, 1 to 100; default 10"),
    ),
    request_body(content = Option<SearchRequest>, description = "The same parameters as JSON", content_type = "application/json"),
    responses(
        (status = 200, description = "The matches, best first", body = Vec<SearchHitBody>),
        (status = 422, description = "query missing, or a parameter ill-typed or out of range", body = Unprocessable),
        (status = 503, description = "The provider is down", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(super) async fn search(State(state): State<AppState>, params: Params, body: Bytes) -> Response {
    let (query, limit) = match search_params(&params, &body) {
        Ok(asked) => asked,
        Err(problem) => return problem.into_response(),
    };
    let found = async {
        let stocks = state.client().stocks().await?;
        stocks.search(&query, limit).await
    }
    .await;
    match found {
        Ok(hits) => {
            let hits: Vec<SearchHitBody> = hits.into_iter().map(SearchHitBody::from).collect();
            (StatusCode::OK, Json(hits)).into_response()
        }
        Err(err) => err.into_response(),
    }
}

fn search_params(params: &Params, body: &[u8]) -> Result<(String, usize), Unprocessable> {
    let from_body = search_body(body)?;
    let (query, query_loc) = match from_body.query {
        Some(q) if params.get("query").is_none() => (q, loc("body", "query")),
        _ => (params.required("query")?.to_owned(), loc("query", "query")),
    };
    let query = bounded_text(&query, query_loc, MAX_QUERY_LEN)?.to_owned();
    let default = from_body.limit.unwrap_or(DEFAULT_SEARCH_LIMIT as i64);
    let limit = params.int_in("limit", default, 1, MAX_SEARCH_LIMIT as i64)?;
    Ok((
        query,
        usize::try_from(limit).unwrap_or(DEFAULT_SEARCH_LIMIT),
    ))
}

/// The body's fields; an empty body has none. Not JSON, or fields of the
/// wrong type, answer 422 at `["body"]` as FastAPI does.
fn search_body(body: &[u8]) -> Result<SearchRequest, Unprocessable> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(SearchRequest {
            query: None,
            limit: None,
        });
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        Unprocessable::at(
            vec!["body".to_owned()],
            "json_invalid",
            "JSON decode error",
            None,
        )
    })?;
    let field = |name: &'static str| value.get(name).filter(|v| !v.is_null());
    if !value.is_object() {
        return Err(Unprocessable::at(
            vec!["body".to_owned()],
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
            None,
        ));
    }
    let query = match field("query") {
        None => None,
        Some(serde_json::Value::String(q)) => Some(q.clone()),
        Some(other) => {
            return Err(Unprocessable::at(
                loc("body", "query"),
                "string_type",
                "Input should be a valid string",
                Some(&other.to_string()),
            ))
        }
    };
    let limit = match field("limit") {
        None => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            Unprocessable::at(
                loc("body", "limit"),
                "int_type",
                "Input should be a valid integer",
                Some(&v.to_string()),
            )
        })?),
    };
    if let Some(limit) = limit {
        let (kind, msg) = if limit < 1 {
            (
                "greater_than_equal",
                "Input should be greater than or equal to 1".to_owned(),
            )
        } else if limit > MAX_SEARCH_LIMIT as i64 {
            (
                "less_than_equal",
                format!("Input should be less than or equal to {MAX_SEARCH_LIMIT}"),
            )
        } else {
            return Ok(SearchRequest {
                query,
                limit: Some(limit),
            });
        };
        return Err(Unprocessable::at(
            loc("body", "limit"),
            kind,
            &msg,
            Some(&limit.to_string()),
        ));
    }
    Ok(SearchRequest { query, limit })
}

fn loc(place: &str, name: &str) -> Vec<String> {
    vec![place.to_owned(), name.to_owned()]
}
