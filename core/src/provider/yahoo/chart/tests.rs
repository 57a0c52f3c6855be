use super::*;

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

/// A daily answer over the US DST change, with a null row, a dividend and a split.
const DAILY: &str = r#"{"chart":{"result":[{
  "meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS","exchangeTimezoneName":"America/New_York",
          "timezone":"EST","gmtoffset":-18000,"regularMarketPrice":227.5,"chartPreviousClose":220.0,
          "regularMarketVolume":41000000,"regularMarketTime":1730926801,"currentTradingPeriod":null},
  "timestamp":[1730381400,1730467800,1730727000,1730813400],
  "events":{"dividends":{"1730727000":{"amount":0.25,"date":1730727000}},
            "splits":{"1730813400":{"date":1730813400,"numerator":4.0,"denominator":1.0,"splitRatio":"4:1"}}},
  "indicators":{"quote":[{"open":[220.0,null,221.0,222.0],"high":[225.0,null,224.0,226.0],
                          "low":[219.0,null,220.5,221.0],"close":[224.0,null,223.0,225.5],
                          "volume":[100,null,300,400]}],
                "adjclose":[{"adjclose":[223.5,null,222.9,225.5]}]}}],"error":null}}"#;

#[test]
fn daily_bars_are_stamped_at_exchange_midnight_across_dst() {
    let h = parse_chart(DAILY.as_bytes(), &sym("AAPL"), Interval::D1).unwrap();
    let stamps: Vec<String> = h.bars.iter().map(|b| b.timestamp.to_rfc3339()).collect();
    // 2024-10-31 is EDT (UTC-4), 2024-11-04 and -05 are EST (UTC-5).
    assert_eq!(
        stamps,
        [
            "2024-10-31T04:00:00+00:00",
            "2024-11-04T05:00:00+00:00",
            "2024-11-05T05:00:00+00:00"
        ]
    );
    assert_eq!(h.timezone, "America/New_York");
    assert_eq!(h.currency, "USD");
    assert_eq!(h.gaps.len(), 1);
    assert_eq!(h.gaps[0].to_rfc3339(), "2024-11-01T04:00:00+00:00");
    assert_eq!(h.bars[0].adj_close, Some(223.5));
    assert_eq!(h.dividends[0].timestamp, h.bars[1].timestamp);
    assert_eq!(h.dividends[0].amount, 0.25);
    assert_eq!(h.splits[0].timestamp, h.bars[2].timestamp);
    assert_eq!(h.splits[0].ratio(), 4.0);
}

#[test]
fn intraday_bars_keep_yahoos_instants() {
    let h = parse_chart(DAILY.as_bytes(), &sym("AAPL"), Interval::M5).unwrap();
    assert_eq!(h.bars[0].timestamp.timestamp(), 1730381400);
}

#[test]
fn the_empty_range_shape_is_an_empty_history() {
    let body = br#"{"chart":{"result":[{"meta":{"currency":"USD","exchangeTimezoneName":"America/New_York"},
        "indicators":{"quote":[{}],"adjclose":[{}]}}],"error":null}}"#;
    let h = parse_chart(body, &sym("AAPL"), Interval::D1).unwrap();
    assert!(h.bars.is_empty() && h.gaps.is_empty());
}

#[test]
fn nan_in_meta_no_adjclose_and_ragged_arrays_are_survived() {
    let body = br#"{"chart":{"result":[{"meta":{"currency":"EUR","regularMarketPrice":NaN,
        "fiftyTwoWeekHigh":Infinity,"gmtoffset":3600,"currentTradingPeriod":null},
        "timestamp":[1730381400,1730467800,1730554200],
        "indicators":{"quote":[{"open":[1.0,2.0],"high":[1.5,2.5,3.5],"low":[0.5,1.5,2.5],"close":[1.2,2.2,3.2],"volume":[-5,7]}]}}],"error":null}}"#;
    let h = parse_chart(body, &sym("X"), Interval::D1).unwrap();
    // Row 0 has a negative volume, row 2 no open: both gaps, nothing invented.
    assert_eq!(h.bars.len(), 1);
    assert_eq!(h.bars[0].volume, 7);
    assert_eq!(h.bars[0].adj_close, None);
    assert_eq!(h.gaps.len(), 2);
    assert_eq!(h.timezone, "Etc/GMT-1");
    let err = parse_quote(body, &sym("X")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
}

