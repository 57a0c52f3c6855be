//! The conformance kit's price, sentiment and backfill suites on every store
//! backend (memory, SQLite, the running PostgreSQL), and what only one
//! backend has: migrations, file opening, locking, PostgreSQL's COPY path.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tickersense::store::{Store, StoreBackend, StoreUrl};
use tickersense::{testkit, Bar, Interval, Symbol};
use tickersense_tests::{service_url, PgSchema};

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 5, 0, 0).single().unwrap() + Duration::days(n)
}

fn bar(n: i64, close: f64) -> Bar {
    Bar {
        timestamp: day(n),
        open: close - 1.0,
        high: close + 2.0,
        low: close - 2.0,
        close,
        adj_close: Some(close),
        volume: 1000 + n as u64,
    }
}

/// The store at `url`, which must connect.
async fn connect(url: &str) -> Arc<dyn Store> {
    StoreUrl::parse(url).unwrap().connect().await.unwrap()
}

/// Why the store at `url`, which must not connect, refused.
async fn refused(url: &str) -> tickersense::Error {
    StoreUrl::parse(url).unwrap().connect().await.err().unwrap()
}

/// The conformance kit's store suites, each of which must pass.
async fn suite(store: Arc<dyn Store>) {
    testkit::price_store(store.clone()).await.assert_passed();
    testkit::sentiment_store(store.clone())
        .await
        .assert_passed();
    testkit::backfill_store(store).await.assert_passed();
}

#[tokio::test]
async fn memory_store() {
    suite(
        StoreUrl::parse("memory://")
            .unwrap()
            .connect()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = connect(&url).await;
    suite(store.clone()).await;
    let aapl = Symbol::parse("AAPL").unwrap();
    let bars: Vec<Bar> = (0..10).map(|n| bar(n, 100.0 + n as f64)).collect();
    store.upsert_bars(&aapl, Interval::D1, &bars).await.unwrap();
    // Reopening runs the migrations again without harm and keeps the data.
    let reopened = connect(&url).await;
    assert_eq!(
        reopened
            .bars(&aapl, Interval::D1, None, day(100))
            .await
            .unwrap(),
        bars
    );
}

#[test]
fn a_sqlite_path_under_home_is_expanded() {
    let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) else {
        return;
    };
    let want = std::path::Path::new(&home).join("x.db");
    match StoreUrl::parse("sqlite://~/x.db").unwrap().backend() {
        StoreBackend::Sqlite(options) => assert_eq!(std::path::Path::new(&options.path), want),
        other => panic!("{other:?}"),
    }
    match StoreUrl::parse("sqlite://~x/y.db").unwrap().backend() {
        StoreBackend::Sqlite(options) => {
            assert_eq!(options.path, "~x/y.db", "only ~/ is expanded")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn postgres_store() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let store = connect(&schema.url()).await;
    assert!(store.describe().starts_with("postgres"));
    suite(store).await;
    // A second connect finds the schema migrated already.
    connect(&schema.url()).await;
    schema.drop_now().await;
}

#[tokio::test]
async fn postgres_large_upserts_go_through_copy_and_round_trip_exactly() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let store = connect(&schema.url()).await;
    let sym = Symbol::parse("SPY").unwrap();
    // Prices no decimal type with two places would keep: a 0.0001 FX tick,
    // a $500,000 share, values with no short decimal form.
    let prices = [0.0001, 500_000.123_456_789, 0.1 + 0.2, 1e-9, 400.0 / 3.0];
    let mut bars: Vec<Bar> = (0..20_000)
        .map(|n| Bar {
            timestamp: day(0) + Duration::minutes(n),
            adj_close: (n % 7 != 0).then_some(prices[n as usize % 5] * 0.99),
            ..bar(0, prices[n as usize % 5] + n as f64 / 100.0)
        })
        .collect();
    assert_eq!(
        store.upsert_bars(&sym, Interval::M1, &bars).await.unwrap(),
        20_000
    );
    // Again, with one bar named twice in the batch: the later copy wins.
    let mut again = bars.clone();
    let replaced = Bar {
        close: 42.0,
        ..bars[5]
    };
    again.push(replaced);
    assert_eq!(
        store.upsert_bars(&sym, Interval::M1, &again).await.unwrap(),
        20_000,
        "conflicts update in place"
    );
    bars[5] = replaced;
    assert_eq!(
        store
            .bars(&sym, Interval::M1, None, day(100))
            .await
            .unwrap(),
        bars,
        "every price back bit for bit"
    );
    schema.drop_now().await;
}

#[tokio::test]
async fn unreachable_postgres_is_unavailable_and_hides_the_password() {
    let err = refused("postgres://bob:hunter2@127.0.0.1:1/db").await;
    assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable);
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
}

#[tokio::test]
async fn sqlite_check_only_migrations_change_nothing_and_name_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let check = format!("sqlite://{}?migrations=check", path.display());
    // A missing database is not created.
    let err = refused(&check).await;
    assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable);
    assert!(!path.exists());

    connect(&format!("sqlite://{}", path.display())).await;
    connect(&check).await;

    // A database one migration behind is refused, naming the migration.
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        path.display()
    ))
    .await
    .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 3")
        .execute(&mut conn)
        .await
        .unwrap();
    let err = refused(&check).await;
    assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable);
    assert!(
        err.message()
            .contains("lacks migrations 3 (backfill status)"),
        "{err}"
    );
}

