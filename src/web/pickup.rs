//! Signing in with the pickup code. A follow-up that arrives after its session has
//! ended is not lost: the pickup page carries it, and signing in again puts it back
//! in the message box.

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::error::WebError;
use super::layout::{Page, bad_request};
use super::session;
use super::sign_in::pickup_page;
use super::state::SharedState;
use super::thread::{ThreadForm, render_thread};
use crate::http::urlencoded::{self, MAX_FORM_FIELDS, first};
use crate::i18n::Lang;
use crate::pickup::{CodeError, PickupCode};

/// The longest typed code shown back after a refusal: a code with generous spacing.
const MAX_TYPED_CODE: usize = 64;

pub async fn pickup_form(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
) -> Page {
    pickup_page(&state, lang, StatusCode::OK, None, None, "", "")
}

pub async fn pickup(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let Ok(pairs) = urlencoded::parse(&body, MAX_FORM_FIELDS) else {
        return Ok(bad_request(lang));
    };
    let kept = first(&pairs, "kept_text").trim();
    let typed = first(&pairs, "code").trim();
    // Only something of a code's size is shown back; a paste of anything else is not.
    let typed = if typed.chars().count() <= MAX_TYPED_CODE {
        typed
    } else {
        ""
    };
    let refused = |error: &str| {
        pickup_page(
            &state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(error),
            None,
            kept,
            typed,
        )
        .into_response()
    };
    // The code is checked before anything touches the database: a typo or a
    // malformed code costs nothing and reveals nothing.
    let code = match PickupCode::parse(first(&pairs, "code")) {
        Ok(c) => c,
        Err(CodeError::Typo) => return Ok(refused(t.err_code_typo)),
        Err(CodeError::Format) => return Ok(refused(t.err_code_format)),
    };
    let derived = code.derive(&state.secrets.salt);
    let Some(case) = state.storage.case_by_lookup(&derived.lookup).await? else {
        return Ok(refused(&(t.err_code_unknown)(&state.numbers())));
    };
    // A new sign-in always gets a new token; an older session of this browser ends.
    if let Some(old) = state.cookie.read(&headers) {
        session::end(&state, &old).await?;
    }
    let (token, session) = session::start(&state, &case.id, derived.identity).await?;
    let mut response = if kept.is_empty() {
        Redirect::to(&lang.path("/thread")).into_response()
    } else {
        // Shown here rather than after a redirect: the kept text must not travel in
        // a URL, and it is not stored anywhere.
        let form = ThreadForm {
            text: kept.to_owned(),
            ..ThreadForm::default()
        };
        render_thread(&state, lang, &session, form, Some(t.kept_text_notice)).await?
    };
    response
        .headers_mut()
        .insert(header::SET_COOKIE, state.cookie.set(&token));
    Ok(response)
}