#[test]
fn rows_sharing_a_stamp_follow_yfinances_rules() {
    // Yahoo's daily series can end with the running session stamped at the
    // last trade instead of the open: same exchange date, the later row wins.
    let body = br#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York"},
        "timestamp":[1730813400,1730830000],
        "indicators":{"quote":[{"open":[10.0,10.5],"high":[11.0,12.0],"low":[9.0,9.5],"close":[10.5,11.5],"volume":[100,50]}]}}],"error":null}}"#;
    let h = parse_chart(body, &sym("X"), Interval::D1).unwrap();
    assert_eq!(h.bars.len(), 1);
    let b = h.bars[0];
    assert_eq!((b.open, b.close, b.volume), (10.5, 11.5, 50));
    // Anywhere else, and at other intervals, the first row wins.
    let body = String::from_utf8_lossy(body).replace("1730830000", "1730813400");
    let h = parse_chart(body.as_bytes(), &sym("X"), Interval::M5).unwrap();
    assert_eq!((h.bars[0].open, h.bars[0].volume), (10.0, 100));
    let three = br#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York"},
        "timestamp":[1730813400,1730830000,1730899800],
        "indicators":{"quote":[{"open":[1.0,2.0,3.0],"high":[1.0,2.0,3.0],"low":[1.0,2.0,3.0],"close":[1.0,2.0,3.0],"volume":[1,2,3]}]}}],"error":null}}"#;
    let h = parse_chart(three, &sym("X"), Interval::D1).unwrap();
    assert_eq!(
        h.bars.iter().map(|b| b.open).collect::<Vec<_>>(),
        [1.0, 3.0]
    );
}

#[test]
fn funds_capital_gains_are_read() {
    let body = br#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York","instrumentType":"ETF"},
        "timestamp":[1730813400],
        "events":{"capitalGains":{"1730813400":{"amount":0.7,"date":1730813400}}},
        "indicators":{"quote":[{"open":[1.0],"high":[1.0],"low":[1.0],"close":[1.0],"volume":[1]}]}}],"error":null}}"#;
    let h = parse_chart(body, &sym("SPY"), Interval::D1).unwrap();
    assert_eq!(h.capital_gains.len(), 1);
    assert_eq!(h.capital_gains[0].amount, 0.7);
    assert_eq!(h.capital_gains[0].timestamp, h.bars[0].timestamp);
}

#[test]
fn a_day_stamped_late_the_evening_before_moves_to_its_date() {
    // 2024-11-04 23:00 in Sao Paulo is the bar of 2024-11-05; its dividend,
    // stamped the same way, stays on the 4th (yfinance moves bars, not events).
    let body = br#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/Sao_Paulo","instrumentType":"INDEX"},
        "timestamp":[1730772000],
        "events":{"dividends":{"1730772000":{"amount":1.0,"date":1730772000}}},
        "indicators":{"quote":[{"open":[1.0],"high":[1.0],"low":[1.0],"close":[1.0],"volume":[1]}]}}],"error":null}}"#;
    let h = parse_chart(body, &sym("^BVSP"), Interval::D1).unwrap();
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-05T03:00:00+00:00"
    );
    assert_eq!(
        h.dividends[0].timestamp.to_rfc3339(),
        "2024-11-04T03:00:00+00:00"
    );
    assert_eq!(h.instrument_type, "INDEX");
}

#[test]
fn quote_reads_meta_with_chart_previous_close_as_fallback() {
    let q = parse_quote(DAILY.as_bytes(), &sym("AAPL")).unwrap();
    assert_eq!(q.price, 227.5);
    assert_eq!(q.previous_close, 220.0);
    assert_eq!(q.change, 7.5);
    assert_eq!(q.volume, 41_000_000);
    assert_eq!(q.exchange, "NMS");
    assert_eq!(q.market_time.timestamp(), 1730926801);
    assert!(q.market_cap.is_none());
}

