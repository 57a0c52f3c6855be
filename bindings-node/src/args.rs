//! JS arguments read by hand where napi's derived conversions would misread
//! them: an options object with a misspelt key or a field of the wrong type
//! (napi ignores the first and reports the second without naming the field),
//! a `null` field (napi refuses it), an invalid `Date` (napi reads it as
//! 1970-01-01), a count that is not a whole number, an `AbortSignal`.
//!
//! Every refusal names the call and the option (`history: options.start
//! must be a Date, not a string`) and carries `code` `"InvalidInput"`; a
//! value of the wrong JS type is a `TypeError`, any other bad value a plain
//! `Error` (see [`Refusal`]).

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{
    Env, FnArgs, Function, JsObjectValue, JsValue, Object, ObjectRef, Unknown,
};
use napi::ValueType;
use tickersense::error::echo;

use crate::error::{coded_rejection, type_error};

/// Why an argument was refused.
#[derive(Debug)]
pub enum Refusal {
    /// A value of the wrong JS type (a string where a `Date` goes, a number
    /// for the options object): a JS `TypeError` with `code` `"InvalidInput"`.
    Type(String),
    /// A value of the right type that core or the binding refuses (an
    /// unknown key, an invalid `Date`, `NaN` for a count): the coded `Error`
    /// of the core error.
    Core(tickersense::Error),
}

impl From<tickersense::Error> for Refusal {
    fn from(err: tickersense::Error) -> Self {
        Refusal::Core(err)
    }
}

impl From<napi::Error> for Refusal {
    // Reading a property of a plain object only fails when a getter throws or
    // the engine is out of memory: reported as the argument's fault.
    fn from(err: napi::Error) -> Self {
        Refusal::Core(tickersense::Error::invalid_input(format!(
            "an argument could not be read: {}",
            echo(&err.reason)
        )))
    }
}

impl Refusal {
    /// The JS error to throw or to reject with, made on the JS thread of `env`.
    pub fn into_js(self, env: &Env) -> napi::Error {
        match self {
            Refusal::Type(message) => type_error(env, &message),
            Refusal::Core(err) => coded_rejection(*env, err),
        }
    }
}

/// What `typeof` (with `null`, arrays and `Date`s told apart) calls `value`,
/// for messages.
pub(crate) fn describe(value: &Unknown<'_>) -> &'static str {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Number) => "a number",
        Ok(ValueType::String) => "a string",
        Ok(ValueType::Symbol) => "a symbol",
        Ok(ValueType::BigInt) => "a bigint",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::Object) if value.is_array().unwrap_or(false) => "an array",
        Ok(ValueType::Object) if value.is_date().unwrap_or(false) => "a Date",
        _ => "an object",
    }
}

/// True for `undefined` and `null`: an option given either way is left out.
fn is_nullish(value: &Unknown<'_>) -> bool {
    matches!(value.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

/// `value` as a plain object, or `None` when it is `undefined` or `null`.
fn plain_object<'env>(
    value: Option<Unknown<'env>>,
    what: &str,
) -> Result<Option<Object<'env>>, Refusal> {
    let Some(value) = value.filter(|v| !is_nullish(v)) else {
        return Ok(None);
    };
    let is_plain =
        value.get_type()? == ValueType::Object && !value.is_array()? && !value.is_date()?;
    if !is_plain {
        return Err(Refusal::Type(format!(
            "{what} must be an object, not {}",
            describe(&value)
        )));
    }
    Ok(Some(value.coerce_to_object()?))
}

/// A JS `Date` as a UTC instant: `InvalidInput` naming `what` for an
/// invalid one (`new Date("x")`) or one beyond chrono's range, `TypeError`
/// for anything that is not a `Date`.
pub fn date(what: &str, value: &Unknown<'_>) -> Result<DateTime<Utc>, Refusal> {
    if !value.is_date()? {
        return Err(Refusal::Type(format!(
            "{what} must be a Date, not {}",
            describe(value)
        )));
    }
    // A Date's number is its time value: milliseconds since the epoch, or
    // NaN for an invalid Date.
    let millis = value.coerce_to_number()?.get_double()?;
    let instant = millis
        .is_finite()
        .then(|| DateTime::from_timestamp_millis(millis as i64))
        .flatten();
    instant.ok_or_else(|| {
        Refusal::Core(tickersense::Error::invalid_input(format!(
            "{what} is an invalid Date (its time is {millis})"
        )))
    })
}

