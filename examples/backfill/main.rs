//! The seed's migration service as a command: fetch the history of many
//! symbols into the store, a few at a time, with a progress bar.
//!
//! Resumable: stop it with Ctrl-C (or kill it) and run the same command
//! again; symbols already stored are skipped and the rest fetched. A second
//! run of a finished backfill writes nothing.
//!
//! ```text
//! cargo run --release --example backfill -- --period 5y AAPL MSFT NVDA
//! TICKERSENSE_STORE=postgres://postgres@127.0.0.1/test \
//!     cargo run --release --example backfill -- --concurrency 8 --interval 1wk
//! ```
//! Options: `--period P` (default 1y), `--start YYYY-MM-DD`, `--end YYYY-MM-DD`,
//! `--interval I` (default 1d), `--concurrency N` (default 4). With no symbol
//! given, twenty large US stocks and ETFs are backfilled.
//! Backends come from the `TICKERSENSE_*` variables (see `tickersense::Config`).

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use tickersense::service::{
    BackfillProgress, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
};
use tickersense::{BackfillState, Config, Error, HistoryRange, Interval, Tickersense};

const DEFAULT_SYMBOLS: [&str; 20] = [
    "AAPL", "MSFT", "GOOGL", "AMZN", "META", "NVDA", "TSLA", "NFLX", "AMD", "INTC", "ORCL", "CRM",
    "ADBE", "JPM", "V", "WMT", "KO", "DIS", "SPY", "QQQ",
];

/// The command line, read by hand: five options do not need a parser crate.
struct Args {
    symbols: Vec<String>,
    period: Option<String>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    interval: Interval,
    concurrency: usize,
}

fn day(text: &str) -> Result<DateTime<Utc>, Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .map_err(|_| Error::invalid_input(format!("{text:?} is not a date like 2024-01-31")))
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        symbols: Vec::new(),
        period: None,
        start: None,
        end: None,
        interval: Interval::D1,
        concurrency: DEFAULT_BACKFILL_CONCURRENCY,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| Error::invalid_input(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--period" => args.period = Some(value()?),
            "--start" => args.start = Some(day(&value()?)?),
            "--end" => args.end = Some(day(&value()?)?),
            "--interval" => args.interval = value()?.parse()?,
            "--concurrency" => {
                let text = value()?;
                args.concurrency = text.parse().map_err(|_| {
                    Error::invalid_input(format!("--concurrency {text:?} is not a number"))
                })?;
            }
            flag if flag.starts_with("--") => {
                return Err(Error::invalid_input(format!("unknown option {flag}")))
            }
            symbol => args.symbols.push(symbol.to_owned()),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "error".into()))
        .init();
    let mut args = parse_args()?;
    let range = HistoryRange::from_args(
        Some(
            args.period
                .as_deref()
                .unwrap_or(DEFAULT_BACKFILL_PERIOD.as_str()),
        ),
        args.start,
        args.end,
    )?;
    let ts = Tickersense::connect(Config::from_env()?).await?;
    if args.symbols.is_empty() {
        args.symbols = DEFAULT_SYMBOLS.map(String::from).to_vec();
    }
    println!("backfill into {}", ts.describe_store().await?);

    // Ctrl-C asks the run to stop; it then puts unfinished symbols back to
    // pending, so the next run knows exactly what is left.
    let interrupted = Arc::new(AtomicBool::new(false));
    tokio::spawn({
        let interrupted = interrupted.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::Relaxed);
            }
        }
    });

    let bar = ProgressBar::new(args.symbols.len() as u64).with_style(
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
        .backfill(
            &args.symbols,
            range,
            args.interval,
            args.concurrency,
            &on_progress,
        )
        .await?;
    bar.finish_and_clear();

    let done = report
        .statuses
        .iter()
        .filter(|s| s.state == BackfillState::Done)
        .count();
    println!(
        "{done} of {} symbols done, {} failed, {} rows written",
        report.statuses.len(),
        report.failed().count(),
        report.rows_written
    );
    if report.stopped {
        println!("stopped early: run the same command again to resume");
    }
    for status in report
        .statuses
        .iter()
        .filter(|s| s.rows_written > 0)
        .take(10)
    {
        if let (Some(first), Some(last)) = (status.first_bar, status.last_bar) {
            println!(
                "  {:<10} {:>7} rows  {} .. {}",
                status.symbol.as_str(),
                status.rows_written,
                first.date_naive(),
                last.date_naive()
            );
        }
    }
    Ok(())
}
