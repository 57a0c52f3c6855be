//! One HTTP upstream: a reqwest client behind an [`Upstream`] (timeout,
//! retries, breaker, concurrency bound), with the rules every HTTP source
//! of the library follows.
//!
//! - **One base, one client.** An [`HttpUpstream`] is built for a base URL
//!   ([`HttpUpstream::builder`]). When the base is on loopback (`localhost`,
//!   `127.0.0.0/8`, `::1`) the client ignores any proxy from the environment,
//!   so a local replay server's traffic never leaves the machine; otherwise
//!   `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` apply as usual.
//! - **Redirects stay home.** A redirect is followed only to the same
//!   scheme, host and port as the request, at most [`MAX_REDIRECTS`] times;
//!   any other comes back to the caller as a 3xx [`Answer`] (its body
//!   unread), which the default classification refuses as `Upstream` naming
//!   only the target's host.
//! - **Bodies are capped.** A body is streamed against
//!   [`ResiliencePolicy::max_body_bytes`] (or [`HttpUpstreamBuilder::max_body`])
//!   and refused as `Upstream` as soon as it is known to be longer.
//! - **Statuses have kinds.** [`Answer::status_error`]: 2xx is success; 429
//!   is `RateLimited` carrying `Retry-After` (seconds or an HTTP date);
//!   5xx is `Unavailable`; 401 and 403 are `Unauthorized`; any other is
//!   `Upstream` with a short excerpt of the body. Transport failures are
//!   `Timeout` or `Unavailable`. The transient kinds
//!   ([`ErrorKind::is_transient`]) are retried by the [`Upstream`].
//! - **Messages name no URL.** Every message starts with the upstream's
//!   label and the request's `what` ("Yahoo chart ..."): a URL may carry a
//!   token, and nothing of a body is shown beyond [`excerpt`].
//!
//! A source makes one [`HttpUpstream`] per base and builds requests with
//! [`HttpUpstream::get`] (or [`HttpUpstream::post_form`] for an OAuth
//! token request):
//!
//! ```no_run
//! # async fn run() -> tickersense::Result<()> {
//! use tickersense::resilience::http::{HttpUpstream, Url};
//! use tickersense::resilience::ResiliencePolicy;
//!
//! let base = Url::parse("https://oauth.reddit.com").expect("a valid URL");
//! let reddit = HttpUpstream::builder("Reddit", base, ResiliencePolicy::default())
//!     .user_agent("tickersense/0.1")
//!     .build()?;
//! let url = reddit.url(&["r", "stocks", "search.json"], &[("q", "AAPL")])?;
//! let listing: serde_json::Value = reddit
//!     .get(url, "search")
//!     .header("authorization", "bearer TOKEN")
//!     .send_with(|answer| {
//!         // Pace the next request by what the answer says is left.
//!         let _remaining = answer.header("x-ratelimit-remaining");
//!         answer.into_success()
//!     })
//!     .await?
//!     .json()?;
//! # drop(listing);
//! # Ok(())
//! # }
//! ```

mod answer;
mod body;
mod headers;

use std::sync::Arc;

use reqwest::header::HeaderValue;

use self::headers::{bad_header, Headers};
use super::{BreakerState, ResiliencePolicy, Upstream};
use crate::error::{Error, ErrorKind, Result};

pub use answer::{excerpt, malformed_json, parse_retry_after, Answer};
/// The header map of an [`Answer`] (reqwest's).
pub use reqwest::header::HeaderMap;
/// The URL type requests take, re-exported so a source needs no `url` dependency of its own.
pub use url::Url;

/// Most redirects followed for one request, all within the same origin.
pub const MAX_REDIRECTS: usize = 5;

/// One HTTP service at one base URL: its client (connection pool, cookie
/// jar when asked for, default headers) and its [`Upstream`]. Cheap to
/// clone: the clones share the client and the upstream, as every caller of
/// one service must for the breaker and the concurrency bound to mean
/// anything.
#[derive(Clone)]
pub struct HttpUpstream {
    client: reqwest::Client,
    upstream: Arc<Upstream>,
    base: Url,
    label: Arc<str>,
    max_body: usize,
}

/// How to build an [`HttpUpstream`]; from [`HttpUpstream::builder`].
pub struct HttpUpstreamBuilder {
    label: String,
    name: Option<String>,
    base: Url,
    policy: ResiliencePolicy,
    max_body: Option<usize>,
    user_agent: Option<String>,
    cookies: bool,
    headers: Headers,
}

impl HttpUpstream {
    /// A builder for the service at `base` under `policy`. `label` starts
    /// every message about its requests (`"Reddit"`: "Reddit search answered
    /// HTTP 404 ..."). Nothing is built or connected until
    /// [`HttpUpstreamBuilder::build`].
    pub fn builder(
        label: impl Into<String>,
        base: Url,
        policy: ResiliencePolicy,
    ) -> HttpUpstreamBuilder {
        HttpUpstreamBuilder {
            label: label.into(),
            name: None,
            base,
            policy,
            max_body: None,
            user_agent: None,
            cookies: false,
            headers: Headers::default(),
        }
    }

