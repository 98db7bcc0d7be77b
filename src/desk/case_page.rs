//! One case: the decrypted thread, internal notes apart, the forms that act on it
//! (acknowledge, reply with templates and a preview, note, status, assignment,
//! export), its history, and who new messages are sealed to. The form handlers are
//! in `case_actions.rs`; how single parts look is in `case_view.rs`.
#![allow(clippy::result_large_err)]

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::SharedDesk;
use super::case_view::{CaseView, Shown, preview, sealing, shown_message};
use super::inbox::{case_of_reference, member_name, parse_reference};
use super::layout::{
    FieldError, error_message, error_summary, field_error, invalid, page, pinned_roster,
    portal_error, require_portal,
};
use super::sealing::Opened;
use crate::case::{AuthorKind, CloseReason, Status};
use crate::i18n::Lang;
use crate::protocol::CaseId;

/// The case page's query: which action just succeeded (with a counter that makes
/// every redirect's URL new, so no browser shows a stale copy), an export's folder,
/// or the template to put in the reply field.
#[derive(Deserialize, Default)]
pub struct CaseQuery {
    done: Option<String>,
    exported: Option<String>,
    template: Option<String>,
}

/// An action that succeeded, named in the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Receipt acknowledged.
    Acknowledged,
    /// A reply sent.
    Reply,
    /// A note added.
    Note,
    /// The status changed to this one.
    Status(Status),
    /// The assignment changed.
    Assigned,
}

impl Done {
    /// The value of `done=` in the redirect.
    pub fn key(&self) -> String {
        match self {
            Done::Acknowledged => "acknowledged".to_owned(),
            Done::Reply => "reply".to_owned(),
            Done::Note => "note".to_owned(),
            Done::Status(s) => format!("status-{}", s.key()),
            Done::Assigned => "assigned".to_owned(),
        }
    }

    fn parse(key: &str) -> Option<Done> {
        Some(match key {
            "acknowledged" => Done::Acknowledged,
            "reply" => Done::Reply,
            "note" => Done::Note,
            "assigned" => Done::Assigned,
            other => Done::Status(Status::from_key(other.strip_prefix("status-")?)?),
        })
    }
}

/// What a form sent back keeps on the page: the typed texts, the choices, the
/// problems per field, and whether to show the reply's preview.
#[derive(Default)]
pub struct Draft {
    /// The reply field's text.
    pub reply: String,
    /// The note field's text.
    pub note: String,
    /// The status chosen in the status form.
    pub status: Option<Status>,
    /// The reason chosen in the status form.
    pub reason: Option<CloseReason>,
    /// Problems, each linked to its field.
    pub errors: Vec<FieldError>,
    /// Show the reply as the reporter will see it.
    pub preview: bool,
    /// Files were chosen but not kept (a preview, or an error).
    pub files_dropped: bool,
}

impl Draft {
    /// A draft with one problem at one field.
    pub fn error(field: &'static str, message: &str) -> Self {
        Self {
            errors: vec![FieldError::new(field, message)],
            ..Self::default()
        }
    }
}

/// A case from the desk's own URL: its id, or its reference (`MP-…`, as typed);
/// anything else is the not-found page.
async fn resolve(state: &SharedDesk, raw: &str) -> Result<CaseId, Response> {
    if let Ok(id) = CaseId::parse(raw) {
        return Ok(id);
    }
    if let Some(reference) = parse_reference(raw) {
        let (portal, _) = require_portal(state).await?;
        match case_of_reference(&portal, &reference).await {
            Ok(Some(id)) => return Ok(id),
            Ok(None) => {}
            Err(e) => return Err(portal_error(state, &e)),
        }
    }
    Err(super::layout::not_found(State(state.clone())).await)
}

/// A case id from a form's URL (the forms always carry the id).
pub async fn case_id(state: &SharedDesk, raw: &str) -> Result<CaseId, Response> {
    match CaseId::parse(raw) {
        Ok(id) => Ok(id),
        Err(_) => Err(super::layout::not_found(State(state.clone())).await),
    }
}

