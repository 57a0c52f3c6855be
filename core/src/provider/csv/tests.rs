use super::*;

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

const HISTORY_CSV: &str = "\
Date,Open,High,Low,Close,Volume,Dividends,Stock Splits
2024-11-01 00:00:00-04:00,220.0,225.0,219.0,224.0,100,0.0,0.0
2024-11-04 00:00:00-05:00,,,,,,0.0,0.0
2024-11-05 00:00:00-05:00,221.0,224.0,220.5,223.0,300,0.25,0.0
2024-11-06 00:00:00-05:00,222.0,226.0,221.0,225.5,400.0,0.0,4.0
";

#[test]
fn reads_ticker_history_csv_with_offsets_gaps_and_actions() {
    let h = parse_csv(
        HISTORY_CSV.as_bytes(),
        sym("AAPL"),
        Interval::D1,
        Some(Tz::America__New_York),
    )
    .unwrap();
    assert_eq!(h.bars.len(), 3);
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-01T04:00:00+00:00"
    );
    assert_eq!(h.bars[2].volume, 400);
    assert_eq!(h.gaps.len(), 1);
    assert_eq!(h.dividends.len(), 1);
    assert_eq!(h.dividends[0].amount, 0.25);
    assert_eq!(h.splits[0].ratio(), 4.0);
    assert_eq!(h.timezone, "America/New_York");
}

#[test]
fn reads_download_csv_with_adj_close_and_the_multi_line_header() {
    let old = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-11-01,1.0,2.0,0.5,1.5,1.4,10\n";
    let h = parse_csv(old.as_bytes(), sym("X"), Interval::D1, None).unwrap();
    assert_eq!(h.bars[0].adj_close, Some(1.4));
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-01T00:00:00+00:00"
    );

    let new = "Price,Close,High,Low,Open,Volume\nTicker,X,X,X,X,X\nDate,,,,,\n2024-11-01,1.5,2.0,0.5,1.0,10\n";
    let h = parse_csv(new.as_bytes(), sym("X"), Interval::D1, None).unwrap();
    assert_eq!(h.bars.len(), 1);
    assert_eq!((h.bars[0].open, h.bars[0].close), (1.0, 1.5));
}

#[test]
fn intraday_times_are_kept() {
    let text = "Datetime,Open,High,Low,Close,Volume\n2024-11-01 09:30:00-04:00,1,2,0.5,1.5,10\n";
    let h = parse_csv(text.as_bytes(), sym("X"), Interval::M5, None).unwrap();
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-01T13:30:00+00:00"
    );
}

#[test]
fn bad_rows_name_their_line() {
    for (text, needle) in [
        ("Date,Open,High,Low,Close\n2024-11-01,1,2,x,1\n", "line 2"),
        ("Date,Open,High,Low,Close\nyesterday,1,2,1,1\n", "line 2"),
        ("Date,Open,High,Low\n", "Close"),
        ("", "empty"),
        (
            "Date,Open,High,Low,Close\n2024-11-01,1,2,1,1\n2024-11-01,1,2,1,1\n",
            "two rows",
        ),
    ] {
        let err = parse_csv(text.as_bytes(), sym("X"), Interval::D1, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains(needle), "{}", err.message());
    }
}

#[tokio::test]
async fn a_folder_serves_history_quote_and_search() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("AAPL.csv"), HISTORY_CSV).unwrap();
    std::fs::write(
        dir.path().join("AAPL.5m.csv"),
        "Datetime,Open,High,Low,Close\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("BRK.B.csv"), HISTORY_CSV).unwrap();
    let csv = Csv::new(&format!("{}?tz=America/New_York", dir.path().display())).unwrap();
    let range = HistoryRange::Between {
        start: "2024-11-05T00:00:00Z".parse().unwrap(),
        end: "2030-01-01T00:00:00Z".parse().unwrap(),
    };
    let h = csv
        .history(&sym("aapl"), range, Interval::D1)
        .await
        .unwrap();
    assert_eq!(h.bars.len(), 2);
    let q = csv.quote(&sym("AAPL")).await.unwrap();
    assert_eq!((q.price, q.previous_close), (225.5, 223.0));
    let err = csv
        .history(&sym("MSFT"), range, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        !err.message().contains(&dir.path().display().to_string()),
        "{}",
        err.message()
    );
    let hits: Vec<String> = csv
        .search("", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.symbol.as_str().to_owned())
        .collect();
    assert_eq!(hits, ["AAPL", "BRK.B"]);
}

