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
pub mod check;
pub mod market;
pub mod read;
pub mod social;

use std::sync::Arc;

use napi::bindgen_prelude::{Env, Unknown};
use napi::ValueType;
use tickersense::TickersenseBuilder;

use crate::args::{self, Refusal};
use analyzer::JsAnalyzer;
use market::JsMarketData;
use social::JsMentionSource;

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

impl JsBackends {
    /// Takes `value` (option `marketData`) as the market-data object.
    pub fn set_market_data(&mut self, env: &Env, value: Unknown<'_>) -> Result<(), Refusal> {
        let market = check::market_data(env, value, "new Client: options.marketData")?;
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
        let label = match index {
            Some(i) => format!("social[{i}]"),
            None => "social".to_owned(),
        };
        let what = format!("new Client: options.{label}");
        let source = check::mention_source(env, value, &what, &label)?;
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
        let analyzer = check::analyzer(env, value, "new Client: options.analyzer")?;
        self.analyzer = Some(Arc::new(analyzer));
        Ok(())
    }
}
