use std::collections::HashMap;
use std::env::VarError;

use super::*;
use crate::ErrorKind;

/// [`Config::resolve`] with `vars` as the whole environment.
fn resolve_with(overrides: ConfigOverrides, vars: &[(&str, &str)]) -> Result<Config> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::resolve_in(overrides, &|var| {
        vars.get(var).cloned().ok_or(VarError::NotPresent)
    })
}

fn none() -> Result<Config> {
    resolve_with(ConfigOverrides::default(), &[])
}

#[test]
fn defaults_parse_and_are_embedded() {
    let c = Config::default();
    assert_eq!(c.store.as_str(), DEFAULT_STORE);
    assert_eq!(c.cache.as_str(), DEFAULT_CACHE);
    assert_eq!(c.market_data.as_str(), DEFAULT_MARKET_DATA);
    assert_eq!(c.social.len(), 1);
    assert_eq!(c.analyzer.as_str(), DEFAULT_ANALYZER);
    #[cfg(feature = "sqlite")]
    assert!(matches!(
        c.store.backend(),
        crate::store::StoreBackend::Sqlite(_)
    ));
    assert_eq!(none().unwrap(), c);
}

#[test]
fn overrides_win_over_the_environment_and_bad_schemes_are_invalid_input() {
    let c = resolve_with(
        ConfigOverrides {
            store: Some("memory://".into()),
            ..Default::default()
        },
        &[(env::STORE, "sqlite://env.db"), (env::CACHE, "none://")],
    )
    .unwrap();
    assert_eq!(c.store.as_str(), "memory://");
    assert_eq!(c.cache.as_str(), "none://");
    for bad in [
        ConfigOverrides {
            store: Some("mysql://x".into()),
            ..Default::default()
        },
        ConfigOverrides {
            cache: Some("memcached://x".into()),
            ..Default::default()
        },
        ConfigOverrides {
            market_data: Some("nope".into()),
            ..Default::default()
        },
        ConfigOverrides {
            analyzer: Some("magic".into()),
            ..Default::default()
        },
        ConfigOverrides {
            social: Some(" , ".into()),
            ..Default::default()
        },
        ConfigOverrides {
            timeout: Some(Duration::ZERO),
            ..Default::default()
        },
    ] {
        assert_eq!(
            resolve_with(bad, &[]).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
}

#[test]
fn a_bad_variable_is_named_in_the_error() {
    let err =
        resolve_with(ConfigOverrides::default(), &[(env::CACHE, "memcached://x")]).unwrap_err();
    assert!(
        err.message()
            .starts_with("TICKERSENSE_CACHE: unknown cache scheme"),
        "{err}"
    );
    // A blank variable is as good as unset.
    resolve_with(ConfigOverrides::default(), &[(env::STORE, "  ")]).unwrap();
}

#[test]
fn timeout_and_retries_come_from_overrides_or_the_environment() {
    let c = resolve_with(
        ConfigOverrides::default(),
        &[(env::TIMEOUT, "2.5"), (env::RETRIES, "7")],
    )
    .unwrap();
    assert_eq!(c.resilience.timeout, Duration::from_millis(2500));
    assert_eq!(c.resilience.max_retries, 7);
    for (text, want) in [("2s", 2000), ("500ms", 500), (" 1.5s ", 1500)] {
        let c = resolve_with(ConfigOverrides::default(), &[(env::TIMEOUT, text)]).unwrap();
        assert_eq!(c.resilience.timeout, Duration::from_millis(want), "{text}");
    }
    let c = resolve_with(
        ConfigOverrides {
            timeout: Some(Duration::from_millis(300)),
            retries: Some(0),
            ..Default::default()
        },
        &[(env::TIMEOUT, "bad"), (env::RETRIES, "bad")],
    )
    .unwrap();
    assert_eq!(c.resilience.timeout, Duration::from_millis(300));
    assert_eq!(c.resilience.max_retries, 0);
    assert_eq!(none().unwrap().resilience, ResiliencePolicy::default());
    for (var, bad) in [
        (env::TIMEOUT, "soon"),
        (env::TIMEOUT, "0"),
        (env::TIMEOUT, "-1"),
        (env::RETRIES, "-1"),
        (env::RETRIES, "2.5"),
        (env::RETRIES, "99999999999"),
    ] {
        let err = resolve_with(ConfigOverrides::default(), &[(var, bad)]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{var}={bad}");
        assert!(err.message().starts_with(var), "{err}");
        assert!(!err.message().contains(&format!("{var}: {var}")), "{err}");
    }
    let huge = "9".repeat(1 << 20);
    for var in [env::TIMEOUT, env::RETRIES] {
        let err = resolve_with(ConfigOverrides::default(), &[(var, &huge)]).unwrap_err();
        assert!(err.message().len() < 300, "{var}: {}", err.message().len());
    }
}

#[test]
fn messages_never_echo_passwords() {
    for store in ["pg://bob:hunter2@h/db", "bob:hunter2@h/db"] {
        let err = resolve_with(
            ConfigOverrides {
                store: Some(store.into()),
                ..Default::default()
            },
            &[],
        )
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}

#[test]
fn debug_never_shows_passwords() {
    let mut overrides = ConfigOverrides {
        cache: Some("memory://".into()),
        market_data: Some("yahoo+http://eve:hunter4@127.0.0.1:9".into()),
        social: Some("sample://, feed+https://u:hunter5@h/x".into()),
        ..Default::default()
    };
    #[cfg(feature = "postgres")]
    {
        overrides.store = Some("postgres://bob:hunter2@db/app".into());
    }
    #[cfg(feature = "redis")]
    {
        overrides.cache = Some("redis://:hunter3@127.0.0.1:6379/0".into());
    }
    let shown_overrides = format!("{overrides:?}");
    for secret in ["hunter2", "hunter3", "hunter4", "hunter5"] {
        assert!(!shown_overrides.contains(secret), "{shown_overrides}");
    }
    overrides.social = None;
    #[cfg(feature = "yahoo")]
    {
        let config = resolve_with(overrides, &[]).unwrap();
        let built = crate::Tickersense::builder().config(config.clone());
        for shown in [
            format!("{config:?}"),
            format!("{config:#?}"),
            config.store.to_string(),
            config.cache.to_string(),
            config.market_data.to_string(),
            format!("{built:?}"),
        ] {
            for secret in ["hunter2", "hunter3", "hunter4"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        assert!(config.market_data.as_str().contains("hunter4"));
        #[cfg(feature = "postgres")]
        assert!(format!("{config:?}").contains("db/app"));
    }
    #[cfg(feature = "redis")]
    {
        let tiered = CacheUrl::parse("tiered+redis://:hunter3@h:6379/0").unwrap();
        for shown in [format!("{tiered:?}"), tiered.to_string()] {
            assert!(!shown.contains("hunter"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }
}

#[test]
fn analyzer_names_are_case_insensitive() {
    for name in ["VADER", "Vader", " vader ", "TextBlob", "TEXTBLOB"] {
        let config = resolve_with(
            ConfigOverrides {
                analyzer: Some(name.into()),
                ..Default::default()
            },
            &[],
        );
        assert!(config.is_ok(), "{name}: {:?}", config.err());
        assert!(crate::sentiment::analyzer_by_name(name).is_ok(), "{name}");
    }
    let Err(err) = crate::sentiment::analyzer_by_name(&"V".repeat(1 << 20)) else {
        panic!("a megabyte of V is no analyzer");
    };
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().len() < 300, "{}", err.message().len());
}

#[test]
fn huge_urls_are_echoed_short() {
    let mb = "x".repeat(1 << 20);
    let knobs = |url: String| {
        [
            ConfigOverrides {
                store: Some(url.clone()),
                ..Default::default()
            },
            ConfigOverrides {
                cache: Some(url.clone()),
                ..Default::default()
            },
            ConfigOverrides {
                market_data: Some(url.clone()),
                ..Default::default()
            },
            ConfigOverrides {
                social: Some(url),
                ..Default::default()
            },
        ]
    };
    // Each URL is refused by the knob it is written for (the others
    // refuse its scheme), and no message repeats the megabyte.
    let own: [(usize, String); 12] = [
        (0, format!("{mb}://x")),
        (0, format!("sqlite://x.db?migrations={mb}")),
        (0, format!("postgres://u@h/db?{mb}=1")),
        (0, format!("postgres://u@h/db?pool={mb}")),
        (1, format!("redis://h:6379/{mb}")),
        (1, format!("redis://h:6379/0?prefix={mb}")),
        (1, format!("redis://h:6379/0?timeout={mb}")),
        (2, format!("yahoo+http://h:9/?max_body={mb}")),
        (2, format!("yahoo+http://[{mb}")),
        (2, format!("yahoo://?{mb}=1")),
        (2, format!("csv://d?tz={mb}")),
        (3, format!("sample://{mb}")),
    ];
    for (knob, url) in own {
        for (i, overrides) in knobs(url.clone()).into_iter().enumerate() {
            let err = match resolve_with(overrides, &[]) {
                Err(err) => err,
                Ok(_) => panic!("knob {i} took {}...", &url[..20]),
            };
            // The postgres knob lists its many driver parameters.
            let limit = if knob == 0 && i == 0 { 600 } else { 300 };
            assert!(
                err.message().len() < limit,
                "{}: {} characters (knob {i}, written for {knob})",
                &url[..20],
                err.message().len()
            );
        }
    }
}

#[test]
fn a_mistyped_scheme_never_shows_the_password_after_it() {
    let err = resolve_with(
        ConfigOverrides {
            cache: Some("memory://:hunter2@redis:6379/0".into()),
            ..Default::default()
        },
        &[],
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(!err.message().contains("hunter2"), "{err}");
    assert!(err.message().contains("redis:6379"), "{err}");
}

#[test]
fn social_display_joins_the_sources_redacted() {
    let c = resolve_with(
        ConfigOverrides {
            social: Some("sample:// , sample://".into()),
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    assert_eq!(c.social_display(), "sample://,sample://");
}

#[test]
fn the_source_deadline_comes_from_the_environment_within_its_range() {
    assert_eq!(none().unwrap().source_deadline, Duration::from_secs(5));
    for (text, want) in [
        ("2.5", Duration::from_millis(2500)),
        ("750ms", Duration::from_millis(750)),
    ] {
        let c = resolve_with(ConfigOverrides::default(), &[(env::SOURCE_DEADLINE, text)]).unwrap();
        assert_eq!(c.source_deadline, want, "{text}");
    }
    for text in ["0", "601s", "soon"] {
        let err =
            resolve_with(ConfigOverrides::default(), &[(env::SOURCE_DEADLINE, text)]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
        assert!(err.message().starts_with(env::SOURCE_DEADLINE), "{err}");
    }
}

#[test]
fn store_texts_is_off_unless_the_environment_says_so() {
    assert!(!none().unwrap().store_texts);
    for (text, want) in [("true", true), (" YES ", true), ("1", true), ("off", false)] {
        let c = resolve_with(ConfigOverrides::default(), &[(env::STORE_TEXTS, text)]).unwrap();
        assert_eq!(c.store_texts, want, "{text}");
    }
    let err = resolve_with(ConfigOverrides::default(), &[(env::STORE_TEXTS, "maybe")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().starts_with(env::STORE_TEXTS), "{err}");
}
