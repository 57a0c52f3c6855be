//! `yahoo-replay [--fixtures DIR] [--port N]`: serves recorded-format Yahoo Finance responses
//! on 127.0.0.1 for tests in other languages.
//!
//! Prints one line, `http://127.0.0.1:PORT`, then serves until its standard input reaches end
//! of file or it is killed. A test that spawns it with a piped stdin therefore cannot leave it
//! behind: when the test process dies, the pipe closes and the server exits.
//!
//! The social platforms are served at the same base URL from `<DIR>/../social`: point
//! `reddit+http://127.0.0.1:PORT` at it with the app credentials `replay-client-id` /
//! `replay-client-secret`, and `x+http://127.0.0.1:PORT` with the bearer token
//! `replay-x-bearer-token`.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use tickersense_replay::{default_fixtures, ReplayServer};

const USAGE: &str = "usage: yahoo-replay [--fixtures DIR] [--port N]";

struct Args {
    fixtures: PathBuf,
    port: u16,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixtures: default_fixtures(),
        port: 0,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--fixtures" => args.fixtures = PathBuf::from(value()?),
            "--port" => {
                let v = value()?;
                args.port = v
                    .parse()
                    .map_err(|_| format!("--port {v:?} is not a port number"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("yahoo-replay: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = match ReplayServer::start_at(args.fixtures, addr).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("yahoo-replay: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", server.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // Nobody can learn the port: serving would be pointless.
        return ExitCode::FAILURE;
    }
    drop(stdout);

    // Blocking reads of stdin live on their own thread; the runtime only waits for the word.
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        // Returns at end of file (or on a read error, which means the same here).
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = eof_tx.send(());
    });
    let _ = eof_rx.await;
    drop(server);
    ExitCode::SUCCESS
}
