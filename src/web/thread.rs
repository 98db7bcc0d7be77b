//! The thread of a case as its reporter sees it, its files, and sign-out.

use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::WebError;
use super::form_token::{self, Purpose};
use super::layout::{Page, error_summary, field_error};
use super::session::{self, ReporterSession};
use super::sign_in::session_ended;
use super::state::SharedState;
use super::withdraw;
use crate::case::{self, AttachmentInfo, AuthorKind, Body, Envelope, Report, Status};
use crate::crypto;
use crate::http::{download, files};
use crate::i18n::{Lang, Texts};
use crate::storage::CaseRow;

#[derive(Deserialize)]
pub struct ThreadQuery {
    sent: Option<String>,
}

pub async fn show(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    Query(query): Query<ThreadQuery>,
    session: ReporterSession,
) -> Result<Response, WebError> {
    let notice = query.sent.is_some().then_some(lang.texts().followup_sent);
    render_thread(&state, lang, &session, ThreadForm::default(), notice).await
}

/// The state of the follow-up form when the thread is shown again.
#[derive(Default)]
pub(super) struct ThreadForm {
    pub text: String,
    pub error: Option<String>,
    pub status: Option<StatusCode>,
    /// Files were chosen but not stored: ask to choose them again.
    pub files_were_chosen: bool,
}

struct ShownMessage {
    author: AuthorKind,
    written_on: time::Date,
    /// `None` when the message cannot be opened with the reporter's key.
    body: Option<Body>,
    attachments: Vec<AttachmentInfo>,
    /// The members the reporter left out, as sealed in the report.
    left_out: Vec<String>,
}

/// A message as its reporter can open it, or `None`. A message that a member sealed
/// wrongly, or that was altered in the database, must not take the whole thread
/// down with it: the reporter still reads everything else and can answer.
fn open_for_reporter(
    m: &crate::storage::MessageRow,
    case_id: &str,
    identity: &crypto::Identity,
) -> Option<Envelope> {
    let plain = crypto::open(&m.ciphertext, identity).ok()?;
    Envelope::from_bytes(&plain, case_id, m.seq).ok()
}

pub(super) async fn load_case(
    state: &SharedState,
    session: &ReporterSession,
) -> Result<Option<CaseRow>, WebError> {
    Ok(state.storage.case_by_id(&session.case_id).await?)
}

pub(super) async fn render_thread(
    state: &SharedState,
    lang: Lang,
    session: &ReporterSession,
    form: ThreadForm,
    notice: Option<&str>,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let Some(case) = load_case(state, session).await? else {
        // The case was removed after closing: the session opens nothing any more.
        return Ok(session_ended(state, lang, &form.text));
    };
    let mut shown = Vec::new();
    for m in state.storage.messages(&case.id).await? {
        if m.author_kind == AuthorKind::Note {
            continue;
        }
        let envelope = open_for_reporter(&m, &case.id, &session.identity);
        if envelope.is_none() {
            tracing::warn!(
                seq = m.seq,
                "a message cannot be opened with its reporter's key"
            );
        }
        let (body, attachments, left_out) = envelope.map_or((None, Vec::new(), Vec::new()), |e| {
            (Some(e.body), e.attachments, e.left_out)
        });
        shown.push(ShownMessage {
            author: m.author_kind,
            written_on: m.written_on,
            body,
            attachments,
            left_out,
        });
    }
    let token = form_token::mint(
        &state.secrets.form_key,
        Purpose::FollowUp,
        &session.form_binding,
        state.now().unix_timestamp(),
    );
    let closed = case.status == Status::Closed;
    let body = html! {
        h1 { (t.thread_title) }
        @if let Some(e) = &form.error {
            (error_summary(t, &[("followup", e.as_str())]))
        }
        @if let Some(n) = notice {
            div class="notice" role="status" { p { (n) } }
        }
        (case_status(lang, &case))
        h2 { (t.messages_heading) }
        ol class="thread" {
            @for m in &shown { li { (message(lang, m)) } }
        }
        @if closed {
            p class="notice" { ((t.thread_closed_note)(&state.numbers())) }
        } @else {
            h2 { (t.followup_heading) }
            form method="post" action=(lang.path("/thread")) enctype="multipart/form-data" novalidate {
                input type="hidden" name="form_token" value=(token);
                div class={ "field" @if form.error.is_some() { " field-invalid" } } {
                    label for="followup" { (t.followup_label) }
                    p class="hint" id="followup-hint" { (t.followup_hint) }
                    @if let Some(e) = &form.error { (field_error(t, "followup-error", html! { (e) })) }
                    textarea id="followup" name="text" rows="6" autocomplete="off"
                        aria-describedby={ "followup-hint" @if form.error.is_some() { " followup-error" } }
                        aria-invalid=[form.error.is_some().then_some("true")] { (form.text) }
                }
                (files::file_input(t, state.file_limits, form.files_were_chosen))
                button type="submit" class="button" { (t.followup_button) }
            }
        }
        (withdraw::thread_section(lang))
        (sign_out_form(lang))
    };
    let title = match form.error {
        Some(_) => format!("{}: {}", t.error_summary_title, t.thread_title),
        None => t.thread_title.to_owned(),
    };
    Ok(Page::new(lang, title, Some("/thread"), body)
        .status(form.status.unwrap_or(StatusCode::OK))
        .into_response())
}

