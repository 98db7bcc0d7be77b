//! The cases of the inbox that a member cannot open, as the desk lists them: those
//! the reporter left this member out of (conflicts of interest: references only; the
//! other members see on the case page whom the reporter left out, as sealed in the
//! report), and those reporters withdrew (reference and day only).

use maud::{Markup, html};

use super::SharedDesk;
use crate::protocol::{LeftOutCase, WithdrawalInfo};

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

/// The inbox section of withdrawn cases (nothing when none).
pub fn withdrawn(state: &SharedDesk, withdrawals: &[WithdrawalInfo]) -> Markup {
    let d = state.texts();
    html! {
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
                            @for w in withdrawals {
                                tr class="withdrawal-row" data-reference=(w.reference) {
                                    td { (w.reference) }
                                    td { (state.lang.date(w.withdrawn_on)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
