//! What the HTTP sources of this folder share: reading their URL's base
//! and common options, building their [`HttpUpstream`], reading rate-limit
//! headers, and keeping credentials out of messages built from answers.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{echo, Error, Result};
use crate::resilience::http::{HttpUpstream, HttpUpstreamBuilder, Url};
use crate::resilience::ResiliencePolicy;
use crate::url::{redact_url, BackendUrl, Options};

/// The descriptive `User-Agent` of the sources whose platform asks for one.
pub(crate) const USER_AGENT: &str = concat!(
    "tickersense/",
    env!("CARGO_PKG_VERSION"),
    " (social sentiment; +",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// The base override of `url` (`SCHEME+http://HOST:PORT`), or `None` for
/// the platform's own hosts; `InvalidInput` for a host written after
/// `SCHEME://` itself, which would otherwise be silently ignored.
pub(crate) fn base_of(url: &BackendUrl) -> Result<Option<String>> {
    if url.base().is_none() && !url.location().trim_matches('/').is_empty() {
        let scheme = url.scheme();
        return Err(Error::invalid_input(format!(
            "{scheme}:// takes no host; use {scheme}+http://HOST:PORT for another base URL"
        )));
    }
    Ok(url.base().map(str::to_owned))
}

/// `?max_body=BYTES`: the largest answer read, above 0.
pub(crate) fn take_max_body(options: &mut Options) -> Result<Option<usize>> {
    options.take_parsed("max_body", "a number of bytes above 0", |n: &usize| *n > 0)
}

/// The builder of the upstream of a source called `label` at `base`
/// (`public`, its own host, when `None`), under `policy`, for the source
/// to add its name and headers to. No I/O; `InvalidInput` for a base that
/// is no URL (shown redacted).
pub(crate) fn upstream_builder(
    label: &str,
    base: Option<&str>,
    public: &str,
    policy: ResiliencePolicy,
) -> Result<HttpUpstreamBuilder> {
    let text = base.unwrap_or(public);
    let base = Url::parse(text.trim_end_matches('/')).map_err(|_| {
        Error::invalid_input(format!(
            "invalid {label} base URL {}",
            echo(&redact_url(text))
        ))
    })?;
    Ok(HttpUpstream::builder(label, base, policy))
}

/// The upstream of a source called `label` at `base` (its own host when
/// `None`), under `policy` with `max_body` in place of its body cap, sending
/// `user_agent`. No I/O; `InvalidInput` for a base that is no URL.
pub(crate) fn upstream(
    label: &str,
    base: Option<&str>,
    public: &str,
    policy: ResiliencePolicy,
    max_body: Option<usize>,
    user_agent: &str,
) -> Result<HttpUpstream> {
    let mut policy = policy;
    if let Some(limit) = max_body {
        policy.max_body_bytes = limit;
    }
    upstream_builder(label, base, public, policy)?
        .user_agent(user_agent)
        .build()
}

/// The wait until `reset`, a header holding an epoch time in seconds
/// (`1704211445`, or with a fraction): zero for a time passed, `None` for
/// anything that is not a number or lies absurdly far (over a day) ahead.
pub(crate) fn reset_from_epoch(reset: Option<&str>) -> Option<Duration> {
    let at: f64 = reset?.trim().parse().ok()?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let left = at - now;
    if !left.is_finite() || left > 86_400.0 {
        return None;
    }
    Some(Duration::from_secs_f64(left.max(0.0)))
}

/// The longest rate-limit reset believed: platforms reset within minutes,
/// so a header saying more is taken to say this.
pub(crate) const MAX_RESET: Duration = Duration::from_secs(24 * 3600);

/// A rate-limit reset `secs` seconds away as a wait: `None` for a value
/// that is not a number or is negative, at most [`MAX_RESET`].
pub(crate) fn reset_in(secs: f64) -> Option<Duration> {
    if secs.is_nan() {
        return None;
    }
    Duration::try_from_secs_f64(secs.min(MAX_RESET.as_secs_f64())).ok()
}

/// A header holding a count (`X-RateLimit-Remaining: 0`), as a number.
pub(crate) fn count(value: Option<&str>) -> Option<f64> {
    value?.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `text` with each of `secrets` in it replaced by `***`: for text built
/// from an upstream's body, which a misbehaving server could make quote a
/// credential. Borrows when none is there (the usual case).
pub(crate) fn scrub<'a>(text: &'a str, secrets: &[&str]) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = Cow::Owned(text.replace(secret, "***"));
        }
    }
    text
}

/// `err` with [`scrub`] applied to its message; kind, retry-after and
/// source kept.
pub(crate) fn scrubbed(err: Error, secrets: &[&str]) -> Error {
    match scrub(err.message(), secrets) {
        Cow::Borrowed(_) => err,
        Cow::Owned(clean) => err.with_message(clean),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resets_are_read_from_epoch_seconds() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let soon = reset_from_epoch(Some(&(now + 30).to_string())).unwrap();
        assert!(soon <= Duration::from_secs(30) && soon > Duration::from_secs(28));
        assert_eq!(
            reset_from_epoch(Some(&(now - 30).to_string())),
            Some(Duration::ZERO)
        );
        assert_eq!(reset_from_epoch(Some("soon")), None);
        assert_eq!(reset_from_epoch(Some("1e300")), None);
        assert_eq!(reset_from_epoch(None), None);
        assert_eq!(count(Some(" 0 ")), Some(0.0));
        assert_eq!(count(Some("NaN")), None);
        assert_eq!(reset_in(1.5), Some(Duration::from_millis(1500)));
        assert_eq!(reset_in(-1.0), None);
        assert_eq!(reset_in(f64::NAN), None);
        assert_eq!(reset_in(1e30), Some(MAX_RESET));
    }

    #[test]
    fn secrets_are_scrubbed_from_messages() {
        assert_eq!(scrub("no secret here", &["s3cret"]), "no secret here");
        assert_eq!(
            scrub("a s3cret and s3cret", &["s3cret", ""]),
            "a *** and ***"
        );
        let err = Error::new(crate::ErrorKind::Upstream, "echo: s3cret")
            .with_retry_after(Duration::from_secs(2));
        let err = scrubbed(err, &["s3cret"]);
        assert_eq!(err.message(), "echo: ***");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn a_host_after_the_scheme_is_refused() {
        let url = BackendUrl::parse("stocktwits://api.example.com", "social", "").unwrap();
        let err = base_of(&url).unwrap_err();
        assert!(err.message().contains("stocktwits+http://"), "{err}");
        let url = BackendUrl::parse("stocktwits+http://127.0.0.1:9", "social", "").unwrap();
        assert_eq!(
            base_of(&url).unwrap().as_deref(),
            Some("http://127.0.0.1:9")
        );
        let url = BackendUrl::parse("stocktwits:///", "social", "").unwrap();
        assert_eq!(base_of(&url).unwrap(), None);
    }
}
