//! A case's history as a member reads it: the actions members took (replies,
//! notes, status changes, assignments, exports) in the desk's language and this
//! computer's time. Page views stay in the portal's audit log, where they belong,
//! but are not history of the case.

use maud::{Markup, html};

use super::SharedDesk;
use crate::case::Status;
use crate::protocol::HistoryEntry;

/// Audit actions that record looking, not acting.
const VIEWS: &[&str] = &["read", "list", "mark-read", "read-reports", "sign-in"];

/// The time zone the desk shows times in: `--time-zone`, else the computer's (`TZ`
/// or /etc/localtime), else UTC.
pub fn time_zone(flag: Option<&str>) -> Option<tz::TimeZone> {
    match flag.filter(|z| !z.is_empty()) {
        Some(name) => tz::TimeZone::from_posix_tz(name).ok(),
        None => tz::TimeZone::local().ok(),
    }
}

/// Unix seconds as a day and time in the desk's time zone and language, with the
/// zone's abbreviation: "7 december 2026 15:04 CET".
pub fn local_time(state: &SharedDesk, at: i64) -> String {
    let (offset, zone) = state
        .time_zone
        .as_ref()
        .and_then(|z| z.find_local_time_type(at).ok())
        .map_or((0, "UTC".to_owned()), |t| {
            (t.ut_offset(), t.time_zone_designation().to_owned())
        });
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(at + i64::from(offset)) else {
        return String::new();
    };
    format!(
        "{} {:02}:{:02} {zone}",
        state.lang.date(t.date()),
        t.hour(),
        t.minute()
    )
}

/// What an audit action means, in the desk's language; `None` for a page view.
fn action_text(state: &SharedDesk, action: &str) -> Option<String> {
    let d = state.texts();
    if VIEWS.contains(&action) {
        return None;
    }
    Some(match action {
        "reply" => d.act_reply.to_owned(),
        "note" => d.act_note.to_owned(),
        "assign" => d.act_assign.to_owned(),
        "export" => d.act_export.to_owned(),
        other => match other.strip_prefix("status ").and_then(Status::from_key) {
            Some(s) => format!("{} {}", d.act_status, d.statuses[s.index()]),
            None => format!("{} {other}", d.act_other),
        },
    })
}

/// The history section of the case page, newest action last.
pub fn section(state: &SharedDesk, history: &[HistoryEntry]) -> Markup {
    let d = state.texts();
    let actions: Vec<(String, &HistoryEntry)> = history
        .iter()
        .filter_map(|h| action_text(state, h.action.as_str()).map(|t| (t, h)))
        .collect();
    html! {
        section aria-labelledby="history-heading" {
            h2 id="history-heading" { (d.history_heading) }
            p class="hint" { (d.history_hint) }
            @if actions.is_empty() {
                p id="history-empty" { (d.history_empty) }
            } @else {
                ul class="history" id="history" {
                    @for (text, h) in &actions {
                        li {
                            span class="history-time" { (local_time(state, h.at)) }
                            " — "
                            @if let Some(m) = &h.member { (m.as_str()) ": " }
                            span class="history-action" { (text) }
                        }
                    }
                }
            }
        }
    }
}
