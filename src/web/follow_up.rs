//! The reporter's follow-up form: a message with files added to their case. The
//! case and its recipients are known from the session before the body is read,
//! so files with nothing to clean are sealed while they arrive.

use std::str::FromStr;

use axum::extract::{Extension, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::WebError;
use super::form_token::{self, Purpose, TokenError};
use super::session::ReporterSession;
use super::sign_in::session_ended;
use super::state::SharedState;
use super::thread::{ThreadForm, load_case, render_thread};
use super::upload;
use crate::case::{AuthorKind, Body, Envelope, Status};
use crate::crypto::{self, Recipient};
use crate::http::multipart::Received;
use crate::http::urlencoded::{Pairs, first};
use crate::i18n::Lang;
use crate::storage::{FormNonce, NewMessage};

pub async fn follow_up(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    session: Option<ReporterSession>,
    request: Request,
) -> Result<Response, WebError> {
    let now = state.now();
    // Where the files go, when the session names an open case.
    let mut to = None;
    if let Some(session) = &session
        && let Some(case) = load_case(&state, session).await?
        && case.status != Status::Closed
    {
        let reporter = Recipient::from_str(&case.reporter_recipient)
            .map_err(|_| WebError::BadStoredRecipient)?;
        let mut recipients = state
            .committee_for_case(&case.id)
            .await?
            .recipients()
            .to_vec();
        recipients.push(reporter);
        to = Some((case.id, recipients));
    }
    let recipients = to.as_ref().map(|(_, r)| r.clone()).unwrap_or_default();
    let token_ok = |pairs: &Pairs| {
        session
            .as_ref()
            .is_some_and(|s| token(&state, s, pairs, now).is_ok())
            .then(|| recipients.clone())
    };
    let direct = to
        .as_ref()
        .map(|(id, _)| upload::direct(&state, id, &token_ok));
    let upload = match upload::read(&state, request, direct.as_ref()).await {
        Ok(u) => u,
        Err(e) => return Ok(upload::error_page(&e, lang, state.file_limits)),
    };
    let mut files = Some(upload.files);
    let answer = store(&state, lang, session, &upload.pairs, &mut files, now).await;
    // Whatever was not stored is removed again, on every way out.
    if let Some(left) = files {
        upload::discard(&state, &left).await;
    }
    answer
}

/// Checks and stores the follow-up; takes `files` only when it stores them.
async fn store(
    state: &SharedState,
    lang: Lang,
    session: Option<ReporterSession>,
    pairs: &Pairs,
    files: &mut Option<Vec<Received>>,
    now: time::OffsetDateTime,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let text = first(pairs, "text").trim().to_owned();
    // Someone who wrote for longer than the session lasts gets their text back.
    let Some(session) = session else {
        return Ok(session_ended(state, lang, &text));
    };
    let had_files = files.as_ref().is_some_and(|f| !f.is_empty());
    let again = |text: String, error: String, status: StatusCode| ThreadForm {
        text,
        error: Some(error),
        status: Some(status),
        files_were_chosen: had_files,
    };
    let verified = match token(state, &session, pairs, now) {
        Ok(v) => v,
        Err(TokenError::Expired) => {
            let form = again(
                text,
                t.form_expired.to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            return render_thread(state, lang, &session, form, None).await;
        }
        // Also a form from this browser's previous session: the text is kept.
        Err(TokenError::Invalid) => {
            let form = again(
                text,
                t.followup_form_stale.to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            return render_thread(state, lang, &session, form, None).await;
        }
    };
    let error = if text.is_empty() && !had_files {
        Some(t.err_followup_empty.to_owned())
    } else if text.chars().count() > state.text_limits.long {
        Some((t.err_too_long)(state.text_limits.long))
    } else {
        None
    };
    if let Some(error) = error {
        let form = again(text, error, StatusCode::UNPROCESSABLE_ENTITY);
        return render_thread(state, lang, &session, form, None).await;
    }
    let Some(case) = load_case(state, &session).await? else {
        return Ok(session_ended(state, lang, &text));
    };
    if case.status == Status::Closed {
        let form = again(
            text,
            (t.thread_closed_note)(&state.numbers()),
            StatusCode::CONFLICT,
        );
        return render_thread(state, lang, &session, form, None).await;
    }
    let reporter =
        Recipient::from_str(&case.reporter_recipient).map_err(|_| WebError::BadStoredRecipient)?;
    let committee = state.committee_for_case(&case.id).await?;
    let mut recipients = committee.recipients().to_vec();
    recipients.push(reporter.clone());
    let nonce = FormNonce {
        nonce: &verified.nonce,
        forget_on: verified.forget_on,
    };
    // Each attempt borrows these and owns its copy of the files and their ids.
    let (case, text, nonce) = (&case, &text, &nonce);
    let (committee, reporter) = (&committee, &reporter);
    let stored = upload::store_message(
        state,
        lang,
        files.take().unwrap_or_default(),
        &case.id,
        &recipients,
        5,
        |files, attachment_ids| async move {
            let seq = state.storage.next_seq(&case.id).await?;
            let envelope = Envelope::new(&case.id, seq, Body::Text { text: text.clone() })
                .with_attachments(files);
            let ciphertext = crypto::seal(&envelope.to_bytes(), committee, Some(reporter))?;
            let message = NewMessage {
                seq,
                author_kind: AuthorKind::Reporter,
                member_id: None,
                written_on: now.date(),
                recipients_fp: committee.fingerprint(),
                ciphertext: &ciphertext,
                attachments: &attachment_ids,
            };
            Ok(state
                .storage
                .append_message(&case.id, &message, Some(nonce))
                .await?)
        },
    )
    .await?;
    Ok(match stored {
        Ok(_) => Redirect::to(&lang.path("/thread?sent=1")).into_response(),
        Err(page) => page,
    })
}

/// The follow-up form's token among `pairs`, checked against the session it was
/// issued for (not yet used up).
fn token(
    state: &SharedState,
    session: &ReporterSession,
    pairs: &Pairs,
    now: time::OffsetDateTime,
) -> Result<form_token::Verified, TokenError> {
    form_token::verify(
        &state.secrets.form_key,
        Purpose::FollowUp,
        &session.form_binding,
        first(pairs, "form_token"),
        now.unix_timestamp(),
        state.form_ttl_secs,
    )
}
