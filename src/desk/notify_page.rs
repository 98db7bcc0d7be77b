//! The member's own notification setting: an address where the portal says, once a
//! day, that there is new activity (never what), or none. The desk only passes the
//! member's choice on; the portal keeps the address and sends the mail.
// Handlers answer early with a finished page, as in the other desk pages.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::SharedDesk;
use super::layout::{form, page, portal_error, require_portal};
use crate::http::urlencoded::first;
use crate::notify::EmailAddress;

/// What happened on the last POST, shown above the form.
enum Notice {
    Done(&'static str),
    Error(&'static str),
}

/// `GET /notifications`.
pub async fn notify_page(State(state): State<SharedDesk>) -> Response {
    let (portal, name) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match portal.notifications().await {
        Ok(current) => render(&state, &name, current.email.as_deref(), None),
        Err(e) => portal_error(&state, &e),
    }
}

/// `POST /notifications`: an address to save, or `off=1` to stop.
pub async fn set_notify(State(state): State<SharedDesk>, body: Bytes) -> Response {
    let pairs = match form(&state, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (portal, name) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let d = state.texts();
    let (email, done) = if first(&pairs, "off") == "1" {
        (None, d.notify_stopped)
    } else {
        match EmailAddress::parse(first(&pairs, "email")) {
            Ok(address) => (Some(address.as_str().to_owned()), d.notify_saved),
            Err(_) => {
                let current = portal.notifications().await.ok().and_then(|s| s.email);
                return render(
                    &state,
                    &name,
                    current.as_deref(),
                    Some(Notice::Error(d.notify_bad_email)),
                );
            }
        }
    };
    match portal.set_notifications(email.clone()).await {
        Ok(()) => render(&state, &name, email.as_deref(), Some(Notice::Done(done))),
        Err(e) => portal_error(&state, &e),
    }
}

fn render(
    state: &SharedDesk,
    name: &str,
    current: Option<&str>,
    notice: Option<Notice>,
) -> Response {
    let d = state.texts();
    let status = match notice {
        Some(Notice::Error(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let action = state.href("/notifications");
    let body = html! {
        h1 { (d.notify_title) }
        @match notice {
            Some(Notice::Error(e)) => {
                div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus { p { (e) } }
            }
            Some(Notice::Done(n)) => { div class="notice" role="status" { p { (n) } } }
            None => {}
        }
        p { (d.notify_intro) }
        @match current {
            Some(address) => p id="notify-current" { (d.notify_current) " " strong { (address) } },
            None => p id="notify-current" { (d.notify_none) },
        }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(state.csrf());
            div class="field" {
                label for="email" { (d.notify_email_label) }
                input type="email" id="email" name="email" autocomplete="email" required
                    value=(current.unwrap_or(""));
            }
            button type="submit" class="button" { (d.notify_save) }
        }
        @if current.is_some() {
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(state.csrf());
                input type="hidden" name="off" value="1";
                button type="submit" class="button button-secondary" { (d.notify_stop) }
            }
        }
    };
    page(state, status, d.notify_title, Some(name), body)
}
