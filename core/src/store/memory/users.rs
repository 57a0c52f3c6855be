use std::collections::HashMap;

use async_trait::async_trait;
use chrono::Utc;

use super::MemoryStore;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    check_password_hash, normalize_email, normalize_name, Credentials, NewUser, Symbol, User,
    UserId, WatchlistItem,
};
use crate::store::UserStore;

/// Users of a [`MemoryStore`]. Both maps sit behind the one lock, so the
/// email index, the accounts and their watchlists change together.
#[derive(Default)]
pub(super) struct UserTables {
    accounts: HashMap<UserId, Account>,
    ids_by_email: HashMap<String, UserId>,
}

struct Account {
    user: User,
    password_hash: String,
    // Insertion order is oldest first; a watchlist is a handful of symbols,
    // so the linear scans for duplicates cost less than a second index.
    watchlist: Vec<WatchlistItem>,
}

fn no_user() -> Error {
    Error::not_found("user not found")
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(&self, new: &NewUser) -> Result<User> {
        let new = new.normalized()?;
        let mut tables = write!(self.users);
        if tables.ids_by_email.contains_key(&new.email) {
            return Err(Error::new(ErrorKind::Conflict, "email already registered"));
        }
        let now = Utc::now();
        let user = User {
            id: UserId::generate(),
            email: new.email,
            first_name: new.first_name,
            last_name: new.last_name,
            created_at: now,
            updated_at: now,
        };
        tables.ids_by_email.insert(user.email.clone(), user.id);
        tables.accounts.insert(
            user.id,
            Account {
                user: user.clone(),
                password_hash: new.password_hash,
                watchlist: Vec::new(),
            },
        );
        Ok(user)
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>> {
        Ok(read!(self.users).accounts.get(id).map(|a| a.user.clone()))
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        let email = normalize_email(email)?;
        let tables = read!(self.users);
        Ok(tables
            .ids_by_email
            .get(&email)
            .and_then(|id| tables.accounts.get(id))
            .map(|a| Credentials {
                user: a.user.clone(),
                password_hash: a.password_hash.clone(),
            }))
    }

    async fn update_profile(
        &self,
        id: &UserId,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<User> {
        let first_name = normalize_name("first name", first_name)?;
        let last_name = normalize_name("last name", last_name)?;
        let mut tables = write!(self.users);
        let account = tables.accounts.get_mut(id).ok_or_else(no_user)?;
        let user = &mut account.user;
        user.first_name = first_name;
        user.last_name = last_name;
        // A clock stepped back must not make the profile look older.
        user.updated_at = Utc::now().max(user.updated_at);
        Ok(user.clone())
    }

    async fn set_password_hash(&self, id: &UserId, password_hash: &str) -> Result<()> {
        let password_hash = check_password_hash(password_hash)?;
        let mut tables = write!(self.users);
        let account = tables.accounts.get_mut(id).ok_or_else(no_user)?;
        password_hash.clone_into(&mut account.password_hash);
        Ok(())
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool> {
        let mut tables = write!(self.users);
        let Some(account) = tables.accounts.remove(id) else {
            return Ok(false);
        };
        tables.ids_by_email.remove(&account.user.email);
        Ok(true)
    }

    async fn add_to_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<WatchlistItem> {
        let mut tables = write!(self.users);
        let account = tables.accounts.get_mut(id).ok_or_else(no_user)?;
        if account.watchlist.iter().any(|item| &item.symbol == symbol) {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("{symbol} is already in watchlist"),
            ));
        }
        let item = WatchlistItem {
            symbol: symbol.clone(),
            added_at: Utc::now(),
        };
        account.watchlist.push(item.clone());
        Ok(item)
    }

    async fn remove_from_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<()> {
        let mut tables = write!(self.users);
        let position = tables.accounts.get_mut(id).and_then(|account| {
            let at = account
                .watchlist
                .iter()
                .position(|item| &item.symbol == symbol)?;
            Some((account, at))
        });
        let Some((account, at)) = position else {
            return Err(Error::not_found(format!("{symbol} is not in watchlist")));
        };
        // `remove`, not `swap_remove`: the rest must stay oldest first.
        account.watchlist.remove(at);
        Ok(())
    }

    async fn watchlist(&self, id: &UserId) -> Result<Vec<WatchlistItem>> {
        Ok(read!(self.users)
            .accounts
            .get(id)
            .map(|a| a.watchlist.clone())
            .unwrap_or_default())
    }
}
