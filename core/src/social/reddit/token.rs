//! Reddit's app-only OAuth token (client credentials): fetched when first
//! needed, kept, fetched again shortly before it expires or after Reddit
//! refuses it.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{echo, Error, ErrorKind, Result};
use crate::resilience::http::{Answer, HttpUpstream};

/// The lifetime assumed when an answer does not say (Reddit's is a day).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// The longest lifetime believed.
const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// A token is fetched again this long before it expires, or a tenth of its
/// lifetime before when that is shorter, so no request carries one that
/// expires on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The longest token taken (Reddit's are JWTs of about a kilobyte).
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// One bearer token and when to stop using it. `Debug` shows neither the
/// token nor anything derived from it.
#[derive(Clone)]
pub(super) struct Token {
    value: Arc<str>,
    generation: u64,
    refresh_at: Instant,
}

impl Token {
    /// The `Authorization` header value for API requests.
    pub(super) fn header(&self) -> String {
        format!("bearer {}", self.value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// The app's credentials and its current token, shared by every request of
/// one source. Only one fetch runs at a time: callers needing a token
/// while one is being fetched wait for it rather than asking again.
pub(super) struct Tokens {
    http: HttpUpstream,
    client_id: String,
    client_secret: String,
    current: Mutex<Option<Token>>,
    fetched: AtomicU64,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("fetched", &self.fetched.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Grant {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<f64>,
    #[serde(default)]
    error: Option<String>,
}

impl Tokens {
    /// Tokens from the endpoint at `http`'s base (`/api/v1/access_token`),
    /// for the app `client_id` / `client_secret`. No I/O.
    pub(super) fn new(http: HttpUpstream, client_id: String, client_secret: String) -> Self {
        Tokens {
            http,
            client_id,
            client_secret,
            current: Mutex::new(None),
            fetched: AtomicU64::new(0),
        }
    }

    /// The app's id and secret, for scrubbing text built from an answer.
    pub(super) fn secrets(&self) -> [&str; 2] {
        [&self.client_id, &self.client_secret]
    }

    /// The current token, fetched first when there is none or it is near
    /// its expiry: one token request then, none otherwise.
    pub(super) async fn get(&self) -> Result<Token> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.clone());
        }
        let token = self.fetch().await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// Forgets `refused` (Reddit answered 401 to it), so the next
    /// [`get`](Self::get) fetches another; a newer token already fetched
    /// by another caller is kept.
    pub(super) async fn forget(&self, refused: &Token) {
        let mut current = self.current.lock().await;
        if current
            .as_ref()
            .is_some_and(|t| t.generation == refused.generation)
        {
            *current = None;
        }
    }

    async fn fetch(&self) -> Result<Token> {
        let url = self.http.url(&["api", "v1", "access_token"], &[])?;
        let asked = Instant::now();
        let (value, lifetime) = self
            .http
            .post_form(url, "token", &[("grant_type", "client_credentials")])
            .basic_auth(&self.client_id, &self.client_secret)
            .send_with(read_grant)
            .await?;
        let generation = self.fetched.fetch_add(1, Ordering::Relaxed) + 1;
        let margin = REFRESH_MARGIN.min(lifetime / 10);
        tracing::debug!(
            generation,
            lifetime_s = lifetime.as_secs(),
            "Reddit app token fetched"
        );
        Ok(Token {
            value: value.into(),
            generation,
            refresh_at: asked + lifetime.saturating_sub(margin),
        })
    }
}

/// The token and its lifetime from the token endpoint's answer. Nothing
/// of a body is ever echoed: a body of an unexpected shape may still hold
/// a token.
fn read_grant(answer: Answer) -> Result<(String, Duration)> {
    let status = answer.status();
    if matches!(status, 401 | 403) {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            format!(
                "Reddit refused the app credentials (HTTP {status}); check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"
            ),
        ));
    }
    if let Some(err) = answer.status_error() {
        return Err(match err.kind() {
            // Its message would quote the body.
            ErrorKind::Upstream => Error::new(
                ErrorKind::Upstream,
                format!("Reddit token answered HTTP {status}"),
            ),
            _ => err,
        });
    }
    let unusable = || {
        Error::new(
            ErrorKind::Upstream,
            "Reddit token answered a body that holds no usable token",
        )
    };
    let grant: Grant = serde_json::from_slice(answer.body()).map_err(|_| unusable())?;
    if let Some(error) = grant.error.filter(|e| !e.is_empty()) {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            format!("Reddit refused the token request: {}", echo(&error)),
        ));
    }
    let value = grant
        .access_token
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_BYTES)
        .filter(|t| t.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(unusable)?;
    let lifetime = grant
        .expires_in
        .filter(|s| !s.is_nan())
        .map_or(DEFAULT_LIFETIME, |secs| {
            Duration::try_from_secs_f64(secs.clamp(0.0, MAX_LIFETIME.as_secs_f64()))
                .unwrap_or(DEFAULT_LIFETIME)
        });
    Ok((value, lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resilience::http::{HeaderMap, Url};

    fn answer(status: u16, body: &str) -> Answer {
        let url = Url::parse("https://www.reddit.com/api/v1/access_token").unwrap();
        Answer::from_parts(
            status,
            HeaderMap::new(),
            url,
            body.into(),
            "Reddit",
            "token",
        )
    }

    #[test]
    fn a_grant_gives_the_token_and_its_lifetime() {
        let (token, lifetime) = read_grant(answer(
            200,
            r#"{"access_token": "eyJhbGc.x-y_z", "token_type": "bearer", "expires_in": 86400, "scope": "*"}"#,
        ))
        .unwrap();
        assert_eq!(token, "eyJhbGc.x-y_z");
        assert_eq!(lifetime, Duration::from_secs(86400));
        let (_, lifetime) = read_grant(answer(200, r#"{"access_token": "t"}"#)).unwrap();
        assert_eq!(lifetime, DEFAULT_LIFETIME);
        let (_, lifetime) =
            read_grant(answer(200, r#"{"access_token": "t", "expires_in": 1e300}"#)).unwrap();
        assert_eq!(lifetime, MAX_LIFETIME);
        let (_, lifetime) =
            read_grant(answer(200, r#"{"access_token": "t", "expires_in": -5}"#)).unwrap();
        assert_eq!(lifetime, Duration::ZERO);
    }

    #[test]
    fn refusals_and_odd_bodies_never_echo_the_body() {
        let secret = "SECRET-TOKEN-VALUE";
        let cases = [
            (
                401,
                r#"{"message": "Unauthorized", "error": 401}"#.to_owned(),
                ErrorKind::Unauthorized,
            ),
            (
                200,
                r#"{"error": "unsupported_grant_type"}"#.to_owned(),
                ErrorKind::Unauthorized,
            ),
            (
                200,
                format!(r#"{{"access_token": "{secret} with a space"}}"#),
                ErrorKind::Upstream,
            ),
            (
                200,
                format!(r#"{{"access_token": ["{secret}"]}}"#),
                ErrorKind::Upstream,
            ),
            (200, format!("<html>{secret}</html>"), ErrorKind::Upstream),
            (
                400,
                format!(r#"{{"access_token": "{secret}"}}"#),
                ErrorKind::Upstream,
            ),
            (503, secret.to_owned(), ErrorKind::Unavailable),
        ];
        for (status, body, kind) in cases {
            let err = read_grant(answer(status, &body)).unwrap_err();
            assert_eq!(err.kind(), kind, "{status} {body}");
            assert!(!err.message().contains(secret), "{}", err.message());
        }
        let err = read_grant(answer(200, r#"{"error": "unsupported_grant_type"}"#)).unwrap_err();
        assert!(
            err.message().contains("unsupported_grant_type"),
            "{}",
            err.message()
        );
        let err = read_grant(answer(401, "")).unwrap_err();
        assert!(
            err.message().contains("REDDIT_CLIENT_SECRET"),
            "{}",
            err.message()
        );
        let long = format!(
            r#"{{"access_token": "{}"}}"#,
            "t".repeat(MAX_TOKEN_BYTES + 1)
        );
        assert_eq!(
            read_grant(answer(200, &long)).unwrap_err().kind(),
            ErrorKind::Upstream
        );
    }

    #[test]
    fn debug_shows_no_token() {
        let token = Token {
            value: "SECRET-TOKEN-VALUE".into(),
            generation: 3,
            refresh_at: Instant::now(),
        };
        let shown = format!("{token:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains('3'), "{shown}");
    }
}
