//! The reporter's session cookie: its name and attributes, and reading its token.

use axum::http::{HeaderMap, HeaderValue};
use zeroize::Zeroizing;

use crate::crypto;
use crate::http::cookie;

/// The cookie's name and attributes: strict (`__Host-`, Secure) behind TLS or an
/// onion address; without Secure on the plain-HTTP local demo, where it would not
/// be stored otherwise.
#[derive(Debug, Clone)]
pub struct CookiePolicy {
    /// Behind TLS or an onion address: the `__Host-` name and `Secure`.
    pub secure: bool,
}

impl CookiePolicy {
    /// The cookie's name.
    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-meldpunt"
        } else {
            "meldpunt"
        }
    }

    fn attributes(&self) -> &'static str {
        if self.secure {
            "; Path=/; Secure; HttpOnly; SameSite=Strict"
        } else {
            "; Path=/; HttpOnly; SameSite=Strict"
        }
    }

    /// The `Set-Cookie` value that starts a session with `token`.
    pub fn set(&self, token: &str) -> HeaderValue {
        HeaderValue::try_from(format!("{}={}{}", self.name(), token, self.attributes()))
            .expect("hex token is a valid header value")
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(&self) -> HeaderValue {
        HeaderValue::try_from(format!("{}={}; Max-Age=0", self.name(), self.attributes()))
            .expect("static cookie text is a valid header value")
    }

    /// The session token from the request's cookies, when well-formed.
    pub fn read(&self, headers: &HeaderMap) -> Option<Zeroizing<String>> {
        cookie(headers, self.name())
            .filter(|v| v.len() == 64 && crypto::unhex(v).is_some())
            .map(|v| Zeroizing::new(v.to_owned()))
    }
}
