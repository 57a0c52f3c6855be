//! The checks a JS value passes before it serves as a backend, made where
//! it is handed in (`new Client`, a testkit function): an object (or, for
//! an analyzer, a function) with the methods of its role. A refusal is a
//! `TypeError` (`code` `"InvalidInput"`) naming the option and the method.

use napi::bindgen_prelude::{Env, FnArgs, Function, JsObjectValue, JsValue, Object, Unknown};
use napi::ValueType;

use super::analyzer::JsAnalyzer;
use super::market::JsMarketData;
use super::read;
use super::social::JsMentionSource;
use crate::args::{self, Refusal};

/// The name a JS backend goes by when it has no `name` of its own.
const UNNAMED: &str = "javascript";

/// Reads `target[key]` in JS, catching what a getter throws:
/// `[true, value]` or `[false, message]`.
const PEEK: &str = r#"(function peek(target, key) {
  'use strict'
  try {
    return [true, target[key]]
  } catch (error) {
    try {
      return [false, error instanceof Error ? error.message : String(error)]
    } catch {
      return [false, 'an error that could not be read']
    }
  }
})"#;

/// The properties of a backend being checked, read through [`PEEK`] so
/// that a getter that throws is a refusal, never an exception left pending.
struct Peek<'env> {
    peek: Function<'env, FnArgs<(Object<'env>, String)>, Object<'env>>,
    object: Object<'env>,
    what: String,
}

impl<'env> Peek<'env> {
    /// Property `key`, or a `TypeError` naming it when its getter threw.
    fn get(&self, key: &str) -> Result<Unknown<'env>, Refusal> {
        let answer = self
            .peek
            .call(FnArgs::from((self.object, key.to_owned())))?;
        if answer.get_element::<bool>(0)? {
            return Ok(answer.get_element(1)?);
        }
        let message: String = answer.get_element(1)?;
        Err(Refusal::Type(format!(
            "{}.{key} could not be read: its getter threw {}",
            self.what,
            tickersense::error::echo(&message)
        )))
    }
}

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
    env: &'env Env,
    value: &Unknown<'env>,
    what: &str,
    wanted: &str,
    methods: &[&str],
) -> Result<Peek<'env>, Refusal> {
    let object = object_of(value)?
        .ok_or_else(|| not_a_backend(what, wanted, &format!("it is {}", read::describe(value))))?;
    let peek = Peek {
        peek: env.run_script(PEEK)?,
        object,
        what: what.to_owned(),
    };
    for method in methods {
        if peek.get(method)?.get_type()? != ValueType::Function {
            return Err(not_a_backend(
                what,
                wanted,
                &format!("it has no method `{method}`"),
            ));
        }
    }
    Ok(peek)
}

/// The `name` of a JS backend: its `name` property when that is a
/// non-empty string, else [`UNNAMED`].
fn name_of(object: &Peek<'_>) -> Result<String, Refusal> {
    let name = object.get("name")?;
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
    let object = with_methods(env, &value, what, WANTED, &["quote", "history", "search"])?;
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
    let object = with_methods(env, &value, what, WANTED, &["mentions"])?;
    let platform = object.get("platform")?;
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
    let object = with_methods(env, &value, what, WANTED, required)?;
    let has_score_many = if is_function {
        false
    } else {
        let many = object.get("scoreMany")?;
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
