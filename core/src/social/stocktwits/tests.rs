use super::*;
use crate::social::{SourceBackend, SourceUrl};
use crate::ErrorKind;

fn options(text: &str) -> Result<StockTwitsOptions> {
    match SourceUrl::parse(text)?.backend() {
        SourceBackend::StockTwits(options) => Ok(options.clone()),
        other => panic!("{text} parsed as {other:?}"),
    }
}

#[test]
fn urls_give_the_base_and_the_options() {
    let public = options("stocktwits://").unwrap();
    assert_eq!(
        public,
        StockTwitsOptions {
            base: None,
            max_pages: 10,
            max_body_bytes: 4 << 20
        }
    );
    let local = options("stocktwits+http://127.0.0.1:8080/?max_pages=3&max_body=1000").unwrap();
    assert_eq!(local.base.as_deref(), Some("http://127.0.0.1:8080"));
    assert_eq!((local.max_pages, local.max_body_bytes), (3, 1000));
}

#[test]
fn bad_urls_are_invalid_input() {
    for (text, says) in [
        ("stocktwits://api.stocktwits.com", "takes no host"),
        ("stocktwits://?max_pages=0", "max_pages"),
        ("stocktwits://?max_pages=28", "max_pages"),
        ("stocktwits://?max_body=0", "max_body"),
        ("stocktwits://?limit=5", "unknown option"),
        ("stocktwits://?max_pages=2&max_pages=3", "twice"),
    ] {
        let err = options(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
        assert!(err.message().contains(says), "{text}: {err}");
    }
}

#[test]
fn debug_hides_a_password_in_the_base() {
    let options = options("stocktwits+http://eve:hunter9@127.0.0.1:9").unwrap();
    let shown = format!("{options:?}");
    assert!(!shown.contains("hunter9"), "{shown}");
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
}

#[tokio::test]
async fn a_zero_limit_asks_nothing() {
    // Port 9 (discard) on loopback: a request would fail as Unavailable.
    let source = connect(
        &options("stocktwits+http://127.0.0.1:9").unwrap(),
        &SocialCredentials::default(),
        ResiliencePolicy::default(),
    )
    .unwrap();
    assert_eq!(source.platform(), "stocktwits");
    assert!(source.not_configured().is_none());
    let symbol = Symbol::parse("TSLA").unwrap();
    let posts = source.mentions(&symbol, Utc::now(), 0).await.unwrap();
    assert!(posts.is_empty());
}
