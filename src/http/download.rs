//! Downloads of files someone uploaded: the portal's thread and the desk send them
//! the same way, as attachments a browser never renders, sniffs or scripts.

use axum::body::Body;
use axum::http::header;
use axum::response::Response;

/// Headers for a download: never rendered, never sniffed, never scripted.
pub fn response(name: &str, body: Body) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = header::HeaderValue::try_from(disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        "x-download-options",
        header::HeaderValue::from_static("noopen"),
    );
    r.extensions_mut().insert(Sandboxed);
    r
}

/// Marks a download so the security layer sends the sandboxing CSP.
#[derive(Clone, Copy)]
pub struct Sandboxed;
