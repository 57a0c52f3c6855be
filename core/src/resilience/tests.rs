use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::*;

fn policy() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: Duration::from_secs(1),
        max_retries: 2,
        backoff_base: Duration::from_millis(100),
        backoff_max: Duration::from_millis(300),
        max_retry_after: Duration::from_secs(10),
        breaker_failures: 3,
        breaker_cooldown: Duration::from_secs(5),
        max_concurrent: 2,
        max_body_bytes: 1 << 20,
    }
}

/// An attempt that fails with `kinds` in turn, then succeeds.
fn scripted(
    kinds: Vec<ErrorKind>,
    calls: Arc<AtomicU32>,
) -> impl FnMut() -> futures::future::Ready<Result<u32>> {
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        futures::future::ready(match kinds.get(n as usize) {
            Some(kind) => Err(Error::new(*kind, "scripted")),
            None => Ok(n),
        })
    }
}

#[test]
fn backoff_is_full_jitter_under_a_doubling_cap() {
    let p = policy();
    for retry in 0..6 {
        let cap = Duration::from_millis(100 * (1 << retry)).min(p.backoff_max);
        let waits: Vec<Duration> = (0..200).map(|_| p.backoff(retry)).collect();
        assert!(waits.iter().all(|w| *w <= cap), "retry {retry}");
        // Full jitter spreads over the whole range, down to near zero.
        assert!(waits.iter().any(|w| *w < cap / 4), "retry {retry}");
    }
    assert!(p.backoff(200) <= p.backoff_max);
}