    /// Another upstream over the same client (pool, cookies, headers, body
    /// cap) with its own breaker, bound and `policy`, called `name`
    /// verbatim: for a side channel whose failures must neither slow nor
    /// trip the main one (Yahoo's crumb-protected extras). Costs one
    /// [`Upstream`]; no new connection.
    pub fn sibling(&self, name: impl Into<String>, policy: ResiliencePolicy) -> HttpUpstream {
        HttpUpstream {
            client: self.client.clone(),
            upstream: Arc::new(Upstream::new(name, policy)),
            base: self.base.clone(),
            label: self.label.clone(),
            max_body: self.max_body,
        }
    }

    /// The base URL given to the builder.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The label that starts every message.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The largest body read, in bytes.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// The [`Upstream`] every request goes through (its name, policy, breaker).
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// The state of this upstream's breaker now.
    pub fn breaker_state(&self) -> BreakerState {
        self.upstream.breaker_state()
    }

    /// `{base}/{segments...}?{query}`, each segment percent-encoded (`^GSPC`
    /// stays one segment, `a/b` does not become two), the pairs
    /// form-encoded after any query the base has. `InvalidInput` when the
    /// base cannot take a path (`mailto:`-like URLs). Allocates the URL only.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| {
                Error::invalid_input(format!("the {} base URL cannot take a path", self.label))
            })?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// A GET of `url` (any URL; the proxy choice was made for the base),
    /// described in messages as `what` (`"chart"`, `"search"`). Add query
    /// pairs and headers to it, then send it with [`HttpGet::send`] (the
    /// default classification) or [`HttpGet::send_with`] (the caller's).
    pub fn get(&self, url: Url, what: impl Into<String>) -> HttpGet<'_> {
        HttpGet {
            http: self,
            url,
            what: what.into().into(),
            headers: Headers::default(),
            form: None,
            basic: None,
        }
    }

    /// A POST of `url` with `form` as its `application/x-www-form-urlencoded`
    /// body (an OAuth token request), otherwise built and sent as
    /// [`get`](Self::get) builds and sends a GET. It is retried on the same
    /// transient failures: send through it only requests that may be
    /// repeated (a client-credentials token may). Encodes the form once.
    pub fn post_form(
        &self,
        url: Url,
        what: impl Into<String>,
        form: &[(&str, &str)],
    ) -> HttpGet<'_> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        HttpGet {
            form: Some(body),
            ..self.get(url, what)
        }
    }
}

impl HttpUpstreamBuilder {
    /// The [`Upstream`]'s name in messages about the service as a whole
    /// (timeouts, an open breaker); the base's host and port are added in
    /// parentheses. Defaults to the label.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The largest body read, in place of [`ResiliencePolicy::max_body_bytes`].
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    /// The `User-Agent` sent with every request (some APIs refuse or rate
    /// limit clients without a telling one).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Keeps cookies between requests (one jar per upstream and its siblings).
    pub fn cookies(mut self, keep: bool) -> Self {
        self.cookies = keep;
        self
    }

    /// A header sent with every request (e.g. `accept`). Marked sensitive,
    /// so it never shows in debug output. A bad name or value makes
    /// [`build`](Self::build) fail with `InvalidInput` naming the header,
    /// not its value.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.add(name, value);
        self
    }

    /// The upstream: builds the client (no connection yet). `InvalidInput`
    /// for a bad header or user agent, `Internal` when the TLS backend
    /// cannot start. Costs loading the TLS roots once.
    pub fn build(self) -> Result<HttpUpstream> {
        let headers = self.headers.checked()?.clone();
        let mut client = reqwest::Client::builder()
            .cookie_store(self.cookies)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            // The whole attempt (connect, send, read) is timed by the Upstream.
            .connect_timeout(self.policy.timeout);
        if let Some(agent) = &self.user_agent {
            let agent = HeaderValue::from_str(agent).map_err(|_| bad_header("user-agent"))?;
            client = client.user_agent(agent);
        }
        if is_loopback(&self.base) {
            // A proxy from the environment must not carry a local server's
            // traffic off the machine.
            client = client.no_proxy();
        }
        let client = client
            .build()
            .map_err(|e| Error::internal("could not build the HTTP client").with_source(e))?;
        let name = self.name.as_deref().unwrap_or(&self.label);
        let name = format!("{name} ({})", host_of(&self.base));
        Ok(HttpUpstream {
            client,
            upstream: Arc::new(Upstream::new(name, self.policy)),
            max_body: self.max_body.unwrap_or(self.policy.max_body_bytes),
            label: self.label.into(),
            base: self.base,
        })
    }
}

/// One request being put together: a GET from [`HttpUpstream::get`], or a
/// form POST from [`HttpUpstream::post_form`]. Nothing is sent until
/// [`send`](Self::send) or [`send_with`](Self::send_with). It has no
/// `Debug`: it may hold credentials.
pub struct HttpGet<'a> {
    http: &'a HttpUpstream,
    url: Url,
    what: Arc<str>,
    headers: Headers,
    /// The encoded body of a form POST; `None` for a GET.
    form: Option<String>,
    /// HTTP basic credentials (user, password).
    basic: Option<(String, String)>,
}

