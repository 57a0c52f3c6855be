//! A user's JS market-data object as core's [`MarketData`]: `quote(symbol)`,
//! `history(symbol, start, end, interval)` and `search(query, limit)`,
//! each returning (or resolving to) plain objects with the library's own
//! field names, the shapes `Client` itself returns for `Quote`, `History`
//! (or just its array of bars) and `SearchHit`. `quote` and `history` may
//! answer `null` (or `undefined`) for a symbol they do not know: that is
//! `NotFound`. A throw or rejection is `Upstream` unless the error's `code`
//! names another kind; a value that does not fit is `Upstream` naming the
//! method and the field.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Env, JsValue, Unknown};
use tickersense::model::{checked_instant, volume_from_f64, BadVolume};
use tickersense::provider::MarketData;
use tickersense::{
    Bar, Dividend, Error, ErrorKind, History, HistoryRange, Interval, Origin, Quote, SearchHit,
    Split, Symbol,
};

use super::call::{bad_value, FromJs, Method};
use tickersense::model::limits::MAX_ANSWER_BARS;
use tickersense::service::MAX_SEARCH_LIMIT;

use super::read::{self, BadValue, Excess, Fields};

/// The first instant asked of a JS provider for a range without a start
/// (`"max"`): 1900, before the oldest series any provider keeps.
const EARLIEST: i64 = -2_208_988_800;

/// What `history` is called with: symbol, start, end and interval.
type HistoryArgs = (String, DateTime<Utc>, DateTime<Utc>, String);

/// A JS object serving quotes, history and search; see the module docs.
pub struct JsMarketData {
    name: String,
    quote: Method<(String,), Option<QuoteFields>>,
    history: Method<HistoryArgs, Option<HistoryFields>>,
    search: Method<(String, u32), Vec<HitFields>>,
}

impl JsMarketData {
    /// The object `target` (checked to have the three methods); `name` is
    /// its `name` property, `"javascript"` without one.
    pub fn new(env: &Env, target: Unknown<'_>, name: String) -> napi::Result<Self> {
        let method = |key: &str| format!("marketData.{key}");
        Ok(JsMarketData {
            quote: Method::new(env, target, Some("quote"), false, method("quote"))?,
            history: Method::new(env, target, Some("history"), false, method("history"))?,
            search: Method::new(env, target, Some("search"), false, method("search"))?,
            name,
        })
    }

    /// Lets the JS object go (see [`Method::release`]).
    pub fn release(&self) {
        self.quote.release();
        self.history.release();
        self.search.release();
    }
}

#[async_trait]
impl MarketData for JsMarketData {
    fn name(&self) -> &str {
        &self.name
    }

    async fn quote(&self, symbol: &Symbol) -> tickersense::Result<Quote> {
        let fields = self
            .quote
            .call((symbol.as_str().to_owned(),), ErrorKind::Upstream)
            .await?
            .ok_or_else(|| not_found(self.quote.what(), symbol))?;
        fields
            .into_quote(symbol, &self.name)
            .map_err(|bad| bad_value(self.quote.what(), &bad))
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> tickersense::Result<History> {
        let (start, end) = range.bounds(Utc::now());
        let start = start.unwrap_or_else(|| {
            DateTime::from_timestamp(EARLIEST, 0).unwrap_or(DateTime::UNIX_EPOCH)
        });
        let args = (
            symbol.as_str().to_owned(),
            start,
            end,
            interval.as_str().to_owned(),
        );
        let fields = self
            .history
            .call(args, ErrorKind::Upstream)
            .await?
            .ok_or_else(|| not_found(self.history.what(), symbol))?;
        let mut history = fields
            .into_history(symbol, interval, &self.name)
            .map_err(|bad| bad_value(self.history.what(), &bad))?;
        tickersense::provider::keep_history_promise(&mut history, self.history.what())?;
        Ok(history)
    }

    async fn search(&self, query: &str, limit: usize) -> tickersense::Result<Vec<SearchHit>> {
        let asked = u32::try_from(limit).unwrap_or(u32::MAX);
        let hits = self
            .search
            .call((query.to_owned(), asked), ErrorKind::Upstream)
            .await?;
        Ok(hits
            .into_iter()
            .take(limit)
            .map(HitFields::into_hit)
            .collect())
    }
}

/// The `NotFound` of a method that answered `null` for `symbol`.
fn not_found(what: &str, symbol: &Symbol) -> Error {
    Error::not_found(format!("{what} knows no symbol {symbol}"))
}

/// `null` and `undefined` as `None`, anything else read as `T`.
impl<T: FromJs> FromJs for Option<T> {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        match value.get_type() {
            Ok(napi::ValueType::Undefined | napi::ValueType::Null) => Ok(None),
            _ => T::from_js(value).map(Some),
        }
    }
}

