//! The vertical slice through `Tickersense`: quote, history, search and
//! sentiment over the embedded defaults, and typed errors for bad input.

use tickersense::{ErrorKind, Interval, Origin, Period, Tickersense, Trend};

fn memory_client() -> Tickersense {
    Tickersense::builder().store("memory://").build().unwrap()
}

#[tokio::test]
async fn quote_history_search_sentiment() {
    let ts = memory_client();
    let q = ts.quote("aapl").await.unwrap();
    assert_eq!(q.symbol.as_str(), "AAPL");
    assert!((q.change - (q.price - q.previous_close)).abs() < 1e-9);

    let h = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert_eq!(h.origin, Origin::Provider);
    assert!((18..=23).contains(&h.bars.len()));
    assert_eq!(h.bars.last().unwrap().close, q.price);
    assert_eq!(
        ts.history("AAPL", Period::Mo1, Interval::D1)
            .await
            .unwrap()
            .origin,
        Origin::Cache
    );

    let hits = ts.search("micro", 5).await.unwrap();
    assert_eq!(hits[0].symbol.as_str(), "MSFT");

    let s = ts.sentiment("AAPL").await.unwrap();
    assert!(s.mention_volume > 0 && (-1.0..=1.0).contains(&s.current_sentiment));
    assert_eq!(s.sentiment_trend, Trend::InsufficientData);
    assert_eq!(
        ts.sentiment_analyses("AAPL", 1).await.unwrap().len(),
        s.platforms.len(),
        "every analysis is stored"
    );
}

#[tokio::test]
async fn day_periods_count_sessions_even_when_the_store_holds_the_bars() {
    // With no cache, the second call meets a store covering the month: a
    // calendar window read back from it held no bar on a Monday morning.
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .build()
        .unwrap();
    ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    for (period, sessions) in [(Period::D1, 1), (Period::D5, 5)] {
        let h = ts.history("AAPL", period, Interval::D1).await.unwrap();
        assert_eq!(h.bars.len(), sessions, "{period:?}");
    }
}

#[tokio::test]
async fn a_second_client_on_the_same_sqlite_file_reads_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("ts.db").display());
    let build = || {
        Tickersense::builder()
            .store(&store)
            .cache("none://")
            .build()
            .unwrap()
    };
    let first = build()
        .history("MSFT", Period::Y1, Interval::D1)
        .await
        .unwrap();
    assert_eq!(first.origin, Origin::Provider);
    let second = build()
        .history("MSFT", Period::Mo3, Interval::D1)
        .await
        .unwrap();
    assert_eq!(
        second.origin,
        Origin::Store,
        "three months lie inside the year already stored"
    );
    assert_eq!(second.bars.last(), first.bars.last());
    assert!(second.bars.len() < first.bars.len());

    // Trends and history read the posts stored by earlier clients. The
    // sample posts all lie in the last day: the week before has none.
    let first = build().sentiment("TSLA").await.unwrap();
    let trend = build().sentiment_trend("TSLA").await.unwrap();
    assert_eq!(trend.recent_posts, u64::from(first.mention_volume));
    assert_eq!((trend.baseline_posts, trend.baseline_score), (0, None));
    assert_eq!(trend.trend, Trend::InsufficientData);
    let again = build().sentiment("TSLA").await.unwrap();
    assert_eq!(again.sentiment_trend, Trend::InsufficientData);
    let days = build().sentiment_history("TSLA", 2, None).await.unwrap();
    let mentions: u64 = days.iter().map(|d| d.mentions).sum();
    assert_eq!(
        mentions,
        u64::from(first.mention_volume),
        "the same posts analysed twice are counted once"
    );
}

