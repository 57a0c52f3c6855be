//! Shadow mode: the legacy answer is served, streamed as it comes; the
//! same request also runs through the native handlers in a spawned task,
//! and once both answers are whole they are compared (see [`compare`]).
//!
//! Memory is bounded: the comparison copy of each answer is at most
//! [`MAX_COMPARE_BYTES`] (beyond, the comparison is given up, never the
//! client's answer), and at most [`MAX_IN_FLIGHT`] comparisons run at once
//! (beyond, the request is only proxied). Both count as `Incomparable`.
//!
//! CPU is bounded too: at most `[shadow] max_per_second` comparisons start
//! a second ([`Budget`]); the requests past it are only proxied and count
//! as `skipped`. Without that bound a busy shadow route would spend on
//! comparisons the CPU its own answers need, and shadow mode would slow
//! the route it is meant to watch.
//!
//! [`compare`]: super::compare

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::stream::{BoxStream, Stream, StreamExt};
use http_body_util::{BodyExt, Limited};
use tokio::sync::{oneshot, OwnedSemaphorePermit};

use crate::error::{echo, Error};
use crate::http::ops::ShadowOutcome;
use crate::http::{AppState, ErrorBody, RouteGroup};

use super::compare::first_difference;
use super::proxy::{relay, Legacy};
use super::table::{RouteTable, ShadowSettings};

/// The largest answer, legacy or native, copied for a comparison.
pub(crate) const MAX_COMPARE_BYTES: usize = 4 << 20;
/// Most comparisons in flight at once.
pub(crate) const MAX_IN_FLIGHT: usize = 64;
/// How long a comparison waits for the legacy answer to finish streaming
/// to the client; a slower one is not compared.
const WAIT_FOR_LEGACY: Duration = Duration::from_secs(60);

/// Marks the request a shadow comparison makes of the native handlers, so
/// a path with no native handler answers 404 there instead of going to
/// the legacy upstream a second time.
#[derive(Clone, Copy)]
pub(crate) struct ShadowCall;

/// Marks the answer to a [`ShadowCall`] that no native handler matched.
#[derive(Clone, Copy)]
pub(crate) struct NoNativeHandler;

/// The legacy answer as the comparison sees it: its status and whole
/// body, or why there is none to compare.
type LegacyCopy = Result<(StatusCode, Bytes), &'static str>;

/// How many comparisons may start a second: a GCRA budget (`governor`)
/// with bursts of the same size. One atomic compare-and-swap a request.
pub(crate) struct Budget {
    per_second: u32,
    limiter: governor::DefaultDirectRateLimiter,
}

impl Budget {
    pub(crate) fn new(per_second: u32) -> Self {
        let rate = std::num::NonZeroU32::new(per_second).unwrap_or(std::num::NonZeroU32::MIN);
        Budget {
            per_second: rate.get(),
            limiter: governor::RateLimiter::direct(governor::Quota::per_second(rate)),
        }
    }

    /// The figure the budget was made with.
    pub(crate) fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes one comparison from the budget; `false` when it is spent.
    fn take(&self) -> bool {
        self.limiter.check().is_ok()
    }
}

/// Serves `request` of `group` from the legacy upstream and compares the
/// native answer off the request path, within the comparison budget.
pub(crate) async fn serve(
    state: &AppState,
    native: &Router,
    legacy: &Legacy,
    group: RouteGroup,
    table: Arc<RouteTable>,
    request: Request,
) -> Response {
    if !state.inner.routes.shadow_budget.load().take() {
        state
            .inner
            .metrics
            .shadow_compared(group, ShadowOutcome::Skipped);
        return super::proxied(legacy, request).await;
    }
    let Ok(permit) = state
        .inner
        .routes
        .shadow_permits
        .clone()
        .try_acquire_owned()
    else {
        record(
            state,
            group,
            &request_id(request.headers()),
            Outcome::Incomparable("too many comparisons in flight"),
        );
        return super::proxied(legacy, request).await;
    };
    let (parts, body) = request.into_parts();
    let limit = state.inner.settings.body_limit;
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            let body = ErrorBody {
                detail: format!("the request body is larger than {limit} bytes"),
                code: "InvalidInput".to_owned(),
            };
            return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
        }
        Err(_) => {
            return Error::invalid_input("the request body could not be read to its end")
                .into_response()
        }
    };
    let (copy_tx, copy_rx) = oneshot::channel();
    let job = Job {
        state: state.clone(),
        group,
        settings: table,
        request_id: request_id(&parts.headers),
        native: native.clone(),
        request: native_request(&parts, body.clone()),
        legacy: copy_rx,
        _permit: permit,
    };
    tokio::spawn(job.run());
    match legacy.send(&parts, reqwest::Body::from(body)).await {
        Ok(answer) => {
            let status = answer.status();
            let encoded = answer
                .headers()
                .get(header::CONTENT_ENCODING)
                .is_some_and(|v| v.as_bytes() != b"identity");
            if encoded {
                let _ = copy_tx.send(Err("the legacy answer is compressed"));
                return relay(answer, |a| Body::from_stream(a.bytes_stream()));
            }
            relay(answer, |a| {
                Body::from_stream(Tee {
                    expected: a.content_length(),
                    inner: a.bytes_stream().boxed(),
                    status,
                    copy: Vec::new(),
                    sink: Some(copy_tx),
                })
            })
        }
        Err(err) => {
            let _ = copy_tx.send(Err("the legacy upstream gave no answer"));
            err.into_response()
        }
    }
}

