//! How an [`Error`] answers over HTTP: the status of its kind and a
//! `{"detail": message, "code": kind}` body (FastAPI's `detail`, plus the
//! stable kind), with `Retry-After` when the error carries a wait.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// The JSON body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person: never a secret, and for an internal
    /// error never the internal message (that goes to the log).
    pub detail: String,
    /// The [`ErrorKind`] name (`"NotFound"`), stable across versions.
    pub code: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let kind = self.kind();
        let status =
            StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = if kind == ErrorKind::Internal {
            tracing::error!(error = %self, "internal error answered as 500");
            "internal error".to_owned()
        } else {
            self.message().to_owned()
        };
        let body = ErrorBody {
            detail,
            code: kind.as_str().to_owned(),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(after) = self.retry_after() {
            // Whole seconds, rounded up: a wait of 200 ms is "1", not "0".
            let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn kinds_answer_their_status_and_internal_messages_stay_in() {
        let response = Error::not_found("no such symbol").into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = Error::unavailable("down")
            .with_retry_after(Duration::from_millis(1500))
            .into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        let response = Error::internal("pool state 0x7f").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
