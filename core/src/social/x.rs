//! `x://`: a skeleton, to be built.

use std::sync::Arc;

use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// What a `x://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XOptions {
    /// `x+http://HOST:PORT`: the API at this base.
    pub base: Option<String>,
}

impl XOptions {
    /// Reads the URL. No I/O.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let _ = url;
        Err(crate::Error::invalid_input("x:// is not built yet"))
    }
}

/// Builds the source. No I/O.
pub(super) fn connect(
    options: &XOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let _ = (options, credentials, policy);
    Ok(Arc::new(NotConfigured::new("x", "not built yet")))
}
