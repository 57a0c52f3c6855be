//! The floor the HTTP benchmark compares `tickersense serve` with: a bare
//! axum server answering every GET with the same JSON bytes, read once from
//! a file (the body `tickersense serve` gives for the measured quote). No
//! middleware, no routing table, no cache: what serving those bytes over
//! HTTP/1.1 with axum costs at the least. It also stands in for the legacy
//! upstream in the shadow-mode benchmark.
//!
//!     bare-http ADDR BODY_FILE

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::Router;

// The same allocator as `tickersense serve`, so the two differ only in what
// they do per request.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(body_file), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: bare-http ADDR BODY_FILE");
        return ExitCode::from(2);
    };
    let addr: SocketAddr = match addr.parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("bare-http: {addr} is no socket address: {e}");
            return ExitCode::from(2);
        }
    };
    let body = match std::fs::read(&body_file) {
        Ok(bytes) => Bytes::from(bytes),
        Err(e) => {
            eprintln!("bare-http: cannot read {body_file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Bytes clones are reference counts: every answer shares the one buffer.
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(CONTENT_TYPE, "application/json")], body) }
    });
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("bare-http: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bare-http: {e}");
            ExitCode::FAILURE
        }
    }
}
