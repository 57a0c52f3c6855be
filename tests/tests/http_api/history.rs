//! History: the seed's shape, pandas dates, exchange calendar days, parameter problems.

use std::sync::Arc;

use async_trait::async_trait;
use tickersense::provider::MarketData;
use tickersense::{History, HistoryRange, Interval, Quote, Result, SearchHit, Symbol};

use super::*;

#[tokio::test]
async fn history_has_the_seed_shape_with_pandas_dates() {
    let router = sample_app();
    let answer = get(&router, "/api/v1/stocks/MSFT/history").await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(
        keys(&body),
        set(&["symbol", "period", "data", "interval", "currency", "timezone", "stale"])
    );
    assert_eq!(body["symbol"], "MSFT");
    assert_eq!(body["period"], "1mo");
    assert_eq!(body["interval"], "1d");
    let data = body["data"].as_array().unwrap();
    assert!((15..=25).contains(&data.len()), "{} bars", data.len());
    for bar in data {
        assert_eq!(
            keys(bar),
            set(&["date", "open", "high", "low", "close", "volume"])
        );
        assert!(bar["volume"].is_u64());
        // pandas' isoformat of a New York midnight: no fraction, an offset.
        let date = bar["date"].as_str().unwrap();
        assert_eq!(date.len(), "2024-01-02T00:00:00-05:00".len(), "{date}");
        assert!(date.contains("T00:00:00-0"), "{date}");
        chrono::DateTime::parse_from_rfc3339(date).expect("ISO 8601 with an offset");
    }

    let weekly = get(
        &router,
        "/api/v1/stocks/MSFT/history?period=1y&interval=1wk",
    )
    .await;
    assert_eq!(weekly.status, StatusCode::OK);
    let weekly = weekly.json();
    assert_eq!(
        (weekly["period"].as_str(), weekly["interval"].as_str()),
        (Some("1y"), Some("1wk"))
    );
    let weeks = weekly["data"].as_array().unwrap().len();
    assert!((50..=54).contains(&weeks), "{weeks} weeks");

    let between = get(
        &router,
        "/api/v1/stocks/MSFT/history?start=2024-01-01&end=2024-02-01",
    )
    .await;
    assert_eq!(between.status, StatusCode::OK);
    let between = between.json();
    let dates: Vec<&str> = between["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["date"].as_str().unwrap())
        .collect();
    // Dates are the exchange's: every January weekday, none of February.
    assert_eq!(dates.first(), Some(&"2024-01-01T00:00:00-05:00"));
    assert_eq!(dates.last(), Some(&"2024-01-31T00:00:00-05:00"));
    assert_eq!(dates.len(), 23);
}

/// Daily bars stamped at Tokyo midnight, one a calendar day.
struct TokyoDays;

#[async_trait]
impl MarketData for TokyoDays {
    fn name(&self) -> &str {
        "tokyo-days"
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        Ok(Quote::new(symbol.clone(), 10.0, 9.0, self.name()))
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let (start, end) = range.bounds(chrono::Utc::now());
        let start = start.unwrap_or(end - chrono::Duration::days(30));
        let tokyo: chrono_tz::Tz = "Asia/Tokyo".parse().unwrap();
        let mut day = start.with_timezone(&tokyo).date_naive();
        let mut bars = Vec::new();
        loop {
            let at = day
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(tokyo)
                .unwrap()
                .with_timezone(&chrono::Utc);
            if at >= end {
                break;
            }
            if at >= start {
                bars.push(tickersense::Bar {
                    timestamp: at,
                    open: 1.0,
                    high: 2.0,
                    low: 0.5,
                    close: 1.5,
                    adj_close: None,
                    volume: 100,
                });
            }
            day = day.succ_opt().unwrap();
        }
        Ok(History {
            bars,
            timezone: "Asia/Tokyo".to_owned(),
            currency: "JPY".to_owned(),
            ..History::empty(symbol.clone(), interval, self.name())
        })
    }

    async fn search(&self, _query: &str, _limit: usize) -> Result<Vec<SearchHit>> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn history_dates_are_the_exchange_calendar_days() {
    let client = Tickersense::builder()
        .store("memory://")
        .with_market_data(Arc::new(TokyoDays))
        .build()
        .unwrap();
    let router = router_of(client, settings());
    let answer = get(
        &router,
        "/api/v1/stocks/7203.T/history?start=2024-01-02&end=2024-01-05",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    let dates: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2024-01-02T00:00:00+09:00",
            "2024-01-03T00:00:00+09:00",
            "2024-01-04T00:00:00+09:00"
        ]
    );
    assert_eq!(body["timezone"], "Asia/Tokyo");
    // Only an end: the period counted back from it, on the same calendar.
    let answer = get(
        &router,
        "/api/v1/stocks/7203.T/history?period=5d&end=2024-01-10",
    )
    .await;
    let body = answer.json();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.first().unwrap()["date"], "2024-01-05T00:00:00+09:00");
    assert_eq!(data.last().unwrap()["date"], "2024-01-09T00:00:00+09:00");
    // Instants are exact: Tokyo's Jan 3 midnight is Jan 2 15:00 UTC.
    let answer = get(
        &router,
        "/api/v1/stocks/7203.T/history?start=2024-01-02T15:00:00Z&end=2024-01-03T15:00:00Z",
    )
    .await;
    let body = answer.json();
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["data"][0]["date"], "2024-01-03T00:00:00+09:00");
}

#[tokio::test]
async fn history_parameters_are_422_or_400_as_the_rules_say() {
    let router = sample_app();
    let answer = get(&router, "/api/v1/stocks/MSFT/history?period=7x").await;
    assert_unprocessable(&answer, &["query", "period"], "enum");
    let answer = get(&router, "/api/v1/stocks/MSFT/history?interval=2h").await;
    assert_unprocessable(&answer, &["query", "interval"], "enum");
    let answer = get(&router, "/api/v1/stocks/MSFT/history?start=yesterday").await;
    assert_unprocessable(&answer, &["query", "start"], "datetime_from_date_parsing");
    // Well typed, but 1m bars only go back 7 days: the provider's rule, 400.
    let answer = get(&router, "/api/v1/stocks/MSFT/history?period=1y&interval=1m").await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "InvalidInput");
    // A range with no bar in it is the seed's "Historical data not found".
    let answer = get(
        &router,
        "/api/v1/stocks/MSFT/history?start=2024-01-06&end=2024-01-07",
    )
    .await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
}
