//! Cases for members: list, read, write, status, assignment, history.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::{ApiError, ApiResult, Member, audit, find_case, seal_to};
use crate::case::{self, AuthorKind, Status, TransitionError};
use crate::crypto;
use crate::protocol::{
    AssignRequest, AttachmentId, AttachmentRef, CaseDetail, CaseId, CaseInfo, HistoryAction,
    HistoryEntry, MemberId, MemberName, MessageInfo, MessageKind, PostMessageQuery, PostedMessage,
    ReadQuery, Reference, ReportsRequest, SealedReport, Seq, StatusRequest,
};
use crate::storage::{CaseRow, NewMessage, Outcome};
use crate::web::SharedState;
use crate::web::error::WebError;

/// A stored value the contract cannot carry (an id or name not made by meldpunt).
pub(super) fn corrupt() -> ApiError {
    ApiError::Internal(WebError::Storage(crate::storage::StorageError::Corrupt(
        "a stored id or name",
    )))
}

fn case_info(c: &CaseRow, unread: i64) -> ApiResult<CaseInfo> {
    Ok(CaseInfo {
        id: CaseId::parse(&c.id).map_err(|_| corrupt())?,
        reference: Reference::parse(&c.reference).map_err(|_| corrupt())?,
        status: c.status,
        close_reason: c.close_reason,
        received_on: c.received_on,
        acknowledged_on: c.acknowledged_on,
        acknowledge_by: case::acknowledge_by(c.received_on),
        feedback_due_on: c.feedback_due_on,
        closed_on: c.closed_on,
        assigned_member: c
            .assigned_member
            .as_deref()
            .map(MemberId::parse)
            .transpose()
            .map_err(|_| corrupt())?,
        unread: u32::try_from(unread).unwrap_or(u32::MAX),
        left_out: 0,
    })
}

