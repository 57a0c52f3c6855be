//! The seed's migration service as a command: fetch the history of many
//! symbols into the store, a few at a time, with a progress bar. The job
//! is [`tickersense::jobs::backfill`], the one `tickersense backfill` runs;
//! this program only reads its command line.
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

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tickersense::jobs::backfill::{parse_day, run, BackfillJob};
use tickersense::{Config, Error, Tickersense};

/// The command line, read by hand: five options do not need a parser crate.
fn parse_args() -> Result<BackfillJob, Error> {
    let mut job = BackfillJob::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| Error::invalid_input(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--period" => job.period = Some(value()?),
            "--start" => job.start = Some(parse_day(&value()?)?),
            "--end" => job.end = Some(parse_day(&value()?)?),
            "--interval" => job.interval = value()?.parse()?,
            "--concurrency" => {
                let text = value()?;
                job.concurrency = text.parse().map_err(|_| {
                    Error::invalid_input(format!("--concurrency {text:?} is not a number"))
                })?;
            }
            flag if flag.starts_with("--") => {
                return Err(Error::invalid_input(format!("unknown option {flag}")))
            }
            symbol => job.symbols.push(symbol.to_owned()),
        }
    }
    Ok(job)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "error".into()))
        .init();
    let job = parse_args()?;
    job.range()?;
    let ts = Tickersense::connect(Config::from_env()?).await?;

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
    let result = run(&ts, job, &interrupted, &mut std::io::stdout()).await;
    ts.close().await;
    result.map(|_| ())
}
