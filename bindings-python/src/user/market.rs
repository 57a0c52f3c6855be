//! A Python object as core's `MarketData`: `quote(symbol)`,
//! `history(symbol, start, end, interval)` and `search(query, limit)`,
//! plain or `async def`, returning dicts of the library's field names (a
//! list of bar dicts or a DataFrame for history).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use pyo3::prelude::*;
use tickersense::model::limits::MAX_ANSWER_BARS;
use tickersense::provider::MarketData;
use tickersense::{
    Bar, Error, ErrorKind, History, HistoryRange, Interval, Quote, Result, SearchHit, Symbol,
};

use super::convert::{bad, first_items, frame_rows, is_frame, is_sequence, items, Fields};
use super::{describe, require_methods};
use crate::runtime::{call_python, Site};

/// A user's market-data object.
pub struct PyMarketData {
    object: Arc<Py<PyAny>>,
    /// Its `name` attribute, or its class's name.
    name: String,
}

impl PyMarketData {
    /// `object` checked for the three methods (`TypeError` naming those
    /// missing). Reads its `name`; calls nothing.
    pub fn new(object: &Bound<'_, PyAny>) -> PyResult<Self> {
        require_methods(object, "market_data", &["quote", "history", "search"])?;
        Ok(PyMarketData {
            object: Arc::new(object.clone().unbind()),
            name: describe(object),
        })
    }

    fn site(&self, method: &str) -> Arc<Site> {
        Arc::new(Site {
            name: format!("{}.{method}()", self.name),
            otherwise: ErrorKind::Upstream,
        })
    }
}

#[async_trait]
impl MarketData for PyMarketData {
    fn name(&self) -> &str {
        &self.name
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        let (object, site) = (self.object.clone(), self.site("quote"));
        let asked = symbol.as_str().to_owned();
        let (symbol, source, name) = (symbol.clone(), self.name.clone(), site.name.clone());
        call_python(
            site,
            move |py| object.call_method1(py, "quote", (asked,)),
            move |_, returned| quote_from(&name, returned, symbol, &source),
        )
        .await
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let (object, site) = (self.object.clone(), self.site("history"));
        let (start, end) = range.bounds(Utc::now());
        let asked = symbol.as_str().to_owned();
        let (symbol, source, name) = (symbol.clone(), self.name.clone(), site.name.clone());
        call_python(
            site,
            move |py| object.call_method1(py, "history", (asked, start, end, interval.as_str())),
            move |_, returned| history_from(&name, returned, symbol, interval, &source),
        )
        .await
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let (object, site) = (self.object.clone(), self.site("search"));
        let (query, name) = (query.to_owned(), site.name.clone());
        call_python(
            site,
            move |py| object.call_method1(py, "search", (query, limit)),
            move |_, returned| {
                // Only the hits asked for are read: a longer list costs nothing more.
                first_items(&name, returned, limit)?
                    .iter()
                    .enumerate()
                    .map(|(i, hit)| search_hit_from(format!("{name}[{i}]"), hit))
                    .collect::<Result<Vec<_>>>()
            },
        )
        .await
    }
}

/// The `NotFoundError` for a method that returned `None` for `symbol`, as
/// the built-in providers say of a symbol they do not know.
fn none_found(site: &str, returned: &Bound<'_, PyAny>, symbol: &Symbol, what: &str) -> Result<()> {
    if returned.is_none() {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("{site} returned None: no {what} for {symbol}"),
        ));
    }
    Ok(())
}

