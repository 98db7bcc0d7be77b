//! Landing page, report form and receipt.

use axum::extract::{Extension, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::ceiling;
use super::error::WebError;
use super::form_token::{self, Purpose, TokenError};
use super::layout::{Page, bad_request};
use super::report_form::{self, Draft, Excludable, FieldError, exclude};
use super::state::SharedState;
use super::state::committee_minus;
use super::upload;
use crate::case::{self, AttachmentInfo, Body, Envelope};
use crate::crypto;
use crate::http::files;
use crate::http::urlencoded::{Pairs, first};
use crate::i18n::{Block, Lang, Numbers, Referral, Section};
use crate::pickup::PickupCode;
use crate::site::Site;
use crate::storage::{FormNonce, NewCase, NewMessage};

fn section<'a>(
    heading: &str,
    paragraphs: impl IntoIterator<Item = &'a str>,
    items: impl IntoIterator<Item = &'a str>,
) -> Markup {
    let items: Vec<&str> = items.into_iter().collect();
    html! {
        section {
            h2 { (heading) }
            @for p in paragraphs { p { (p) } }
            @if !items.is_empty() {
                ul { @for i in &items { li { (i) } } }
            }
        }
    }
}

fn fixed(s: &Section) -> Markup {
    section(
        s.heading,
        s.paragraphs.iter().copied(),
        s.items.iter().copied(),
    )
}

fn filled(b: &Block) -> Markup {
    section(
        b.heading,
        b.paragraphs.iter().map(String::as_str),
        b.items.iter().map(String::as_str),
    )
}

/// The protected routes the landing page sends whistleblowers to, each with its web
/// address as visible text: a reporter in Tor Browser may copy it rather than follow
/// it, and a plain link loads nothing until it is followed.
fn not_whistleblower(section: &Section, referrals: &[Referral]) -> Markup {
    html! {
        section id="not-whistleblower" {
            h2 { (section.heading) }
            @for p in section.paragraphs { p { (p) } }
            ul class="referrals" {
                @for r in referrals {
                    li {
                        strong { (r.name) } ": " (r.what) " "
                        a href=(r.url) { (r.url.trim_start_matches("https://")) }
                    }
                }
            }
        }
    }
}

/// The profile's non-anonymous route to the committee, when it offers one.
fn contact(lang: Lang, site: &Site) -> Markup {
    let t = lang.texts();
    let c = &site.contact;
    html! {
        @if !c.is_empty() {
            section id="contact" {
                h2 { (t.contact_heading) }
                p { (t.contact_intro) }
                dl class="contact" {
                    @if let Some(email) = &c.email {
                        dt { (t.contact_email) }
                        dd { a href={ "mailto:" (email) } { (email) } }
                    }
                    @if let Some(phone) = &c.phone {
                        dt { (t.contact_phone) }
                        dd { (phone) }
                    }
                    @if let Some(post) = &c.postal_address {
                        dt { (t.contact_post) }
                        dd { (post) }
                    }
                }
            }
        }
    }
}

pub async fn landing(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
) -> Response {
    let t = lang.texts();
    let who = state.site.who(lang);
    let numbers = state.numbers();
    let body = html! {
        h1 { (t.landing_title) }
        p class="lead" { (t.landing_intro) }
        // A list, so that linear reading (text browsers) keeps the two apart.
        ul class="actions" {
            li { a class="button" href=(lang.path("/report")) { (t.landing_start) } }
            li { a href=(lang.path("/pickup")) { (t.landing_have_code) } }
        }
        (filled(&(t.landing_who)(&who)))
        @for p in &state.site.names(lang).landing_paragraphs {
            p class="site-paragraph" { (p) }
        }
        (filled(&(t.landing_can)(&who)))
        (fixed(&t.landing_cannot))
        div class="notice" { (not_whistleblower(&t.landing_not_whistleblower, &t.landing_referrals)) }
        div class="notice notice-urgent" { (fixed(&t.landing_emergency)) }
        div id="anonymity" { (filled(&(t.landing_anonymity)(&numbers))) }
        (filled(&(t.landing_after)(&numbers)))
        (contact(lang, &state.site))
        p class="actions" {
            a class="button" href=(lang.path("/report")) { (t.landing_start) }
        }
    };
    let mut response = Page::new(lang, t.landing_title, Some("/"), body).into_response();
    // The landing page is the one page search engines may list.
    response
        .headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("nofollow"));
    response
}

