//! The `tickersense` command: `serve` (the HTTP API and gateway),
//! `backfill` (history of many symbols into the store) and `score` (posts,
//! one per line, scored as JSON lines).
//!
//! Every flag also reads a `TICKERSENSE_*` variable (`--help` names it);
//! a flag given wins over its variable. A bad value exits with status 2
//! and a message naming the flag; a failure once running exits with 1.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

// The server spends a tenth of its CPU in glibc's malloc and free (small,
// short-lived allocations on many threads); mimalloc halves that. Only the
// binary sets it: a library must leave the allocator to its user.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod backends;
mod backfill;
mod score;
mod serve;

#[derive(Parser)]
#[command(name = "tickersense", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the HTTP API and gateway until SIGTERM or Ctrl-C; SIGHUP
    /// re-reads the route file.
    Serve(Box<serve::ServeArgs>),
    /// Fetches the history of many symbols into the store, a few at a time
    /// (resumable: run it again after a stop).
    Backfill(Box<backfill::BackfillArgs>),
    /// Scores posts, one per line of FILE (or standard input), writing one
    /// JSON object per post.
    Score(score::ScoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Score(args) => score::run(args),
        Command::Serve(args) => with_runtime(|runtime| serve::run(*args, runtime)),
        Command::Backfill(args) => with_runtime(|runtime| backfill::run(*args, runtime)),
    }
}

fn with_runtime(job: impl FnOnce(&tokio::runtime::Runtime) -> ExitCode) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => job(&runtime),
        Err(e) => {
            eprintln!("tickersense: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exits with status 2, saying `flag`'s value is bad and why, after the
/// usage line. `why` must not hold the value when it may be a secret.
pub(crate) fn bad_flag(flag: &str, why: impl std::fmt::Display) -> ! {
    Cli::command()
        .error(
            clap::error::ErrorKind::ValueValidation,
            format!("invalid value for '{flag}': {why}"),
        )
        .exit()
}
