//! One case: the decrypted thread, internal notes apart, and the forms that act on
//! it (acknowledge, reply, note, status, assignment, export).
//! This file is long because one page carries the thread and all six forms.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::SharedDesk;
use super::client::{DESK_FILE_LIMITS, Portal, PortalError};
use super::inbox::member_name;
use super::layout::{form, page, pinned_recipients, portal_error, require_portal};
use super::sealing::{Opened, ReporterKey};
use crate::case::{self, AttachmentInfo, AuthorKind, Body, CloseReason, Status};
use crate::http::urlencoded::{self, first};
use crate::http::{download, files, multipart};
use crate::i18n::Texts;
use crate::protocol::{
    AttachmentId, CaseDetail, CaseId, HistoryEntry, MemberId, MemberInfo, MessageKind,
};

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    done: Option<String>,
    exported: Option<String>,
}

struct Shown {
    attachments: Vec<AttachmentInfo>,
    seq: i64,
    author: String,
    written_on: time::Date,
    body: Option<Body>,
    /// Why the message could not be opened (altered, misplaced, not age), shown in
    /// its place so the rest of the case stays readable.
    problem: Option<String>,
}

/// A case id from the desk's own URL; anything else is the not-found page.
async fn case_id(state: &SharedDesk, raw: &str) -> Result<CaseId, Response> {
    match CaseId::parse(raw) {
        Ok(id) => Ok(id),
        Err(_) => Err(super::layout::not_found(State(state.clone())).await),
    }
}

pub async fn case_page(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
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
    id: &CaseId,
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
    let reporter = super::sealing::reporter_key(&detail, portal.identity());
    let mut thread = Vec::new();
    let mut notes = Vec::new();
    for m in &detail.messages {
        let (body, attachments, problem) =
            match portal.open(&detail.case.id, m.seq.get(), &m.ciphertext) {
                Ok(Opened::Envelope(env)) => (Some(env.body), env.attachments, None),
                Ok(Opened::NotForMe) => (None, Vec::new(), None),
                Err(e) => (None, Vec::new(), Some(e.to_string())),
            };
        let d = state.texts();
        let author = match m.author_kind {
            AuthorKind::Reporter => d.author_reporter.to_owned(),
            _ => member_name(&members, m.member_id.as_ref())
                .unwrap_or(d.author_unknown_member)
                .to_owned(),
        };
        let shown = Shown {
            attachments,
            seq: m.seq.get(),
            author,
            written_on: m.written_on,
            body,
            problem,
        };
        if m.author_kind == AuthorKind::Note {
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
    let view = CaseView {
        detail: &detail,
        members: &members,
        thread: &thread,
        notes: &notes,
        history: &history,
        reporter: &reporter,
        pinned: &pinned_recipients(state),
    };
    let body = case_body(state, &view, notice, error);
    let title = format!("{} {}", state.texts().case_title, detail.case.reference);
    page(state, status, &title, Some(&name), body)
}

/// Everything the case page shows, fetched and opened.
struct CaseView<'a> {
    detail: &'a CaseDetail,
    members: &'a [MemberInfo],
    thread: &'a [Shown],
    notes: &'a [Shown],
    history: &'a [HistoryEntry],
    reporter: &'a Result<ReporterKey, PortalError>,
    pinned: &'a [crate::protocol::RecipientText],
}

fn case_body(
    state: &SharedDesk,
    view: &CaseView<'_>,
    notice: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let CaseView {
        detail,
        members,
        thread,
        notes,
        history,
        ..
    } = *view;
    let d = state.texts();
    let t = state.lang.texts();
    let lang = state.lang;
    let c = &detail.case;
    let csrf = state.csrf();
    let action = |what: &str| state.href(&format!("/case/{}/{what}", c.id));
    html! {
        h1 { (d.case_title) " " (c.reference) }
        @if let Some(e) = error {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus { p { (e) } }
        }
        @if let Some(n) = notice {
            div class="notice" role="status" { p { (n) } }
        }
        dl class="dates" id="case-status" {
            dt { (d.col_status) } dd id="status" { (d.statuses[c.status.index()]) }
            dt { (d.received_on) } dd { (lang.date(c.received_on)) }
            @if let Some(a) = c.acknowledged_on {
                dt { (d.acknowledged_on) } dd { (lang.date(a)) }
            } @else {
                dt { (d.ack_by) } dd { (lang.date(c.acknowledge_by)) }
            }
            dt { (d.feedback_by) } dd { (lang.date(c.feedback_due_on)) }
            @if let Some(closed) = c.closed_on { dt { (d.closed_on) } dd { (lang.date(closed)) } }
            @if let Some(r) = c.close_reason { dt { (d.close_reason) } dd { (r.label(t)) } }
            dt { (d.assigned) } dd { (member_name(members, c.assigned_member.as_ref()).unwrap_or("—")) }
        }
        @if c.status == Status::Received {
            form method="post" action=(action("acknowledge")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" class="button" id="acknowledge" { (d.acknowledge_button) }
            }
        }
        section aria-labelledby="thread-heading" {
            h2 id="thread-heading" { (d.thread_heading) }
            ol class="thread" id="thread" { @for m in thread { li { (shown_message(state, t, m, "message-committee", &c.id)) } } }
        }
        section aria-labelledby="reply-heading" {
            h2 id="reply-heading" { (d.reply_heading) }
            @if c.status == Status::Closed {
                p { (d.closed_no_reply) }
            } @else {
                form method="post" action=(action("reply")) enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="reply" { (d.reply_label) }
                        p class="hint" id="reply-hint" { (d.reply_hint) }
                        textarea id="reply" name="text" rows="6" aria-describedby="reply-hint" {}
                    }
                    div class="field" {
                        label for="files" { (t.files_label) " " span class="optional" { (t.optional) } }
                        input type="file" id="files" name="files" multiple;
                    }
                    button type="submit" class="button" { (d.reply_button) }
                }
            }
        }
        section aria-labelledby="notes-heading" class="notes" {
            h2 id="notes-heading" { (d.notes_heading) }
            @if notes.is_empty() { p { (d.no_notes) } }
            ol class="thread" id="notes" { @for m in notes { li { (shown_message(state, t, m, "message-note", &c.id)) } } }
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
                            option value=(s.key()) selected[*s == c.status] { (d.statuses[s.index()]) }
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
                            option value=(m.id) selected[c.assigned_member.as_ref() == Some(&m.id)] { (m.name) }
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
                        (format_time(h.at)) " — " (h.member.as_ref().map_or("—", |m| m.as_str())) ": " (h.action.as_str())
                    }
                }
            }
        }
        (sealing(state, view))
    }
}

