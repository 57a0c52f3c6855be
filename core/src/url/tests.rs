use std::time::Duration;

use super::*;
use crate::ErrorKind;

fn parse(text: &str) -> BackendUrl {
    BackendUrl::parse(text, "test", "a://, b://").unwrap()
}

#[test]
fn a_url_comes_apart_into_scheme_location_and_options() {
    let url = parse("  postgres://bob@db:5432/app?pool=4&sslmode=require ");
    assert_eq!(
        url.as_str(),
        "postgres://bob@db:5432/app?pool=4&sslmode=require"
    );
    assert_eq!(url.scheme(), "postgres");
    assert_eq!(url.base(), None);
    assert_eq!(url.location(), "bob@db:5432/app");
    assert_eq!(url.query(), Some("pool=4&sslmode=require"));
    assert_eq!(url.without_query(), "postgres://bob@db:5432/app");
    let mut options = url.options();
    assert_eq!(options.take("pool").unwrap().as_deref(), Some("4"));
    assert_eq!(
        options.take("pool").unwrap().as_deref(),
        Some("4"),
        "taking twice reads again"
    );
    assert_eq!(options.take("absent").unwrap(), None);
    assert_eq!(
        options.take_passed_on(|k| k == "sslmode"),
        vec![("sslmode".to_owned(), "require".to_owned())]
    );
    options.finish(&["pool"]).unwrap();
}

#[test]
fn a_plus_http_scheme_is_a_base_override() {
    let url = parse("yahoo+http://127.0.0.1:8080/?max_body=10");
    assert_eq!(url.scheme(), "yahoo");
    assert_eq!(url.base(), Some("http://127.0.0.1:8080"));
    let url = parse("feed+https://news.example/rss");
    assert_eq!(
        (url.scheme(), url.base()),
        ("feed", Some("https://news.example/rss"))
    );
    // Another `+` is part of the scheme, not a base.
    let url = parse("tiered+redis://h:6379/0");
    assert_eq!((url.scheme(), url.base()), ("tiered+redis", None));
    for bad in ["yahoo+http://", "yahoo+https://?x=1", "yahoo+http://[zz"] {
        let err = BackendUrl::parse(bad, "test", "").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        assert!(err.message().contains("yahoo+http"), "{err}");
    }
    let err = BackendUrl::parse("yahoo+http://bob:hunter2@", "test", "").unwrap_err();
    assert!(!err.message().contains("hunter2"), "{err}");
}

#[test]
fn options_are_percent_decoded() {
    let mut options = parse("redis://h/0?prefix=a%20b&tz=America%2FNew_York&plus=a+b").options();
    assert_eq!(options.take("prefix").unwrap().as_deref(), Some("a b"));
    assert_eq!(
        options.take("tz").unwrap().as_deref(),
        Some("America/New_York")
    );
    assert_eq!(options.take("plus").unwrap().as_deref(), Some("a b"));
    options.finish(&["prefix", "tz", "plus"]).unwrap();
    // Encoded back the same way for a driver.
    let url = parse("postgres://h/db?application_name=a%20b%26c&migrations=check");
    let mut options = url.options();
    let passed = options.take_passed_on(|k| k == "application_name");
    assert_eq!(
        url.with_query(&passed),
        "postgres://h/db?application_name=a+b%26c"
    );
    assert_eq!(url.with_query(&[]), "postgres://h/db");
}

#[test]
fn repeated_options_are_refused_and_passed_on_ones_kept() {
    let mut options = parse("x://?pool=1&pool=2").options();
    let err = options.take("pool").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("twice"), "{err}");
    let mut options = parse("x://?options=-c%20a&options=-c%20b").options();
    assert_eq!(options.take_passed_on(|k| k == "options").len(), 2);
    options.finish(&[]).unwrap();
}

