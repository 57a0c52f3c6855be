//! The stock service (seed section 4.2): quote, history and search, with
//! the seed's paths, parameters and field names.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{bounded_text, Params, SymbolPath, Unprocessable};
use crate::error::Error;
use crate::http::AppState;
use crate::model::{Bar, History, HistoryRange, Interval, Period, Quote, SearchHit};
use crate::service::{DEFAULT_SEARCH_LIMIT, MAX_QUERY_LEN, MAX_SEARCH_LIMIT};

/// The stock group's routes, state applied.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/stocks/{symbol}/quote", get(quote))
        .route("/api/v1/stocks/{symbol}/history", get(history))
        .route("/api/v1/stocks/search", post(search))
        .with_state(state.clone())
}

/// The seed's `StockQuote`, then what the provider also told.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct QuoteBody {
    /// The symbol, upper-case.
    symbol: String,
    /// Last traded price.
    price: f64,
    /// `price` minus the previous close.
    change: f64,
    /// `change` over the previous close, in percent.
    change_percent: f64,
    /// Shares traded in the current (or last) session.
    volume: u64,
    /// Market capitalisation in whole currency units, when known.
    market_cap: Option<i64>,
    /// Trailing price/earnings ratio, when known.
    pe_ratio: Option<f64>,
    /// ISO currency code of the prices (added to the seed's fields).
    currency: String,
    /// Exchange code (added).
    exchange: String,
    /// When the price was traded, RFC 3339 UTC (added).
    market_time: String,
    /// True when the provider failed and this is the last quote it gave (added).
    stale: bool,
}

impl From<Quote> for QuoteBody {
    fn from(q: Quote) -> Self {
        QuoteBody {
            symbol: q.symbol.as_str().to_owned(),
            price: q.price,
            change: q.change,
            change_percent: q.change_percent,
            volume: q.volume,
            // The seed's `Optional[int]`: a whole number, as yfinance's
            // `marketCap`; a value no i64 holds is no capitalisation.
            market_cap: q
                .market_cap
                .filter(|v| v.is_finite() && v.abs() < 9.0e18)
                .map(|v| v.round() as i64),
            pe_ratio: q.pe_ratio.filter(|v| v.is_finite()),
            currency: q.currency,
            exchange: q.exchange,
            market_time: rfc3339(q.market_time),
            stale: q.stale,
        }
    }
}

/// The latest quote of a symbol.
#[utoipa::path(
    get,
    path = "/api/v1/stocks/{symbol}/quote",
    tag = "stocks",
    params(("symbol" = String, Path, description = "Ticker symbol, 1 to 15 of A-Z 0-9 . - ^ =")),
    responses(
        (status = 200, description = "The quote", body = QuoteBody),
        (status = 400, description = "Not a valid symbol", body = crate::http::ErrorBody),
        (status = 404, description = "No such symbol", body = crate::http::ErrorBody),
        (status = 503, description = "The provider is down", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(super) async fn quote(
    State(state): State<AppState>,
    SymbolPath(symbol): SymbolPath,
) -> Result<Json<QuoteBody>, Error> {
    let quote = state.client().stocks().await?.quote(&symbol).await?;
    Ok(Json(quote.into()))
}

/// The seed's `StockHistory`: `{symbol, period, data}`, then the interval
/// and what the provider also told.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct HistoryBody {
    /// The symbol, upper-case.
    symbol: String,
    /// The period asked for (yfinance's spelling; `1mo` when not given).
    period: String,
    /// One entry per bar, oldest first.
    data: Vec<BarBody>,
    /// The width of each bar (added to the seed's fields).
    interval: String,
    /// ISO currency code of the prices (added).
    currency: String,
    /// IANA time zone the dates are given in (added).
    timezone: String,
    /// True when the provider failed and these are the last bars it gave (added).
    stale: bool,
}

/// One bar, as the seed's loop over `hist.iterrows()` wrote it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct BarBody {
    /// Start of the bar, as pandas' `Timestamp.isoformat()` gives it: the
    /// exchange's local time with its offset, `2024-01-02T00:00:00-05:00`.
    date: String,
    /// First price.
    open: f64,
    /// Highest price.
    high: f64,
    /// Lowest price.
    low: f64,
    /// Last price.
    close: f64,
    /// Shares traded.
    volume: u64,
}