#[test]
fn errors_in_chart_answers_keep_their_kind() {
    let body = br#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
    assert_eq!(
        parse_chart(body, &sym("NOPE"), Interval::D1)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    for bad in [
        &b"<!doctype html><html>"[..],
        b"{\"chart\":{\"result\":[{\"meta\":",
        b"",
        b"[]",
        b"{}",
        b"null",
    ] {
        let err = parse_chart(bad, &sym("AAPL"), Interval::D1).unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Upstream,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

/// A chart answer with one row stamped `stamp` and volume `volume`.
fn one_row(meta: &str, stamp: &str, volume: &str) -> String {
    format!(
        r#"{{"chart":{{"result":[{{"meta":{{{meta}}},"timestamp":[{stamp}],
        "indicators":{{"quote":[{{"open":[1.0],"high":[1.0],"low":[1.0],"close":[1.0],"volume":[{volume}]}}]}}}}],"error":null}}}}"#
    )
}

#[test]
fn stamps_out_of_range_are_upstream_errors_not_panics() {
    // Near chrono's largest date: adding the hours that move a late stamp,
    // or a zone's offset, used to overflow and panic.
    for (meta, stamp) in [
        (r#""gmtoffset":0"#, "8210266869600"),
        (r#""gmtoffset":3600"#, "8210266869600"),
        (
            r#""exchangeTimezoneName":"America/New_York""#,
            "8210266876800",
        ),
        (r#""gmtoffset":-36000"#, "-8334601228800"),
        (r#""gmtoffset":0"#, "253402300800"),
        (r#""gmtoffset":0"#, "9223372036854775807"),
    ] {
        let body = one_row(meta, stamp, "1");
        for interval in [Interval::D1, Interval::Wk1, Interval::M5] {
            let err = parse_chart(body.as_bytes(), &sym("X"), interval).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Upstream, "{stamp} {interval}");
            assert!(err.message().contains("out of range"), "{}", err.message());
        }
    }
    // The last second of 9999 is still a date.
    let body = one_row(r#""gmtoffset":0"#, "253402300799", "1");
    assert_eq!(
        parse_chart(body.as_bytes(), &sym("X"), Interval::D1)
            .unwrap()
            .bars
            .len(),
        1
    );
    // Events and the quote's market time are checked the same way.
    let body = r#"{"chart":{"result":[{"meta":{"gmtoffset":0,"regularMarketPrice":1.0,"regularMarketTime":8210266869600},
        "events":{"dividends":{"x":{"amount":1.0,"date":8210266869600}}}}],"error":null}}"#;
    let err = parse_chart(body.as_bytes(), &sym("X"), Interval::D1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    let err = parse_quote(body.as_bytes(), &sym("X")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
}

#[test]
fn volumes_beyond_what_a_store_holds_are_upstream_errors() {
    let meta = r#""exchangeTimezoneName":"America/New_York""#;
    // The largest float below 2^63 is still a count; 2^63 and above are not.
    let body = one_row(meta, "1730813400", "9223372036854774784");
    let h = parse_chart(body.as_bytes(), &sym("X"), Interval::D1).unwrap();
    assert_eq!(h.bars[0].volume, 9_223_372_036_854_774_784);
    for huge in [
        "9223372036854775808",
        "1e19",
        "1.8446744073709552e19",
        "1e300",
    ] {
        let body = one_row(meta, "1730813400", huge);
        let err = parse_chart(body.as_bytes(), &sym("X"), Interval::D1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Upstream, "{huge}");
        assert!(err.message().contains("volume"), "{}", err.message());
    }
    let body = r#"{"chart":{"result":[{"meta":{"regularMarketPrice":1.0,"regularMarketVolume":1e19}}],"error":null}}"#;
    let err = parse_quote(body.as_bytes(), &sym("X")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
}

#[test]
fn the_fuzz_seeds_parse_without_panicking() {
    // The hand-made seeds of `core/fuzz`, fed as the fuzz target feeds them:
    // the first byte picks the parser and the interval.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let Some((&selector, body)) = data.split_first() else {
            continue;
        };
        let interval = Interval::ALL[usize::from(selector >> 2) % Interval::ALL.len()];
        let result = match selector & 3 {
            0 | 1 => parse_chart(body, &sym("AAPL"), interval).map(drop),
            2 => parse_quote(body, &sym("AAPL")).map(drop),
            _ => crate::provider::yahoo::parse_search(body).map(drop),
        };
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Upstream);
        seen += 1;
    }
    assert!(seen >= 5, "{seen}");
}
