//! A backend URL together with what a backend read from it.

use std::fmt;
use std::str::FromStr;

use super::{BackendUrl, RedactedUrl};
use crate::error::{Error, Result};

/// A family of backends chosen by URL (the stores, the caches, the
/// market-data providers, the social sources): what its knob is called,
/// what it accepts, and how one of its backends reads its options.
///
/// Each family implements it on its own backend enum, so each backend keeps
/// owning its options; [`Parsed`] does the rest.
pub trait BackendKind: Sized + fmt::Debug {
    /// The name of the parsed type, shown by `Debug` (`"StoreUrl"`).
    const TYPE_NAME: &'static str;
    /// The knob, for messages (`"store"`, `"cache"`, `"market data"`).
    const ROLE: &'static str;
    /// What the knob accepts, for messages (`"memory://, sqlite://PATH"`).
    const ACCEPTED: &'static str;

    /// Picks the backend `url` names and reads its options, without I/O;
    /// `InvalidInput` for an unknown scheme, option or value.
    fn from_url(url: &BackendUrl) -> Result<Self>;
}

/// A backend URL parsed once: the [`BackendUrl`] it was read from and the
/// backend `B` it names, with that backend's options read and checked.
///
/// `Display` and `Debug` show the URL without its password;
/// [`Parsed::as_str`] gives it as written.
#[derive(Clone, PartialEq, Eq)]
pub struct Parsed<B> {
    url: BackendUrl,
    backend: B,
}

impl<B: BackendKind> Parsed<B> {
    /// Parses `text` (trimmed) and the options of the backend it names,
    /// without any I/O; `InvalidInput` for a missing or unknown scheme, an
    /// unknown option, a bad value, or a backend this build leaves out.
    /// Costs one pass over the text and the backend's option reads.
    pub fn parse(text: &str) -> Result<Self> {
        let url = BackendUrl::parse(text, B::ROLE, B::ACCEPTED)?;
        let backend = B::from_url(&url)?;
        Ok(Parsed { url, backend })
    }
}

impl<B> Parsed<B> {
    /// The URL as written (trimmed); it may hold a password. O(1).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The backend and its options. O(1).
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

impl<B: BackendKind> FromStr for Parsed<B> {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

impl<B> fmt::Display for Parsed<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.url, f)
    }
}

impl<B: BackendKind> fmt::Debug for Parsed<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(B::TYPE_NAME)
            .field("url", &RedactedUrl(self.url.as_str()))
            .field("backend", &self.backend)
            .finish()
    }
}
