//! Headers on every response, the cross-site check on POSTs, the friendly error
//! pages that replace whatever an inner layer (router, body limit, rate limiter,
//! timeout, handler error) answered with, and the page frame with the site
//! profile's names and `Onion-Location`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::layout::{Rendered, message_page, take_page};
use super::state::SharedState;
use crate::i18n::Lang;

/// Sets the security headers on every response (the list shared with the desk),
/// and HSTS when the portal is reached over TLS or an onion address.
pub async fn headers(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    crate::http::security::set_headers(&mut response);
    if state.cookie.secure {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        );
    }
    response
}

/// Refuses POSTs that a browser marks as coming from another site. Requests without
/// these headers (older browsers, `Origin: null` under `no-referrer`) pass: the
/// session cookie is SameSite=Strict and forms carry single-use tokens.
pub async fn same_origin_posts(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::POST | Method::PUT)
        && is_cross_site(request.headers(), state.public_origin.as_deref())
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return false;
    }
    if public_origin.is_some_and(|p| p.eq_ignore_ascii_case(origin)) {
        return false;
    }
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    !origin_host.eq_ignore_ascii_case(host)
}

/// Replaces bare error responses with a page in the language of the request path.
pub async fn error_pages(request: Request, next: Next) -> Response {
    let lang = Lang::from_path(request.uri().path());
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Rendered>().is_some()
    {
        return response;
    }
    if api {
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if is_json {
            return response;
        }
        // Bare statuses from the layers (404, 405, 413, 429, 500) become JSON too;
        // extractor rejections would otherwise describe our internals.
        let (parts, _) = response.into_parts();
        let mut json = (
            status,
            axum::Json(
                serde_json::json!({ "error": status.canonical_reason().unwrap_or("error") }),
            ),
        )
            .into_response();
        carry_over(&parts.headers, json.headers_mut());
        return json;
    }
    let t = lang.texts();
    let (title, text) = match status {
        StatusCode::NOT_FOUND => (t.not_found_title, t.not_found_text),
        StatusCode::METHOD_NOT_ALLOWED => (t.method_title, t.method_text),
        StatusCode::PAYLOAD_TOO_LARGE => (t.too_large_title, t.too_large_text),
        StatusCode::TOO_MANY_REQUESTS => (t.too_many_title, t.too_many_text),
        StatusCode::FORBIDDEN => (t.forbidden_title, t.forbidden_text),
        StatusCode::SERVICE_UNAVAILABLE => (t.unavailable_title, t.unavailable_text),
        s if s.is_server_error() => (t.server_error_title, t.server_error_text),
        _ => (t.bad_request_title, t.bad_request_text),
    };
    let (parts, _) = response.into_parts();
    let mut page = message_page(lang, status, title, text).into_response();
    carry_over(&parts.headers, page.headers_mut());
    page
}

/// Keeps what tells the client how to go on (Allow, Retry-After) and drops the rest,
/// e.g. a content type or length that belonged to the old body. The rate limiter
/// rounds its wait down to whole seconds; a client that waited that long would be
/// refused again, so Retry-After is rounded up.
fn carry_over(from: &HeaderMap, to: &mut HeaderMap) {
    if let Some(v) = from.get(header::ALLOW) {
        to.insert(header::ALLOW, v.clone());
    }
    if let Some(v) = from.get(header::RETRY_AFTER) {
        let rounded_up = v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|secs| HeaderValue::from(secs.saturating_add(1)));
        to.insert(header::RETRY_AFTER, rounded_up.unwrap_or_else(|| v.clone()));
    }
}

/// Draws every page in its frame with the site profile's names, and points Tor
/// Browser at the same page on the onion service when the profile names one and
/// the request did not already come that way.
pub async fn frame(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let onion_location = state
        .site
        .onion
        .as_ref()
        .filter(|_| !came_over_onion(request.headers()))
        .and_then(|onion| {
            HeaderValue::try_from(format!("http://{onion}{}", request.uri().path())).ok()
        });
    let mut response = next.run(request).await;
    let Some(page) = take_page(&mut response) else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(location) = onion_location {
        parts
            .headers
            .insert(header::HeaderName::from_static("onion-location"), location);
    }
    Response::from_parts(parts, page.render(&state.site).0.into())
}

fn came_over_onion(headers: &HeaderMap) -> bool {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h))
        .is_some_and(|h| h.to_ascii_lowercase().ends_with(".onion"))
}
