//! The inbox: cases by urgency, with filters by status and assignee.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::SharedDesk;
use super::layout::{page, portal_error, require_portal};
use crate::case::{self, Status, Urgency};
use crate::protocol::{CaseInfo, MemberId, MemberInfo};

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    status: Option<String>,
    assignee: Option<String>,
}

pub fn member_name<'a>(members: &'a [MemberInfo], id: Option<&MemberId>) -> Option<&'a str> {
    id.and_then(|id| {
        members
            .iter()
            .find(|m| &m.id == id)
            .map(|m| m.name.as_str())
    })
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
    let fetched = tokio::try_join!(portal.cases(), portal.members(), portal.withdrawals());
    let (cases, members, withdrawals) = match fetched {
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
            Some(id) => c.assigned_member.as_ref().map(MemberId::as_str) == Some(id),
        })
        .collect();
    inbox_order(&mut shown, today);
    let d = state.texts();
    let lang = state.lang;
    page(
        &state,
        StatusCode::OK,
        d.inbox_title,
        Some(&name),
        html! {
            h1 { (d.inbox_title) }
            form method="get" action=(state.href("/")) class="filters" {
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
                                    td { a href=(state.href(&format!("/case/{}", c.id))) { (c.reference) } }
                                    td { (d.statuses[c.status.index()]) }
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
                                    td { (member_name(&members, c.assigned_member.as_ref()).unwrap_or("—")) }
                                    td class="unread" { (c.unread) }
                                }
                            }
                        }
                    }
                }
            }
            @if !withdrawals.is_empty() {
                section aria-labelledby="withdrawn-heading" {
                    h2 id="withdrawn-heading" { (d.withdrawn_heading) }
                    p { (d.withdrawn_intro) }
                    div class="table-wrap" {
                        table class="withdrawals" {
                            thead { tr {
                                th scope="col" { (d.col_reference) }
                                th scope="col" { (d.col_withdrawn_on) }
                            } }
                            tbody {
                                @for w in &withdrawals {
                                    tr class="withdrawal-row" data-reference=(w.reference) {
                                        td { (w.reference) }
                                        td { (lang.date(w.withdrawn_on)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
