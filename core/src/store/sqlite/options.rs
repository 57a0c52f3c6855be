//! What a `sqlite://PATH` URL says: the file, and what to do with its schema.

use super::super::MigrationMode;
use crate::error::{Error, Result};
use crate::url::BackendUrl;

/// The options of a SQLite store URL, `sqlite://PATH[?migrations=apply|check]`.
///
/// | option | default | meaning |
/// |---|---|---|
/// | `migrations` | `apply` | `apply` the embedded migrations, or only `check` that they were applied ([`MigrationMode`]) |
///
/// The path is taken literally (no percent-decoding: file names may hold
/// `%`), with a leading `~/` standing for the `HOME` directory;
/// `sqlite://:memory:` is a private in-memory database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// The database file.
    pub path: String,
    /// Apply or only check the schema.
    pub migrations: MigrationMode,
}

impl SqliteOptions {
    /// Every option a SQLite URL takes.
    pub const KNOWN: [&'static str; 1] = [MigrationMode::OPTION];

    /// Reads the options of a parsed `sqlite://` URL. No I/O; `InvalidInput`
    /// for a missing path, an unknown option or a bad value.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        let path = url.location();
        if path.is_empty() {
            return Err(Error::invalid_input(
                "sqlite store URL needs a file path, e.g. sqlite://tickersense.db",
            ));
        }
        let mut options = url.options();
        let migrations = MigrationMode::take(&mut options)?;
        options.finish(&Self::KNOWN)?;
        Ok(SqliteOptions {
            path: home_expanded(path)?,
            migrations,
        })
    }
}

/// `path` with a leading `~/` replaced by the `HOME` directory, as a shell
/// would (`~user/` is not expanded); `InvalidInput` when `HOME` is unset.
fn home_expanded(path: &str) -> Result<String> {
    let Some(rest) = path.strip_prefix("~/") else {
        return Ok(path.to_owned());
    };
    match std::env::var_os("HOME").filter(|home| !home.is_empty()) {
        Some(home) => Ok(std::path::Path::new(&home)
            .join(rest)
            .to_string_lossy()
            .into_owned()),
        None => Err(Error::invalid_input(
            "sqlite path starts with ~/ but HOME is not set",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn parse(text: &str) -> Result<SqliteOptions> {
        SqliteOptions::from_url(&BackendUrl::parse(text, "store", "sqlite://PATH")?)
    }

    #[test]
    fn the_path_is_literal_and_migrations_optional() {
        let options = parse("sqlite://data/my%20prices.db").unwrap();
        assert_eq!(options.path, "data/my%20prices.db");
        assert_eq!(options.migrations, MigrationMode::Apply);
        assert_eq!(
            parse("sqlite://a.db?migrations=check").unwrap().migrations,
            MigrationMode::Check
        );
        assert_eq!(parse("sqlite://:memory:").unwrap().path, ":memory:");
    }

    #[test]
    fn a_missing_path_or_unknown_option_is_refused() {
        for bad in [
            "sqlite://",
            "sqlite://?migrations=check",
            "sqlite://a.db?migration=check",
            "sqlite://a.db?pool=2",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        }
        let err = parse("sqlite://a.db?pool=2").unwrap_err();
        assert!(err.message().contains("known: migrations"), "{err}");
    }
}
