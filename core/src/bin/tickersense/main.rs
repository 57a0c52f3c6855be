//! The `tickersense` command: `serve` (the HTTP API and gateway),
//! `backfill` and `score`.

use std::sync::Arc;

use clap::{Parser, Subcommand};
use tickersense::http::{AppState, ServerSettings};
use tickersense::{Config, Tickersense};

#[derive(Parser)]
#[command(name = "tickersense", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the HTTP API and gateway.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "TICKERSENSE_LISTEN", default_value = tickersense::http::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tickersense: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> tickersense::Result<()> {
    match cli.command {
        Command::Serve { listen } => {
            let client = Arc::new(Tickersense::new(Config::from_env()?)?);
            let settings = ServerSettings {
                listen,
                ..ServerSettings::default()
            };
            let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
                tickersense::Error::unavailable(format!("cannot listen on {listen}")).with_source(e)
            })?;
            let state = AppState::new(client, settings)?;
            tickersense::http::serve(state, listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
        }
    }
}
