//! A local HTTP server that answers like Yahoo Finance, from recorded-format fixtures, and
//! that can be told to fail in the ways Yahoo fails.
//!
//! Rust tests start a [`ReplayServer`] and point the Yahoo provider at
//! [`ReplayServer::market_data_url`]. Tests in Python and Node run the `yahoo-replay` binary,
//! read the base URL from its first line of output, and drive faults through the control
//! endpoints:
//!
//! - `GET /__replay/inject?path=/v8/&fault=status&status=503&times=2` — faults are `status`
//!   (`status=`), `rate_limited` (`retry_after=`, `html=1`), `delay` (`ms=`), `reset`,
//!   `truncate`, `endless`, `oversized` (`bytes=`, default 1 GiB), `redirect` (`status=`,
//!   default 302, `location=`), `body` (`status=`, `content_type=`, `text=`, and any number
//!   of `header=Name: value`) and `headers` (the normal answer with each `header=Name: value`
//!   set on top); `path` defaults to every path, `times` to 1;
//! - `GET /__replay/clear` drops every queued fault;
//! - `GET /__replay/requests` answers the JSON array of request targets seen so far;
//! - `GET /__replay/streamed` answers how many body bytes the `endless` and `oversized`
//!   faults have got the clients to take, as a JSON number.
//!
//! Control requests never get a fault and are not recorded.
//!
//! The social platforms are served at the same base URL, on their own paths, from
//! `<fixtures>/../social/<platform>/`: Reddit's token endpoint and search (see the `reddit`
//! module: app credentials [`REDDIT_CLIENT_ID`] / [`REDDIT_CLIENT_SECRET`]) and X's recent
//! search (bearer token [`X_BEARER_TOKEN`]). StockTwits and the feeds are served from the
//! same folder: StockTwits' symbol stream (`/api/2/streams/symbol/{SYMBOL}.json`, paged by
//! `max=`), an RSS headline feed (`/rss/headline?s=SYMBOL`) and Atom feeds (`/atom/{SYMBOL}`).
//! Every social fixture's times are moved to the present by whole days, by one rule
//! ([`clock`]), so that a client asking for the last days finds its posts.
//!
//! Every response carries `Connection: close`, and the server closes each connection after
//! one response.

#![warn(missing_docs)]

pub mod clock;
mod fault;
mod feeds;
mod http;
mod pages;
mod reddit;
mod routes;
mod stocktwits;
mod x;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub use fault::Fault;
use fault::FaultQueue;
use http::{Incoming, Request, Response};
pub use reddit::{
    reddit_token_answer, REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_TOKEN_PREFIX,
};
pub use x::X_BEARER_TOKEN;

/// A running replay server on `127.0.0.1`. It stops, and drops its open connections, when
/// this value is dropped.
pub struct ReplayServer {
    addr: SocketAddr,
    state: Arc<State>,
    // Never sent on: dropping it is the stop signal every task waits for.
    _stop: watch::Sender<()>,
}

struct State {
    fixtures: PathBuf,
    faults: Mutex<FaultQueue>,
    requests: Mutex<Vec<String>>,
    streamed: AtomicU64,
}

