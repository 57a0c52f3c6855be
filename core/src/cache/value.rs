//! The byte form of cached values: one format byte, then MessagePack with
//! field names.
//!
//! Field names are kept (rather than MessagePack's positional arrays) so a
//! value keeps decoding when a model type gains a `#[serde(default)]` field
//! or skips one with `skip_serializing_if`: the same evolution rules as the
//! JSON the services speak. Floats are written as 8-byte IEEE doubles, so
//! every `f64` (NaN payloads and `-0.0` included) reads back bit for bit.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Cache;
use crate::error::{Error, Result};

/// The first byte of every value [`encode_value`] writes: MessagePack with
/// field names follows. 0xC1 is the one byte MessagePack never uses and
/// never starts UTF-8 text, so neither a bare MessagePack value nor the JSON
/// earlier versions wrote can be mistaken for this format; a later format
/// takes another byte, and each version reads the other's values as misses.
pub const VALUE_FORMAT: u8 = 0xC1;

/// Encodes `value` as the cache stores it: [`VALUE_FORMAT`] then named-field
/// MessagePack. Costs one pass over the value and one allocation that grows
/// as needed (a quote is under 300 bytes; a year of daily bars about 30 KB).
///
/// Fails (`Internal`) only when the value's `Serialize` impl fails.
pub fn encode_value<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(256);
    bytes.push(VALUE_FORMAT);
    rmp_serde::encode::write_named(&mut bytes, value).map_err(|err| {
        Error::internal(format!("cache value does not encode: {err}")).with_source(err)
    })?;
    Ok(bytes)
}

/// Decodes bytes written by [`encode_value`]. One pass over the bytes; the
/// strings and vectors of the result are allocated, nothing else.
///
/// Fails (`Internal`) when the bytes are empty, start with another format
/// byte (a value written by another version), or do not decode as `T`.
pub fn decode_value<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&VALUE_FORMAT, body)) => rmp_serde::from_slice(body).map_err(|err| {
            Error::internal(format!("cache value does not decode: {err}")).with_source(err)
        }),
        Some((other, _)) => Err(Error::internal(format!(
            "cache value is in format {other:#04x}, not {VALUE_FORMAT:#04x}"
        ))),
        None => Err(Error::internal("cache value is empty")),
    }
}

/// The value under `key` in `namespace`, decoded: one cache read plus
/// [`decode_value`]. A value that does not decode (another version wrote
/// it) is logged and read as a miss; the caller's next write replaces it.
pub(crate) async fn get_value<T: DeserializeOwned>(
    cache: &dyn Cache,
    namespace: &str,
    key: &str,
) -> Option<T> {
    let bytes = cache.get(namespace, key).await?;
    match decode_value(&bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            tracing::warn!(
                namespace,
                "dropping a cached value that does not decode: {}",
                err.message()
            );
            None
        }
    }
}

