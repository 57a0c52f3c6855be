//! The Yahoo provider against the replay server: every recorded shape, and
//! every fault the issue lists, each with the outcome promised for it.

use std::time::{Duration, Instant};

use chrono::{Datelike, Timelike};
use tickersense::provider::{MarketData, Yahoo};
use tickersense::resilience::{BreakerState, ResiliencePolicy};
use tickersense::{ErrorKind, HistoryRange, Interval, Period, Symbol};
use tickersense_replay::{Fault, ReplayServer};

/// Quick retries so the fault tests take milliseconds; breaker off unless a test wants it.
fn quick() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: Duration::from_millis(500),
        max_retries: 3,
        max_retry_after: Duration::from_secs(5),
        ..tickersense_tests::quick_policy()
    }
}

async fn server() -> ReplayServer {
    ReplayServer::start().await.expect("replay server starts")
}

fn yahoo(server: &ReplayServer, policy: ResiliencePolicy) -> Yahoo {
    Yahoo::at(&server.base_url(), policy).expect("valid base URL")
}

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).expect("valid symbol")
}

const MONTH: HistoryRange = HistoryRange::Period(Period::Mo1);

fn chart_requests(server: &ReplayServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.starts_with("/v8/"))
        .count()
}

#[tokio::test]
async fn daily_history_is_stamped_in_the_exchange_zone_with_gaps_and_dividends() {
    let server = server().await;
    let h = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert_eq!(h.timezone, "America/New_York");
    assert_eq!(h.currency, "USD");
    assert_eq!(h.bars.len() + h.gaps.len(), 24);
    assert_eq!(h.gaps.len(), 1, "the all-null bar of 2024-10-30 is a gap");
    let ny = chrono_tz::America::New_York;
    for bar in &h.bars {
        let local = bar.timestamp.with_timezone(&ny);
        assert_eq!((local.hour(), local.minute()), (0, 0), "{local}");
        assert!(bar.adj_close.is_some());
        assert!(bar.low <= bar.open.min(bar.close) && bar.high >= bar.open.max(bar.close));
    }
    // Across the DST change midnight moves from 04:00 to 05:00 UTC.
    assert!(h.bars.iter().any(|b| b.timestamp.hour() == 4));
    assert!(h.bars.iter().any(|b| b.timestamp.hour() == 5));
    assert_eq!(h.dividends.len(), 1);
    assert_eq!(h.dividends[0].amount, 0.25);
    assert_eq!(h.dividends[0].timestamp.with_timezone(&ny).day(), 8);
    assert!(h
        .bars
        .iter()
        .any(|b| b.timestamp == h.dividends[0].timestamp));
}