#[tokio::test(start_paused = true)]
async fn retryable_failures_are_retried_and_recover() {
    let calls = Arc::new(AtomicU32::new(0));
    let up = Upstream::new("test", policy());
    let got = up
        .call(scripted(
            vec![ErrorKind::Unavailable, ErrorKind::Timeout],
            calls.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(got, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(up.breaker_state(), BreakerState::Closed { failures: 0 });
}

#[tokio::test(start_paused = true)]
async fn permanent_failures_are_not_retried() {
    for kind in [
        ErrorKind::NotFound,
        ErrorKind::InvalidInput,
        ErrorKind::Upstream,
    ] {
        let calls = Arc::new(AtomicU32::new(0));
        let up = Upstream::new("test", policy());
        let err = up
            .call(scripted(vec![kind], calls.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{kind}");
    }
}

#[tokio::test(start_paused = true)]
async fn retries_run_out() {
    let calls = Arc::new(AtomicU32::new(0));
    let up = Upstream::new(
        "test",
        ResiliencePolicy {
            breaker_failures: 0,
            ..policy()
        },
    );
    let err = up
        .call(scripted(vec![ErrorKind::Unavailable; 10], calls.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_a_long_one_is_returned() {
    let up = Upstream::new("test", policy());
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let started = tokio::time::Instant::now();
    let got = up
        .call(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            futures::future::ready(if n == 0 {
                Err(Error::new(ErrorKind::RateLimited, "429")
                    .with_retry_after(Duration::from_secs(3)))
            } else {
                Ok(n)
            })
        })
        .await
        .unwrap();
    assert_eq!(got, 1);
    assert_eq!(started.elapsed(), Duration::from_secs(3));

    let err = up
        .call(|| {
            futures::future::ready(Err::<(), _>(
                Error::new(ErrorKind::RateLimited, "429").with_retry_after(Duration::from_secs(60)),
            ))
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
}

#[tokio::test(start_paused = true)]
async fn slow_attempts_time_out() {
    let up = Upstream::new(
        "slow",
        ResiliencePolicy {
            max_retries: 0,
            ..policy()
        },
    );
    let err = up
        .call(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.message().contains("slow"), "{}", err.message());
}

#[tokio::test(start_paused = true)]
async fn breaker_opens_rejects_then_probes_and_closes() {
    let up = Upstream::new(
        "flaky",
        ResiliencePolicy {
            max_retries: 0,
            ..policy()
        },
    );
    let failing = || futures::future::ready(Err::<(), _>(Error::unavailable("down")));
    for expected in 1..3 {
        up.call(failing).await.unwrap_err();
        assert_eq!(
            up.breaker_state(),
            BreakerState::Closed { failures: expected }
        );
    }
    up.call(failing).await.unwrap_err();
    assert!(matches!(up.breaker_state(), BreakerState::Open { .. }));

    // Open: rejected without calling the upstream.
    let calls = Arc::new(AtomicU32::new(0));
    let err = up.call(scripted(vec![], calls.clone())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.retry_after().is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // After the cool-down one failed probe opens it again...
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(up.breaker_state(), BreakerState::HalfOpen);
    up.call(failing).await.unwrap_err();
    assert!(matches!(up.breaker_state(), BreakerState::Open { .. }));

    // ...and a good one closes it.
    tokio::time::advance(Duration::from_secs(5)).await;
    up.call(scripted(vec![], calls.clone())).await.unwrap();
    assert_eq!(up.breaker_state(), BreakerState::Closed { failures: 0 });
}

#[tokio::test(start_paused = true)]
async fn a_breaker_opened_by_rate_limits_answers_rate_limited() {
    let up = Upstream::new(
        "busy",
        ResiliencePolicy {
            max_retries: 0,
            ..policy()
        },
    );
    let limited =
        || futures::future::ready(Err::<(), _>(Error::new(ErrorKind::RateLimited, "429")));
    for _ in 0..3 {
        up.call(limited).await.unwrap_err();
    }
    let err = up.call(limited).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert!(err.retry_after().is_some());

    // Opened again by an outage, it answers Unavailable.
    tokio::time::advance(Duration::from_secs(5)).await;
    up.call(|| futures::future::ready(Err::<(), _>(Error::unavailable("down"))))
        .await
        .unwrap_err();
    let err = up.call(limited).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}

#[tokio::test(start_paused = true)]
async fn an_open_breaker_ends_a_retrying_call_at_once() {
    let up = Upstream::new(
        "flaky",
        ResiliencePolicy {
            breaker_failures: 1,
            ..policy()
        },
    );
    let calls = Arc::new(AtomicU32::new(0));
    let err = up
        .call(scripted(vec![ErrorKind::Unavailable; 10], calls.clone()))
        .await
        .unwrap_err();
    // The failure opened the breaker; the retry met it and gave up instead
    // of sleeping through the cool-down.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        err.message().contains("circuit breaker"),
        "{}",
        err.message()
    );
    let started = tokio::time::Instant::now();
    up.call(scripted(vec![], calls.clone())).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_probe_gives_its_slot_back() {
    let up = Upstream::new(
        "flaky",
        ResiliencePolicy {
            max_retries: 0,
            breaker_failures: 1,
            ..policy()
        },
    );
    up.call(|| futures::future::ready(Err::<(), _>(Error::unavailable("down"))))
        .await
        .unwrap_err();
    tokio::time::advance(Duration::from_secs(5)).await;
    let probe = up.call(std::future::pending::<Result<()>>);
    assert!(tokio::time::timeout(Duration::from_millis(10), probe)
        .await
        .is_err());
    assert_eq!(up.breaker_state(), BreakerState::HalfOpen);
    up.call(|| futures::future::ready(Ok(()))).await.unwrap();
    assert_eq!(up.breaker_state(), BreakerState::Closed { failures: 0 });
}

#[tokio::test(start_paused = true)]
async fn concurrency_is_bounded() {
    let up = Arc::new(Upstream::new("busy", policy()));
    let in_flight = Arc::new(AtomicU32::new(0));
    let peak = Arc::new(AtomicU32::new(0));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (up, in_flight, peak) = (up.clone(), in_flight.clone(), peak.clone());
            tokio::spawn(async move {
                up.call(|| {
                    let (in_flight, peak) = (in_flight.clone(), peak.clone());
                    async move {
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        Ok(())
                    }
                })
                .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(peak.load(Ordering::SeqCst), 2);
}

#[test]
fn a_bad_timeout_names_the_range_and_stays_short() {
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300] {
        let err = checked_timeout(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().len() < 120, "{}", err.message());
        assert!(err.message().contains("at most"), "{}", err.message());
    }
    assert!(checked_timeout(1e300)
        .unwrap_err()
        .message()
        .ends_with("not 1e300"));
    assert_eq!(checked_timeout(2.5).unwrap(), Duration::from_millis(2500));
}
