//! `feed://`: a skeleton, to be built.

use std::sync::Arc;

use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// What a `feed://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOptions {
    /// The feed's URL as written after `feed+`, with `{symbol}` where the
    /// symbol goes (`https://host/rss?s={symbol}`).
    pub template: String,
}

impl FeedOptions {
    /// Reads the URL. No I/O.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let _ = url;
        Err(crate::Error::invalid_input("feed:// is not built yet"))
    }
}

/// Builds the source. No I/O.
pub(super) fn connect(
    options: &FeedOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let _ = (options, credentials, policy);
    Ok(Arc::new(NotConfigured::new("feed", "not built yet")))
}
