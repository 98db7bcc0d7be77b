//! The desk's page frame and the checks every handler shares: the signed-in portal
//! client, the CSRF token on forms, and error pages.
// Handlers answer early with a finished page; boxing axum's Response would only
// add noise to every early return.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};

use super::SharedDesk;
use super::client::{Portal, PortalError};
use crate::http::urlencoded::{self, first};
use crate::i18n::Lang;
use crate::protocol::RosterChange;

pub fn page(
    state: &SharedDesk,
    status: StatusCode,
    title: &str,
    member: Option<&str>,
    body: Markup,
) -> Response {
    page_refreshing(state, status, title, member, body, false)
}

/// A page that, when `refresh` is set, reloads itself every two seconds (the
/// progress of long work, without JavaScript).
pub fn page_refreshing(
    state: &SharedDesk,
    status: StatusCode,
    title: &str,
    member: Option<&str>,
    body: Markup,
    refresh: bool,
) -> Response {
    let d = state.texts();
    let lang = state.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if refresh { meta http-equiv="refresh" content="2"; }
                title { (title) " — " (d.desk_name) }
                link rel="stylesheet" href=(state.href("/static/style.css"));
                link rel="icon" href=(state.href("/static/favicon.svg")) type="image/svg+xml";
            }
            body class="desk" {
                a class="skip-link" href="#main" { (lang.texts().skip_link) }
                header class="site-header" {
                    div class="site-header-inner" {
                        p class="site-name" { a href=(state.href("/")) { (d.desk_name) } }
                        @if let Some(name) = member {
                            p class="site-tagline" { (d.signed_in_as) " " (name) }
                            nav aria-label=(lang.texts().nav_label) {
                                ul {
                                    li { a href=(state.href("/")) { (d.nav_inbox) } }
                                    li { a href=(state.href("/stats")) { (d.nav_stats) } }
                                    li { a href=(state.href("/notifications")) { (d.nav_notify) } }
                                    li { a href=(state.href("/roster")) { (state.trust_texts().nav_roster) } }
                                    li { a href=(state.href("/reseal")) { (super::reseal_texts::texts(state).nav) } }
                                    li {
                                        form method="post" action=(state.href("/sign-out")) class="inline-form" {
                                            input type="hidden" name="csrf" value=(state.csrf());
                                            button type="submit" class="link-button" { (d.sign_out) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    };
    (status, markup).into_response()
}

pub fn message(state: &SharedDesk, status: StatusCode, title: &str, text: &str) -> Response {
    page(
        state,
        status,
        title,
        None,
        html! { h1 { (title) } p { (text) } },
    )
}

pub fn forbidden(state: &SharedDesk) -> Response {
    let d = state.texts();
    message(
        state,
        StatusCode::FORBIDDEN,
        d.forbidden_title,
        d.forbidden_text,
    )
}

pub async fn not_found(State(state): State<SharedDesk>) -> Response {
    let d = state.texts();
    message(
        &state,
        StatusCode::NOT_FOUND,
        d.not_found_title,
        state.lang.texts().not_found_text,
    )
}

pub fn portal_error(state: &SharedDesk, e: &PortalError) -> Response {
    if e.is_left_out() {
        let d = state.texts();
        return message(
            state,
            StatusCode::FORBIDDEN,
            d.left_out_title,
            d.left_out_text,
        );
    }
    if e.is_not_found() {
        let d = state.texts();
        return message(
            state,
            StatusCode::NOT_FOUND,
            d.not_found_title,
            state.lang.texts().not_found_text,
        );
    }
    tracing::warn!(error = %e, "portal request failed");
    message(
        state,
        StatusCode::BAD_GATEWAY,
        state.texts().portal_error_title,
        &e.to_string(),
    )
}

/// The signed-in portal client, or the way to the unlock page. Does not look at
/// the roster: only the roster page itself uses this directly.
pub async fn require_signed_in(state: &SharedDesk) -> Result<(Arc<Portal>, String), Response> {
    let Some(portal) = state.portal().await else {
        return Err(Redirect::to(&state.href("/unlock")).into_response());
    };
    if let Some(m) = portal.member().await {
        return Ok((portal, m.name.to_string()));
    }
    match portal.sign_in().await {
        Ok(m) => Ok((portal, m.name.to_string())),
        Err(PortalError::SignInRefused) => {
            let d = state.texts();
            Err(message(
                state,
                StatusCode::FORBIDDEN,
                d.unlock_title,
                d.err_sign_in,
            ))
        }
        Err(e) => Err(portal_error(state, &e)),
    }
}

/// The signed-in portal client, provided the portal's roster is the one the member
/// confirmed; otherwise the way to the roster page, where a first roster or a
/// change is shown and confirmed.
pub async fn require_portal(state: &SharedDesk) -> Result<(Arc<Portal>, String), Response> {
    let (portal, name) = require_signed_in(state).await?;
    let roster = match portal.roster().await {
        Ok(r) => r,
        Err(e) => return Err(portal_error(state, &e)),
    };
    let pin = match state.pins.load(&state.origin) {
        Ok(p) => p,
        Err(e) => {
            return Err(message(
                state,
                StatusCode::INTERNAL_SERVER_ERROR,
                state.texts().portal_error_title,
                &e.to_string(),
            ));
        }
    };
    match pin {
        Some(pin) if RosterChange::between(&pin.entries, &roster).is_empty() => Ok((portal, name)),
        _ => Err(Redirect::to(&state.href("/roster")).into_response()),
    }
}

/// The pinned roster's recipients (after [`require_portal`] they equal the portal's).
pub fn pinned_roster(state: &SharedDesk) -> Vec<crate::protocol::RosterEntry> {
    state
        .pins
        .load(&state.origin)
        .ok()
        .flatten()
        .map(|p| p.entries)
        .unwrap_or_default()
}

/// Parses a POSTed form and checks its CSRF token.
pub fn form(state: &SharedDesk, body: &[u8]) -> Result<urlencoded::Pairs, Response> {
    let pairs = urlencoded::parse(body, 32).map_err(|_| forbidden(state))?;
    let sent = first(&pairs, "csrf");
    if !crate::crypto::ct_eq(sent.as_bytes(), state.csrf().as_bytes()) {
        return Err(forbidden(state));
    }
    Ok(pairs)
}

/// A whole number as the desk's language writes it: `1.234` in Dutch, `1,234` in
/// English.
pub fn number(lang: Lang, n: usize) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Nl => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// A number with one decimal as the desk's language writes it: `2,5` in Dutch,
/// `2.5` in English.
pub fn decimal(lang: Lang, x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
    let sign = if tenths < 0 { "-" } else { "" };
    let point = match lang {
        Lang::Nl => ',',
        Lang::En => '.',
    };
    format!("{sign}{}{point}{frac}", number(lang, whole as usize))
}

/// A problem with one field of a form: the field's id and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the field the message belongs to.
    pub field: &'static str,
    /// What is wrong and what to do, in the desk's language.
    pub message: String,
}

impl FieldError {
    /// A problem with the field `field`.
    pub fn new(field: &'static str, message: &str) -> Self {
        Self {
            field,
            message: message.to_owned(),
        }
    }
}

/// The error summary above a form: a heading and a link to each field in error.
pub fn error_summary(state: &SharedDesk, errors: &[FieldError]) -> Markup {
    let d = state.texts();
    html! {
        @if !errors.is_empty() {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (d.error_summary_title) }
                ul {
                    @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } }
                }
            }
        }
    }
}

/// The message at a field in error, if it is one.
pub fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a FieldError> {
    errors.iter().find(|e| e.field == field)
}

/// The id the message of a field in error carries (for `aria-describedby`).
pub fn error_id(field: &str) -> String {
    format!("{field}-error")
}

/// `aria-invalid` and `aria-describedby` of a field (after its hint, if any), and
/// its problem.
pub fn invalid<'a>(
    errors: &'a [FieldError],
    field: &str,
    hint: Option<&str>,
) -> (Option<&'static str>, Option<String>, Option<&'a FieldError>) {
    let error = field_error(errors, field);
    let described = match (hint, error) {
        (Some(h), Some(_)) => Some(format!("{h} {}", error_id(field))),
        (Some(h), None) => Some(h.to_owned()),
        (None, Some(_)) => Some(error_id(field)),
        (None, None) => None,
    };
    (error.map(|_| "true"), described, error)
}

/// The problem shown at a field, above its input.
pub fn error_message(e: Option<&FieldError>) -> Markup {
    html! {
        @if let Some(e) = e {
            p class="field-error" id=(error_id(e.field)) { (e.message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_dutch_way_in_dutch_and_the_english_way_in_english() {
        assert_eq!(number(Lang::Nl, 1_234_567), "1.234.567");
        assert_eq!(number(Lang::En, 1_234), "1,234");
        assert_eq!(number(Lang::Nl, 12), "12");
        assert_eq!(decimal(Lang::Nl, 0.0), "0,0");
        assert_eq!(decimal(Lang::Nl, 2.25), "2,3");
        assert_eq!(decimal(Lang::En, 1234.5), "1,234.5");
    }
}
