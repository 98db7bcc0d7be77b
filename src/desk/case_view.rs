//! How the parts of a case page look: a message of the thread, the report as a
//! list of its fields, who new messages are sealed to, and a reply as the reporter
//! will see it.

use maud::{Markup, html};

use super::SharedDesk;
use super::client::PortalError;
use super::sealing::ReporterKey;
use crate::case::AttachmentInfo;
use crate::case::{self, Body};
use crate::http::files;
use crate::i18n::{Lang, Texts};
use crate::protocol::{CaseDetail, CaseId, HistoryEntry, MemberInfo};

/// A message of the thread or the notes, opened.
pub struct Shown {
    pub attachments: Vec<AttachmentInfo>,
    pub seq: i64,
    pub author: String,
    pub written_on: time::Date,
    pub body: Option<Body>,
    /// Why the message could not be opened (altered, misplaced, not age), shown in
    /// its place so the rest of the case stays readable.
    pub problem: Option<String>,
}

/// Everything the case page shows, fetched and opened.
pub struct CaseView<'a> {
    pub detail: &'a CaseDetail,
    pub members: &'a [MemberInfo],
    pub thread: &'a [Shown],
    pub notes: &'a [Shown],
    pub history: &'a [HistoryEntry],
    pub reporter: &'a Result<ReporterKey, PortalError>,
    pub pinned: &'a [crate::protocol::RosterEntry],
    /// The members the reporter left out, as sealed in the report.
    pub left_out: &'a [String],
    /// The language the reporter wrote in (Dutch when the report does not say).
    pub reporter_lang: Lang,
}

/// A reply as the reporter's thread will show it: in the reporter's language, by
/// "the committee", dated today, the text as typed (escaped, line breaks kept).
pub fn preview(state: &SharedDesk, reporter_lang: Lang, text: &str, files_dropped: bool) -> Markup {
    let d = state.texts();
    let rt = reporter_lang.texts();
    let today = time::OffsetDateTime::now_utc().date();
    html! {
        div class="preview" id="preview" {
            h3 id="preview-heading" { (d.preview_heading) }
            p class="hint" { (d.preview_hint) }
            @if files_dropped { p class="notice" id="preview-files" { (d.preview_files_again) } }
            article class="message message-committee" lang=(reporter_lang.code()) {
                header {
                    p class="message-author" { (rt.author_committee) }
                    p class="message-date" { (reporter_lang.date(today)) }
                }
                div class="message-text" { (text) }
            }
        }
    }
}

pub fn shown_message(
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

/// Who new messages of this case are sealed to, as the desk will do it: the pinned
/// roster (with the desk's own fingerprint) and the reporter's key and where it
/// came from. A portal list that differs is named as a refusal.
pub fn sealing(state: &SharedDesk, view: &CaseView<'_>) -> Markup {
    let tt = state.trust_texts();
    // The same check the desk makes before it seals anything.
    let mismatch = super::sealing::sealing_set(view.detail, view.pinned, view.left_out).is_err();
    // The roster the member confirmed; members left out are named on the page.
    let fp = crate::protocol::roster::fingerprint(view.pinned.iter().map(|r| r.recipient.as_str()));
    html! {
        section aria-labelledby="sealed-heading" {
            h2 id="sealed-heading" { (tt.sealed_heading) }
            @if mismatch {
                p class="field-error" id="roster-mismatch" { (tt.roster_mismatch) }
            }
            p class="hint" { (tt.fingerprint) " " code id="pinned-fingerprint" { (fp) } " — " a href=(state.href("/roster")) { (tt.nav_roster) } }
            p class="hint" id="fingerprint-hint" { (state.texts().fingerprint_hint) }
            @match view.reporter {
                Ok(ReporterKey::Verified(_)) => { p class="hint" id="reporter-key" { (tt.reporter_verified) } }
                Ok(ReporterKey::Unverified(_)) => { p class="notice" id="reporter-key-unverified" { (tt.reporter_unverified) } }
                Err(PortalError::ReporterMismatch) => { p class="field-error" id="reporter-key-mismatch" { (tt.reporter_mismatch) } }
                Err(_) => { p class="field-error" id="reporter-key-unknown" { (state.texts().err_no_report) } }
            }
        }
    }
}