#[test]
fn offsets_written_by_yfinance_are_kept_and_days_stamped_as_yahoo_does() {
    // Tokyo: midnight of 2026-11-02 there is 2026-11-01T15:00Z, the stamp
    // the Yahoo provider gives the same session.
    let text = "Date,Open,High,Low,Close,Volume\n\
        2026-11-02 00:00:00+09:00,10,11,9,10.5,100\n\
        2026-11-04 00:00:00+09:00,10,11,9,10.5,100\n";
    let h = parse_csv(text.as_bytes(), sym("7203.T"), Interval::D1, None).unwrap();
    let stamps: Vec<String> = h.bars.iter().map(|b| b.timestamp.to_rfc3339()).collect();
    assert_eq!(
        stamps,
        ["2026-11-01T15:00:00+00:00", "2026-11-03T15:00:00+00:00"]
    );
    assert_eq!(h.timezone, "Etc/GMT-9", "one offset names the clock");
    let tokyo = parse_csv(
        text.as_bytes(),
        sym("7203.T"),
        Interval::D1,
        Some(Tz::Asia__Tokyo),
    )
    .unwrap();
    assert_eq!(tokyo.bars, h.bars, "a named zone gives the same stamps");
    assert_eq!(tokyo.timezone, "Asia/Tokyo");

    // The same stamps as the Yahoo provider's for one session.
    #[cfg(feature = "yahoo")]
    {
        let yahoo = br#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"Asia/Tokyo"},
            "timestamp":[1793577600],
            "indicators":{"quote":[{"open":[10],"high":[11],"low":[9],"close":[10.5],"volume":[100]}]}}],"error":null}}"#;
        let from_yahoo =
            crate::provider::yahoo::parse_chart(yahoo, &sym("7203.T"), Interval::D1).unwrap();
        assert_eq!(from_yahoo.bars[0].timestamp, h.bars[0].timestamp);
    }

    // Across a DST change, offsets differ row by row; dates stay as written.
    let h = parse_csv(HISTORY_CSV.as_bytes(), sym("AAPL"), Interval::D1, None).unwrap();
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-01T04:00:00+00:00"
    );
    assert_eq!(
        h.bars[1].timestamp.to_rfc3339(),
        "2024-11-05T05:00:00+00:00"
    );
    assert_eq!(h.timezone, "UTC", "no one offset: the zone is unknown");

    // Intraday rows keep their instants, whatever the zone.
    let text = "Datetime,Open,High,Low,Close\n2026-11-02 09:00:00+09:00,1,2,0.5,1.5\n";
    let h = parse_csv(text.as_bytes(), sym("X"), Interval::M5, Some(Tz::UTC)).unwrap();
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2026-11-02T00:00:00+00:00"
    );
}

#[test]
fn unknown_or_miscased_zones_and_options_are_refused() {
    for (spec, needle) in [
        ("data?tz=Not/AZone", "Not/AZone"),
        ("data?tz=america/new_york", "America/New_York"),
        ("data?tz=", "time zone"),
        ("data?zone=UTC", "known: tz"),
    ] {
        let err = Csv::new(spec).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{spec}");
        assert!(err.message().contains(needle), "{}", err.message());
        let err = crate::provider::ProviderUrl::parse(&format!("csv://{spec}")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{spec}");
    }
    assert!(Csv::new("data?tz=America/New_York").is_ok());
    let huge = format!("data?tz={}", "x".repeat(1 << 20));
    assert!(Csv::new(&huge).unwrap_err().message().len() < 300);
}

#[test]
fn impossible_rows_are_refused_naming_their_line() {
    for (row, needle) in [
        ("2024-11-04,1,2,3,1.5,10", "below the low"),
        ("2024-11-04,-1,2,0.5,1.5,10", "negative"),
        ("2024-11-04,1,2,0.5,-1.5,10", "negative"),
        ("2024-11-04,1,2,0.5,1.5,-10", "negative"),
        ("2024-11-04,1,2,0.5,1.5,1e19", "too large"),
        ("2024-11-04,1,2,0.5,1.5,9223372036854775808", "too large"),
        ("+10000-01-01,1,2,0.5,1.5,10", "out of range"),
    ] {
        let text = format!("Date,Open,High,Low,Close,Volume\n2024-11-01,1,2,0.5,1.5,10\n{row}\n");
        let err = parse_csv(text.as_bytes(), sym("X"), Interval::D1, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{row}");
        assert!(err.message().contains("line 3"), "{}", err.message());
        assert!(err.message().contains(needle), "{}", err.message());
    }
    // A huge cell is echoed truncated.
    let text = format!(
        "Date,Open,High,Low,Close\n{},1,2,0.5,1.5\n",
        "9".repeat(1 << 20)
    );
    let err = parse_csv(text.as_bytes(), sym("X"), Interval::D1, None).unwrap_err();
    assert!(err.message().len() < 300, "{}", err.message().len());
}
