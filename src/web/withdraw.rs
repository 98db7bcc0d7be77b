//! Withdrawing a report: a page that says what will happen, then a form that deletes
//! the case with its messages and files at once, through the same path as a purge
//! after retention. The code stops working; the committee keeps only the reference
//! and the day. The form carries a single-use token bound to the session, so a
//! second submit changes nothing.

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::error::WebError;
use super::form_token::{self, Purpose, TokenError};
use super::layout::{Page, bad_request, error_summary};
use super::session::ReporterSession;
use super::sign_in::session_ended;
use super::state::SharedState;
use crate::http::urlencoded::{self, MAX_FORM_FIELDS, first};
use crate::i18n::Lang;
use crate::storage::FormNonce;

/// Where a reporter finds the way to withdraw the report: a link to a page that
/// says what will happen before anything is deleted.
pub(super) fn thread_section(lang: Lang) -> Markup {
    let w = lang.texts().withdraw;
    html! {
        section class="withdraw" aria-labelledby="withdraw-heading" {
            h2 id="withdraw-heading" { (w.thread_heading) }
            p { (w.thread_text) }
            p { a href=(lang.path("/withdraw")) id="withdraw-link" { (w.thread_link) } }
        }
    }
}

/// The confirmation page; `error` when the box was not ticked or the form expired.
fn confirm_page(
    state: &SharedState,
    lang: Lang,
    session: &ReporterSession,
    error: Option<&str>,
) -> Page {
    let t = lang.texts();
    let w = t.withdraw;
    let token = form_token::mint(
        &state.secrets.form_key,
        Purpose::Withdraw,
        &session.form_binding,
        state.now().unix_timestamp(),
    );
    let body = html! {
        h1 { (w.confirm_title) }
        @if let Some(e) = error {
            (error_summary(t, &[("confirm", e)]))
        }
        ul { @for item in w.confirm_what { li { (item) } } }
        form method="post" action=(lang.path("/withdraw")) novalidate {
            input type="hidden" name="form_token" value=(token);
            div class={ "field" @if error.is_some() { " field-invalid" } } {
                @if let Some(e) = error { p class="field-error" id="confirm-error" { (e) } }
                div class="choice" {
                    input type="checkbox" id="confirm" name="confirm" value="yes"
                        aria-describedby=[error.map(|_| "confirm-error")]
                        aria-invalid=[error.map(|_| "true")];
                    label for="confirm" { (w.confirm_label) }
                }
            }
            button type="submit" class="button button-danger" { (w.confirm_button) }
        }
        p { a href=(lang.path("/thread")) id="withdraw-cancel" { (w.cancel) } }
    };
    let (title, status) = match error {
        Some(_) => (
            format!("{}: {}", t.error_summary_title, w.confirm_title),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None => (w.confirm_title.to_owned(), StatusCode::OK),
    };
    Page::new(lang, title, Some("/withdraw"), body).status(status)
}

pub async fn confirm(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    session: ReporterSession,
) -> Page {
    confirm_page(&state, lang, &session, None)
}

pub async fn withdraw(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    session: Option<ReporterSession>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let Ok(pairs) = urlencoded::parse(&body, MAX_FORM_FIELDS) else {
        return Ok(bad_request(lang));
    };
    // A second submit after the first one withdrew the report finds no session:
    // it gets the sign-in page, and nothing changes.
    let Some(session) = session else {
        return Ok(session_ended(&state, lang, ""));
    };
    let now = state.now();
    let verified = match form_token::verify(
        &state.secrets.form_key,
        Purpose::Withdraw,
        &session.form_binding,
        first(&pairs, "form_token"),
        now.unix_timestamp(),
        state.form_ttl_secs,
    ) {
        Ok(v) => v,
        Err(TokenError::Expired) => {
            return Ok(confirm_page(&state, lang, &session, Some(t.form_expired)).into_response());
        }
        Err(TokenError::Invalid) => return Ok(bad_request(lang)),
    };
    if first(&pairs, "confirm") != "yes" {
        let error = Some(t.withdraw.err_not_confirmed);
        return Ok(confirm_page(&state, lang, &session, error).into_response());
    }
    let today = now.date();
    let forget_on = today + time::Duration::days(state.retention_days);
    let nonce = FormNonce {
        nonce: &verified.nonce,
        forget_on: verified.forget_on,
    };
    // Withdrawn now, or by an identical submit a moment ago: either way it is gone.
    state
        .storage
        .withdraw_case(
            &session.case_id,
            &session.form_binding,
            &nonce,
            today,
            forget_on,
        )
        .await?;
    let w = t.withdraw;
    Ok(super::session::signed_out(
        &state,
        lang,
        w.done_title,
        w.done_text,
    ))
}