#[tokio::test]
async fn postgres_check_only_migrations_and_the_time_layout_in_describe() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let check = format!("{}&migrations=check", schema.url());
    let err = refused(&check).await;
    assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable);
    assert!(err.message().contains("lacks migrations 1 "), "{err}");

    let applied = connect(&schema.url()).await;
    let checked = connect(&check).await;
    // This server has no TimescaleDB (Debian's PostgreSQL does not ship it):
    // the plain layout is chosen and said.
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    let timescale: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    for store in [applied, checked] {
        let described = store.describe();
        if timescale {
            assert!(described.contains("TimescaleDB hypertables"), "{described}");
        } else {
            assert!(
                described.contains(
                    "plain tables with BRIN time indexes (the server has no timescaledb extension)"
                ),
                "{described}"
            );
        }
    }
    schema.drop_now().await;
}

/// Many pools opening one fresh SQLite file at once all migrate it (the
/// race is across connections: separate pools show it as processes do).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_pools_opening_a_fresh_sqlite_file_at_once_all_succeed() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
        let opens = (0..8).map(|_| {
            let url = url.clone();
            tokio::spawn(async move { StoreUrl::parse(&url).unwrap().connect().await })
        });
        for open in opens.collect::<Vec<_>>() {
            if let Err(err) = open.await.unwrap() {
                panic!("round {round}: {err}");
            }
        }
        let check = format!("{url}?migrations=check");
        connect(&check).await;
    }
}

/// The same race across processes: four copies of this test binary, each
/// running [`sqlite_opener_child`], open one fresh file at once.
#[test]
fn processes_opening_a_fresh_sqlite_file_at_once_all_succeed() {
    let me = std::env::current_exe().unwrap();
    for round in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fresh.db");
        let children: Vec<_> = (0..4)
            .map(|_| {
                std::process::Command::new(&me)
                    .args(["--ignored", "--exact", "sqlite_opener_child", "--nocapture"])
                    .env("TICKERSENSE_TEST_SQLITE_OPEN", &path)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Run by [`processes_opening_a_fresh_sqlite_file_at_once_all_succeed`]:
/// opens the file its environment names.
#[tokio::test]
#[ignore = "a child of processes_opening_a_fresh_sqlite_file_at_once_all_succeed"]
async fn sqlite_opener_child() {
    let path = std::env::var("TICKERSENSE_TEST_SQLITE_OPEN").unwrap();
    if let Err(err) = StoreUrl::parse(&format!("sqlite://{path}"))
        .unwrap()
        .connect()
        .await
    {
        panic!("{err}");
    }
}

/// "cannot open sqlite database" says why.
#[tokio::test]
async fn sqlite_open_failures_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    let why = |err: tickersense::Error| {
        assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable, "{err}");
        assert!(
            err.message().starts_with("cannot open sqlite database"),
            "{err}"
        );
        err.message().to_owned()
    };
    let missing_dir = why(refused(&format!("sqlite://{}", at("nope/t.db"))).await);
    assert!(
        missing_dir.contains("folder") && missing_dir.contains("does not exist"),
        "{missing_dir}"
    );
    std::fs::create_dir(at("a_dir")).unwrap();
    let a_dir = why(refused(&format!("sqlite://{}", at("a_dir"))).await);
    assert!(a_dir.contains("is a directory"), "{a_dir}");
    std::fs::write(at("junk.db"), vec![b'x'; 4096]).unwrap();
    let junk = why(refused(&format!("sqlite://{}", at("junk.db"))).await);
    assert!(junk.contains("not a SQLite database"), "{junk}");
    let check = why(refused(&format!("sqlite://{}?migrations=check", at("absent.db"))).await);
    assert!(
        check.contains("does not exist") && check.contains("migrations=check"),
        "{check}"
    );

    // A folder the test may not write in: one made read-only, or (root
    // ignores that) /sys, where even root may not create files.
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir(at("locked")).unwrap();
    std::fs::set_permissions(at("locked"), std::fs::Permissions::from_mode(0o500)).unwrap();
    let denied_in = [at("locked"), "/sys".to_owned()]
        .into_iter()
        .find(|folder| {
            let probe = std::path::Path::new(folder).join("tickersense-probe");
            std::fs::write(&probe, b"")
                .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
        });
    if let Some(folder) = denied_in {
        let denied = why(refused(&format!("sqlite://{folder}/t.db")).await);
        assert!(denied.contains("permission denied"), "{denied}");
    }
}

/// A store write that finds the file locked by another writer for longer
/// than the busy timeout is `Unavailable` (try again), not `Internal`.
#[tokio::test]
async fn a_locked_sqlite_database_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = connect(&url).await;
    let mut other = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let aapl = Symbol::parse("AAPL").unwrap();
    let err = store
        .upsert_bars(&aapl, Interval::D1, &[bar(1, 10.0)])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), tickersense::ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("locked"), "{err}");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    store
        .upsert_bars(&aapl, Interval::D1, &[bar(1, 10.0)])
        .await
        .unwrap();
}
