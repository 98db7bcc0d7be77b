//! Unlocking the identity and signing out.

use std::sync::Arc;

use age::secrecy::SecretString;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use zeroize::Zeroize;

use super::SharedDesk;
use super::client::{Portal, PortalError};
use super::layout::{form, message, page, portal_error};
use crate::http::urlencoded::first;

pub async fn unlock_form(State(state): State<SharedDesk>) -> Response {
    if state.portal().await.is_some() {
        return Redirect::to(&state.href("/")).into_response();
    }
    unlock_page(&state, None)
}

fn unlock_page(state: &SharedDesk, error: Option<&str>) -> Response {
    let d = state.texts();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        state,
        status,
        d.unlock_title,
        None,
        html! {
            h1 { (d.unlock_title) }
            @if let Some(e) = error {
                div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus {
                    p { (e) }
                }
            }
            @if state.identity_file.is_encrypted() {
                p { (d.unlock_intro) }
            } @else {
                p { (state.trust_texts().locked_intro) }
            }
            form method="post" action=(state.href("/unlock")) {
                input type="hidden" name="csrf" value=(state.csrf());
                @if state.identity_file.is_encrypted() {
                    div class="field" {
                        label for="passphrase" { (d.passphrase_label) }
                        input type="password" id="passphrase" name="passphrase" autocomplete="current-password";
                    }
                }
                button type="submit" class="button" { (d.unlock_button) }
            }
        },
    )
}

pub async fn unlock(State(state): State<SharedDesk>, body: Bytes) -> Response {
    let mut body = body.to_vec();
    let pairs = form(&state, &body);
    body.zeroize();
    let mut pairs = match pairs {
        Ok(p) => p,
        Err(r) => return r,
    };
    let passphrase = state
        .identity_file
        .is_encrypted()
        .then(|| SecretString::from(first(&pairs, "passphrase").to_owned()));
    for (_, value) in pairs.iter_mut() {
        value.zeroize();
    }
    let d = state.texts();
    let identity = match state.identity_file.unlock(passphrase.as_ref()) {
        Ok(id) => id,
        Err(_) => return unlock_page(&state, Some(d.err_passphrase)),
    };
    drop(passphrase);
    let portal = match Portal::new(&state.portal_url, identity) {
        Ok(p) => Arc::new(p),
        Err(e) => return portal_error(&state, &e),
    };
    match portal.sign_in().await {
        Ok(_) => {
            *state.portal.write().await = Some(portal);
            Redirect::to(&state.href("/")).into_response()
        }
        Err(PortalError::SignInRefused) => unlock_page(&state, Some(d.err_sign_in)),
        Err(e) => portal_error(&state, &e),
    }
}

pub async fn sign_out(State(state): State<SharedDesk>, body: Bytes) -> Response {
    if let Err(r) = form(&state, &body) {
        return r;
    }
    state.lock().await;
    let d = state.texts();
    message(
        &state,
        StatusCode::OK,
        d.signed_out_title,
        d.signed_out_text,
    )
}
