//! The streaming reverse proxy to the legacy upstream: the request body is
//! streamed up and the answer streamed down, never held whole; hop-by-hop
//! headers are dropped both ways and `X-Forwarded-For/Proto/Host` added.
//!
//! Failures are kept from costing every request: a refused connection
//! opens an [`Outage`] window (one connection attempt a window, not one a
//! request), and the [`Upstream`] breaker opens after a run of failed
//! answers (5xx, resets, timeouts). Either answers 503 with `Retry-After`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, request, HeaderMap, HeaderName, HeaderValue, Response, StatusCode, Uri};
use axum::response::IntoResponse;

use crate::error::{Error, ErrorKind, Result};
use crate::http::ServerSettings;
use crate::resilience::{BreakerState, Outage, ResiliencePolicy, Upstream};

/// The legacy upstream's name in `/metrics` and `/ready`.
pub(crate) const LEGACY_NAME: &str = "legacy";
/// What the legacy upstream is called in messages.
const SHOWN: &str = "the legacy upstream";
/// Failed answers in a row that open the breaker, and how long it stays open.
const BREAKER_FAILURES: u32 = 5;
const BREAKER_COOLDOWN: Duration = Duration::from_secs(15);
/// Most requests in flight to the legacy upstream at once; more wait.
const MAX_IN_FLIGHT: usize = 1024;

/// Headers that describe one connection, not the message: never forwarded.
const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// The legacy upstream: its base URL, an HTTP client and the state that
/// keeps a failing upstream from being called again and again.
pub(crate) struct Legacy {
    base: url::Url,
    client: reqwest::Client,
    upstream: Upstream,
    outage: Outage,
    trusted_proxies: Vec<IpAddr>,
    /// The gateway's request body limit, named in a 413.
    body_limit: usize,
}

impl Legacy {
    /// A proxy to `base` under `settings`' timeouts. No I/O.
    pub(crate) fn new(base: &url::Url, settings: &ServerSettings) -> Result<Self> {
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::invalid_input(format!(
                "the legacy URL must be http:// or https://, not {}://",
                base.scheme()
            )));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(settings.legacy_connect_timeout)
            // Redirects are the client's to follow, and the proxy sits in
            // front of the legacy side, not behind another proxy.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| {
                Error::internal("could not build the legacy HTTP client").with_source(e)
            })?;
        let policy = ResiliencePolicy {
            timeout: settings.legacy_timeout,
            // A streamed body cannot be sent twice.
            max_retries: 0,
            breaker_failures: BREAKER_FAILURES,
            breaker_cooldown: BREAKER_COOLDOWN,
            max_concurrent: MAX_IN_FLIGHT,
            ..ResiliencePolicy::default()
        };
        Ok(Legacy {
            base: base.clone(),
            client,
            upstream: Upstream::new(SHOWN, policy),
            outage: Outage::new(SHOWN),
            trusted_proxies: settings.trusted_proxies.clone(),
            body_limit: settings.body_limit,
        })
    }

    /// The breaker's state, an outage window counting as open.
    pub(crate) fn state(&self) -> BreakerState {
        match self.outage.status() {
            Some(down) if !down.retry_in.is_zero() => BreakerState::Open {
                remaining: down.retry_in,
            },
            _ => self.upstream.breaker_state(),
        }
    }

    /// Sends the request of `parts` with `body` and returns the answer's
    /// head, its body still to stream. A 5xx answer is returned (the client
    /// sees it) and counted against the breaker.
    ///
    /// Errors: `Unavailable` with a retry-after while the upstream is down
    /// or its breaker open, or when it refuses the connection; `Timeout`
    /// when it takes longer than the connect or first-byte timeout;
    /// `Upstream` when it breaks the connection before answering;
    /// `InvalidInput` when the client's upload breaks off or passes the
    /// body limit (413 through [`answer_error`]).
    pub(crate) async fn send(
        &self,
        parts: &request::Parts,
        body: reqwest::Body,
    ) -> Result<reqwest::Response> {
        self.outage.check()?;
        let url = self.target(&parts.uri);
        let headers = self.forwarded_headers(parts);
        let mut request = Some(
            self.client
                .request(parts.method.clone(), url)
                .headers(headers)
                .body(body),
        );
        // A 5xx answer is a failure to the breaker, and still the answer.
        let failed_answer = Mutex::new(None);
        let outcome = self
            .upstream
            .call(|| {
                let request = request.take();
                let failed_answer = &failed_answer;
                async move {
                    let Some(request) = request else {
                        return Err(Error::internal("the legacy request was sent twice"));
                    };
                    let answer = request.send().await.map_err(|e| self.failure(e))?;
                    self.outage.succeeded();
                    if answer.status().is_server_error() {
                        let status = answer.status().as_u16();
                        *failed_answer.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
                        return Err(Error::new(
                            ErrorKind::Upstream,
                            format!("{SHOWN} answered {status}"),
                        ));
                    }
                    Ok(answer)
                }
            })
            .await;
        match outcome {
            Ok(answer) => Ok(answer),
            Err(err) => match failed_answer
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
            {
                Some(answer) => Ok(answer),
                None => Err(err),
            },
        }
    }

    fn failure(&self, err: reqwest::Error) -> Error {
        if cut_at_body_limit(&err) {
            // The gateway's body limit stopped the upload: the client's
            // fault, answered 413 by `answer_error`.
            return Error::invalid_input(format!(
                "the request body is larger than the limit of {} bytes",
                self.body_limit
            ))
            .with_source(BodyTooLarge);
        }
        if err.is_connect() {
            let reason = if err.is_timeout() {
                "no connection within the connect timeout"
            } else {
                "connection refused"
            };
            let window = self.outage.failed(reason);
            let kind = if err.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Unavailable
            };
            return Error::new(
                kind,
                format!(
                    "{SHOWN} could not be reached ({reason}); it is tried again in {:.1} s",
                    window.as_secs_f64()
                ),
            )
            .with_retry_after(window);
        }
        if err.is_timeout() {
            return Error::new(
                ErrorKind::Timeout,
                format!("{SHOWN} did not answer in time"),
            );
        }
        if err.is_body() {
            // The client's upload broke off: not the upstream's fault.
            return Error::invalid_input("the request body could not be read to its end");
        }
        Error::new(
            ErrorKind::Upstream,
            format!("{SHOWN} closed the connection before answering"),
        )
    }

    /// The upstream URL of a request for `uri`: the base's path prefix,
    /// then the request's path and query.
    fn target(&self, uri: &Uri) -> url::Url {
        let mut url = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}", uri.path()));
        url.set_query(uri.query());
        url
    }

    /// The request's headers less hop-by-hop ones and `Host`, plus
    /// `X-Forwarded-For` (the peer appended), `-Proto` and `-Host`. Those
    /// two are kept as sent only from a trusted proxy.
    fn forwarded_headers(&self, parts: &request::Parts) -> HeaderMap {
        let mut headers = end_to_end(&parts.headers);
        headers.remove(header::HOST);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let trusted = peer.is_some_and(|ip| self.trusted_proxies.contains(&ip));
        if let Some(ip) = peer {
            let before: Vec<&str> = parts
                .headers
                .get_all(&X_FORWARDED_FOR)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            let chain = if before.is_empty() {
                ip.to_string()
            } else {
                format!("{}, {ip}", before.join(", "))
            };
            headers.remove(&X_FORWARDED_FOR);
            if let Ok(value) = HeaderValue::from_str(&chain) {
                headers.insert(X_FORWARDED_FOR, value);
            }
        }
        if !(trusted && headers.contains_key(&X_FORWARDED_PROTO)) {
            headers.insert(X_FORWARDED_PROTO, HeaderValue::from_static("http"));
        }
        if !(trusted && headers.contains_key(&X_FORWARDED_HOST)) {
            headers.remove(&X_FORWARDED_HOST);
            let host = parts.headers.get(header::HOST).cloned().or_else(|| {
                parts
                    .uri
                    .authority()
                    .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
            });
            if let Some(host) = host {
                headers.insert(X_FORWARDED_HOST, host);
            }
        }
        headers
    }
}

