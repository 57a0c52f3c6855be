//! The [`Cache`] suite: reads after writes, namespaces, invalidation,
//! batches, stats and (when the caller set one up) a namespace's TTL.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::run::{ensure, run_tag, Suite};
use super::Report;
use crate::cache::{Cache, NamespaceStats};

/// What the cache suite needs to know beyond the cache itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheSuiteOptions {
    /// A namespace the cache was built with a short TTL for (a few seconds),
    /// and that TTL: the suite then checks that values expire. `None` skips
    /// the TTL check (the suite cannot set a policy on a built cache).
    pub expiring: Option<(String, Duration)>,
}

/// Runs every [`Cache`] check on `cache` and reports each.
///
/// The cache need not be empty: the checks use namespaces unique to the
/// run. Costs some 3,000 writes and 2,500 reads (one key at a time and in
/// batches), plus the TTL wait when `options.expiring` names a namespace.
pub async fn cache(cache: Arc<dyn Cache>, options: CacheSuiteOptions) -> Report {
    let shared = cache;
    let cache = &*shared;
    let tag = run_tag().to_ascii_lowercase();
    let ns = |name: &str| format!("kit_{tag}_{name}");
    let mut suite = Suite::new("cache", "");

    suite
        .check("get_after_set", async {
            let ns = ns("round_trip");
            let before = cache.get(&ns, "k").await;
            ensure!(before.is_none(), "a key never written read back {before:?}");
            cache.set(&ns, "k", vec![1, 2, 0xff]).await;
            let got = cache.get(&ns, "k").await;
            ensure!(
                got.as_deref() == Some(&[1, 2, 0xff][..]),
                "wrote [1, 2, 255], read back {got:?}"
            );
            cache.set(&ns, "k", vec![9]).await;
            let got = cache.get(&ns, "k").await;
            ensure!(
                got.as_deref() == Some(&[9][..]),
                "a second write of [9] read back {got:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("namespaces_are_apart", async {
            let (one, other) = (ns("one"), ns("other"));
            cache.set(&one, "k", b"one".to_vec()).await;
            cache.set(&other, "k", b"other".to_vec()).await;
            let got = (cache.get(&one, "k").await, cache.get(&other, "k").await);
            ensure!(
                got == (Some(b"one".to_vec()), Some(b"other".to_vec())),
                "one key in two namespaces read back {got:?}"
            );
            cache.invalidate(&one, None).await;
            let kept = cache.get(&other, "k").await;
            ensure!(
                kept.is_some(),
                "dropping one namespace dropped another's key"
            );
            Ok(())
        })
        .await;

    suite
        .check("a_written_namespace_is_in_stats", async {
            let written = ns("written");
            cache.set(&written, "k", vec![1]).await;
            let stats = cache.stats().await;
            let found = counts(&stats, &written);
            ensure!(
                found == Some((0, 0, 1)),
                "a namespace written once and never read should show 0 hits, 0 misses, 1 entry; got {found:?}"
            );
            ensure!(
                stats.windows(2).all(|w| w[0].namespace <= w[1].namespace),
                "stats are not sorted by namespace"
            );
            Ok(())
        })
        .await;

    suite
        .check("stats_count_hits_misses_and_bytes", async {
            let ns = ns("counted");
            for i in 0..1200u32 {
                cache.set(&ns, &format!("k{i}"), vec![i as u8, 0xff]).await;
            }
            let miss = cache.get(&ns, "absent").await;
            let hit = cache.get(&ns, "k7").await;
            ensure!(
                miss.is_none() && hit == Some(vec![7, 0xff]),
                "read back {miss:?} and {hit:?}"
            );
            let stats = cache.stats().await;
            let mine = stats
                .iter()
                .find(|s| s.namespace == ns)
                .ok_or("the namespace is not in stats")?;
            ensure!(
                (mine.hits, mine.misses, mine.errors) == (1, 1, 0),
                "one hit and one miss counted as {mine:?}"
            );
            ensure!(
                (1..=1200).contains(&mine.entries) && mine.bytes == mine.entries * 2,
                "1200 values of 2 bytes written (a bounded cache may evict some): {mine:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("concurrent_calls_get_their_own_values", async {
            // Each call on a task of its own, so they run in parallel and a
            // backend that gathers calls (Redis pipelines, MGETs) mixes them.
            let (at_once, other) = (ns("at_once"), ns("at_once_other"));
            let writes = (0..100u8).map(|i| {
                let (cache, at_once) = (shared.clone(), at_once.clone());
                tokio::spawn(async move { cache.set(&at_once, &format!("k{i}"), vec![i, 1]).await })
            });
            for write in writes.collect::<Vec<_>>() {
                write
                    .await
                    .map_err(|e| format!("a write made at once failed: {e}"))?;
            }
            cache.set(&other, "k3", b"other".to_vec()).await;
            let reads = (0..300u32).map(|i| {
                let (cache, at_once, other) = (shared.clone(), at_once.clone(), other.clone());
                tokio::spawn(async move {
                    let n = (i % 100) as u8;
                    match i % 3 {
                        0 => cache.get(&at_once, &format!("k{n}")).await == Some(vec![n, 1]),
                        1 => cache.get(&at_once, &format!("absent{i}")).await.is_none(),
                        _ => cache.get(&other, "k3").await.as_deref() == Some(&b"other"[..]),
                    }
                })
            });
            let mut answers = Vec::new();
            for read in reads.collect::<Vec<_>>() {
                answers.push(
                    read.await
                        .map_err(|e| format!("a read made at once failed: {e}"))?,
                );
            }
            let reads = answers;
            let wrong: Vec<usize> = reads
                .iter()
                .enumerate()
                .filter(|(_, ok)| !**ok)
                .map(|(i, _)| i)
                .collect();
            ensure!(
                wrong.is_empty(),
                "of 300 reads made at once, these got another's answer: {wrong:?}"
            );
            let stats = cache.stats().await;
            let found = counts(&stats, &at_once).map(|(h, m, _)| (h, m));
            ensure!(
                found == Some((100, 100)),
                "100 hits and 100 misses made at once counted as {found:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("invalidate_drops_one_key_or_the_namespace", async {
            let ns = ns("invalidate");
            for key in ["k7", "k8", "k9"] {
                cache.set(&ns, key, key.as_bytes().to_vec()).await;
            }
            cache.invalidate(&ns, Some("k7")).await;
            let got = (cache.get(&ns, "k7").await, cache.get(&ns, "k8").await);
            ensure!(got.0.is_none(), "k7 still there after invalidating it");
            ensure!(got.1.is_some(), "invalidating k7 dropped k8 too");
            cache.invalidate(&ns, None).await;
            let left = (cache.get(&ns, "k8").await, cache.get(&ns, "k9").await);
            ensure!(
                left == (None, None),
                "after invalidating the namespace read back {left:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("invalidate_prefix_drops_the_prefixed_keys", async {
            let (ns, other) = (ns("prefix"), ns("prefix_other"));
            for key in ["ab1", "ab2", "ac1"] {
                cache.set(&ns, key, vec![1]).await;
            }
            cache.set(&other, "ab1", vec![2]).await;
            cache.invalidate_prefix(&ns, "ab").await;
            let gone = (cache.get(&ns, "ab1").await, cache.get(&ns, "ab2").await);
            ensure!(
                gone == (None, None),
                "keys starting with \"ab\" still there: {gone:?}"
            );
            let kept = cache.get(&other, "ab1").await;
            ensure!(
                kept.is_some(),
                "invalidating a prefix in one namespace dropped another's key"
            );
            Ok(())
        })
        .await;

    suite
        .check("batches_agree_with_single_calls", async {
            let batch = ns("batch");
            let names: Vec<String> = (0..1100).map(|i| format!("b{i}")).collect();
            let keys: Vec<&str> = names.iter().map(String::as_str).collect();
            let every_other: Vec<(&str, Vec<u8>)> =
                keys.iter().step_by(2).map(|k| (*k, k.as_bytes().to_vec())).collect();
            cache.set_many(&batch, every_other).await;
            let want: Vec<Option<Vec<u8>>> =
                keys.iter().enumerate().map(|(i, k)| (i % 2 == 0).then(|| k.as_bytes().to_vec())).collect();
            let got = cache.get_many(&batch, &keys).await;
            ensure!(got.len() == keys.len(), "get_many of {} keys gave {} answers", keys.len(), got.len());
            let wrong = got.iter().zip(&want).position(|(g, w)| g != w);
            ensure!(wrong.is_none(), "get_many disagrees with what set_many wrote at key #{wrong:?}");
            let single = cache.get(&batch, "b2").await;
            ensure!(single.as_deref() == Some(&b"b2"[..]), "get of a key set_many wrote read back {single:?}");
            cache.set(&batch, "single", b"s".to_vec()).await;
            let many = cache.get_many(&batch, &["single", "nope"]).await;
            ensure!(many == [Some(b"s".to_vec()), None], "get_many of a key set wrote read back {many:?}");
            let none = cache.get_many(&batch, &[]).await;
            ensure!(none.is_empty(), "get_many of no key gave {} answers", none.len());
            cache.set_many(&batch, Vec::new()).await;
            let stats = cache.stats().await;
            let errors = stats.iter().find(|s| s.namespace == batch).map(|s| s.errors);
            ensure!(errors == Some(0), "batches counted {errors:?} backend errors");
            let found = counts(&stats, &batch);
            // 550 + 1 + 1 hits, 550 + 1 misses, 551 entries.
            ensure!(
                found == Some((552, 551, 551)),
                "batches count per key: (hits, misses, entries) should be (552, 551, 551); got {found:?}"
            );
            Ok(())
        })
        .await;

    if let Some((namespace, ttl)) = options.expiring {
        suite
            .check("values_expire_after_the_namespace_ttl", async {
                let key = format!("kit_{tag}");
                cache.set(&namespace, &key, vec![1]).await;
                cache
                    .set_many(&namespace, vec![(&format!("{key}_m"), vec![2])])
                    .await;
                ensure!(
                    cache.get(&namespace, &key).await.is_some(),
                    "a fresh value missed"
                );
                tokio::time::sleep(ttl + Duration::from_millis(1100)).await;
                let after = (
                    cache.get(&namespace, &key).await,
                    cache.get_many(&namespace, &[&format!("{key}_m")]).await,
                );
                ensure!(
                    after == (None, vec![None]),
                    "values read back {} ms after the {} ms TTL: {after:?}",
                    1100,
                    ttl.as_millis()
                );
                Ok(())
            })
            .await;
    }

    suite.finish()
}

/// (hits, misses, entries) of `namespace`, if listed.
fn counts(stats: &[NamespaceStats], namespace: &str) -> Option<(u64, u64, u64)> {
    stats
        .iter()
        .find(|s| s.namespace == namespace)
        .map(|s| (s.hits, s.misses, s.entries))
}