/// Who new messages of this case are sealed to, as the desk will do it: the pinned
/// roster (with the desk's own fingerprint) and the reporter's key and where it
/// came from. A portal list that differs is named as a refusal.
fn sealing(state: &SharedDesk, view: &CaseView<'_>) -> Markup {
    let tt = state.trust_texts();
    // The same check the desk makes before it seals anything.
    let mismatch = super::sealing::sealing_set(view.detail, view.pinned).is_err();
    let fp = crate::protocol::roster::fingerprint(view.pinned.iter().map(|r| r.as_str()));
    html! {
        section aria-labelledby="sealed-heading" {
            h2 id="sealed-heading" { (tt.sealed_heading) }
            @if mismatch {
                p class="field-error" id="roster-mismatch" { (tt.roster_mismatch) }
            }
            p class="hint" { (tt.fingerprint) " " code id="pinned-fingerprint" { (fp) } " — " a href=(state.href("/roster")) { (tt.nav_roster) } }
            @match view.reporter {
                Ok(ReporterKey::Verified(_)) => { p class="hint" id="reporter-key" { (tt.reporter_verified) } }
                Ok(ReporterKey::Unverified(_)) => { p class="notice" id="reporter-key-unverified" { (tt.reporter_unverified) } }
                Err(PortalError::ReporterMismatch) => { p class="field-error" id="reporter-key-mismatch" { (tt.reporter_mismatch) } }
                Err(e) => { p class="field-error" id="reporter-key-unknown" { (e.to_string()) } }
            }
        }
    }
}

fn format_time(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

fn shown_message(
    state: &SharedDesk,
    t: &Texts,
    m: &Shown,
    class: &str,
    case_id: &CaseId,
) -> Markup {
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
                None => {
                    @if let Some(problem) = &m.problem {
                        p class="field-error message-unreadable" { (d.message_unreadable) " (" (problem) ")" }
                    } @else {
                        p class="hint" { (d.not_for_me) }
                    }
                }
            }
            (files::file_list(t, &m.attachments, Some(&|a: &str| state.href(&format!("/case/{case_id}/files/{a}"))), 3))
        }
    }
}

