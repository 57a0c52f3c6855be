//! The checks a JS value passes before it serves as a backend, made where
//! it is handed in (`new Client`, a testkit function): an object (or, for
//! an analyzer, a function) with the methods of its role. A refusal is a
//! `TypeError` (`code` `"InvalidInput"`) naming the option and the method.

use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Object, Unknown};
use napi::ValueType;

use super::analyzer::JsAnalyzer;
use super::call::has_method;
use super::market::JsMarketData;
use super::read;
use super::social::JsMentionSource;
use crate::args::{self, Refusal};

/// The name a JS backend goes by when it has no `name` of its own.
const UNNAMED: &str = "javascript";

/// `value` as an object (a function counts), or `None`.
fn object_of<'env>(value: &Unknown<'env>) -> Result<Option<Object<'env>>, Refusal> {
    let kind = value.get_type()?;
    let usable = matches!(kind, ValueType::Object | ValueType::Function) && !value.is_array()?;
    Ok(if usable {
        Some(value.coerce_to_object()?)
    } else {
        None
    })
}

/// A `TypeError` for `what` (`new Client: options.social[1]`), which is
/// not the `wanted` backend.
fn not_a_backend(what: &str, wanted: &str, detail: &str) -> Refusal {
    Refusal::Type(format!("{what} must be {wanted}: {detail}"))
}

/// `value` as an object with each method of `methods`, or a refusal
/// naming what it is or the first method missing.
fn with_methods<'env>(
    value: &Unknown<'env>,
    what: &str,
    wanted: &str,
    methods: &[&str],
) -> Result<Object<'env>, Refusal> {
    let object = object_of(value)?
        .ok_or_else(|| not_a_backend(what, wanted, &format!("it is {}", read::describe(value))))?;
    for method in methods {
        if !has_method(&object, method)? {
            return Err(not_a_backend(
                what,
                wanted,
                &format!("it has no method `{method}`"),
            ));
        }
    }
    Ok(object)
}

/// The `name` of a JS backend: its `name` property when that is a
/// non-empty string, else [`UNNAMED`].
fn name_of(object: &Object<'_>) -> Result<String, Refusal> {
    let name: Unknown<'_> = object.get_named_property("name")?;
    Ok(match name.get_type()? {
        ValueType::String => Some(args::string("name", &name)?),
        _ => None,
    }
    .filter(|n| !n.trim().is_empty())
    .unwrap_or_else(|| UNNAMED.to_owned()))
}

/// `value`, named `what` in refusals, as a market-data provider.
pub fn market_data(env: &Env, value: Unknown<'_>, what: &str) -> Result<JsMarketData, Refusal> {
    const WANTED: &str = "a URL or a MarketDataSource (quote, history, search)";
    let object = with_methods(&value, what, WANTED, &["quote", "history", "search"])?;
    Ok(JsMarketData::new(env, value, name_of(&object)?)?)
}

/// `value`, named `what` in refusals and `label` in later errors
/// (`social[1]`), as a mention source with a `platform`.
pub fn mention_source(
    env: &Env,
    value: Unknown<'_>,
    what: &str,
    label: &str,
) -> Result<JsMentionSource, Refusal> {
    const WANTED: &str = "a URL or a MentionSource (platform, mentions)";
    let object = with_methods(&value, what, WANTED, &["mentions"])?;
    let platform: Unknown<'_> = object.get_named_property("platform")?;
    let platform = match platform.get_type()? {
        ValueType::String => args::string("platform", &platform)?,
        _ => String::new(),
    };
    if platform.trim().is_empty() {
        return Err(not_a_backend(
            what,
            WANTED,
            "its `platform` is no name (a non-empty string)",
        ));
    }
    Ok(JsMentionSource::new(env, value, platform, label)?)
}

/// `value`, named `what` in refusals, as an analyzer: a function, or an
/// object with `score` (and maybe `scoreMany`).
pub fn analyzer(env: &Env, value: Unknown<'_>, what: &str) -> Result<JsAnalyzer, Refusal> {
    const WANTED: &str =
        "an analyzer name, a function (text) => number, or an Analyzer (score, scoreMany?)";
    let is_function = value.get_type()? == ValueType::Function;
    let required: &[&str] = if is_function { &[] } else { &["score"] };
    let object = with_methods(&value, what, WANTED, required)?;
    let has_score_many = if is_function {
        false
    } else {
        let many: Unknown<'_> = object.get_named_property("scoreMany")?;
        match many.get_type()? {
            ValueType::Function => true,
            ValueType::Undefined | ValueType::Null => false,
            _ => {
                return Err(not_a_backend(
                    what,
                    WANTED,
                    &format!("its `scoreMany` is {}", read::describe(&many)),
                ))
            }
        }
    };
    Ok(JsAnalyzer::new(
        env,
        value,
        is_function,
        has_score_many,
        name_of(&object)?,
    )?)
}
