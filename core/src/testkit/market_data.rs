//! The [`MarketData`] suite: quotes, history bars and search, on a symbol
//! the provider serves, one it does not, and a query that matches.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::run::{ensure, fails_with, Called, Suite, Verdict};
use super::Report;
use crate::model::{Bar, History, HistoryRange, Interval, Period};
use crate::provider::MarketData;
use crate::ErrorKind;

/// The most hits the suite asks a search for.
const SEARCH_LIMIT: usize = 5;

/// Runs every [`MarketData`] check on `provider` and reports each.
///
/// `known_symbol` is one the provider serves, with daily bars in its whole
/// history; `unknown_symbol` one it does not (valid as a symbol, e.g.
/// `ZZZZ9`); `search_query` a query with at least one hit. Costs four
/// history calls (the whole daily history, a slice of it, an empty range
/// and the unknown symbol), two quotes and five searches.
pub async fn market_data(
    provider: Arc<dyn MarketData>,
    known_symbol: String,
    unknown_symbol: String,
    search_query: String,
) -> Report {
    let provider = &*provider;
    let mut suite = Suite::new("market_data", provider.name());
    let Some([known, unknown]) = suite.symbols(
        "inputs",
        "the symbols given to the suite are not symbols",
        [&known_symbol, &unknown_symbol],
    ) else {
        return suite.finish();
    };

    suite
        .check_given("name_is_given", "name()", provider.name())
        .await;

    suite
        .check("quote_names_the_symbol", async {
            let quote = provider.quote(&known).await.called("quote")?;
            ensure!(
                quote.symbol == known,
                "quote({known}) answered for {}",
                quote.symbol
            );
            Ok(())
        })
        .await;

    suite
        .check("quote_price_is_finite_and_positive", async {
            let quote = provider.quote(&known).await.called("quote")?;
            ensure!(
                quote.price.is_finite() && quote.price > 0.0,
                "quote({known}).price is {}",
                quote.price
            );
            let numbers = [
                ("previous_close", Some(quote.previous_close)),
                ("change", Some(quote.change)),
                ("change_percent", Some(quote.change_percent)),
                ("market_cap", quote.market_cap),
                ("pe_ratio", quote.pe_ratio),
            ];
            for (field, value) in numbers {
                ensure!(
                    value.is_none_or(f64::is_finite),
                    "quote({known}).{field} is {value:?}"
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("unknown_symbol_is_not_found", async {
            let quote = provider.quote(&unknown).await;
            ensure!(
                fails_with(&quote, ErrorKind::NotFound),
                "quote({unknown}) should be NotFound; got {}",
                shown_result(quote.as_ref().map(|q| format!("a quote at {}", q.price)))
            );
            let history = provider
                .history(&unknown, HistoryRange::Period(Period::Mo1), Interval::D1)
                .await;
            ensure!(
                fails_with(&history, ErrorKind::NotFound),
                "history({unknown}) should be NotFound; got {}",
                shown_result(history.as_ref().map(|h| format!("{} bars", h.bars.len())))
            );
            Ok(())
        })
        .await;

    // The whole daily history: a range every provider serves, whatever
    // stretch of time its data covers.
    let asked_at = Utc::now();
    let whole = provider
        .history(&known, HistoryRange::Period(Period::Max), Interval::D1)
        .await;
    let whole = whole
        .as_ref()
        .map_err(|e| format!("history({known}, max, 1d) failed: {e}"));

    suite
        .check("history_names_the_symbol_and_interval", async {
            let history = whole.clone()?;
            ensure!(
                history.symbol == known && history.interval == Interval::D1,
                "history({known}, 1d) answered for {} at {}",
                history.symbol,
                history.interval
            );
            ensure!(
                !history.bars.is_empty(),
                "history({known}, max, 1d) has no bar"
            );
            Ok(())
        })
        .await;
    suite
        .check("history_bars_oldest_first", async {
            oldest_first(whole.clone()?)
        })
        .await;
    suite
        .check("history_has_no_duplicate_timestamps", async {
            no_duplicates(whole.clone()?)
        })
        .await;
    suite
        .check("history_bars_are_consistent", async {
            consistent(whole.clone()?)
        })
        .await;
    suite
        .check("history_bars_inside_the_range", async {
            let history = whole.clone()?;
            inside(history, None, asked_at + chrono::Duration::minutes(1))
        })
        .await;

    suite
        .check("history_between_dates_stays_inside", async {
            let history = whole.clone()?;
            let n = history.bars.len();
            let (Some(first), Some(last)) = (history.bars.get(n / 4), history.bars.get(n * 3 / 4))
            else {
                return Err("history(max) has no bar to take a slice of".into());
            };
            let (start, end) = (
                first.timestamp,
                last.timestamp
                    .max(first.timestamp + chrono::Duration::days(1)),
            );
            let slice = provider
                .history(&known, HistoryRange::Between { start, end }, Interval::D1)
                .await
                .called("history")?;
            ensure!(
                !slice.bars.is_empty(),
                "history({known}) from {start} to {end} (where max has bars) has none"
            );
            oldest_first(&slice)?;
            no_duplicates(&slice)?;
            inside(&slice, Some(start), end)
        })
        .await;

    suite
        .check("an_empty_range_has_no_bars", async {
            let at = match whole.clone() {
                Ok(history) => history.bars.first().map_or(asked_at, |b| b.timestamp),
                Err(_) => asked_at,
            };
            let empty = HistoryRange::Between { start: at, end: at };
            match provider.history(&known, empty, Interval::D1).await {
                Ok(history) => ensure!(
                    history.bars.is_empty(),
                    "the empty range [{at}, {at}) gave {} bars",
                    history.bars.len()
                ),
                Err(err) if err.kind() == ErrorKind::InvalidInput => {}
                Err(err) => return Err(format!("the empty range [{at}, {at}) failed: {err}")),
            }
            Ok(())
        })
        .await;

    suite
        .check("search_finds_the_query", async {
            let hits = provider
                .search(&search_query, SEARCH_LIMIT)
                .await
                .called("search")?;
            ensure!(
                !hits.is_empty(),
                "search({:?}) found nothing",
                crate::error::echo(&search_query)
            );
            Ok(())
        })
        .await;

    suite
        .check("search_respects_the_limit", async {
            for limit in [1, SEARCH_LIMIT] {
                let hits = provider
                    .search(&search_query, limit)
                    .await
                    .called("search")?;
                ensure!(
                    hits.len() <= limit,
                    "search with limit {limit} gave {} hits",
                    hits.len()
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("search_handles_odd_queries", async {
            let long = "q".repeat(10_000);
            for (query, what) in [
                ("", "an empty query"),
                ("   ", "a blank query"),
                (long.as_str(), "a 10,000-character query"),
                ("%&?#/\\\"'<>", "a query of URL and quote characters"),
            ] {
                match provider.search(query, SEARCH_LIMIT).await {
                    Ok(hits) => ensure!(
                        hits.len() <= SEARCH_LIMIT,
                        "{what} gave {} hits for a limit of {SEARCH_LIMIT}",
                        hits.len()
                    ),
                    Err(err)
                        if matches!(err.kind(), ErrorKind::InvalidInput | ErrorKind::NotFound) => {}
                    Err(err) => {
                        return Err(format!(
                            "{what} should give hits or InvalidInput/NotFound; got {err}"
                        ))
                    }
                }
            }
            Ok(())
        })
        .await;

    suite.finish()
}

/// `Ok` or `Err` of a call as a failure message shows it.
fn shown_result(result: Result<String, &crate::Error>) -> String {
    match result {
        Ok(what) => what,
        Err(err) => err.to_string(),
    }
}

fn oldest_first(history: &History) -> Verdict {
    let back = history
        .bars
        .windows(2)
        .position(|w| w[0].timestamp > w[1].timestamp);
    ensure!(
        back.is_none(),
        "bars are not oldest first: bar {} ({}) comes after a later one",
        back.map_or(0, |i| i + 1),
        back.and_then(|i| history.bars.get(i + 1))
            .map_or(String::new(), |b| b.timestamp.to_string())
    );
    Ok(())
}

fn no_duplicates(history: &History) -> Verdict {
    let mut stamps: Vec<DateTime<Utc>> = history.bars.iter().map(|b| b.timestamp).collect();
    stamps.sort_unstable();
    let twice = stamps.windows(2).find(|w| w[0] == w[1]);
    ensure!(
        twice.is_none(),
        "two bars share the timestamp {}",
        twice.map_or(String::new(), |w| w[0].to_string())
    );
    Ok(())
}

fn consistent(history: &History) -> Verdict {
    let bad = |b: &Bar| {
        let prices = [b.open, b.high, b.low, b.close];
        !prices.iter().all(|p| p.is_finite())
            || !b.adj_close.is_none_or(f64::is_finite)
            || b.low > b.open.min(b.close)
            || b.high < b.open.max(b.close)
    };
    if let Some(b) = history.bars.iter().find(|b| bad(b)) {
        return Err(format!(
            "the bar at {} has open {}, high {}, low {}, close {}, adj close {:?}: prices must be finite with low <= open, close <= high",
            b.timestamp, b.open, b.high, b.low, b.close, b.adj_close
        ));
    }
    Ok(())
}

fn inside(history: &History, start: Option<DateTime<Utc>>, end: DateTime<Utc>) -> Verdict {
    let outside = history
        .bars
        .iter()
        .find(|b| b.timestamp >= end || start.is_some_and(|s| b.timestamp < s));
    if let Some(b) = outside {
        let from = start.map_or("the beginning".to_owned(), |s| s.to_string());
        return Err(format!(
            "the bar at {} lies outside the range asked, [{from}, {end})",
            b.timestamp
        ));
    }
    Ok(())
}
