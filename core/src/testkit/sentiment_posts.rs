//! The post checks of the [`SentimentStore`] suite: each post kept once,
//! scores merged, newest first, and every filter of a [`PostQuery`].

use chrono::{DateTime, Duration, Utc};

use super::run::{day, ensure, fails_with, run_tag, Called, Suite};
use crate::model::{AuthorLabel, PostQuery, StoredPost, Symbol};
use crate::store::{SentimentStore, MAX_POST_TEXT_BYTES};
use crate::ErrorKind;

/// Runs the post checks on `store`, writing posts of `a` and `b` (symbols
/// of this run) on a platform of this run's own, so that reads over every
/// symbol see only them.
pub(super) async fn checks(suite: &mut Suite, store: &dyn SentimentStore, a: &Symbol, b: &Symbol) {
    let platform = format!("p{}", run_tag().to_ascii_lowercase());
    let post = |symbol: &Symbol, id: &str, at: DateTime<Utc>| StoredPost {
        platform: platform.clone(),
        id: id.to_owned(),
        symbol: symbol.clone(),
        created_at: at,
        url: format!("https://example.invalid/{id}"),
        author: None,
        label: None,
        scores: [("vader".to_owned(), 0.25)].into(),
        text: None,
    };
    let mine = |symbol: Option<&Symbol>| PostQuery {
        platform: Some(platform.clone()),
        symbol: symbol.cloned(),
        ..PostQuery::of(a, day(0))
    };

    suite
        .check("posts_are_kept_once_whole", async {
            let mut first = post(a, "1", day(1));
            first.author = Some("ann".into());
            first.label = Some(AuthorLabel::Bullish);
            first.text = Some("$A to the moon".into());
            let second = post(a, "2", day(2));
            let batch = [first.clone(), second.clone()];
            let new = store.upsert_posts(&batch).await.called("upsert_posts")?;
            ensure!(new == 2, "two new posts should count 2, not {new}");
            let again = store.upsert_posts(&batch).await.called("upsert_posts again")?;
            ensure!(again == 0, "the same posts again should count 0 new, not {again}");
            let read = store.posts(&mine(Some(a))).await.called("posts")?;
            ensure!(
                read == [second, first],
                "two posts upserted twice should read back once each, newest first, field for field; got {read:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("scores_merge_and_gaps_fill", async {
            let at = day(3);
            let mut old = post(a, "3", at);
            old.scores = [("vader".to_owned(), -0.5), ("mine".to_owned(), 1e-7)].into();
            old.url = String::new();
            store.upsert_posts(&[old]).await.called("upsert_posts")?;
            let mut later = post(a, "3", at + Duration::hours(1));
            later.scores = [
                ("vader".to_owned(), 0.1 + 0.2),
                ("textblob".to_owned(), -0.125),
            ]
            .into();
            later.label = Some(AuthorLabel::Bearish);
            later.author = Some("bob".into());
            later.text = Some("bearish".into());
            let mut last = post(a, "3", at);
            last.scores = [("textblob".to_owned(), -0.25)].into();
            last.url = "https://example.invalid/other".into();
            last.label = Some(AuthorLabel::Bullish);
            let new = store
                .upsert_posts(&[later, last])
                .await
                .called("upsert_posts of a known post, twice in one batch")?;
            ensure!(new == 0, "a known post should count 0 new, not {new}");
            let read = store
                .posts(&PostQuery {
                    until: Some(at + Duration::days(1)),
                    ..PostQuery::of(a, at)
                })
                .await
                .called("posts")?;
            let want = StoredPost {
                url: "https://example.invalid/3".into(),
                author: Some("bob".into()),
                label: Some(AuthorLabel::Bearish),
                scores: [
                    ("mine".to_owned(), 1e-7),
                    ("textblob".to_owned(), -0.25),
                    ("vader".to_owned(), 0.1 + 0.2),
                ]
                .into(),
                text: Some("bearish".into()),
                ..post(a, "3", at)
            };
            ensure!(
                read == [want.clone()],
                "a post upserted with other scores should keep its time, take every new score \
                 (exactly, the later of one batch winning) and fill only what it lacked; \
                 wanted {want:?}, got {read:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("posts_come_back_newest_first", async {
            let posts = [
                post(b, "b1", day(10)),
                post(b, "b3", day(12)),
                post(b, "b2", day(11)),
                post(b, "b4", day(11)),
            ];
            store.upsert_posts(&posts).await.called("upsert_posts")?;
            let read = store.posts(&mine(Some(b))).await.called("posts")?;
            let ids: Vec<&str> = read.iter().map(|p| p.id.as_str()).collect();
            ensure!(
                ids == ["b3", "b4", "b2", "b1"],
                "posts should read newest first, ties by id descending; got {ids:?}"
            );
            Ok(())
        })
        .await;

    suite
        .check("post_filters", async {
            let ids = |posts: &[StoredPost]| -> Vec<String> {
                posts.iter().map(|p| format!("{}:{}", p.symbol, p.id)).collect()
            };
            let mut labelled = post(b, "b5", day(13));
            labelled.label = Some(AuthorLabel::Bearish);
            let mut elsewhere = post(b, "b6", day(13));
            elsewhere.platform = format!("{platform}x");
            store
                .upsert_posts(&[labelled, elsewhere])
                .await
                .called("upsert_posts")?;
            let every = store.posts(&mine(None)).await.called("posts of every symbol")?;
            let every = ids(&every);
            ensure!(
                every.len() == 8
                    && every.iter().filter(|id| id.starts_with(a.as_str())).count() == 3,
                "every symbol's posts of the platform should be 5 of {b} and 3 of {a}; got {every:?}"
            );
            let since = store
                .posts(&PostQuery {
                    since: day(11),
                    until: Some(day(12)),
                    ..mine(Some(b))
                })
                .await
                .called("posts in a window")?;
            ensure!(
                ids(&since) == [format!("{b}:b4"), format!("{b}:b2")],
                "since should include and until exclude; got {:?}",
                ids(&since)
            );
            let labelled = store
                .posts(&PostQuery {
                    labelled_only: true,
                    ..mine(None)
                })
                .await
                .called("labelled posts")?;
            ensure!(
                ids(&labelled) == [format!("{b}:b5"), format!("{a}:3"), format!("{a}:1")],
                "only labelled posts, every symbol's; got {:?}",
                ids(&labelled)
            );
            let other = store
                .posts(&PostQuery {
                    platform: Some(format!("{platform}x")),
                    ..mine(Some(b))
                })
                .await
                .called("posts of another platform")?;
            ensure!(
                ids(&other) == [format!("{b}:b6")],
                "only the platform's posts; got {:?}",
                ids(&other)
            );
            for (limit, want) in [(0, 0), (2, 2)] {
                let few = store
                    .posts(&PostQuery {
                        limit,
                        ..mine(None)
                    })
                    .await
                    .called("posts with a limit")?;
                ensure!(
                    few.len() == want && (want == 0 || few[0].id == "b5"),
                    "a limit of {limit} should give the newest {want}; got {:?}",
                    ids(&few)
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("bad_posts_are_refused_and_texts_cut", async {
            let good = post(a, "9", day(20));
            let bad = post(a, "", day(20));
            let refused = store.upsert_posts(&[good.clone(), bad]).await;
            ensure!(
                fails_with(&refused, ErrorKind::InvalidInput),
                "a post with an empty id should be InvalidInput; got {refused:?}"
            );
            let mut long = good;
            long.text = Some("x".repeat(MAX_POST_TEXT_BYTES + 10));
            let mut nan = post(a, "10", day(20));
            nan.scores = [("vader".to_owned(), f64::NAN)].into();
            let refused = store.upsert_posts(&[nan]).await;
            ensure!(
                fails_with(&refused, ErrorKind::InvalidInput),
                "a NaN score should be InvalidInput; got {refused:?}"
            );
            let read = store
                .posts(&PostQuery::of(a, day(20)))
                .await
                .called("posts")?;
            ensure!(read.is_empty(), "a refused batch should write nothing; got {read:?}");
            store.upsert_posts(&[long]).await.called("upsert_posts of a long text")?;
            store.upsert_posts(&[]).await.called("upsert_posts of nothing")?;
            let read = store.posts(&PostQuery::of(a, day(20))).await.called("posts")?;
            let kept = read.first().and_then(|p| p.text.as_ref()).map(String::len);
            ensure!(
                read.len() == 1 && kept == Some(MAX_POST_TEXT_BYTES),
                "a text over {MAX_POST_TEXT_BYTES} bytes should be kept cut to that; got {} post(s), text of {kept:?} bytes",
                read.len()
            );
            Ok(())
        })
        .await;
}
