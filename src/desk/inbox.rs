//! The inbox: cases by urgency, with columns decrypted here from the reports (kind
//! of concern, municipality, first line, the reporter's language), filters, a
//! search over the decrypted text, sorting by any column, and a field that opens a
//! case by its reference.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::SharedDesk;
use super::layout::{number, page, portal_error, require_portal};
use super::summary::Summary;
use crate::case::{self, Concern, Status, Urgency};
use crate::i18n::Lang;
use crate::protocol::{CaseId, CaseInfo, MemberId, MemberInfo, Reference};

/// The inbox's query string: filters, search and order, all optional.
#[derive(Deserialize, Default, Clone)]
pub struct InboxQuery {
    status: Option<String>,
    assignee: Option<String>,
    concern: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

/// A column the inbox sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Urgency,
    Reference,
    Status,
    Received,
    Assigned,
    Concern,
    Municipality,
    FirstLine,
    Language,
    Unread,
}

impl Column {
    const SORTABLE: [(Column, &'static str); 10] = [
        (Column::Reference, "reference"),
        (Column::Status, "status"),
        (Column::Received, "received"),
        (Column::Urgency, "deadline"),
        (Column::Assigned, "assigned"),
        (Column::Concern, "concern"),
        (Column::Municipality, "municipality"),
        (Column::FirstLine, "first-line"),
        (Column::Language, "language"),
        (Column::Unread, "unread"),
    ];

    fn from_key(key: &str) -> Column {
        Self::SORTABLE
            .iter()
            .find(|(_, k)| *k == key)
            .map_or(Column::Urgency, |(c, _)| *c)
    }

    fn key(self) -> &'static str {
        Self::SORTABLE
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("deadline", |(_, k)| k)
    }
}

/// The name of a member by id, if the portal lists them.
pub fn member_name<'a>(members: &'a [MemberInfo], id: Option<&MemberId>) -> Option<&'a str> {
    id.and_then(|id| {
        members
            .iter()
            .find(|m| &m.id == id)
            .map(|m| m.name.as_str())
    })
}

/// The urgency key: overdue first, then due this week, then later, then nothing
/// due; within each, the nearest deadline first.
fn urgency_key(c: &CaseInfo, today: time::Date) -> (Urgency, Option<time::Date>) {
    let deadline = case::next_deadline(c.status, c.received_on, c.feedback_due_on);
    (case::urgency(deadline, today), deadline)
}

/// One row: the case, its decrypted summary and the names the columns show.
struct Row<'a> {
    case: &'a CaseInfo,
    summary: Arc<Summary>,
    assigned: &'a str,
    concerns: String,
}

fn compare(a: &Row<'_>, b: &Row<'_>, column: Column, today: time::Date) -> Ordering {
    let text = |s: &str| s.to_lowercase();
    match column {
        Column::Urgency => urgency_key(a.case, today).cmp(&urgency_key(b.case, today)),
        Column::Reference => Ordering::Equal,
        Column::Status => a.case.status.index().cmp(&b.case.status.index()),
        Column::Received => a.case.received_on.cmp(&b.case.received_on),
        Column::Assigned => text(a.assigned).cmp(&text(b.assigned)),
        Column::Concern => text(&a.concerns).cmp(&text(&b.concerns)),
        Column::Municipality => text(&a.summary.municipality).cmp(&text(&b.summary.municipality)),
        Column::FirstLine => text(&a.summary.first_line).cmp(&text(&b.summary.first_line)),
        Column::Language => a
            .summary
            .lang
            .map(Lang::code)
            .cmp(&b.summary.lang.map(Lang::code)),
        Column::Unread => a.case.unread.cmp(&b.case.unread),
    }
    .then_with(|| a.case.reference.cmp(&b.case.reference))
}

/// `/go?reference=…`: opens the case with that reference, typed forgivingly
/// (`mp-7k2q9x`, `7K2Q9X`).
pub async fn go(State(state): State<SharedDesk>, Query(q): Query<GoQuery>) -> Response {
    let typed = q.reference.unwrap_or_default();
    if typed.trim().is_empty() {
        return Redirect::to(&state.href("/")).into_response();
    }
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let found = match parse_reference(&typed) {
        Some(reference) => match case_of_reference(&portal, &reference).await {
            Ok(id) => id,
            Err(e) => return portal_error(&state, &e),
        },
        None => None,
    };
    match found {
        Some(id) => Redirect::to(&state.href(&format!("/case/{id}"))).into_response(),
        None => inbox_page(&state, &InboxQuery::default(), Some(&typed)).await,
    }
}

