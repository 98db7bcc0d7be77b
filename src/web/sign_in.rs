//! The sign-in page (the pickup form), and what a request gets when its session has
//! ended: that page with a notice, the cookie cleared, and any follow-up it carried
//! kept in the form so that signing in again puts it back in the message box.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{Page, error_summary, field_error};
use super::state::SharedState;
use crate::i18n::Lang;

/// The pickup form. `kept` is a follow-up that was written but not sent; it goes
/// along with the code so that signing in gives it back. `code` is what was typed
/// before a refusal, shown again so it can be compared character by character (a
/// refused code opens nothing, so showing it back reveals nothing).
pub(super) fn pickup_page(
    state: &SharedState,
    lang: Lang,
    status: StatusCode,
    error: Option<&str>,
    notice: Option<&str>,
    kept: &str,
    code: &str,
) -> Page {
    let t = lang.texts();
    let body = html! {
        h1 { (t.pickup_title) }
        @if let Some(e) = error {
            (error_summary(t, &[("code", e)]))
        }
        @if let Some(n) = notice {
            div class="notice" role="status" { p { (n) } }
        }
        p class="lead" { ((t.pickup_intro)(&state.numbers())) }
        form method="post" action=(lang.path("/pickup")) novalidate {
            div class={ "field" @if error.is_some() { " field-invalid" } } {
                label for="code" { (t.code_label) }
                p class="hint" id="code-hint" { (t.code_hint) }
                @if let Some(e) = error { (field_error(t, "code-error", html! { (e) })) }
                input type="text" id="code" name="code" class="code-input" value=(code)
                    autocomplete="off" autocapitalize="characters" spellcheck="false"
                    aria-describedby={ "code-hint" @if error.is_some() { " code-error" } }
                    aria-invalid=[error.is_some().then_some("true")];
            }
            @if !kept.is_empty() {
                div class="field" {
                    label for="kept-text" { (t.kept_text_label) }
                    p class="hint" id="kept-text-hint" { (t.kept_text_hint) }
                    textarea id="kept-text" name="kept_text" rows="6" autocomplete="off"
                        aria-describedby="kept-text-hint" { (kept) }
                }
            }
            button type="submit" class="button" { (t.pickup_button) }
        }
    };
    let title = if error.is_some() {
        format!("{}: {}", t.error_summary_title, t.pickup_title)
    } else {
        t.pickup_title.to_owned()
    };
    Page::new(lang, title, Some("/pickup"), body).status(status)
}

/// The pickup page for a request whose session has ended, clearing the cookie.
pub(super) fn session_ended(state: &SharedState, lang: Lang, kept: &str) -> Response {
    let t = lang.texts();
    let mut response = pickup_page(
        state,
        lang,
        StatusCode::OK,
        None,
        Some(&(t.session_ended)(&state.numbers())),
        kept,
        "",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, state.cookie.clear());
    response
}