/// A share count: a whole, finite, non-negative JS number.
fn volume(value: &Unknown<'_>) -> Result<u64, BadValue> {
    let n = read::number(value)?;
    volume_from_f64(n).map_err(|why| {
        let problem = match why {
            BadVolume::NotACount => "must be a share count (0 or more)",
            BadVolume::TooLarge => "is more shares than any market trades",
        };
        BadValue::new("", format!("{problem}, not {n}"))
    })
}

/// An instant a bar or event can start at (the years 1800 to 9999).
fn instant(value: &Unknown<'_>) -> Result<DateTime<Utc>, BadValue> {
    let t = read::date(value)?;
    checked_instant(t)
        .ok_or_else(|| BadValue::new("", format!("must lie in the years 1800 to 9999, not {t}")))
}

/// A symbol returned by the provider, validated as core validates one.
fn symbol(value: &Unknown<'_>) -> Result<Symbol, BadValue> {
    let text = read::field(value)?;
    Symbol::parse(&text).map_err(|e| BadValue::new("", format!("is no symbol: {}", e.message())))
}

/// The fields of a returned quote.
pub struct QuoteFields {
    symbol: Option<Symbol>,
    price: f64,
    /// The price when left out (no change), as the Python binding takes it.
    previous_close: Option<f64>,
    change: Option<f64>,
    change_percent: Option<f64>,
    volume: Option<u64>,
    market_cap: Option<f64>,
    pe_ratio: Option<f64>,
    currency: Option<String>,
    exchange: Option<String>,
    market_time: Option<DateTime<Utc>>,
    fetched_at: Option<DateTime<Utc>>,
}

impl FromJs for QuoteFields {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        let f = Fields::of(value)?;
        Ok(QuoteFields {
            symbol: f.optional("symbol", symbol)?,
            price: f.required("price", read::number)?,
            previous_close: f.optional("previousClose", read::number)?,
            change: f.optional("change", read::number)?,
            change_percent: f.optional("changePercent", read::number)?,
            volume: f.optional("volume", volume)?,
            market_cap: f.optional("marketCap", read::number)?,
            pe_ratio: f.optional("peRatio", read::number)?,
            currency: f.optional("currency", read::field)?,
            exchange: f.optional("exchange", read::field)?,
            market_time: f.optional("marketTime", read::date)?,
            fetched_at: f.optional("fetchedAt", read::date)?,
        })
    }
}

impl QuoteFields {
    /// The quote of `asked` from `source`: change and change percent
    /// computed when left out, times now when left out.
    fn into_quote(self, asked: &Symbol, source: &str) -> Result<Quote, BadValue> {
        if let Some(given) = self.symbol.filter(|s| s != asked) {
            return Err(BadValue::new(
                "symbol",
                format!("is {given}, not the symbol asked for ({asked})"),
            ));
        }
        let computed = Quote::new(
            asked.clone(),
            self.price,
            self.previous_close.unwrap_or(self.price),
            source,
        );
        Ok(Quote {
            change: self.change.unwrap_or(computed.change),
            change_percent: self.change_percent.unwrap_or(computed.change_percent),
            volume: self.volume.unwrap_or(0),
            market_cap: self.market_cap,
            pe_ratio: self.pe_ratio,
            currency: self.currency.unwrap_or_default(),
            exchange: self.exchange.unwrap_or_default(),
            market_time: self.market_time.unwrap_or(computed.market_time),
            fetched_at: self.fetched_at.unwrap_or(computed.fetched_at),
            ..computed
        })
    }
}

/// The fields of a returned history (or its bars alone).
pub struct HistoryFields {
    bars: Vec<Bar>,
    currency: Option<String>,
    timezone: Option<String>,
    instrument_type: Option<String>,
    dividends: Vec<Dividend>,
    splits: Vec<Split>,
    capital_gains: Vec<Dividend>,
    gaps: Vec<DateTime<Utc>>,
    fetched_at: Option<DateTime<Utc>>,
}

