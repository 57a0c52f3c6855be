//! Fetching the history of many symbols into the store with a progress
//! bar: the job of `tickersense backfill` and of the `backfill` example
//! (the seed's migration service as a command).
//!
//! Resumable: stop it (the `interrupted` flag, set on Ctrl-C) or kill it
//! and run it again; symbols already stored are skipped and the rest
//! fetched. A second run of a finished backfill writes nothing.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{echo, Error, Result};
use crate::service::{
    BackfillProgress, BackfillReport, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
};
use crate::{BackfillState, HistoryRange, Interval, Tickersense};

/// The symbols backfilled when none is named: twenty large US stocks and ETFs.
pub const DEFAULT_SYMBOLS: [&str; 20] = [
    "AAPL", "MSFT", "GOOGL", "AMZN", "META", "NVDA", "TSLA", "NFLX", "AMD", "INTC", "ORCL", "CRM",
    "ADBE", "JPM", "V", "WMT", "KO", "DIS", "SPY", "QQQ",
];

/// How many finished symbols the summary lists with their extent.
const LISTED: usize = 10;

/// What to backfill. [`Default`]: [`DEFAULT_SYMBOLS`] over
/// [`DEFAULT_BACKFILL_PERIOD`] of daily bars, [`DEFAULT_BACKFILL_CONCURRENCY`]
/// at a time.
#[derive(Debug, Clone)]
pub struct BackfillJob {
    /// The symbols; empty means [`DEFAULT_SYMBOLS`].
    pub symbols: Vec<String>,
    /// The period (`1y`, `5y`, `max`, ...) when no start is given.
    pub period: Option<String>,
    /// The first day, inclusive.
    pub start: Option<DateTime<Utc>>,
    /// The last day, exclusive.
    pub end: Option<DateTime<Utc>>,
    /// The bar interval.
    pub interval: Interval,
    /// Symbols fetched at once.
    pub concurrency: usize,
}

impl Default for BackfillJob {
    fn default() -> Self {
        BackfillJob {
            symbols: Vec::new(),
            period: None,
            start: None,
            end: None,
            interval: Interval::D1,
            concurrency: DEFAULT_BACKFILL_CONCURRENCY,
        }
    }
}

impl BackfillJob {
    /// The history range asked for: `InvalidInput` for a bad period or a
    /// start after the end.
    pub fn range(&self) -> Result<HistoryRange> {
        let period = self
            .period
            .as_deref()
            .unwrap_or(DEFAULT_BACKFILL_PERIOD.as_str());
        HistoryRange::from_args(Some(period), self.start, self.end)
    }
}

/// A day written `YYYY-MM-DD`, as midnight UTC.
pub fn parse_day(text: &str) -> Result<DateTime<Utc>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .map_err(|_| Error::invalid_input(format!("{} is not a date like 2024-01-31", echo(text))))
}

/// Runs `job` on `ts` with a progress bar on standard error (hidden when it
/// is no terminal), stopping early, with unfinished symbols put back to
/// pending, once `interrupted` is set; then writes a summary to `out`.
/// Costs what [`Tickersense::backfill`] costs.
pub async fn run(
    ts: &Tickersense,
    job: BackfillJob,
    interrupted: &AtomicBool,
    out: &mut dyn Write,
) -> Result<BackfillReport> {
    let range = job.range()?;
    let symbols = if job.symbols.is_empty() {
        DEFAULT_SYMBOLS.map(String::from).to_vec()
    } else {
        job.symbols
    };
    writeln!(out, "backfill into {}", ts.describe_store().await?).map_err(write_failed)?;
    let bar = ProgressBar::new(symbols.len() as u64).with_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} symbols  {msg}")
            .map_err(|err| Error::internal(err.to_string()))?
            .progress_chars("=> "),
    );
    let on_progress = |p: &BackfillProgress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.finished as u64);
        bar.set_message(format!(
            "{} rows  ({} {})",
            p.rows_written, p.status.symbol, p.status.state
        ));
        if p.status.state == BackfillState::Failed {
            let reason = p.status.reason.as_deref().unwrap_or("no reason given");
            bar.println(format!("{}: failed: {reason}", p.status.symbol));
        }
        if interrupted.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let report = ts
        .backfill(&symbols, range, job.interval, job.concurrency, &on_progress)
        .await;
    bar.finish_and_clear();
    let report = report?;
    write_summary(out, &report).map_err(write_failed)?;
    Ok(report)
}

fn write_failed(err: io::Error) -> Error {
    Error::internal("cannot write the backfill summary").with_source(err)
}

/// The summary of `report`: counts, whether it stopped early, and the
/// extent of the first few symbols that got rows.
pub fn write_summary(out: &mut dyn Write, report: &BackfillReport) -> io::Result<()> {
    let done = report
        .statuses
        .iter()
        .filter(|s| s.state == BackfillState::Done)
        .count();
    writeln!(
        out,
        "{done} of {} symbols done, {} failed, {} rows written",
        report.statuses.len(),
        report.failed().count(),
        report.rows_written
    )?;
    for rejected in &report.rejected {
        writeln!(
            out,
            "  skipped {}: {}",
            echo(&rejected.symbol),
            rejected.reason
        )?;
    }
    if report.stopped {
        writeln!(out, "stopped early: run the same command again to resume")?;
    }
    for status in report
        .statuses
        .iter()
        .filter(|s| s.rows_written > 0)
        .take(LISTED)
    {
        if let (Some(first), Some(last)) = (status.first_bar, status.last_bar) {
            writeln!(
                out,
                "  {:<10} {:>7} rows  {} .. {}",
                status.symbol.as_str(),
                status.rows_written,
                first.date_naive(),
                last.date_naive()
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_as_midnight_utc_and_bad_ones_are_named() {
        assert_eq!(
            parse_day("2024-01-31").unwrap().to_rfc3339(),
            "2024-01-31T00:00:00+00:00"
        );
        let err = parse_day("31/01/2024").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(err.message().contains("31/01/2024"), "{err}");
    }

    #[tokio::test]
    async fn a_run_backfills_into_the_store_and_writes_a_summary() {
        let ts = Tickersense::builder().store("memory://").build().unwrap();
        let job = BackfillJob {
            symbols: vec!["AAPL".into(), "not a symbol!".into()],
            period: Some("1mo".into()),
            ..BackfillJob::default()
        };
        let mut out = Vec::new();
        let report = run(&ts, job, &AtomicBool::new(false), &mut out)
            .await
            .unwrap();
        assert_eq!(report.statuses.len(), 1);
        assert_eq!(report.rejected.len(), 1);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("backfill into "), "{text}");
        assert!(
            lines[1].starts_with("1 of 1 symbols done, 0 failed, "),
            "{text}"
        );
        assert!(lines[2].starts_with("  skipped "), "{text}");
        assert!(lines[3].starts_with("  AAPL "), "{text}");
    }
}
