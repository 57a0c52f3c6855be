//! The fixtures themselves: valid JSON where Yahoo sends valid JSON, chart arrays in step with
//! their timestamps, and bars that could have traded.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tickersense_replay::default_fixtures;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn all_fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    json_files(&default_fixtures(), &mut files);
    files.sort();
    files
}

fn is_quirk(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "QUIRK")
}

fn numbers(v: &Value) -> Vec<Option<f64>> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(Value::as_f64)
        .collect()
}

#[test]
fn every_fixture_but_quirk_is_json() {
    let files = all_fixtures();
    assert!(files.len() >= 13, "{} fixtures", files.len());
    for path in files {
        let bytes = std::fs::read(&path).expect("readable");
        let parsed = serde_json::from_slice::<Value>(&bytes);
        if is_quirk(&path) {
            assert!(
                parsed.is_err(),
                "{} should hold bare NaN/Infinity",
                path.display()
            );
            let text = String::from_utf8(bytes).expect("UTF-8");
            assert!(text.contains(": NaN") && text.contains(": Infinity"));
        } else {
            parsed.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn chart_arrays_match_timestamps_and_bars_are_possible() {
    let charts: Vec<_> = all_fixtures()
        .into_iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "chart") && !is_quirk(p))
        .collect();
    assert!(charts.len() >= 8);
    for path in charts {
        let name = path.display().to_string();
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let result = &v["chart"]["result"][0];
        assert!(result["meta"].is_object(), "{name}: meta");
        let Some(stamps) = result.get("timestamp").and_then(Value::as_array) else {
            assert_eq!(
                result["indicators"]["quote"],
                serde_json::json!([{}]),
                "{name}: empty shape"
            );
            continue;
        };
        let stamps: Vec<i64> = stamps.iter().map(|t| t.as_i64().unwrap()).collect();
        assert!(
            stamps.windows(2).all(|w| w[0] < w[1]),
            "{name}: timestamps rise"
        );

        for group in ["quote", "adjclose"] {
            for series in result["indicators"][group].as_array().into_iter().flatten() {
                for (field, array) in series.as_object().unwrap() {
                    assert_eq!(
                        array.as_array().unwrap().len(),
                        stamps.len(),
                        "{name}: {group}.{field}"
                    );
                }
            }
        }
        let q = &result["indicators"]["quote"][0];
        let (o, h, l, c) = (
            numbers(&q["open"]),
            numbers(&q["high"]),
            numbers(&q["low"]),
            numbers(&q["close"]),
        );
        for i in 0..stamps.len() {
            if let (Some(o), Some(h), Some(l), Some(c)) = (o[i], h[i], l[i], c[i]) {
                assert!(h >= o.max(c) && l <= o.min(c), "{name}: bar {i}");
            }
        }
        for kind in ["dividends", "splits"] {
            for (key, event) in result["events"][kind].as_object().into_iter().flatten() {
                let at: i64 = key.parse().unwrap();
                assert_eq!(
                    event["date"].as_i64(),
                    Some(at),
                    "{name}: {kind} key is its date"
                );
                assert!(stamps.contains(&at), "{name}: {kind} on a bar");
            }
        }
    }
}