#[tokio::test]
async fn bad_input_gets_invalid_input_before_any_io() {
    // The store is unreachable: a validation error must come first.
    let ts = Tickersense::builder()
        .store("postgres://nobody@127.0.0.1:1/x")
        .build()
        .unwrap();
    for symbol in ["", "  ", "AA PL", "A$", "ABCDEFGHIJKLMNOP"] {
        assert_eq!(
            ts.quote(symbol).await.unwrap_err().kind(),
            ErrorKind::InvalidInput,
            "{symbol:?}"
        );
    }
    assert_eq!(
        "2w".parse::<Period>().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    // A valid quote needs no store; what needs the store fails.
    assert_eq!(ts.quote("AAPL").await.unwrap().symbol.as_str(), "AAPL");
    assert_eq!(
        ts.stored_series().await.unwrap_err().kind(),
        ErrorKind::Unavailable
    );
}

#[tokio::test]
async fn provider_and_search_errors_are_typed() {
    let ts = memory_client();
    assert_eq!(
        ts.quote("ZZZZ").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        ts.history("AAPL", Period::Max, Interval::M5)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ts.search("", 5).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ts.search("apple", 0).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let start = chrono::Utc::now();
    assert_eq!(
        ts.history_between("AAPL", start, start, Interval::D1)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn bad_urls_fail_where_they_are_parsed() {
    let builders = [
        Tickersense::builder().store("mysql://x"),
        Tickersense::builder().cache("redis://[bad"),
        Tickersense::builder().social(" , "),
        Tickersense::builder().cache("memory://xxxx"),
        Tickersense::builder().store("memory://prices"),
        Tickersense::builder().cache("redis://127.0.0.1:6379/0?prefx=app"),
        Tickersense::builder().store("postgres://u@127.0.0.1/db?pool=0"),
        Tickersense::builder().store("sqlite://x.db?migration=check"),
        Tickersense::builder().market_data("csv://d?tz=Mars/Olympus"),
        Tickersense::builder().analyzer("magic"),
    ];
    for builder in builders {
        let shown = format!("{builder:?}");
        assert_eq!(
            builder.build().err().unwrap().kind(),
            ErrorKind::InvalidInput,
            "{shown}"
        );
    }
    // The parsed types refuse the same text.
    assert!("mysql://x".parse::<tickersense::store::StoreUrl>().is_err());
    assert!("memory://xxxx"
        .parse::<tickersense::cache::CacheUrl>()
        .is_err());
    assert!(tickersense::social::SourceUrl::parse_list(" , ").is_err());
    // A later knob wins, and a good URL builds.
    Tickersense::builder()
        .store("mysql://x")
        .store("memory://")
        .build()
        .unwrap();
}

#[tokio::test]
async fn stored_intraday_bars_older_than_the_look_back_never_break_a_top_up() {
    use chrono::{Duration, Utc};
    use tickersense::store::{Coverage, StoreUrl};
    use tickersense::{Bar, Symbol};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ts.db").display());
    let store = StoreUrl::parse(&url).unwrap().connect().await.unwrap();
    let aapl = Symbol::parse("AAPL").unwrap();
    let now = Utc::now();
    let old = Bar {
        timestamp: now - Duration::days(10),
        open: 1.0,
        high: 1.0,
        low: 1.0,
        close: 1.0,
        adj_close: None,
        volume: 1,
    };
    store
        .upsert_bars(&aapl, Interval::M1, &[old])
        .await
        .unwrap();
    let client = || {
        Tickersense::builder()
            .store(&url)
            .cache("none://")
            .build()
            .unwrap()
    };

    // Covered long ago, ending before the range: the range is fetched whole.
    let before = Coverage {
        from: Some(now - Duration::days(11)),
        to: now - Duration::days(10),
    };
    store
        .extend_coverage(&aapl, Interval::M1, before)
        .await
        .unwrap();
    let h = client()
        .history("AAPL", Period::D5, Interval::M1)
        .await
        .unwrap();
    assert_eq!(h.origin, Origin::Provider);

    // Covered up to now, newest bar ten days old (past 1m's 7-day limit): the
    // top-up starts at the range, not at that bar. (A range of dates: day
    // periods count sessions, which only the provider knows, so never top up.)
    let dir2 = tempfile::tempdir().unwrap();
    let url2 = format!("sqlite://{}", dir2.path().join("ts.db").display());
    let store2 = StoreUrl::parse(&url2).unwrap().connect().await.unwrap();
    store2
        .upsert_bars(&aapl, Interval::M1, &[old])
        .await
        .unwrap();
    let reaching = Coverage {
        from: Some(now - Duration::days(11)),
        to: now - Duration::hours(1),
    };
    store2
        .extend_coverage(&aapl, Interval::M1, reaching)
        .await
        .unwrap();
    let h = Tickersense::builder()
        .store(&url2)
        .cache("none://")
        .build()
        .unwrap()
        .history_between("AAPL", now - Duration::days(1), now, Interval::M1)
        .await
        .unwrap();
    assert_eq!(h.origin, Origin::Store);
    assert!(h
        .bars
        .iter()
        .all(|b| b.timestamp >= now - Duration::days(1)));
}

/// Connections open on the server under `application_name` `app`.
async fn connections_of(admin: &mut sqlx::PgConnection, app: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
        .bind(app)
        .fetch_one(admin)
        .await
        .unwrap()
}

/// Clients on the test PostgreSQL, each used then closed, leave no
/// connection behind, and every call after `close` is `Unavailable`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_clients_leave_no_postgres_connection_behind() {
    let Some(base) = tickersense_tests::service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = tickersense_tests::PgSchema::create(&base).await;
    let app = format!("ts_close_{}", std::process::id());
    let url = format!("{}&application_name={app}", schema.url());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    for i in 0..100 {
        let ts = Tickersense::builder()
            .store(&url)
            .cache("none://")
            .build()
            .unwrap();
        ts.history("MSFT", Period::Mo1, Interval::D1).await.unwrap();
        assert!(
            connections_of(&mut admin, &app).await > 0,
            "client {i} holds a connection"
        );
        ts.close().await;
        ts.close().await; // idempotent
        let err = ts.quote("MSFT").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        assert!(err.message().contains("closed"), "{err}");
        // Held on purpose: closing, not dropping, must release the pool.
        std::mem::forget(ts);
    }
    // A backend leaves pg_stat_activity a moment after its client hangs up.
    let mut left = connections_of(&mut admin, &app).await;
    for _ in 0..50 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = connections_of(&mut admin, &app).await;
    }
    assert_eq!(left, 0, "connections left open by closed clients");
    schema.drop_now().await;
}

/// After `close` no task of the client keeps running, Redis cache included,
/// and a client that never connected closes too (then refuses calls).
#[tokio::test]
async fn close_stops_every_task_of_the_client() {
    let Some(redis) = tickersense_tests::service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let tasks = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = tasks();
    for cache in [redis.clone(), format!("tiered+{redis}")] {
        let ts = Tickersense::builder()
            .store("memory://")
            .cache(&cache)
            .build()
            .unwrap();
        ts.quote("AAPL").await.unwrap();
        ts.quote("AAPL").await.unwrap();
        assert!(tasks() > before, "the redis cache runs tasks while open");
        ts.close().await;
        let mut alive = tasks();
        for _ in 0..50 {
            if alive == before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            alive = tasks();
        }
        assert_eq!(alive, before, "tasks still running after close ({cache})");
        let err = ts
            .history("AAPL", Period::D5, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        std::mem::forget(ts);
    }
    let never_used = memory_client();
    never_used.close().await;
    assert!(never_used.is_closed());
    assert_eq!(
        never_used.quote("AAPL").await.unwrap_err().kind(),
        ErrorKind::Unavailable
    );
}

/// One answer per distinct entry, in the order each first appears, invalid
/// entries included (and de-duplicated too); `concurrency` 1 to 64.
#[tokio::test]
async fn history_many_answers_in_order_of_first_appearance() {
    let ts = memory_client();
    let range = tickersense::HistoryRange::Period(Period::Mo1);
    let asked = ["AAPL", "aapl", "!!", "MSFT", " !! ", "msft", "a b", "!!"];
    let answers = ts
        .history_many(&asked, range, Interval::D1, 4)
        .await
        .unwrap();
    let names: Vec<(&str, bool)> = answers
        .iter()
        .map(|(name, result)| (name.as_str(), result.is_ok()))
        .collect();
    assert_eq!(
        names,
        [
            ("AAPL", true),
            ("!!", false),
            ("MSFT", true),
            ("a b", false)
        ]
    );
    assert_eq!(
        answers[1].1.as_ref().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    for bad in [0, 65, 1_000_000_000_000] {
        let err = ts
            .history_many(&["AAPL"], range, Interval::D1, bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            err.message(),
            format!("concurrency must be 1 to 64, not {bad}")
        );
    }
    for good in [1, 64] {
        ts.history_many(&["AAPL"], range, Interval::D1, good)
            .await
            .unwrap();
    }
    assert_eq!(
        tickersense::service::checked_concurrency(-1)
            .unwrap_err()
            .message(),
        "concurrency must be 1 to 64, not -1"
    );
}

/// An invalid entry of a backfill is listed as rejected; the others run.
#[tokio::test]
async fn backfill_reports_an_invalid_symbol_and_goes_on() {
    let ts = memory_client();
    let range = tickersense::HistoryRange::Period(Period::Mo1);
    let report = ts
        .backfill(
            &["AAPL", "!!", "msft", "!!", "AAPL"],
            range,
            Interval::D1,
            2,
            &|_| std::ops::ControlFlow::Continue(()),
        )
        .await
        .unwrap();
    let done: Vec<(String, tickersense::BackfillState)> = report
        .statuses
        .iter()
        .map(|s| (s.symbol.to_string(), s.state))
        .collect();
    assert_eq!(
        done,
        [
            ("AAPL".to_owned(), tickersense::BackfillState::Done),
            ("MSFT".to_owned(), tickersense::BackfillState::Done)
        ]
    );
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    let rejected = &report.rejected[0];
    assert_eq!((rejected.position, rejected.symbol.as_str()), (1, "!!"));
    assert!(
        rejected.reason.starts_with("InvalidInput: "),
        "{rejected:?}"
    );
    let err = ts
        .backfill(&["AAPL"], range, Interval::D1, 0, &|_| {
            std::ops::ControlFlow::Continue(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.message(), "concurrency must be 1 to 64, not 0");
}
