//! The security headers of every response, one list for the portal and the desk:
//! a strict content policy, no referrer, no sniffing, no framing, no powerful
//! browser features, and isolation from other origins.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

use super::download::Sandboxed;

/// The policy of every page: nothing but our own stylesheet and images.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// The policy of a download: nothing may run or load, should a browser try to render it.
pub const SANDBOX_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

const FIXED: &[(&str, &str)] = &[
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("cross-origin-embedder-policy", "require-corp"),
];

/// Sets the fixed headers; `no-store, no-cache` unless a handler chose its own
/// caching (static files), no indexing except where a page allows it, the sandboxing policy
/// on downloads, and no header that names the server software.
pub fn set_headers(response: &mut Response) {
    let h = response.headers_mut();
    for (name, value) in FIXED {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        // `no-store` alone is not enough: lynx ignores it and shows a signed-out
        // reporter's thread again from its memory cache; it does refetch `no-cache`.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
    }
    if !h.contains_key("x-robots-tag") {
        h.insert(
            "x-robots-tag",
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    if response.extensions().get::<Sandboxed>().is_some() {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SANDBOX_CSP),
        );
    }
    let h = response.headers_mut();
    h.remove(header::SERVER);
    h.remove("x-powered-by");
}
