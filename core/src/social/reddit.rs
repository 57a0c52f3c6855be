//! `reddit://`: a skeleton, to be built.

use std::sync::Arc;

use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// What a `reddit://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedditOptions {
    /// `reddit+http://HOST:PORT`: the API (and token endpoint) at this base.
    pub base: Option<String>,
    /// `?subreddits=a,b`: search only these subreddits; all of Reddit when empty.
    pub subreddits: Vec<String>,
}

impl RedditOptions {
    /// Reads the URL. No I/O.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let _ = url;
        Err(crate::Error::invalid_input("reddit:// is not built yet"))
    }
}

/// Builds the source. No I/O.
pub(super) fn connect(
    options: &RedditOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let _ = (options, credentials, policy);
    Ok(Arc::new(NotConfigured::new("reddit", "not built yet")))
}