/// A panicking test thread must not take the server down with it: the data behind these
/// locks stays valid whatever a holder was doing.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ReplayServer {
    /// Starts a server on a free port that serves the workspace's `fixtures/yahoo` folder.
    pub async fn start() -> io::Result<ReplayServer> {
        Self::start_with(default_fixtures()).await
    }

    /// Starts a server on a free port that serves the fixture folder `fixtures` (laid out as
    /// `chart/{SYMBOL}/{interval}.json`, `search/{query}.json`, `quote/{SYMBOL}.json`).
    pub async fn start_with(fixtures: PathBuf) -> io::Result<ReplayServer> {
        Self::start_at(fixtures, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a server on `addr` (port 0 picks a free port) that serves `fixtures`.
    ///
    /// Fails with [`io::ErrorKind::NotFound`] when `fixtures` is not a folder, so that a wrong
    /// path shows at start rather than as a 404 on every request.
    pub async fn start_at(fixtures: PathBuf, addr: SocketAddr) -> io::Result<ReplayServer> {
        if !fixtures.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("fixture folder {} does not exist", fixtures.display()),
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            fixtures,
            faults: Mutex::default(),
            requests: Mutex::default(),
            streamed: AtomicU64::new(0),
        });
        let (stop, stopped) = watch::channel(());
        tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped));
        Ok(ReplayServer {
            addr,
            state,
            _stop: stop,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The market-data backend URL for tickersense's config, `yahoo+http://127.0.0.1:PORT`.
    pub fn market_data_url(&self) -> String {
        format!("yahoo+http://{}", self.addr)
    }

    /// Gives the next `times` requests whose path starts with `path_prefix` (`""` matches
    /// every path) `fault` instead of their normal answer. Faults queue: a request takes the
    /// oldest injected fault that matches it.
    pub fn inject(&self, path_prefix: &str, fault: Fault, times: usize) {
        lock(&self.state.faults).push(path_prefix, fault, times);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Every request target (path and query, as sent) received so far, in order, control
    /// requests left out.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.state.requests).clone()
    }

    /// Body bytes the [`Fault::Endless`] and [`Fault::Oversized`] answers have handed to the
    /// socket so far: an upper bound (give or take the socket buffers) of what clients read.
    pub fn streamed_bytes(&self) -> u64 {
        self.state.streamed.load(Ordering::Relaxed)
    }
}

/// `fixtures/yahoo` at the workspace root, found from this crate's own folder.
pub fn default_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/yahoo")
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<()>) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = Arc::clone(&state);
                    let mut stopped = stopped.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = stopped.changed() => {}
                            _ = serve(stream, &state) => {}
                        }
                    });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
}

/// One connection: one request, one answer (or fault), then close. I/O errors only mean the
/// client went away, so they end the connection and nothing else.
async fn serve(mut stream: TcpStream, state: &State) -> io::Result<()> {
    let request = match http::read_request(&mut stream).await? {
        Incoming::Request(request) => request,
        Incoming::Nothing => return Ok(()),
        Incoming::Malformed(why) => {
            return http::write_response(&mut stream, &Response::text(400, format!("{why}\n")))
                .await
        }
    };
    if let Some(response) = control(&request, state) {
        return http::write_response(&mut stream, &response).await;
    }
    lock(&state.requests).push(request.target.clone());
    let fault = lock(&state.faults).take(&request.path);

    match fault {
        None => http::write_response(&mut stream, &routes::answer(&request, &state.fixtures)).await,
        Some(Fault::Delay(wait)) => {
            tokio::time::sleep(wait).await;
            http::write_response(&mut stream, &routes::answer(&request, &state.fixtures)).await
        }
        Some(Fault::Reset) => {
            // With a zero linger, dropping the socket sends RST instead of FIN.
            stream.set_zero_linger()?;
            drop(stream);
            Ok(())
        }
        Some(Fault::Endless) => http::write_stream(&mut stream, None, &state.streamed).await,
        Some(Fault::Oversized(len)) => {
            http::write_stream(&mut stream, Some(len), &state.streamed).await
        }
        Some(Fault::Headers(headers)) => {
            let response = headers
                .iter()
                .fold(routes::answer(&request, &state.fixtures), |r, (k, v)| {
                    r.set_header(k, v)
                });
            http::write_response(&mut stream, &response).await
        }
        Some(Fault::Truncate) => {
            let response = routes::answer(&request, &state.fixtures);
            let half = response.body.len() / 2;
            http::write_cut(&mut stream, &response, half).await
        }
        Some(fault) => match fault.response() {
            Some(response) => http::write_response(&mut stream, &response).await,
            None => Ok(()),
        },
    }
}

/// Answers the `/__replay/...` control endpoints; `None` for every other path.
fn control(request: &Request, state: &State) -> Option<Response> {
    let ok = || Response::json(200, r#"{"ok":true}"#);
    let response = match request.path.as_str() {
        "/__replay/inject" => match fault::parse_inject(request) {
            Ok((prefix, fault, times)) => {
                lock(&state.faults).push(&prefix, fault, times);
                ok()
            }
            Err(why) => Response::text(400, format!("{why}\n")),
        },
        "/__replay/clear" => {
            lock(&state.faults).clear();
            ok()
        }
        "/__replay/streamed" => {
            Response::json(200, state.streamed.load(Ordering::Relaxed).to_string())
        }
        "/__replay/requests" => {
            let targets = lock(&state.requests).clone();
            Response::json(200, serde_json::Value::from(targets).to_string())
        }
        path if path.starts_with("/__replay/") => Response::text(404, "unknown control endpoint\n"),
        _ => return None,
    };
    Some(response)
}
