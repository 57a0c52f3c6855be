//! What [`Tickersense::health`](super::Tickersense::health) reports: each
//! backend's role, what it is, and whether it answers.

use serde::Serialize;

/// The part a backend plays for the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendRole {
    /// Quotes, history and search.
    MarketData,
    /// One source of posts (one report per source).
    Social,
    /// The sentiment analyzer.
    Analyzer,
    /// The cache.
    Cache,
    /// Bars and their coverage.
    PriceStore,
    /// Sentiment analyses.
    SentimentStore,
    /// Backfill progress.
    BackfillStore,
    /// Users and watchlists.
    UserStore,
}

impl BackendRole {
    /// Every role, in the order reports list them.
    pub const ALL: [BackendRole; 8] = [
        BackendRole::MarketData,
        BackendRole::Social,
        BackendRole::Analyzer,
        BackendRole::Cache,
        BackendRole::PriceStore,
        BackendRole::SentimentStore,
        BackendRole::BackfillStore,
        BackendRole::UserStore,
    ];

    /// The role's snake_case name, e.g. `"price_store"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendRole::MarketData => "market_data",
            BackendRole::Social => "social",
            BackendRole::Analyzer => "analyzer",
            BackendRole::Cache => "cache",
            BackendRole::PriceStore => "price_store",
            BackendRole::SentimentStore => "sentiment_store",
            BackendRole::BackfillStore => "backfill_store",
            BackendRole::UserStore => "user_store",
        }
    }
}

impl std::fmt::Display for BackendRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a backend answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BackendStatus {
    /// Connected and answering.
    Up,
    /// Not answering; `reason` says why, without secrets.
    Down {
        /// What went wrong, e.g. the connection error's message.
        reason: String,
        /// How long until the backend is tried again, in milliseconds,
        /// while it sits out a back-off window; `None` when the next call
        /// tries it.
        retry_in_ms: Option<u64>,
    },
    /// The role is switched off (the `none://` cache).
    NotConfigured,
}

impl BackendStatus {
    /// `"up"`, `"down"` or `"not_configured"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BackendStatus::Up => "up",
            BackendStatus::Down { .. } => "down",
            BackendStatus::NotConfigured => "not_configured",
        }
    }
}

/// One backend's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendHealth {
    /// The part it plays.
    pub role: BackendRole,
    /// What it is: its URL redacted, its analyzer name, `user:NAME` for a
    /// user object with a name (market data, mention source, analyzer), or
    /// `user-defined` for a user cache or store.
    pub name: String,
    /// Whether it answers.
    pub status: BackendStatus,
    /// Calls to it that failed since the client was made (connects and
    /// operations the client guards: the URL store, a Redis cache, and a
    /// user's market data, mention source or analyzer, whose calls that
    /// gave no answer in time or failed with a backend-fault kind count;
    /// always 0 for the others, whose failures their calls report).
    pub failures: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_serialise_as_such() {
        let names: Vec<&str> = BackendRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            [
                "market_data",
                "social",
                "analyzer",
                "cache",
                "price_store",
                "sentiment_store",
                "backfill_store",
                "user_store"
            ]
        );
        for role in BackendRole::ALL {
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::json!(role.as_str())
            );
        }
        let down = BackendStatus::Down {
            reason: "refused".into(),
            retry_in_ms: Some(1500),
        };
        assert_eq!(down.as_str(), "down");
        assert_eq!(BackendStatus::Up.as_str(), "up");
        assert_eq!(BackendStatus::NotConfigured.as_str(), "not_configured");
        let health = BackendHealth {
            role: BackendRole::Cache,
            name: "redis://127.0.0.1:6379/0".into(),
            status: down,
            failures: 3,
        };
        assert_eq!(
            serde_json::to_value(&health).unwrap(),
            serde_json::json!({"role": "cache", "name": "redis://127.0.0.1:6379/0",
                "status": {"status": "down", "reason": "refused", "retry_in_ms": 1500},
                "failures": 3})
        );
    }
}
