//! News feeds (RSS and Atom), Yahoo's news items and posts files, against the replay server
//! and temporary files: the posts each gives, exactly; undated and malformed entries;
//! bodies that are no feed; rate limits and a timeout; bad lines, oversized lines and
//! oversized files; and the requests each call costs.

mod social_support;

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use social_support::{at, impatient as policy, sym, week_ago};
use tickersense::model::AuthorLabel;
use tickersense::social::{MentionSource, SocialCredentials, SourceUrl};
use tickersense::{testkit, ErrorKind};
use tickersense_replay::{Fault, ReplayServer};

fn source(url: &str) -> Arc<dyn MentionSource> {
    SourceUrl::parse(url)
        .unwrap()
        .connect(&SocialCredentials::default(), policy())
        .unwrap()
}

fn rss(server: &ReplayServer) -> Arc<dyn MentionSource> {
    source(&format!(
        "feed+http://{}/rss/headline?s={{symbol}}&region=US",
        server.addr()
    ))
}

fn atom(server: &ReplayServer) -> Arc<dyn MentionSource> {
    source(&format!("feed+http://{}/atom/{{symbol}}", server.addr()))
}

fn ids(posts: &[tickersense::model::Post]) -> Vec<&str> {
    posts.iter().map(|p| p.id.as_str()).collect()
}

// ---------------------------------------------------------------- feeds

#[tokio::test]
async fn an_rss_feed_gives_its_dated_items_as_text() {
    let server = ReplayServer::start().await.unwrap();
    let feed = rss(&server);
    assert_eq!(feed.platform(), "news");
    let posts = feed.mentions(&sym("TSLA"), week_ago(), 50).await.unwrap();
    assert_eq!(server.requests(), ["/rss/headline?s=TSLA&region=US"]);
    assert_eq!(
        ids(&posts),
        [
            "5d1c9a4e-7b1f-3c55-9e0a-2b8f6d4c1a01",
            "5d1c9a4e-7b1f-3c55-9e0a-2b8f6d4c1a02",
            "5d1c9a4e-7b1f-3c55-9e0a-2b8f6d4c1a03",
            // No guid: the link is the id.
            "https://finance.yahoo.com/news/tesla-energy-storage-doubles-174500654.html?.tsrc=rss",
        ],
        "the undated item is skipped and November's is before `since`"
    );
    let first = &posts[0];
    assert_eq!(first.platform, "news");
    assert_eq!(
        first.text,
        "Tesla beats delivery estimates with record quarter Tesla delivered a record 484,507 \
         vehicles in the fourth quarter, beating analysts' estimates & closing out a strong year."
    );
    assert_eq!(
        first.url,
        "https://finance.yahoo.com/news/tesla-record-deliveries-153000123.html?.tsrc=rss"
    );
    assert_eq!(first.created_at, at("2024-01-05T15:30:00Z"));
    assert_eq!(
        posts[1].text,
        "BYD overtakes Tesla as top EV seller Shares slipped as BYD overtook Tesla in quarterly EV sales."
    );
    assert_eq!(
        posts[2].text,
        "Tesla price cuts to pressure margins, analysts say Analysts warn that price cuts will \
         weigh on margins in 2024 \u{2014} a risk for the stock."
    );
    let all = feed
        .mentions(&sym("TSLA"), DateTime::<Utc>::MIN_UTC, 50)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].created_at.to_rfc3339(), "2023-11-20T10:00:00+00:00");
    let two = feed.mentions(&sym("TSLA"), week_ago(), 2).await.unwrap();
    assert_eq!(ids(&two), ids(&posts[..2]));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_atom_feed_takes_published_else_updated_and_resolves_links() {
    let server = ReplayServer::start().await.unwrap();
    let posts = atom(&server)
        .mentions(&sym("TSLA"), week_ago(), 50)
        .await
        .unwrap();
    assert_eq!(server.requests(), ["/atom/TSLA"]);
    assert_eq!(
        ids(&posts),
        [
            "tag:evdesk.example.com,2024:/stories/9101",
            "tag:evdesk.example.com,2024:/stories/9102",
            "tag:evdesk.example.com,2024:/stories/9103",
        ]
    );
    assert_eq!(
        posts[0].text,
        "Tesla\u{2019}s Cybertruck ramp gathers pace Output at Giga Texas rose to 1,000 trucks a week, a strong start."
    );
    assert_eq!(posts[0].author.as_deref(), Some("Dana Whitfield"));
    assert_eq!(posts[0].created_at, at("2024-01-05T14:40:00Z"));
    assert_eq!(posts[1].created_at, at("2024-01-04T23:20:00Z"));
    assert_eq!(
        posts[1].url,
        format!("http://{}/stories/9102-supercharger-network", server.addr())
    );
    assert_eq!(
        posts[2].created_at,
        at("2024-01-03T11:05:00Z"),
        "only `updated`"
    );
}

