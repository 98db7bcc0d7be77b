//! The HTTP pieces the portal (`web`) and the committee desk (`desk`) both use:
//! security headers, strict form decoding, multipart uploads, cookie reading, the
//! file list markup, downloads and static assets. Nothing here knows either side's state, so both depend on it and it on
//! neither.

pub mod assets;
pub mod download;
pub mod files;
pub mod multipart;
pub mod security;
pub mod urlencoded;

use axum::http::{HeaderMap, header};

/// The value of the cookie `name` in a request's Cookie headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}
