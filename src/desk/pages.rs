//! The desk's pages: unlock, inbox by urgency, a case with its decrypted thread and
//! the forms that act on it, and statistics computed here after decryption.

use std::collections::BTreeMap;
use std::sync::Arc;

use age::secrecy::SecretString;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use super::SharedDesk;
use super::client::{Opened, Portal, PortalError};
use crate::case::{self, Body, CloseReason, Status, Urgency};
use crate::i18n::Texts;
use crate::web::api::{CaseDetail, CaseInfo, MemberInfo};
use crate::web::urlencoded::{self, first};

fn page(
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
            body {
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

fn message(state: &SharedDesk, status: StatusCode, title: &str, text: &str) -> Response {
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

fn portal_error(state: &SharedDesk, e: &PortalError) -> Response {
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
async fn require_portal(state: &SharedDesk) -> Result<(Arc<Portal>, String), Response> {
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
fn form(state: &SharedDesk, body: &[u8]) -> Result<urlencoded::Pairs, Response> {
    let pairs = urlencoded::parse(body, 32).map_err(|_| forbidden(state))?;
    let sent = first(&pairs, "csrf");
    if !crate::crypto::ct_eq(sent.as_bytes(), state.csrf().as_bytes()) {
        return Err(forbidden(state));
    }
    Ok(pairs)
}

pub async fn unlock_form(State(state): State<SharedDesk>) -> Response {
    if state.portal().await.is_some() {
        return Redirect::to("/").into_response();
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
            p { (d.unlock_intro) }
            form method="post" action="/unlock" {
                input type="hidden" name="csrf" value=(state.csrf());
                div class="field" {
                    label for="passphrase" { (d.passphrase_label) }
                    input type="password" id="passphrase" name="passphrase" autocomplete="current-password";
                }
                button type="submit" class="button" { (d.unlock_button) }
            }
        },
    )
}

pub async fn unlock(State(state): State<SharedDesk>, body: Bytes) -> Response {
    let pairs = match form(&state, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let passphrase = SecretString::from(first(&pairs, "passphrase").to_owned());
    let d = state.texts();
    let identity = match state.identity_file.unlock(Some(&passphrase)) {
        Ok(id) => id,
        Err(_) => return unlock_page(&state, Some(d.err_passphrase)),
    };
    let portal = Arc::new(Portal::new(&state.portal_url, identity));
    match portal.sign_in().await {
        Ok(_) => {
            *state.portal.write().await = Some(portal);
            Redirect::to("/").into_response()
        }
        Err(PortalError::SignInRefused) => unlock_page(&state, Some(d.err_sign_in)),
        Err(e) => portal_error(&state, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    status: Option<String>,
    assignee: Option<String>,
}

fn member_name<'a>(members: &'a [MemberInfo], id: Option<&str>) -> Option<&'a str> {
    id.and_then(|id| members.iter().find(|m| m.id == id).map(|m| m.name.as_str()))
}

/// The inbox order: overdue first, then due this week, then later, then nothing
/// due; within each, the nearest deadline first.
pub fn inbox_order(cases: &mut [CaseInfo], today: time::Date) {
    cases.sort_by_key(|c| {
        let deadline = case::next_deadline(c.status, c.received_on, c.feedback_due_on);
        (
            case::urgency(deadline, today),
            deadline,
            c.received_on,
            c.reference.clone(),
        )
    });
}

pub async fn inbox(State(state): State<SharedDesk>, Query(q): Query<InboxQuery>) -> Response {
    let (portal, name) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (cases, members) = match tokio::try_join!(portal.cases(), portal.members()) {
        Ok(x) => x,
        Err(e) => return portal_error(&state, &e),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let status_filter = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(Status::from_key);
    let assignee = q.assignee.as_deref().filter(|s| !s.is_empty());
    let mut shown: Vec<CaseInfo> = cases
        .into_iter()
        .filter(|c| status_filter.is_none_or(|s| c.status == s))
        .filter(|c| match assignee {
            None => true,
            Some("none") => c.assigned_member.is_none(),
            Some(id) => c.assigned_member.as_deref() == Some(id),
        })
        .collect();
    inbox_order(&mut shown, today);
    let d = state.texts();
    let t = state.lang.texts();
    let lang = state.lang;
    page(
        &state,
        StatusCode::OK,
        d.inbox_title,
        Some(&name),
        html! {
            h1 { (d.inbox_title) }
            form method="get" action="/" class="filters" {
                div class="field" {
                    label for="status" { (d.filter_status) }
                    select id="status" name="status" {
                        option value="" { (d.any) }
                        @for s in Status::ALL {
                            option value=(s.key()) selected[status_filter == Some(*s)] { (s.label(t)) }
                        }
                    }
                }
                div class="field" {
                    label for="assignee" { (d.filter_assignee) }
                    select id="assignee" name="assignee" {
                        option value="" { (d.any) }
                        option value="none" selected[assignee == Some("none")] { (d.nobody) }
                        @for m in &members {
                            option value=(m.id) selected[assignee == Some(m.id.as_str())] { (m.name) }
                        }
                    }
                }
                button type="submit" class="button button-secondary" { (d.filter_button) }
            }
            @if shown.is_empty() {
                p { (d.no_cases) }
            } @else {
                div class="table-wrap" {
                    table class="cases" {
                        thead { tr {
                            th scope="col" { (d.col_reference) }
                            th scope="col" { (d.col_status) }
                            th scope="col" { (d.col_received) }
                            th scope="col" { (d.col_deadline) }
                            th scope="col" { (d.col_assigned) }
                            th scope="col" { (d.col_unread) }
                        } }
                        tbody {
                            @for c in &shown {
                                @let deadline = case::next_deadline(c.status, c.received_on, c.feedback_due_on);
                                @let urgency = case::urgency(deadline, today);
                                tr class="case-row" data-reference=(c.reference) {
                                    td { a href={ "/case/" (c.id) } { (c.reference) } }
                                    td { (c.status.label(t)) }
                                    td { (lang.date(c.received_on)) }
                                    td {
                                        @if let Some(dl) = deadline {
                                            @if c.status == Status::Received { (d.ack_by) } @else { (d.feedback_by) }
                                            " " (lang.date(dl))
                                            @match urgency {
                                                Urgency::Overdue => { " " strong class="flag flag-overdue" { (d.overdue) } }
                                                Urgency::DueThisWeek => { " " strong class="flag flag-due" { (d.due_this_week) } }
                                                _ => {}
                                            }
                                        }
                                    }
                                    td { (member_name(&members, c.assigned_member.as_deref()).unwrap_or("—")) }
                                    td class="unread" { (c.unread) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    done: Option<String>,
    exported: Option<String>,
}

struct Shown {
    seq: i64,
    author: String,
    written_on: time::Date,
    body: Option<Body>,
}

pub async fn case_page(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let notice = q
        .done
        .as_ref()
        .map(|_| state.texts().saved.to_owned())
        .or_else(|| {
            q.exported
                .as_ref()
                .map(|p| format!("{} {}", state.texts().exported_to, p))
        });
    render_case(&state, &id, notice.as_deref(), None).await
}

async fn render_case(
    state: &SharedDesk,
    id: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let (portal, name) = match require_portal(state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let detail = match portal.case(id).await {
        Ok(d) => d,
        Err(e) => return portal_error(state, &e),
    };
    let (members, history) = match tokio::try_join!(portal.members(), portal.history(id)) {
        Ok(x) => x,
        Err(e) => return portal_error(state, &e),
    };
    if detail.case.unread > 0
        && let Err(e) = portal.mark_read(id).await
    {
        return portal_error(state, &e);
    }
    let mut thread = Vec::new();
    let mut notes = Vec::new();
    for m in &detail.messages {
        let body = match portal.open(&detail.case.id, m.seq, &m.ciphertext) {
            Ok(Opened::Body(b)) => Some(b),
            Ok(Opened::NotForMe) => None,
            Err(e) => return portal_error(state, &e),
        };
        let d = state.texts();
        let author = match m.author_kind.as_str() {
            "reporter" => d.author_reporter.to_owned(),
            _ => member_name(&members, m.member_id.as_deref())
                .unwrap_or(d.author_unknown_member)
                .to_owned(),
        };
        let shown = Shown {
            seq: m.seq,
            author,
            written_on: m.written_on,
            body,
        };
        if m.author_kind == "note" {
            notes.push(shown)
        } else {
            thread.push(shown)
        }
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = case_body(
        state, &detail, &members, &thread, &notes, &history, notice, error,
    );
    let title = format!("{} {}", state.texts().case_title, detail.case.reference);
    page(state, status, &title, Some(&name), body)
}

#[allow(clippy::too_many_arguments)]
fn case_body(
    state: &SharedDesk,
    detail: &CaseDetail,
    members: &[MemberInfo],
    thread: &[Shown],
    notes: &[Shown],
    history: &[crate::web::api::HistoryEntry],
    notice: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let d = state.texts();
    let t = state.lang.texts();
    let lang = state.lang;
    let c = &detail.case;
    let csrf = state.csrf();
    let action = |what: &str| format!("/case/{}/{what}", c.id);
    html! {
        h1 { (d.case_title) " " (c.reference) }
        @if let Some(e) = error {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus { p { (e) } }
        }
        @if let Some(n) = notice {
            div class="notice" role="status" { p { (n) } }
        }
        dl class="dates" id="case-status" {
            dt { (d.col_status) } dd id="status" { (c.status.label(t)) }
            dt { (d.received_on) } dd { (lang.date(c.received_on)) }
            @if let Some(a) = c.acknowledged_on {
                dt { (d.acknowledged_on) } dd { (lang.date(a)) }
            } @else {
                dt { (d.ack_by) } dd { (lang.date(c.acknowledge_by)) }
            }
            dt { (d.feedback_by) } dd { (lang.date(c.feedback_due_on)) }
            @if let Some(closed) = c.closed_on { dt { (d.closed_on) } dd { (lang.date(closed)) } }
            @if let Some(r) = c.close_reason { dt { (d.close_reason) } dd { (r.label(t)) } }
            dt { (d.assigned) } dd { (member_name(members, c.assigned_member.as_deref()).unwrap_or("—")) }
        }
        @if c.status == Status::Received {
            form method="post" action=(action("acknowledge")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" class="button" id="acknowledge" { (d.acknowledge_button) }
            }
        }
        section aria-labelledby="thread-heading" {
            h2 id="thread-heading" { (d.thread_heading) }
            ol class="thread" id="thread" { @for m in thread { li { (shown_message(state, t, m, "message-committee")) } } }
        }
        section aria-labelledby="reply-heading" {
            h2 id="reply-heading" { (d.reply_heading) }
            @if c.status == Status::Closed {
                p { (d.closed_no_reply) }
            } @else {
                form method="post" action=(action("reply")) {
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="reply" { (d.reply_label) }
                        p class="hint" id="reply-hint" { (d.reply_hint) }
                        textarea id="reply" name="text" rows="6" aria-describedby="reply-hint" {}
                    }
                    button type="submit" class="button" { (d.reply_button) }
                }
            }
        }
        section aria-labelledby="notes-heading" class="notes" {
            h2 id="notes-heading" { (d.notes_heading) }
            @if notes.is_empty() { p { (d.no_notes) } }
            ol class="thread" id="notes" { @for m in notes { li { (shown_message(state, t, m, "message-note")) } } }
            form method="post" action=(action("note")) {
                input type="hidden" name="csrf" value=(csrf);
                div class="field" {
                    label for="note" { (d.note_label) }
                    p class="hint" id="note-hint" { (d.note_hint) }
                    textarea id="note" name="text" rows="4" aria-describedby="note-hint" {}
                }
                button type="submit" class="button button-secondary" { (d.note_button) }
            }
        }
        section aria-labelledby="status-heading" {
            h2 id="status-heading" { (d.status_heading) }
            form method="post" action=(action("status")) {
                input type="hidden" name="csrf" value=(csrf);
                div class="field" {
                    label for="new-status" { (d.status_label) }
                    select id="new-status" name="status" {
                        @for s in Status::ALL.iter().filter(|s| **s != Status::Received) {
                            option value=(s.key()) selected[*s == c.status] { (s.label(t)) }
                        }
                    }
                }
                div class="field" {
                    label for="reason" { (d.reason_label) }
                    select id="reason" name="reason" {
                        option value="" { (d.reason_none) }
                        @for r in CloseReason::ALL {
                            option value=(r.key()) selected[c.close_reason == Some(*r)] { (r.label(t)) }
                        }
                    }
                }
                button type="submit" class="button button-secondary" { (d.status_button) }
            }
        }
        section aria-labelledby="assign-heading" {
            h2 id="assign-heading" { (d.assign_heading) }
            form method="post" action=(action("assign")) {
                input type="hidden" name="csrf" value=(csrf);
                div class="field" {
                    label for="member" { (d.assign_label) }
                    select id="member" name="member" {
                        option value="" { (d.nobody) }
                        @for m in members.iter().filter(|m| m.active) {
                            option value=(m.id) selected[c.assigned_member.as_deref() == Some(m.id.as_str())] { (m.name) }
                        }
                    }
                }
                button type="submit" class="button button-secondary" { (d.assign_button) }
            }
        }
        section aria-labelledby="export-heading" {
            h2 id="export-heading" { (d.export_heading) }
            p class="hint" { (d.export_hint) }
            form method="post" action=(action("export")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" class="button button-secondary" { (d.export_button) }
            }
        }
        section aria-labelledby="history-heading" {
            h2 id="history-heading" { (d.history_heading) }
            ul class="history" {
                @for h in history {
                    li {
                        (format_time(h.at)) " — " (h.member.as_deref().unwrap_or("—")) ": " (h.action)
                    }
                }
            }
        }
        section aria-labelledby="sealed-heading" {
            h2 id="sealed-heading" { (d.sealed_to) }
            p class="hint" { "fingerprint " code { (detail.seal_to.fingerprint) } }
            ul class="recipients" { @for r in &detail.seal_to.committee { li { code { (r) } } } }
        }
    }
}

fn format_time(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

fn shown_message(state: &SharedDesk, t: &Texts, m: &Shown, class: &str) -> Markup {
    let d = state.texts();
    let class = if m.author == d.author_reporter {
        "message message-reporter"
    } else {
        class
    };
    html! {
        article class={ "message " (class) } id={ "message-" (m.seq) } {
            header {
                p class="message-author" { (m.author) }
                p class="message-date" { (state.lang.date(m.written_on)) }
            }
            @match &m.body {
                Some(Body::Report(r)) => { (report(t, r)) }
                Some(Body::Text { text }) => { div class="message-text" { (text) } }
                None => { p class="hint" { (d.not_for_me) } }
            }
        }
    }
}

fn report(t: &Texts, r: &case::Report) -> Markup {
    let or_dash = |s: &str| {
        if s.is_empty() {
            "—".to_owned()
        } else {
            s.to_owned()
        }
    };
    let concerns: Vec<&str> = r.concerns.iter().map(|c| c.label(t)).collect();
    let rows = [
        (
            t.role_legend,
            r.role.map_or("—".into(), |x| x.label(t).to_owned()),
        ),
        (t.concerns_legend, concerns.join("; ")),
        (t.what_label, r.what.clone()),
        (t.org_kind_label, or_dash(&r.org_kind)),
        (t.municipality_label, or_dash(&r.municipality)),
        (t.org_name_label, or_dash(&r.org_name)),
        (t.when_label, or_dash(&r.when)),
        (
            t.ongoing_legend,
            r.ongoing.map_or("—".into(), |x| x.label(t).to_owned()),
        ),
        (t.affected_label, or_dash(&r.affected)),
        (t.elsewhere_label, or_dash(&r.elsewhere)),
        (
            t.hope_legend,
            r.hope.map_or("—".into(), |x| x.label(t).to_owned()),
        ),
        (t.contact_label, or_dash(&r.contact)),
    ];
    html! {
        dl class="report-summary" {
            @for (label, value) in &rows { dt { (label) } dd class="message-text" { (value) } }
        }
    }
}

/// Runs an action against the portal; back to the case page on success, the case
/// page with the portal's refusal otherwise.
async fn act<F, Fut>(state: SharedDesk, id: String, body: Bytes, f: F) -> Response
where
    F: FnOnce(Arc<Portal>, urlencoded::Pairs) -> Fut,
    Fut: std::future::Future<Output = Result<Result<(), &'static str>, PortalError>>,
{
    let pairs = match form(&state, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let d = state.texts();
    match f(portal, pairs).await {
        Ok(Ok(())) => Redirect::to(&format!("/case/{id}?done=1")).into_response(),
        Ok(Err(problem)) => render_case(&state, &id, None, Some(problem)).await,
        Err(PortalError::Refused { status, message }) if status != 404 => {
            let text = format!("{}: {message}", d.err_action);
            render_case(&state, &id, None, Some(&text)).await
        }
        Err(e) => portal_error(&state, &e),
    }
}

pub async fn acknowledge(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let case_id = id.clone();
    act(state, id, body, |p, _| async move {
        p.set_status(&case_id, Status::Acknowledged.key(), None)
            .await
            .map(Ok)
    })
    .await
}

pub async fn change_status(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let case_id = id.clone();
    act(state, id, body, |p, pairs| async move {
        let status = first(&pairs, "status").to_owned();
        let reason = first(&pairs, "reason").to_owned();
        let reason = (!reason.is_empty() && status == Status::Closed.key()).then_some(reason);
        p.set_status(&case_id, &status, reason.as_deref())
            .await
            .map(Ok)
    })
    .await
}

pub async fn assign(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let case_id = id.clone();
    act(state, id, body, |p, pairs| async move {
        let member = first(&pairs, "member").to_owned();
        p.assign(&case_id, (!member.is_empty()).then_some(member.as_str()))
            .await
            .map(Ok)
    })
    .await
}

async fn write(state: SharedDesk, id: String, body: Bytes, note: bool) -> Response {
    let empty = state.texts().err_empty;
    let case_id = id.clone();
    act(state, id, body, move |p, pairs| async move {
        let text = first(&pairs, "text").trim().to_owned();
        if text.is_empty() {
            return Ok(Err(empty));
        }
        p.write(&case_id, &text, note).await.map(|_| Ok(()))
    })
    .await
}

pub async fn reply(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(state, id, body, false).await
}

pub async fn note(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(state, id, body, true).await
}

pub async fn export(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = form(&state, &body) {
        return r;
    }
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match super::export_case(&portal, &id, &state.export_dir).await {
        Ok(dir) => {
            let shown: String = dir.display().to_string();
            let query: String = url_component(&shown);
            Redirect::to(&format!("/case/{id}?exported={query}")).into_response()
        }
        Err(super::ExportError::Portal(e)) => portal_error(&state, &e),
        Err(e) => render_case(&state, &id, None, Some(&e.to_string())).await,
    }
}

fn url_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Counts computed here, after decryption.
#[derive(Default, Debug, PartialEq)]
pub struct Statistics {
    pub per_status: BTreeMap<usize, usize>,
    pub per_concern: BTreeMap<usize, usize>,
    pub per_month: BTreeMap<(i32, u8), usize>,
    pub ack_days: Vec<i64>,
}

pub fn statistics(cases: &[(CaseInfo, Option<case::Report>)]) -> Statistics {
    let mut s = Statistics::default();
    for (c, report) in cases {
        *s.per_status.entry(c.status.index()).or_default() += 1;
        *s.per_month
            .entry((c.received_on.year(), u8::from(c.received_on.month())))
            .or_default() += 1;
        if let Some(a) = c.acknowledged_on {
            s.ack_days.push((a - c.received_on).whole_days());
        }
        if let Some(r) = report {
            for k in &r.concerns {
                *s.per_concern.entry(k.index()).or_default() += 1;
            }
        }
    }
    s
}

pub async fn stats(State(state): State<SharedDesk>) -> Response {
    let (portal, name) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let cases = match portal.cases().await {
        Ok(c) => c,
        Err(e) => return portal_error(&state, &e),
    };
    let mut opened = Vec::with_capacity(cases.len());
    for c in cases {
        let detail = match portal.case(&c.id).await {
            Ok(d) => d,
            Err(e) => return portal_error(&state, &e),
        };
        let report =
            detail
                .messages
                .first()
                .and_then(|m| match portal.open(&c.id, m.seq, &m.ciphertext) {
                    Ok(Opened::Body(Body::Report(r))) => Some(r),
                    _ => None,
                });
        opened.push((c, report));
    }
    let s = statistics(&opened);
    let d = state.texts();
    let t = state.lang.texts();
    let months = t.months;
    let avg = if s.ack_days.is_empty() {
        "—".to_owned()
    } else {
        format!(
            "{:.1}",
            s.ack_days.iter().sum::<i64>() as f64 / s.ack_days.len() as f64
        )
    };
    let longest = s
        .ack_days
        .iter()
        .max()
        .map_or("—".to_owned(), |m| m.to_string());
    let counts = |rows: Vec<(String, usize)>, caption: &str, id: &str| {
        html! {
            table class="stats" id=(id) {
                caption { (caption) }
                tbody { @for (label, n) in &rows { tr { th scope="row" { (label) } td { (n) } } } }
            }
        }
    };
    let by_status: Vec<(String, usize)> = s
        .per_status
        .iter()
        .map(|(i, n)| (t.statuses[*i].to_owned(), *n))
        .collect();
    let by_concern: Vec<(String, usize)> = s
        .per_concern
        .iter()
        .map(|(i, n)| (t.concern_options[*i].to_owned(), *n))
        .collect();
    let by_month: Vec<(String, usize)> = s
        .per_month
        .iter()
        .map(|((y, m), n)| (format!("{} {y}", months[usize::from(*m) - 1]), *n))
        .collect();
    page(
        &state,
        StatusCode::OK,
        d.stats_title,
        Some(&name),
        html! {
            h1 { (d.stats_title) }
            p class="hint" { (d.stats_intro) }
            (counts(by_status, d.per_status, "per-status"))
            (counts(by_concern, d.per_concern, "per-concern"))
            (counts(by_month, d.per_month, "per-month"))
            table class="stats" id="time-to-ack" {
                caption { (d.time_to_ack) }
                tbody {
                    tr { th scope="row" { (d.cases) } td { (s.ack_days.len()) } }
                    tr { th scope="row" { (d.average_days) } td { (avg) } }
                    tr { th scope="row" { (d.longest_days) } td { (longest) } }
                }
            }
        },
    )
}

pub async fn sign_out(State(state): State<SharedDesk>, body: Bytes) -> Response {
    if let Err(r) = form(&state, &body) {
        return r;
    }
    if let Some(portal) = state.portal.write().await.take() {
        let _ = portal.sign_out().await;
    }
    let d = state.texts();
    message(
        &state,
        StatusCode::OK,
        d.signed_out_title,
        d.signed_out_text,
    )
}
