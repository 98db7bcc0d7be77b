//! Re-sealing for members: what is sealed to another set than the case's current
//! committee, and the uploads that replace messages or one file. Every upload is
//! treated as hostile like any other: the case, sequence numbers and file must be
//! the ones named, each body an age file with exactly the stanzas it must have,
//! within the same size bounds as a new message or file. A case's messages come in
//! one upload (one transaction, one audit entry), so a re-seal costs a few requests
//! per case rather than one per message.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::cases::committee_for_case;
use super::{ApiError, ApiResult, Member, audit, find_case};
use crate::case::AuthorKind;
use crate::crypto;
use crate::protocol::reseal::{
    OutdatedCount, PendingAttachment, PendingCase, PendingMessage, PendingPage, PendingQuery,
    ResealedMessages,
};
use crate::protocol::{AttachmentId, CaseId, Seq};
use crate::storage::{MemberRow, NewEntry};
use crate::web::SharedState;
use crate::web::error::WebError;

fn corrupt() -> ApiError {
    ApiError::Internal(WebError::Storage(crate::storage::StorageError::Corrupt(
        "a stored id",
    )))
}

/// The whole committee's fingerprint: the candidates are the cases holding a
/// ciphertext sealed to any other set. Each candidate is then measured against its
/// own set (`committee_for_case`), which a case's exclusions can make smaller, so a
/// case sealed exactly to its own set is not listed.
async fn current_fp(state: &SharedState) -> ApiResult<String> {
    Ok(state.committee().await?.fingerprint().to_owned())
}

