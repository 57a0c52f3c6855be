use super::*;
use crate::social::{SourceBackend, SourceUrl};

fn options(text: &str) -> Result<FileOptions> {
    match SourceUrl::parse(text)?.backend() {
        SourceBackend::File(options) => Ok(options.clone()),
        other => panic!("{text} parsed as {other:?}"),
    }
}

#[test]
fn urls_give_the_path_and_the_caps() {
    let relative = options("file://posts.jsonl").unwrap();
    assert_eq!(
        relative,
        FileOptions {
            path: PathBuf::from("posts.jsonl"),
            platform: None,
            max_bytes: 64 << 20,
            max_line: 256 << 10,
            max_posts: 10_000,
        }
    );
    let absolute = options(
        "file:///data/social/posts.jsonl?max_bytes=1000&max_line=100&max_posts=5&platform=reddit",
    )
    .unwrap();
    assert_eq!(absolute.platform.as_deref(), Some("reddit"));
    assert_eq!(absolute.path, PathBuf::from("/data/social/posts.jsonl"));
    assert_eq!(
        (absolute.max_bytes, absolute.max_line, absolute.max_posts),
        (1000, 100, 5)
    );
}

#[test]
fn bad_urls_are_invalid_input() {
    for (text, says) in [
        ("file://", "needs a path"),
        ("file://p.jsonl?max_line=0", "max_line"),
        ("file://p.jsonl?max_bytes=lots", "max_bytes"),
        ("file://p.jsonl?symbol=TSLA", "unknown option"),
        ("file://p.jsonl?platform=a%20b", "platform"),
    ] {
        let err = options(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
        assert!(err.message().contains(says), "{text}: {err}");
    }
}

#[test]
fn lines_are_read_whole_or_skipped_past_the_cap() {
    let text = format!("short\r\n{}\nafter\nlast", "x".repeat(50));
    let mut reader = BufReader::with_capacity(8, text.as_bytes());
    let mut buf = Vec::new();
    let mut seen = Vec::new();
    loop {
        match next_line(&mut reader, &mut buf, 10).unwrap() {
            Line::End => break,
            Line::TooLong => seen.push("<too long>".to_owned()),
            Line::Whole => seen.push(String::from_utf8(buf.clone()).unwrap()),
        }
    }
    assert_eq!(seen, ["short", "<too long>", "after", "last"]);
}

#[tokio::test]
async fn building_does_no_io_and_a_missing_file_is_not_found_at_the_call() {
    let source = connect(
        &options("file:///no/such/folder/posts.jsonl").unwrap(),
        &SocialCredentials::default(),
        ResiliencePolicy::default(),
    )
    .unwrap();
    assert_eq!(source.platform(), "file");
    let symbol = Symbol::parse("TSLA").unwrap();
    let since = DateTime::<Utc>::MIN_UTC;
    let err = source.mentions(&symbol, since, 10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.message().contains("/no/such/folder/posts.jsonl"),
        "{err}"
    );
    let dir = std::env::temp_dir();
    let folder = connect(
        &options(&format!("file://{}", dir.display())).unwrap(),
        &SocialCredentials::default(),
        ResiliencePolicy::default(),
    )
    .unwrap();
    let err = folder.mentions(&symbol, since, 10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
}