/// A JS string as a Rust one (a lone surrogate read as U+FFFD, as any
/// string crossing into Rust); a `TypeError` naming `what` for anything else.
pub fn string(what: &str, value: &Unknown<'_>) -> Result<String, Refusal> {
    if value.get_type()? != ValueType::String {
        return Err(Refusal::Type(format!(
            "{what} must be a string, not {}",
            describe(value)
        )));
    }
    Ok(value.coerce_to_string()?.into_utf8()?.into_owned()?)
}

/// An optional `Date` argument given by position: `undefined` and `null`
/// leave it out.
pub fn optional_date(
    what: &str,
    value: Option<Unknown<'_>>,
) -> Result<Option<DateTime<Utc>>, Refusal> {
    value
        .filter(|v| !is_nullish(v))
        .map(|v| date(what, &v))
        .transpose()
}

/// A count type a JS number may be read as, with the range messages name.
pub trait Count: TryFrom<i64> {
    /// The smallest and largest count.
    const RANGE: (i64, i64);
}

impl Count for u32 {
    const RANGE: (i64, i64) = (0, u32::MAX as i64);
}

/// Whole JS numbers are exact up to 2^53 either way: the `i64` counts that
/// core range-checks itself (a search limit) pass through as they are.
impl Count for i64 {
    const RANGE: (i64, i64) = (-(1 << 53), 1 << 53);
}

/// `value` as a whole number in `T`'s range, or `InvalidInput` naming
/// `what` (and the range, when it is whole but outside). Counts arrive as JS numbers (`f64`): napi's own
/// integer conversions would wrap -1 round to 2^32 - 1 and read 2.5 as 2 or
/// `NaN` as 0 without a word. Narrower ranges (a concurrency of 1 to 64)
/// are core's to check.
pub fn whole_number<T: Count>(what: &str, value: f64) -> tickersense::Result<T> {
    // The fractional part of NaN and of ±Infinity is NaN, never 0.
    if value.fract() != 0.0 {
        return Err(tickersense::Error::invalid_input(format!(
            "{what} must be a whole number, not {}",
            js_number(value)
        )));
    }
    let (min, max) = T::RANGE;
    // Exact: both bounds are whole numbers within ±2^53, and so is `value`
    // once it lies between them.
    if value >= min as f64 && value <= max as f64 {
        if let Ok(count) = T::try_from(value as i64) {
            return Ok(count);
        }
    }
    Err(tickersense::Error::invalid_input(format!(
        "{what} must be a whole number from {min} to {max}, not {}",
        js_number(value)
    )))
}

/// `value` as JavaScript spells it (`Infinity`, not Rust's `inf`).
fn js_number(value: f64) -> String {
    match value {
        f64::INFINITY => "Infinity".to_owned(),
        f64::NEG_INFINITY => "-Infinity".to_owned(),
        _ => value.to_string(),
    }
}

/// An options object passed to `call` (`"history"`, `"new Client"`), after
/// its own keys were checked against the ones the call knows. Each getter
/// reads one option: `undefined`, `null` and a missing key all leave it out;
/// a value of another type is refused, naming the option.
pub struct Options<'env> {
    object: Object<'env>,
    /// How messages name the object: `history: options`.
    name: String,
}