fn form_page(
    state: &SharedState,
    lang: Lang,
    draft: &Draft,
    errors: &[FieldError],
    notice: Option<&str>,
    files_were_chosen: bool,
    members: &[Excludable],
) -> Page {
    let t = lang.texts();
    let token = form_token::mint(
        &state.secrets.form_key,
        Purpose::Report,
        b"",
        state.now().unix_timestamp(),
    );
    let status = if errors.is_empty() && notice.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = html! {
        h1 { (t.form_title) }
        (report_form::error_summary(t, errors))
        @if let Some(n) = notice {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus {
                p { (n) }
            }
        }
        p class="lead" { (t.form_intro) }
        div class="notice" {
            h2 { (t.form_reminder_heading) }
            ul { @for r in t.form_reminder { li { (r) } } }
        }
        (report_form::render(
            lang,
            draft,
            errors,
            &token,
            members,
            files::file_input(t, state.file_limits, files_were_chosen),
        ))
    };
    let title = if errors.is_empty() {
        t.form_title.to_owned()
    } else {
        format!("{}: {}", t.error_summary_title, t.form_title)
    };
    Page::new(lang, title, Some("/report"), body).status(status)
}

pub async fn report_form(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
) -> Result<Page, WebError> {
    let members = exclude::excludable(state.storage.members().await?);
    Ok(form_page(
        &state,
        lang,
        &Draft::default(),
        &[],
        None,
        false,
        &members,
    ))
}

pub async fn submit_report(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    request: Request,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let now = state.now();
    // Over the ceiling nothing of the body is used, but it is read and dropped: a
    // browser still sending its files when the answer comes would otherwise find
    // the connection reset and show an error instead of the busy page.
    if state.ceiling.is_full(&state.storage, now).await? {
        let bound = state.file_limits.max_message_bytes
            + u64::try_from(state.max_body_bytes).unwrap_or(u64::MAX);
        ceiling::drain(request.into_body(), bound).await;
        return Ok(ceiling::busy(&state.storage, lang, now).await);
    }
    let whole_committee = state.committee().await?;
    let members = exclude::excludable(state.storage.members().await?);
    // The case id and the code are fixed before the body is read: files are sealed
    // to the reporter's key as they arrive and wait for this case.
    let code = PickupCode::generate();
    let derived = code.derive(&state.secrets.salt);
    let reporter = derived.recipient();
    let id = crypto::hex(&crypto::random_bytes::<16>());
    // The committee without the members ticked so far, and the reporter.
    let sealed_for = |ids: &[String]| {
        let left_out: Vec<&str> = members
            .iter()
            .filter(|m| ids.contains(&m.id))
            .map(|m| m.recipient.as_str())
            .collect();
        let mut r = committee_minus(&whole_committee, &left_out);
        r.push(reporter.clone());
        r
    };
    // Files are sealed as they arrive only once the list of members is behind.
    let allow = |pairs: &Pairs| {
        (token(&state, pairs, now).is_ok() && first(pairs, exclude::EXCLUSIONS_COMPLETE) == "1")
            .then(|| sealed_for(&exclude::chosen(pairs)))
    };
    let direct = upload::direct(&state, &id, &allow);
    let upload = match upload::read(&state, request, Some(&direct)).await {
        Ok(u) => u,
        Err(e) => return Ok(upload::error_page(&e, lang, state.file_limits)),
    };
    let pairs = &upload.pairs;
    if exclude::chosen_after_marker(pairs) {
        upload::discard(&state, &upload.files).await;
        return Ok(bad_request(lang));
    }
    let draft = Draft::from_pairs(pairs);
    let had_files = !upload.files.is_empty();
    let verified = match token(&state, pairs, now) {
        Ok(v) => v,
        Err(TokenError::Expired) => {
            upload::discard(&state, &upload.files).await;
            let page = form_page(
                &state,
                lang,
                &draft,
                &[],
                Some(t.form_expired),
                had_files,
                &members,
            );
            return Ok(page.into_response());
        }
        Err(TokenError::Invalid) => {
            upload::discard(&state, &upload.files).await;
            return Ok(bad_request(lang));
        }
    };
    let left_out = exclude::parse_left_out(&draft.exclude, &members, t);
    let (report, left_out) = match (draft.parse(lang, state.text_limits), left_out) {
        (Ok(r), Ok(l)) => (r, l),
        (report, left_out) => {
            let mut errors = report.err().unwrap_or_default();
            errors.extend(left_out.err());
            report_form::sort_errors(&mut errors);
            upload::discard(&state, &upload.files).await;
            let page = form_page(&state, lang, &draft, &errors, None, had_files, &members);
            return Ok(page.into_response());
        }
    };
    let left_out_ids: Vec<String> = left_out.iter().map(|m| m.id.clone()).collect();
    let left_out_names: Vec<String> = left_out.iter().map(|m| m.name.clone()).collect();
    let recipients = sealed_for(&left_out_ids);
    let committee = crypto::RecipientSet::new(recipients[..recipients.len() - 1].to_vec())
        .map_err(|_| WebError::NoRecipients)?;
    state.remember(&committee).await?;
    let received_on = now.date();
    let nonce = FormNonce {
        nonce: &verified.nonce,
        forget_on: verified.forget_on,
    };
    // A place under the ceiling is taken before the report is stored; a refused
    // report removes the files sealed while they arrived, and its form token stays
    // unused.
    let Some(place) = state.ceiling.take(&state.storage, now).await? else {
        upload::discard(&state, &upload.files).await;
        return Ok(ceiling::busy(&state.storage, lang, now).await);
    };
    let feedback_due_on = case::feedback_by(received_on, None);
    // Each attempt borrows these and owns its copy of the files and their ids.
    let (state, id, report, derived, nonce) = (&state, &id, &report, &derived, &nonce);
    let (committee, reporter) = (&committee, &reporter);
    let (left_out_ids, left_out_names) = (&left_out_ids, &left_out_names);
    let stored = upload::store_message(
        state,
        lang,
        upload.files,
        id,
        &recipients,
        3,
        |files, attachment_ids| async move {
            let envelope = Envelope::new(id, 1, Body::Report(report.clone()))
                .with_reporter(reporter)
                .with_lang(lang)
                .with_left_out(left_out_names)
                .with_attachments(files);
            let ciphertext = crypto::seal(&envelope.to_bytes(), committee, Some(reporter))?;
            let reference = case::new_reference();
            let new_case = NewCase {
                id,
                reference: &reference,
                lookup: &derived.lookup,
                reporter_recipient: &reporter.to_string(),
                received_on,
                feedback_due_on,
                first_message: NewMessage {
                    seq: 1,
                    author_kind: case::AuthorKind::Reporter,
                    member_id: None,
                    written_on: received_on,
                    recipients_fp: committee.fingerprint(),
                    ciphertext: &ciphertext,
                    attachments: &attachment_ids,
                },
                excluded: left_out_ids,
            };
            Ok(state.storage.insert_case(&new_case, nonce).await?)
        },
    )
    .await;
    if !matches!(stored, Ok(Ok(_))) {
        state.ceiling.give_back(&state.storage, place).await;
    }
    Ok(match stored? {
        Ok(files) => receipt(
            lang,
            &code,
            received_on,
            &files,
            &state.numbers(),
            left_out_names,
        )
        .into_response(),
        Err(page) => page,
    })
}

