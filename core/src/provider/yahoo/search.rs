//! The search endpoint's answer (`/v1/finance/search`) as [`SearchHit`]s.

use serde::Deserialize;

use super::answer::{error_from_yahoo, find_error, malformed, sanitize_json};
use crate::error::Result;
use crate::model::{SearchHit, Symbol};

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    quotes: Vec<Hit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Hit {
    symbol: Option<String>,
    shortname: Option<String>,
    longname: Option<String>,
    quote_type: Option<String>,
    exchange: Option<String>,
}

/// Parses a search answer: one hit per quote with a symbol the library
/// accepts (options and other long codes are skipped), named by `shortname`,
/// else `longname`, else the symbol. Never panics.
pub fn parse_search(body: &[u8]) -> Result<Vec<SearchHit>> {
    let json = sanitize_json(body);
    if let Some(err) = find_error(&json) {
        return Err(error_from_yahoo(&err, "search"));
    }
    let envelope: Envelope =
        serde_json::from_slice(&json).map_err(|e| malformed(body, "search", &e))?;
    Ok(envelope
        .quotes
        .into_iter()
        .filter_map(|hit| {
            let symbol = Symbol::parse(hit.symbol.as_deref()?).ok()?;
            let name = [hit.shortname, hit.longname]
                .into_iter()
                .flatten()
                .map(|n| n.trim().to_owned())
                .find(|n| !n.is_empty())
                .unwrap_or_else(|| symbol.as_str().to_owned());
            Some(SearchHit {
                symbol,
                name,
                kind: hit.quote_type.unwrap_or_default(),
                exchange: hit.exchange.unwrap_or_default(),
            })
        })
        .collect())
}
