//! `yahoo-news://`: a skeleton, to be built.

use std::sync::Arc;

use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// What a `yahoo-news://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YahooNewsOptions {
    /// `yahoo-news+http://HOST:PORT`: Yahoo's search API at this base.
    pub base: Option<String>,
}

impl YahooNewsOptions {
    /// Reads the URL. No I/O.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let _ = url;
        Err(crate::Error::invalid_input(
            "yahoo-news:// is not built yet",
        ))
    }
}

/// Builds the source. No I/O.
pub(super) fn connect(
    options: &YahooNewsOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let _ = (options, credentials, policy);
    Ok(Arc::new(NotConfigured::new("yahoo_news", "not built yet")))
}