/// The request the native handlers see: the client's, with the body
/// buffered and no `Accept-Encoding` (a compressed answer would not compare).
fn native_request(parts: &axum::http::request::Parts, body: Bytes) -> Request {
    let mut request = Request::new(Body::from(body));
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.version_mut() = parts.version;
    let mut headers = parts.headers.clone();
    headers.remove(header::ACCEPT_ENCODING);
    *request.headers_mut() = headers;
    if let Some(peer) = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>() {
        request.extensions_mut().insert(*peer);
    }
    request.extensions_mut().insert(ShadowCall);
    request
}

/// The client's `x-request-id`, cut short for the log.
fn request_id(headers: &HeaderMap) -> String {
    match headers.get("x-request-id").map(|v| v.to_str()) {
        Some(Ok(id)) if id.len() <= 64 => id.to_owned(),
        Some(Ok(id)) => echo(id),
        Some(Err(_)) => "<not text>".to_owned(),
        None => "<none>".to_owned(),
    }
}

/// The legacy body on its way to the client, copied for the comparison
/// while the copy stays under [`MAX_COMPARE_BYTES`]. The copy is sent when
/// the body ends; when the stream breaks, grows too large or is dropped
/// early (the client went away), the comparison learns there is none.
///
/// An answer of known length is whole once that many bytes came: the
/// server writing it to the client stops polling there and drops the body
/// without asking for its end.
struct Tee {
    inner: BoxStream<'static, reqwest::Result<Bytes>>,
    /// The legacy answer's `Content-Length`, when it gave one.
    expected: Option<u64>,
    status: StatusCode,
    copy: Vec<u8>,
    sink: Option<oneshot::Sender<LegacyCopy>>,
}

impl Stream for Tee {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = match this.inner.poll_next_unpin(cx) {
            Poll::Ready(item) => item,
            Poll::Pending => return Poll::Pending,
        };
        match &item {
            Some(Ok(chunk)) if this.sink.is_some() => {
                if this.copy.len() + chunk.len() > MAX_COMPARE_BYTES {
                    this.copy = Vec::new();
                    this.finish(Err("the legacy answer is larger than the comparison bound"));
                } else {
                    this.copy.extend_from_slice(chunk);
                    if this.expected == Some(this.copy.len() as u64) {
                        this.finish_whole();
                    }
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) => this.finish(Err("the legacy answer broke off")),
            None => this.finish_whole(),
        }
        Poll::Ready(item)
    }
}

impl Tee {
    fn finish_whole(&mut self) {
        let copy = Bytes::from(std::mem::take(&mut self.copy));
        let status = self.status;
        self.finish(Ok((status, copy)));
    }

    fn finish(&mut self, copy: LegacyCopy) {
        if let Some(sink) = self.sink.take() {
            let _ = sink.send(copy);
        }
    }
}

/// One comparison, run in its own task.
struct Job {
    state: AppState,
    group: RouteGroup,
    settings: Arc<RouteTable>,
    request_id: String,
    native: Router,
    request: Request,
    legacy: oneshot::Receiver<LegacyCopy>,
    /// Held for the comparison's life: the bound on comparisons in flight.
    _permit: OwnedSemaphorePermit,
}

