use super::parse::{entries, MAX_ENTRIES};
use super::*;
use crate::social::{SourceBackend, SourceUrl};
use crate::ErrorKind;

fn options(text: &str) -> Result<FeedOptions> {
    match SourceUrl::parse(text)?.backend() {
        SourceBackend::Feed(options) => Ok(options.clone()),
        other => panic!("{text} parsed as {other:?}"),
    }
}

#[test]
fn the_feed_url_keeps_its_query_and_takes_the_symbol() {
    let o =
        options("feed+https://feeds.example.com/rss/2.0/headline?s={symbol}&region=US&lang=en-US")
            .unwrap();
    assert_eq!(
        o.template,
        "https://feeds.example.com/rss/2.0/headline?s={symbol}&region=US&lang=en-US"
    );
    assert_eq!((o.platform.as_str(), o.max_body_bytes), ("news", 4 << 20));
    assert_eq!(
        feed_url(&o.template, "^GSPC").unwrap().as_str(),
        "https://feeds.example.com/rss/2.0/headline?s=%5EGSPC&region=US&lang=en-US"
    );
    let o = options(
        "feed+http://127.0.0.1:8080/atom/{symbol}?feed_platform=yahoo-rss&feed_max_body=999&x=%2F",
    )
    .unwrap();
    assert_eq!(o.template, "http://127.0.0.1:8080/atom/{symbol}?x=%2F");
    assert_eq!((o.platform.as_str(), o.max_body_bytes), ("yahoo-rss", 999));
    assert_eq!(
        feed_url(&o.template, "BRK-B").unwrap().as_str(),
        "http://127.0.0.1:8080/atom/BRK-B?x=%2F"
    );
    // Twice, in path and query.
    let o = options("feed+https://h/{symbol}/rss?q={symbol}").unwrap();
    assert_eq!(
        feed_url(&o.template, "EURUSD=X").unwrap().as_str(),
        "https://h/EURUSD%3DX/rss?q=EURUSD%3DX"
    );
}

