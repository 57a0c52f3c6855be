//! The gateway's rate limiter against the targets: an in-process
//! decision under 200 ns, and a Redis-backed decision in one round trip
//! (counted from Redis's own `INFO commandstats` before and after).
//!
//! `TICKERSENSE_BENCH_REDIS_URL=redis://127.0.0.1:6379/15 cargo bench -p tickersense-benches --bench rate_limit`
//!
//! Without the URL only the in-process benches run.

use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use tickersense::http::RouteGroup;
use tickersense::http::{ClientAddr, RateKey, RateLimitSetting, RateLimiter, ServerSettings};
use tickersense::Tickersense;

/// Distinct clients the "many clients" bench cycles through.
const CLIENTS: u32 = 10_000;

fn client() -> Tickersense {
    Tickersense::builder()
        .store("memory://")
        .cache("memory://")
        .build()
        .expect("valid config")
}

/// A limiter whose stocks budget is `per_minute`, decided as `where_`.
fn limiter(per_minute: u32, where_: RateLimitSetting) -> RateLimiter {
    let mut settings = ServerSettings {
        rate_limits: where_,
        ..ServerSettings::default()
    };
    settings.per_minute.insert(RouteGroup::Stocks, per_minute);
    RateLimiter::new(&settings, &client()).expect("valid settings")
}

fn key(n: u32) -> RateKey {
    RateKey::client(ClientAddr(Some(IpAddr::from(n.to_be_bytes()))))
}

fn in_process(c: &mut Criterion) {
    let mut group = c.benchmark_group("rate_limit/in_process");
    // A budget no run spends: every decision is an allowed one.
    let roomy = limiter(u32::MAX, RateLimitSetting::Memory);
    let one = key(1);
    group.bench_function("allowed", |b| {
        b.iter(|| black_box(roomy.check_in_process(black_box(&one), RouteGroup::Stocks)))
    });
    // A spent budget: every decision is a refusal with its wait.
    let spent = limiter(1, RateLimitSetting::Memory);
    group.bench_function("refused", |b| {
        b.iter(|| black_box(spent.check_in_process(black_box(&one), RouteGroup::Stocks)))
    });
    let keys: Vec<RateKey> = (0..CLIENTS).map(key).collect();
    let mut next = 0usize;
    group.bench_function("10k_clients", |b| {
        b.iter(|| {
            next = (next + 1) % keys.len();
            black_box(roomy.check_in_process(&keys[next], RouteGroup::Stocks))
        })
    });
    group.finish();
}

/// `calls` of `cmdstat_evalsha` plus `cmdstat_eval` in `INFO commandstats`.
fn script_calls(conn: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(conn)
        .expect("INFO commandstats");
    info.lines()
        .filter(|l| l.starts_with("cmdstat_evalsha:") || l.starts_with("cmdstat_eval:"))
        .filter_map(|l| {
            l.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

fn in_redis(c: &mut Criterion) {
    let Ok(url) = std::env::var("TICKERSENSE_BENCH_REDIS_URL") else {
        eprintln!("TICKERSENSE_BENCH_REDIS_URL is not set: the Redis bench is skipped");
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sep = if url.contains('?') { '&' } else { '?' };
    let prefixed = format!("{url}{sep}prefix=bench_rate_limit_{}", std::process::id());
    let shared = Arc::new(limiter(u32::MAX, RateLimitSetting::Redis(prefixed)));
    let one = key(1);
    // Connect and load the script before the clock runs.
    rt.block_on(shared.check(&one, RouteGroup::Stocks));
    let mut info = redis::Client::open(url.as_str())
        .and_then(|c| c.get_connection())
        .expect("a second connection for INFO");
    let before = script_calls(&mut info);
    let mut decisions = 0u64;
    c.bench_function("rate_limit/redis/decision", |b| {
        b.iter(|| {
            decisions += 1;
            black_box(rt.block_on(shared.check(&one, RouteGroup::Stocks)))
        })
    });
    let calls = script_calls(&mut info) - before;
    assert_eq!(shared.redis_failures(), 0, "every decision reached Redis");
    println!(
        "rate_limit/redis: {decisions} decisions, {calls} script calls in Redis: {:.3} round trips a decision",
        calls as f64 / decisions.max(1) as f64
    );
}

criterion_group!(benches, in_process, in_redis);
criterion_main!(benches);
