//! The conformance kit's `UserStore` suite on every backend (memory,
//! SQLite, the running PostgreSQL), and what SQLite keeps across a reopen.

use std::sync::Arc;

use tickersense::store::{Store, StoreUrl};
use tickersense::{testkit, NewUser, Symbol, UserId};
use tickersense_tests::{service_url, PgSchema};

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

/// The conformance kit's user suite, which must pass.
async fn suite(store: Arc<dyn Store>) {
    testkit::user_store(store).await.assert_passed();
}

#[tokio::test]
async fn memory_store() {
    suite(connect("memory://").await).await;
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = connect(&url).await;
    suite(store.clone()).await;
    let bob = store
        .create_user(&NewUser::new("bob@example.com", "bob-hash"))
        .await
        .unwrap();
    store.add_to_watchlist(&bob.id, &sym("MSFT")).await.unwrap();
    // Reopened, the users are still there, and the cascade holds on the new
    // connections too (SQLite enforces foreign keys per connection).
    let reopened = connect(&url).await;
    let found = reopened
        .credentials_by_email("bob@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    assert_eq!(found, bob);
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