/// What case `id` holds sealed to another set than its own; `None` when nothing
/// (or the case is gone).
async fn stale_in_case(state: &SharedState, id: &str) -> ApiResult<Option<PendingCase>> {
    let Some(case) = state.storage.case_by_id(id).await? else {
        return Ok(None);
    };
    let own = committee_for_case(state, &case).await?;
    let fp = own.fingerprint();
    let messages = state
        .storage
        .stale_messages(&case.id, fp)
        .await?
        .into_iter()
        .take(PendingPage::MAX_ITEMS)
        .map(|m| {
            Ok(PendingMessage {
                seq: Seq::new(m.seq).map_err(|_| corrupt())?,
                recipients_fp: m.recipients_fp,
                bytes: u64::try_from(m.bytes).unwrap_or(0),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let attachments = state
        .storage
        .stale_attachments(&case.id, fp)
        .await?
        .into_iter()
        .take(PendingPage::MAX_ITEMS)
        .map(|a| {
            Ok(PendingAttachment {
                id: AttachmentId::parse(&a.id).map_err(|_| corrupt())?,
                seq: Seq::new(a.seq).map_err(|_| corrupt())?,
                bytes: u64::try_from(a.bytes).unwrap_or(0),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    if messages.is_empty() && attachments.is_empty() {
        return Ok(None);
    }
    Ok(Some(PendingCase {
        id: CaseId::parse(&case.id).map_err(|_| corrupt())?,
        messages,
        attachments,
    }))
}

/// Up to `want` outdated cases after `after`, in case-id order, and whether more
/// follow.
async fn stale_page(
    state: &SharedState,
    member: Option<&MemberRow>,
    after: &str,
    want: usize,
) -> ApiResult<(Vec<PendingCase>, bool)> {
    let fp = current_fp(state).await?;
    let mut found = Vec::new();
    let mut cursor = after.to_owned();
    loop {
        let ids = state.storage.stale_cases(&fp, &cursor, 200).await?;
        let exhausted = ids.len() < 200;
        for id in ids {
            if found.len() == want {
                return Ok((found, true));
            }
            cursor.clone_from(&id);
            // A member the reporter left out cannot open the case to re-seal it.
            if let Some(m) = member
                && state.storage.is_excluded(&id, &m.id).await?
            {
                continue;
            }
            if let Some(c) = stale_in_case(state, &id).await? {
                found.push(c);
            }
        }
        if exhausted {
            return Ok((found, false));
        }
    }
}

/// `GET /api/v1/reseal/outdated`: how many cases hold a ciphertext sealed to
/// another set than their own, so an administrator's desk can show it.
pub async fn outdated(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<OutdatedCount>> {
    let (all, _) = stale_page(&state, None, "", usize::MAX).await?;
    Ok(Json(OutdatedCount {
        cases: all.len() as u64,
    }))
}

/// `GET /api/v1/reseal/pending?after=ID`: one page of cases with what in them is
/// sealed to another set (audited as `list reseal`).
pub async fn pending(
    State(state): State<SharedState>,
    Member(member): Member,
    query: Result<Query<PendingQuery>, QueryRejection>,
) -> ApiResult<Json<PendingPage>> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::BadRequest("after must be a case id"));
    };
    let after = q.after.as_ref().map_or("", CaseId::as_str);
    let (cases, more) = stale_page(&state, Some(&member), after, PendingPage::MAX_CASES).await?;
    audit(&state, &member, "list reseal", None).await?;
    Ok(Json(PendingPage { cases, more }))
}

/// `PUT /api/v1/cases/{id}/messages`: replaces some of one case's messages'
/// ciphertexts, all in one transaction or none. Each must name a message of this
/// case, once, and be an age file with one stanza per recipient that message must
/// reach: notes the committee only, everything else the reporter too.
pub async fn replace_messages(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    body: Result<Json<ResealedMessages>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &member, &id).await?;
    let Ok(Json(upload)) = body else {
        return Err(ApiError::BadRequest(
            "the body must be a list of messages, each a seq and a base64 age file",
        ));
    };
    let count = upload.messages.len();
    if count == 0 || count > ResealedMessages::MAX_ITEMS {
        return Err(ApiError::BadRequest(
            "too many or no messages in one upload",
        ));
    }
    let kinds = state.storage.message_kinds(&case.id).await?;
    let committee = committee_for_case(&state, &case).await?;
    let mut replacements: Vec<(i64, Vec<u8>)> = Vec::with_capacity(count);
    for m in upload.messages {
        let seq = m.seq.get();
        if replacements.iter().any(|(s, _)| *s == seq) {
            return Err(ApiError::BadRequest("a message is named twice"));
        }
        let kind = kinds.get(&seq).ok_or(ApiError::NotFound)?;
        let expected = committee.recipients().len() + usize::from(*kind != AuthorKind::Note);
        let sealed = B64
            .decode(m.ciphertext.as_bytes())
            .ok()
            .filter(|b| crypto::x25519_stanza_count(b) == Some(expected))
            .ok_or(ApiError::BadRequest(
                "a body is not an age file sealed to the recipients its message must reach",
            ))?;
        replacements.push((seq, sealed));
    }
    let entry = NewEntry {
        at: state.now().unix_timestamp(),
        member_id: Some(&member.id),
        action: "reseal messages",
        case_ref: Some(&case.reference),
    };
    if !state
        .storage
        .replace_messages(&case.id, &replacements, committee.fingerprint(), &entry)
        .await?
    {
        // Deleted (withdrawn or purged) since it was listed.
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/cases/{id}/messages/{seq}/attachments/{attachment}`: replaces the
/// stream of one file of that message. The new stream is stored under a pending
/// id first; the swap that makes it the file is one transaction.
pub async fn replace_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path((id, seq, attachment)): Path<(String, String, String)>,
    body: axum::body::Body,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &member, &id).await?;
    let seq = seq
        .parse::<i64>()
        .ok()
        .and_then(|n| Seq::new(n).ok())
        .ok_or(ApiError::NotFound)?
        .get();
    state
        .storage
        .attachment(&attachment)
        .await?
        .filter(|a| a.case_id.as_deref() == Some(case.id.as_str()) && a.seq == Some(seq))
        .ok_or(ApiError::NotFound)?;
    let committee = committee_for_case(&state, &case).await?;
    let staged = super::files::receive_sealed(&state, &case.id, &committee, body).await?;
    if !state
        .storage
        .swap_attachment(&case.id, &attachment, &staged, committee.fingerprint())
        .await?
    {
        return Err(ApiError::NotFound);
    }
    audit(&state, &member, "reseal file", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}
