//! Sources that are slow, failing, rate-limited, unconfigured or silent.

use super::*;

/// A source that answers after `delay` with `answer`, counting its calls.
struct Scripted {
    platform: &'static str,
    delay: Duration,
    answer: fn() -> Result<Vec<Post>>,
    unconfigured: Option<&'static str>,
    calls: AtomicUsize,
}

impl Scripted {
    fn new(platform: &'static str, delay: Duration, answer: fn() -> Result<Vec<Post>>) -> Self {
        Scripted {
            platform,
            delay,
            answer,
            unconfigured: None,
            calls: AtomicUsize::new(0),
        }
    }
}

#[async_trait]
impl MentionSource for Scripted {
    fn platform(&self) -> &str {
        self.platform
    }

    async fn mentions(&self, _: &Symbol, _: DateTime<Utc>, _: usize) -> Result<Vec<Post>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(self.delay).await;
        (self.answer)()
    }

    fn not_configured(&self) -> Option<&str> {
        self.unconfigured
    }
}

#[tokio::test]
async fn slow_failing_limited_and_unconfigured_sources_are_listed_and_the_call_succeeds() {
    let hung = Arc::new(Scripted::new("x", Duration::from_secs(60), || {
        Ok(Vec::new())
    }));
    let limited = Arc::new(Scripted::new("reddit", Duration::ZERO, || {
        Err(
            Error::new(ErrorKind::RateLimited, "reddit asks to slow down")
                .with_retry_after(Duration::from_secs(30)),
        )
    }));
    let failing = Arc::new(Scripted::new("feed", Duration::ZERO, || {
        Err(Error::new(
            ErrorKind::Upstream,
            format!("bad feed {}", "x".repeat(500)),
        ))
    }));
    let mut unconfigured = Scripted::new("bluesky", Duration::ZERO, || Ok(Vec::new()));
    unconfigured.unconfigured = Some("BLUESKY_TOKEN is not set");
    let unconfigured = Arc::new(unconfigured);
    let week = Arc::new(Week::new(Utc::now()));
    let sources: Vec<Arc<dyn MentionSource>> = vec![
        hung.clone(),
        week.clone(),
        limited.clone(),
        failing.clone(),
        unconfigured.clone(),
        Arc::new(NotConfigured::new("x", "X_BEARER_TOKEN is not set")),
    ];
    let store = Arc::new(MemoryStore::new());
    let service = vader_service(sources, store.clone());
    let tsla = Symbol::parse("TSLA").unwrap();
    let started = Instant::now();
    let analysis = service.current(&tsla).await.unwrap();
    let waited = started.elapsed();
    assert!(
        (Duration::from_millis(300)..Duration::from_secs(3)).contains(&waited),
        "the hung source is given up at the deadline: {waited:?}"
    );
    assert_eq!(analysis.mention_volume, 16);
    let states: Vec<(&str, SourceState, u32)> = analysis
        .sources
        .iter()
        .map(|s| (s.platform.as_str(), s.state, s.posts))
        .collect();
    assert_eq!(
        states,
        [
            ("x", SourceState::TimedOut, 0),
            ("stocktwits", SourceState::Ok, 16),
            ("reddit", SourceState::RateLimited, 0),
            ("feed", SourceState::Failed, 0),
            ("bluesky", SourceState::NotConfigured, 0),
            ("x", SourceState::NotConfigured, 0),
        ]
    );
    let reason = |at: usize| analysis.sources[at].reason.as_deref().unwrap_or("");
    assert!(
        reason(0).contains("no answer within 300ms"),
        "{}",
        reason(0)
    );
    assert_eq!(analysis.sources[1].reason, None);
    assert!(reason(2).contains("slow down"), "{}", reason(2));
    assert_eq!(analysis.sources[2].retry_after, Some(30.0));
    assert!(
        reason(3).len() < 200 && reason(3).contains("bad feed"),
        "{}",
        reason(3)
    );
    assert!(
        reason(4).contains("BLUESKY_TOKEN is not set"),
        "{}",
        reason(4)
    );
    assert_eq!(unconfigured.calls.load(Ordering::Relaxed), 0, "never asked");

    // Texts are not kept unless asked for.
    let kept = store
        .posts(&PostQuery::of(
            &tsla,
            Utc::now() - chrono::Duration::days(8),
        ))
        .await
        .unwrap();
    assert_eq!(kept.len(), 16);
    assert!(kept
        .iter()
        .all(|p| p.text.is_none() && p.scores.contains_key("vader")));
    let keeping = Arc::new(MemoryStore::new());
    vader_service(vec![week.clone()], keeping.clone())
        .with_store_texts(true)
        .current(&tsla)
        .await
        .unwrap();
    let kept = keeping
        .posts(&PostQuery::of(
            &tsla,
            Utc::now() - chrono::Duration::days(8),
        ))
        .await
        .unwrap();
    assert_eq!(kept[0].text.as_deref(), Some(POSITIVE));
}

#[tokio::test]
async fn the_call_fails_only_when_no_source_answered() {
    let tsla = Symbol::parse("TSLA").unwrap();
    let failing = Arc::new(Scripted::new("feed", Duration::ZERO, || {
        Err(Error::new(ErrorKind::Upstream, "the feed is down"))
    }));
    let hung = Arc::new(Scripted::new("x", Duration::from_secs(60), || {
        Ok(Vec::new())
    }));
    let store = Arc::new(MemoryStore::new());
    let err = vader_service(vec![failing, hung], store.clone())
        .current(&tsla)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::Upstream, "the feed is down")
    );

    let unconfigured: Arc<dyn MentionSource> =
        Arc::new(NotConfigured::new("reddit", "REDDIT_CLIENT_ID is not set"));
    let err = vader_service(vec![unconfigured], store.clone())
        .current(&tsla)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("reddit is not configured"), "{err}");

    let silent = Arc::new(Scripted::new("x", Duration::ZERO, || Ok(Vec::new())));
    let err = vader_service(vec![silent], store)
        .current(&tsla)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}
