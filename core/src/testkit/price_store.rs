//! The [`PriceStore`] suite: upserts, ranges, coverage and the series list.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::run::{day, ensure, Called, Suite};
use super::Report;
use crate::model::{Bar, Interval, Symbol};
use crate::store::{Coverage, PriceStore};
use crate::ErrorKind;

/// Runs every [`PriceStore`] check on `store` and reports each.
///
/// The store need not be empty: every check writes symbols of its own
/// (`P…`, made unique per run), and reads only those. Costs a few hundred
/// small writes and reads plus one batch of 5,000 bars.
pub async fn price_store(store: Arc<dyn PriceStore>) -> Report {
    let store = &*store;
    let mut suite = Suite::new("price_store", "");
    let Some([a, b, c, d, e, f, g]) =
        suite.own_symbols(["PA#", "PB#", "PC#", "PD#", "PE#", "F#=X", "PG#"])
    else {
        return suite.finish();
    };
    let ten: Vec<Bar> = (0..10).map(|n| bar(n, 100.0 + n as f64)).collect();

    suite
        .check("upsert_is_idempotent", async {
            for round in 1..=2 {
                let written = store
                    .upsert_bars(&a, Interval::D1, &ten)
                    .await
                    .called("upsert_bars")?;
                ensure!(
                    written == 10,
                    "upsert #{round} of 10 bars said {written} were written"
                );
            }
            let all = store
                .bars(&a, Interval::D1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                all == ten,
                "after writing 10 bars twice, read back {}",
                shown(&all)
            );
            Ok(())
        })
        .await;

    suite
        .check("upsert_replaces_by_key", async {
            store
                .upsert_bars(&b, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            store
                .upsert_bars(&b, Interval::D1, &[bar(3, 555.5)])
                .await
                .called("upsert_bars")?;
            let all = store
                .bars(&b, Interval::D1, None, day(100))
                .await
                .called("bars")?;
            let mut want = ten.clone();
            want[3] = bar(3, 555.5);
            ensure!(
                all == want,
                "bar 3 rewritten with close 555.5, read back {}",
                shown(&all)
            );
            Ok(())
        })
        .await;

    suite
        .check("bars_oldest_first", async {
            let reversed: Vec<Bar> = ten.iter().rev().copied().collect();
            store
                .upsert_bars(&c, Interval::D1, &reversed)
                .await
                .called("upsert_bars")?;
            let all = store
                .bars(&c, Interval::D1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                all == ten,
                "10 bars written newest first read back as {}",
                shown(&all)
            );
            Ok(())
        })
        .await;

    suite
        .check("duplicate_in_batch_last_wins", async {
            let twice = [bar(1, 10.0), bar(2, 20.0), bar(1, 11.0)];
            let written = store
                .upsert_bars(&d, Interval::D1, &twice)
                .await
                .called("upsert_bars")?;
            ensure!(
                written == 2,
                "a batch naming day 1 twice said {written} bars were written, not 2"
            );
            let all = store
                .bars(&d, Interval::D1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                all == [bar(1, 11.0), bar(2, 20.0)],
                "the later copy of day 1 (close 11) should win; read back {}",
                shown(&all)
            );
            Ok(())
        })
        .await;

    suite
        .check("range_is_half_open", async {
            store
                .upsert_bars(&e, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            let some = store
                .bars(&e, Interval::D1, Some(day(2)), day(5))
                .await
                .called("bars")?;
            ensure!(
                stamps(&some) == [day(2), day(3), day(4)],
                "[day 2, day 5) should hold days 2, 3 and 4; got {}",
                shown(&some)
            );
            let head = store
                .bars(&e, Interval::D1, None, day(3))
                .await
                .called("bars")?;
            ensure!(
                stamps(&head) == [day(0), day(1), day(2)],
                "from the first to day 3 should hold days 0, 1 and 2; got {}",
                shown(&head)
            );
            Ok(())
        })
        .await;

    suite
        .check("empty_reversed_and_future_ranges_hold_nothing", async {
            store
                .upsert_bars(&e, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            let now = Utc::now();
            for (start, end, what) in [
                (day(5), day(2), "a reversed range"),
                (day(5), day(5), "an empty range"),
                (
                    now + Duration::days(30),
                    now,
                    "a range starting in the future",
                ),
            ] {
                let none = store
                    .bars(&e, Interval::D1, Some(start), end)
                    .await
                    .called("bars")?;
                ensure!(
                    none.is_empty(),
                    "{what} ({start} to {end}) gave {}",
                    shown(&none)
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("series_are_apart", async {
            store
                .upsert_bars(&a, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            let weekly = store
                .bars(&a, Interval::Wk1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                weekly.is_empty(),
                "daily bars read back as weekly ones: {}",
                shown(&weekly)
            );
            let other = store
                .bars(&g, Interval::D1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                other.is_empty(),
                "another symbol's bars read back: {}",
                shown(&other)
            );
            Ok(())
        })
        .await;

    suite
        .check("latest_bar", async {
            store
                .upsert_bars(&a, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            let latest = store
                .latest_bar(&a, Interval::D1)
                .await
                .called("latest_bar")?;
            ensure!(
                latest.map(|b| b.timestamp) == Some(day(9)),
                "the newest of days 0-9 should be day 9; got {latest:?}"
            );
            let none = store
                .latest_bar(&g, Interval::D1)
                .await
                .called("latest_bar")?;
            ensure!(
                none.is_none(),
                "a symbol with no bars has a latest bar: {none:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("oversized_volume_refused_whole", async {
            let huge = Bar {
                volume: u64::MAX,
                ..bar(50, 1.0)
            };
            match store
                .upsert_bars(&f, Interval::Mo1, &[bar(49, 1.0), huge])
                .await
            {
                Err(err) if err.kind() == ErrorKind::InvalidInput => {}
                other => {
                    return Err(format!(
                    "a volume of u64::MAX (above MAX_VOLUME) should be InvalidInput; got {other:?}"
                ))
                }
            }
            let left = store
                .bars(&f, Interval::Mo1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                left.is_empty(),
                "the refused batch left bars behind: {}",
                shown(&left)
            );
            Ok(())
        })
        .await;

    suite
        .check("prices_round_trip_exactly", async {
            let precise = Bar {
                timestamp: day(0),
                open: 1.034_57,
                high: 1.036_21,
                low: 0.000_1,
                close: 500_000.123_456_7,
                adj_close: None,
                volume: u64::from(u32::MAX) * 4,
            };
            let third = Bar {
                timestamp: day(1),
                open: 0.1 + 0.2,
                adj_close: Some(400.0 / 3.0),
                ..precise
            };
            store
                .upsert_bars(&f, Interval::D1, &[precise, third])
                .await
                .called("upsert_bars")?;
            let back = store
                .bars(&f, Interval::D1, None, day(2))
                .await
                .called("bars")?;
            ensure!(
                back == [precise, third],
                "wrote {}, read back {}",
                shown(&[precise, third]),
                shown(&back)
            );
            Ok(())
        })
        .await;

    suite
        .check("a_large_batch_round_trips", async {
            let bars: Vec<Bar> = (0..5_000)
                .map(|n| Bar {
                    timestamp: day(0) + Duration::minutes(n),
                    adj_close: (n % 7 != 0).then_some(n as f64 * 0.99),
                    ..bar(0, 1.0 + n as f64 / 100.0)
                })
                .collect();
            let written = store
                .upsert_bars(&g, Interval::M1, &bars)
                .await
                .called("upsert_bars")?;
            ensure!(
                written == 5_000,
                "a batch of 5000 bars said {written} were written"
            );
            let back = store
                .bars(&g, Interval::M1, None, day(100))
                .await
                .called("bars")?;
            ensure!(
                back == bars,
                "5000 bars written, {} read back, or not as written",
                back.len()
            );
            Ok(())
        })
        .await;

    suite
        .check("coverage_widens", async {
            let none = store.coverage(&c, Interval::Wk1).await.called("coverage")?;
            ensure!(
                none.is_none(),
                "a series never fetched has coverage {none:?}"
            );
            let extend = |from, to| store.extend_coverage(&c, Interval::Wk1, Coverage { from, to });
            extend(Some(day(5)), day(9))
                .await
                .called("extend_coverage")?;
            extend(Some(day(0)), day(6))
                .await
                .called("extend_coverage")?;
            let got = store.coverage(&c, Interval::Wk1).await.called("coverage")?;
            let want = Coverage {
                from: Some(day(0)),
                to: day(9),
            };
            ensure!(
                got == Some(want),
                "days 5-9 then 0-6 should cover 0-9; got {got:?}"
            );
            extend(None, day(7)).await.called("extend_coverage")?;
            let got = store.coverage(&c, Interval::Wk1).await.called("coverage")?;
            let want = Coverage {
                from: None,
                to: day(9),
            };
            ensure!(
                got == Some(want),
                "a fetch from the beginning should widen the start to None; got {got:?}"
            );
            let apart = store.coverage(&c, Interval::D1).await.called("coverage")?;
            ensure!(
                apart.is_none(),
                "another interval's coverage read back: {apart:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("stored_series_lists_bars_and_coverage", async {
            store
                .upsert_bars(&a, Interval::D1, &ten)
                .await
                .called("upsert_bars")?;
            let covered = Coverage {
                from: Some(day(1)),
                to: day(4),
            };
            store
                .extend_coverage(&b, Interval::H1, covered)
                .await
                .called("extend_coverage")?;
            let series = store.stored_series().await.called("stored_series")?;
            let sorted = series.windows(2).all(|w| w[0].symbol <= w[1].symbol);
            ensure!(sorted, "the series are not sorted by symbol");
            let find =
                |s: &Symbol, i: Interval| series.iter().find(|x| &x.symbol == s && x.interval == i);
            let with_bars = find(&a, Interval::D1).ok_or("a series with bars is not listed")?;
            ensure!(
                (with_bars.bars, with_bars.first_bar, with_bars.last_bar)
                    == (10, Some(day(0)), Some(day(9))),
                "10 daily bars from day 0 to day 9 listed as {with_bars:?}"
            );
            let only_covered =
                find(&b, Interval::H1).ok_or("a series with only a coverage is not listed")?;
            ensure!(
                (
                    only_covered.bars,
                    only_covered.first_bar,
                    only_covered.coverage
                ) == (0, None, Some(covered)),
                "a series with coverage and no bar listed as {only_covered:?}"
            );
            ensure!(
                series
                    .iter()
                    .all(|s| s.symbol != g || s.interval != Interval::D1),
                "a series never written is listed"
            );
            Ok(())
        })
        .await;

    suite.finish()
}

/// A consistent bar on day `n` closing at `close`.
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

fn stamps(bars: &[Bar]) -> Vec<DateTime<Utc>> {
    bars.iter().map(|b| b.timestamp).collect()
}

/// Bars as a message shows them: each timestamp and close, the first ten.
fn shown(bars: &[Bar]) -> String {
    let mut parts: Vec<String> = bars
        .iter()
        .take(10)
        .map(|b| format!("{} close {}", b.timestamp.format("%F %R"), b.close))
        .collect();
    if bars.len() > 10 {
        parts.push(format!("... ({} bars)", bars.len()));
    }
    format!("[{}]", parts.join(", "))
}
