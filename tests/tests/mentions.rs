//! `Tickersense::mentions`: the posts the configured sources give, each
//! once, newest first; a failing source left out; its own bounds checked.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use tickersense::social::{MentionSource, NotConfigured};
use tickersense::{Error, ErrorKind, Post, Result, Symbol, Tickersense};

/// A forum with fixed posts, counting the calls and keeping the last limit asked.
struct Forum {
    posts: Vec<Post>,
    calls: AtomicUsize,
    limit: AtomicUsize,
}

impl Forum {
    fn new(ages_in_hours: &[i64]) -> Self {
        let now = Utc::now();
        let posts = ages_in_hours
            .iter()
            .enumerate()
            .map(|(i, hours)| {
                Post::new(
                    "forum",
                    format!("f-{i}"),
                    format!("post {i} about $AAPL"),
                    format!("https://forum.example/{i}"),
                    now - Duration::hours(*hours),
                )
            })
            .collect();
        Forum {
            posts,
            calls: AtomicUsize::new(0),
            limit: AtomicUsize::new(0),
        }
    }
}

#[async_trait]
impl MentionSource for Forum {
    fn platform(&self) -> &str {
        "forum"
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        _since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.limit.store(limit, Ordering::SeqCst);
        // Oldest first, and older than `since` too: `mentions` sorts and cuts.
        let mut posts: Vec<Post> = self.posts.clone();
        posts.reverse();
        Ok(posts)
    }
}

/// A source that is down.
struct Down;

#[async_trait]
impl MentionSource for Down {
    fn platform(&self) -> &str {
        "down"
    }

    async fn mentions(&self, _: &Symbol, _: DateTime<Utc>, _: usize) -> Result<Vec<Post>> {
        Err(Error::unavailable("the board is down"))
    }
}

fn client(sources: Vec<Arc<dyn MentionSource>>) -> Tickersense {
    sources
        .into_iter()
        .fold(
            Tickersense::builder().store("memory://").social(""),
            |b, s| b.with_mention_source(s),
        )
        .build()
        .expect("valid config")
}

#[tokio::test]
async fn mentions_are_each_post_once_newest_first_within_the_window() {
    let forum = Arc::new(Forum::new(&[5, 1, 30, 200]));
    // The same forum twice: its posts are given twice, and kept once.
    let ts = client(vec![forum.clone(), forum.clone()]);
    let posts = ts.mentions("aapl", 7, 50).await.unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["f-1", "f-0", "f-2"],
        "newest first; 200 h is past 7 days"
    );
    assert_eq!(forum.calls.load(Ordering::SeqCst), 2);
    assert_eq!(forum.limit.load(Ordering::SeqCst), 50);
    let day = ts.mentions("AAPL", 1, 100).await.unwrap();
    assert_eq!(
        day.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["f-1", "f-0"]
    );
}

#[tokio::test]
async fn a_failing_source_is_left_out_unless_none_answers() {
    let ts = client(vec![Arc::new(Down), Arc::new(Forum::new(&[2]))]);
    let posts = ts.mentions("AAPL", 7, 10).await.unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].platform, "forum");

    let err = client(vec![Arc::new(Down)])
        .mentions("AAPL", 7, 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("the board is down"), "{err}");
}

#[tokio::test]
async fn unconfigured_sources_are_not_asked() {
    let missing = Arc::new(NotConfigured::new(
        "reddit",
        "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET are not set",
    ));
    let err = client(vec![missing.clone()])
        .mentions("AAPL", 7, 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        err.message().contains("reddit") && err.message().contains("REDDIT_CLIENT_ID"),
        "{err}"
    );
    let forum = Arc::new(Forum::new(&[1]));
    let posts = client(vec![missing, forum.clone()])
        .mentions("AAPL", 7, 10)
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
}

#[tokio::test]
async fn bad_arguments_are_invalid_input_before_any_source_is_asked() {
    let forum = Arc::new(Forum::new(&[1]));
    let ts = client(vec![forum.clone()]);
    for (symbol, days, limit, says) in [
        ("AAPL", 0, 10, "days must be 1 to 3650, not 0"),
        ("AAPL", 3651, 10, "days must be 1 to 3650, not 3651"),
        ("AAPL", 7, 0, "limit must be 1 to 1000, not 0"),
        ("AAPL", 7, 1001, "limit must be 1 to 1000, not 1001"),
        ("not a symbol", 7, 10, ""),
    ] {
        let err = ts.mentions(symbol, days, limit).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.message().contains(says), "{err}");
    }
    assert_eq!(forum.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn sample_posts_are_the_ones_an_analysis_scores() {
    let ts = Tickersense::builder()
        .store("memory://")
        .social("sample://")
        .build()
        .unwrap();
    let posts = ts.mentions("TSLA", 7, 100).await.unwrap();
    let analysis = ts.sentiment("TSLA").await.unwrap();
    assert_eq!(posts.len() as u32, analysis.mention_volume);
    assert!(posts
        .iter()
        .all(|p| p.platform == "sample" && p.text.contains("$TSLA")));
}
