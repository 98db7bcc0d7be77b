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

pub fn page(
    state: &SharedDesk,
    status: StatusCode,
    title: &str,
    member: Option<&str>,
    body: Markup,
) -> Response {
    let d = state.texts();
    let lang = state.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (d.desk_name) }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
            }
            body class="desk" {
                a class="skip-link" href="#main" { (lang.texts().skip_link) }
                header class="site-header" {
                    div class="site-header-inner" {
                        p class="site-name" { a href="/" { (d.desk_name) } }
                        @if let Some(name) = member {
                            p class="site-tagline" { (d.signed_in_as) " " (name) }
                            nav aria-label=(lang.texts().nav_label) {
                                ul {
                                    li { a href="/" { (d.nav_inbox) } }
                                    li { a href="/stats" { (d.nav_stats) } }
                                    li {
                                        form method="post" action="/sign-out" class="inline-form" {
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

/// The signed-in portal client, or the way to the unlock page.
pub async fn require_portal(state: &SharedDesk) -> Result<(Arc<Portal>, String), Response> {
    let Some(portal) = state.portal().await else {
        return Err(Redirect::to("/unlock").into_response());
    };
    if let Some(m) = portal.member().await {
        return Ok((portal, m.name));
    }
    match portal.sign_in().await {
        Ok(m) => Ok((portal, m.name)),
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

/// Parses a POSTed form and checks its CSRF token.
pub fn form(state: &SharedDesk, body: &[u8]) -> Result<urlencoded::Pairs, Response> {
    let pairs = urlencoded::parse(body, 32).map_err(|_| forbidden(state))?;
    let sent = first(&pairs, "csrf");
    if !crate::crypto::ct_eq(sent.as_bytes(), state.csrf().as_bytes()) {
        return Err(forbidden(state));
    }
    Ok(pairs)
}
