use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::error::ErrorKind as DbErrorKind;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_ms, to_ms, SqliteStore};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    check_password_hash, normalize_email, normalize_name, Credentials, NewUser, Symbol, User,
    UserId, WatchlistItem,
};
use crate::store::on_violation;
use crate::store::UserStore;

/// Now, cut to the milliseconds SQLite keeps, so what a write returns equals
/// what a later read gives.
fn now() -> Result<DateTime<Utc>> {
    from_ms(to_ms(Utc::now()))
}

fn no_user() -> Error {
    Error::not_found("user not found")
}

fn user_from_row(row: &SqliteRow) -> Result<User> {
    let id: &str = row.try_get("id")?;
    Ok(User {
        id: UserId::parse(id).map_err(|_| Error::internal("stored user id is not a UUID"))?,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        created_at: from_ms(row.try_get("created_at_ms")?)?,
        updated_at: from_ms(row.try_get("updated_at_ms")?)?,
    })
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, new: &NewUser) -> Result<User> {
        let new = new.normalized()?;
        let now = now()?;
        let user = User {
            id: UserId::generate(),
            email: new.email,
            first_name: new.first_name,
            last_name: new.last_name,
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, first_name, last_name, created_at_ms, updated_at_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(user.id.to_string())
        .bind(&user.email)
        .bind(&new.password_hash)
        .bind(&user.first_name)
        .bind(&user.last_name)
        .bind(to_ms(now))
        .bind(to_ms(now))
        .execute(&self.pool)
        .await
        .map_err(|err| {
            on_violation(err, |kind| {
                (kind == DbErrorKind::UniqueViolation)
                    .then(|| Error::new(ErrorKind::Conflict, "email already registered"))
            })
        })?;
        Ok(user)
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, email, first_name, last_name, created_at_ms, updated_at_ms \
             FROM users WHERE id = ?",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        let email = normalize_email(email)?;
        let row = sqlx::query(
            "SELECT id, email, first_name, last_name, created_at_ms, updated_at_ms, password_hash \
             FROM users WHERE email = ?",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Credentials {
                user: user_from_row(&row)?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn update_profile(
        &self,
        id: &UserId,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<User> {
        let first_name = normalize_name("first name", first_name)?;
        let last_name = normalize_name("last name", last_name)?;
        // MAX: a clock stepped back must not make the profile look older.
        let row = sqlx::query(
            "UPDATE users SET first_name = ?, last_name = ?, updated_at_ms = MAX(updated_at_ms, ?) \
             WHERE id = ? \
             RETURNING id, email, first_name, last_name, created_at_ms, updated_at_ms",
        )
        .bind(first_name)
        .bind(last_name)
        .bind(to_ms(Utc::now()))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(user_from_row)
            .transpose()?
            .ok_or_else(no_user)
    }

    async fn set_password_hash(&self, id: &UserId, password_hash: &str) -> Result<()> {
        let password_hash = check_password_hash(password_hash)?;
        let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(no_user());
        }
        Ok(())
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_to_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<WatchlistItem> {
        let added_at = now()?;
        sqlx::query("INSERT INTO watchlists (user_id, symbol, added_at_ms) VALUES (?, ?, ?)")
            .bind(id.to_string())
            .bind(symbol.as_str())
            .bind(to_ms(added_at))
            .execute(&self.pool)
            .await
            .map_err(|err| {
                on_violation(err, |kind| match kind {
                    DbErrorKind::UniqueViolation => Some(Error::new(
                        ErrorKind::Conflict,
                        format!("{symbol} is already in watchlist"),
                    )),
                    DbErrorKind::ForeignKeyViolation => Some(no_user()),
                    _ => None,
                })
            })?;
        Ok(WatchlistItem {
            symbol: symbol.clone(),
            added_at,
        })
    }

    async fn remove_from_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<()> {
        let done = sqlx::query("DELETE FROM watchlists WHERE user_id = ? AND symbol = ?")
            .bind(id.to_string())
            .bind(symbol.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found(format!("{symbol} is not in watchlist")));
        }
        Ok(())
    }

    async fn watchlist(&self, id: &UserId) -> Result<Vec<WatchlistItem>> {
        let rows = sqlx::query(
            "SELECT symbol, added_at_ms FROM watchlists WHERE user_id = ? ORDER BY added_at_ms, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WatchlistItem {
                    symbol: Symbol::parse(row.try_get("symbol")?)?,
                    added_at: from_ms(row.try_get("added_at_ms")?)?,
                })
            })
            .collect()
    }
}
