//! One symbol of a backfill, on a task of its own: claim it, look again at
//! what is stored, fetch what is missing, write it, let the claim go.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};

use super::window::Window;
use super::{Backfill, Event, Shared, UPSERT_BATCH};
use crate::error::{Error, Result};
use crate::model::{BackfillState, BackfillStatus, Bar, Interval, Symbol};

/// How a symbol's task ended.
pub(super) struct Ended {
    /// Its last status (for a symbol left to another run, the one that run
    /// last wrote).
    pub(super) status: BackfillStatus,
    /// True when another run held the symbol's claim: nothing was fetched
    /// or written for it here.
    pub(super) elsewhere: bool,
}

impl Backfill {
    /// Backfills one symbol unless another run holds its claim, and returns
    /// its last status: done or failed, pending again when the run was
    /// stopped before its bars were in, or the other run's status.
    pub(super) async fn one(
        &self,
        symbol: &Symbol,
        window: &Window,
        shared: &Shared,
        events: &tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> Ended {
        let claim = match self.statuses.claim_backfill(symbol, window.interval).await {
            Ok(Some(claim)) => claim,
            Ok(None) => {
                return Ended {
                    status: self.held_elsewhere(symbol, window.interval).await,
                    elsewhere: true,
                }
            }
            Err(err) => return self.failed(symbol, window.interval, &err).await,
        };
        let status = self.claimed(symbol, window, shared, events).await;
        // Let go only once the last status and the coverage are written: a
        // run claiming it next then finds the symbol done.
        claim.release().await;
        Ended {
            status,
            elsewhere: false,
        }
    }

    /// The status the run holding `symbol` last wrote, or a running one
    /// when it wrote none (or the store cannot say).
    async fn held_elsewhere(&self, symbol: &Symbol, interval: Interval) -> BackfillStatus {
        match self.statuses.backfill_status(symbol, interval).await {
            Ok(Some(status)) => status,
            Ok(None) | Err(_) => {
                BackfillStatus::new(symbol.clone(), interval, BackfillState::Running)
            }
        }
    }

    /// A failed status for `err`, written.
    async fn failed(&self, symbol: &Symbol, interval: Interval, err: &Error) -> Ended {
        tracing::warn!(%symbol, kind = %err.kind(), "backfill failed: {}", err.message());
        let status = BackfillStatus {
            reason: Some(err.to_string()),
            ..BackfillStatus::new(symbol.clone(), interval, BackfillState::Failed)
        };
        self.put_status(&status).await;
        Ended {
            status,
            elsewhere: false,
        }
    }

    /// The work on a claimed symbol. What is stored is read again first:
    /// a run that held the claim before may have finished it since this run
    /// first looked, and it is then done without a fetch.
    async fn claimed(
        &self,
        symbol: &Symbol,
        window: &Window,
        shared: &Shared,
        events: &tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> BackfillStatus {
        let looked = async {
            let coverage = self.prices.coverage(symbol, window.interval).await?;
            let previous = self
                .statuses
                .backfill_status(symbol, window.interval)
                .await?;
            Ok::<_, Error>((coverage, previous))
        };
        let (coverage, previous) = match looked.await {
            Ok(found) => found,
            Err(err) => return self.failed(symbol, window.interval, &err).await.status,
        };
        if coverage.is_some_and(|c| window.is_covered_by(c)) {
            let status = BackfillStatus {
                state: BackfillState::Done,
                rows_written: 0,
                reason: None,
                updated_at: Utc::now(),
                ..previous.unwrap_or_else(|| {
                    BackfillStatus::new(symbol.clone(), window.interval, BackfillState::Done)
                })
            };
            self.put_status(&status).await;
            return status;
        }
        let running = BackfillStatus::new(symbol.clone(), window.interval, BackfillState::Running);
        self.put_status(&running).await;
        let _ = events.send(Event::Running(running));
        let outcome = if shared.stopped() {
            None
        } else {
            tokio::select! {
                // Stopping wins a tie: the symbol is then simply redone.
                biased;
                () = shared.stop_asked() => None,
                outcome = self.fetch_and_store(symbol, coverage, window, shared) => Some(outcome),
            }
        };
        let status = match outcome {
            None => BackfillStatus {
                reason: Some("the backfill was stopped before this symbol finished".into()),
                ..BackfillStatus::new(symbol.clone(), window.interval, BackfillState::Pending)
            },
            Some(Ok((written, bars_first, bars_last))) => {
                let earlier = |a: Option<DateTime<Utc>>, b| a.into_iter().chain(b).min();
                let later = |a: Option<DateTime<Utc>>, b| a.into_iter().chain(b).max();
                let (first, last) = previous.map_or((None, None), |p| (p.first_bar, p.last_bar));
                BackfillStatus {
                    rows_written: written,
                    first_bar: earlier(first, bars_first),
                    last_bar: later(last, bars_last),
                    ..BackfillStatus::new(symbol.clone(), window.interval, BackfillState::Done)
                }
            }
            Some(Err(err)) => return self.failed(symbol, window.interval, &err).await.status,
        };
        self.put_status(&status).await;
        status
    }

    /// Fetches what `coverage` lacks of the window and upserts it in
    /// batches; returns the bars written and the first and last of them.
    async fn fetch_and_store(
        &self,
        symbol: &Symbol,
        coverage: Option<crate::store::Coverage>,
        window: &Window,
        shared: &Shared,
    ) -> Result<(u64, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
        let newest = match coverage {
            Some(_) => self
                .prices
                .latest_bar(symbol, window.interval)
                .await?
                .map(|b| b.timestamp),
            None => None,
        };
        let plan = window.fetch_plan(coverage, newest);
        let history = self
            .provider
            .history(symbol, plan.range, window.interval)
            .await?;
        let bars: &[Bar] = &history.bars;
        let mut written = 0;
        for batch in bars.chunks(UPSERT_BATCH) {
            let n = self
                .prices
                .upsert_bars(symbol, window.interval, batch)
                .await?;
            written += n;
            shared.rows_written.fetch_add(n, Ordering::Relaxed);
        }
        // Recorded last: a run killed before this line fetches again, and
        // the upserts above then replace rather than duplicate.
        if let Some(fetched) = plan.records {
            self.prices
                .extend_coverage(symbol, window.interval, fetched)
                .await?;
        }
        Ok((
            written,
            bars.first().map(|b| b.timestamp),
            bars.last().map(|b| b.timestamp),
        ))
    }

    /// Writes a status; a failure is logged, not raised: resuming relies on
    /// the bars and the coverage, which the status only reports.
    async fn put_status(&self, status: &BackfillStatus) {
        if let Err(err) = self.statuses.put_backfill_status(status).await {
            tracing::warn!(symbol = %status.symbol, kind = %err.kind(), "backfill status not kept: {}", err.message());
        }
    }
}
