//! Comparing two JSON documents as shadow mode does: numbers within a
//! tolerance, named fields skipped at any depth, arrays element by element,
//! and the first difference reported with its JSON path (`$.data[3].close`).
//!
//! The legacy document is the reference: a field only the native one has
//! is an addition (the native answers carry fields after the seed's, such
//! as a quote's `currency` and `stale`), not a difference. A field only the
//! legacy one has is a difference: a client of it would miss it.

use std::fmt::Write;

use serde_json::Value;

use crate::error::echo;

use super::table::ShadowSettings;

/// Where two documents first differ, and what each holds there (each
/// shown as JSON, cut to [`crate::error::ECHO_CHARS`] characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Difference {
    /// The JSON path of the first difference, `$` for the whole document.
    pub(crate) path: String,
    /// The legacy document's value there, or `<absent>`.
    pub(crate) legacy: String,
    /// The native document's value there, or `<absent>`.
    pub(crate) native: String,
}

/// The first difference between `legacy` and `native`, or `None` when
/// they match under `settings`. Objects are walked in key order, so the
/// difference reported is the same whatever order each side wrote its
/// fields in. Costs one walk of the smaller document; recursion is as deep
/// as the documents, which `serde_json` bounds at 128 levels when parsing.
pub(crate) fn first_difference(
    legacy: &Value,
    native: &Value,
    settings: &ShadowSettings,
) -> Option<Difference> {
    let mut path = String::from("$");
    walk(legacy, native, settings, &mut path)
}

fn walk(
    legacy: &Value,
    native: &Value,
    settings: &ShadowSettings,
    path: &mut String,
) -> Option<Difference> {
    match (legacy, native) {
        (Value::Number(a), Value::Number(b)) => {
            if numbers_match(a, b, settings) {
                None
            } else {
                Some(differ(path, Some(legacy), Some(native)))
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            // Sorted, so the difference named does not hang on field order.
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                if settings.ignore.contains(key.as_str()) {
                    continue;
                }
                let mark = path.len();
                push_key(path, key);
                let found = match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, settings, path),
                    (None, _) => None,
                    (x, y) => Some(differ(path, x, y)),
                };
                if found.is_some() {
                    return found;
                }
                path.truncate(mark);
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            for (index, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                let mark = path.len();
                let _ = write!(path, "[{index}]");
                if let Some(found) = walk(x, y, settings, path) {
                    return Some(found);
                }
                path.truncate(mark);
            }
            if a.len() == b.len() {
                return None;
            }
            let index = a.len().min(b.len());
            let _ = write!(path, "[{index}]");
            Some(differ(path, a.get(index), b.get(index)))
        }
        (a, b) if a == b => None,
        _ => Some(differ(path, Some(legacy), Some(native))),
    }
}

/// Whether two numbers are within the tolerance: `|a - b| <= max(absolute,
/// relative * max(|a|, |b|))`. Integers that both fit `i64` or `u64` compare
/// exactly first, so two large ids equal as integers are never judged by
/// their rounded floats alone.
fn numbers_match(
    a: &serde_json::Number,
    b: &serde_json::Number,
    settings: &ShadowSettings,
) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if x == y {
            return true;
        }
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        if x == y {
            return true;
        }
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return a == b;
    };
    let allowed = settings
        .absolute_tolerance
        .max(settings.tolerance * x.abs().max(y.abs()));
    (x - y).abs() <= allowed
}

fn push_key(path: &mut String, key: &str) {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && key.len() <= crate::error::ECHO_CHARS {
        path.push('.');
        path.push_str(key);
    } else {
        // Quoted and cut short: a key is the upstream's text.
        let _ = write!(path, "[{}]", echo(key));
    }
}

