//! `tickersense backfill`: the job of [`tickersense::jobs::backfill`].

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tickersense::jobs::backfill::{parse_day, BackfillJob};
use tickersense::service::{DEFAULT_BACKFILL_CONCURRENCY, MAX_BACKFILL_CONCURRENCY};
use tickersense::{Interval, Period, Tickersense};

use crate::backends::BackendArgs;
use crate::bad_flag;

#[derive(clap::Args)]
pub(crate) struct BackfillArgs {
    /// The symbols; twenty large US stocks and ETFs when none is given.
    #[arg(value_name = "SYMBOL")]
    symbols: Vec<String>,
    /// How far back: 1mo, 1y, 5y, max, ... (default 1y); ignored with --start.
    #[arg(long, value_parser = parse_period)]
    period: Option<String>,
    /// The first day, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    start: Option<DateTime<Utc>>,
    /// The day after the last, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    end: Option<DateTime<Utc>>,
    /// The bar interval: 1d, 1wk, 1mo, ...
    #[arg(long, default_value = "1d", value_parser = parse_interval)]
    interval: Interval,
    /// Symbols fetched at once.
    #[arg(long, default_value_t = DEFAULT_BACKFILL_CONCURRENCY)]
    concurrency: usize,
    #[command(flatten)]
    backends: BackendArgs,
}

fn parse_period(text: &str) -> Result<String, String> {
    text.parse::<Period>()
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

fn parse_date(text: &str) -> Result<DateTime<Utc>, String> {
    parse_day(text).map_err(|e| e.to_string())
}

fn parse_interval(text: &str) -> Result<Interval, String> {
    text.parse::<Interval>().map_err(|e| e.to_string())
}

pub(crate) fn run(args: BackfillArgs, runtime: &tokio::runtime::Runtime) -> ExitCode {
    if !(1..=MAX_BACKFILL_CONCURRENCY).contains(&args.concurrency) {
        bad_flag(
            "--concurrency",
            format!("must be from 1 to {MAX_BACKFILL_CONCURRENCY}"),
        );
    }
    let config = args.backends.resolve();
    let job = BackfillJob {
        symbols: args.symbols,
        period: args.period,
        start: args.start,
        end: args.end,
        interval: args.interval,
        concurrency: args.concurrency,
    };
    if let Err(e) = job.range() {
        bad_flag("--period/--start/--end", e);
    }
    runtime.block_on(async move {
        let ts = match Tickersense::connect(config).await {
            Ok(ts) => ts,
            Err(e) => {
                eprintln!("tickersense: {e}");
                return ExitCode::FAILURE;
            }
        };
        // Ctrl-C asks the run to stop; it then puts unfinished symbols back
        // to pending, so the next run knows exactly what is left.
        let interrupted = Arc::new(AtomicBool::new(false));
        tokio::spawn({
            let interrupted = interrupted.clone();
            async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    interrupted.store(true, Ordering::Relaxed);
                }
            }
        });
        let mut out = std::io::stdout();
        let result = tickersense::jobs::backfill::run(&ts, job, &interrupted, &mut out).await;
        ts.close().await;
        match result {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tickersense: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