#[test]
fn bad_feed_urls_are_invalid_input() {
    for (text, says) in [
        ("feed://h/rss?s={symbol}", "feed+https://"),
        ("feed+https://h/rss", "no {symbol}"),
        (
            "feed+https://h/rss?s={symbol}&feed_colour=red",
            "unknown option",
        ),
        (
            "feed+https://h/rss?s={symbol}&feed_platform=a%20b",
            "feed_platform",
        ),
        (
            "feed+https://h/rss?s={symbol}&feed_platform=",
            "feed_platform",
        ),
        (
            "feed+https://h/rss?s={symbol}&feed_max_body=0",
            "feed_max_body",
        ),
    ] {
        let err = options(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
        assert!(err.message().contains(says), "{text}: {err}");
    }
}

#[test]
fn debug_and_errors_hide_a_password() {
    let o = options("feed+https://u:hunter7@h/rss?s={symbol}&token=t0k3n").unwrap();
    let shown = format!("{o:?}");
    assert!(
        !shown.contains("hunter7") && !shown.contains("t0k3n"),
        "{shown}"
    );
    let err = options("feed+https://u:hunter7@h/rss?token=t0k3n").unwrap_err();
    assert!(!err.message().contains("hunter7"), "{err}");
    assert!(!err.message().contains("t0k3n"), "{err}");
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Yahoo! Finance: TSLA News</title>
  <item>
    <title>Tesla &amp; the EV price war</title>
    <description>&lt;p&gt;Tesla&amp;#8217;s margins &lt;b&gt;shrink&lt;/b&gt;&lt;/p&gt;</description>
    <link>https://finance.example.com/news/tesla-price-war.html</link>
    <guid isPermaLink="false">a1b2c3d4-0001</guid>
    <pubDate>Tue, 02 Jan 2024 15:04:05 +0000</pubDate>
  </item>
  <item>
    <title>No guid, relative link</title>
    <description><![CDATA[<p>Deliveries <i>beat</i> &amp; more</p>]]></description>
    <link>/news/deliveries.html</link>
    <pubDate>Tue, 02 Jan 2024 14:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Undated</title>
    <link>https://finance.example.com/news/undated.html</link>
    <guid>undated-1</guid>
  </item>
  <item>
    <title>Script link</title>
    <link>javascript:alert(1)</link>
    <pubDate>Tue, 02 Jan 2024 13:00:00 GMT</pubDate>
  </item>
</channel></rss>"#;

#[test]
fn rss_items_become_posts_as_text() {
    let got = entries(
        RSS.as_bytes(),
        "https://finance.example.com/rss/headline",
        "news",
    )
    .unwrap();
    assert_eq!(
        got.skipped.count(),
        2,
        "the undated item and the script link"
    );
    let [first, second] = got.posts.as_slice() else {
        panic!("{:?}", got.posts)
    };
    assert_eq!(first.id, "a1b2c3d4-0001");
    assert_eq!(first.platform, "news");
    assert_eq!(
        first.text,
        "Tesla & the EV price war Tesla\u{2019}s margins shrink"
    );
    assert_eq!(
        first.url,
        "https://finance.example.com/news/tesla-price-war.html"
    );
    assert_eq!(first.created_at.to_rfc3339(), "2024-01-02T15:04:05+00:00");
    assert_eq!(
        second.id,
        "https://finance.example.com/news/deliveries.html"
    );
    assert_eq!(second.url, second.id);
    assert_eq!(second.text, "No guid, relative link Deliveries beat & more");
}

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>TSLA</title><id>urn:feed:tsla</id><updated>2024-01-02T16:00:00Z</updated>
  <entry>
    <title type="html">Cybertruck &lt;em&gt;ramp&lt;/em&gt;</title>
    <id>urn:uuid:0b6e4d1a-2f39-4c39-9c5e-000000000001</id>
    <link rel="alternate" href="https://news.example.org/cybertruck"/>
    <link rel="enclosure" href="https://news.example.org/cybertruck.mp3"/>
    <updated>2024-01-02T12:00:00Z</updated>
    <published>2024-01-02T11:00:00+01:00</published>
    <summary>Output rises.</summary>
    <author><name>Jane Reporter</name></author>
  </entry>
  <entry>
    <title>Only updated</title>
    <id>urn:uuid:0b6e4d1a-2f39-4c39-9c5e-000000000002</id>
    <link href="https://news.example.org/only-updated"/>
    <updated>2024-01-02T09:30:00Z</updated>
  </entry>
  <entry>
    <title>Neither date</title>
    <id>urn:uuid:0b6e4d1a-2f39-4c39-9c5e-000000000003</id>
    <link href="https://news.example.org/neither"/>
  </entry>
</feed>"#;

#[test]
fn atom_entries_take_published_else_updated() {
    let got = entries(
        ATOM.as_bytes(),
        "https://news.example.org/atom/TSLA",
        "news",
    )
    .unwrap();
    assert_eq!(got.skipped.count(), 1);
    assert_eq!(got.posts.len(), 2);
    let first = &got.posts[0];
    assert_eq!(first.text, "Cybertruck ramp Output rises.");
    assert_eq!(first.url, "https://news.example.org/cybertruck");
    assert_eq!(first.created_at.to_rfc3339(), "2024-01-02T10:00:00+00:00");
    assert_eq!(first.author.as_deref(), Some("Jane Reporter"));
    assert_eq!(first.id, "urn:uuid:0b6e4d1a-2f39-4c39-9c5e-000000000001");
    assert_eq!(
        got.posts[1].created_at.to_rfc3339(),
        "2024-01-02T09:30:00+00:00"
    );
}

#[test]
fn long_ids_become_stable_digests() {
    let long_link = format!("https://news.example.org/{}", "a".repeat(300));
    let rss = format!(
        r#"<rss version="2.0"><channel><item><title>t</title><link>{long_link}</link>
        <pubDate>Tue, 02 Jan 2024 15:04:05 GMT</pubDate></item></channel></rss>"#
    );
    let one = entries(rss.as_bytes(), "https://h/", "news").unwrap();
    let two = entries(rss.as_bytes(), "https://h/", "news").unwrap();
    assert_eq!(one.posts[0].id.len(), 32);
    assert_eq!(one.posts[0].id, two.posts[0].id);
    assert_eq!(one.posts[0].url, long_link);
}

#[test]
fn bodies_that_are_no_feed_are_upstream_errors() {
    for (body, says) in [
        (
            &b"<html><body>Service unavailable</body></html>"[..],
            "no RSS or Atom feed",
        ),
        (
            b"<rss version=\"2.0\"><channel><item><title>x</titl></item>",
            "malformed XML",
        ),
        (b"", "no RSS or Atom feed"),
        (b"just text", "no RSS or Atom feed"),
    ] {
        let err = entries(body, "https://h/", "news").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Upstream);
        assert!(err.message().contains(says), "{err}");
        assert!(err.message().starts_with("News feed answered"), "{err}");
    }
    let huge = format!("<html>{}</html>", "x".repeat(1 << 20));
    let err = entries(huge.as_bytes(), "https://h/", "news").unwrap_err();
    assert!(err.message().len() < 250, "{}", err.message().len());
}

#[test]
fn at_most_max_entries_are_read() {
    let item = "<item><title>t</title><link>https://h/x</link><pubDate>Tue, 02 Jan 2024 15:04:05 GMT</pubDate></item>";
    let rss = format!(
        "<rss version=\"2.0\"><channel>{}</channel></rss>",
        item.repeat(MAX_ENTRIES + 5)
    );
    let got = entries(rss.as_bytes(), "https://h/", "news").unwrap();
    assert_eq!(got.posts.len(), MAX_ENTRIES);
}