/// How one comparison came out, with what the log says of it.
enum Outcome {
    Match,
    Mismatch {
        path: String,
        legacy: String,
        native: String,
    },
    Incomparable(&'static str),
}

impl Job {
    async fn run(self) {
        let Job {
            state,
            group,
            settings,
            request_id,
            native,
            request,
            legacy,
            _permit,
        } = self;
        let limit = state.settings().timeout(group);
        let outcome = compare_answers(native, request, legacy, &settings.shadow, limit).await;
        record(&state, group, &request_id, outcome);
    }
}

async fn compare_answers(
    native: Router,
    request: Request,
    legacy: oneshot::Receiver<LegacyCopy>,
    settings: &ShadowSettings,
    limit: Duration,
) -> Outcome {
    // The group's timeout, as the native route itself would have it.
    let answer = match tokio::time::timeout(limit, tower::ServiceExt::oneshot(native, request))
        .await
    {
        Ok(Ok(answer)) => answer,
        Ok(Err(never)) => match never {},
        Err(_) => return Outcome::Incomparable("the native answer took longer than its timeout"),
    };
    if answer.extensions().get::<NoNativeHandler>().is_some() {
        return Outcome::Incomparable("no native handler serves the path");
    }
    let native_status = answer.status();
    let native_body = match Limited::new(answer.into_body(), MAX_COMPARE_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Outcome::Incomparable("the native answer could not be read whole"),
    };
    let legacy = match tokio::time::timeout(WAIT_FOR_LEGACY, legacy).await {
        Ok(Ok(Ok(copy))) => copy,
        Ok(Ok(Err(why))) => return Outcome::Incomparable(why),
        Ok(Err(_)) => return Outcome::Incomparable("the legacy answer was not relayed to its end"),
        Err(_) => return Outcome::Incomparable("the legacy answer took too long to relay"),
    };
    let settings = settings.clone();
    // Parsing up to 4 MiB twice is CPU work: kept off the async workers.
    tokio::task::spawn_blocking(move || judge(legacy, (native_status, native_body), &settings))
        .await
        .unwrap_or(Outcome::Incomparable("the comparison stopped"))
}

/// Compares the two answers: their statuses, then their JSON bodies.
fn judge(
    (legacy_status, legacy_body): (StatusCode, Bytes),
    (native_status, native_body): (StatusCode, Bytes),
    settings: &ShadowSettings,
) -> Outcome {
    if legacy_status != native_status {
        return Outcome::Mismatch {
            path: "(status)".to_owned(),
            legacy: legacy_status.as_u16().to_string(),
            native: native_status.as_u16().to_string(),
        };
    }
    let (Ok(legacy), Ok(native)) = (
        serde_json::from_slice::<serde_json::Value>(&legacy_body),
        serde_json::from_slice::<serde_json::Value>(&native_body),
    ) else {
        return Outcome::Incomparable("an answer is not JSON");
    };
    match first_difference(&legacy, &native, settings) {
        None => Outcome::Match,
        Some(d) => Outcome::Mismatch {
            path: d.path,
            legacy: d.legacy,
            native: d.native,
        },
    }
}

/// Counts the outcome in the metrics and logs it: a mismatch as a warning
/// naming the request id and the first differing path, the others at
/// debug level.
fn record(state: &AppState, group: RouteGroup, request_id: &str, outcome: Outcome) {
    let metrics = &state.inner.metrics;
    match outcome {
        Outcome::Match => {
            metrics.shadow_compared(group, ShadowOutcome::Match);
            tracing::debug!(
                group = group.as_str(),
                request_id,
                outcome = "match",
                "shadow answers match"
            );
        }
        Outcome::Mismatch {
            path,
            legacy,
            native,
        } => {
            metrics.shadow_compared(group, ShadowOutcome::Mismatch);
            tracing::warn!(
                group = group.as_str(),
                request_id,
                outcome = "mismatch",
                path = %path,
                legacy = %legacy,
                native = %native,
                "shadow answers differ"
            );
        }
        Outcome::Incomparable(why) => {
            metrics.shadow_compared(group, ShadowOutcome::Incomparable);
            tracing::debug!(
                group = group.as_str(),
                request_id,
                outcome = "incomparable",
                why,
                "shadow answers not compared"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> (StatusCode, Bytes) {
        (StatusCode::OK, Bytes::from(body.to_owned()))
    }

    #[test]
    fn statuses_then_bodies_are_judged() {
        let settings = ShadowSettings::default();
        assert!(matches!(
            judge(ok("{\"a\":1}"), ok("{\"a\":1.0}"), &settings),
            Outcome::Match
        ));
        let Outcome::Mismatch { path, .. } = judge(ok("{\"a\":1}"), ok("{\"a\":2}"), &settings)
        else {
            panic!("a mismatch");
        };
        assert_eq!(path, "$.a");
        let missing = (StatusCode::NOT_FOUND, Bytes::from_static(b"{}"));
        let Outcome::Mismatch {
            path,
            legacy,
            native,
        } = judge(ok("{}"), missing, &settings)
        else {
            panic!("a mismatch");
        };
        assert_eq!(
            (path.as_str(), legacy.as_str(), native.as_str()),
            ("(status)", "200", "404")
        );
        assert!(matches!(
            judge(ok("<html>"), ok("{}"), &settings),
            Outcome::Incomparable(_)
        ));
    }
}
