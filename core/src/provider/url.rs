//! A market-data URL, parsed once: which provider, and its options.

use std::sync::Arc;

use super::{Csv, CsvOptions, MarketData, Sample};
use crate::error::Result;
use crate::resilience::ResiliencePolicy;
use crate::url::{BackendKind, BackendUrl, Parsed};

#[cfg(feature = "yahoo")]
use super::{Yahoo, YahooOptions};

/// A parsed market-data URL: `sample://`, `yahoo://`,
/// `yahoo+http://HOST:PORT` or `csv://DIR`, with the provider's options
/// read and checked. Parsing does no I/O. `Display` and `Debug` show the
/// URL without its password; [`Parsed::as_str`] gives it as written.
pub type ProviderUrl = Parsed<ProviderBackend>;

/// The provider a [`ProviderUrl`] names, with its options. Without the
/// `yahoo` feature the Yahoo variant is gone and its URLs are
/// `InvalidInput` naming the feature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProviderBackend {
    /// `sample://`: the built-in synthetic provider, [`Sample`].
    Sample,
    /// `yahoo://` or `yahoo+http(s)://...`: [`Yahoo`](super::Yahoo).
    #[cfg(feature = "yahoo")]
    Yahoo(YahooOptions),
    /// `csv://DIR`: CSV files in a folder, [`Csv`].
    Csv(CsvOptions),
}

impl BackendKind for ProviderBackend {
    const TYPE_NAME: &'static str = "ProviderUrl";
    const ROLE: &'static str = "market data";
    const ACCEPTED: &'static str = "sample://, yahoo://, yahoo+http://HOST:PORT, csv://DIR";

    fn from_url(url: &BackendUrl) -> Result<Self> {
        Ok(match url.scheme() {
            "sample" if url.base().is_none() => {
                url.expect_nothing_after("market data source")?;
                ProviderBackend::Sample
            }
            #[cfg(feature = "yahoo")]
            "yahoo" => ProviderBackend::Yahoo(YahooOptions::from_url(url)?),
            #[cfg(not(feature = "yahoo"))]
            "yahoo" => return Err(url.compiled_out("market data source", "yahoo")),
            "csv" if url.base().is_none() => ProviderBackend::Csv(CsvOptions::from_url(url)?),
            _ => return Err(url.unknown_scheme("market data", Self::ACCEPTED)),
        })
    }
}

impl ProviderUrl {
    /// Builds the provider; HTTP providers follow `policy`, with the URL's
    /// own options in place of the policy's. No I/O.
    pub fn connect(&self, policy: ResiliencePolicy) -> Result<Arc<dyn MarketData>> {
        let _ = &policy;
        Ok(match self.backend() {
            ProviderBackend::Sample => Arc::new(Sample::new()),
            #[cfg(feature = "yahoo")]
            ProviderBackend::Yahoo(options) => {
                let mut policy = policy;
                if let Some(limit) = options.max_body_bytes {
                    policy.max_body_bytes = limit;
                }
                match &options.base {
                    None => Arc::new(Yahoo::public(policy)?),
                    Some(base) => Arc::new(Yahoo::at(base, policy)?),
                }
            }
            ProviderBackend::Csv(options) => Arc::new(Csv::with_options(options)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    /// The error parsing `text` gives, which must be `InvalidInput`.
    fn refused(text: &str) -> crate::Error {
        let err = ProviderUrl::parse(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
        err
    }

    #[test]
    fn urls_parse() {
        assert_eq!(
            ProviderUrl::parse("sample://").unwrap().backend(),
            &ProviderBackend::Sample
        );
        match ProviderUrl::parse("csv://data/prices?tz=America%2FNew_York")
            .unwrap()
            .backend()
        {
            ProviderBackend::Csv(options) => {
                assert_eq!(options.dir, "data/prices");
                assert_eq!(options.zone, Some(chrono_tz::America::New_York));
            }
            other => panic!("{other:?}"),
        }
        for bad in ["csv://", "ftp://x", "sample+http://h:1", "csv+http://h:1"] {
            refused(bad);
        }
        let err = refused("csv://d?zone=UTC");
        assert!(err.message().contains("known: tz"), "{err}");
    }

    #[cfg(feature = "yahoo")]
    #[test]
    fn yahoo_urls_take_a_base_and_max_body_and_nothing_else() {
        let yahoo = |text: &str| match ProviderUrl::parse(text).unwrap().backend() {
            ProviderBackend::Yahoo(options) => options.clone(),
            other => panic!("{other:?}"),
        };
        let public = yahoo("yahoo://");
        assert_eq!((public.base, public.max_body_bytes), (None, None));
        let local = yahoo("yahoo+http://127.0.0.1:8080");
        assert_eq!(local.base.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            yahoo("yahoo://?max_body=1048576").max_body_bytes,
            Some(1 << 20)
        );
        let local = yahoo("yahoo+http://127.0.0.1:8080/?max_body=4096");
        assert_eq!(local.base.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(local.max_body_bytes, Some(4096));
        for bad in [
            "yahoo://example.com",
            "yahoo+http://",
            "yahoo://?max_body=0",
            "yahoo://?max_body=lots",
            "yahoo://?maxbody=10",
            "yahoo+http://127.0.0.1:8080?max_body=-1",
            "yahoo+http://127.0.0.1:8080?crumb=x",
            "yahoo://?max_body=1&max_body=2",
        ] {
            refused(bad);
        }
        let err = refused("yahoo://?maxbody=10");
        assert!(err.message().contains("known: max_body"), "{err}");
        let err = refused("yahoo+http://bob:secret@");
        assert!(!err.message().contains("secret"), "{}", err.message());
    }

    #[cfg(feature = "yahoo")]
    #[test]
    fn display_and_debug_hide_passwords() {
        let url = ProviderUrl::parse("yahoo+http://bob:hunter2@127.0.0.1:8080").unwrap();
        for shown in [format!("{url:?}"), url.to_string()] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("127.0.0.1:8080"), "{shown}");
        }
        assert!(url.as_str().contains("hunter2"));
    }

    #[cfg(not(feature = "yahoo"))]
    #[test]
    fn yahoo_urls_name_the_feature_they_need() {
        let err = ProviderUrl::parse("yahoo://").unwrap_err();
        assert!(err.message().contains("`yahoo` feature"), "{err}");
    }
}