#[test]
fn unknown_options_are_named_with_the_known_ones() {
    let mut options = parse("redis://h/0?prefx=a&timeout=1s").options();
    options.take_duration("timeout").unwrap();
    let err = options.finish(&["timeout", "prefix"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.message(),
        "unknown option \"prefx\" in the redis:// URL; known: timeout, prefix"
    );
    let err = parse("sample://?a=1&b=2&c=3&d=4&a=5")
        .options()
        .finish(&[])
        .unwrap_err();
    assert!(
        err.message().contains("\"a\", \"b\", \"c\", and 1 more"),
        "{err}"
    );
    assert!(err.message().contains("it takes none"), "{err}");
}

#[test]
fn typed_options_say_what_they_expect() {
    let mut options = parse("x://?pool=0&n=7").options();
    let err = options
        .take_parsed::<u32>("pool", "a whole number from 1 to 100", |n| {
            (1..=100).contains(n)
        })
        .unwrap_err();
    assert!(
        err.message()
            .contains("pool in the x:// URL must be a whole number"),
        "{err}"
    );
    assert_eq!(
        options.take_parsed::<u32>("n", "", |_| true).unwrap(),
        Some(7)
    );
    let mut options = parse("x://?t=0s").options();
    let err = options.take_duration("t").unwrap_err();
    assert!(err.message().contains("above zero"), "{err}");
}

#[test]
fn durations_read_as_options_spell_them() {
    let ok = [
        ("500ms", Duration::from_millis(500)),
        ("2s", Duration::from_secs(2)),
        ("1.5s", Duration::from_millis(1500)),
        (" 2.5 ", Duration::from_millis(2500)),
        ("3", Duration::from_secs(3)),
        ("2 m", Duration::from_secs(120)),
        (".5s", Duration::from_millis(500)),
        ("0", Duration::ZERO),
    ];
    for (text, want) in ok {
        assert_eq!(parse_duration("t", text).unwrap(), want, "{text}");
    }
    for bad in [
        "", "s", ".", "-1s", "+1", "1e3", "inf", "NaN", "1.2.3s", "2h", "5 sec", "1ms2",
    ] {
        let err = parse_duration("timeout", bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        assert!(
            err.message().starts_with("timeout must be a duration"),
            "{err}"
        );
    }
    let huge = "9".repeat(1 << 20);
    let err = parse_duration("timeout", &huge).unwrap_err();
    assert!(err.message().len() < 200, "{}", err.message().len());
}

#[test]
fn huge_urls_are_echoed_short() {
    let mb = "x".repeat(1 << 20);
    let messages = [
        BackendUrl::parse(&format!("{mb}+http://"), "test", "").unwrap_err(),
        parse(&format!("x://?{mb}=1"))
            .options()
            .finish(&["a"])
            .unwrap_err(),
        parse(&format!("x://?n={mb}"))
            .options()
            .take_parsed::<u8>("n", "small", |_| true)
            .unwrap_err(),
        parse(&format!("x://?t={mb}"))
            .options()
            .take_duration("t")
            .unwrap_err(),
        parse(&format!("x://{mb}"))
            .expect_nothing_after("test")
            .unwrap_err(),
        parse(&format!("{mb}://")).unknown_scheme("test", "a://"),
    ];
    for err in messages {
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(
            err.message().len() < 300,
            "{} characters",
            err.message().len()
        );
    }
    let url = parse(&format!("x://{mb}?{mb}={mb}"));
    assert_eq!(url.location().len(), 1 << 20);
}

#[test]
fn text_without_a_scheme_is_refused_without_being_echoed() {
    for bad in ["bob:hunter2@h/db", "://x", "", "   "] {
        let err = BackendUrl::parse(bad, "store", "memory://").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("no scheme"), "{err}");
        assert!(!err.message().contains("hunter2"), "{err}");
    }
}

#[test]
fn nothing_after_the_scheme_means_nothing() {
    parse("memory://").expect_nothing_after("store").unwrap();
    for bad in [
        "memory://x",
        "memory://?a=1",
        "memory://:hunter2@redis:6379/0",
    ] {
        let err = parse(bad).expect_nothing_after("store").unwrap_err();
        assert!(!err.message().contains("hunter2"), "{err}");
    }
    let err = parse("memory://:hunter2@redis:6379/0")
        .expect_nothing_after("cache")
        .unwrap_err();
    assert!(err.message().contains("redis:6379"), "{err}");
}

#[test]
fn a_compiled_out_backend_names_its_feature() {
    let err = parse("redis://h/0").compiled_out("cache", "redis");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("`redis` feature"), "{err}");
}

