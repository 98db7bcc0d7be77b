//! The stylesheet and the icon, compiled into the binary so a deployment is one
//! file; the portal and the desk serve the same ones.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A static body with its type, cacheable for an hour (unlike every page).
pub fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// GET /static/style.css.
pub async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    )
}

/// GET /static/favicon.svg (and /favicon.ico on the portal).
pub async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("../../static/favicon.svg"))
}
