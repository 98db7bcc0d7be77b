//! The forms of a case page: acknowledge, reply (or preview it), note, status,
//! assignment and export, and a file's download. A success redirects to the case
//! page under a URL of its own (post/redirect/get that no browser serves stale);
//! a problem shows the case page again with the typed text kept and the problem
//! linked to its field, in the desk's language.
#![allow(clippy::result_large_err)]

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::SharedDesk;
use super::case_page::{Done, Draft, case_id, render_case};
use super::client::{DESK_FILE_LIMITS, Portal, PortalError};
use super::layout::{FieldError, form, pinned_roster, portal_error, require_portal};
use super::sealing::Opened;
use crate::case::{CloseReason, Status};
use crate::http::urlencoded::{self, first};
use crate::http::{download, multipart};
use crate::protocol::{AttachmentId, CaseId, MemberId, MessageKind};

/// The redirect after an action: a new URL each time (a counter), so a text
/// browser's cache never answers it with the page from before the action.
fn done(state: &SharedDesk, id: &CaseId, what: &Done) -> Response {
    let n = state.actions.fetch_add(1, Ordering::Relaxed) + 1;
    Redirect::to(&state.href(&format!("/case/{id}?done={}&n={n}", what.key()))).into_response()
}

/// What a portal refusal means for the form, in the desk's words: the field it
/// concerns and what to do. `None` for failures that are not about the form (the
/// portal cannot be reached), which get the error page.
fn refusal(state: &SharedDesk, e: &PortalError, field: &'static str) -> Option<FieldError> {
    let d = state.texts();
    let tt = state.trust_texts();
    Some(match e {
        PortalError::Refused { status: 0, .. } => FieldError::new("files", d.err_file),
        PortalError::Refused { status, message } if *status != 404 => {
            if message.contains("needs a reason") {
                FieldError::new("reason", d.err_reason_required)
            } else if message.contains("the case is closed") {
                FieldError::new(field, d.closed_no_reply)
            } else if message.contains("active member") {
                FieldError::new("member", d.err_member_invalid)
            } else {
                FieldError::new(field, d.err_refused)
            }
        }
        PortalError::Busy => FieldError::new(field, d.err_busy),
        PortalError::RosterMismatch => FieldError::new(field, tt.roster_mismatch),
        PortalError::ReporterMismatch => FieldError::new(field, tt.reporter_mismatch),
        PortalError::NoReport => FieldError::new(field, d.err_no_report),
        _ => return None,
    })
}

/// Runs an action whose form was read and checked: a redirect on success, the
/// case page with `draft` and the problem otherwise. `field` is the form's main
/// field, where a refusal without a field of its own is shown.
async fn act_on<F, Fut>(
    state: SharedDesk,
    id: CaseId,
    field: &'static str,
    mut draft: Draft,
    f: F,
) -> Response
where
    F: FnOnce(Arc<Portal>) -> Fut,
    Fut: std::future::Future<Output = Result<Result<Done, Draft>, PortalError>>,
{
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match f(portal).await {
        Ok(Ok(what)) => done(&state, &id, &what),
        Ok(Err(problem)) => render_case(&state, &id, None, None, problem).await,
        Err(e) => match refusal(&state, &e, field) {
            Some(problem) => {
                draft.errors.push(problem);
                render_case(&state, &id, None, None, draft).await
            }
            None => portal_error(&state, &e),
        },
    }
}

async fn checked_form(
    state: &SharedDesk,
    raw: &str,
    body: &Bytes,
) -> Result<(CaseId, urlencoded::Pairs), Response> {
    let id = case_id(state, raw).await?;
    let pairs = form(state, body)?;
    Ok((id, pairs))
}

/// `POST /case/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, _) = match checked_form(&state, &raw, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let case = id.clone();
    act_on(state, id, "acknowledge", Draft::default(), |p| async move {
        p.set_status(&case, Status::Acknowledged, None).await?;
        Ok(Ok(Done::Acknowledged))
    })
    .await
}

/// `POST /case/{id}/status`: closing needs a reason, checked here first so the
/// member hears it at the reason field.
pub async fn change_status(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, pairs) = match checked_form(&state, &raw, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let d = state.texts();
    let status = Status::from_key(first(&pairs, "status")).filter(|s| *s != Status::Received);
    let reason = match first(&pairs, "reason") {
        "" => Ok(None),
        key => CloseReason::from_key(key).map(Some).ok_or(()),
    };
    let mut draft = Draft {
        status,
        reason: reason.ok().flatten(),
        ..Draft::default()
    };
    let Some(status) = status else {
        draft
            .errors
            .push(FieldError::new("new-status", d.err_status_invalid));
        return render_case(&state, &id, None, None, draft).await;
    };
    let reason = match reason {
        Ok(r) => r.filter(|_| status == Status::Closed),
        Err(()) => {
            draft
                .errors
                .push(FieldError::new("reason", d.err_reason_required));
            return render_case(&state, &id, None, None, draft).await;
        }
    };
    if status == Status::Closed && reason.is_none() {
        draft
            .errors
            .push(FieldError::new("reason", d.err_reason_required));
        return render_case(&state, &id, None, None, draft).await;
    }
    let case = id.clone();
    act_on(state, id, "new-status", draft, move |p| async move {
        p.set_status(&case, status, reason).await?;
        Ok(Ok(Done::Status(status)))
    })
    .await
}

