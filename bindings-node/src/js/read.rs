//! Values a user's JS backend returns, read on the JS thread into plain Rust
//! data, field by field. What does not fit is a [`BadValue`] naming where
//! it is (`bars[3].close`) and what is wrong with it, the value echoed
//! truncated; the caller turns it into an `Upstream` error naming the method.
//!
//! Only the fields the library knows are read (extra ones are ignored), each
//! once, with `undefined` and `null` meaning left out. Getters run as for
//! any property read; one that throws makes the value bad.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, Unknown};
use napi::ValueType;
use tickersense::error::echo;
use tickersense::model::limits::{MAX_FIELD_CHARS, MAX_TEXT_CHARS};

/// Why a returned value is not what the library takes: `path` is where
/// (empty for the value itself), `problem` what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct BadValue {
    path: String,
    problem: String,
}

impl BadValue {
    /// A bad value at `path`.
    pub fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        BadValue {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// The same problem, read one level further in: `outer` comes first.
    fn within(mut self, outer: &str) -> Self {
        self.path = join(outer, &self.path);
        self
    }

    /// `` `bars[3].close` must be a finite number, not NaN ``, or the problem
    /// alone for the value itself.
    pub fn describe(&self) -> String {
        if self.path.is_empty() {
            format!("the value {}", self.problem)
        } else {
            format!("`{}` {}", self.path, self.problem)
        }
    }
}

/// `outer` then `inner` as one path (`bars` and `[3].close`, `quote` and `price`).
fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty() || inner.starts_with('[')) {
        (true, _) => inner.to_owned(),
        (false, true) => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// A JS value as messages describe it: its type, and short values echoed
/// (truncated, as [`echo`] does).
pub fn describe(value: &Unknown<'_>) -> String {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined".to_owned(),
        Ok(ValueType::Null) => "null".to_owned(),
        Ok(ValueType::Boolean) => "a boolean".to_owned(),
        Ok(ValueType::Number) => match value.coerce_to_number().and_then(|n| n.get_double()) {
            Ok(n) => format!("the number {}", js_number(n)),
            Err(_) => "a number".to_owned(),
        },
        Ok(ValueType::String) => match string_of(value, ECHOED_CHARS) {
            Ok(Some(text)) => format!("the string {}", echo(&text)),
            // Too long to copy for an echo: only its length is told.
            Ok(None) => match value.coerce_to_string().and_then(|s| s.utf16_len()) {
                Ok(units) => format!("a long string ({units} UTF-16 units)"),
                Err(_) => "a long string".to_owned(),
            },
            Err(_) => "a string".to_owned(),
        },
        Ok(ValueType::Symbol) => "a symbol".to_owned(),
        Ok(ValueType::BigInt) => "a bigint".to_owned(),
        Ok(ValueType::Function) => "a function".to_owned(),
        Ok(ValueType::Object) if value.is_array().unwrap_or(false) => "an array".to_owned(),
        Ok(ValueType::Object) if value.is_date().unwrap_or(false) => "a Date".to_owned(),
        Ok(ValueType::Object) if value.is_promise().unwrap_or(false) => "a Promise".to_owned(),
        _ => "an object".to_owned(),
    }
}

/// `value` as JavaScript spells it (`NaN`, `Infinity`).
fn js_number(value: f64) -> String {
    match value {
        f64::INFINITY => "Infinity".to_owned(),
        f64::NEG_INFINITY => "-Infinity".to_owned(),
        v if v.is_nan() => "NaN".to_owned(),
        v => v.to_string(),
    }
}

/// The longest string [`describe`] copies to echo it: anything longer is
/// only called long (echoing truncates far below this anyway).
const ECHOED_CHARS: usize = 1_000;

/// The text of a JS string value, or `None` when it has more than
/// `max_chars` characters. The length is checked before the text is
/// copied: a JS string holds at most two UTF-16 units per character, so
/// one of more than twice `max_chars` units is refused without a copy.
fn string_of(value: &Unknown<'_>, max_chars: usize) -> napi::Result<Option<String>> {
    let js = value.coerce_to_string()?;
    if js.utf16_len()? > max_chars.saturating_mul(2) {
        return Ok(None);
    }
    let text = js.into_utf8()?.into_owned()?;
    Ok((text.chars().count() <= max_chars).then_some(text))
}

