//! The seed's services as plain structs over the traits: each holds `Arc`s of
//! its backends and is cheap to clone.

mod sentiment;
mod stock;

pub use sentiment::SentimentService;
pub use stock::{
    checked_search_limit, StockService, DEFAULT_HISTORY_CONCURRENCY, DEFAULT_SEARCH_LIMIT,
    MAX_QUERY_LEN, MAX_SEARCH_LIMIT,
};
