//! What an `x://` or `x+http://HOST:PORT` URL says.

use crate::error::{Error, Result};
use crate::url::{BackendUrl, RedactedUrl};

/// What an `x://` URL says: `x://` (the public API, `https://api.x.com`)
/// or `x+http://HOST:PORT` (the same API at that base: replay servers,
/// tests). It takes no options: any is `InvalidInput`. Its `Debug` form
/// hides a password in the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct XOptions {
    /// `x+http://HOST:PORT`: the API at this base.
    pub base: Option<String>,
}

impl XOptions {
    /// Every option an X URL takes: none.
    pub const KNOWN: [&'static str; 0] = [];

    /// Reads a parsed `x://` or `x+http(s)://` URL. No I/O; `InvalidInput`
    /// for a host after `x://` or any option.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        if url.base().is_none() && !url.location().trim_matches('/').is_empty() {
            return Err(Error::invalid_input(
                "x:// takes no host; use x+http://HOST:PORT for another base URL",
            ));
        }
        url.options().finish(&Self::KNOWN)?;
        Ok(XOptions {
            base: url.base().map(str::to_owned),
        })
    }
}

impl std::fmt::Debug for XOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XOptions")
            .field("base", &self.base.as_deref().map(RedactedUrl))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::social::{SourceBackend, SourceUrl};
    use crate::ErrorKind;

    use super::*;

    fn options(url: &str) -> Result<XOptions> {
        match SourceUrl::parse(url)?.backend() {
            SourceBackend::X(options) => Ok(options.clone()),
            other => panic!("{url} gave {other:?}"),
        }
    }

    #[test]
    fn public_api_and_a_base_override() {
        assert_eq!(options("x://").unwrap(), XOptions { base: None });
        assert_eq!(
            options("x+http://127.0.0.1:8080/").unwrap().base.as_deref(),
            Some("http://127.0.0.1:8080")
        );
        let err = options("x://api.x.com").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("takes no host"), "{}", err.message());
    }

    #[test]
    fn options_are_refused() {
        let err = options("x://?max_results=50").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("max_results"), "{}", err.message());
        assert!(err.message().contains("it takes none"), "{}", err.message());
    }

    #[test]
    fn debug_hides_a_password_in_the_base() {
        let shown = format!("{:?}", options("x+https://u:hunter2@127.0.0.1:1").unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