/// A quote dict (`None`: `NotFoundError`): `price` needed; `previous_close` (else the price),
/// `volume`, `market_cap`, `pe_ratio`, `currency`, `exchange`,
/// `market_time` (else now) and `source` (else the provider's name) taken
/// when there. Change and change percent are computed.
fn quote_from(
    site: &str,
    returned: &Bound<'_, PyAny>,
    symbol: Symbol,
    source: &str,
) -> Result<Quote> {
    none_found(site, returned, &symbol, "quote")?;
    let fields = Fields::of(site.to_owned(), returned, "Quote")?;
    let price = fields.number("price")?;
    let previous_close = fields.opt_number("previous_close")?.unwrap_or(price);
    let source = fields
        .opt_text("source")?
        .unwrap_or_else(|| source.to_owned());
    let mut quote = Quote::new(symbol, price, previous_close, &source);
    quote.volume = fields.count("volume")?;
    quote.market_cap = fields.opt_number("market_cap")?;
    quote.pe_ratio = fields.opt_number("pe_ratio")?;
    quote.currency = fields.opt_text("currency")?.unwrap_or_default();
    quote.exchange = fields.opt_text("exchange")?.unwrap_or_default();
    if let Some(at) = fields.opt_time("market_time")? {
        quote.market_time = at;
    }
    Ok(quote)
}

/// A history: a list of bar dicts, a DataFrame of bars, or a dict with
/// `bars` (either of those) and optionally `currency`, `timezone`,
/// `instrument_type`; `None` is `NotFoundError`. More than
/// [`MAX_ANSWER_BARS`] bars are refused before any is read. Bars are put
/// oldest first.
fn history_from(
    site: &str,
    returned: &Bound<'_, PyAny>,
    symbol: Symbol,
    interval: Interval,
    source: &str,
) -> Result<History> {
    none_found(site, returned, &symbol, "history")?;
    let mut history = History::empty(symbol, interval, source);
    let bars = if is_frame(returned) || is_sequence(returned) {
        returned.clone()
    } else {
        let fields = Fields::of(site.to_owned(), returned, "History")?;
        history.currency = fields.opt_text("currency")?.unwrap_or_default();
        if let Some(zone) = fields.opt_text("timezone")? {
            history.timezone = zone;
        }
        history.instrument_type = fields.opt_text("instrument_type")?.unwrap_or_default();
        returned
            .get_item("bars")
            .map_err(|_| bad(site, "a dict without 'bars'"))?
    };
    let rows = if is_frame(&bars) {
        frame_rows(site, &bars, MAX_ANSWER_BARS, "bars")?
    } else {
        items(site, &bars, MAX_ANSWER_BARS, "bars")?
    };
    history.bars = rows
        .iter()
        .enumerate()
        .map(|(i, row)| bar_from(format!("{site}[{i}]"), row))
        .collect::<Result<_>>()?;
    tickersense::provider::keep_history_promise(&mut history, site)?;
    Ok(history)
}

/// A bar dict: `timestamp`, `open`, `high`, `low`, `close` needed;
/// `adj_close` and `volume` (else 0) taken when there.
fn bar_from(site: String, row: &Bound<'_, PyAny>) -> Result<Bar> {
    let fields = Fields::of(site, row, "Bar")?;
    Ok(Bar {
        timestamp: fields.time("timestamp")?,
        open: fields.number("open")?,
        high: fields.number("high")?,
        low: fields.number("low")?,
        close: fields.number("close")?,
        adj_close: fields.opt_number("adj_close")?,
        volume: fields.count("volume")?,
    })
}

/// A search hit dict: `symbol` needed (a valid symbol); `name`, `kind`,
/// `exchange` taken when there.
fn search_hit_from(site: String, hit: &Bound<'_, PyAny>) -> Result<SearchHit> {
    let fields = Fields::of(site.clone(), hit, "SearchHit")?;
    let text = fields.text("symbol")?;
    let symbol = Symbol::parse(&text).map_err(|err| {
        bad(
            &site,
            format_args!("a 'symbol' that is no symbol: {}", err.message()),
        )
    })?;
    Ok(SearchHit {
        symbol,
        name: fields.opt_text("name")?.unwrap_or_default(),
        kind: fields.opt_text("kind")?.unwrap_or_default(),
        exchange: fields.opt_text("exchange")?.unwrap_or_default(),
    })
}