/// Bars of a symbol over a period, or between `start` and `end`.
#[utoipa::path(
    get,
    path = "/api/v1/stocks/{symbol}/history",
    tag = "stocks",
    params(
        ("symbol" = String, Path, description = "Ticker symbol"),
        ("period" = Option<String>, Query, description = "1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max; default 1mo"),
        ("interval" = Option<String>, Query, description = "1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo; default 1d"),
        ("start" = Option<String>, Query, description = "First day or instant included: YYYY-MM-DD (midnight UTC) or RFC 3339"),
        ("end" = Option<String>, Query, description = "First day or instant excluded, as start; default now"),
    ),
    responses(
        (status = 200, description = "The bars", body = HistoryBody),
        (status = 400, description = "Not a valid symbol or range", body = crate::http::ErrorBody),
        (status = 404, description = "No such symbol, or no bars in the range", body = crate::http::ErrorBody),
        (status = 422, description = "A parameter is ill-typed", body = Unprocessable),
        (status = 503, description = "The provider is down", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(super) async fn history(
    State(state): State<AppState>,
    SymbolPath(symbol): SymbolPath,
    params: Params,
) -> Response {
    let asked = match history_params(&params) {
        Ok(asked) => asked,
        Err(problem) => return problem.into_response(),
    };
    let (period, interval, range) = asked;
    let fetched = async {
        let stocks = state.client().stocks().await?;
        stocks.history(&symbol, range, interval).await
    }
    .await;
    match fetched {
        Ok(history) if history.bars.is_empty() => {
            Error::not_found(format!("no bars of {symbol} in the range asked for")).into_response()
        }
        Ok(history) => Json(history_body(history, period)).into_response(),
        Err(err) => err.into_response(),
    }
}

fn history_params(params: &Params) -> Result<(Period, Interval, HistoryRange), Unprocessable> {
    let periods: Vec<&str> = Period::ALL.iter().map(|p| p.as_str()).collect();
    let intervals: Vec<&str> = Interval::ALL.iter().map(|i| i.as_str()).collect();
    let period = params.one_of("period", Period::default(), &periods)?;
    let interval = params.one_of("interval", Interval::default(), &intervals)?;
    let start = params.instant("start")?;
    let end = params.instant("end")?;
    Ok((
        period,
        interval,
        HistoryRange::resolve(period, start, end, Utc::now()),
    ))
}

fn history_body(history: History, period: Period) -> HistoryBody {
    let zone: chrono_tz::Tz = history.timezone.parse().unwrap_or(chrono_tz::UTC);
    HistoryBody {
        symbol: history.symbol.as_str().to_owned(),
        period: period.as_str().to_owned(),
        data: history.bars.iter().map(|b| bar_body(b, zone)).collect(),
        interval: history.interval.as_str().to_owned(),
        currency: history.currency,
        timezone: zone.name().to_owned(),
        stale: history.stale,
    }
}

fn bar_body(bar: &Bar, zone: chrono_tz::Tz) -> BarBody {
    BarBody {
        date: pandas_isoformat(bar.timestamp, zone),
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
    }
}

/// `t` on `zone`'s clock as pandas' `Timestamp.isoformat()` writes it:
/// seconds always, microseconds only when there are any, the offset as
/// `+HH:MM` (`+00:00` for UTC, never `Z`).
fn pandas_isoformat(t: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let local = t.with_timezone(&zone);
    if t.timestamp_subsec_micros() == 0 {
        local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    } else {
        local.format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
    }
}

/// An instant as RFC 3339 UTC (`2024-01-02T14:30:00Z`, fractions only when any).
pub(super) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

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
        ("query" = Option<String>, Query, description = "Text to look for, 1 to 100 characters (or in the body)"),
        ("limit" = Option<i64>, Query, description = "Most results, 1 to 100; default 10"),
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
    let (query, query_loc) = match (params.get("query"), from_body.query) {
        (Some(q), _) => (q.to_owned(), loc("query", "query")),
        (None, Some(q)) => (q, loc("body", "query")),
        (None, None) => {
            return Err(Unprocessable::query(
                "query",
                "missing",
                "Field required",
                None,
            ))
        }
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
        if !(1..=MAX_SEARCH_LIMIT as i64).contains(&limit) {
            return Err(Unprocessable::at(
                loc("body", "limit"),
                "less_than_equal",
                &format!("Input should be from 1 to {MAX_SEARCH_LIMIT}"),
                Some(&limit.to_string()),
            ));
        }
    }
    Ok(SearchRequest { query, limit })
}

fn loc(place: &str, name: &str) -> Vec<String> {
    vec![place.to_owned(), name.to_owned()]
}