pub fn report(t: &Texts, r: &case::Report) -> Markup {
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
async fn act<F, Fut>(state: SharedDesk, id: CaseId, body: Bytes, f: F) -> Response
where
    F: FnOnce(Arc<Portal>, urlencoded::Pairs) -> Fut,
    Fut: std::future::Future<Output = Result<Result<(), &'static str>, PortalError>>,
{
    let pairs = match form(&state, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    act_on(state, id, pairs, f).await
}

/// Runs an action whose form was already read and checked.
async fn act_on<F, Fut>(state: SharedDesk, id: CaseId, pairs: urlencoded::Pairs, f: F) -> Response
where
    F: FnOnce(Arc<Portal>, urlencoded::Pairs) -> Fut,
    Fut: std::future::Future<Output = Result<Result<(), &'static str>, PortalError>>,
{
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let d = state.texts();
    match f(portal, pairs).await {
        Ok(Ok(())) => Redirect::to(&state.href(&format!("/case/{id}?done=1"))).into_response(),
        Ok(Err(problem)) => render_case(&state, &id, None, Some(problem)).await,
        Err(PortalError::Refused { status, message }) if status != 404 => {
            let text = format!("{}: {message}", d.err_action);
            render_case(&state, &id, None, Some(&text)).await
        }
        Err(
            e @ (PortalError::RosterMismatch
            | PortalError::ReporterMismatch
            | PortalError::NoReport),
        ) => render_case(&state, &id, None, Some(&e.to_string())).await,
        Err(e) => portal_error(&state, &e),
    }
}

pub async fn acknowledge(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let case_id = id.clone();
    act(state, id, body, |p, _| async move {
        p.set_status(&case_id, Status::Acknowledged, None)
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
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let case_id = id.clone();
    let invalid = state.texts().err_action;
    act(state, id, body, |p, pairs| async move {
        let Some(status) = Status::from_key(first(&pairs, "status")) else {
            return Ok(Err(invalid));
        };
        let reason = match first(&pairs, "reason") {
            "" => None,
            key => match CloseReason::from_key(key) {
                Some(r) => Some(r),
                None => return Ok(Err(invalid)),
            },
        };
        let reason = reason.filter(|_| status == Status::Closed);
        p.set_status(&case_id, status, reason).await.map(Ok)
    })
    .await
}

pub async fn assign(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let case_id = id.clone();
    let invalid = state.texts().err_action;
    act(state, id, body, |p, pairs| async move {
        let member = match first(&pairs, "member") {
            "" => None,
            raw => match MemberId::parse(raw) {
                Ok(m) => Some(m),
                Err(_) => return Ok(Err(invalid)),
            },
        };
        p.assign(&case_id, member).await.map(Ok)
    })
    .await
}

async fn write(state: SharedDesk, id: String, request: Request, kind: MessageKind) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let empty = state.texts().err_empty;
    let case_id = id.clone();
    let upload = match multipart::read(request, DESK_FILE_LIMITS, None, 1 << 20).await {
        Ok(u) => u,
        Err(e) => {
            let (status, title, text) = e.describe(state.lang.texts(), DESK_FILE_LIMITS);
            return super::layout::message(&state, status, title, &text);
        }
    };
    let sent = first(&upload.pairs, "csrf");
    if !crate::crypto::ct_eq(sent.as_bytes(), state.csrf().as_bytes()) {
        return super::layout::forbidden(&state);
    }
    let files = match kind {
        MessageKind::Note => Vec::new(),
        MessageKind::Reply => upload.files,
    };
    let pinned = pinned_recipients(&state);
    act_on(state, id, upload.pairs, move |p, pairs| async move {
        let text = first(&pairs, "text").trim().to_owned();
        if text.is_empty() && files.is_empty() {
            return Ok(Err(empty));
        }
        p.write(&case_id, &text, kind, files, &pinned)
            .await
            .map(|_| Ok(()))
    })
    .await
}

pub async fn reply(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    write(state, id, request, MessageKind::Reply).await
}

pub async fn note(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    write(state, id, request, MessageKind::Note).await
}

pub async fn export(
    State(state): State<SharedDesk>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
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
            Redirect::to(&state.href(&format!("/case/{id}?exported={query}"))).into_response()
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

/// A file of a case: the ciphertext comes from the portal and is decrypted here,
/// on the member's computer, as it streams to the browser.
pub async fn download(
    State(state): State<SharedDesk>,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    let id = match case_id(&state, &id).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let Ok(attachment) = AttachmentId::parse(&attachment) else {
        return super::layout::not_found(State(state)).await;
    };
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let detail = match portal.case(&id).await {
        Ok(d) => d,
        Err(e) => return portal_error(&state, &e),
    };
    let Some(seq) = detail
        .attachments
        .iter()
        .find(|a| a.id == attachment)
        .map(|a| a.seq.get())
    else {
        return super::layout::not_found(State(state)).await;
    };
    let info = detail
        .messages
        .iter()
        .filter(|m| m.seq.get() == seq)
        .find_map(|m| match portal.open(&detail.case.id, seq, &m.ciphertext) {
            Ok(Opened::Envelope(env)) => env
                .attachments
                .into_iter()
                .find(|a| a.id == attachment.as_str()),
            _ => None,
        });
    let Some(info) = info else {
        return super::layout::not_found(State(state)).await;
    };
    let bound = super::sealing::sealed_size_bound(info.size);
    let stream = match portal.attachment_ciphertext(&id, &attachment, bound).await {
        Ok(s) => s,
        Err(e) => return portal_error(&state, &e),
    };
    let plain = crate::attachments::decrypt(stream, portal.identity().clone(), info.size);
    download::response(&info.name, axum::body::Body::from_stream(plain))
}
