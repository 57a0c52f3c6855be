//! The stock service (seed section 4.2): quote and history with the seed's
//! paths, parameters and field names (search is in `search.rs`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{Bound, Params, SymbolPath, Unprocessable};
use crate::error::Error;
use crate::http::AppState;
use crate::model::{Bar, History, HistoryRange, Interval, Period, Quote};

/// The stock group's routes, state applied.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/stocks/{symbol}/quote", get(quote))
        .route("/api/v1/stocks/{symbol}/history", get(history))
        .route("/api/v1/stocks/search", post(super::search::search))
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
        ("period" = Option<String>, Query, pattern = "^(1d|5d|1mo|3mo|6mo|1y|2y|5y|10y|ytd|max)$", description = "1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max; default 1mo"),
        ("interval" = Option<String>, Query, pattern = "^(1m|2m|5m|15m|30m|60m|90m|1h|1d|5d|1wk|1mo|3mo)$", description = "1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo; default 1d"),
        ("start" = Option<String>, Query, description = "First day (YYYY-MM-DD, on the exchange calendar) or instant (RFC 3339) included"),
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
    let asked = match HistoryAsked::read(&params) {
        Ok(asked) => asked,
        Err(problem) => return problem.into_response(),
    };
    let fetched = async {
        let stocks = state.client().stocks().await?;
        stocks
            .history(&symbol, asked.fetch_range(Utc::now()), asked.interval)
            .await
    }
    .await;
    match fetched {
        Ok(history) => {
            let body = asked.body(history);
            if body.data.is_empty() {
                return Error::not_found(format!("no bars of {symbol} in the range asked for"))
                    .into_response();
            }
            Json(body).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// A history request's parameters, read and checked.
struct HistoryAsked {
    period: Period,
    interval: Interval,
    start: Option<Bound>,
    end: Option<Bound>,
}

impl HistoryAsked {
    fn read(params: &Params) -> Result<Self, Unprocessable> {
        let periods: Vec<&str> = Period::ALL.iter().map(|p| p.as_str()).collect();
        let intervals: Vec<&str> = Interval::ALL.iter().map(|i| i.as_str()).collect();
        let period = params.one_of("period", Period::default(), &periods)?;
        let interval = params.one_of("interval", Interval::default(), &intervals)?;
        let mut start = params.bound("start")?;
        let end = params.bound("end")?;
        if let (None, Some(Bound::Date(last))) = (start, end) {
            // yfinance counts the period back from `end` on the same calendar.
            start = period
                .start(midnight(last))
                .map(|t| Bound::Date(t.date_naive()));
        }
        Ok(HistoryAsked {
            period,
            interval,
            start,
            end,
        })
    }

    /// The instants asked of the provider. A date is a day of the
    /// exchange's calendar, whose zone is known only from the answer: the
    /// range is widened by a day each side (no zone is more than 14 hours
    /// off UTC) and [`HistoryAsked::body`] keeps the bars of the dates asked.
    fn fetch_range(&self, now: DateTime<Utc>) -> HistoryRange {
        let day = chrono::Duration::days(1);
        let start = self.start.map(|b| match b {
            Bound::Date(d) => midnight(d) - day,
            Bound::Instant(t) => t,
        });
        let end = self.end.map(|b| match b {
            Bound::Date(d) => midnight(d) + day,
            Bound::Instant(t) => t,
        });
        HistoryRange::resolve(self.period, start, end, now)
    }

    fn body(&self, history: History) -> HistoryBody {
        let zone: chrono_tz::Tz = history.timezone.parse().unwrap_or(chrono_tz::UTC);
        let first_day = match self.start {
            Some(Bound::Date(d)) => Some(d),
            _ => None,
        };
        let end_day = match self.end {
            Some(Bound::Date(d)) => Some(d),
            _ => None,
        };
        let asked_day = |bar: &&Bar| {
            let day = bar.timestamp.with_timezone(&zone).date_naive();
            first_day.is_none_or(|first| day >= first) && end_day.is_none_or(|end| day < end)
        };
        HistoryBody {
            symbol: history.symbol.as_str().to_owned(),
            period: self.period.as_str().to_owned(),
            data: history
                .bars
                .iter()
                .filter(asked_day)
                .map(|b| bar_body(b, zone))
                .collect(),
            interval: history.interval.as_str().to_owned(),
            currency: history.currency,
            timezone: zone.name().to_owned(),
            stale: history.stale,
        }
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
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