#[test]
fn display_and_debug_hide_passwords() {
    let url = parse("postgres://bob:hunter2@db/app?sslmode=require&password=hunter3");
    for shown in [url.to_string(), format!("{url:?}"), format!("{url:#?}")] {
        assert!(!shown.contains("hunter"), "{shown}");
        assert!(shown.contains("db/app"), "{shown}");
    }
    assert!(
        url.as_str().contains("hunter2"),
        "the original stays reachable"
    );
}

#[test]
fn redact_hides_passwords_and_secret_query_values() {
    let r = redact_url("postgres://bob:hunter2@db.local:5432/app?sslmode=require&password=x");
    assert!(!r.contains("hunter2"), "{r}");
    assert!(r.contains("sslmode=require"));
    assert!(r.contains("password=***"));
    assert_eq!(redact_url("not a url at all"), "***");
    assert_eq!(redact_url("bad://[zz"), "bad://***");
    let shown = RedactedUrl("redis://:hunter2@h:6379/0");
    assert_eq!(shown.to_string(), "redis://:***@h:6379/0");
    assert_eq!(format!("{shown:?}"), "\"redis://:***@h:6379/0\"");
}

#[test]
fn options_debug_shows_keys_not_values() {
    let options = parse("postgres://h/db?password=hunter2&pool=2").options();
    let shown = format!("{options:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("password") && shown.contains("pool"),
        "{shown}"
    );
}

#[test]
fn parse_scheme_takes_only_the_schemes_named() {
    let url = BackendUrl::parse_scheme("redis://h/0", "cache", "redis://H", &["redis"]).unwrap();
    assert_eq!(url.scheme(), "redis");
    let err =
        BackendUrl::parse_scheme("memcached://h", "cache", "redis://H", &["redis"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("unknown cache scheme"), "{err}");
    assert!(err.message().contains("redis://H"), "{err}");
}

#[test]
fn secrets_in_free_text_are_redacted() {
    use super::redact_secrets;
    let plain = "the feed broke: no answer";
    assert!(matches!(
        redact_secrets(plain),
        std::borrow::Cow::Borrowed(_)
    ));
    let shown =
        redact_secrets("db at postgres://u:sekrit@h/db broke, and 'redis://:hunter2@r:6379/0'.");
    assert!(
        !shown.contains("sekrit") && !shown.contains("hunter2"),
        "{shown}"
    );
    assert!(shown.contains("postgres://u:***@h/db"), "{shown}");
    assert!(
        shown.starts_with("db at ") && shown.ends_with("'."),
        "{shown}"
    );
    let odd = redact_secrets("(x://u:pw@[bad) tail");
    assert!(!odd.contains("pw"), "{odd}");
    assert!(odd.ends_with(" tail"), "{odd}");
    assert_eq!(
        redact_secrets("see https://example.com/docs"),
        "see https://example.com/docs"
    );
}

#[test]
fn text_before_a_scheme_separator_that_is_no_scheme_shows_nothing() {
    use super::{redact_secrets, redact_url};
    // Parses as the scheme `user` with the password in its path.
    assert_eq!(redact_url("user:secret@db/x?next=http://a"), "***");
    assert_eq!(redact_url("u:secret@h/x://y"), "***");
    let err =
        BackendUrl::parse("user:secret@db/x?next=http://a", "store", "memory://").unwrap_err();
    assert!(!err.message().contains("secret"), "{err}");
    // A character of several bytes right before "://" is no panic.
    let shown = redact_secrets("é://u:pw@h x");
    assert!(!shown.contains("pw"), "{shown}");
    assert!(shown.starts_with('é') && shown.ends_with(" x"), "{shown}");
}
