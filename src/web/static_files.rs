//! The stylesheet, the icon, robots.txt and the health check, compiled into the
//! binary so a deployment is one file.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    )
}

pub async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("../../static/favicon.svg"))
}

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
