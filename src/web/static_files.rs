//! robots.txt and the health check; the stylesheet and icon are in
//! [`crate::http::assets`], shared with the desk.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::state::SharedState;
use crate::http::assets::asset;

/// Only the landing pages may be indexed.
pub async fn robots() -> Response {
    asset(
        "text/plain; charset=utf-8",
        "User-agent: *\nAllow: /$\nAllow: /en$\nDisallow: /\n",
    )
}

/// 200 when the database answers, 503 otherwise; says nothing else.
pub async fn health(State(state): State<SharedState>) -> StatusCode {
    match state.storage.ping().await {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
