//! One suite for `UserStore` on every backend: memory, SQLite, and the
//! running PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use tickersense::store::{Store, StoreUrl};
use tickersense::{ErrorKind, NewUser, Symbol, UserId};
use tickersense_tests::{service_url, PgSchema};

const ANN_HASH: &str = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const ANN_REHASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$qKXOHmE1Co4v0n5Rj2X7xA";

/// The store at `url`, which must connect.
async fn connect(url: &str) -> Arc<dyn Store> {
    StoreUrl::parse(url).unwrap().connect().await.unwrap()
}

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

async fn symbols(store: &dyn Store, id: &UserId) -> Vec<String> {
    store
        .watchlist(id)
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.symbol.to_string())
        .collect()
}

async fn suite(store: Arc<dyn Store>) {
    let unknown = UserId::generate();

    // Registration normalises the email and names; reads give back the same user.
    let new_ann =
        NewUser::new("  Ann.Lee@Example.COM ", ANN_HASH).with_names(Some("  Ann "), Some("Lee"));
    let ann = store.create_user(&new_ann).await.unwrap();
    assert_eq!(ann.email, "ann.lee@example.com");
    assert_eq!(ann.first_name.as_deref(), Some("Ann"));
    assert_eq!(ann.last_name.as_deref(), Some("Lee"));
    assert_eq!(ann.created_at, ann.updated_at);
    assert_eq!(store.user(&ann.id).await.unwrap().as_ref(), Some(&ann));
    assert_eq!(store.user(&unknown).await.unwrap(), None);

    // Lookup by email ignores case and surrounding space.
    let creds = store
        .credentials_by_email(" ANN.LEE@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.user, ann);
    assert_eq!(creds.password_hash, ANN_HASH);
    assert!(store
        .credentials_by_email("nobody@example.com")
        .await
        .unwrap()
        .is_none());

    // The hash never shows in Debug output.
    for shown in [
        format!("{new_ann:?}"),
        format!("{creds:?}"),
        format!("{creds:#?}"),
    ] {
        assert!(!shown.contains(ANN_HASH), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    // The same email in another case is taken.
    let err = store
        .create_user(&NewUser::new("ANN.LEE@EXAMPLE.COM", "other-hash"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err:?}");
    assert_eq!(err.message(), "email already registered");

    // Bad input is refused before anything is written, without quoting the hash.
    for bad in [
        "",
        "ann",
        "ann@",
        "@example.com",
        "a@b@c.com",
        "ann lee@example.com",
    ] {
        let err = store
            .create_user(&NewUser::new(bad, ANN_HASH))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}: {err:?}");
        assert!(!err.message().contains(ANN_HASH));
    }
    let err = store
        .create_user(&NewUser::new("empty@example.com", " "))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let long_name = "x".repeat(101);
    let err = store
        .create_user(&NewUser::new("long@example.com", ANN_HASH).with_names(Some(&long_name), None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        store
            .credentials_by_email("not an email")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert!(store
        .credentials_by_email("empty@example.com")
        .await
        .unwrap()
        .is_none());

    // Profile updates set both names and bump updated_at only.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let renamed = store
        .update_profile(&ann.id, Some(" Annie "), None)
        .await
        .unwrap();
    assert_eq!(renamed.first_name.as_deref(), Some("Annie"));
    assert_eq!(renamed.last_name, None);
    assert_eq!(renamed.email, ann.email);
    assert_eq!(renamed.created_at, ann.created_at);
    assert!(renamed.updated_at > ann.updated_at, "{renamed:?}");
    assert_eq!(store.user(&ann.id).await.unwrap().as_ref(), Some(&renamed));
    let err = store
        .update_profile(&unknown, Some("Nobody"), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = store
        .update_profile(&ann.id, Some(&long_name), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    // A rehash replaces the stored hash.
    store.set_password_hash(&ann.id, ANN_REHASH).await.unwrap();
    let creds = store
        .credentials_by_email("ann.lee@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.password_hash, ANN_REHASH);
    assert_eq!(creds.user, renamed);
    let err = store
        .set_password_hash(&unknown, ANN_REHASH)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = store.set_password_hash(&ann.id, "").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    // Watchlists: oldest first, each symbol once, only for existing users.
    assert!(store.watchlist(&ann.id).await.unwrap().is_empty());
    let first = store.add_to_watchlist(&ann.id, &sym("aapl")).await.unwrap();
    assert_eq!(first.symbol, sym("AAPL"));
    for s in ["MSFT", "^GSPC", "EURUSD=X"] {
        store.add_to_watchlist(&ann.id, &sym(s)).await.unwrap();
    }
    let items = store.watchlist(&ann.id).await.unwrap();
    assert_eq!(items[0], first);
    assert!(items.windows(2).all(|w| w[0].added_at <= w[1].added_at));
    assert_eq!(
        symbols(&*store, &ann.id).await,
        ["AAPL", "MSFT", "^GSPC", "EURUSD=X"]
    );
    let err = store
        .add_to_watchlist(&ann.id, &sym("AAPL"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err:?}");
    assert!(err.message().contains("already in watchlist"), "{err:?}");
    let err = store
        .add_to_watchlist(&unknown, &sym("AAPL"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err:?}");
    assert!(store.watchlist(&unknown).await.unwrap().is_empty());

    store
        .remove_from_watchlist(&ann.id, &sym("MSFT"))
        .await
        .unwrap();
    assert_eq!(
        symbols(&*store, &ann.id).await,
        ["AAPL", "^GSPC", "EURUSD=X"]
    );
    let err = store
        .remove_from_watchlist(&ann.id, &sym("MSFT"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("not in watchlist"), "{err:?}");
    let err = store
        .remove_from_watchlist(&unknown, &sym("AAPL"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // Removed symbols can come back, at the end.
    store.add_to_watchlist(&ann.id, &sym("MSFT")).await.unwrap();
    assert_eq!(
        symbols(&*store, &ann.id).await,
        ["AAPL", "^GSPC", "EURUSD=X", "MSFT"]
    );

    // Two users' watchlists are independent.
    let bob = store
        .create_user(&NewUser::new("bob@example.com", "bob-hash"))
        .await
        .unwrap();
    assert_ne!(bob.id, ann.id);
    assert_eq!(bob.first_name, None);
    store.add_to_watchlist(&bob.id, &sym("MSFT")).await.unwrap();
    store.add_to_watchlist(&bob.id, &sym("AAPL")).await.unwrap();
    store
        .remove_from_watchlist(&bob.id, &sym("AAPL"))
        .await
        .unwrap();
    assert_eq!(symbols(&*store, &bob.id).await, ["MSFT"]);
    assert_eq!(
        symbols(&*store, &ann.id).await,
        ["AAPL", "^GSPC", "EURUSD=X", "MSFT"]
    );

    // Deleting a user takes the watchlist along; the email is free again.
    assert!(store.delete_user(&ann.id).await.unwrap());
    assert_eq!(store.user(&ann.id).await.unwrap(), None);
    assert!(store
        .credentials_by_email("ann.lee@example.com")
        .await
        .unwrap()
        .is_none());
    assert!(store.watchlist(&ann.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .add_to_watchlist(&ann.id, &sym("AAPL"))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert!(!store.delete_user(&ann.id).await.unwrap());
    assert!(!store.delete_user(&unknown).await.unwrap());
    assert_eq!(symbols(&*store, &bob.id).await, ["MSFT"]);

    let again = store
        .create_user(&NewUser::new("Ann.Lee@example.com", ANN_HASH))
        .await
        .unwrap();
    assert_ne!(again.id, ann.id);
    assert!(store.watchlist(&again.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .credentials_by_email("ann.lee@example.com")
            .await
            .unwrap()
            .unwrap()
            .user
            .id,
        again.id
    );
}

#[tokio::test]
async fn memory_store() {
    suite(connect("memory://").await).await;
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    suite(connect(&url).await).await;
    // Reopened, the users are still there, and the cascade holds on the new
    // connections too (SQLite enforces foreign keys per connection).
    let reopened = connect(&url).await;
    let bob = reopened
        .credentials_by_email("bob@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    assert_eq!(symbols(&*reopened, &bob.id).await, ["MSFT"]);
    assert!(reopened.delete_user(&bob.id).await.unwrap());
    assert!(reopened.watchlist(&bob.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn postgres_store() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    suite(connect(&schema.url()).await).await;
    schema.drop_now().await;
}