#[tokio::test]
async fn symbols_are_encoded_and_unknown_ones_give_nothing_or_an_error() {
    let server = ReplayServer::start().await.unwrap();
    let none = rss(&server)
        .mentions(&sym("^GSPC"), week_ago(), 50)
        .await
        .unwrap();
    assert!(none.is_empty(), "an empty channel");
    assert_eq!(server.requests(), ["/rss/headline?s=%5EGSPC&region=US"]);
    let err = atom(&server)
        .mentions(&sym("ZZZZ9"), week_ago(), 50)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream, "{err}");
    assert!(
        err.message().starts_with("News feed answered HTTP 404"),
        "{err}"
    );
}

#[tokio::test]
async fn the_platform_name_can_be_set() {
    let server = ReplayServer::start().await.unwrap();
    let feed = source(&format!(
        "feed+http://{}/atom/{{symbol}}?feed_platform=evdesk",
        server.addr()
    ));
    assert_eq!(feed.platform(), "evdesk");
    let posts = feed.mentions(&sym("TSLA"), week_ago(), 50).await.unwrap();
    assert!(posts.iter().all(|p| p.platform == "evdesk"));
    assert_eq!(server.requests(), ["/atom/TSLA"], "the option is not sent");
}

#[tokio::test]
async fn bodies_that_are_no_feed_are_upstream_errors() {
    let server = ReplayServer::start().await.unwrap();
    let feed = rss(&server);
    for (body, says) in [
        (
            "<rss version=\"2.0\"><channel><item><title>Tesla</titl></item></channel></rss>",
            "malformed XML",
        ),
        (
            "<!DOCTYPE html><html><body>We'll be right back</body></html>",
            "no RSS or Atom feed",
        ),
        ("", "no RSS or Atom feed"),
    ] {
        server.inject("/rss/", Fault::body(200, "application/rss+xml", body), 1);
        let err = feed
            .mentions(&sym("TSLA"), week_ago(), 50)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Upstream);
        assert!(err.message().contains(says), "{err}");
    }
    assert_eq!(server.requests().len(), 3, "not retried");
}

#[tokio::test]
async fn a_feed_that_does_not_answer_in_time_times_out() {
    let server = ReplayServer::start().await.unwrap();
    server.inject("/atom/", Fault::Delay(Duration::from_secs(2)), 2);
    let err = atom(&server)
        .mentions(&sym("TSLA"), week_ago(), 50)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_429_is_waited_out_when_near_and_refused_at_once_when_far() {
    let server = ReplayServer::start().await.unwrap();
    let feed = rss(&server);
    let limited = |after: &str| Fault::RateLimited {
        retry_after: Some(after.into()),
        html: false,
    };
    server.inject("/rss/", limited("1"), 1);
    let started = Instant::now();
    assert_eq!(
        feed.mentions(&sym("TSLA"), week_ago(), 50)
            .await
            .unwrap()
            .len(),
        4
    );
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.requests().len(), 2);

    server.inject("/rss/", limited("3600"), 1);
    for _ in 0..2 {
        let err = feed
            .mentions(&sym("TSLA"), week_ago(), 50)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        let wait = err.retry_after().unwrap();
        assert!(wait > Duration::from_secs(3590), "{wait:?}");
    }
    assert_eq!(server.requests().len(), 3, "the second call asks nothing");
}

#[tokio::test]
async fn a_feed_urls_secrets_reach_the_feed_and_no_message() {
    let server = ReplayServer::start().await.unwrap();
    let url = format!(
        "feed+http://reader:hunter2@{}/rss/headline?s={{symbol}}&token=s3cr3t",
        server.addr()
    );
    let parsed = SourceUrl::parse(&url).unwrap();
    let feed = parsed
        .connect(&SocialCredentials::default(), policy())
        .unwrap();
    server.inject("/rss/", Fault::Delay(Duration::from_secs(2)), 2);
    server.inject("/rss/", Fault::Status(500), 2);
    server.inject("/rss/", Fault::body(200, "text/html", "<html>no</html>"), 1);
    let mut shown = vec![format!("{parsed}"), format!("{parsed:?}")];
    for kind in [
        ErrorKind::Timeout,
        ErrorKind::Unavailable,
        ErrorKind::Upstream,
    ] {
        let err = feed
            .mentions(&sym("TSLA"), week_ago(), 5)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        shown.push(format!("{err}"));
        shown.push(format!("{err:?}"));
    }
    for text in &shown {
        assert!(
            !text.contains("hunter2") && !text.contains("s3cr3t"),
            "{text}"
        );
    }
    // The feed itself gets what its URL says.
    assert!(
        server.requests()[0].ends_with("&token=s3cr3t"),
        "{:?}",
        server.requests()
    );
}

