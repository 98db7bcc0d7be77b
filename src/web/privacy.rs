//! The privacy statement: who is responsible (from the site profile), what is kept
//! and how (from the data inventory in `storage::inventory`, the same list the
//! data-classification test checks against the schema), what is not kept, why, for
//! how long (the configured numbers), who can read what, the reporter's rights and
//! how to complain.

use axum::extract::{Extension, State};
use maud::{Markup, html};

use super::layout::Page;
use super::state::SharedState;
use crate::i18n::{AUTORITEIT_PERSOONSGEGEVENS, Lang, PRIVACY_PATH};
use crate::storage::inventory;

fn list(items: impl IntoIterator<Item = impl maud::Render>) -> Markup {
    html! { ul { @for i in items { li { (i) } } } }
}

pub async fn show(State(state): State<SharedState>, Extension(lang): Extension<Lang>) -> Page {
    let p = lang.texts().privacy;
    let names = state.site.names(lang);
    let privacy = &state.site.privacy;
    let body = html! {
        h1 { (p.title) }
        p class="lead" { (p.intro) }
        section aria-labelledby="controller" {
            h2 id="controller" { (p.controller_heading) }
            p { ((p.controller_text)(names.controller.as_str(), privacy.controller_address.as_str())) }
            p { ((p.dpo_text)(names.data_protection_contact.as_str(), privacy.data_protection_email.as_str())) }
        }
        section aria-labelledby="stored" {
            h2 id="stored" { (p.stored_heading) }
            p { (p.stored_intro) }
            ul class="stored" {
                @for s in inventory::statements() {
                    li id={ "stored-" (s.key()) } {
                        (s.text(&p.stored))
                        " "
                        span class="kept-as" {
                            (p.kept_as) " "
                            (inventory::classes_of(s)
                                .into_iter()
                                .map(|c| c.text(&p.stored))
                                .collect::<Vec<_>>()
                                .join("; "))
                            "."
                        }
                    }
                }
            }
        }
        section aria-labelledby="not-stored" {
            h2 id="not-stored" { (p.not_stored_heading) }
            (list(p.not_stored))
        }
        section aria-labelledby="basis" {
            h2 id="basis" { (p.basis_heading) }
            @for b in p.basis { p { (b) } }
        }
        section aria-labelledby="retention" {
            h2 id="retention" { (p.retention_heading) }
            (list((p.retention)(&state.numbers())))
        }
        section aria-labelledby="readers" {
            h2 id="readers" { (p.readers_heading) }
            (list(p.readers))
        }
        section aria-labelledby="rights" {
            h2 id="rights" { (p.rights_heading) }
            p { (p.rights_intro) }
            (list(p.rights_with_code))
            p { (p.rights_without_code) }
        }
        section aria-labelledby="complaint" {
            h2 id="complaint" { (p.complaint_heading) }
            p { (p.complaint) }
            p { a href=(AUTORITEIT_PERSOONSGEGEVENS) id="ap-link" { (p.complaint_link) } }
        }
    };
    Page::new(lang, p.title, Some(PRIVACY_PATH), body)
}