impl HttpGet<'_> {
    /// Appends `pairs` to the URL's query, form-encoded.
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        if !pairs.is_empty() {
            self.url.query_pairs_mut().extend_pairs(pairs);
        }
        self
    }

    /// A header for this request only (e.g. `authorization`), sent besides
    /// the upstream's own. Marked sensitive. A bad name or value fails the
    /// request with `InvalidInput` naming the header, not its value,
    /// before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.add(name, value);
        self
    }

    /// HTTP basic authentication with `user` and `password` (an OAuth
    /// client's id and secret), sent marked sensitive like every header
    /// here; never shown in a message or debug output.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        self.basic = Some((user.to_owned(), password.to_owned()));
        self
    }

    /// Sends the request through the upstream and classifies the answer by
    /// [`Answer::into_success`]: the 2xx answer (status, headers, body), or
    /// the error of its kind. Transient failures are retried per the policy.
    pub async fn send(self) -> Result<Answer> {
        self.send_with(Answer::into_success).await
    }

    /// [`send`](Self::send), then the body of the 2xx answer: the same
    /// request (and retries), no copy of the body.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        self.send().await.map(Answer::into_body)
    }

    /// [`send`](Self::send), then the body read as JSON into `T`; a body
    /// that is not is `Upstream` with an excerpt ([`malformed_json`]), not
    /// retried.
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        self.send().await?.json()
    }

    /// Sends the request through the upstream, handing every answer that
    /// arrived (any status; a 3xx only when its redirect was not followed)
    /// to `classify` within the attempt: what it returns is the attempt's
    /// outcome, so an error of a transient kind it returns is retried and
    /// counts against the breaker like any other. Start from
    /// [`Answer::status_error`] / [`Answer::into_success`] and change what
    /// the service means differently (an error object in a 4xx body, a rate
    /// limit told by `x-ratelimit-reset`).
    pub async fn send_with<T, F>(self, classify: F) -> Result<T>
    where
        F: Fn(Answer) -> Result<T>,
    {
        self.headers.checked()?;
        let (this, classify) = (&self, &classify);
        self.http
            .upstream
            .call(|| async move { classify(this.attempt().await?) })
            .await
    }

    /// One attempt: send, read the body (capped), keep status and headers.
    async fn attempt(&self) -> Result<Answer> {
        let http = self.http;
        let mut request = match &self.form {
            None => http.client.get(self.url.clone()),
            Some(form) => http
                .client
                .post(self.url.clone())
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form.clone()),
        };
        request = request.headers(self.headers.checked()?.clone());
        if let Some((user, password)) = &self.basic {
            request = request.basic_auth(user, Some(password));
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| transport(e, &http.label, &self.what))?;
        let body = if response.status().is_redirection() {
            // Not followed: nothing it says is wanted.
            Vec::new()
        } else {
            body::read(&mut response, http.max_body, &http.label, &self.what).await?
        };
        Ok(Answer::from_parts(
            response.status().as_u16(),
            std::mem::take(response.headers_mut()),
            response.url().clone(),
            body,
            http.label.clone(),
            self.what.clone(),
        ))
    }
}

/// The redirect policy: follow a redirect to the same scheme, host and port
/// as the request that was redirected, up to [`MAX_REDIRECTS`] times; stop
/// at any other, so the 3xx itself comes back as the answer.
fn same_origin_only(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    if follows(attempt.previous(), attempt.url()) {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

/// Whether a redirect to `to`, after the requests `previous` (the first
/// one included), is followed: same origin as the last of them and at most
/// [`MAX_REDIRECTS`] hops in all.
fn follows(previous: &[Url], to: &Url) -> bool {
    let same = previous
        .last()
        .is_some_and(|from| from.origin() == to.origin());
    same && previous.len() <= MAX_REDIRECTS
}

/// Whether `url` names this machine: `localhost`, an IPv4 loopback address
/// or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `host:port` (or `host`) of `url`, `?` without a host: what messages
/// show of a URL, never its path or query.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => "?".to_owned(),
    }
}

/// A transport failure as a library error: timeouts are `Timeout`, the rest
/// (refused, reset, closed mid-answer) `Unavailable`; all are transient. The
/// message names no URL (it may carry a token) and the cause keeps none.
fn transport(err: reqwest::Error, label: &str, what: &str) -> Error {
    let (kind, detail) = if err.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if err.is_connect() {
        (ErrorKind::Unavailable, "could not connect")
    } else if err.is_body() || err.is_decode() {
        (ErrorKind::Unavailable, "the connection closed mid-answer")
    } else {
        (ErrorKind::Unavailable, "the connection failed")
    };
    Error::new(kind, format!("{label} {what}: {detail}")).with_source(err.without_url())
}

#[cfg(test)]
mod tests;
