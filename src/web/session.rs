//! Reporter sessions: one cookie with a random 256-bit token; the database row is
//! found by a value derived from the token and holds the case id and the reporter's
//! key sealed to another key derived from it. Neither the row nor the cookie alone
//! reveals anything, and any instance on the same database can serve the session.

use age::secrecy::ExposeSecret;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};

use super::error::WebError;
use super::layout::message_page;
use super::sign_in::session_ended;
use super::state::SharedState;
use crate::crypto::{self, Identity};
use crate::i18n::Lang;

/// An active reporter session: which case, and the key that opens its messages.
pub struct ReporterSession {
    pub case_id: String,
    pub identity: Identity,
    /// What the session's follow-up forms are bound to (see `form_token`).
    pub form_binding: [u8; 32],
}

/// The session of a request, for a handler that needs one: a request without a
/// session cookie is sent to the sign-in page, one whose session has ended gets
/// that page with a notice (and the cookie cleared).
impl FromRequestParts<SharedState> for ReporterSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Response> {
        let lang = lang_of(parts);
        let Some(token) = state.cookie.read(&parts.headers) else {
            return Err(Redirect::to(&lang.path("/pickup")).into_response());
        };
        match resume(state, &token).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(session_ended(state, lang, "")),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The session of a request, or `None` without a cookie or after its end: for a
/// handler that must read the body first (a follow-up is given back, not lost).
impl OptionalFromRequestParts<SharedState> for ReporterSession {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Option<Self>, WebError> {
        match state.cookie.read(&parts.headers) {
            Some(token) => resume(state, &token).await,
            None => Ok(None),
        }
    }
}

/// The language the router set for this request's path (Dutch, or English under
/// `/en`).
fn lang_of(parts: &Parts) -> Lang {
    parts.extensions.get::<Lang>().copied().unwrap_or(Lang::Nl)
}

#[derive(Serialize, Deserialize)]
struct SealedState {
    case: String,
    identity: String,
    /// The absolute end (Unix seconds). Kept inside the sealed state rather than in
    /// a column, so the database does not say when anyone signed in.
    ends_at: i64,
}

struct TokenKeys {
    id: [u8; 32],
    identity: Identity,
}

fn token_keys(token_hex: &str) -> Option<TokenKeys> {
    let token = Zeroizing::new(crypto::unhex(token_hex)?);
    let id = *crypto::hkdf32(&token, b"meldpunt v1 session", b"row id");
    let key = crypto::hkdf32(&token, b"meldpunt v1 session", b"state key");
    Some(TokenKeys {
        id,
        identity: crypto::identity_from_bytes(&key),
    })
}

/// Starts a session for a case; returns the token for the cookie and the session.
pub async fn start(
    state: &SharedState,
    case_id: &str,
    reporter: Identity,
) -> Result<(Zeroizing<String>, ReporterSession), WebError> {
    let token = Zeroizing::new(crypto::hex(&crypto::random_bytes::<32>()));
    let keys = token_keys(&token).expect("a fresh token is valid hex");
    let plain = Zeroizing::new(
        serde_json::to_vec(&SealedState {
            case: case_id.to_owned(),
            identity: reporter.to_string().expose_secret().to_owned(),
            ends_at: state.now().unix_timestamp() + state.session_max_secs,
        })
        .expect("session state serialises"),
    );
    let sealed = crypto::seal_to_one(&plain, &keys.identity.to_public())?;
    let expires =
        state.now().unix_timestamp() + state.session_idle_secs.min(state.session_max_secs);
    state
        .storage
        .create_session(&keys.id, &sealed, expires)
        .await?;
    let session = ReporterSession {
        case_id: case_id.to_owned(),
        identity: reporter,
        form_binding: keys.id,
    };
    Ok((token, session))
}

/// Resumes a live session and extends its idle timeout, never past its absolute end.
pub async fn resume(state: &SharedState, token: &str) -> Result<Option<ReporterSession>, WebError> {
    let Some(keys) = token_keys(token) else {
        return Ok(None);
    };
    let now = state.now().unix_timestamp();
    let Some(sealed) = state.storage.live_session(&keys.id, now).await? else {
        // An expired row goes now rather than at the next housekeeping tick.
        state.storage.delete_session(&keys.id).await?;
        return Ok(None);
    };
    let plain = crypto::open(&sealed, &keys.identity)?;
    let Ok(s) = serde_json::from_slice::<SealedState>(&plain) else {
        return Ok(None);
    };
    if now >= s.ends_at {
        state.storage.delete_session(&keys.id).await?;
        return Ok(None);
    }
    let identity = Zeroizing::new(s.identity);
    let Some(identity) = crypto::parse_identity(&identity) else {
        return Ok(None);
    };
    state
        .storage
        .touch_session(&keys.id, (now + state.session_idle_secs).min(s.ends_at))
        .await?;
    Ok(Some(ReporterSession {
        case_id: s.case,
        identity,
        form_binding: keys.id,
    }))
}

/// Ends a session: its row is deleted, so the token opens nothing any more.
pub async fn end(state: &SharedState, token: &str) -> Result<(), WebError> {
    if let Some(keys) = token_keys(token) {
        state.storage.delete_session(&keys.id).await?;
    }
    Ok(())
}

/// The page after a session ended on purpose (sign-out, withdrawal): the cookie is
/// cleared, and so is the browser's cache. Browsers may keep no-store pages in the
/// back/forward cache; this drops the thread from it, so Back does not show it again.
pub(super) fn signed_out(state: &SharedState, lang: Lang, title: &str, text: &str) -> Response {
    let mut response = message_page(lang, StatusCode::OK, title, text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, state.cookie.clear());
    headers.insert(
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\""),
    );
    response
}