#[tokio::test]
async fn splits_indices_currencies_crypto_and_intraday() {
    let server = server().await;
    let y = yahoo(&server, quick());
    let nvda = y.history(&sym("NVDA"), MONTH, Interval::D1).await.unwrap();
    assert_eq!(nvda.splits.len(), 1);
    assert_eq!(nvda.splits[0].ratio(), 10.0);

    let index = y.history(&sym("^GSPC"), MONTH, Interval::D1).await.unwrap();
    assert!(!index.bars.is_empty() && index.dividends.is_empty());

    let fx = y
        .history(&sym("EURUSD=X"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert_eq!(fx.timezone, "Europe/London");
    assert!(fx.bars.iter().all(|b| b.volume == 0 && b.close < 2.0));

    let btc = y
        .history(&sym("BTC-USD"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert_eq!(btc.timezone, "UTC");
    assert!(btc
        .bars
        .iter()
        .any(|b| b.timestamp.weekday().number_from_monday() >= 6));

    let hourly = y
        .history(
            &sym("BTC-USD"),
            HistoryRange::Period(Period::D5),
            Interval::H1,
        )
        .await
        .unwrap();
    assert!(hourly
        .bars
        .windows(2)
        .all(|w| w[1].timestamp - w[0].timestamp >= chrono::Duration::hours(1)));

    let five = y
        .history(&sym("AAPL"), HistoryRange::Period(Period::D5), Interval::M5)
        .await
        .unwrap();
    assert_eq!(five.bars.len() + five.gaps.len(), 156);
    assert_eq!(five.gaps.len(), 2);
    assert!(five.bars.iter().all(|b| b.adj_close.is_none()));
}

#[tokio::test]
async fn start_and_end_select_bars_by_their_stamps() {
    let server = server().await;
    let y = yahoo(&server, quick());
    let range = HistoryRange::Between {
        start: "2024-11-04T00:00:00Z".parse().unwrap(),
        end: "2024-11-09T00:00:00Z".parse().unwrap(),
    };
    let h = y.history(&sym("AAPL"), range, Interval::D1).await.unwrap();
    assert_eq!(h.bars.len(), 5, "Monday to Friday");
    assert_eq!(h.dividends.len(), 1);
    let sent = server.requests();
    assert!(
        sent.iter()
            .any(|r| r.contains("period1=1730678400") && r.contains("period2=1731110400")),
        "{sent:?}"
    );
}

#[tokio::test]
async fn empty_ranges_quirks_and_unknown_symbols() {
    let server = server().await;
    let y = yahoo(&server, quick());
    let empty = y.history(&sym("EMPTY"), MONTH, Interval::D1).await.unwrap();
    assert!(empty.bars.is_empty() && empty.gaps.is_empty());

    let quirk = y.history(&sym("QUIRK"), MONTH, Interval::D1).await.unwrap();
    assert!(quirk.bars.iter().all(|b| b.adj_close.is_none()));
    assert_eq!(
        y.quote(&sym("QUIRK")).await.unwrap_err().kind(),
        ErrorKind::Upstream
    );

    let err = y
        .history(&sym("NOPE"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("delisted"), "{}", err.message());
    assert_eq!(chart_requests(&server), 4, "NotFound is not retried");

    let err = y
        .history(&sym("AAPL"), MONTH, Interval::Wk1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("interval=1wk"), "{}", err.message());
}

#[tokio::test]
async fn quotes_take_market_cap_through_the_crumb_and_survive_without_it() {
    let server = server().await;
    let y = yahoo(&server, quick());
    let q = y.quote(&sym("AAPL")).await.unwrap();
    assert_eq!(q.price, 231.63);
    assert_eq!(q.previous_close, 231.3);
    assert_eq!((q.currency.as_str(), q.exchange.as_str()), ("USD", "NMS"));
    assert!(q.market_cap.is_some_and(|c| c > 1e12), "{:?}", q.market_cap);
    assert!(q.pe_ratio.is_some());
    // The crumb is reused, not fetched per quote.
    y.quote(&sym("NVDA")).await.unwrap();
    let crumbs = server
        .requests()
        .iter()
        .filter(|r| r.contains("getcrumb"))
        .count();
    assert_eq!(crumbs, 1);

    // A Yahoo that refuses crumbs still gives quotes, without the extras.
    let server = self::server().await;
    server.inject("/v1/test/getcrumb", Fault::Status(401), 1);
    let q = yahoo(&server, quick()).quote(&sym("AAPL")).await.unwrap();
    assert_eq!(q.price, 231.63);
    assert!(q.market_cap.is_none());
}

#[tokio::test]
async fn search_reads_hits() {
    let server = server().await;
    let hits = yahoo(&server, quick()).search("Apple", 10).await.unwrap();
    assert!(hits
        .iter()
        .any(|h| h.symbol.as_str() == "AAPL" && h.kind == "EQUITY"));
    assert!(hits.iter().all(|h| !h.name.is_empty()));
    assert!(yahoo(&server, quick())
        .search("zzzz", 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn server_errors_are_retried_and_recover() {
    for fault in [
        Fault::Status(500),
        Fault::Status(503),
        Fault::Reset,
        Fault::Truncate,
    ] {
        let server = server().await;
        server.inject("/v8/", fault.clone(), 2);
        let h = yahoo(&server, quick())
            .history(&sym("AAPL"), MONTH, Interval::D1)
            .await;
        assert!(h.is_ok(), "{fault:?}: {:?}", h.err());
        assert_eq!(chart_requests(&server), 3, "{fault:?}");
    }
}

#[tokio::test]
async fn persistent_failures_end_in_the_right_kind() {
    for (fault, kind) in [
        (Fault::Status(503), ErrorKind::Unavailable),
        (Fault::Reset, ErrorKind::Unavailable),
        (
            Fault::RateLimited {
                retry_after: None,
                html: true,
            },
            ErrorKind::RateLimited,
        ),
        (Fault::Delay(Duration::from_secs(2)), ErrorKind::Timeout),
    ] {
        let server = server().await;
        server.inject("", fault.clone(), 10);
        let err = yahoo(&server, quick())
            .history(&sym("AAPL"), MONTH, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{fault:?}: {}", err.message());
        assert_eq!(
            chart_requests(&server),
            4,
            "{fault:?}: first try and three retries"
        );
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = server().await;
    server.inject(
        "/v8/",
        Fault::RateLimited {
            retry_after: Some("1".into()),
            html: false,
        },
        1,
    );
    let started = Instant::now();
    yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    // A wait longer than the policy allows is handed back instead of slept.
    let server = self::server().await;
    server.inject(
        "/v8/",
        Fault::RateLimited {
            retry_after: Some("120".into()),
            html: false,
        },
        1,
    );
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn a_slow_answer_times_out_then_the_retry_succeeds() {
    let server = server().await;
    server.inject("/v8/", Fault::Delay(Duration::from_secs(2)), 1);
    let started = Instant::now();
    yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(chart_requests(&server), 2);
}

#[tokio::test]
async fn bad_bodies_are_upstream_errors_with_an_excerpt_and_not_retried() {
    let cases: [(&str, &str, &str); 4] = [
        (
            "application/json",
            "{\"chart\":{\"result\":[{\"meta\":{\"currency\":",
            "truncated",
        ),
        ("application/json", "{\"chart\": [1, 2,, 3]}", "malformed"),
        (
            "text/html",
            "<!DOCTYPE html><html><body>Will be right back</body></html>",
            "HTML",
        ),
        ("application/json", "", "empty"),
    ];
    for (content_type, body, says) in cases {
        let server = server().await;
        let fault = Fault::body(200, content_type, body);
        server.inject("/v8/", fault, 1);
        let err = yahoo(&server, quick())
            .history(&sym("AAPL"), MONTH, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Upstream, "{body}");
        assert!(err.message().contains(says), "{}", err.message());
        assert!(err.message().len() < 300, "{}", err.message());
        assert_eq!(chart_requests(&server), 1);
    }
}

#[tokio::test]
async fn an_empty_result_is_an_empty_history() {
    let server = server().await;
    let body = r#"{"chart":{"result":[{"meta":{"currency":"USD","exchangeTimezoneName":"America/New_York"},"indicators":{"quote":[{}],"adjclose":[{}]}}],"error":null}}"#;
    let fault = Fault::body(200, "application/json", body);
    server.inject("/v8/", fault, 1);
    let h = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert!(h.bars.is_empty());
}

#[tokio::test]
async fn the_breaker_opens_stops_calling_and_closes_after_a_good_probe() {
    let server = server().await;
    let policy = ResiliencePolicy {
        max_retries: 0,
        breaker_failures: 3,
        ..quick()
    };
    let y = yahoo(&server, policy);
    server.inject("/v8/", Fault::Status(503), 3);
    for _ in 0..3 {
        let err = y
            .history(&sym("AAPL"), MONTH, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
    }
    assert!(
        matches!(y.breaker_state(), BreakerState::Open { .. }),
        "{:?}",
        y.breaker_state()
    );
    let err = y
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.message().contains("circuit breaker"),
        "{}",
        err.message()
    );
    assert!(err.retry_after().is_some());
    assert_eq!(chart_requests(&server), 3, "an open breaker sends nothing");

    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(y.breaker_state(), BreakerState::HalfOpen);
    y.history(&sym("AAPL"), MONTH, Interval::D1).await.unwrap();
    assert_eq!(y.breaker_state(), BreakerState::Closed { failures: 0 });
}

#[tokio::test]
async fn concurrent_requests_are_bounded_per_upstream() {
    let server = server().await;
    let y = yahoo(
        &server,
        ResiliencePolicy {
            max_concurrent: 2,
            ..quick()
        },
    );
    server.inject("/v8/", Fault::Delay(Duration::from_millis(150)), 6);
    let started = Instant::now();
    let aapl = sym("AAPL");
    let calls = (0..6).map(|_| y.history(&aapl, MONTH, Interval::D1));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    // Six 150 ms answers, two at a time: at least three rounds.
    assert!(
        started.elapsed() >= Duration::from_millis(440),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_endless_body_is_refused_at_the_limit_and_not_retried() {
    let server = server().await;
    server.inject("/v8/", Fault::Endless, 10);
    let started = Instant::now();
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{}", err.message());
    assert!(err.message().contains("1048576 bytes"), "{}", err.message());
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        chart_requests(&server),
        1,
        "a too-large answer is not asked again"
    );
    // What the server got the client to take: the limit and the socket
    // buffers, not the endless rest.
    let taken = server.streamed_bytes();
    assert!(taken < 16 << 20, "{taken} bytes streamed");
}

#[tokio::test]
async fn the_default_limit_stops_an_endless_body_at_32_mib() {
    let server = server().await;
    server.inject("/v8/", Fault::Endless, 1);
    let policy = ResiliencePolicy {
        timeout: Duration::from_secs(20),
        max_body_bytes: ResiliencePolicy::default().max_body_bytes,
        ..quick()
    };
    let err = yahoo(&server, policy)
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{}", err.message());
    assert!(
        err.message().contains(&(32u64 << 20).to_string()),
        "{}",
        err.message()
    );
    let taken = server.streamed_bytes();
    assert!(
        ((32 << 20)..(48 << 20)).contains(&taken),
        "{taken} bytes streamed"
    );
}

#[tokio::test]
async fn a_body_announced_too_large_is_refused_before_reading_it() {
    let server = server().await;
    server.inject("/v8/", Fault::Oversized(1 << 30), 1);
    let started = Instant::now();
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{}", err.message());
    // Refused on the header, not after streaming up to the limit.
    assert!(
        err.message().contains("announced 1073741824 bytes"),
        "{}",
        err.message()
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let taken = server.streamed_bytes();
    assert!(taken < 8 << 20, "{taken} of 1 GiB streamed");

    // Up to the limit is fine: the blanks after `[` are truncated JSON.
    let server = self::server().await;
    server.inject("/v8/", Fault::Oversized(1 << 20), 1);
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert!(err.message().contains("truncated"), "{}", err.message());
}

#[tokio::test]
async fn the_url_sets_the_body_limit() {
    let server = server().await;
    let url = format!("{}?max_body=2000", server.market_data_url());
    let provider = tickersense::provider::ProviderUrl::parse(&url)
        .unwrap()
        .connect(quick())
        .unwrap();
    // The AAPL month is some 5 kB: over this URL's limit.
    let err = provider
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{}", err.message());
    assert!(err.message().contains("2000 bytes"), "{}", err.message());
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed_nor_echoed() {
    let server = server().await;
    let elsewhere = self::server().await;
    let secret = "AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG";
    elsewhere.inject("", Fault::body(200, "text/plain", secret), 10);
    let target = format!(
        "http://localhost:{}/latest/meta-data/iam/credentials",
        elsewhere.addr().port()
    );
    for status in [301, 302, 303, 307, 308] {
        server.inject(
            "/v8/",
            Fault::Redirect {
                status,
                location: target.clone(),
            },
            1,
        );
        let err = yahoo(&server, quick())
            .history(&sym("AAPL"), MONTH, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Upstream,
            "{status}: {}",
            err.message()
        );
        assert!(err.message().contains("another host"), "{}", err.message());
        assert!(!err.message().contains("AKIA"), "{}", err.message());
        assert!(!err.message().contains("credentials"), "{}", err.message());
    }
    // The same host on another port is another origin too.
    let other_port = format!(
        "http://127.0.0.1:{}/v8/finance/chart/AAPL",
        elsewhere.addr().port()
    );
    server.inject(
        "/v8/",
        Fault::Redirect {
            status: 302,
            location: other_port,
        },
        1,
    );
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
}

#[tokio::test]
async fn redirects_within_the_host_are_followed_a_few_times() {
    let server = server().await;
    let same = format!(
        "{}/v8/finance/chart/AAPL?range=1mo&interval=1d",
        server.base_url()
    );
    let hop = Fault::Redirect {
        status: 302,
        location: same,
    };
    server.inject("/v8/", hop.clone(), 2);
    let h = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap();
    assert!(!h.bars.is_empty());
    assert_eq!(chart_requests(&server), 3);

    // A loop ends after five hops, as an error.
    let server = self::server().await;
    let same = format!("{}/v8/finance/chart/AAPL", server.base_url());
    server.inject(
        "/v8/",
        Fault::Redirect {
            status: 302,
            location: same,
        },
        100,
    );
    let err = yahoo(&server, quick())
        .history(&sym("AAPL"), MONTH, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("more than 5"), "{}", err.message());
    assert_eq!(chart_requests(&server), 6);
}
