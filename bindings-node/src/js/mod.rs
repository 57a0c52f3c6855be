//! Backends written in JS: a `Client`'s `marketData`, `social` and
//! `analyzer` options may be JS objects (and the analyzer a function)
//! instead of URLs and names. Each becomes the core trait object of its
//! role ([`market::JsMarketData`], [`social::JsMentionSource`],
//! [`analyzer::JsAnalyzer`]), whose methods reach the JS thread through
//! thread-safe functions ([`call`]) and read what JS answers ([`read`]).
//!
//! The objects are checked when the client is made: a missing method is a
//! `TypeError` naming the option and the method. They are the user's: the
//! client only lets go of them, when closed or collected.

pub mod analyzer;
pub mod call;
pub mod market;
pub mod read;
pub mod social;

use std::sync::Arc;

use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Object, Unknown};
use napi::ValueType;
use tickersense::TickersenseBuilder;

use crate::args::{self, Refusal};
use analyzer::JsAnalyzer;
use call::has_method;
use market::JsMarketData;
use social::JsMentionSource;

/// The name a JS backend goes by when it has no `name` of its own.
const UNNAMED: &str = "javascript";

/// The backends of one client that are JS objects, kept so that closing
/// the client lets go of them.
#[derive(Default)]
pub struct JsBackends {
    market_data: Option<Arc<JsMarketData>>,
    mention_sources: Vec<Arc<JsMentionSource>>,
    analyzer: Option<Arc<JsAnalyzer>>,
    /// True when the social sources are JS objects only (no URL given
    /// beside them), so the configured URLs are not asked.
    objects_only: bool,
}

impl JsBackends {
    /// `builder` with these backends given to it, each winning over the URL
    /// or name of its role.
    pub fn apply(&self, mut builder: TickersenseBuilder) -> TickersenseBuilder {
        if let Some(market) = &self.market_data {
            builder = builder.with_market_data(Arc::clone(market) as _);
        }
        for source in &self.mention_sources {
            builder = builder.with_mention_source(Arc::clone(source) as _);
        }
        if self.objects_only {
            builder = builder.social("");
        }
        if let Some(analyzer) = &self.analyzer {
            builder = builder.with_analyzer(Arc::clone(analyzer) as _);
        }
        builder
    }

    /// Lets go of every JS object: calls made afterwards fail with
    /// `Unavailable`, and once no call is in flight the objects may be
    /// collected. Idempotent.
    pub fn release(&self) {
        if let Some(market) = &self.market_data {
            market.release();
        }
        for source in &self.mention_sources {
            source.release();
        }
        if let Some(analyzer) = &self.analyzer {
            analyzer.release();
        }
    }
}

/// What a backend option holds: a URL (or name), or a JS value.
pub enum Given<'env> {
    /// A string: a URL or an analyzer name.
    Text(String),
    /// Anything else, to be checked as a JS backend.
    Value(Unknown<'env>),
}

impl<'env> Given<'env> {
    /// `value` as a string when it is one.
    pub fn of(value: Unknown<'env>) -> Result<Self, Refusal> {
        Ok(if value.get_type()? == ValueType::String {
            Given::Text(args::string("", &value)?)
        } else {
            Given::Value(value)
        })
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

/// A `TypeError` for the option at `label` (`marketData`, `social[1]`)
/// that is not the backend it should be.
fn not_a_backend(label: &str, wanted: &str, detail: &str) -> Refusal {
    Refusal::Type(format!(
        "new Client: options.{label} must be {wanted}: {detail}"
    ))
}

/// Checks that `object` has each method of `methods`, naming the first
/// missing one.
fn check_methods(
    object: &Object<'_>,
    label: &str,
    wanted: &str,
    methods: &[&str],
) -> Result<(), Refusal> {
    for method in methods {
        if !has_method(object, method)? {
            return Err(not_a_backend(
                label,
                wanted,
                &format!("it has no method `{method}`"),
            ));
        }
    }
    Ok(())
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

impl JsBackends {
    /// Takes `value` (option `marketData`) as the market-data object.
    pub fn set_market_data(&mut self, env: &Env, value: Unknown<'_>) -> Result<(), Refusal> {
        const WANTED: &str = "a URL or a MarketDataSource (quote, history, search)";
        let label = "marketData";
        let object = object_of(&value)?.ok_or_else(|| {
            not_a_backend(label, WANTED, &format!("it is {}", read::describe(&value)))
        })?;
        check_methods(&object, label, WANTED, &["quote", "history", "search"])?;
        let market = JsMarketData::new(env, value, name_of(&object)?)?;
        self.market_data = Some(Arc::new(market));
        Ok(())
    }

    /// Takes `value` (option `social`, or its element `index` when it is
    /// an array) as a mention source.
    pub fn add_mention_source(
        &mut self,
        env: &Env,
        value: Unknown<'_>,
        index: Option<u32>,
    ) -> Result<(), Refusal> {
        const WANTED: &str = "a URL or a MentionSource (platform, mentions)";
        let label = match index {
            Some(i) => format!("social[{i}]"),
            None => "social".to_owned(),
        };
        let what = label.as_str();
        let object = object_of(&value)?.ok_or_else(|| {
            not_a_backend(what, WANTED, &format!("it is {}", read::describe(&value)))
        })?;
        check_methods(&object, what, WANTED, &["mentions"])?;
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
        let source = JsMentionSource::new(env, value, platform, what)?;
        self.mention_sources.push(Arc::new(source));
        Ok(())
    }

    /// Notes whether the social sources are objects only.
    pub fn set_objects_only(&mut self, objects_only: bool) {
        self.objects_only = objects_only && !self.mention_sources.is_empty();
    }

    /// Takes `value` (option `analyzer`) as the analyzer: a function, or an
    /// object with `score` (and maybe `scoreMany`).
    pub fn set_analyzer(&mut self, env: &Env, value: Unknown<'_>) -> Result<(), Refusal> {
        let what = "analyzer";
        const WANTED: &str =
            "an analyzer name, a function (text) => number, or an Analyzer (score, scoreMany?)";
        let object = object_of(&value)?.ok_or_else(|| {
            not_a_backend(what, WANTED, &format!("it is {}", read::describe(&value)))
        })?;
        let is_function = value.get_type()? == ValueType::Function;
        let has_score_many = if is_function {
            false
        } else {
            check_methods(&object, what, WANTED, &["score"])?;
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
        let analyzer = JsAnalyzer::new(env, value, is_function, has_score_many, name_of(&object)?)?;
        self.analyzer = Some(Arc::new(analyzer));
        Ok(())
    }
}
