//! Large batches scored off the runtime's workers, and the caller's own posts.

use super::*;

/// Posts of `platform`, `n` of them, `symbol` in each text.
fn many_posts(platform: &str, n: usize) -> Vec<Post> {
    let texts = [
        "$TSLA looking strong after earnings, great quarter and I'm loading up on more shares today",
        "Not a good look for $TSLA, sales are falling and debt is rising, worried about the next call",
        "$TSLA trading sideways today, volume is average and nothing much happened before the close",
    ];
    (0..n)
        .map(|i| {
            Post::new(
                platform,
                format!("{platform}-{i}"),
                texts[i % 3],
                format!("https://example.invalid/{platform}/{i}"),
                Utc::now() - chrono::Duration::minutes(i as i64 % 600),
            )
        })
        .collect()
}

/// Runs `work` while a ticker task on the same runtime sleeps 5 ms at a
/// time; gives the work's output and the longest the ticker waited.
async fn with_ticker<T>(work: impl std::future::Future<Output = T>) -> (T, Duration, Duration) {
    let longest = Arc::new(AtomicU64::new(0));
    let ticker = tokio::spawn({
        let longest = longest.clone();
        async move {
            loop {
                let before = Instant::now();
                tokio::time::sleep(Duration::from_millis(5)).await;
                let gap = before.elapsed().as_micros() as u64;
                longest.fetch_max(gap, Ordering::Relaxed);
            }
        }
    });
    tokio::task::yield_now().await;
    let started = Instant::now();
    let out = work.await;
    let took = started.elapsed();
    ticker.abort();
    (
        out,
        took,
        Duration::from_micros(longest.load(Ordering::Relaxed)),
    )
}

/// A source answering with its posts at once.
struct Batch(Vec<Post>);

#[async_trait]
impl MentionSource for Batch {
    fn platform(&self) -> &str {
        "batch"
    }

    async fn mentions(&self, _: &Symbol, _: DateTime<Utc>, _: usize) -> Result<Vec<Post>> {
        Ok(self.0.clone())
    }
}

// One runtime thread: were the scoring done on it, the ticker would wait
// for the whole batch.
#[tokio::test(flavor = "current_thread")]
async fn ten_thousand_posts_are_scored_without_stalling_the_runtime() {
    let bound = Duration::from_millis(400);
    let service = vader_service(Vec::new(), Arc::new(MemoryStore::new()));
    let posts = many_posts("mine", 10_000);
    let (scored, took, longest) = with_ticker(service.score_posts(posts)).await;
    let scored = scored.unwrap();
    assert_eq!(scored.scores.len(), 10_000);
    assert_eq!(scored.analyzer, "vader");
    assert_eq!(scored.platforms[0].mention_count, 10_000);
    assert_eq!(
        scored.platforms[0].keywords[0], "$TSLA",
        "the caller's posts name no symbol to leave out"
    );
    assert!(
        longest < bound,
        "the ticker waited {longest:?} while scoring took {took:?}"
    );

    // The same through an analysis: 100 sources of 100 posts each.
    let sources: Vec<Arc<dyn MentionSource>> = (0..100)
        .map(|s| Arc::new(Batch(many_posts(&format!("p{s}"), 100))) as Arc<dyn MentionSource>)
        .collect();
    let service = vader_service(sources, Arc::new(MemoryStore::new()));
    let tsla = Symbol::parse("TSLA").unwrap();
    let (analysis, took, longest) = with_ticker(service.current(&tsla)).await;
    let analysis = analysis.unwrap();
    assert_eq!(
        (analysis.mention_volume, analysis.platforms.len()),
        (10_000, 100)
    );
    assert!(analysis.stored);
    assert!(
        longest < bound,
        "the ticker waited {longest:?} while the analysis took {took:?}"
    );
}

#[tokio::test]
async fn score_posts_bounds_its_input_and_stores_nothing() {
    let store = Arc::new(MemoryStore::new());
    let service = vader_service(Vec::new(), store.clone());
    let mut posts = many_posts("mine", 3);
    posts[2].platform = "other".into();
    let scored = service.score_posts(posts.clone()).await.unwrap();
    let vader = analyzer_by_name("vader").unwrap();
    let want: Vec<f64> = posts
        .iter()
        .map(|p| vader.score(&p.text).polarity)
        .collect();
    assert_eq!(scored.scores, want);
    let names: Vec<&str> = scored
        .platforms
        .iter()
        .map(|p| p.platform.as_str())
        .collect();
    assert_eq!(names, ["mine", "other"]);
    let overall = (want[0] + want[1] + want[2]) / 3.0;
    assert!((scored.overall - overall).abs() < 1e-12);
    let tsla = Symbol::parse("TSLA").unwrap();
    let since = Utc::now() - chrono::Duration::days(8);
    assert!(store
        .posts(&PostQuery::of(&tsla, since))
        .await
        .unwrap()
        .is_empty());

    let err = service
        .score_posts(many_posts("mine", 100_001))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let mut long = many_posts("mine", 2);
    long[1].text = "x".repeat(tickersense::store::MAX_POST_TEXT_BYTES + 1);
    let err = service.score_posts(long).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().starts_with("post 1 "), "{err}");
    let empty = service.score_posts(Vec::new()).await.unwrap();
    assert_eq!((empty.scores.len(), empty.overall), (0, 0.0));
}
