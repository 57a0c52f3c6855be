//! The cache against the targets: a memory-cache hit under 1 µs, and
//! Redis throughput with many calls in flight within 1.5× of
//! `redis-benchmark` on the same server. `benches/cache/run.sh` runs the
//! peer and this bench in one go and prints the ratio.
//!
//! `TICKERSENSE_BENCH_REDIS_URL=redis://127.0.0.1:6379/15 cargo bench -p tickersense-benches --bench cache`
//!
//! Without the URL only the memory benches run. `TICKERSENSE_BENCH_IN_FLIGHT`
//! (default 64) sets how many requests are outstanding at once, the
//! counterpart of `redis-benchmark -c N -P 16` with N × 16 of them.
//! `TICKERSENSE_BENCH_CLIENT_THREADS` (default 1) runs the client on that
//! many runtime threads instead of one; on two cores shared with Redis, one
//! is the fastest.

use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tickersense::cache::{
    decode_value, encode_value, namespace, Cache, CachePolicies, CachePolicy, MemoryCache,
    RedisCache,
};
use tickersense::{Quote, Symbol};

/// The namespace the Redis benches write to; the bench clears it at the end.
const NS: &str = "bench";
/// Distinct keys read and written, as `redis-benchmark -r` spreads them.
const KEYSPACE: usize = 10_000;
/// Requests one Redis iteration makes: enough that every task has work in
/// every sample, so the pipeline is full while the clock runs.
const OPS_PER_ITER: usize = 8_192;
/// Keys per `get_many`/`set_many` call, as `redis-benchmark -P 16` batches.
const BATCH: usize = 16;

fn runtime() -> tokio::runtime::Runtime {
    let threads: usize = std::env::var("TICKERSENSE_BENCH_CLIENT_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if threads > 1 {
        return tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .expect("runtime");
    }
    // One client thread, as redis-benchmark has: the other core is Redis's.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A quote as Yahoo gives one (float32 prices widened to f64).
fn quote() -> Quote {
    let price = f64::from(189.845_f32);
    Quote {
        volume: 52_164_532,
        market_cap: Some(2.936_585_e12),
        pe_ratio: Some(f64::from(29.457_f32)),
        currency: "USD".to_owned(),
        exchange: "NMS".to_owned(),
        source: "yahoo".to_owned(),
        ..Quote::new(
            Symbol::parse("AAPL").expect("symbol"),
            price,
            f64::from(187.44_f32),
            "yahoo",
        )
    }
}

fn memory(c: &mut Criterion) {
    let rt = runtime();
    let cache = MemoryCache::new(CachePolicies::default());
    let value = encode_value(&quote()).expect("encodes");
    println!("quote value: {} bytes", value.len());
    rt.block_on(cache.set(namespace::STOCK_QUOTE, "AAPL", value));

    let mut group = c.benchmark_group("cache_memory");
    group.throughput(Throughput::Elements(1));
    // Many awaited calls inside one block_on: the runtime's enter and exit
    // would otherwise be most of what is measured.
    group.bench_function("hit_quote", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(
                        cache
                            .get(black_box(namespace::STOCK_QUOTE), black_box("AAPL"))
                            .await,
                    );
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("hit_quote_decoded", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let bytes = cache
                        .get(black_box(namespace::STOCK_QUOTE), black_box("AAPL"))
                        .await
                        .expect("hit");
                    black_box(decode_value::<Quote>(&bytes).expect("decodes"));
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("miss", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(
                        cache
                            .get(black_box(namespace::STOCK_QUOTE), black_box("MSFT"))
                            .await,
                    );
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// Runs `ops` calls of `op` with `in_flight` of them outstanding at any
/// time (one task each) and returns the wall time. Call `i` gets `i`.
async fn outstanding<F, Fut>(ops: usize, in_flight: usize, op: F) -> Duration
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..in_flight {
        let op = op.clone();
        tasks.spawn(async move {
            for i in (t..ops).step_by(in_flight) {
                op(i).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("bench task");
    }
    start.elapsed()
}

fn redis(c: &mut Criterion) {
    let Ok(url) = std::env::var("TICKERSENSE_BENCH_REDIS_URL") else {
        eprintln!("TICKERSENSE_BENCH_REDIS_URL is not set: Redis benches skipped");
        return;
    };
    let in_flight: usize = std::env::var("TICKERSENSE_BENCH_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let rt = runtime();
    let mut policies = CachePolicies::default();
    policies.set(NS, CachePolicy::new(300, KEYSPACE as u64));
    let cache = Arc::new(RedisCache::new(&url, policies).expect("redis url"));
    rt.block_on(cache.ping()).expect("redis answers PING");
    let keys: Arc<[String]> = (0..KEYSPACE).map(|i| format!("{i:012}")).collect();
    let value = encode_value(&quote()).expect("encodes");
    println!(
        "redis: {} bytes a value, {KEYSPACE} keys, {in_flight} requests in flight on one client",
        value.len()
    );
    {
        let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
        rt.block_on(outstanding(KEYSPACE, in_flight, move |i| {
            let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
            async move { cache.set(NS, &keys[i], value).await }
        }));
    }

    let mut group = c.benchmark_group("cache_redis");
    group.throughput(Throughput::Elements(OPS_PER_ITER as u64));
    group.sample_size(20);
    group.bench_function("get", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (cache, keys) = (cache.clone(), keys.clone());
                total += rt.block_on(outstanding(OPS_PER_ITER, in_flight, move |i| {
                    let (cache, keys) = (cache.clone(), keys.clone());
                    async move {
                        let hit = cache.get(NS, &keys[i % KEYSPACE]).await;
                        assert!(hit.is_some(), "every key was set");
                    }
                }));
            }
            total
        })
    });
    group.bench_function("set", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
                total += rt.block_on(outstanding(OPS_PER_ITER, in_flight, move |i| {
                    let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
                    async move { cache.set(NS, &keys[i % KEYSPACE], value).await }
                }));
            }
            total
        })
    });
    group.bench_function(format!("get_many_{BATCH}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (cache, keys) = (cache.clone(), keys.clone());
                let calls = OPS_PER_ITER / BATCH;
                total += rt.block_on(outstanding(calls, in_flight / BATCH, move |i| {
                    let (cache, keys) = (cache.clone(), keys.clone());
                    async move {
                        let batch: Vec<&str> = (0..BATCH)
                            .map(|j| keys[(i * BATCH + j) % KEYSPACE].as_str())
                            .collect();
                        let hits = cache.get_many(NS, &batch).await;
                        assert!(hits.iter().all(Option::is_some), "every key was set");
                    }
                }));
            }
            total
        })
    });
    group.bench_function(format!("set_many_{BATCH}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
                let calls = OPS_PER_ITER / BATCH;
                total += rt.block_on(outstanding(calls, in_flight / BATCH, move |i| {
                    let (cache, keys, value) = (cache.clone(), keys.clone(), value.clone());
                    async move {
                        let batch: Vec<(&str, Vec<u8>)> = (0..BATCH)
                            .map(|j| (keys[(i * BATCH + j) % KEYSPACE].as_str(), value.clone()))
                            .collect();
                        cache.set_many(NS, batch).await;
                    }
                }));
            }
            total
        })
    });
    group.finish();

    rt.block_on(cache.invalidate(NS, None));
}

criterion_group!(benches, memory, redis);
criterion_main!(benches);