impl<'env> Options<'env> {
    /// The options of `call` in `value`, `None` when it is `undefined` or
    /// `null`. Anything but a plain object is a `TypeError`; an own
    /// enumerable key that is not in `known` (a misspelling such as `stroe`)
    /// is `InvalidInput` listing the known ones.
    pub fn read(
        env: &'env Env,
        value: Option<Unknown<'env>>,
        call: &'static str,
        known: &[&str],
    ) -> Result<Option<Self>, Refusal> {
        Self::read_as(
            env,
            value,
            format!("{call}: options"),
            &format!("{call}: unknown option"),
            known,
        )
    }

    /// Any plain object argument checked as [`Options::read`] checks
    /// options: `name` names it in messages (`scorePosts: posts[2]`, whose
    /// fields are then `scorePosts: posts[2].text`), and `unknown` starts
    /// the message for a key not in `known`.
    pub fn read_as(
        env: &'env Env,
        value: Option<Unknown<'env>>,
        name: String,
        unknown: &str,
        known: &[&str],
    ) -> Result<Option<Self>, Refusal> {
        let Some(object) = plain_object(value, &name)? else {
            return Ok(None);
        };
        for key in own_keys(env, &object)? {
            if !known.contains(&key.as_str()) {
                return Err(Refusal::Core(tickersense::Error::invalid_input(format!(
                    "{unknown} {}; known: {}",
                    echo(&key),
                    known.join(", ")
                ))));
            }
        }
        Ok(Some(Options { object, name }))
    }

    /// The option `key`, unless it is left out.
    pub fn get(&self, key: &str) -> Result<Option<Unknown<'env>>, Refusal> {
        let value: Unknown<'env> = self.object.get_named_property(key)?;
        Ok((!is_nullish(&value)).then_some(value))
    }

    /// How messages name the option `key`: `history: options.start`.
    pub fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }

    /// A `TypeError` for option `key` holding `value` where `wanted` goes.
    fn wrong_type(&self, key: &str, wanted: &str, value: &Unknown<'_>) -> Refusal {
        Refusal::Type(format!(
            "{} must be {wanted}, not {}",
            self.name(key),
            describe(value)
        ))
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Result<Option<String>, Refusal> {
        self.get(key)?
            .map(|value| string(&self.name(key), &value))
            .transpose()
    }

    /// A number option, any finite or infinite value (ranges are the
    /// caller's to check).
    pub fn number(&self, key: &str) -> Result<Option<f64>, Refusal> {
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        if value.get_type()? != ValueType::Number {
            return Err(self.wrong_type(key, "a number", &value));
        }
        Ok(Some(value.coerce_to_number()?.get_double()?))
    }

    /// A count option: a whole number that fits in `T`, else `InvalidInput`
    /// naming it (`NaN`, `Infinity`, `2.5`, `-1` for an unsigned count).
    pub fn count<T: Count>(&self, key: &str) -> Result<Option<T>, Refusal> {
        self.number(key)?
            .map(|n| whole_number(&self.name(key), n).map_err(Refusal::from))
            .transpose()
    }

    /// A `Date` option: an invalid `Date` is `InvalidInput`.
    pub fn date(&self, key: &str) -> Result<Option<DateTime<Utc>>, Refusal> {
        self.get(key)?
            .map(|value| date(&self.name(key), &value))
            .transpose()
    }

    /// An `AbortSignal` option, checked as Node checks one (an object with
    /// `aborted` and `addEventListener`), held by a reference until the
    /// call settles.
    pub fn signal(&self, key: &str) -> Result<Option<Signal>, Refusal> {
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        let object = (value.get_type()? == ValueType::Object)
            .then(|| value.coerce_to_object())
            .transpose()?;
        let looks_right = match &object {
            Some(o) => {
                o.has_named_property("aborted")?
                    && o.get_named_property::<Unknown<'_>>("addEventListener")?
                        .get_type()?
                        == ValueType::Function
            }
            None => false,
        };
        match object {
            Some(object) if looks_right => Ok(Some(Signal(object.create_ref::<false>()?))),
            _ => Err(self.wrong_type(key, "an AbortSignal", &value)),
        }
    }
}

