//! `file://`: a skeleton, to be built.

use std::sync::Arc;

use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// What a `file://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOptions {
    /// The JSON Lines file, one post a line.
    pub path: std::path::PathBuf,
}

impl FileOptions {
    /// Reads the URL. No I/O.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let _ = url;
        Err(crate::Error::invalid_input("file:// is not built yet"))
    }
}

/// Builds the source. No I/O.
pub(super) fn connect(
    options: &FileOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let _ = (options, credentials, policy);
    Ok(Arc::new(NotConfigured::new("file", "not built yet")))
}
