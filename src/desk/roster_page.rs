//! The roster page: the first confirmation of the committee list, a change shown
//! as a change, and the confirmed list with its fingerprint.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::SharedDesk;
use super::layout::{form, page, portal_error, require_signed_in};
use super::pins::{self, Pin};
use crate::http::urlencoded::first;
use crate::protocol::{RosterChange, RosterEntry};

pub async fn roster_page(State(state): State<SharedDesk>) -> Response {
    render(&state, None).await
}

async fn render(state: &SharedDesk, error: Option<&str>) -> Response {
    let (portal, name) = match require_signed_in(state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let roster = match portal.roster().await {
        Ok(r) => r,
        Err(e) => return portal_error(state, &e),
    };
    let pin = match state.pins.load(&state.origin) {
        Ok(p) => p,
        Err(e) => return portal_error_text(state, &e.to_string()),
    };
    let tt = state.trust_texts();
    let change = pin
        .as_ref()
        .map(|p| RosterChange::between(&p.entries, &roster));
    let (title, body) = match (&pin, &change) {
        (None, _) => (tt.confirm_title, first_use(state, &roster, error)),
        (Some(pin), Some(change)) if !change.is_empty() => (
            tt.changed_title,
            changed(state, pin, &roster, change, error),
        ),
        (Some(pin), _) => (tt.current_title, confirmed(state, pin)),
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    page(state, status, title, Some(&name), body)
}

fn portal_error_text(state: &SharedDesk, text: &str) -> Response {
    super::layout::message(
        state,
        StatusCode::INTERNAL_SERVER_ERROR,
        state.texts().portal_error_title,
        text,
    )
}

fn error_box(error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus {
                p { (e) }
            }
        }
    }
}

fn entry_name(state: &SharedDesk, e: &RosterEntry) -> String {
    e.name
        .as_ref()
        .map_or_else(|| state.trust_texts().unnamed.to_owned(), |n| n.to_string())
}

fn table(state: &SharedDesk, entries: &[RosterEntry]) -> Markup {
    let tt = state.trust_texts();
    html! {
        div class="table-wrap" {
            table class="roster" id="roster" {
                thead { tr { th scope="col" { (tt.col_name) } th scope="col" { (tt.col_key) } } }
                tbody {
                    @for e in entries {
                        tr { td { (entry_name(state, e)) } td { code class="recipient" { (e.recipient) } } }
                    }
                }
            }
        }
    }
}

fn fingerprint(label: &str, id: &str, fp: &str) -> Markup {
    html! {
        p class="fingerprint" { (label) ": " strong id=(id) { code { (fp) } } }
    }
}

fn confirm_form(state: &SharedDesk, roster: &[RosterEntry]) -> Markup {
    let tt = state.trust_texts();
    html! {
        p class="hint" { (tt.compare) }
        form method="post" action=(state.href("/roster")) {
            input type="hidden" name="csrf" value=(state.csrf());
            input type="hidden" name="shown" value=(pins::shown_digest(roster));
            button type="submit" class="button" id="confirm-roster" { (tt.confirm_button) }
        }
    }
}

fn first_use(state: &SharedDesk, roster: &[RosterEntry], error: Option<&str>) -> Markup {
    let tt = state.trust_texts();
    html! {
        h1 { (tt.confirm_title) }
        (error_box(error))
        p { (tt.confirm_intro) }
        (table(state, roster))
        (fingerprint(tt.fingerprint, "fingerprint", &pins::fingerprint(roster)))
        (confirm_form(state, roster))
    }
}

fn changed(
    state: &SharedDesk,
    pin: &Pin,
    roster: &[RosterEntry],
    change: &RosterChange,
    error: Option<&str>,
) -> Markup {
    let tt = state.trust_texts();
    let pair = |old: &RosterEntry, new: &RosterEntry| {
        html! {
            (entry_name(state, new)) ": " (tt.old_key) " " code { (old.recipient) } ", "
            (tt.new_key) " " code { (new.recipient) }
        }
    };
    html! {
        h1 { (tt.changed_title) }
        (error_box(error))
        p { (tt.changed_intro) }
        @if !change.added.is_empty() {
            h2 { (tt.added) }
            ul id="roster-added" { @for e in &change.added { li { (entry_name(state, e)) ": " code { (e.recipient) } } } }
        }
        @if !change.removed.is_empty() {
            h2 { (tt.removed) }
            ul id="roster-removed" { @for e in &change.removed { li { (entry_name(state, e)) ": " code { (e.recipient) } } } }
        }
        @if !change.rekeyed.is_empty() {
            h2 { (tt.rekeyed) }
            ul id="roster-rekeyed" { @for (old, new) in &change.rekeyed { li { (pair(old, new)) } } }
        }
        @if !change.renamed.is_empty() {
            h2 { (tt.renamed) }
            ul id="roster-renamed" {
                @for (old, new) in &change.renamed {
                    li { (entry_name(state, old)) " → " (entry_name(state, new)) ": " code { (new.recipient) } }
                }
            }
        }
        h2 { (tt.current_title) }
        (table(state, roster))
        (fingerprint(tt.old_fingerprint, "old-fingerprint", &pin.fingerprint()))
        (fingerprint(tt.new_fingerprint, "fingerprint", &pins::fingerprint(roster)))
        (confirm_form(state, roster))
    }
}

fn confirmed(state: &SharedDesk, pin: &Pin) -> Markup {
    let tt = state.trust_texts();
    html! {
        h1 { (tt.current_title) }
        p { (tt.confirmed_on) " " (state.lang.date(pin.confirmed_on)) }
        (table(state, &pin.entries))
        (fingerprint(tt.fingerprint, "fingerprint", &pin.fingerprint()))
    }
}

/// Pins the roster the page showed, provided the portal still lists exactly that.
pub async fn confirm(State(state): State<SharedDesk>, body: Bytes) -> Response {
    let pairs = match form(&state, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (portal, _) = match require_signed_in(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let roster = match portal.roster().await {
        Ok(r) => r,
        Err(e) => return portal_error(&state, &e),
    };
    let shown = first(&pairs, "shown");
    if !crate::crypto::ct_eq(shown.as_bytes(), pins::shown_digest(&roster).as_bytes()) {
        return render(&state, Some(state.trust_texts().moved)).await;
    }
    match state.pins.save(&state.origin, roster) {
        Ok(_) => Redirect::to(&state.href("/")).into_response(),
        Err(e) => portal_error_text(&state, &e.to_string()),
    }
}
