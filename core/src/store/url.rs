//! A store URL, parsed once: which backend, and its options.

use std::sync::Arc;

use super::{MemoryStore, Store};
use crate::error::Result;
use crate::url::{BackendKind, BackendUrl, Parsed};

#[cfg(feature = "postgres")]
use super::{PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
use super::{SqliteOptions, SqliteStore};

/// A parsed store URL: `memory://`, `sqlite://PATH` or
/// `postgres://USER@HOST/DB`, with the backend's options read and checked
/// (`SqliteOptions`, `PostgresOptions`). Parsing does no I/O.
/// `Display` and `Debug` show the URL without its password;
/// [`Parsed::as_str`] gives it as written.
pub type StoreUrl = Parsed<StoreBackend>;

/// The backend a [`StoreUrl`] names, with its options. A backend left
/// out of the build (its Cargo feature off) has no variant: its URLs are
/// `InvalidInput` naming the feature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreBackend {
    /// `memory://`: [`MemoryStore`].
    Memory,
    /// `sqlite://PATH`: [`SqliteStore`](super::SqliteStore) (feature `sqlite`).
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteOptions),
    /// `postgres://...` or `postgresql://...`:
    /// [`PostgresStore`](super::PostgresStore) (feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres(PostgresOptions),
}

impl BackendKind for StoreBackend {
    const TYPE_NAME: &'static str = "StoreUrl";
    const ROLE: &'static str = "store";
    const ACCEPTED: &'static str = "memory://, sqlite://PATH, postgres://USER@HOST/DB";

    fn from_url(url: &BackendUrl) -> Result<Self> {
        Ok(match url.scheme() {
            "memory" => {
                url.expect_nothing_after("store")?;
                StoreBackend::Memory
            }
            #[cfg(feature = "sqlite")]
            "sqlite" => StoreBackend::Sqlite(SqliteOptions::from_url(url)?),
            #[cfg(not(feature = "sqlite"))]
            "sqlite" => return Err(url.compiled_out("store", "sqlite")),
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => StoreBackend::Postgres(PostgresOptions::from_url(url)?),
            #[cfg(not(feature = "postgres"))]
            "postgres" | "postgresql" => return Err(url.compiled_out("store", "postgres")),
            _ => return Err(url.unknown_scheme("store", Self::ACCEPTED)),
        })
    }
}

impl StoreUrl {
    /// Connects and applies (or checks) the migrations: for SQLite and
    /// PostgreSQL one connection (pool) opened and the migration table
    /// read, so one round trip or more; `memory://` allocates only.
    pub async fn connect(&self) -> Result<Arc<dyn Store>> {
        Ok(match self.backend() {
            StoreBackend::Memory => Arc::new(MemoryStore::new()),
            #[cfg(feature = "sqlite")]
            StoreBackend::Sqlite(options) => {
                Arc::new(SqliteStore::open_with(&options.path, options.migrations).await?)
            }
            #[cfg(feature = "postgres")]
            StoreBackend::Postgres(options) => Arc::new(PostgresStore::open(options).await?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn store_urls_parse_show_redacted_and_keep_their_text() {
        let memory: StoreUrl = "memory://".parse().unwrap();
        assert_eq!(memory.backend(), &StoreBackend::Memory);
        assert_eq!(memory.to_string(), "memory://");
        for bad in ["memory://prices", "mysql://x", "memory://?a=1"] {
            assert_eq!(
                StoreUrl::parse(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn a_postgres_url_hides_its_password() {
        let url = StoreUrl::parse("postgres://bob:hunter2@db/app?pool=3").unwrap();
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("db/app"), "{shown}");
        }
        assert!(url.as_str().contains("hunter2"));
        assert!(matches!(url.backend(), StoreBackend::Postgres(o) if o.pool == 3));
    }

    #[cfg(not(feature = "postgres"))]
    #[test]
    fn a_postgres_url_names_the_feature_it_needs() {
        let err = StoreUrl::parse("postgres://u@h/db").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("`postgres` feature"), "{err}");
    }

    #[cfg(not(feature = "sqlite"))]
    #[test]
    fn a_sqlite_url_names_the_feature_it_needs() {
        let err = StoreUrl::parse("sqlite://a.db").unwrap_err();
        assert!(err.message().contains("`sqlite` feature"), "{err}");
    }
}