#[tokio::test]
async fn the_replayed_feeds_pass_the_mention_source_suite() {
    let server = ReplayServer::start().await.unwrap();
    testkit::mention_source(rss(&server), "TSLA".into())
        .await
        .assert_passed();
    testkit::mention_source(atom(&server), "TSLA".into())
        .await
        .assert_passed();
}

// ---------------------------------------------------------------- yahoo-news

fn yahoo_news(server: &ReplayServer) -> Arc<dyn MentionSource> {
    source(&format!("yahoo-news+{}", server.base_url()))
}

#[tokio::test]
async fn yahoo_news_items_become_posts() {
    let server = ReplayServer::start().await.unwrap();
    let news = yahoo_news(&server);
    assert_eq!(news.platform(), "yahoo-news");
    let posts = news.mentions(&sym("TSLA"), week_ago(), 20).await.unwrap();
    assert_eq!(
        server.requests(),
        ["/v1/finance/search?q=TSLA&newsCount=20&quotesCount=0&listsCount=0"]
    );
    assert_eq!(posts.len(), 5, "the video without a time is skipped");
    let first = &posts[0];
    assert_eq!(first.id, "a3f1c2d4-1e5b-3a7c-9d8e-0f1a2b3c4d01");
    assert_eq!(first.platform, "yahoo-news");
    assert_eq!(first.text, "Tesla tops fourth-quarter delivery forecasts");
    assert_eq!(first.author.as_deref(), Some("Reuters"));
    assert_eq!(
        first.url,
        "https://finance.yahoo.com/news/tesla-tops-fourth-quarter-delivery-143000111.html"
    );
    assert_eq!(first.created_at, at("2024-01-05T14:30:00Z"));
    assert!(posts.windows(2).all(|w| w[0].created_at > w[1].created_at));

    let three = news.mentions(&sym("TSLA"), week_ago(), 3).await.unwrap();
    assert_eq!(ids(&three), ids(&posts[..3]));
    assert!(server.requests()[1].contains("newsCount=3&"));
    let none = news.mentions(&sym("ZZZZ9"), week_ago(), 20).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn yahoo_news_failures_keep_their_kinds() {
    let server = ReplayServer::start().await.unwrap();
    let news = yahoo_news(&server);
    server.inject("/v1/finance/search", Fault::Status(503), 2);
    let err = news
        .mentions(&sym("TSLA"), week_ago(), 20)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(server.requests().len(), 2, "one attempt and one retry");

    server.inject(
        "/v1/finance/search",
        Fault::body(200, "text/html", "<html>consent.yahoo.com</html>"),
        1,
    );
    let err = news
        .mentions(&sym("TSLA"), week_ago(), 20)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("HTML instead of JSON"), "{err}");

    server.inject(
        "/v1/finance/search",
        Fault::Delay(Duration::from_secs(2)),
        2,
    );
    let err = news
        .mentions(&sym("TSLA"), week_ago(), 20)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn yahoo_news_passes_the_mention_source_suite() {
    let server = ReplayServer::start().await.unwrap();
    testkit::mention_source(yahoo_news(&server), "TSLA".into())
        .await
        .assert_passed();
}

// ---------------------------------------------------------------- files

/// Everything logged by this test binary, for the warnings of the posts file.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::WARN)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn line(platform: &str, id: &str, symbol: &str, hours_ago: i64, extra: &str) -> String {
    let when = (Utc::now() - chrono::Duration::hours(hours_ago)).to_rfc3339();
    format!(
        r#"{{"platform":"{platform}","id":"{id}","symbol":"{symbol}","text":"{symbol} post {id}","created_at":"{when}","url":"https://example.com/{id}"{extra}}}"#
    )
}

fn posts_file(lines: &[String]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    for l in lines {
        writeln!(file, "{l}").unwrap();
    }
    file.flush().unwrap();
    file
}

fn file_source(file: &tempfile::NamedTempFile, options: &str) -> Arc<dyn MentionSource> {
    source(&format!("file://{}{options}", file.path().display()))
}

