//! The seed's migration service (`/api/v1/migrate/...`), an operator
//! group: daily history of one symbol or of a list backfilled into the
//! store ([`Tickersense::backfill`](crate::Tickersense::backfill):
//! resumable, idempotent, each symbol claimed so that no other run, here or
//! in another instance on the same database, fetches it meanwhile), and
//! each symbol's status as the store keeps it.
//!
//! A migration runs on a task of its own ([`Jobs`](super::Jobs)): it goes
//! on when the client disconnects or the group's timeout answers first,
//! and `GET .../status` shows how far it got.

use std::ops::ControlFlow;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::jobs::joined;
use super::params::Params;
use super::Unprocessable;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{AppState, ErrorBody};
use crate::model::{BackfillState, BackfillStatus, HistoryRange, Interval, Symbol};
use crate::service::{BackfillProgress, BackfillReport, DEFAULT_BACKFILL_CONCURRENCY};

/// Most entries of one batch.
pub(crate) const MAX_BATCH_SYMBOLS: usize = 1000;
/// Most days back a migration reaches (about a century).
const MAX_DAYS: i64 = 36_500;
/// The days back when `?days=` is not given, as the seed.
const DEFAULT_DAYS: i64 = 365;

/// The routes, behind the operator token.
pub(super) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/api/v1/migrate/stock/{symbol}", post(migrate_one))
        .route("/api/v1/migrate/stock/{symbol}/status", get(status))
        .route("/api/v1/migrate/batch", post(migrate_batch))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::operator::require_token,
        ))
        .with_state(state.clone())
}

/// One symbol's migration, as the seed's `MigrationStatus`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MigrationStatus {
    /// The symbol (normalised; as given, truncated, when it is none).
    pub symbol: String,
    /// `completed`, `failed`, `pending`, `running`, or `running_elsewhere`
    /// when another run (here or in another instance) was migrating it.
    pub status: &'static str,
    /// Bars written by the latest run.
    pub records_migrated: u64,
    /// When the status was written (RFC 3339, UTC).
    pub last_migration: DateTime<Utc>,
    /// Why it failed; `null` otherwise. Never an internal message.
    pub error_message: Option<String>,
}

/// `POST /api/v1/migrate/batch`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct BatchResult {
    /// Entries in the list given.
    pub total_symbols: usize,
    /// Symbols completed.
    pub successful: usize,
    /// Entries failed, invalid ones included.
    pub failed: usize,
    /// One per distinct entry, in the order given.
    pub results: Vec<MigrationStatus>,
}

/// The kind and the message of a kept failure reason (`"Kind: message"`),
/// the message replaced for an internal error.
fn reason_parts(reason: &str) -> (ErrorKind, String) {
    let (kind, message) = reason.split_once(": ").unwrap_or(("Internal", reason));
    let kind = ErrorKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .unwrap_or(ErrorKind::Internal);
    match kind {
        ErrorKind::Internal => (kind, "internal error".to_owned()),
        _ => (kind, message.to_owned()),
    }
}

impl MigrationStatus {
    fn of(status: &BackfillStatus, elsewhere: bool) -> Self {
        let name = match (elsewhere, status.state) {
            (true, _) => "running_elsewhere",
            (false, BackfillState::Done) => "completed",
            (false, BackfillState::Failed) => "failed",
            (false, BackfillState::Pending) => "pending",
            (false, BackfillState::Running) => "running",
        };
        let error_message = match status.state {
            BackfillState::Failed if !elsewhere => {
                status.reason.as_deref().map(|r| reason_parts(r).1)
            }
            _ => None,
        };
        MigrationStatus {
            symbol: status.symbol.as_str().to_owned(),
            status: name,
            records_migrated: status.rows_written,
            last_migration: status.updated_at,
            error_message,
        }
    }

    /// A list entry that is no symbol.
    fn rejected(given: &str, why: String) -> Self {
        MigrationStatus {
            symbol: truncated(given),
            status: "failed",
            records_migrated: 0,
            last_migration: Utc::now(),
            error_message: Some(why),
        }
    }
}

/// Most characters of an entry repeated back in its result.
const ECHO_ENTRY_CHARS: usize = 64;

/// `text` cut to [`ECHO_ENTRY_CHARS`] characters, marked when cut.
fn truncated(text: &str) -> String {
    let mut head: String = text.chars().take(ECHO_ENTRY_CHARS).collect();
    if text.chars().nth(ECHO_ENTRY_CHARS).is_some() {
        head.push_str("...");
    }
    head
}

