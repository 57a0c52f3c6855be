//! What a store does with its schema when it connects: apply the embedded
//! migrations (the default) or only check that they have been applied, for
//! deployments where schema changes go through a separate, reviewed step.

use std::str::FromStr;

use crate::error::{Error, Result};
use crate::url::Options;

/// The store URL's `migrations=` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MigrationMode {
    /// `migrations=apply` (default): run the migrations not yet applied.
    #[default]
    Apply,
    /// `migrations=check`: change nothing; fail with `Unavailable` when the
    /// database lacks a migration this version needs.
    Check,
}

impl MigrationMode {
    /// The URL option naming the mode.
    pub const OPTION: &'static str = "migrations";

    /// The mode a store URL's options ask for ([`MigrationMode::Apply`]
    /// when they name none), taken out of `options`.
    pub fn take(options: &mut Options) -> Result<Self> {
        Ok(options
            .take_parsed(Self::OPTION, "apply or check", |_: &MigrationMode| true)?
            .unwrap_or_default())
    }
}

impl FromStr for MigrationMode {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text {
            "apply" => Ok(MigrationMode::Apply),
            "check" => Ok(MigrationMode::Check),
            other => Err(Error::invalid_input(format!(
                "migrations={} is not apply or check",
                crate::error::echo(other)
            ))),
        }
    }
}

/// Compares the migrations recorded in the database (`applied`: version and
/// checksum of each successful one) with those compiled in.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn check_applied(
    migrator: &sqlx::migrate::Migrator,
    applied: &[(i64, Vec<u8>)],
    backend: &str,
) -> Result<()> {
    let needed: Vec<_> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    let missing: Vec<String> = needed
        .iter()
        .filter(|m| !applied.iter().any(|(version, _)| *version == m.version))
        .map(|m| format!("{} ({})", m.version, m.description))
        .collect();
    if !missing.is_empty() {
        return Err(Error::unavailable(format!(
            "the {backend} schema lacks migrations {}; connect once with migrations=apply, \
             or apply them with your own tooling",
            missing.join(", ")
        )));
    }
    let changed: Vec<String> = needed
        .iter()
        .filter(|m| {
            applied
                .iter()
                .any(|(version, sum)| *version == m.version && sum[..] != m.checksum[..])
        })
        .map(|m| m.version.to_string())
        .collect();
    if !changed.is_empty() {
        return Err(Error::unavailable(format!(
            "the {backend} schema was migrated with different versions of migrations {}",
            changed.join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::BackendUrl;

    fn mode(url: &str) -> Result<MigrationMode> {
        MigrationMode::take(&mut BackendUrl::parse(url, "store", "")?.options())
    }

    #[test]
    fn the_mode_is_read_from_the_options() {
        assert_eq!(
            mode("postgres://u@h/db?sslmode=disable&migrations=check").unwrap(),
            MigrationMode::Check
        );
        assert_eq!(
            mode("sqlite://a.db?migrations=apply").unwrap(),
            MigrationMode::Apply
        );
        assert_eq!(mode("postgres://u@h/db").unwrap(), MigrationMode::Apply);
        let err = mode("sqlite://a.db?migrations=later").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(err.message().contains("apply or check"), "{err}");
        assert!(mode("sqlite://a.db?migrations=check&migrations=apply").is_err());
    }
}