/// The query of `/go`.
#[derive(Deserialize, Default)]
pub struct GoQuery {
    reference: Option<String>,
}

/// A reference as a member may type it: any case, with or without `MP-`, spaces
/// around it.
pub fn parse_reference(typed: &str) -> Option<Reference> {
    let upper = typed.trim().to_uppercase();
    let full = if upper.starts_with("MP-") {
        upper
    } else {
        format!("MP-{upper}")
    };
    Reference::parse(&full).ok()
}

/// The case id of a reference, from the portal's list.
pub async fn case_of_reference(
    portal: &super::Portal,
    reference: &Reference,
) -> Result<Option<CaseId>, super::PortalError> {
    Ok(portal
        .cases()
        .await?
        .into_iter()
        .find(|c| &c.reference == reference)
        .map(|c| c.id))
}

/// `GET /`: the inbox.
pub async fn inbox(State(state): State<SharedDesk>, Query(q): Query<InboxQuery>) -> Response {
    inbox_page(&state, &q, None).await
}

async fn inbox_page(state: &SharedDesk, q: &InboxQuery, not_found: Option<&str>) -> Response {
    let (portal, name) = match require_portal(state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let fetched = tokio::try_join!(
        portal.cases(),
        portal.members(),
        portal.withdrawals(),
        portal.left_out(),
        portal.outdated_cases()
    );
    let (cases, members, withdrawals, left_out, outdated) = match fetched {
        Ok(x) => x,
        Err(e) => return portal_error(state, &e),
    };
    let summaries = match state.summaries.of(&portal, &cases).await {
        Ok(s) => s,
        Err(e) => return portal_error(state, &e),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let d = state.texts();
    let t = state.lang.texts();
    let filter = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let status_filter = filter(&q.status).as_deref().and_then(Status::from_key);
    let concern_filter = filter(&q.concern).as_deref().and_then(Concern::from_key);
    let assignee = filter(&q.assignee);
    let search = filter(&q.q).unwrap_or_default();
    let column = Column::from_key(q.sort.as_deref().unwrap_or(""));
    let descending = q.dir.as_deref() == Some("desc");
    let total = cases.len();
    let mut rows: Vec<Row<'_>> = cases
        .iter()
        .filter(|c| status_filter.is_none_or(|s| c.status == s))
        .filter(|c| match assignee.as_deref() {
            None => true,
            Some("none") => c.assigned_member.is_none(),
            Some(id) => c.assigned_member.as_ref().map(MemberId::as_str) == Some(id),
        })
        .map(|c| {
            let summary = summaries
                .get(&c.id)
                .cloned()
                .unwrap_or_else(|| Arc::new(Summary::default()));
            Row {
                case: c,
                assigned: member_name(&members, c.assigned_member.as_ref()).unwrap_or(""),
                concerns: summary.concern_labels(t),
                summary,
            }
        })
        .filter(|r| concern_filter.is_none_or(|k| r.summary.concerns.contains(&k)))
        .filter(|r| r.summary.matches(&search, r.case.reference.as_str()))
        .collect();
    rows.sort_by(|a, b| {
        let o = compare(a, b, column, today);
        if descending { o.reverse() } else { o }
    });
    let shown_of = d
        .shown_of
        .replace("{shown}", &number(state.lang, rows.len()))
        .replace("{total}", &number(state.lang, total));
    let body = html! {
        h1 { (d.inbox_title) }
        (super::reseal_page::inbox_notice(state, outdated))
        @if let Some(typed) = not_found {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" {
                h2 { (d.error_summary_title) }
                ul { li { a href="#reference" { (d.no_such_reference.replace("{reference}", typed.trim())) } } }
            }
        }
        form method="get" action=(state.href("/go")) class="filters" id="go-form" {
            div class="field" {
                label for="reference" { (d.go_label) }
                input type="text" id="reference" name="reference" autocomplete="off" spellcheck="false"
                    value=(not_found.unwrap_or("")) aria-invalid=[not_found.map(|_| "true")];
            }
            button type="submit" class="button button-secondary" { (d.go_button) }
        }
        form method="get" action=(state.href("/")) class="filters" id="filters" {
            div class="field" {
                label for="q" { (d.search_label) }
                input type="search" id="q" name="q" value=(search) autocomplete="off" aria-describedby="q-hint";
                p class="hint" id="q-hint" { (d.search_hint) }
            }
            div class="field" {
                label for="status" { (d.filter_status) }
                select id="status" name="status" {
                    option value="" { (d.any) }
                    @for s in Status::ALL {
                        option value=(s.key()) selected[status_filter == Some(*s)] { (d.statuses[s.index()]) }
                    }
                }
            }
            div class="field" {
                label for="concern" { (d.filter_concern) }
                select id="concern" name="concern" {
                    option value="" { (d.any) }
                    @for k in Concern::ALL {
                        option value=(k.key()) selected[concern_filter == Some(*k)] { (k.label(t)) }
                    }
                }
            }
            div class="field" {
                label for="assignee" { (d.filter_assignee) }
                select id="assignee" name="assignee" {
                    option value="" { (d.any) }
                    option value="none" selected[assignee.as_deref() == Some("none")] { (d.nobody) }
                    @for m in &members {
                        option value=(m.id) selected[assignee.as_deref() == Some(m.id.as_str())] { (m.name) }
                    }
                }
            }
            @if column != Column::Urgency {
                input type="hidden" name="sort" value=(column.key());
                @if descending { input type="hidden" name="dir" value="desc"; }
            }
            button type="submit" class="button button-secondary" { (d.filter_button) }
        }
        p id="shown-count" role="status" { (shown_of) }
        @if rows.is_empty() {
            p { (d.no_cases) }
        } @else {
            div class="table-wrap" {
                table class="cases" {
                    caption class="visually-hidden" { (d.inbox_title) }
                    thead { tr {
                        (header(state, q, Column::Reference, d.col_reference, column, descending))
                        (header(state, q, Column::Status, d.col_status, column, descending))
                        (header(state, q, Column::Received, d.col_received, column, descending))
                        (header(state, q, Column::Urgency, d.col_deadline, column, descending))
                        (header(state, q, Column::Assigned, d.col_assigned, column, descending))
                        (header(state, q, Column::Concern, d.col_concern, column, descending))
                        (header(state, q, Column::Municipality, d.col_municipality, column, descending))
                        (header(state, q, Column::FirstLine, d.col_first_line, column, descending))
                        (header(state, q, Column::Language, d.col_language, column, descending))
                        (header(state, q, Column::Unread, d.col_unread, column, descending))
                    } }
                    tbody {
                        @for r in &rows { (row(state, r, today)) }
                    }
                }
            }
        }
        (super::left_out::section(state, &left_out))
        (super::left_out::withdrawn(state, &withdrawals))
    };
    let status = if not_found.is_some() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    page(state, status, d.inbox_title, Some(&name), body)
}

fn row(state: &SharedDesk, r: &Row<'_>, today: time::Date) -> Markup {
    let d = state.texts();
    let lang = state.lang;
    let c = r.case;
    let (urgency, deadline) = urgency_key(c, today);
    html! {
        tr class="case-row" data-reference=(c.reference) {
            td {
                a href=(state.href(&format!("/case/{}", c.id))) { (c.reference) }
                @if c.left_out > 0 { " " span class="flag flag-left-out" { (d.left_out_flag) } }
            }
            td class="status" { (d.statuses[c.status.index()]) }
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
            td { @if r.assigned.is_empty() { "—" } @else { (r.assigned) } }
            @if r.summary.unreadable {
                td class="concern" colspan="4" { (d.report_unreadable) }
            } @else {
                td class="concern" { @if r.concerns.is_empty() { "—" } @else { (r.concerns) } }
                td class="municipality" { @if r.summary.municipality.is_empty() { "—" } @else { (r.summary.municipality) } }
                td class="first-line" { (r.summary.first_line) }
                td class="language" {
                    @match r.summary.lang {
                        Some(Lang::Nl) => { (d.lang_nl) }
                        Some(Lang::En) => { (d.lang_en) }
                        None => { "—" }
                    }
                }
            }
            td class="unread" { (number(lang, c.unread as usize)) }
        }
    }
}

/// A column header that sorts by its column; a second click reverses the order.
fn header(
    state: &SharedDesk,
    q: &InboxQuery,
    this: Column,
    label: &str,
    current: Column,
    descending: bool,
) -> Markup {
    let d = state.texts();
    let active = this == current;
    let next_desc = active && !descending;
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("q", &q.q),
        ("status", &q.status),
        ("concern", &q.concern),
        ("assignee", &q.assignee),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            pairs.push((k, v.clone()));
        }
    }
    pairs.push(("sort", this.key().to_owned()));
    if next_desc {
        pairs.push(("dir", "desc".to_owned()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect();
    let href = format!("{}?{}", state.href("/"), query.join("&"));
    let sort = match (active, descending) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    html! {
        th scope="col" aria-sort=[sort] {
            a href=(href) {
                (label)
                span class="visually-hidden" { " (" (if next_desc { d.sort_descending } else { d.sort_ascending }) ")" }
            }
        }
    }
}

fn query_value(v: &str) -> String {
    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
}
