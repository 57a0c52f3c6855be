use std::fmt;
use std::str::FromStr;

use crate::error::{echo, Error, Result};

/// A group of `/api/v1/` routes, named by the path segment after
/// `/api/v1/` (the seed's services): the unit of rate limits, timeouts,
/// strangler routing and request metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RouteGroup {
    /// `/api/v1/stocks/...`: quotes, history, search.
    Stocks,
    /// `/api/v1/sentiment/...`.
    Sentiment,
    /// `/api/v1/users/...`.
    Users,
    /// `/api/v1/auth/...`.
    Auth,
    /// `/api/v1/notifications/...`.
    Notifications,
    /// `/api/v1/analytics/...`.
    Analytics,
    /// `/api/v1/correlation/...`.
    Correlation,
    /// `/api/v1/cache/...`: the operator's cache service.
    Cache,
    /// `/api/v1/migrate/...`: the operator's migration service.
    Migrate,
}

impl RouteGroup {
    /// Every group, in declaration order.
    pub const ALL: [RouteGroup; 9] = [
        RouteGroup::Stocks,
        RouteGroup::Sentiment,
        RouteGroup::Users,
        RouteGroup::Auth,
        RouteGroup::Notifications,
        RouteGroup::Analytics,
        RouteGroup::Correlation,
        RouteGroup::Cache,
        RouteGroup::Migrate,
    ];

    /// The path segment naming the group (`"stocks"`), also its name in
    /// the route file, the metrics and the logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            RouteGroup::Stocks => "stocks",
            RouteGroup::Sentiment => "sentiment",
            RouteGroup::Users => "users",
            RouteGroup::Auth => "auth",
            RouteGroup::Notifications => "notifications",
            RouteGroup::Analytics => "analytics",
            RouteGroup::Correlation => "correlation",
            RouteGroup::Cache => "cache",
            RouteGroup::Migrate => "migrate",
        }
    }

    /// The group of a request path: `/api/v1/NAME` or `/api/v1/NAME/...`
    /// for a known `NAME`, else `None`. O(path length), no allocation.
    pub fn of_path(path: &str) -> Option<RouteGroup> {
        let rest = path.strip_prefix("/api/v1/")?;
        let segment = rest.split('/').next()?;
        RouteGroup::ALL.into_iter().find(|g| g.as_str() == segment)
    }

    /// The seed gateway's budget for the group, in requests a minute per
    /// client (`RATE_LIMITS`): stocks 100, sentiment 50, users 30,
    /// notifications 20, analytics 40, correlation 30. Auth shares the
    /// users figure (the seed's gateway had no auth route); the operator
    /// groups (cache, migrate), behind their token, have none.
    pub const fn default_per_minute(self) -> Option<u32> {
        match self {
            RouteGroup::Stocks => Some(100),
            RouteGroup::Sentiment => Some(50),
            RouteGroup::Users | RouteGroup::Auth => Some(30),
            RouteGroup::Notifications => Some(20),
            RouteGroup::Analytics => Some(40),
            RouteGroup::Correlation => Some(30),
            RouteGroup::Cache | RouteGroup::Migrate => None,
        }
    }
}

impl fmt::Display for RouteGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RouteGroup {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        RouteGroup::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = RouteGroup::ALL.iter().map(|g| g.as_str()).collect();
                Error::invalid_input(format!(
                    "unknown route group {}; expected one of {}",
                    echo(s),
                    names.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_from_the_path_segment() {
        assert_eq!(RouteGroup::of_path("/api/v1/stocks/AAPL/quote"), Some(RouteGroup::Stocks));
        assert_eq!(RouteGroup::of_path("/api/v1/cache/stats"), Some(RouteGroup::Cache));
        assert_eq!(RouteGroup::of_path("/api/v1/stocks"), Some(RouteGroup::Stocks));
        assert_eq!(RouteGroup::of_path("/api/v1/stocksx/a"), None);
        assert_eq!(RouteGroup::of_path("/health"), None);
        for group in RouteGroup::ALL {
            assert_eq!(group.as_str().parse::<RouteGroup>().ok(), Some(group));
        }
        assert!("nope".parse::<RouteGroup>().is_err());
    }
}
