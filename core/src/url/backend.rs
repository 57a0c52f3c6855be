//! One backend URL taken apart: `SCHEME[+http|+https]://LOCATION[?OPTIONS]`.

use std::fmt;

use super::{redact_url, Options, RedactedUrl};
use crate::error::{echo, Error, Result};

/// A backend URL taken apart once, with no I/O:
///
/// - the scheme (`sqlite`, `redis`, `tiered+redis`, `yahoo`);
/// - for `SCHEME+http://HOST:PORT` and `SCHEME+https://...`, the base URL
///   the backend speaks its protocol to instead of its usual hosts
///   (`yahoo+http://127.0.0.1:8080`: a replay server); the scheme is then
///   the part before `+http`;
/// - the location: what follows `://` up to the first `?`, taken
///   literally (a folder, a file, `user@host/db`);
/// - the options: the query after `?`, split on `&` and percent-decoded
///   as forms are (`?tz=America%2FNew_York`, `?prefix=a%20b`), read by the
///   backend through [`BackendUrl::options`].
///
/// It keeps the text it was read from ([`BackendUrl::as_str`]); its
/// `Display` and `Debug` forms show that text redacted ([`redact_url`]).
#[derive(Clone, PartialEq, Eq)]
pub struct BackendUrl {
    text: String,
    scheme: String,
    base: Option<String>,
    location: String,
    query: Option<String>,
    options: Vec<(String, String)>,
}

impl BackendUrl {
    /// Takes `text` (trimmed) apart. `role` names the knob for messages
    /// ("store", "cache", "market data") and `accepted` lists what it takes.
    /// `InvalidInput` when there is no `SCHEME://`, or when a `+http` /
    /// `+https` base URL has no host. Costs one pass over the text and,
    /// with a base override, one URL parse.
    pub fn parse(text: &str, role: &str, accepted: &str) -> Result<Self> {
        let text = text.trim();
        let Some((scheme, rest)) = text
            .split_once("://")
            .filter(|(s, _)| super::redact::is_scheme(s))
        else {
            // Nothing of the text is echoed: without a scheme it may be
            // `user:password@host`.
            return Err(Error::invalid_input(format!(
                "{role} URL has no scheme (like sqlite://); expected one of: {accepted}"
            )));
        };
        let (location, query) = match rest.split_once('?') {
            Some((location, query)) => (location, Some(query)),
            None => (rest, None),
        };
        let (scheme, base) = match split_base(scheme) {
            Some((own, base_scheme)) => {
                let base = format!("{base_scheme}://{location}");
                match ::url::Url::parse(&base) {
                    Ok(parsed) if parsed.host_str().is_some_and(|h| !h.is_empty()) => {
                        (own, Some(parsed.as_str().trim_end_matches('/').to_owned()))
                    }
                    _ => {
                        return Err(Error::invalid_input(format!(
                            "invalid base URL {}; expected {}://HOST:PORT",
                            echo(&redact_url(text)),
                            echo(&format!("{own}+{base_scheme}"))
                        )))
                    }
                }
            }
            None => (scheme, None),
        };
        let options = query
            .map(|q| {
                ::url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(BackendUrl {
            text: text.to_owned(),
            scheme: scheme.to_owned(),
            base,
            location: location.to_owned(),
            query: query.map(str::to_owned),
            options,
        })
    }

    /// The text the URL was read from, trimmed; it may hold a password.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme, without a `+http` / `+https` base override.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The base URL of a `SCHEME+http://...` URL (`http://127.0.0.1:8080`,
    /// without the query and a trailing `/`), or `None`.
    pub fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// What follows `://` up to the first `?`, as written.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The query as written (not decoded), if the URL has a `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The text up to the first `?`: the URL without its options.
    pub fn without_query(&self) -> &str {
        self.text.split('?').next().unwrap_or_default()
    }

    /// The decoded options, for the backend to take one by one.
    pub fn options(&self) -> Options {
        Options::new(format!("{}://", self.scheme), self.options.clone())
    }

    /// [`BackendUrl::without_query`] followed by `pairs` as a query
    /// (encoded as forms are), or by nothing when `pairs` is empty: the URL
    /// a driver is handed once our own options are taken out.
    pub fn with_query(&self, pairs: &[(String, String)]) -> String {
        let mut url = self.without_query().to_owned();
        if !pairs.is_empty() {
            let query = ::url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            url.push('?');
            url.push_str(&query);
        }
        url
    }

    /// [`BackendUrl::parse`], then `InvalidInput` ([`unknown_scheme`](Self::unknown_scheme))
    /// unless the scheme is one of `schemes`: for a backend's options read
    /// from a URL of its own (`redis://`, `postgres://`). Costs what
    /// `parse` does.
    pub fn parse_scheme(text: &str, role: &str, accepted: &str, schemes: &[&str]) -> Result<Self> {
        let url = Self::parse(text, role, accepted)?;
        if !schemes.contains(&url.scheme()) {
            return Err(url.unknown_scheme(role, accepted));
        }
        Ok(url)
    }

    /// `Ok` for a URL with nothing after `://` (`memory://`, `none://`,
    /// `sample://`); else `InvalidInput`, showing what follows redacted
    /// (it may be a mistyped URL with a password in it).
    pub fn expect_nothing_after(&self, role: &str) -> Result<()> {
        if self.location.is_empty() && self.query.is_none() && self.base.is_none() {
            return Ok(());
        }
        Err(Error::invalid_input(format!(
            "a {}:// {role} takes nothing after \"://\", not {}",
            self.scheme,
            echo(&redact_url(&self.text))
        )))
    }

    /// The error for a scheme `role` does not know.
    pub fn unknown_scheme(&self, role: &str, accepted: &str) -> Error {
        let scheme = match &self.base {
            Some(base) => format!("{}+{}", self.scheme, base.split(':').next().unwrap_or("")),
            None => self.scheme.clone(),
        };
        Error::invalid_input(format!(
            "unknown {role} scheme {}; expected one of: {accepted}",
            echo(&scheme)
        ))
    }

    /// The error for a scheme this build leaves out: `InvalidInput` naming
    /// the Cargo `feature` of the `tickersense` crate that brings it.
    pub fn compiled_out(&self, role: &str, feature: &str) -> Error {
        Error::invalid_input(format!(
            "{}:// {role}s are not in this build of tickersense; enable its `{feature}` feature",
            self.scheme
        ))
    }
}

/// `("yahoo", "http")` for `yahoo+http`; `None` without a `+http` or
/// `+https` ending.
fn split_base(scheme: &str) -> Option<(&str, &str)> {
    let (own, base) = scheme.rsplit_once('+')?;
    matches!(base, "http" | "https")
        .then_some((own, base))
        .filter(|(own, _)| !own.is_empty())
}

impl fmt::Display for BackendUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&RedactedUrl(&self.text), f)
    }
}

impl fmt::Debug for BackendUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BackendUrl")
            .field(&RedactedUrl(&self.text))
            .finish()
    }
}
