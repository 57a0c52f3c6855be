use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

use crate::error::{Error, Result};

use super::{api, ops, pipeline, strangler, AppState};

/// The whole application as one router: the native API and the
/// operations endpoints, the legacy upstream for the paths they do not
/// serve, and the request pipeline (request ids, metrics, CORS, limits,
/// strangler routing, timeouts, compression) around every one. Serve it
/// with [`serve`], or call it in process (`tower::ServiceExt::oneshot`).
pub fn app(state: AppState) -> Router {
    let routes = api::routes(&state).merge(ops::routes(&state));
    let routes = strangler::with_fallback(routes, &state);
    pipeline::around(routes, &state)
}

/// Serves [`app`] on `listener` until `shutdown` completes; then stops
/// accepting, lets the requests in flight finish, and closes the client's
/// pools.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let client = state.client().clone();
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::unavailable("the server stopped").with_source(e));
    client.close().await;
    served
}