#[tokio::test]
async fn a_posts_file_gives_its_symbols_lines_and_warns_of_bad_ones() {
    let logs = logs();
    let long = format!(
        r#"{{"platform":"x","id":"long","symbol":"TSLA","text":"{}","created_at":"2024-01-02T15:04:05Z","url":"https://x.com/1"}}"#,
        "y".repeat(2000)
    );
    let file = posts_file(&[
        line("stocktwits", "1", "TSLA", 1, r#","author":"ann","score":4,"label":"Bullish""#),
        line("reddit", "t3_2", "tsla", 3, r#","score":12.4,"label":"BEARISH""#),
        line("x", "3", "AAPL", 2, ""),
        String::new(),
        "{this is not json".to_owned(),
        r#"{"platform":"x","id":"4","symbol":"TSLA","text":"bad date","created_at":"last tuesday","url":"https://x.com/4"}"#.to_owned(),
        long,
        line("news", "5", "TSLA", 200, ""),
        line("x", "6", "TSLA", 5, r#","label":"neutral""#),
        line("x", "7", "TSLA", 6, ""),
    ]);
    let path = file.path().display().to_string();
    let source = file_source(&file, "?max_line=1000");
    assert_eq!(source.platform(), "file");
    let posts = source.mentions(&sym("TSLA"), week_ago(), 50).await.unwrap();
    assert_eq!(ids(&posts), ["1", "t3_2", "7"]);
    assert_eq!(posts[0].platform, "stocktwits");
    assert_eq!(posts[0].author.as_deref(), Some("ann"));
    assert_eq!(posts[0].engagement, Some(4));
    assert_eq!(posts[0].label, Some(AuthorLabel::Bullish));
    assert_eq!(posts[0].text, "TSLA post 1");
    assert_eq!(posts[1].platform, "reddit");
    assert_eq!(
        (posts[1].engagement, posts[1].label),
        (Some(12), Some(AuthorLabel::Bearish))
    );
    assert_eq!(posts[2].url, "https://example.com/7");

    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let ours: Vec<&str> = logged.lines().filter(|l| l.contains(&path)).collect();
    for (number, why) in [
        (5, "not JSON"),
        (6, "created_at \"last tuesday\" is not an RFC 3339 time"),
        (7, "longer than 1000 bytes (max_line)"),
        (9, "label \"neutral\" is neither bullish nor bearish"),
    ] {
        assert!(
            ours.iter()
                .any(|l| l.contains(&format!("line {number} skipped: {why}"))),
            "line {number}: {ours:#?}"
        );
    }
    assert!(
        ours.iter().any(|l| l.contains("4 bad lines skipped")),
        "{ours:#?}"
    );
    assert!(!logged.contains("yyyyyyyyyy"), "no line is quoted whole");
}

#[tokio::test]
async fn a_posts_file_keeps_the_newest_within_its_caps() {
    let lines: Vec<String> = (0..50)
        .map(|i| line("x", &i.to_string(), "TSLA", i, ""))
        .collect();
    let file = posts_file(&lines);
    let newest = file_source(&file, "")
        .mentions(&sym("TSLA"), week_ago(), 3)
        .await
        .unwrap();
    assert_eq!(ids(&newest), ["0", "1", "2"]);
    let capped = file_source(&file, "?max_posts=5")
        .mentions(&sym("TSLA"), week_ago(), 50)
        .await
        .unwrap();
    assert_eq!(ids(&capped), ["0", "1", "2", "3", "4"]);
    let since = Utc::now() - chrono::Duration::minutes(150);
    let recent = file_source(&file, "")
        .mentions(&sym("TSLA"), since, 50)
        .await
        .unwrap();
    assert_eq!(ids(&recent), ["0", "1", "2"]);
    let err = file_source(&file, "?max_bytes=100")
        .mentions(&sym("TSLA"), week_ago(), 50)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("above the limit of 100"), "{err}");
}

#[tokio::test]
async fn a_missing_posts_file_fails_the_call_not_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.jsonl");
    let source = source(&format!("file://{}", path.display()));
    let err = source
        .mentions(&sym("TSLA"), week_ago(), 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // Written afterwards, it is read by the next call.
    std::fs::write(&path, line("x", "9", "TSLA", 1, "") + "\n").unwrap();
    let posts = source.mentions(&sym("TSLA"), week_ago(), 10).await.unwrap();
    assert_eq!(ids(&posts), ["9"]);
}

#[tokio::test]
async fn a_posts_file_read_for_one_platform_is_named_for_it() {
    let file = posts_file(&[
        line("x", "1", "TSLA", 1, ""),
        line("reddit", "2", "TSLA", 2, ""),
        line("x", "3", "TSLA", 3, ""),
    ]);
    let everything = file_source(&file, "");
    let all = everything
        .mentions(&sym("TSLA"), week_ago(), 10)
        .await
        .unwrap();
    assert_eq!(ids(&all), ["1", "2", "3"]);
    let only_x = file_source(&file, "?platform=x");
    assert_eq!(only_x.platform(), "x");
    let posts = only_x.mentions(&sym("TSLA"), week_ago(), 10).await.unwrap();
    assert_eq!(ids(&posts), ["1", "3"]);
    testkit::mention_source(only_x, "TSLA".into())
        .await
        .assert_passed();
}