/// Stores `value` under `key` in `namespace`: [`encode_value`] plus one
/// cache write. A value that does not encode is logged and not cached.
pub(crate) async fn set_value<T: Serialize + ?Sized>(
    cache: &dyn Cache,
    namespace: &str,
    key: &str,
    value: &T,
) {
    match encode_value(value) {
        Ok(bytes) => cache.set(namespace, key, bytes).await,
        Err(err) => tracing::warn!(namespace, "value not cached: {}", err.message()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::model::{
        Bar, Dividend, History, Interval, Origin, PlatformSentiment, Quote, SearchHit,
        SentimentAnalysis, Split, Symbol, Trend,
    };

    fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, nanos)
            .single()
            .expect("valid instant")
    }

    /// Yahoo sends prices as float32 widened to double, so they print with
    /// up to 17 digits in JSON; the fixture keeps that shape.
    fn yahoo_price(cents: f64) -> f64 {
        f64::from((cents / 100.0) as f32)
    }

    fn quote() -> Quote {
        Quote {
            symbol: Symbol::parse("BRK-B").expect("symbol"),
            price: 412.350_006_103_515_6,
            previous_close: 409.98,
            change: 412.350_006_103_515_6 - 409.98,
            change_percent: (412.350_006_103_515_6 - 409.98) / 409.98 * 100.0,
            volume: 3_456_789,
            market_cap: Some(8.9e11),
            pe_ratio: None,
            currency: "USD".to_owned(),
            exchange: "NYQ".to_owned(),
            market_time: at(1_717_185_600, 0),
            source: "yahoo".to_owned(),
            fetched_at: at(1_717_185_601, 123_456_789),
            stale: false,
        }
    }

    /// A year of daily bars with the oddities real histories carry: a bar
    /// without an adjusted close, dividends, a split, a gap and a
    /// sub-second fetch time.
    fn history() -> History {
        let day = 86_400;
        let start = 1_704_205_800; // 2024-01-02 14:30 UTC
        let bars = (0..252)
            .map(|i| {
                let base = 18_000.0 + (i as f64 * 37.0) % 900.0;
                Bar {
                    timestamp: at(start + i * day, 0),
                    open: yahoo_price(base),
                    high: yahoo_price(base + 211.0),
                    low: yahoo_price(base - 173.0),
                    close: yahoo_price(base + 42.0),
                    adj_close: (i != 17).then(|| yahoo_price(base + 41.0) * 0.997_3),
                    volume: 40_000_000 + (i as u64 * 7_919) % 9_000_000,
                }
            })
            .collect();
        History {
            symbol: Symbol::parse("AAPL").expect("symbol"),
            interval: Interval::D1,
            bars,
            currency: "USD".to_owned(),
            timezone: "America/New_York".to_owned(),
            instrument_type: "EQUITY".to_owned(),
            source: "yahoo".to_owned(),
            origin: Origin::Provider,
            dividends: vec![
                Dividend {
                    timestamp: at(start + 38 * day, 0),
                    amount: 0.24,
                },
                Dividend {
                    timestamp: at(start + 129 * day, 0),
                    amount: 0.25,
                },
            ],
            splits: vec![Split {
                timestamp: at(start + 200 * day, 0),
                numerator: 4.0,
                denominator: 1.0,
            }],
            capital_gains: Vec::new(),
            gaps: vec![at(start + 77 * day, 0)],
            fetched_at: at(1_735_689_600, 987_654_321),
            stale: true,
        }
    }

    fn analysis() -> SentimentAnalysis {
        let platform = |name: &str, score: f64, mentions: u32| PlatformSentiment {
            platform: name.to_owned(),
            sentiment_score: score,
            confidence: score.abs(),
            mention_count: mentions,
            keywords: vec![
                "earnings".to_owned(),
                "guidance".to_owned(),
                "ai".to_owned(),
            ],
            source_urls: (0..10)
                .map(|i| format!("https://social.example/{name}/post/{i}"))
                .collect(),
        };
        SentimentAnalysis {
            symbol: Symbol::parse("TSLA").expect("symbol"),
            current_sentiment: 0.123_456_789_012_345_67,
            sentiment_trend: Trend::Rising,
            mention_volume: 187,
            analysis_timestamp: at(1_735_689_600, 1),
            platforms: vec![
                platform("reddit", 0.316_227_766_016_837_94, 100),
                platform("stocktwits", -0.0, 87),
            ],
            sources: Vec::new(),
            stored: true,
        }
    }

    fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
        decode_value(&encode_value(value).expect("encodes")).expect("decodes")
    }

    #[test]
    fn an_analysis_cached_before_the_stored_field_reads_as_stored() {
        let unstored = SentimentAnalysis {
            stored: false,
            ..analysis()
        };
        assert!(!round_trip(&unstored).stored);
        let mut old = serde_json::to_value(&unstored).expect("to json");
        old.as_object_mut().expect("a map").remove("stored");
        let read: SentimentAnalysis =
            decode_value(&encode_value(&old).expect("encodes")).expect("decodes");
        assert!(read.stored);
        assert_eq!(read.mention_volume, unstored.mention_volume);
    }

    /// `PartialEq` on f64 calls `-0.0 == 0.0` and fails on NaN, so floats
    /// are also compared by their bits.
    fn same_bits(a: f64, b: f64) {
        assert_eq!(a.to_bits(), b.to_bits(), "{a} vs {b}");
    }

    #[test]
    fn cached_types_round_trip_exactly() {
        let q = quote();
        let back = round_trip(&q);
        assert_eq!(back, q);
        for (a, b) in [(back.price, q.price), (back.change, q.change)] {
            same_bits(a, b);
        }

        let h = history();
        let back = round_trip(&h);
        assert_eq!(back, h);
        for (a, b) in back.bars.iter().zip(&h.bars) {
            for (x, y) in [(a.open, b.open), (a.high, b.high), (a.low, b.low)] {
                same_bits(x, y);
            }
            same_bits(a.close, b.close);
            assert_eq!(a.adj_close.map(f64::to_bits), b.adj_close.map(f64::to_bits));
        }
        assert_eq!(back.bars[17].adj_close, None);

        let s = analysis();
        let back = round_trip(&s);
        assert_eq!(back, s);
        same_bits(back.platforms[1].sentiment_score, -0.0);

        let hits = vec![SearchHit {
            symbol: Symbol::parse("MSFT").expect("symbol"),
            name: "Microsoft Corporation".to_owned(),
            kind: "EQUITY".to_owned(),
            exchange: "NMS".to_owned(),
        }];
        assert_eq!(round_trip(&hits), hits);

        let odd = [f64::NAN, f64::INFINITY, -0.0, f64::MIN_POSITIVE / 2.0];
        for (a, b) in round_trip(&odd.to_vec()).into_iter().zip(odd) {
            same_bits(a, b);
        }
    }

    #[test]
    fn fields_left_out_take_their_defaults() {
        #[derive(Serialize)]
        struct OlderQuote<'a> {
            symbol: &'a str,
            price: f64,
            previous_close: f64,
            change: f64,
            change_percent: f64,
            volume: u64,
            market_cap: Option<f64>,
            pe_ratio: Option<f64>,
            currency: &'a str,
            exchange: &'a str,
            market_time: DateTime<Utc>,
            source: &'a str,
        }
        let q = quote();
        let older = OlderQuote {
            symbol: q.symbol.as_str(),
            price: q.price,
            previous_close: q.previous_close,
            change: q.change,
            change_percent: q.change_percent,
            volume: q.volume,
            market_cap: q.market_cap,
            pe_ratio: q.pe_ratio,
            currency: &q.currency,
            exchange: &q.exchange,
            market_time: q.market_time,
            source: &q.source,
        };
        let read: Quote = decode_value(&encode_value(&older).expect("encodes")).expect("decodes");
        assert_eq!(read.fetched_at, DateTime::UNIX_EPOCH);
        assert!(!read.stale);
        assert_eq!(read.price.to_bits(), q.price.to_bits());
    }

    #[test]
    fn other_formats_are_refused_not_misread() {
        let json = serde_json::to_vec(&quote()).expect("json");
        assert!(
            decode_value::<Quote>(&json).is_err(),
            "JSON of earlier versions"
        );
        let bare = rmp_serde::to_vec_named(&quote()).expect("msgpack");
        assert!(decode_value::<Quote>(&bare).is_err(), "no format byte");
        assert!(decode_value::<Quote>(&[]).is_err());
        let mut other_version = encode_value(&quote()).expect("encodes");
        other_version[0] = VALUE_FORMAT.wrapping_add(1);
        assert!(decode_value::<Quote>(&other_version).is_err());
        let mut cut = encode_value(&quote()).expect("encodes");
        cut.truncate(cut.len() / 2);
        assert!(decode_value::<Quote>(&cut).is_err(), "a truncated value");
        assert!(
            decode_value::<History>(&encode_value(&quote()).expect("encodes")).is_err(),
            "another type's value"
        );
    }

    #[test]
    fn history_is_smaller_than_its_json() {
        let h = history();
        let json = serde_json::to_vec(&h).expect("json").len();
        let packed = encode_value(&h).expect("encodes").len();
        let ratio = packed as f64 / json as f64;
        println!("a year of daily bars: {packed} bytes, JSON {json} bytes, ratio {ratio:.3}");
        assert!(ratio < 0.8, "{packed} vs {json} bytes");
        let q = quote();
        let (json, packed) = (
            serde_json::to_vec(&q).expect("json").len(),
            encode_value(&q).expect("encodes").len(),
        );
        println!("a quote: {packed} bytes, JSON {json} bytes");
        assert!(packed < json, "{packed} vs {json} bytes");
    }

    #[tokio::test]
    async fn helpers_read_a_foreign_value_as_a_miss() {
        let cache = crate::cache::MemoryCache::new(crate::cache::CachePolicies::default());
        set_value(&cache, "stock_quote", "BRK-B", &quote()).await;
        assert_eq!(
            get_value::<Quote>(&cache, "stock_quote", "BRK-B").await,
            Some(quote())
        );
        let json = serde_json::to_vec(&quote()).expect("json");
        cache.set("stock_quote", "BRK-B", json).await;
        assert_eq!(
            get_value::<Quote>(&cache, "stock_quote", "BRK-B").await,
            None
        );
    }
}