impl FromJs for HistoryFields {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        if value.is_array().unwrap_or(false) {
            return Ok(HistoryFields {
                bars: read::array(value, MAX_ANSWER_BARS, Excess::Refuse, bar)?,
                currency: None,
                timezone: None,
                instrument_type: None,
                dividends: Vec::new(),
                splits: Vec::new(),
                capital_gains: Vec::new(),
                gaps: Vec::new(),
                fetched_at: None,
            });
        }
        let f = Fields::of(value)?;
        let list = |key: &str, item: fn(&Unknown<'_>) -> Result<Dividend, BadValue>| {
            f.optional(key, |v| {
                read::array(v, MAX_ANSWER_BARS, Excess::Refuse, item)
            })
            .map(Option::unwrap_or_default)
        };
        Ok(HistoryFields {
            bars: f.required("bars", |v| {
                read::array(v, MAX_ANSWER_BARS, Excess::Refuse, bar)
            })?,
            currency: f.optional("currency", read::field)?,
            timezone: f.optional("timezone", read::field)?,
            instrument_type: f.optional("instrumentType", read::field)?,
            dividends: list("dividends", dividend)?,
            splits: f
                .optional("splits", |v| {
                    read::array(v, MAX_ANSWER_BARS, Excess::Refuse, split)
                })?
                .unwrap_or_default(),
            capital_gains: list("capitalGains", dividend)?,
            gaps: f
                .optional("gaps", |v| {
                    read::array(v, MAX_ANSWER_BARS, Excess::Refuse, instant)
                })?
                .unwrap_or_default(),
            fetched_at: f.optional("fetchedAt", read::date)?,
        })
    }
}

impl HistoryFields {
    /// The history of `symbol` in `interval` bars from `source`, its bars
    /// as given (the caller puts them in the trait's order).
    fn into_history(
        self,
        symbol: &Symbol,
        interval: Interval,
        source: &str,
    ) -> Result<History, BadValue> {
        Ok(History {
            symbol: symbol.clone(),
            interval,
            bars: self.bars,
            currency: self.currency.unwrap_or_default(),
            timezone: self.timezone.unwrap_or_else(|| "UTC".to_owned()),
            instrument_type: self.instrument_type.unwrap_or_default(),
            source: source.to_owned(),
            origin: Origin::Provider,
            dividends: self.dividends,
            splits: self.splits,
            capital_gains: self.capital_gains,
            gaps: self.gaps,
            fetched_at: self.fetched_at.unwrap_or_else(Utc::now),
            stale: false,
        })
    }
}

/// One returned bar.
fn bar(value: &Unknown<'_>) -> Result<Bar, BadValue> {
    let f = Fields::of(value)?;
    Ok(Bar {
        timestamp: f.required("timestamp", instant)?,
        open: f.required("open", read::number)?,
        high: f.required("high", read::number)?,
        low: f.required("low", read::number)?,
        close: f.required("close", read::number)?,
        adj_close: f.optional("adjClose", read::number)?,
        volume: f.optional("volume", volume)?.unwrap_or(0),
    })
}

/// One returned dividend (or capital gain).
fn dividend(value: &Unknown<'_>) -> Result<Dividend, BadValue> {
    let f = Fields::of(value)?;
    Ok(Dividend {
        timestamp: f.required("timestamp", instant)?,
        amount: f.required("amount", read::number)?,
    })
}

/// One returned split.
fn split(value: &Unknown<'_>) -> Result<Split, BadValue> {
    let f = Fields::of(value)?;
    Ok(Split {
        timestamp: f.required("timestamp", instant)?,
        numerator: f.required("numerator", read::number)?,
        denominator: f.required("denominator", read::number)?,
    })
}

/// The fields of one returned search hit.
pub struct HitFields {
    symbol: Symbol,
    name: Option<String>,
    kind: Option<String>,
    exchange: Option<String>,
}

impl FromJs for HitFields {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        let f = Fields::of(value)?;
        Ok(HitFields {
            symbol: f.required("symbol", symbol)?,
            name: f.optional("name", read::field)?,
            kind: f.optional("kind", read::field)?,
            exchange: f.optional("exchange", read::field)?,
        })
    }
}

impl HitFields {
    fn into_hit(self) -> SearchHit {
        SearchHit {
            symbol: self.symbol,
            name: self.name.unwrap_or_default(),
            kind: self.kind.unwrap_or_default(),
            exchange: self.exchange.unwrap_or_default(),
        }
    }
}

/// The hits of a search: an array of hits, of which only the first
/// [`MAX_SEARCH_LIMIT`] are read (no call asks for more; the search then
/// keeps the first `limit` asked for), so a huge answer costs no time.
impl FromJs for Vec<HitFields> {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        read::array(value, MAX_SEARCH_LIMIT, Excess::Ignore, HitFields::from_js)
    }
}
