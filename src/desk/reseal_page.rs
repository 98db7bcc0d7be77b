//! The re-seal page: how many cases are sealed to an outdated roster, a button
//! that starts re-sealing them in a background task of the desk, its progress
//! (the page reloads itself every two seconds while it runs; no JavaScript) and a
//! button that stops it. A stopped run resumes where it was: what is already
//! sealed to the pinned roster is no longer listed.
// Handlers answer early with a finished page, as in the other desk pages.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::SharedDesk;
use super::layout::{form, message, number, page_refreshing, portal_error, require_portal};
use super::reseal::{self, Phase, Progress};
use super::reseal_texts::texts;

/// The inbox's line about outdated cases, with a link here; nothing when none.
pub fn inbox_notice(state: &SharedDesk, outdated: u64) -> Markup {
    let r = texts(state);
    html! {
        @if outdated > 0 {
            div class="notice" id="reseal-notice" role="status" {
                p { (number(state.lang, outdated as usize)) " " (r.inbox_notice) " "
                    a href=(state.href("/reseal")) { (r.nav) } }
            }
        }
    }
}

/// `GET /reseal`.
pub async fn reseal_page(State(state): State<SharedDesk>) -> Response {
    let (portal, name) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let outdated = match portal.outdated_cases().await {
        Ok(n) => n,
        Err(e) => return portal_error(&state, &e),
    };
    let progress = state.reseal.progress();
    let r = texts(&state);
    let running = progress.is_running();
    let body = html! {
        h1 { (r.title) }
        @if outdated > 0 {
            p id="outdated" { strong { (number(state.lang, outdated as usize)) } " " (r.outdated) }
        } @else {
            p id="outdated" { (r.none_outdated) }
        }
        p { (r.intro) }
        p id="copies" { (r.copies) }
        @if progress.phase != Phase::Idle { (progress_block(&state, &progress)) }
        @if running {
            form method="post" action=(state.href("/reseal/stop")) {
                input type="hidden" name="csrf" value=(state.csrf());
                button type="submit" class="button button-secondary" id="reseal-stop" { (r.stop) }
            }
        } @else if outdated > 0 {
            form method="post" action=(state.href("/reseal")) {
                input type="hidden" name="csrf" value=(state.csrf());
                button type="submit" class="button" id="reseal-start" { (r.start) }
            }
        }
    };
    page_refreshing(&state, StatusCode::OK, r.title, Some(&name), body, running)
}

fn progress_block(state: &SharedDesk, p: &Progress) -> Markup {
    let r = texts(state);
    let of = |a: u64, b: u64| {
        format!(
            "{} / {}",
            number(state.lang, a as usize),
            number(state.lang, b as usize)
        )
    };
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
    html! {
        div role="status" id="reseal-progress" {
            @match &p.phase {
                Phase::Idle => {}
                Phase::Listing => p { (r.listing) },
                Phase::Running => p { (r.running) },
                Phase::Stopped => p id="reseal-stopped" { (r.stopped) },
                Phase::Done => p id="reseal-done" { (r.done) },
                Phase::Failed(e) => p class="error" id="reseal-failed" { (r.failed) " " (e) },
            }
            dl {
                dt { (r.cases) } dd id="reseal-cases" { (of(p.cases_done, p.cases_total)) }
                dt { (r.bytes) } dd { (mib(p.bytes_done)) " / " (mib(p.bytes_total)) }
                @if let Some(left) = p.time_left().filter(|_| p.is_running()) {
                    dt { (r.time_left) } dd { (left.as_secs()) " s" }
                }
                dt { (r.resealed) } dd id="reseal-resealed" { (number(state.lang, p.resealed as usize)) }
                dt { (r.skipped) } dd id="reseal-skipped" { (number(state.lang, p.skipped as usize)) }
            }
        }
    }
}

/// `POST /reseal`: starts a run in the background, unless one is under way.
pub async fn start(State(state): State<SharedDesk>, body: Bytes) -> Response {
    if let Err(r) = form(&state, &body) {
        return r;
    }
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let pin = match state.pins.load(&state.origin) {
        Ok(Some(pin)) => pin,
        Ok(None) => return Redirect::to(&state.href("/roster")).into_response(),
        Err(e) => {
            let title = state.texts().portal_error_title;
            return message(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                title,
                &e.to_string(),
            );
        }
    };
    if state.reseal.begin() {
        let job = state.reseal.clone();
        tokio::spawn(async move {
            let result = reseal::run(&portal, &pin.entries, &job).await;
            job.finish(&result);
        });
    }
    Redirect::to(&state.href("/reseal")).into_response()
}

/// `POST /reseal/stop`: the run stops after the ciphertext it is working on.
pub async fn stop(State(state): State<SharedDesk>, body: Bytes) -> Response {
    if let Err(r) = form(&state, &body) {
        return r;
    }
    state.reseal.stop();
    Redirect::to(&state.href("/reseal")).into_response()
}