fn sign_out_form(lang: Lang) -> Markup {
    let t = lang.texts();
    html! {
        form method="post" action=(lang.path("/sign-out")) class="sign-out" {
            // A form without fields is sent as a GET by some browsers (lynx).
            input type="hidden" name="sign_out" value="1";
            p class="hint" { (t.signout_hint) }
            button type="submit" class="button button-secondary" { (t.signout_button) }
        }
    }
}

fn case_status(lang: Lang, case: &CaseRow) -> Markup {
    let t = lang.texts();
    html! {
        dl class="dates" id="case-status" {
            dt { (t.status_label) }
            dd id="status" { (case.status.label(t)) }
            dt { (t.received_on_label) }
            dd { (lang.date(case.received_on)) }
            @if let Some(ack) = case.acknowledged_on {
                dt { (t.acknowledged_on_label) }
                dd id="acknowledged-on" { (lang.date(ack)) }
            } @else {
                dt { (t.ack_by_label) }
                dd id="acknowledge-by" { (lang.date(case::acknowledge_by(case.received_on))) }
            }
            @if case.status != Status::Closed && case.status != Status::FeedbackGiven {
                dt { (t.feedback_by_label) }
                dd id="feedback-by" { (lang.date(case.feedback_due_on)) }
            }
            @if let Some(closed) = case.closed_on {
                dt { (t.closed_on_label) }
                dd { (lang.date(closed)) }
            }
            @if let Some(reason) = case.close_reason {
                dt { (t.close_reason_label) }
                dd { (reason.label(t)) }
            }
        }
    }
}

fn message(lang: Lang, m: &ShownMessage) -> Markup {
    let t = lang.texts();
    let (class, author) = match m.author {
        AuthorKind::Reporter => ("message message-reporter", t.author_you),
        _ => ("message message-committee", t.author_committee),
    };
    html! {
        article class=(class) {
            header {
                p class="message-author" { (author) }
                p class="message-date" { (t.message_date_label) ": " (lang.date(m.written_on)) }
            }
            @match &m.body {
                Some(Body::Report(r)) => {
                    h3 { (t.report_heading) }
                    (report_summary(t, r))
                    @if !m.left_out.is_empty() {
                        p class="left-out" id="left-out" { (t.receipt_left_out) " " (m.left_out.join(", ")) }
                    }
                }
                Some(Body::Text { text }) => { div class="message-text" { (text) } }
                None => { p class="message-unreadable" { (t.message_unreadable) } }
            }
            (files::file_list(t, &m.attachments, Some(&|id: &str| lang.path(&format!("/thread/files/{id}"))), 3))
        }
    }
}

fn or_not_given<'a>(t: &'a Texts, s: &'a str) -> &'a str {
    if s.is_empty() { t.not_given } else { s }
}

fn report_summary(t: &Texts, r: &Report) -> Markup {
    let concerns: Vec<&str> = r.concerns.iter().map(|c| c.label(t)).collect();
    let [
        role,
        topics,
        what,
        org_kind,
        municipality,
        org_name,
        when,
        ongoing,
        affected,
        elsewhere,
        hope,
        contact,
    ] = t.summary_keys;
    let rows: Vec<(&str, String)> = vec![
        (role, r.role.map_or(t.not_given, |x| x.label(t)).to_owned()),
        (topics, concerns.join("; ")),
        (what, r.what.clone()),
        (org_kind, or_not_given(t, &r.org_kind).to_owned()),
        (municipality, or_not_given(t, &r.municipality).to_owned()),
        (org_name, or_not_given(t, &r.org_name).to_owned()),
        (when, or_not_given(t, &r.when).to_owned()),
        (
            ongoing,
            r.ongoing.map_or(t.not_given, |x| x.label(t)).to_owned(),
        ),
        (affected, or_not_given(t, &r.affected).to_owned()),
        (elsewhere, or_not_given(t, &r.elsewhere).to_owned()),
        (hope, r.hope.map_or(t.not_given, |x| x.label(t)).to_owned()),
        (contact, or_not_given(t, &r.contact).to_owned()),
    ];
    html! {
        dl class="report-summary" {
            @for (label, value) in &rows {
                dt { (label) }
                dd class="message-text" { (value) }
            }
        }
    }
}

/// A file of the signed-in reporter's case, decrypted with their key as it streams.
pub async fn download(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    session: ReporterSession,
) -> Result<Response, WebError> {
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let Some(row) = state.storage.attachment(&id).await? else {
        return Ok(not_found());
    };
    let (Some(case_id), Some(seq)) = (row.case_id.as_deref(), row.seq) else {
        return Ok(not_found());
    };
    if case_id != session.case_id {
        return Ok(not_found());
    }
    let Some(message) = state
        .storage
        .messages(case_id)
        .await?
        .into_iter()
        .find(|m| m.seq == seq && m.author_kind != AuthorKind::Note)
    else {
        return Ok(not_found());
    };
    let Some(envelope) = open_for_reporter(&message, case_id, &session.identity) else {
        return Ok(not_found());
    };
    let Some(info) = envelope.attachments.into_iter().find(|a| a.id == id) else {
        return Ok(not_found());
    };
    let chunks = crate::attachments::chunks(state.storage.clone(), id, row.chunk_count);
    let stream = crate::attachments::decrypt(Box::pin(chunks), session.identity, info.size);
    Ok(download::response(
        &info.name,
        axum::body::Body::from_stream(stream),
    ))
}

pub async fn sign_out(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let t = lang.texts();
    if let Some(token) = state.cookie.read(&headers) {
        session::end(&state, &token).await?;
    }
    Ok(session::signed_out(
        &state,
        lang,
        t.signed_out_title,
        t.signed_out_text,
    ))
}
