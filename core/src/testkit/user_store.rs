//! The [`UserStore`] suite: registration, lookups, profile and password
//! updates, watchlists and deletion.

use std::sync::Arc;
use std::time::Duration;

use super::run::{ensure, fails_with, run_tag, Called, Suite};
use super::Report;
use crate::model::{NewUser, Symbol, User, UserId};
use crate::store::UserStore;
use crate::ErrorKind;

const HASH: &str = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const REHASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$qKXOHmE1Co4v0n5Rj2X7xA";

/// Runs every [`UserStore`] check on `store` and reports each.
///
/// The store need not be empty: every check registers users with emails of
/// its own (`…@example.com`, unique per run). Costs some 60 one-statement
/// calls and a 5 ms pause (so an update's `updated_at` can move).
pub async fn user_store(store: Arc<dyn UserStore>) -> Report {
    let store = &*store;
    let tag = run_tag().to_ascii_lowercase();
    let email = |who: &str| format!("{who}.{tag}@example.com");
    let unknown = UserId::generate();
    let mut suite = Suite::new("user_store", "");

    suite
        .check("create_normalises_and_reads_back", async {
            let new = NewUser::new(format!("  Ann.Lee.{tag}@Example.COM "), HASH)
                .with_names(Some("  Ann "), Some("Lee"));
            let ann = store.create_user(&new).await.called("create_user")?;
            ensure!(
                ann.email == email("ann.lee"),
                "the email should be stored trimmed and lower-case; got {:?}",
                ann.email
            );
            ensure!(
                (ann.first_name.as_deref(), ann.last_name.as_deref()) == (Some("Ann"), Some("Lee")),
                "the names should be stored trimmed; got {:?} {:?}",
                ann.first_name,
                ann.last_name
            );
            ensure!(
                ann.created_at == ann.updated_at,
                "created_at and updated_at differ on a new user"
            );
            let back = store.user(&ann.id).await.called("user")?;
            ensure!(
                back.as_ref() == Some(&ann),
                "the user read back as {back:?}, created as {ann:?}"
            );
            let nobody = store.user(&unknown).await.called("user")?;
            ensure!(nobody.is_none(), "an unknown id found {nobody:?}");
            Ok(())
        })
        .await;

    suite
        .check("credentials_by_email_ignore_case_and_space", async {
            let bea = register(store, &email("bea"), HASH).await?;
            let creds = store
                .credentials_by_email(&format!(" {}", email("BEA").to_uppercase()))
                .await
                .called("credentials_by_email")?;
            let creds = creds.ok_or("the email in capitals with a leading space found nobody")?;
            ensure!(
                creds.user == bea,
                "found {:?}, registered {bea:?}",
                creds.user
            );
            ensure!(
                creds.password_hash == HASH,
                "the stored hash came back changed"
            );
            let shown = format!("{creds:?}");
            ensure!(
                !shown.contains(HASH),
                "the hash shows in the credentials' Debug form"
            );
            let nobody = store
                .credentials_by_email(&email("nobody"))
                .await
                .called("credentials_by_email")?;
            ensure!(nobody.is_none(), "an unregistered email found {nobody:?}");
            Ok(())
        })
        .await;

    suite
        .check("a_taken_email_conflicts", async {
            register(store, &email("cat"), HASH).await?;
            let again = store.create_user(&NewUser::new(email("CAT").to_uppercase(), "other-hash")).await;
            match again {
                Err(err) if err.kind() == ErrorKind::Conflict && err.message() == "email already registered" => Ok(()),
                other => Err(format!(
                    "registering a taken email in capitals should be Conflict \"email already registered\"; got {other:?}"
                )),
            }
        })
        .await;

    suite
        .check("bad_input_is_refused_and_not_written", async {
            for bad in [
                "",
                "ann",
                "ann@",
                "@example.com",
                "a@b@c.com",
                "ann lee@example.com",
            ] {
                let err = store.create_user(&NewUser::new(bad, HASH)).await.err();
                ensure!(
                    err.as_ref().map(|e| e.kind()) == Some(ErrorKind::InvalidInput),
                    "the email {bad:?} should be InvalidInput; got {err:?}"
                );
                ensure!(
                    !err.is_some_and(|e| e.message().contains(HASH)),
                    "the refusal of {bad:?} quotes the hash"
                );
            }
            let blank_hash = store.create_user(&NewUser::new(email("blank"), " ")).await;
            ensure!(
                fails_with(&blank_hash, ErrorKind::InvalidInput),
                "a blank password hash should be InvalidInput; got {blank_hash:?}"
            );
            let long_name = "x".repeat(User::NAME_MAX_CHARS + 1);
            let long = store
                .create_user(&NewUser::new(email("long"), HASH).with_names(Some(&long_name), None))
                .await;
            ensure!(
                fails_with(&long, ErrorKind::InvalidInput),
                "a first name of {} characters should be InvalidInput; got {long:?}",
                User::NAME_MAX_CHARS + 1
            );
            let not_email = store.credentials_by_email("not an email").await;
            ensure!(
                fails_with(&not_email, ErrorKind::InvalidInput),
                "looking up \"not an email\" should be InvalidInput; got {not_email:?}"
            );
            for refused in [email("blank"), email("long")] {
                let found = store
                    .credentials_by_email(&refused)
                    .await
                    .called("credentials_by_email")?;
                ensure!(
                    found.is_none(),
                    "a refused registration was written: {refused}"
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("update_profile_sets_names_and_bumps_updated_at", async {
            let dan = register(store, &email("dan"), HASH).await?;
            tokio::time::sleep(Duration::from_millis(5)).await;
            let renamed = store
                .update_profile(&dan.id, Some(" Danny "), None)
                .await
                .called("update_profile")?;
            ensure!(
                (renamed.first_name.as_deref(), renamed.last_name.as_deref())
                    == (Some("Danny"), None),
                "names set to \" Danny \" and none read back as {:?} {:?}",
                renamed.first_name,
                renamed.last_name
            );
            ensure!(
                renamed.email == dan.email && renamed.created_at == dan.created_at,
                "an update changed the email or created_at"
            );
            ensure!(
                renamed.updated_at > dan.updated_at,
                "updated_at did not move: {renamed:?}"
            );
            let back = store.user(&dan.id).await.called("user")?;
            ensure!(
                back.as_ref() == Some(&renamed),
                "the update returned {renamed:?} but stored {back:?}"
            );
            let nobody = store.update_profile(&unknown, Some("Nobody"), None).await;
            ensure!(
                fails_with(&nobody, ErrorKind::NotFound),
                "updating an unknown user should be NotFound; got {nobody:?}"
            );
            let long_name = "x".repeat(User::NAME_MAX_CHARS + 1);
            let long = store.update_profile(&dan.id, Some(&long_name), None).await;
            ensure!(
                fails_with(&long, ErrorKind::InvalidInput),
                "an over-long name should be InvalidInput; got {long:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("set_password_hash_replaces_the_hash", async {
            let eve = register(store, &email("eve"), HASH).await?;
            store
                .set_password_hash(&eve.id, REHASH)
                .await
                .called("set_password_hash")?;
            let creds = store
                .credentials_by_email(&eve.email)
                .await
                .called("credentials_by_email")?;
            let creds = creds.ok_or("the user is gone after a rehash")?;
            ensure!(
                creds.password_hash == REHASH,
                "the new hash did not replace the old one"
            );
            ensure!(
                creds.user == eve,
                "a rehash changed the user (updated_at stays): {:?}",
                creds.user
            );
            let nobody = store.set_password_hash(&unknown, REHASH).await;
            ensure!(
                fails_with(&nobody, ErrorKind::NotFound),
                "rehashing an unknown user should be NotFound; got {nobody:?}"
            );
            let empty = store.set_password_hash(&eve.id, "").await;
            ensure!(
                fails_with(&empty, ErrorKind::InvalidInput),
                "an empty hash should be InvalidInput; got {empty:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("watchlist_keeps_order_and_each_symbol_once", async {
            let fay = register(store, &email("fay"), HASH).await?;
            let empty = store.watchlist(&fay.id).await.called("watchlist")?;
            ensure!(empty.is_empty(), "a new user's watchlist holds {empty:?}");
            let first = store
                .add_to_watchlist(&fay.id, &sym("aapl")?)
                .await
                .called("add_to_watchlist")?;
            ensure!(
                first.symbol.as_str() == "AAPL",
                "added aapl, got back {}",
                first.symbol
            );
            for s in ["MSFT", "^GSPC", "EURUSD=X"] {
                store
                    .add_to_watchlist(&fay.id, &sym(s)?)
                    .await
                    .called("add_to_watchlist")?;
            }
            let items = store.watchlist(&fay.id).await.called("watchlist")?;
            ensure!(
                items.first() == Some(&first),
                "the first entry read back as {:?}, added as {first:?}",
                items.first()
            );
            ensure!(
                items.windows(2).all(|w| w[0].added_at <= w[1].added_at),
                "entries are not oldest first"
            );
            let listed = symbols(store, &fay.id).await?;
            ensure!(
                listed == ["AAPL", "MSFT", "^GSPC", "EURUSD=X"],
                "four symbols added in order read back as {listed:?}"
            );
            let again = store.add_to_watchlist(&fay.id, &sym("AAPL")?).await;
            ensure!(
                again
                    .as_ref()
                    .err()
                    .is_some_and(|e| e.kind() == ErrorKind::Conflict
                        && e.message().contains("already in watchlist")),
                "adding AAPL twice should be Conflict \"... already in watchlist\"; got {again:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("watchlist_of_an_unknown_user", async {
            let add = store.add_to_watchlist(&unknown, &sym("AAPL")?).await;
            ensure!(
                fails_with(&add, ErrorKind::NotFound),
                "adding to an unknown user's watchlist should be NotFound; got {add:?}"
            );
            let list = store.watchlist(&unknown).await.called("watchlist")?;
            ensure!(
                list.is_empty(),
                "an unknown user's watchlist holds {list:?}"
            );
            let remove = store.remove_from_watchlist(&unknown, &sym("AAPL")?).await;
            ensure!(
                fails_with(&remove, ErrorKind::NotFound),
                "removing from an unknown user's watchlist should be NotFound; got {remove:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("remove_then_add_again_goes_last", async {
            let gus = register(store, &email("gus"), HASH).await?;
            for s in ["AAPL", "MSFT", "^GSPC", "EURUSD=X"] {
                store
                    .add_to_watchlist(&gus.id, &sym(s)?)
                    .await
                    .called("add_to_watchlist")?;
            }
            store
                .remove_from_watchlist(&gus.id, &sym("MSFT")?)
                .await
                .called("remove_from_watchlist")?;
            let listed = symbols(store, &gus.id).await?;
            ensure!(
                listed == ["AAPL", "^GSPC", "EURUSD=X"],
                "MSFT removed, read back {listed:?}"
            );
            let twice = store.remove_from_watchlist(&gus.id, &sym("MSFT")?).await;
            ensure!(
                twice
                    .as_ref()
                    .err()
                    .is_some_and(|e| e.kind() == ErrorKind::NotFound
                        && e.message().contains("not in watchlist")),
                "removing MSFT again should be NotFound \"... not in watchlist\"; got {twice:?}"
            );
            store
                .add_to_watchlist(&gus.id, &sym("MSFT")?)
                .await
                .called("add_to_watchlist")?;
            let listed = symbols(store, &gus.id).await?;
            ensure!(
                listed == ["AAPL", "^GSPC", "EURUSD=X", "MSFT"],
                "MSFT added back should come last: {listed:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("watchlists_are_per_user", async {
            let hal = register(store, &email("hal"), HASH).await?;
            let ivy = register(store, &email("ivy"), "ivy-hash").await?;
            ensure!(hal.id != ivy.id, "two users got one id");
            ensure!(
                ivy.first_name.is_none(),
                "a user registered without names has {:?}",
                ivy.first_name
            );
            store
                .add_to_watchlist(&hal.id, &sym("AAPL")?)
                .await
                .called("add_to_watchlist")?;
            store
                .add_to_watchlist(&ivy.id, &sym("MSFT")?)
                .await
                .called("add_to_watchlist")?;
            store
                .add_to_watchlist(&ivy.id, &sym("AAPL")?)
                .await
                .called("add_to_watchlist")?;
            store
                .remove_from_watchlist(&ivy.id, &sym("AAPL")?)
                .await
                .called("remove_from_watchlist")?;
            let (h, i) = (
                symbols(store, &hal.id).await?,
                symbols(store, &ivy.id).await?,
            );
            ensure!(
                h == ["AAPL"] && i == ["MSFT"],
                "two users' watchlists read back as {h:?} and {i:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("delete_takes_the_watchlist_and_frees_the_email", async {
            let jo = register(store, &email("jo"), HASH).await?;
            let kim = register(store, &email("kim"), HASH).await?;
            store
                .add_to_watchlist(&jo.id, &sym("AAPL")?)
                .await
                .called("add_to_watchlist")?;
            store
                .add_to_watchlist(&kim.id, &sym("MSFT")?)
                .await
                .called("add_to_watchlist")?;
            ensure!(
                store.delete_user(&jo.id).await.called("delete_user")?,
                "deleting a user said it did not exist"
            );
            ensure!(
                store.user(&jo.id).await.called("user")?.is_none(),
                "the deleted user is still there"
            );
            let creds = store
                .credentials_by_email(&jo.email)
                .await
                .called("credentials_by_email")?;
            ensure!(
                creds.is_none(),
                "the deleted user's email still finds {creds:?}"
            );
            let list = store.watchlist(&jo.id).await.called("watchlist")?;
            ensure!(
                list.is_empty(),
                "the deleted user's watchlist holds {list:?}"
            );
            let add = store.add_to_watchlist(&jo.id, &sym("AAPL")?).await;
            ensure!(
                fails_with(&add, ErrorKind::NotFound),
                "adding to a deleted user's watchlist should be NotFound; got {add:?}"
            );
            ensure!(
                !store.delete_user(&jo.id).await.called("delete_user")?,
                "deleting twice said the user existed"
            );
            ensure!(
                !store.delete_user(&unknown).await.called("delete_user")?,
                "deleting an unknown id said it existed"
            );
            let kept = symbols(store, &kim.id).await?;
            ensure!(
                kept == ["MSFT"],
                "deleting one user changed another's watchlist: {kept:?}"
            );
            let again = store
                .create_user(&NewUser::new(jo.email.to_uppercase(), HASH))
                .await
                .called("create_user")?;
            ensure!(
                again.id != jo.id,
                "the email registered again got the deleted user's id"
            );
            let list = store.watchlist(&again.id).await.called("watchlist")?;
            ensure!(
                list.is_empty(),
                "the new user inherited the watchlist {list:?}"
            );
            let found = store
                .credentials_by_email(&jo.email)
                .await
                .called("credentials_by_email")?;
            ensure!(
                found.map(|c| c.user.id) == Some(again.id),
                "the freed email does not find the new user"
            );
            Ok(())
        })
        .await;

    suite.finish()
}

async fn register(store: &dyn UserStore, email: &str, hash: &str) -> Result<User, String> {
    store
        .create_user(&NewUser::new(email, hash))
        .await
        .called("create_user")
}

fn sym(s: &str) -> Result<Symbol, String> {
    Symbol::parse(s).map_err(|e| e.to_string())
}

async fn symbols(store: &dyn UserStore, id: &UserId) -> Result<Vec<String>, String> {
    let items = store.watchlist(id).await.called("watchlist")?;
    Ok(items
        .into_iter()
        .map(|item| item.symbol.to_string())
        .collect())
}
