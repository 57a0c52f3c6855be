//! Bulk upsert of 1,000,000 bars into the running PostgreSQL through
//! `PriceStore::upsert_bars` (COPY into staging, then one upsert per batch),
//! first into an empty table, then again over the same keys (every row a
//! conflict). The peers (psycopg2's `execute_values` upsert, as the seed's
//! migration service does it, and a plain `COPY`) run in
//! `benches/store/peers.py`; `benches/store/run.sh` runs all of them.
//!
//! `TICKERSENSE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p tickersense-benches --bench store_ingest`

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use tickersense::store::StoreUrl;
use tickersense::{Bar, Interval, Symbol};

const SYMBOLS: usize = 100;
const BARS_PER_SYMBOL: usize = 10_000;

/// The same rows `peers.py` writes: symbol i, minute j from 2024-01-02 14:30 UTC.
fn bars_of(symbol: usize) -> Vec<Bar> {
    let start = Utc
        .with_ymd_and_hms(2024, 1, 2, 14, 30, 0)
        .single()
        .unwrap_or_default();
    (0..BARS_PER_SYMBOL)
        .map(|j| {
            let close = 100.0 + symbol as f64 + (j % 500) as f64 / 100.0;
            Bar {
                timestamp: start + Duration::minutes(j as i64),
                open: close - 0.25,
                high: close + 0.5,
                low: close - 0.5,
                close,
                adj_close: Some(close),
                volume: 1000 + j as u64,
            }
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let Ok(base) = std::env::var("TICKERSENSE_BENCH_POSTGRES_URL") else {
        eprintln!(
            "store_ingest skipped: set TICKERSENSE_BENCH_POSTGRES_URL (benches/store/run.sh does)"
        );
        return;
    };
    let schema = "tickersense_bench_rust";
    sqlx_exec(&base, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
    sqlx_exec(&base, &format!("CREATE SCHEMA {schema}")).await;
    let url = format!("{base}?options=-csearch_path%3D{schema}");
    let store = StoreUrl::parse(&url)
        .expect("valid URL")
        .connect()
        .await
        .expect("postgres answers");
    let symbols: Vec<Symbol> = (0..SYMBOLS)
        .map(|i| Symbol::parse(&format!("S{i:03}")).expect("valid symbol"))
        .collect();
    let batches: Vec<Vec<Bar>> = (0..SYMBOLS).map(bars_of).collect();
    let rows = (SYMBOLS * BARS_PER_SYMBOL) as f64;
    for pass in ["insert (empty table)", "upsert (every row a conflict)"] {
        let started = Instant::now();
        for (symbol, bars) in symbols.iter().zip(&batches) {
            store
                .upsert_bars(symbol, Interval::M1, bars)
                .await
                .expect("upsert");
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "tickersense upsert_bars, {pass}: {rows} rows in {secs:.2} s = {:.0} rows/s",
            rows / secs
        );
    }
    sqlx_exec(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
}

async fn sqlx_exec(base: &str, sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("postgres answers");
    sqlx::query(sql)
        .execute(&mut conn)
        .await
        .expect("admin statement");
}
