//! A week of posts on every store: history, trend, repeated analyses,
//! the cache, agreement.

use super::*;

/// Per UTC day of `posts`: mentions and the mean TextBlob score.
fn expected_days(posts: &[Post]) -> BTreeMap<NaiveDate, (u64, f64)> {
    let textblob = analyzer_by_name("textblob").unwrap();
    let mut days: BTreeMap<NaiveDate, (u64, f64)> = BTreeMap::new();
    for post in posts {
        let day = days.entry(post.created_at.date_naive()).or_default();
        day.0 += 1;
        day.1 += textblob.score(&post.text).polarity;
    }
    days.values_mut().for_each(|(n, sum)| *sum /= *n as f64);
    days
}

/// The whole week on the store at `store` (or on `shared`, a store object
/// every client of the test uses): history and trend from the posts, five
/// analyses counting each post once, agreement exact.
async fn a_week_of_posts(store: &str, shared: Option<Arc<MemoryStore>>) {
    check_signs();
    let source = Arc::new(Week::new(Utc::now()));
    let client = |analyzer: &str| {
        let builder = Tickersense::builder()
            .store(store)
            .cache("none://")
            .social("")
            .analyzer(analyzer)
            .with_mention_source(source.clone());
        match &shared {
            Some(store) => builder.with_sentiment_store(store.clone()),
            None => builder,
        }
        .build()
        .unwrap()
    };
    let ts = client("textblob");
    let first = ts.sentiment("TSLA").await.unwrap();
    assert!(first.stored);
    assert_eq!(first.mention_volume, 16);
    assert_eq!(first.sources.len(), 1);
    let status = &first.sources[0];
    assert_eq!(
        (status.platform.as_str(), status.state, status.posts),
        ("stocktwits", SourceState::Ok, 16)
    );
    let platform = &first.platforms[0];
    assert_eq!(
        platform.keywords,
        ["great", "quarter", "guidance", "terrible", "report", "tonight"]
    );
    assert_eq!(platform.source_urls.len(), 10);
    assert_eq!(platform.source_urls[0], "https://stocktwits.invalid/st-0");
    assert_eq!(first.sentiment_trend, Trend::Rising);

    // History per UTC day of posting, from the stored posts.
    let history = ts.sentiment_history("TSLA", 8, None).await.unwrap();
    let expected = expected_days(&source.posts);
    assert_eq!(history.len(), expected.len());
    for (day, (date, (mentions, score))) in history.iter().zip(&expected) {
        assert_eq!((day.date, day.mentions), (*date, *mentions));
        assert!((day.score - score).abs() < 1e-12, "{day:?} vs {score}");
        assert_eq!(day.confidence, day.score.abs());
        assert_eq!(day.platforms, [("stocktwits".to_owned(), *mentions)].into());
    }
    assert_eq!(history.iter().map(|d| d.mentions).sum::<u64>(), 16);
    assert_eq!(
        ts.sentiment_history("TSLA", 8, Some("stocktwits"))
            .await
            .unwrap(),
        history
    );
    assert!(ts
        .sentiment_history("TSLA", 8, Some("reddit"))
        .await
        .unwrap()
        .is_empty());

    // The trend: the last 24 hours against the 7 days before.
    let textblob = analyzer_by_name("textblob").unwrap();
    let mean = |posts: &[Post]| {
        posts
            .iter()
            .map(|p| textblob.score(&p.text).polarity)
            .sum::<f64>()
            / posts.len() as f64
    };
    let trend = ts.sentiment_trend("TSLA").await.unwrap();
    assert_eq!(trend.trend, Trend::Rising);
    assert_eq!((trend.recent_posts, trend.baseline_posts), (6, 10));
    let recent = trend.recent_score.unwrap();
    let baseline = trend.baseline_score.unwrap();
    assert!(
        (recent - mean(&source.posts[..6])).abs() < 1e-12,
        "{trend:?}"
    );
    assert!(
        (baseline - mean(&source.posts[6..])).abs() < 1e-12,
        "{trend:?}"
    );

    // Four more analyses with no cache: each asks the source and appends
    // an analysis, and no day counts a post twice (the seed's bug gave
    // analyses=5, mentions=80 for these 16 posts).
    for _ in 0..4 {
        assert_eq!(ts.sentiment("TSLA").await.unwrap().mention_volume, 16);
    }
    assert_eq!(source.calls(), 5);
    assert_eq!(ts.sentiment_analyses("TSLA", 1).await.unwrap().len(), 5);
    assert_eq!(
        ts.sentiment_history("TSLA", 8, None).await.unwrap(),
        history
    );
    assert_eq!(ts.sentiment_trend("TSLA").await.unwrap(), trend);

    // Agreement with the authors' labels, for both analyzers once VADER
    // has scored the same posts too.
    client("vader").sentiment("TSLA").await.unwrap();
    let agreement = ts.sentiment_agreement(Some("TSLA"), 30).await.unwrap();
    assert_eq!((agreement.labelled_posts, agreement.days), (9, 30));
    let names: Vec<&str> = agreement
        .analyzers
        .iter()
        .map(|a| a.analyzer.as_str())
        .collect();
    assert_eq!(names, ["textblob", "vader"]);
    for analyzer in &agreement.analyzers {
        assert_eq!((analyzer.posts, analyzer.agreed), (9, 6), "{analyzer:?}");
        assert_eq!(analyzer.accuracy, Some(6.0 / 9.0));
        let [bullish, bearish] = &analyzer.labels[..] else {
            panic!("{analyzer:?}")
        };
        assert_eq!(bullish.label, AuthorLabel::Bullish);
        assert_eq!(
            (bullish.posts, bullish.agreed, bullish.neutral),
            (6, 4, 1),
            "{bullish:?}"
        );
        assert_eq!(bullish.accuracy, Some(4.0 / 6.0));
        assert_eq!(
            (
                bearish.label,
                bearish.posts,
                bearish.agreed,
                bearish.neutral
            ),
            (AuthorLabel::Bearish, 3, 2, 0)
        );
    }
    let everywhere = ts.sentiment_agreement(None, 30).await.unwrap();
    assert_eq!(everywhere.symbol, None);
    assert_eq!(everywhere.analyzers, agreement.analyzers);
    let err = ts.sentiment_agreement(None, 0).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_week_of_posts_in_memory() {
    a_week_of_posts("memory://", Some(Arc::new(MemoryStore::new()))).await;
}

#[tokio::test]
async fn a_week_of_posts_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    a_week_of_posts(&url, None).await;
}

#[tokio::test]
async fn a_week_of_posts_in_postgres() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    a_week_of_posts(&schema.url(), None).await;
    schema.drop_now().await;
}

#[tokio::test]
async fn the_memory_cache_serves_the_second_call() {
    let source = Arc::new(Week::new(Utc::now()));
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("memory://")
        .social("")
        .with_mention_source(source.clone())
        .build()
        .unwrap();
    let first = ts.sentiment("TSLA").await.unwrap();
    let second = ts.sentiment("tsla").await.unwrap();
    assert_eq!(source.calls(), 1, "the second call is the cache's");
    assert_eq!(second, first);
    assert_eq!(ts.sentiment_analyses("TSLA", 1).await.unwrap().len(), 1);
}
