//! The [`BackfillStore`] suite: one status per (symbol, interval), replaced,
//! and one claim per (symbol, interval) at a time.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::run::{ensure, Called, Suite};
use super::Report;
use crate::model::{BackfillState, BackfillStatus, Interval, Symbol};
use crate::store::BackfillStore;

/// Runs every [`BackfillStore`] check on `store` and reports each.
///
/// The store need not be empty: the checks write symbols of their own
/// (`B…`, unique per run) and look only at those. Costs a dozen small
/// writes and reads, one of them a list of every status, and four claims.
pub async fn backfill_store(store: Arc<dyn BackfillStore>) -> Report {
    let store = &*store;
    let mut suite = Suite::new("backfill_store", "");
    let Some([a, b, c, d]) = suite.own_symbols(["BA#", "BB#", "BC#", "BD#"]) else {
        return suite.finish();
    };

    suite
        .check("status_round_trips", async {
            let failed = BackfillStatus {
                rows_written: 12,
                first_bar: Some(at(1)),
                last_bar: Some(at(9)),
                reason: Some("unavailable: the provider did not answer".into()),
                ..status(&a, Interval::D1, BackfillState::Failed)
            };
            store
                .put_backfill_status(&failed)
                .await
                .called("put_backfill_status")?;
            let back = store
                .backfill_status(&a, Interval::D1)
                .await
                .called("backfill_status")?;
            ensure!(
                back.as_ref() == Some(&failed),
                "wrote {failed:?}, read back {back:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("a_put_replaces", async {
            store
                .put_backfill_status(&status(&b, Interval::D1, BackfillState::Running))
                .await
                .called("put_backfill_status")?;
            let done = BackfillStatus {
                rows_written: 250,
                ..status(&b, Interval::D1, BackfillState::Done)
            };
            store
                .put_backfill_status(&done)
                .await
                .called("put_backfill_status")?;
            let back = store
                .backfill_status(&b, Interval::D1)
                .await
                .called("backfill_status")?;
            ensure!(
                back.as_ref() == Some(&done),
                "running then done should read back done; got {back:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("untouched_is_none", async {
            let none = store
                .backfill_status(&d, Interval::D1)
                .await
                .called("backfill_status")?;
            ensure!(
                none.is_none(),
                "a symbol no backfill touched has status {none:?}"
            );
            store
                .put_backfill_status(&status(&c, Interval::D1, BackfillState::Pending))
                .await
                .called("put_backfill_status")?;
            let other = store
                .backfill_status(&c, Interval::Wk1)
                .await
                .called("backfill_status")?;
            ensure!(
                other.is_none(),
                "another interval's status read back: {other:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("statuses_by_interval", async {
            for s in [
                status(&c, Interval::D1, BackfillState::Pending),
                status(&a, Interval::D1, BackfillState::Done),
                status(&a, Interval::H1, BackfillState::Running),
            ] {
                store
                    .put_backfill_status(&s)
                    .await
                    .called("put_backfill_status")?;
            }
            let mine = |list: Vec<BackfillStatus>| -> Vec<(Symbol, Interval)> {
                list.into_iter()
                    .filter(|s| [&a, &c].contains(&&s.symbol))
                    .map(|s| (s.symbol, s.interval))
                    .collect()
            };
            let daily = store
                .backfill_statuses(Some(Interval::D1))
                .await
                .called("backfill_statuses")?;
            ensure!(
                daily.iter().all(|s| s.interval == Interval::D1),
                "the daily statuses hold other intervals"
            );
            ensure!(
                daily.windows(2).all(|w| w[0].symbol <= w[1].symbol),
                "the daily statuses are not sorted by symbol"
            );
            let daily = mine(daily);
            ensure!(
                daily == [(a.clone(), Interval::D1), (c.clone(), Interval::D1)],
                "the daily statuses of two symbols, by symbol, read back as {daily:?}"
            );
            let every = mine(
                store
                    .backfill_statuses(None)
                    .await
                    .called("backfill_statuses")?,
            );
            let holds = |s: &Symbol, i| every.iter().any(|x| x == &(s.clone(), i));
            ensure!(
                every.len() == 3
                    && holds(&a, Interval::D1)
                    && holds(&a, Interval::H1)
                    && holds(&c, Interval::D1),
                "every interval's statuses should be three of this run's; got {every:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("a_claim_excludes_another_until_released", async {
            let claim = store
                .claim_backfill(&d, Interval::D1)
                .await
                .called("claim_backfill")?;
            ensure!(
                claim.is_some(),
                "a symbol nobody holds could not be claimed"
            );
            let second = store
                .claim_backfill(&d, Interval::D1)
                .await
                .called("claim_backfill")?;
            ensure!(second.is_none(), "a symbol was claimed twice at once");
            let other = store
                .claim_backfill(&d, Interval::Wk1)
                .await
                .called("claim_backfill")?;
            ensure!(
                other.is_some(),
                "another interval of a claimed symbol could not be claimed"
            );
            if let Some(claim) = claim {
                claim.release().await;
            }
            let again = store
                .claim_backfill(&d, Interval::D1)
                .await
                .called("claim_backfill")?;
            ensure!(again.is_some(), "a released claim could not be taken again");
            drop(other);
            if let Some(again) = again {
                again.release().await;
            }
            Ok(())
        })
        .await;

    suite.finish()
}

/// A status stamped at a whole second, which every backend keeps exactly.
fn status(symbol: &Symbol, interval: Interval, state: BackfillState) -> BackfillStatus {
    BackfillStatus {
        updated_at: at(20),
        ..BackfillStatus::new(symbol.clone(), interval, state)
    }
}

/// Day `n` of 2024, at midnight UTC.
fn at(n: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, n, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}