/// `POST /case/{id}/assign`.
pub async fn assign(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, pairs) = match checked_form(&state, &raw, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let member = match first(&pairs, "member") {
        "" => None,
        raw => match MemberId::parse(raw) {
            Ok(m) => Some(m),
            Err(_) => {
                let draft = Draft::error("member", state.texts().err_member_invalid);
                return render_case(&state, &id, None, None, draft).await;
            }
        },
    };
    let case = id.clone();
    act_on(state, id, "member", Draft::default(), |p| async move {
        p.assign(&case, member).await?;
        Ok(Ok(Done::Assigned))
    })
    .await
}

/// A reply or a note: the text is sealed here; a reply may carry files and may
/// first be previewed (nothing is sent then).
async fn write(state: SharedDesk, raw: String, request: Request, kind: MessageKind) -> Response {
    let id = match case_id(&state, &raw).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let upload = match multipart::read(request, DESK_FILE_LIMITS, None, 1 << 20).await {
        Ok(u) => u,
        Err(e) => {
            let (status, title, text) = e.describe(state.lang.texts(), DESK_FILE_LIMITS);
            return super::layout::message(&state, status, title, &text);
        }
    };
    let sent = first(&upload.pairs, "csrf");
    if !crate::crypto::ct_eq(sent.as_bytes(), state.csrf().as_bytes()) {
        return super::layout::forbidden(&state);
    }
    let d = state.texts();
    let text = first(&upload.pairs, "text").trim().to_owned();
    let (field, empty) = match kind {
        MessageKind::Reply => ("reply", d.err_reply_empty),
        MessageKind::Note => ("note", d.err_note_empty),
    };
    let mut draft = Draft::default();
    match kind {
        MessageKind::Reply => draft.reply = text.clone(),
        MessageKind::Note => draft.note = text.clone(),
    }
    let files = match kind {
        MessageKind::Note => Vec::new(),
        MessageKind::Reply => upload.files,
    };
    if kind == MessageKind::Reply && first(&upload.pairs, "action") == "preview" {
        if text.is_empty() {
            draft.errors.push(FieldError::new(field, empty));
        }
        draft.preview = true;
        draft.files_dropped = !files.is_empty();
        return render_case(&state, &id, None, None, draft).await;
    }
    if text.is_empty() && files.is_empty() {
        draft.errors.push(FieldError::new(field, empty));
        return render_case(&state, &id, None, None, draft).await;
    }
    draft.files_dropped = !files.is_empty();
    let pinned = pinned_roster(&state);
    let case = id.clone();
    act_on(state, id, field, draft, move |p| async move {
        p.write(&case, &text, kind, files, &pinned).await?;
        Ok(Ok(match kind {
            MessageKind::Reply => Done::Reply,
            MessageKind::Note => Done::Note,
        }))
    })
    .await
}

/// `POST /case/{id}/reply`.
pub async fn reply(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(state, raw, request, MessageKind::Reply).await
}

/// `POST /case/{id}/note`.
pub async fn note(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    write(state, raw, request, MessageKind::Note).await
}

/// `POST /case/{id}/export`: writes the case's `.age` files under the export
/// folder and says where.
pub async fn export(
    State(state): State<SharedDesk>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, _) = match checked_form(&state, &raw, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match super::export_case(&portal, &id, &state.export_dir).await {
        Ok(dir) => {
            let n = state.actions.fetch_add(1, Ordering::Relaxed) + 1;
            let query = url_component(&dir.display().to_string());
            Redirect::to(&state.href(&format!("/case/{id}?exported={query}&n={n}"))).into_response()
        }
        Err(super::ExportError::Portal(e)) => portal_error(&state, &e),
        Err(_) => {
            let draft = Draft::error("export", state.texts().err_export);
            render_case(&state, &id, None, None, draft).await
        }
    }
}

fn url_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A file of a case: the ciphertext comes from the portal and is decrypted here,
/// on the member's computer, as it streams to the browser.
pub async fn download(
    State(state): State<SharedDesk>,
    Path((raw, attachment)): Path<(String, String)>,
) -> Response {
    let id = match case_id(&state, &raw).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    let Ok(attachment) = AttachmentId::parse(&attachment) else {
        return super::layout::not_found(State(state)).await;
    };
    let (portal, _) = match require_portal(&state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let detail = match portal.case(&id).await {
        Ok(d) => d,
        Err(e) => return portal_error(&state, &e),
    };
    let Some(seq) = detail
        .attachments
        .iter()
        .find(|a| a.id == attachment)
        .map(|a| a.seq.get())
    else {
        return super::layout::not_found(State(state)).await;
    };
    let info = detail
        .messages
        .iter()
        .filter(|m| m.seq.get() == seq)
        .find_map(|m| match portal.open(&detail.case.id, seq, &m.ciphertext) {
            Ok(Opened::Envelope(env)) => env
                .attachments
                .into_iter()
                .find(|a| a.id == attachment.as_str()),
            _ => None,
        });
    let Some(info) = info else {
        return super::layout::not_found(State(state)).await;
    };
    let bound = super::sealing::sealed_size_bound(info.size);
    let stream = match portal.attachment_ciphertext(&id, &attachment, bound).await {
        Ok(s) => s,
        Err(e) => return portal_error(&state, &e),
    };
    let plain = crate::attachments::decrypt(stream, portal.identity().clone(), info.size);
    download::response(&info.name, axum::body::Body::from_stream(plain))
}