/// `GET /case/{id or reference}`.
pub async fn case_page(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let id = match resolve(&state, &raw).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let mut draft = Draft::default();
    if let Some(n) = q.template.as_deref().and_then(|t| t.parse::<usize>().ok()) {
        let templates = super::templates::load(&state.state_dir, state.lang);
        if let Some(t) = templates.get(n) {
            draft.reply = t.text.clone();
        }
    }
    let done = q.done.as_deref().and_then(Done::parse);
    let exported = q.exported.as_deref();
    render_case(&state, &id, done, exported, draft).await
}

/// Fetches, opens and renders a case; `done` and `exported` name what just
/// happened, `draft` what a form sent back.
pub async fn render_case(
    state: &SharedDesk,
    id: &CaseId,
    done: Option<Done>,
    exported: Option<&str>,
    draft: Draft,
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
    // Up to the last message shown here: one that arrives meanwhile stays unread.
    if detail.case.unread > 0
        && let Some(last) = detail.messages.iter().map(|m| m.seq).max()
        && let Err(e) = portal.mark_read(id, last).await
    {
        return portal_error(state, &e);
    }
    let reporter = super::sealing::reporter_key(&detail, portal.identity());
    let d = state.texts();
    let mut thread = Vec::new();
    let mut notes = Vec::new();
    let mut reporter_lang = Lang::Nl;
    let mut left_out = Vec::new();
    for m in &detail.messages {
        let (body, attachments, problem) =
            match portal.open(&detail.case.id, m.seq.get(), &m.ciphertext) {
                Ok(Opened::Envelope(env)) => {
                    if m.seq.get() == 1 && env.lang.as_deref() == Some("en") {
                        reporter_lang = Lang::En;
                    }
                    if m.seq.get() == 1 {
                        left_out.clone_from(&env.left_out);
                    }
                    (Some(env.body), env.attachments, None)
                }
                Ok(Opened::NotForMe) => (None, Vec::new(), None),
                Err(e) => (None, Vec::new(), Some(e.to_string())),
            };
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
    let status = if draft.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let notice = match (&done, exported) {
        (_, Some(dir)) => Some(format!("{} {dir}", d.exported_to)),
        (Some(Done::Acknowledged), _) => Some(d.done_acknowledged.to_owned()),
        (Some(Done::Reply), _) => Some(d.done_reply.to_owned()),
        (Some(Done::Note), _) => Some(d.done_note.to_owned()),
        (Some(Done::Status(Status::Closed)), _) => Some(d.done_closed.to_owned()),
        (Some(Done::Status(s)), _) => Some(format!("{} {}", d.done_status, d.statuses[s.index()])),
        (Some(Done::Assigned), _) => Some(
            match member_name(&members, detail.case.assigned_member.as_ref()) {
                Some(m) => format!("{} {m}.", d.done_assigned),
                None => d.done_unassigned.to_owned(),
            },
        ),
        (None, None) => None,
    };
    let view = CaseView {
        detail: &detail,
        members: &members,
        thread: &thread,
        notes: &notes,
        history: &history,
        reporter: &reporter,
        pinned: &pinned_roster(state),
        left_out: &left_out,
        reporter_lang,
    };
    let body = case_body(state, &view, notice.as_deref(), &draft);
    let title = format!("{} {}", d.case_title, detail.case.reference);
    page(state, status, &title, Some(&name), body)
}

fn case_body(
    state: &SharedDesk,
    view: &CaseView<'_>,
    notice: Option<&str>,
    draft: &Draft,
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
    let templates = super::templates::load(&state.state_dir, state.lang);
    let templates_path = super::templates::path(&state.state_dir)
        .display()
        .to_string();
    let chosen_status = draft.status.unwrap_or(c.status);
    let chosen_reason = draft.reason.or(c.close_reason);
    let (reply_invalid, reply_described, reply_error) =
        invalid(&draft.errors, "reply", Some("reply-hint"));
    let (files_invalid, files_described, files_error) = invalid(&draft.errors, "files", None);
    let (note_invalid, note_described, note_error) =
        invalid(&draft.errors, "note", Some("note-hint"));
    let (status_invalid, status_described, status_error) =
        invalid(&draft.errors, "new-status", None);
    let (reason_invalid, reason_described, reason_error) = invalid(&draft.errors, "reason", None);
    let (member_invalid, member_described, member_error) = invalid(&draft.errors, "member", None);
    let export_error = field_error(&draft.errors, "export");
    html! {
        h1 { (d.case_title) " " (c.reference) }
        (error_summary(state, &draft.errors))
        @if let Some(n) = notice {
            div class="notice" role="status" id="notice" { p { (n) } }
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
            dt { (d.col_language) } dd id="reporter-lang" { @match view.reporter_lang { Lang::Nl => (d.lang_nl), Lang::En => (d.lang_en) } }
        }
        (super::left_out::names(state, view.left_out))
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
                @if !templates.is_empty() {
                    form method="get" action=(state.href(&format!("/case/{}", c.id))) class="filters" id="template-form" {
                        div class="field" {
                            label for="template" { (d.template_label) }
                            select id="template" name="template" aria-describedby="template-hint" {
                                @for (i, tpl) in templates.iter().enumerate() { option value=(i) { (tpl.name) } }
                            }
                            p class="hint" id="template-hint" { (d.template_hint.replace("{path}", &templates_path)) }
                        }
                        button type="submit" class="button button-secondary" { (d.template_button) }
                    }
                }
                @if draft.preview && !draft.reply.trim().is_empty() {
                    (preview(state, view.reporter_lang, draft.reply.trim(), draft.files_dropped))
                }
                form method="post" action=(action("reply")) enctype="multipart/form-data" id="reply-form" {
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="reply" { (d.reply_label) }
                        p class="hint" id="reply-hint" { (d.reply_hint) }
                        (error_message(reply_error))
                        textarea id="reply" name="text" rows="6" aria-describedby=[reply_described] aria-invalid=[reply_invalid] { (draft.reply) }
                    }
                    div class="field" {
                        label for="files" { (t.files_label) " " span class="optional" { (t.optional) } }
                        (error_message(files_error))
                        input type="file" id="files" name="files" multiple aria-describedby=[files_described] aria-invalid=[files_invalid];
                    }
                    div class="actions" {
                        button type="submit" name="action" value="preview" class="button button-secondary" id="preview-button" { (d.preview_button) }
                        " "
                        button type="submit" name="action" value="send" class="button" id="send-button" { (d.reply_button) }
                    }
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
                    (error_message(note_error))
                    textarea id="note" name="text" rows="4" aria-describedby=[note_described] aria-invalid=[note_invalid] { (draft.note) }
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
                    (error_message(status_error))
                    select id="new-status" name="status" aria-describedby=[status_described] aria-invalid=[status_invalid] {
                        @for s in Status::ALL.iter().filter(|s| **s != Status::Received) {
                            option value=(s.key()) selected[*s == chosen_status] { (d.statuses[s.index()]) }
                        }
                    }
                }
                div class="field" {
                    label for="reason" { (d.reason_label) }
                    (error_message(reason_error))
                    select id="reason" name="reason" aria-describedby=[reason_described] aria-invalid=[reason_invalid] {
                        option value="" { (d.reason_none) }
                        @for r in CloseReason::ALL {
                            option value=(r.key()) selected[chosen_reason == Some(*r)] { (r.label(t)) }
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
                    (error_message(member_error))
                    select id="member" name="member" aria-describedby=[member_described] aria-invalid=[member_invalid] {
                        option value="" { (d.nobody) }
                        // A member the reporter left out cannot be given the case.
                        @for m in members.iter().filter(|m| m.active && !view.left_out.iter().any(|l| l == m.name.as_str())) {
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
            (error_message(export_error))
            form method="post" action=(action("export")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" class="button button-secondary" id="export" { (d.export_button) }
            }
        }
        (super::history::section(state, history))
        (sealing(state, view))
    }
}