/// True for `undefined` and `null`.
fn is_nullish(value: &Unknown<'_>) -> bool {
    matches!(value.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

/// A finite JS number; anything else (`NaN`, a numeric string) is bad.
pub fn number(value: &Unknown<'_>) -> Result<f64, BadValue> {
    if value.get_type().ok() == Some(ValueType::Number) {
        if let Ok(n) = value.coerce_to_number().and_then(|n| n.get_double()) {
            if n.is_finite() {
                return Ok(n);
            }
        }
    }
    Err(BadValue::new(
        "",
        format!("must be a finite number, not {}", describe(value)),
    ))
}

/// A JS string of at most `max_chars` characters (longer is bad, refused
/// before its text is copied).
pub fn string(value: &Unknown<'_>, max_chars: usize) -> Result<String, BadValue> {
    if value.get_type().ok() == Some(ValueType::String) {
        match string_of(value, max_chars) {
            Ok(Some(text)) => return Ok(text),
            Ok(None) => {
                return Err(BadValue::new(
                    "",
                    format!("is longer than the limit of {max_chars} characters"),
                ))
            }
            Err(_) => {}
        }
    }
    Err(BadValue::new(
        "",
        format!("must be a string, not {}", describe(value)),
    ))
}

/// A short text field (a currency, a name, an id): at most
/// [`MAX_FIELD_CHARS`] characters.
pub fn field(value: &Unknown<'_>) -> Result<String, BadValue> {
    string(value, MAX_FIELD_CHARS)
}

/// A long text field (a post's text, a link): at most [`MAX_TEXT_CHARS`]
/// characters.
pub fn text(value: &Unknown<'_>) -> Result<String, BadValue> {
    string(value, MAX_TEXT_CHARS)
}

/// A valid JS `Date`, or a string in RFC 3339 (`2024-05-01T13:30:00Z`),
/// as a UTC instant.
pub fn date(value: &Unknown<'_>) -> Result<DateTime<Utc>, BadValue> {
    let bad = |what: String| BadValue::new("", what);
    if value.is_date().unwrap_or(false) {
        let millis = value
            .coerce_to_number()
            .and_then(|n| n.get_double())
            .unwrap_or(f64::NAN);
        return millis
            .is_finite()
            .then(|| DateTime::from_timestamp_millis(millis as i64))
            .flatten()
            .ok_or_else(|| bad("is an invalid Date".to_owned()));
    }
    if value.get_type().ok() == Some(ValueType::String) {
        // An RFC 3339 time is some 35 characters: a longer string is no time.
        let text = string_of(value, MAX_FIELD_CHARS)
            .ok()
            .flatten()
            .unwrap_or_default();
        return DateTime::parse_from_rfc3339(&text)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| {
                bad(format!(
                    "must be a Date or an RFC 3339 time, not the string {}",
                    echo(&text)
                ))
            });
    }
    Err(bad(format!("must be a Date, not {}", describe(value))))
}

/// What [`array`] does with an array longer than its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excess {
    /// The array is bad, naming the limit: an answer that cannot be
    /// cut short without changing what it means (the bars of a range).
    Refuse,
    /// Only the first items, up to the limit, are read: an answer of which
    /// a caller takes the first ones anyway (search hits, posts).
    Ignore,
}

/// The elements of a JS array, each read by `read` (a bad one names its
/// index), at most `max` of them: the length is checked before any item is
/// read, so a huge array costs no time on the JS thread. A longer one is
/// bad or cut to its first `max` items, as `excess` says.
pub fn array<T>(
    value: &Unknown<'_>,
    max: usize,
    excess: Excess,
    mut read: impl FnMut(&Unknown<'_>) -> Result<T, BadValue>,
) -> Result<Vec<T>, BadValue> {
    if !value.is_array().unwrap_or(false) {
        return Err(BadValue::new(
            "",
            format!("must be an array, not {}", describe(value)),
        ));
    }
    let unreadable = |what: &str| BadValue::new("", format!("could not be read ({what})"));
    let object = value
        .coerce_to_object()
        .map_err(|_| unreadable("not an object"))?;
    let len = object
        .get_array_length()
        .map_err(|_| unreadable("no length"))? as usize;
    if len > max && excess == Excess::Refuse {
        return Err(BadValue::new(
            "",
            format!("has {len} items, more than the limit of {max}"),
        ));
    }
    let len = len.min(max);
    let mut items = Vec::with_capacity(len);
    for i in 0..len as u32 {
        let item: Unknown<'_> = object
            .get_element(i)
            .map_err(|_| unreadable("an element threw").within(&format!("[{i}]")))?;
        items.push(read(&item).map_err(|e| e.within(&format!("[{i}]")))?);
    }
    Ok(items)
}

/// The fields of a returned JS object, read one at a time.
pub struct Fields<'env> {
    object: Object<'env>,
}

impl<'env> Fields<'env> {
    /// `value` as an object whose fields are read; an array, a primitive or
    /// `null` is bad.
    pub fn of(value: &Unknown<'env>) -> Result<Self, BadValue> {
        let is_object = matches!(
            value.get_type(),
            Ok(ValueType::Object | ValueType::Function)
        ) && !value.is_array().unwrap_or(false);
        if !is_object {
            return Err(BadValue::new(
                "",
                format!("must be an object, not {}", describe(value)),
            ));
        }
        let object = value
            .coerce_to_object()
            .map_err(|_| BadValue::new("", "could not be read"))?;
        Ok(Fields { object })
    }

    /// Field `key`, `None` when it is missing, `undefined` or `null`.
    pub fn get(&self, key: &str) -> Result<Option<Unknown<'env>>, BadValue> {
        let value: Unknown<'env> = self
            .object
            .get_named_property(key)
            .map_err(|_| BadValue::new(key, "could not be read (its getter threw)"))?;
        Ok((!is_nullish(&value)).then_some(value))
    }

    /// Field `key` read by `read`, `None` when left out.
    pub fn optional<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Unknown<'env>) -> Result<T, BadValue>,
    ) -> Result<Option<T>, BadValue> {
        self.get(key)?
            .map(|v| read(&v).map_err(|e| e.within(key)))
            .transpose()
    }

    /// Field `key` read by `read`; missing is bad.
    pub fn required<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Unknown<'env>) -> Result<T, BadValue>,
    ) -> Result<T, BadValue> {
        self.optional(key, read)?
            .ok_or_else(|| BadValue::new(key, "is missing"))
    }
}
