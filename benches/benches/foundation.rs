//! The per-call costs of the foundation slice: symbol parsing, a memory-cache
//! hit, a year of sample bars, a cached `quote`, and a SQLite bulk upsert.
//!
//! `cargo bench -p tickersense-benches --bench foundation`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tickersense::cache::{Cache, CachePolicies, MemoryCache};
use tickersense::provider::Sample;
use tickersense::store::StoreUrl;
use tickersense::{HistoryRange, Interval, Period, Symbol, Tickersense};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn bench(c: &mut Criterion) {
    let rt = runtime();

    c.bench_function("symbol_parse", |b| {
        b.iter(|| Symbol::parse(std::hint::black_box("brk-b")))
    });

    let cache = MemoryCache::new(CachePolicies::default());
    rt.block_on(cache.set("stock_quote", "AAPL", vec![7; 300]));
    c.bench_function("memory_cache_hit_300B", |b| {
        b.iter(|| rt.block_on(cache.get("stock_quote", "AAPL")))
    });

    let sample = Sample::new();
    let aapl = Symbol::parse("AAPL").expect("symbol");
    let now = chrono::Utc::now();
    c.bench_function("sample_history_1y_daily", |b| {
        b.iter(|| sample.history_at(&aapl, HistoryRange::Period(Period::Y1), Interval::D1, now))
    });

    let ts = Tickersense::builder()
        .store("memory://")
        .build()
        .expect("client");
    rt.block_on(ts.quote("AAPL")).expect("warm");
    c.bench_function("client_quote_cached", |b| {
        b.iter(|| rt.block_on(ts.quote("AAPL")))
    });

    let bars = sample
        .history_at(&aapl, HistoryRange::Period(Period::Y10), Interval::D1, now)
        .expect("bars")
        .bars;
    let mut group = c.benchmark_group("sqlite_upsert");
    group.throughput(Throughput::Elements(bars.len() as u64));
    group.sample_size(20);
    group.bench_function("10y_daily_bars", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}", dir.path().join("b.db").display());
                let store = rt
                    .block_on(StoreUrl::parse(&url).expect("url").connect())
                    .expect("store");
                (dir, store)
            },
            |(_dir, store)| rt.block_on(store.upsert_bars(&aapl, Interval::D1, &bars)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