/// The report form's token among `pairs`, checked (not yet used up).
fn token(
    state: &SharedState,
    pairs: &Pairs,
    now: time::OffsetDateTime,
) -> Result<form_token::Verified, TokenError> {
    form_token::verify(
        &state.secrets.form_key,
        Purpose::Report,
        b"",
        first(pairs, "form_token"),
        now.unix_timestamp(),
        state.form_ttl_secs,
    )
}

fn receipt(
    lang: Lang,
    code: &PickupCode,
    received_on: time::Date,
    files: &[AttachmentInfo],
    numbers: &Numbers,
    left_out: &[String],
) -> Page {
    let t = lang.texts();
    let shown = code.display();
    let body = html! {
        h1 { (t.receipt_title) }
        p class="lead" { (t.receipt_intro) }
        div class="pickup-code-box" role="group" aria-labelledby="pickup-code-label" {
            p id="pickup-code-label" { (t.receipt_code_label) }
            p class="pickup-code" id="pickup-code" {
                // Digits are marked so they cannot be taken for look-alike letters
                // (8 and B, 2 and Z, 5 and S) when the code is copied by hand.
                code {
                    @for c in shown.chars() {
                        @if c.is_ascii_digit() { span class="digit" { (c) } } @else { (c) }
                    }
                }
            }
            p class="hint" id="pickup-code-hint" { (t.receipt_code_digits) }
        }
        p class="warning" id="code-shown-once" { strong { (t.receipt_shown_once) } }
        (files::file_list(t, files, None, 2))
        @if !left_out.is_empty() {
            p id="left-out" { (t.receipt_left_out) " " (left_out.join(", ")) }
        }
        h2 { (t.receipt_keep_safe_heading) }
        ul { @for k in t.receipt_keep_safe { li { (k) } } }
        h2 { (t.receipt_dates_heading) }
        dl class="dates" {
            dt { (t.ack_by_label) }
            dd id="acknowledge-by" { (lang.date(case::acknowledge_by(received_on))) }
            dt { (t.feedback_by_label) }
            dd id="feedback-by" { (lang.date(case::feedback_by(received_on, None))) }
        }
        p id="retention" { ((t.receipt_retention)(numbers)) }
        p { (t.receipt_next) }
        p { a href=(lang.path("/pickup")) { (t.nav_pickup) } }
    };
    Page::new(lang, t.receipt_title, None, body)
}
