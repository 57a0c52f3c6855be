//! The request pipeline: what happens to every request between the
//! router and the handler, in order.
//!
//! 1. `ops`' [`ObserveLayer`](super::ops::ObserveLayer): request id, span,
//!    panic answered as a JSON 500, request metrics.
//! 2. CORS, when origins are configured.
//! 3. [`gateway_then_route`]: the gateway's admission (client address,
//!    rate limit, body limit), then the strangler's dispatch (native under
//!    the group's timeout, legacy, or shadow), then the gateway's headers
//!    on the answer.
//! 4. Axum's extractor body limit and compression, around the handler.
//!
//! Steps 1 to 3 are one layer stack applied to the router once, steps 4
//! another: each layer axum applies to a router separately boxes and
//! clones the service chain again for every request, and a stack of ten
//! such layers cost more than the cached-quote handler behind them (see
//! the HTTP section of `benches/RESULTS.md`).

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use tower::ServiceBuilder;

use super::{api, gateway, ops, strangler, AppState};

/// `routes` (every handler, the fallback set) with the whole pipeline
/// around each.
pub(crate) fn around(routes: Router, state: &AppState) -> Router {
    let native = routes.layer(
        ServiceBuilder::new()
            .layer(DefaultBodyLimit::max(state.inner.settings.body_limit))
            .layer(api::compression()),
    );
    let steps = Steps {
        state: state.clone(),
        native: native.clone(),
    };
    native.layer(
        ServiceBuilder::new()
            .layer(ops::ObserveLayer::new(state))
            .option_layer(gateway::cors(state))
            .layer(from_fn_with_state(steps, gateway_then_route)),
    )
}

/// What step 3 holds: the state, and the native router the strangler runs
/// again for shadow comparisons.
#[derive(Clone)]
struct Steps {
    state: AppState,
    native: Router,
}

/// Step 3: admission, dispatch, the gateway's part of the answer.
async fn gateway_then_route(
    State(steps): State<Steps>,
    mut request: Request,
    next: Next,
) -> Response {
    let admitted = match gateway::admit(&steps.state, &mut request).await {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal,
    };
    let response = strangler::dispatch(&steps.state, &steps.native, request, next).await;
    gateway::answer(&steps.state, admitted, response)
}
