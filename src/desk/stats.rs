//! Statistics computed on the member's computer after decryption: the portal never
//! learns the kinds of concern.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::SharedDesk;
use super::layout::{decimal, number, page, portal_error, require_portal};
use super::summary::Summary;
use crate::protocol::{CaseInfo, FloodDay};

/// Counts computed here, after decryption.
#[derive(Default, Debug, PartialEq)]
pub struct Statistics {
    pub per_status: BTreeMap<usize, usize>,
    pub per_concern: BTreeMap<usize, usize>,
    pub per_month: BTreeMap<(i32, u8), usize>,
    pub ack_days: Vec<i64>,
}

pub fn statistics(cases: &[(CaseInfo, Option<Arc<Summary>>)]) -> Statistics {
    let mut s = Statistics::default();
    for (c, summary) in cases {
        *s.per_status.entry(c.status.index()).or_default() += 1;
        *s.per_month
            .entry((c.received_on.year(), u8::from(c.received_on.month())))
            .or_default() += 1;
        if let Some(a) = c.acknowledged_on {
            s.ack_days.push((a - c.received_on).whole_days());
        }
        if let Some(summary) = summary {
            for k in &summary.concerns {
                *s.per_concern.entry(k.index()).or_default() += 1;
            }
        }
    }
    s
}

/// The days on which the portal's report ceiling refused reports. The portal is
/// not trusted: the client has bounded and ordered the list, the day is a parsed
/// date and the count an integer, and maud escapes what is shown.
fn flood_table(state: &super::DeskState, days: &[FloodDay]) -> maud::Markup {
    let (d, lang) = (state.texts(), state.lang);
    html! {
        @if days.is_empty() {
            p id="flood-days" { (d.flood_none) }
        } @else {
            table class="stats" id="flood-days" {
                caption { (d.flood_caption) }
                tbody {
                    @for f in days {
                        tr { th scope="row" { (lang.date(f.day)) } td { (f.refused) } }
                    }
                }
            }
        }
    }
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
    let flood = match portal.flood_days().await {
        Ok(f) => f,
        Err(e) => return portal_error(&state, &e),
    };
    // The kinds of concern come from the same decrypted summaries as the inbox's.
    let summaries = match state.summaries.of(&portal, &cases).await {
        Ok(s) => s,
        Err(e) => return portal_error(&state, &e),
    };
    let opened: Vec<(CaseInfo, Option<Arc<Summary>>)> = cases
        .into_iter()
        .map(|c| {
            let summary = summaries.get(&c.id).cloned();
            (c, summary)
        })
        .collect();
    let s = statistics(&opened);
    let d = state.texts();
    let t = state.lang.texts();
    let months = t.months;
    let lang = state.lang;
    let avg = if s.ack_days.is_empty() {
        "—".to_owned()
    } else {
        decimal(
            lang,
            s.ack_days.iter().sum::<i64>() as f64 / s.ack_days.len() as f64,
        )
    };
    let longest = s
        .ack_days
        .iter()
        .max()
        .map_or("—".to_owned(), |m| number(lang, (*m).max(0) as usize));
    let counts = |rows: Vec<(String, usize)>, caption: &str, id: &str| {
        html! {
            table class="stats" id=(id) {
                caption { (caption) }
                tbody { @for (label, n) in &rows { tr { th scope="row" { (label) } td { (number(lang, *n)) } } } }
            }
        }
    };
    let by_status: Vec<(String, usize)> = s
        .per_status
        .iter()
        .map(|(i, n)| (d.statuses[*i].to_owned(), *n))
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
                    tr { th scope="row" { (d.cases) } td { (number(lang, s.ack_days.len())) } }
                    tr { th scope="row" { (d.average_days) } td { (avg) } }
                    tr { th scope="row" { (d.longest_days) } td { (longest) } }
                }
            }
            (flood_table(&state, &flood))
        },
    )
}
