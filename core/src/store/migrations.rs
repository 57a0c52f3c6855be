//! What a store does with its schema when it connects: apply the embedded
//! migrations (the default) or only check that they have been applied, for
//! deployments where schema changes go through a separate, reviewed step.

use sqlx::migrate::Migrator;

use crate::error::{Error, Result};

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

/// The store URL without our own `migrations=` parameter (the database
/// driver must not see it) and the mode it asked for.
pub(crate) fn split_migration_mode(url: &str) -> Result<(String, MigrationMode)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), MigrationMode::Apply));
    };
    let mut mode = MigrationMode::Apply;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("migrations", "apply")) => mode = MigrationMode::Apply,
            Some(("migrations", "check")) => mode = MigrationMode::Check,
            Some(("migrations", other)) => {
                return Err(Error::invalid_input(format!(
                    "store URL parameter migrations={} is not apply or check",
                    crate::error::echo(other)
                )))
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, mode))
}

/// Compares the migrations recorded in the database (`applied`: version and
/// checksum of each successful one) with those compiled in.
pub(crate) fn check_applied(
    migrator: &Migrator,
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

    #[test]
    fn the_mode_is_taken_out_of_the_url() {
        let (url, mode) =
            split_migration_mode("postgres://u@h/db?sslmode=disable&migrations=check").unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=disable");
        assert_eq!(mode, MigrationMode::Check);
        let (url, mode) = split_migration_mode("sqlite://a.db?migrations=apply").unwrap();
        assert_eq!(
            (url.as_str(), mode),
            ("sqlite://a.db", MigrationMode::Apply)
        );
        let (url, mode) = split_migration_mode("postgres://u@h/db").unwrap();
        assert_eq!(
            (url.as_str(), mode),
            ("postgres://u@h/db", MigrationMode::Apply)
        );
        let err = split_migration_mode("sqlite://a.db?migrations=later").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
    }
}