/// Daily bars of the last `days` days.
fn last_days(days: i64) -> HistoryRange {
    let end = Utc::now();
    HistoryRange::Between {
        start: end - chrono::Duration::days(days),
        end,
    }
}

fn keep_going(_: &BackfillProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Backfills `symbols` on a job of its own and waits for its report; the
/// job goes on when this wait is dropped.
async fn run(state: &AppState, symbols: Vec<Symbol>, days: i64) -> Result<BackfillReport> {
    let client = state.client().clone();
    let job = state.inner.jobs.spawn(async move {
        client
            .backfill(
                &symbols,
                last_days(days),
                Interval::D1,
                DEFAULT_BACKFILL_CONCURRENCY,
                &keep_going,
            )
            .await
    })?;
    joined(job).await?
}

/// `?days=`, 1 to [`MAX_DAYS`], 365 when absent.
fn days(params: &Params) -> std::result::Result<i64, Unprocessable> {
    params.int_in("days", DEFAULT_DAYS, 1, MAX_DAYS)
}

/// `POST /api/v1/migrate/stock/{symbol}?days=365`: migrates one symbol and
/// answers its status; a failure answers the status of its kind (a symbol
/// the provider does not know is 404), its status kept for `.../status`.
#[utoipa::path(
    post,
    path = "/api/v1/migrate/stock/{symbol}",
    tag = "migrate",
    params(
        ("symbol" = String, Path, description = "The symbol"),
        ("days" = Option<i64>, Query, minimum = 1, maximum = 36500, description = "Days back, 1 to 36500 (365)"),
    ),
    responses(
        (status = 200, description = "Migrated, or being migrated by another run", body = MigrationStatus),
        (status = 400, description = "No valid symbol", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "Unknown symbol, or no operator token configured", body = ErrorBody),
        (status = 422, description = "A bad parameter", body = Unprocessable),
        (status = 502, description = "The provider answered badly", body = ErrorBody),
        (status = 503, description = "The provider or the store is down, or too many migrations run", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn migrate_one(
    State(state): State<AppState>,
    Path(symbol): Path<String>,
    params: Params,
) -> std::result::Result<Json<MigrationStatus>, Response> {
    let days = days(&params).map_err(IntoResponse::into_response)?;
    let symbol = Symbol::parse(&symbol).map_err(IntoResponse::into_response)?;
    let report = run(&state, vec![symbol.clone()], days)
        .await
        .map_err(IntoResponse::into_response)?;
    let Some(status) = report.statuses.iter().find(|s| s.symbol == symbol) else {
        return Err(Error::internal("a migrated symbol has no status").into_response());
    };
    let elsewhere = report.claimed_elsewhere.contains(&symbol);
    if status.state == BackfillState::Failed && !elsewhere {
        let (kind, message) = reason_parts(status.reason.as_deref().unwrap_or(""));
        return Err(Error::new(kind, message).into_response());
    }
    Ok(Json(MigrationStatus::of(status, elsewhere)))
}

/// `GET /api/v1/migrate/stock/{symbol}/status`: the symbol's kept daily
/// status, 404 when it was never migrated. One store query over every
/// kept status (O(symbols)).
#[utoipa::path(
    get,
    path = "/api/v1/migrate/stock/{symbol}/status",
    tag = "migrate",
    params(("symbol" = String, Path, description = "The symbol")),
    responses(
        (status = 200, description = "The kept status", body = MigrationStatus),
        (status = 400, description = "No valid symbol", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "Never migrated, or no operator token configured", body = ErrorBody),
        (status = 503, description = "The store is down", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn status(
    State(state): State<AppState>,
    Path(symbol): Path<String>,
) -> Result<Json<MigrationStatus>> {
    let symbol = Symbol::parse(&symbol)?;
    let statuses = state.client().backfill_statuses(Some(Interval::D1)).await?;
    statuses
        .iter()
        .find(|s| s.symbol == symbol)
        .map(|s| Json(MigrationStatus::of(s, false)))
        .ok_or_else(|| Error::not_found("Migration status not found"))
}

/// A batch's entries: strings are symbols to parse, anything else is
/// reported failed. 422 when the body is no JSON list, or a longer one
/// than [`MAX_BATCH_SYMBOLS`].
fn batch_entries(body: &[u8]) -> std::result::Result<Vec<Value>, Unprocessable> {
    let problem = |kind: &str, msg: &str| Unprocessable::at(vec!["body".into()], kind, msg, None);
    match serde_json::from_slice::<Value>(body) {
        Err(_) => Err(problem("json_invalid", "JSON decode error")),
        Ok(Value::Array(entries)) if entries.len() > MAX_BATCH_SYMBOLS => Err(problem(
            "too_long",
            &format!(
                "List should have at most {MAX_BATCH_SYMBOLS} items after validation, not {}",
                entries.len()
            ),
        )),
        Ok(Value::Array(entries)) => Ok(entries),
        Ok(_) => Err(problem("list_type", "Input should be a valid list")),
    }
}

/// `POST /api/v1/migrate/batch?days=365` with a JSON list of symbols:
/// migrates them, a few at a time, and answers how each went. Entries that
/// are no symbol fail alone; a repeated symbol is migrated once.
#[utoipa::path(
    post,
    path = "/api/v1/migrate/batch",
    tag = "migrate",
    params(("days" = Option<i64>, Query, minimum = 1, maximum = 36500, description = "Days back, 1 to 36500 (365)")),
    request_body(content = Vec<String>, description = "At most 1000 symbols"),
    responses(
        (status = 200, description = "How each went", body = BatchResult),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No operator token configured", body = ErrorBody),
        (status = 422, description = "The body is no list, or a longer one", body = Unprocessable),
        (status = 503, description = "Too many migrations run, or the store is down", body = ErrorBody),
    ),
    security(("operator_token" = []))
)]
async fn migrate_batch(
    State(state): State<AppState>,
    params: Params,
    body: Bytes,
) -> std::result::Result<Json<BatchResult>, Response> {
    let days = days(&params).map_err(IntoResponse::into_response)?;
    let entries = batch_entries(&body).map_err(IntoResponse::into_response)?;
    let total_symbols = entries.len();
    // Each entry once, in the order given: a symbol, or why it is none.
    let mut seen = std::collections::HashSet::new();
    let mut order: Vec<std::result::Result<Symbol, MigrationStatus>> = Vec::new();
    for entry in &entries {
        let (parsed, raw) = match entry {
            Value::String(text) => {
                let parsed = Symbol::parse(text)
                    .map_err(|e| MigrationStatus::rejected(text, e.message().to_owned()));
                (parsed, text.trim().to_owned())
            }
            other => {
                let raw = other.to_string();
                let why = "a symbol must be a string".to_owned();
                (Err(MigrationStatus::rejected(&raw, why)), raw)
            }
        };
        // Valid symbols are one when they parse the same, others when
        // their text is: the two never meet (a NUL is in no symbol).
        let first = match &parsed {
            Ok(symbol) => seen.insert(symbol.as_str().to_owned()),
            Err(_) => seen.insert(format!("\0{raw}")),
        };
        if first {
            order.push(parsed);
        }
    }
    let symbols: Vec<Symbol> = order
        .iter()
        .filter_map(|e| e.as_ref().ok().cloned())
        .collect();
    let report = run(&state, symbols, days)
        .await
        .map_err(IntoResponse::into_response)?;
    let results: Vec<MigrationStatus> = order
        .into_iter()
        .map(|entry| match entry {
            Ok(symbol) => match report.statuses.iter().find(|s| s.symbol == symbol) {
                Some(status) => {
                    MigrationStatus::of(status, report.claimed_elsewhere.contains(&symbol))
                }
                None => MigrationStatus::rejected(symbol.as_str(), "not reached".to_owned()),
            },
            Err(rejected) => rejected,
        })
        .collect();
    let count = |name: &str| results.iter().filter(|r| r.status == name).count();
    Ok(Json(BatchResult {
        total_symbols,
        successful: count("completed"),
        failed: count("failed"),
        results,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_reasons_keep_their_kind_and_hide_internal_messages() {
        assert_eq!(
            reason_parts("NotFound: no such symbol: NOPE"),
            (ErrorKind::NotFound, "no such symbol: NOPE".to_owned())
        );
        assert_eq!(
            reason_parts("Internal: pool state 0x7f"),
            (ErrorKind::Internal, "internal error".to_owned())
        );
        assert_eq!(reason_parts("garbled").0, ErrorKind::Internal);
    }

    #[test]
    fn a_batch_is_a_bounded_json_list() {
        assert_eq!(batch_entries(br#"["AAPL", 3]"#).unwrap().len(), 2);
        let kind = |body: &[u8]| batch_entries(body).unwrap_err().detail[0].kind.clone();
        assert_eq!(kind(b"{"), "json_invalid");
        assert_eq!(kind(br#"{"symbols": []}"#), "list_type");
        let long = serde_json::to_vec(&vec!["A"; MAX_BATCH_SYMBOLS + 1]).unwrap();
        assert_eq!(kind(&long), "too_long");
    }
}
