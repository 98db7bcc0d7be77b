//! Conflicts of interest as the desk shows them: to a member the reporter left out,
//! the references of those cases and nothing more; to the others, on the case page,
//! whom the reporter left out, as sealed in the report.

use maud::{Markup, html};

use super::SharedDesk;
use crate::protocol::LeftOutCase;

/// The inbox section of the cases that leave this member out (nothing when none).
pub fn section(state: &SharedDesk, cases: &[LeftOutCase]) -> Markup {
    let d = state.texts();
    html! {
        @if !cases.is_empty() {
            section aria-labelledby="left-out-heading" {
                h2 id="left-out-heading" { (d.left_out_heading) }
                p { (d.left_out_intro) }
                ul class="left-out" {
                    @for c in cases { li class="left-out-case" { (c.reference) } }
                }
            }
        }
    }
}

/// On a case page: the members the reporter left out (nothing when none).
pub fn names(state: &SharedDesk, left_out: &[String]) -> Markup {
    html! {
        @if !left_out.is_empty() {
            p class="notice" id="left-out" { (state.texts().left_out_names) " " (left_out.join(", ")) }
        }
    }
}