/// `GET /api/v1/cases`: every case with its unread count (audited as `list`).
pub async fn list_cases(
    State(state): State<SharedState>,
    Member(member): Member,
) -> ApiResult<Json<Vec<CaseInfo>>> {
    let cases = state.storage.list_cases(&member.id).await?;
    let exclusions = state.storage.all_exclusions().await?;
    audit(&state, &member, "list", None).await?;
    let left_out = |case: &str, who: Option<&str>| {
        exclusions
            .iter()
            .filter(|(c, m)| c == case && who.is_none_or(|w| w == m))
            .count()
    };
    // A case that leaves this member out is listed only at /api/v1/left-out.
    let list = cases
        .iter()
        .filter(|s| left_out(&s.case.id, Some(&member.id)) == 0)
        .map(|s| {
            let mut info = case_info(&s.case, s.unread)?;
            info.left_out = u32::try_from(left_out(&s.case.id, None)).unwrap_or(u32::MAX);
            Ok(info)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(list))
}

/// `GET /api/v1/cases/{id}`: a case with its ciphertexts (audited as `read`).
pub async fn case_detail(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    let case = find_case(&state, &member, &id).await?;
    let messages = state.storage.messages(&case.id).await?;
    // Read marks are per member: what this member has seen, not what anyone has.
    let mark = state.storage.read_mark(&member.id, &case.id).await?;
    let unread = messages
        .iter()
        .filter(|m| m.author_kind == AuthorKind::Reporter && m.seq > mark)
        .count() as i64;
    let next_seq = messages.iter().map(|m| m.seq).max().unwrap_or(0) + 1;
    audit(&state, &member, "read", Some(&case.reference)).await?;
    let attachments = state
        .storage
        .attachments_of_case(&case.id)
        .await?
        .into_iter()
        .filter_map(|a| {
            a.seq.map(|seq| {
                Ok(AttachmentRef {
                    id: AttachmentId::parse(&a.id).map_err(|_| corrupt())?,
                    seq: Seq::new(seq).map_err(|_| corrupt())?,
                })
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let messages = messages
        .into_iter()
        .map(|m| {
            Ok(MessageInfo {
                seq: Seq::new(m.seq).map_err(|_| corrupt())?,
                author_kind: m.author_kind,
                member_id: m
                    .member_id
                    .as_deref()
                    .map(MemberId::parse)
                    .transpose()
                    .map_err(|_| corrupt())?,
                written_on: m.written_on,
                recipients_fp: m.recipients_fp,
                committee_read: m.seq <= mark,
                ciphertext: B64.encode(&m.ciphertext),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(CaseDetail {
        attachments,
        case: case_info(&case, unread)?,
        seal_to: seal_to(&state, &case).await?,
        next_seq: Seq::new(next_seq).map_err(|_| corrupt())?,
        messages,
    }))
}

/// The committee recipients a ciphertext of this case must be sealed to (the
/// reporter comes on top for what they may read): the one place new messages and
/// re-seal uploads take their stanza count and fingerprint from.
pub(super) async fn committee_for_case(
    state: &SharedState,
    case: &CaseRow,
) -> ApiResult<crate::crypto::RecipientSet> {
    Ok(state.committee_for_case(&case.id).await?)
}

/// Stores a reply (sealed to committee and reporter) or a note (committee only)
/// that the desk sealed. The portal cannot read it; it checks that the body is an
/// age file with one X25519 stanza per recipient it must reach.
pub async fn post_message(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    query: Result<Query<PostMessageQuery>, QueryRejection>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::BadRequest(
            "kind must be reply or note, and seq a number",
        ));
    };
    let kind = match q.kind {
        MessageKind::Reply => AuthorKind::Committee,
        MessageKind::Note => AuthorKind::Note,
    };
    let case = find_case(&state, &member, &id).await?;
    if case.status == Status::Closed && kind == AuthorKind::Committee {
        return Err(ApiError::Conflict("the case is closed"));
    }
    let committee = committee_for_case(&state, &case).await?;
    let expected = committee.recipients().len() + usize::from(kind == AuthorKind::Committee);
    if crypto::x25519_stanza_count(&body) != Some(expected) {
        return Err(ApiError::BadRequest(
            "the body is not an age file sealed to the recipients this message must reach",
        ));
    }
    if q.seq < 1 {
        return Err(ApiError::BadRequest("seq must be positive"));
    }
    // Only the next number: a gap (up to i64::MAX) would end the conversation, as
    // nothing could follow it. A number already taken means someone else wrote
    // first; the desk fetches the case again.
    let next = state.storage.next_seq(&case.id).await?;
    if q.seq > next {
        return Err(ApiError::BadRequest("seq must be the case's next number"));
    }
    if q.seq < next {
        return Err(ApiError::Conflict(
            "that sequence number is taken; fetch the case again",
        ));
    }
    let attachment_ids: Vec<String> = q
        .attachments
        .split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if attachment_ids.len() > state.file_limits.max_files {
        return Err(ApiError::BadRequest("too many attachments"));
    }
    // Uploaded files are sealed to the reporter too (the upload cannot know what
    // they are for), so a note, which the reporter must never read, carries none.
    if kind == AuthorKind::Note && !attachment_ids.is_empty() {
        return Err(ApiError::BadRequest(
            "a note carries no files: files are sealed to the reporter too",
        ));
    }
    // Only files uploaded for this case and not yet claimed: a file of another case
    // is refused here, clearly and once, rather than failing the claim later (which
    // would look like a taken sequence number and make the desk retry).
    for a in &attachment_ids {
        let pending = state.storage.attachment(a).await?;
        if pending.is_none_or(|p| {
            p.case_id.is_some() || p.pending_case.as_deref() != Some(case.id.as_str())
        }) {
            return Err(ApiError::BadRequest(
                "an attachment is unknown, already used or uploaded for another case",
            ));
        }
    }
    let today = state.now().date();
    let message = NewMessage {
        seq: q.seq,
        author_kind: kind,
        member_id: Some(&member.id),
        written_on: today,
        recipients_fp: committee.fingerprint(),
        ciphertext: &body,
        attachments: &attachment_ids,
    };
    match state
        .storage
        .append_message(&case.id, &message, None)
        .await?
    {
        Outcome::Stored => {}
        _ => {
            return Err(ApiError::Conflict(
                "that sequence number is taken; fetch the case again",
            ));
        }
    }
    let action = if kind == AuthorKind::Note {
        "note"
    } else {
        "reply"
    };
    audit(&state, &member, action, Some(&case.reference)).await?;
    let seq = Seq::new(q.seq).map_err(|_| ApiError::BadRequest("seq out of range"))?;
    Ok((StatusCode::CREATED, Json(PostedMessage { seq })))
}

/// `POST /api/v1/cases/{id}/status`: moves the case through the workflow.
pub async fn set_status(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    req: Result<Json<StatusRequest>, JsonRejection>,
) -> ApiResult<Json<CaseInfo>> {
    let case = find_case(&state, &member, &id).await?;
    let Ok(Json(req)) = req else {
        return Err(ApiError::BadRequest("unknown status or close reason"));
    };
    let (to, reason) = (req.status, req.reason);
    let today = state.now().date();
    let workflow = case::transition(
        case.received_on,
        case.acknowledged_on,
        to,
        reason,
        today,
        state.retention_days,
    )
    .map_err(|e| match e {
        TransitionError::ReasonRequired => ApiError::BadRequest("closing a case needs a reason"),
        TransitionError::ReasonNotAllowed => ApiError::BadRequest("only closing takes a reason"),
        TransitionError::BackToReceived => {
            ApiError::BadRequest("a case cannot go back to received")
        }
    })?;
    state
        .storage
        .set_workflow(&case.id, &workflow, today)
        .await?;
    audit(
        &state,
        &member,
        &format!("status {}", to.key()),
        Some(&case.reference),
    )
    .await?;
    let updated = find_case(&state, &member, &id).await?;
    Ok(Json(case_info(&updated, 0)?))
}

/// `POST /api/v1/cases/{id}/assign`.
pub async fn assign(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    req: Result<Json<AssignRequest>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &member, &id).await?;
    let Ok(Json(req)) = req else {
        return Err(ApiError::BadRequest("no such active member"));
    };
    let assignee = match req.member.as_ref().map(MemberId::as_str) {
        Some(m) => Some(
            state
                .storage
                .member_by_id(m)
                .await?
                .filter(|m| m.active)
                .ok_or(ApiError::BadRequest("no such active member"))?,
        ),
        None => None,
    };
    if let Some(m) = &assignee
        && state.storage.is_excluded(&case.id, &m.id).await?
    {
        return Err(ApiError::Conflict(
            "the reporter left that member out of this case",
        ));
    }
    state
        .storage
        .assign(&case.id, assignee.as_ref().map(|m| m.id.as_str()))
        .await?;
    audit(&state, &member, "assign", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/cases/{id}/read?up_to=N`: moves the member's own read mark up to
/// message `N` (without `up_to`: to the last message). Other members' counts stay.
pub async fn mark_read(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    query: Result<Query<ReadQuery>, QueryRejection>,
) -> ApiResult<StatusCode> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::BadRequest("up_to must be a message number"));
    };
    let case = find_case(&state, &member, &id).await?;
    let up_to = q.up_to.map_or(i64::MAX, Seq::get);
    state.storage.mark_read(&member.id, &case.id, up_to).await?;
    audit(&state, &member, "mark-read", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/reports`: the sealed reports (first messages) of the listed cases,
/// so the desk can decrypt its inbox columns in one request per batch instead of
/// fetching every case (audited once, as `read-reports`).
pub async fn reports(
    State(state): State<SharedState>,
    Member(member): Member,
    req: Result<Json<ReportsRequest>, JsonRejection>,
) -> ApiResult<Json<Vec<SealedReport>>> {
    let Ok(Json(req)) = req else {
        return Err(ApiError::BadRequest("ids must be a list of case ids"));
    };
    if req.ids.len() > ReportsRequest::MAX_IDS {
        return Err(ApiError::BadRequest("too many case ids"));
    }
    let ids: Vec<String> = req.ids.iter().map(|i| i.as_str().to_owned()).collect();
    let mut found = state.storage.reports(&ids).await?;
    let mine_left_out = state.storage.cases_excluding(&member.id).await?;
    found.retain(|(id, _)| !mine_left_out.contains(id));
    audit(&state, &member, "read-reports", None).await?;
    found
        .into_iter()
        .map(|(id, ct)| {
            Ok(SealedReport {
                id: CaseId::parse(&id).map_err(|_| corrupt())?,
                ciphertext: B64.encode(&ct),
            })
        })
        .collect::<ApiResult<Vec<_>>>()
        .map(Json)
}

/// Records that the member exported the case (the files were written by the desk).
pub async fn exported(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &member, &id).await?;
    audit(&state, &member, "export", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/cases/{id}/history`: the audit entries about the case.
pub async fn history(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let case = find_case(&state, &member, &id).await?;
    let names: std::collections::HashMap<String, String> = state
        .storage
        .members()
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let entries = state.storage.audit_for_case(&case.reference).await?;
    Ok(Json(
        entries
            .into_iter()
            .filter_map(|e| {
                Some(HistoryEntry {
                    at: e.at,
                    member: e
                        .member_id
                        .and_then(|id| names.get(&id).cloned())
                        .and_then(|n| MemberName::parse(&n).ok()),
                    action: HistoryAction::try_from(e.action).ok()?,
                })
            })
            .collect(),
    ))
}
