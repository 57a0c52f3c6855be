//! The sentiment service (seed section 4.3): the current analysis with
//! each source's status, the daily history from the stored posts, with the
//! seed's paths, parameters and field names; and the scoring of posts a
//! caller brings ([`score`]).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{bounded_text, Params, SymbolPath, Unprocessable};
use super::stocks::rfc3339;
use crate::error::Error;
use crate::http::AppState;
use crate::model::{DailySentiment, PlatformSentiment, SentimentAnalysis, SourceStatus, Symbol};
use crate::service::{DEFAULT_SENTIMENT_DAYS, MAX_SENTIMENT_DAYS};
use crate::store::MAX_POST_PLATFORM_BYTES;

pub(super) mod score;

/// The sentiment group's routes, state applied.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/sentiment/{symbol}/current", get(current))
        .route("/api/v1/sentiment/{symbol}/history", get(history))
        .route("/api/v1/sentiment/score", post(score::score))
        .with_state(state.clone())
}

/// The seed's `SentimentAnalysis`, then the per-platform detail it was
/// computed from, how each source answered and whether it was stored.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SentimentBody {
    /// The symbol, upper-case.
    symbol: String,
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    current_sentiment: f64,
    /// The stored posts of the last 24 hours against the 7 days before:
    /// `rising`, `stable`, `falling`, or `insufficient_data` with too few
    /// posts in either window.
    sentiment_trend: String,
    /// Posts scored over all platforms.
    mention_volume: u32,
    /// When the analysis was made, RFC 3339 UTC.
    analysis_timestamp: String,
    /// One entry per platform that had posts: the seed's `SentimentData`.
    platforms: Vec<PlatformBody>,
    /// One entry per configured source, in their order: how it answered.
    /// A source that failed, timed out, was rate-limited or has no
    /// credentials is listed here and does not fail the analysis.
    sources: Vec<SourceBody>,
    /// False when the store was down and the analysis was not kept.
    stored: bool,
}

/// How one source answered during the analysis.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SourceBody {
    /// The platform its posts carry: `reddit`, `x`, `stocktwits`...
    platform: String,
    /// `ok`, `failed`, `rate_limited`, `timed_out` or `not_configured`.
    state: String,
    /// Posts it gave, before de-duplication.
    posts: u32,
    /// Why it did not answer (never a credential); `null` when it did.
    reason: Option<String>,
    /// Seconds to wait before asking it again, for `rate_limited`; else `null`.
    retry_after: Option<f64>,
}

impl From<SourceStatus> for SourceBody {
    fn from(s: SourceStatus) -> Self {
        SourceBody {
            platform: s.platform,
            state: s.state.as_str().to_owned(),
            posts: s.posts,
            reason: s.reason,
            retry_after: s.retry_after,
        }
    }
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
            sources: a.sources.into_iter().map(SourceBody::from).collect(),
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
        (status = 503, description = "No social source answered", body = crate::http::ErrorBody),
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
    /// The platform asked for; `null` for all.
    platform: Option<String>,
    /// One entry per UTC day with stored posts, oldest first; empty when
    /// none was stored (no analysis asked for yet, or the symbol unknown).
    data: Vec<DayBody>,
}

/// The distinct stored posts made on one UTC day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DayBody {
    /// The UTC date, `YYYY-MM-DD`.
    date: String,
    /// Mean score of the day's posts, -1 to 1.
    sentiment_score: f64,
    /// `|sentiment_score|`, as the seed defines it.
    confidence: f64,
    /// Distinct posts made that day.
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

/// The stored sentiment of a symbol over the last days, per UTC day from
/// its distinct stored posts (no social source is asked): analysing again
/// never changes a day.
#[utoipa::path(
    get,
    path = "/api/v1/sentiment/{symbol}/history",
    tag = "sentiment",
    params(
        ("symbol" = String, Path, description = "Ticker symbol"),
        ("days" = Option<u32>, Query, minimum = 1, maximum = 3650, description = "Days to look back, 1 to 3650; default 30"),
        ("platform" = Option<String>, Query, min_length = 1, max_length = 64, description = "Only this platform's posts (`reddit`, `stocktwits`...), 1 to 64 characters, no control characters"),
    ),
    responses(
        (status = 200, description = "The daily figures", body = SentimentHistoryBody),
        (status = 400, description = "Not a valid symbol", body = crate::http::ErrorBody),
        (status = 422, description = "days ill-typed or out of range, or platform empty or too long", body = Unprocessable),
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
    let platform = match params.get("platform") {
        None => None,
        Some(raw) => match bounded_text(
            raw,
            vec!["query".to_owned(), "platform".to_owned()],
            MAX_POST_PLATFORM_BYTES,
        ) {
            // A NUL or other control character names no platform, and
            // PostgreSQL's text cannot even hold a NUL to compare with.
            Ok(platform) if platform.chars().any(char::is_control) => {
                return Unprocessable::query(
                    "platform",
                    "string_pattern_mismatch",
                    "String should have no control characters",
                    Some(raw),
                )
                .into_response()
            }
            Ok(platform) => Some(platform.to_owned()),
            Err(problem) => return problem.into_response(),
        },
    };
    let daily = async {
        let service = state.client().sentiment_service().await?;
        service.daily(&symbol, days, platform.as_deref()).await
    }
    .await;
    match daily {
        Ok(daily) => Json(SentimentHistoryBody {
            symbol: symbol.as_str().to_owned(),
            days,
            platform,
            data: daily.into_iter().map(DayBody::from).collect(),
        })
        .into_response(),
        Err(err) => err.into_response(),
    }
}