fn differ(path: &str, legacy: Option<&Value>, native: Option<&Value>) -> Difference {
    Difference {
        path: path.to_owned(),
        legacy: shown(legacy),
        native: shown(native),
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "<absent>".to_owned(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() <= crate::error::ECHO_CHARS {
                text
            } else {
                let head: String = text.chars().take(crate::error::ECHO_CHARS).collect();
                format!("{head}... ({} characters)", text.chars().count())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn first(a: Value, b: Value) -> Option<String> {
        first_difference(&a, &b, &ShadowSettings::default()).map(|d| d.path)
    }

    #[test]
    fn equal_documents_match_whatever_their_key_order() {
        let a = json!({"symbol": "AAPL", "data": [{"close": 1.5, "volume": 10}]});
        let b: Value =
            serde_json::from_str(r#"{"data":[{"volume":10,"close":1.5}],"symbol":"AAPL"}"#)
                .expect("json");
        assert_eq!(first(a, b), None);
    }

    #[test]
    fn numbers_match_within_the_tolerance() {
        assert_eq!(
            first(json!({"p": 100.0}), json!({"p": 100.000_000_01})),
            None
        );
        assert_eq!(
            first(json!({"p": 0.0}), json!({"p": 1e-12})),
            None,
            "absolute floor"
        );
        assert_eq!(first(json!({"p": 1}), json!({"p": 1.0})), None);
        assert_eq!(
            first(json!({"p": 100.0}), json!({"p": 100.01})).as_deref(),
            Some("$.p")
        );
        assert_eq!(
            first(json!(u64::MAX), json!(u64::MAX - 1)),
            None,
            "beyond f64 precision the tolerance decides"
        );
    }

    #[test]
    fn the_first_difference_is_named_by_its_path() {
        let legacy =
            json!({"data": [{"close": 1.0}, {"close": 2.0}, {"close": 3.0}, {"close": 4.0}]});
        let native =
            json!({"data": [{"close": 1.0}, {"close": 2.0}, {"close": 3.0}, {"close": 4.5}]});
        let d = first_difference(&legacy, &native, &ShadowSettings::default()).expect("differs");
        assert_eq!(d.path, "$.data[3].close");
        assert_eq!((d.legacy.as_str(), d.native.as_str()), ("4.0", "4.5"));
        assert_eq!(
            first(json!([1, 2]), json!([1, 2, 3])).as_deref(),
            Some("$[2]")
        );
        assert_eq!(first(json!({"a": 1}), json!({})).as_deref(), Some("$.a"));
        assert_eq!(
            first(json!({"a b": 1}), json!({"a b": 2})).as_deref(),
            Some("$[\"a b\"]")
        );
        assert_eq!(
            first(json!({"a": "1"}), json!({"a": 1})).as_deref(),
            Some("$.a")
        );
        assert_eq!(first(json!(null), json!(false)).as_deref(), Some("$"));
    }

    #[test]
    fn ignored_fields_are_skipped_at_any_depth_and_values_are_cut_short() {
        let legacy = json!({"timestamp": 1, "x": {"analysis_timestamp": "a", "v": "long"}});
        let native = json!({"timestamp": 2, "x": {"analysis_timestamp": "b", "v": "long"}});
        assert_eq!(first(legacy, native), None);
        let long = "x".repeat(500);
        let d = first_difference(
            &json!({"v": long}),
            &json!({"v": 1}),
            &ShadowSettings::default(),
        )
        .expect("differs");
        assert!(d.legacy.ends_with("... (502 characters)"), "{}", d.legacy);
        assert_eq!(d.native, "1");
        let d = first_difference(&json!({"v": 1}), &json!({}), &ShadowSettings::default())
            .expect("differs");
        assert_eq!(d.native, "<absent>");
    }

    #[test]
    fn fields_only_the_native_answer_has_are_additions() {
        let legacy = json!({"symbol": "AAPL", "price": 1.5, "data": [{"close": 1.0}]});
        let native = json!({
            "symbol": "AAPL", "price": 1.5, "currency": "USD", "stale": false,
            "data": [{"close": 1.0, "adjusted": 1.0}],
        });
        assert_eq!(first(legacy, native), None);
    }
}
