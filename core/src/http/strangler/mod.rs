//! Strangler routing: each route group served natively, by the legacy
//! upstream, or by both (shadow), as the route table says; `/api/v1/`
//! paths no native handler serves go to the legacy upstream when one is
//! configured (the seed's stage 1), else answer 404.
//!
//! - `table`: the route file (TOML), read at start and on [`Strangler::reload`].
//! - `proxy`: the streaming reverse proxy, its timeouts and breaker.
//! - `shadow`: shadow mode's off-path native run and bounded copies.
//! - `compare`: the JSON comparison.
//!
//! The table is swapped whole (`arc-swap`): a request takes the table in
//! force when it starts and keeps it to its end. Choosing a route costs one
//! atomic load and a scan of the path's first segment.

mod compare;
mod proxy;
mod shadow;
mod table;

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Semaphore;

use crate::error::{Error, Result};
use crate::resilience::BreakerState;

use super::{AppState, RouteGroup, ServerSettings};

use proxy::Legacy;
use table::{Mode, RouteTable};

/// The route table in force and the legacy upstream.
pub(crate) struct Strangler {
    file: Option<PathBuf>,
    legacy: Option<Legacy>,
    table: ArcSwap<RouteTable>,
    /// The bound on shadow comparisons in flight.
    shadow_permits: Arc<Semaphore>,
    /// The bound on shadow comparisons started a second, as the table in
    /// force sets it.
    shadow_budget: ArcSwap<shadow::Budget>,
}

impl Strangler {
    /// Reads the route file, when one is set, and prepares the proxy to the
    /// legacy upstream, when one is set. Errors: a route file that cannot be
    /// read or parsed, a legacy URL that is not HTTP, or a table sending a
    /// group to the legacy side with no legacy URL.
    pub(crate) fn new(settings: &ServerSettings) -> Result<Self> {
        let legacy = settings
            .legacy_url
            .as_ref()
            .map(|url| Legacy::new(url, settings))
            .transpose()?;
        let table = match &settings.routes_file {
            Some(path) => RouteTable::read(path)?,
            None => RouteTable::default(),
        };
        check_legacy(&table, legacy.is_some())?;
        Ok(Strangler {
            file: settings.routes_file.clone(),
            legacy,
            shadow_budget: ArcSwap::from_pointee(shadow::Budget::new(table.shadow.max_per_second)),
            table: ArcSwap::from_pointee(table),
            shadow_permits: Arc::new(Semaphore::new(shadow::MAX_IN_FLIGHT)),
        })
    }

    /// Re-reads the route file; see [`AppState::reload_routes`]. Without a
    /// route file there is nothing to re-read: `Ok`. A file that does not
    /// read, parse or fit the settings leaves the table in force.
    pub(crate) fn reload(&self) -> Result<()> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let table = RouteTable::read(path)?;
        check_legacy(&table, self.legacy.is_some())?;
        if self.shadow_budget.load().per_second() != table.shadow.max_per_second {
            self.shadow_budget
                .store(Arc::new(shadow::Budget::new(table.shadow.max_per_second)));
        }
        self.table.store(Arc::new(table));
        tracing::info!("route table reloaded");
        Ok(())
    }

    /// The legacy upstream's name and breaker state (an outage window after
    /// a refused connection shows as open), for `/metrics` and `/ready`;
    /// `None` without a legacy upstream. A lock held for a few instructions.
    pub(crate) fn legacy_state(&self) -> Option<(&'static str, BreakerState)> {
        self.legacy
            .as_ref()
            .map(|legacy| (proxy::LEGACY_NAME, legacy.state()))
    }
}

fn check_legacy(table: &RouteTable, has_legacy: bool) -> Result<()> {
    if table.needs_legacy() && !has_legacy {
        return Err(Error::invalid_input(
            "the route table sends groups to the legacy upstream (legacy or shadow), \
             but no legacy URL is configured",
        ));
    }
    Ok(())
}

/// `native` with paths no native handler serves sent to the legacy
/// upstream when there is one (its fallback replaced).
pub(crate) fn with_fallback(native: Router, state: &AppState) -> Router {
    let fallback_state = state.clone();
    native.fallback(move |request: Request| {
        let state = fallback_state.clone();
        async move { no_native_handler(&state, request).await }
    })
}

/// Sends `request` where the route table says its group goes: to `next`
/// (the native handler the router matched, under its group's timeout), to
/// the legacy upstream, or to both (shadow: the legacy answer served, the
/// native one computed again through `native` and compared off the
/// request path). Paths outside the groups, and groups when no legacy
/// upstream is configured, go to `next`. One atomic load of the table.
pub(crate) async fn dispatch(
    state: &AppState,
    native: &Router,
    request: Request,
    next: Next,
) -> Response {
    let Some(group) = RouteGroup::of_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let routes = &state.inner.routes;
    // This request keeps this table, whatever a reload does meanwhile.
    let table = routes.table.load_full();
    let legacy = match (table.mode(group), &routes.legacy) {
        (Mode::Native, _) | (_, None) => return native_answer(state, group, request, next).await,
        (Mode::Legacy, Some(legacy)) => return proxied(legacy, request).await,
        (Mode::Shadow, Some(legacy)) => legacy,
    };
    shadow::serve(state, native, legacy, group, table, request).await
}

/// The native answer: a handler the router matched runs under its group's
/// timeout; an unmatched path goes to the fallback (the legacy proxy has
/// timeouts of its own).
async fn native_answer(
    state: &AppState,
    group: RouteGroup,
    request: Request,
    next: Next,
) -> Response {
    if request.extensions().get::<MatchedPath>().is_none() {
        return next.run(request).await;
    }
    super::api::within_timeout(state, group, next.run(request)).await
}

/// The answer for a path no native handler serves.
async fn no_native_handler(state: &AppState, request: Request) -> Response {
    if request.extensions().get::<shadow::ShadowCall>().is_some() {
        let mut answer = not_found();
        answer.extensions_mut().insert(shadow::NoNativeHandler);
        return answer;
    }
    match &state.inner.routes.legacy {
        Some(legacy) if request.uri().path().starts_with("/api/v1/") => {
            proxied(legacy, request).await
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    // FastAPI's detail for a path it has no route for.
    Error::not_found("Not Found").into_response()
}

/// `request` answered by the legacy upstream, streamed both ways.
async fn proxied(legacy: &Legacy, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    match legacy.send(&parts, proxy::streamed(body)).await {
        Ok(answer) => proxy::relay(answer, |a| axum::body::Body::from_stream(a.bytes_stream())),
        Err(err) => proxy::answer_error(err),
    }
}

#[cfg(test)]
mod tests;