/// `headers` less the hop-by-hop ones: those named above, every `Proxy-*`
/// header, and each header the `Connection` header names.
pub(crate) fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let hop = HOP_BY_HOP.contains(name)
            || name.as_str().starts_with("proxy-")
            || named.iter().any(|n| n == name.as_str());
        if !hop {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// The client's answer for `answer`: its status and end-to-end headers, and
/// its body streamed through `body` (the plain stream, or one that also
/// keeps a copy).
pub(crate) fn relay(
    answer: reqwest::Response,
    body: impl FnOnce(reqwest::Response) -> Body,
) -> Response<Body> {
    let status = answer.status();
    let headers = end_to_end(answer.headers());
    let mut response = Response::new(body(answer));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response.extensions_mut().insert(crate::http::api::Relayed);
    response
}

/// Marks the error of an upload cut by the body limit.
#[derive(Debug)]
struct BodyTooLarge;

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body is larger than the limit")
    }
}

impl std::error::Error for BodyTooLarge {}

/// Whether the length limit on the request body is somewhere in the
/// source chain of `err` (wrapped by axum's body, then by reqwest).
fn cut_at_body_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        next = e.source();
    }
    false
}

/// The answer to a failed proxy call: the error's JSON answer, with 413
/// for an upload cut by the body limit.
pub(crate) fn answer_error(err: Error) -> Response<Body> {
    let too_large = std::error::Error::source(&err).is_some_and(|s| s.is::<BodyTooLarge>());
    let mut response = err.into_response();
    if too_large {
        *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    }
    response
}

/// The request body as reqwest sends it: nothing for an empty one (a GET
/// gets no chunked body), else streamed as it arrives.
pub(crate) fn streamed(body: Body) -> reqwest::Body {
    if axum::body::HttpBody::size_hint(&body).exact() == Some(0) {
        return reqwest::Body::from(bytes::Bytes::new());
    }
    reqwest::Body::wrap_stream(body.into_data_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_dropped() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("connection", "keep-alive, x-secret-hop"),
            ("keep-alive", "timeout=5"),
            ("proxy-authorization", "Basic abc"),
            ("te", "trailers"),
            ("trailer", "x-sum"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "websocket"),
            ("x-secret-hop", "1"),
            ("x-request-id", "abc"),
            ("accept", "application/json"),
        ] {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let kept = end_to_end(&headers);
        let names: Vec<&str> = kept.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["x-request-id", "accept"]);
    }
}