/// The own enumerable string keys of `object`, as `Object.keys` lists them.
fn own_keys(env: &Env, object: &Object<'_>) -> napi::Result<Vec<String>> {
    // `Object` is a function: read as an object to get its `keys`.
    let keys: Function<'_, Object<'_>, Vec<String>> = env
        .get_global()?
        .get_named_property::<Unknown<'_>>("Object")?
        .coerce_to_object()?
        .get_named_property("keys")?;
    keys.call(*object)
}

/// `Function.prototype.bind` as called by [`Signal::unlistener`]: this,
/// then the two arguments to bind.
type Bind<'a, 'env> =
    Function<'a, FnArgs<(Object<'a>, &'a str, Unknown<'a>)>, Function<'env, (), ()>>;

/// A JS `AbortSignal` given to a call, kept alive by a reference until the
/// call settles (then [`Signal::release`]d on the JS thread).
pub struct Signal(ObjectRef<false>);

impl Signal {
    /// The signal object.
    pub fn object<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        self.0.get_value(env)
    }

    /// True once the signal has been aborted.
    pub fn aborted(&self, env: &Env) -> napi::Result<bool> {
        self.object(env)?.get_named_property("aborted")
    }

    /// `signal.addEventListener(type, listener, { once: true })`.
    pub fn listen(&self, env: &Env, listener: &Function<'_, (), ()>) -> napi::Result<()> {
        let signal = self.object(env)?;
        let mut once = Object::new(env)?;
        once.set_named_property("once", true)?;
        let add: Function<'_, FnArgs<(&str, Unknown<'_>, Object<'_>)>, Unknown<'_>> =
            signal.get_named_property("addEventListener")?;
        add.apply(signal, FnArgs::from(("abort", listener.to_unknown(), once)))?;
        Ok(())
    }

    /// `signal.removeEventListener.bind(signal, "abort", listener)`: a
    /// function that removes `listener` again, holding the signal itself.
    pub fn unlistener<'env>(
        &self,
        env: &'env Env,
        listener: &Function<'_, (), ()>,
    ) -> napi::Result<Function<'env, (), ()>> {
        let signal = self.object(env)?;
        let remove: Unknown<'_> = signal.get_named_property("removeEventListener")?;
        // `Function.prototype.bind`, read off `Function` (functions are
        // objects, but napi reads properties of `Object`s).
        let bind: Bind<'_, 'env> = env
            .get_global()?
            .get_named_property::<Unknown<'_>>("Function")?
            .coerce_to_object()?
            .get_named_property::<Unknown<'_>>("prototype")?
            .coerce_to_object()?
            .get_named_property("bind")?;
        bind.apply(
            remove,
            FnArgs::from((signal, "abort", listener.to_unknown())),
        )
    }

    /// Drops the reference to the signal (on the JS thread, where it was made).
    pub fn release(self, env: &Env) -> napi::Result<()> {
        self.0.unref(env)
    }
}

/// What an aborted call rejects with, as `fetch` does: the signal's
/// `reason` (a `DOMException` named `AbortError` for `controller.abort()`,
/// `TimeoutError` for `AbortSignal.timeout`, else what was passed to
/// `abort(reason)`); an `AbortError` made here when it has none.
pub fn abort_reason(env: &Env, signal: &Object<'_>) -> napi::Result<napi::Error> {
    let reason: Unknown<'_> = signal.get_named_property("reason")?;
    if !is_nullish(&reason) {
        // Any value may be the reason (a `Symbol` too): held as it is.
        return Ok(napi::Error::from_unknown_without_coercion(reason));
    }
    abort_error(env)
}

/// What `fetch` rejects with when aborted without a reason: a
/// `DOMException` named `AbortError`.
pub fn abort_error(env: &Env) -> napi::Result<napi::Error> {
    let dom_exception: Function<'_, FnArgs<(&str, &str)>, Unknown<'_>> =
        env.get_global()?.get_named_property("DOMException")?;
    let error =
        dom_exception.new_instance(FnArgs::from(("This operation was aborted", "AbortError")))?;
    Ok(napi::Error::from(error))
}
