//! The sentiment service (seed section 4.3): the current analysis and the
//! stored daily history, with the seed's paths, parameters and field names.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{Params, SymbolPath, Unprocessable};
use super::stocks::rfc3339;
use crate::error::Error;
use crate::http::AppState;
use crate::model::{DailySentiment, PlatformSentiment, SentimentAnalysis, Symbol};
use crate::service::{DEFAULT_SENTIMENT_DAYS, MAX_SENTIMENT_DAYS};

/// The sentiment group's routes, state applied.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/sentiment/{symbol}/current", get(current))
        .route("/api/v1/sentiment/{symbol}/history", get(history))
        .with_state(state.clone())
}

/// The seed's `SentimentAnalysis`, then the per-platform detail it was
/// computed from and whether it was stored.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SentimentBody {
    /// The symbol, upper-case.
    symbol: String,
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    current_sentiment: f64,
    /// `improving`, `stable`, `declining`, or `unknown` with nothing stored to compare.
    sentiment_trend: String,
    /// Posts scored over all platforms.
    mention_volume: u32,
    /// When the analysis was made, RFC 3339 UTC.
    analysis_timestamp: String,
    /// One entry per platform that had posts: the seed's `SentimentData`.
    platforms: Vec<PlatformBody>,
    /// False when the store was down and the analysis was not kept.
    stored: bool,
}

/// One platform's figures: the seed's `SentimentData`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct PlatformBody {
    /// The symbol, upper-case.
    symbol: String,
    /// Platform name: `reddit`, `x`, `stocktwits`, `sample`...
    platform: String,
    /// Mean polarity of the platform's posts, -1 to 1.
    sentiment_score: f64,
    /// `|sentiment_score|`, as the seed defines it.
    confidence: f64,
    /// Posts scored.
    mention_count: u32,
    /// Up to ten most frequent informative terms.
    keywords: Vec<String>,
    /// Up to ten links to the posts scored.
    source_urls: Vec<String>,
}

fn platform_body(symbol: &Symbol, p: PlatformSentiment) -> PlatformBody {
    PlatformBody {
        symbol: symbol.as_str().to_owned(),
        platform: p.platform,
        sentiment_score: p.sentiment_score,
        confidence: p.confidence,
        mention_count: p.mention_count,
        keywords: p.keywords,
        source_urls: p.source_urls,
    }
}

impl From<SentimentAnalysis> for SentimentBody {
    fn from(a: SentimentAnalysis) -> Self {
        let platforms = a
            .platforms
            .into_iter()
            .map(|p| platform_body(&a.symbol, p))
            .collect();
        SentimentBody {
            symbol: a.symbol.as_str().to_owned(),
            current_sentiment: a.current_sentiment,
            sentiment_trend: a.sentiment_trend.as_str().to_owned(),
            mention_volume: a.mention_volume,
            analysis_timestamp: rfc3339(a.analysis_timestamp),
            platforms,
            stored: a.stored,
        }
    }
}

/// The current social sentiment of a symbol.
#[utoipa::path(
    get,
    path = "/api/v1/sentiment/{symbol}/current",
    tag = "sentiment",
    params(("symbol" = String, Path, description = "Ticker symbol")),
    responses(
        (status = 200, description = "The analysis", body = SentimentBody),
        (status = 400, description = "Not a valid symbol", body = crate::http::ErrorBody),
        (status = 404, description = "No recent post mentions the symbol", body = crate::http::ErrorBody),
        (status = 503, description = "Every social source is down", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(super) async fn current(
    State(state): State<AppState>,
    SymbolPath(symbol): SymbolPath,
) -> Result<Json<SentimentBody>, Error> {
    let analysis = state
        .client()
        .sentiment_service()
        .await?
        .current(&symbol)
        .await?;
    Ok(Json(analysis.into()))
}

/// The stored sentiment of a symbol, one entry per UTC day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SentimentHistoryBody {
    /// The symbol, upper-case.
    symbol: String,
    /// The days looked back.
    days: u32,
    /// One entry per UTC day with stored analyses, oldest first; empty when
    /// none was stored (no analysis asked for yet, or the symbol unknown).
    data: Vec<DayBody>,
}

/// One UTC day of stored analyses.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DayBody {
    /// The UTC date, `YYYY-MM-DD`.
    date: String,
    /// Mention-weighted mean score of the day's analyses, -1 to 1.
    sentiment_score: f64,
    /// Mean confidence of the day's analyses.
    confidence: f64,
    /// Posts the day's analyses scored.
    mention_count: u64,
    /// Posts by platform.
    platforms: std::collections::BTreeMap<String, u64>,
}

impl From<DailySentiment> for DayBody {
    fn from(d: DailySentiment) -> Self {
        DayBody {
            date: d.date.format("%Y-%m-%d").to_string(),
            sentiment_score: d.score,
            confidence: d.confidence,
            mention_count: d.mentions,
            platforms: d.platforms,
        }
    }
}

/// The stored sentiment of a symbol over the last days, from the daily
/// aggregates of every analysis kept (no social source is asked).
#[utoipa::path(
    get,
    path = "/api/v1/sentiment/{symbol}/history",
    tag = "sentiment",
    params(
        ("symbol" = String, Path, description = "Ticker symbol"),
        ("days" = Option<u32>, Query, description = "Days to look back, 1 to 3650; default 30"),
    ),
    responses(
        (status = 200, description = "The daily aggregates", body = SentimentHistoryBody),
        (status = 400, description = "Not a valid symbol", body = crate::http::ErrorBody),
        (status = 422, description = "days ill-typed or out of range", body = Unprocessable),
        (status = 503, description = "The store is down", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(super) async fn history(
    State(state): State<AppState>,
    SymbolPath(symbol): SymbolPath,
    params: Params,
) -> Response {
    let days = match params.int_in(
        "days",
        i64::from(DEFAULT_SENTIMENT_DAYS),
        1,
        i64::from(MAX_SENTIMENT_DAYS),
    ) {
        Ok(days) => u32::try_from(days).unwrap_or(DEFAULT_SENTIMENT_DAYS),
        Err(problem) => return problem.into_response(),
    };
    let daily = async {
        let service = state.client().sentiment_service().await?;
        service.daily(&symbol, days, None).await
    }
    .await;
    match daily {
        Ok(daily) => Json(SentimentHistoryBody {
            symbol: symbol.as_str().to_owned(),
            days,
            data: daily.into_iter().map(DayBody::from).collect(),
        })
        .into_response(),
        Err(err) => err.into_response(),
    }
}
