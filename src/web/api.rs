//! The committee API: JSON that only ever carries ciphertext and workflow metadata.
//! Members sign in by answering an age challenge; every action is audited.

use std::str::FromStr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::SharedState;
use super::error::WebError;
use crate::case::{self, AuthorKind, CloseReason, Status, TransitionError};
use crate::crypto::{self, Recipient};
use crate::storage::{CaseRow, MemberRow, NewMessage, Outcome};

/// What the API answers when something is refused. The texts are fixed: they never
/// say whether a case, member or challenge exists.
#[derive(Debug)]
pub enum ApiError {
    BadRequest(&'static str),
    Unauthorized,
    NotFound,
    Conflict(&'static str),
    Internal(WebError),
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError::Internal(e)
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        ApiError::Internal(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "not signed in"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not found"),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
            ApiError::Internal(e) => return e.into_response(),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// The signed-in member of a request (from `Authorization: Bearer <token>`).
pub struct Member(pub MemberRow);

impl FromRequestParts<SharedState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(crypto::unhex)
            .filter(|t| t.len() == 32)
            .ok_or(ApiError::Unauthorized)?;
        let hash = crypto::sha256(&token);
        let now = state.now().unix_timestamp();
        state
            .storage
            .member_for_session(&hash, now, state.member_idle_secs)
            .await?
            .map(Member)
            .ok_or(ApiError::Unauthorized)
    }
}

async fn audit(
    state: &SharedState,
    member: &MemberRow,
    action: &str,
    case_ref: Option<&str>,
) -> ApiResult<()> {
    state
        .storage
        .audit(
            state.now().unix_timestamp(),
            Some(&member.id),
            action,
            case_ref,
        )
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct ChallengeRequest {
    recipient: String,
}

#[derive(Serialize, Deserialize)]
pub struct ChallengeResponse {
    pub challenge: String,
    pub sealed: String,
}

/// Seals a fresh nonce to the member's recipient. For a recipient that is not an
/// active member the answer looks the same but can never be answered, so the API
/// does not tell who is a member.
pub async fn challenge(
    State(state): State<SharedState>,
    Json(req): Json<ChallengeRequest>,
) -> ApiResult<Json<ChallengeResponse>> {
    let recipient = Recipient::from_str(req.recipient.trim())
        .map_err(|_| ApiError::BadRequest("not an age recipient"))?;
    let id = crypto::random_bytes::<16>();
    let nonce = crypto::random_bytes::<32>();
    let member = state
        .storage
        .member_by_recipient(&recipient.to_string())
        .await?;
    if let Some(m) = member.filter(|m| m.active) {
        let expires = state.now().unix_timestamp() + state.challenge_secs;
        state
            .storage
            .create_challenge(&id, &m.id, &crypto::sha256(&nonce), expires)
            .await?;
    }
    let sealed =
        crypto::seal_to_one(crypto::hex(&nonce).as_bytes(), &recipient).map_err(WebError::from)?;
    Ok(Json(ChallengeResponse {
        challenge: crypto::hex(&id),
        sealed: B64.encode(sealed),
    }))
}

#[derive(Deserialize)]
pub struct AnswerRequest {
    challenge: String,
    answer: String,
}

/// Checks the answer to a challenge (once, in time, in constant time) and issues a
/// session token, stored only as a hash.
pub async fn answer(
    State(state): State<SharedState>,
    Json(req): Json<AnswerRequest>,
) -> ApiResult<Response> {
    let id = crypto::unhex(&req.challenge).ok_or(ApiError::Unauthorized)?;
    let Some((member_id, nonce_hash, expires_at)) = state.storage.take_challenge(&id).await? else {
        return Err(ApiError::Unauthorized);
    };
    let answer = crypto::unhex(req.answer.trim()).unwrap_or_default();
    let now = state.now().unix_timestamp();
    if now >= expires_at || !crypto::ct_eq(&crypto::sha256(&answer), &nonce_hash) {
        return Err(ApiError::Unauthorized);
    }
    let member = state
        .storage
        .member_by_id(&member_id)
        .await?
        .filter(|m| m.active)
        .ok_or(ApiError::Unauthorized)?;
    let token = crypto::random_bytes::<32>();
    state
        .storage
        .create_member_session(
            &crypto::sha256(&token),
            &member.id,
            now + state.member_idle_secs,
        )
        .await?;
    audit(&state, &member, "sign-in", None).await?;
    Ok(Json(json!({
        "token": crypto::hex(&token),
        "member": { "id": member.id, "name": member.name },
        "idle_timeout_secs": state.member_idle_secs,
    }))
    .into_response())
}

pub async fn sign_out(
    State(state): State<SharedState>,
    Member(member): Member,
    parts: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    if let Some(token) = parts
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(crypto::unhex)
    {
        state
            .storage
            .end_member_session(&crypto::sha256(&token))
            .await?;
    }
    audit(&state, &member, "sign-out", None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MemberInfo {
    pub id: String,
    pub name: String,
    pub active: bool,
}

pub async fn members(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<Vec<MemberInfo>>> {
    let list = state.storage.members().await?;
    Ok(Json(
        list.into_iter()
            .map(|m| MemberInfo {
                id: m.id,
                name: m.name,
                active: m.active,
            })
            .collect(),
    ))
}

/// A case's workflow metadata as the desk sees it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CaseInfo {
    pub id: String,
    pub reference: String,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub received_on: time::Date,
    pub acknowledged_on: Option<time::Date>,
    pub acknowledge_by: time::Date,
    pub feedback_due_on: time::Date,
    pub closed_on: Option<time::Date>,
    pub assigned_member: Option<String>,
    pub unread: i64,
}

fn case_info(c: &CaseRow, unread: i64) -> CaseInfo {
    CaseInfo {
        id: c.id.clone(),
        reference: c.reference.clone(),
        status: c.status,
        close_reason: c.close_reason,
        received_on: c.received_on,
        acknowledged_on: c.acknowledged_on,
        acknowledge_by: case::acknowledge_by(c.received_on),
        feedback_due_on: c.feedback_due_on,
        closed_on: c.closed_on,
        assigned_member: c.assigned_member.clone(),
        unread,
    }
}

pub async fn list_cases(
    State(state): State<SharedState>,
    Member(member): Member,
) -> ApiResult<Json<Vec<CaseInfo>>> {
    let cases = state.storage.list_cases().await?;
    audit(&state, &member, "list", None).await?;
    Ok(Json(
        cases.iter().map(|s| case_info(&s.case, s.unread)).collect(),
    ))
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MessageInfo {
    pub seq: i64,
    pub author_kind: String,
    pub member_id: Option<String>,
    pub written_on: time::Date,
    pub recipients_fp: String,
    pub committee_read: bool,
    /// The age file, base64.
    pub ciphertext: String,
}

/// Who a new message of this case must be sealed to.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct SealTo {
    pub committee: Vec<String>,
    pub reporter: String,
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CaseDetail {
    pub case: CaseInfo,
    pub messages: Vec<MessageInfo>,
    pub seal_to: SealTo,
    pub next_seq: i64,
    /// Stored attachments by message; names and sizes are inside the messages.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AttachmentRef {
    pub id: String,
    pub seq: i64,
}

/// Finds a case by id; anything else (malformed or unknown) is the same 404.
async fn find_case(state: &SharedState, id: &str) -> ApiResult<CaseRow> {
    if id.len() != 32 || crypto::unhex(id).is_none() {
        return Err(ApiError::NotFound);
    }
    state
        .storage
        .case_by_id(id)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn seal_to(state: &SharedState, case: &CaseRow) -> ApiResult<SealTo> {
    let committee = state.committee().await?;
    Ok(SealTo {
        committee: committee
            .recipients()
            .iter()
            .map(ToString::to_string)
            .collect(),
        reporter: case.reporter_recipient.clone(),
        fingerprint: committee.fingerprint().to_owned(),
    })
}

pub async fn case_detail(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    let case = find_case(&state, &id).await?;
    let messages = state.storage.messages(&case.id).await?;
    let unread = messages
        .iter()
        .filter(|m| m.author_kind == AuthorKind::Reporter && !m.committee_read)
        .count() as i64;
    let next_seq = messages.iter().map(|m| m.seq).max().unwrap_or(0) + 1;
    audit(&state, &member, "read", Some(&case.reference)).await?;
    let attachments = state
        .storage
        .attachments_of_case(&case.id)
        .await?
        .into_iter()
        .filter_map(|a| a.seq.map(|seq| AttachmentRef { id: a.id, seq }))
        .collect();
    Ok(Json(CaseDetail {
        attachments,
        case: case_info(&case, unread),
        seal_to: seal_to(&state, &case).await?,
        next_seq,
        messages: messages
            .into_iter()
            .map(|m| MessageInfo {
                seq: m.seq,
                author_kind: m.author_kind.key().to_owned(),
                member_id: m.member_id,
                written_on: m.written_on,
                recipients_fp: m.recipients_fp,
                committee_read: m.committee_read,
                ciphertext: B64.encode(&m.ciphertext),
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
pub struct PostMessageQuery {
    kind: String,
    seq: i64,
    /// Comma-separated ids of attachments uploaded for this case, claimed with the message.
    #[serde(default)]
    attachments: String,
}

/// Stores a reply (sealed to committee and reporter) or a note (committee only)
/// that the desk sealed. The portal cannot read it; it checks that the body is an
/// age file with one X25519 stanza per recipient it must reach.
pub async fn post_message(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    Query(q): Query<PostMessageQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let kind = match q.kind.as_str() {
        "reply" => AuthorKind::Committee,
        "note" => AuthorKind::Note,
        _ => return Err(ApiError::BadRequest("kind must be reply or note")),
    };
    let case = find_case(&state, &id).await?;
    if case.status == Status::Closed && kind == AuthorKind::Committee {
        return Err(ApiError::Conflict("the case is closed"));
    }
    let committee = state.committee().await?;
    let expected = committee.recipients().len() + usize::from(kind == AuthorKind::Committee);
    if crypto::x25519_stanza_count(&body) != Some(expected) {
        return Err(ApiError::BadRequest(
            "the body is not an age file sealed to the recipients this message must reach",
        ));
    }
    if q.seq < 1 {
        return Err(ApiError::BadRequest("seq must be positive"));
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
    for a in &attachment_ids {
        let pending = state.storage.attachment(a).await?;
        if pending.is_none_or(|p| p.case_id.is_some()) {
            return Err(ApiError::BadRequest(
                "an attachment is unknown or already used",
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
    Ok((StatusCode::CREATED, Json(json!({ "seq": q.seq }))))
}

#[derive(Deserialize)]
pub struct StatusRequest {
    status: String,
    reason: Option<String>,
}

pub async fn set_status(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    Json(req): Json<StatusRequest>,
) -> ApiResult<Json<CaseInfo>> {
    let case = find_case(&state, &id).await?;
    let to = Status::from_key(&req.status).ok_or(ApiError::BadRequest("unknown status"))?;
    let reason = match req.reason.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => {
            Some(CloseReason::from_key(r).ok_or(ApiError::BadRequest("unknown close reason"))?)
        }
        None => None,
    };
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
    let updated = find_case(&state, &id).await?;
    Ok(Json(case_info(&updated, 0)))
}

#[derive(Deserialize)]
pub struct AssignRequest {
    member: Option<String>,
}

pub async fn assign(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    Json(req): Json<AssignRequest>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &id).await?;
    let assignee = match req.member.as_deref().filter(|m| !m.is_empty()) {
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
    state
        .storage
        .assign(&case.id, assignee.as_ref().map(|m| m.id.as_str()))
        .await?;
    audit(&state, &member, "assign", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn mark_read(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &id).await?;
    state.storage.mark_read(&case.id).await?;
    audit(&state, &member, "mark-read", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records that the member exported the case (the files were written by the desk).
pub async fn exported(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let case = find_case(&state, &id).await?;
    audit(&state, &member, "export", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct HistoryEntry {
    pub at: i64,
    pub member: Option<String>,
    pub action: String,
}

pub async fn history(
    State(state): State<SharedState>,
    Member(_): Member,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let case = find_case(&state, &id).await?;
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
            .map(|e| HistoryEntry {
                at: e.at,
                member: e.member_id.and_then(|id| names.get(&id).cloned()),
                action: e.action,
            })
            .collect(),
    ))
}

/// Receives a file the desk sealed to the committee and the reporter, streamed into
/// chunk rows of a pending attachment that a reply then claims.
pub async fn upload_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    use futures::TryStreamExt;
    let case = find_case(&state, &id).await?;
    if case.status == Status::Closed {
        return Err(ApiError::Conflict("the case is closed"));
    }
    let committee = state.committee().await?;
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let until = state.now().unix_timestamp() + super::upload::PENDING_SECS;
    // The sealed file is a little larger than the file: age adds 16 bytes per 64 KiB.
    let max = state.file_limits.max_file_bytes + state.file_limits.max_file_bytes / 1024 + 65_536;
    let stored =
        crate::attachments::store_sealed(&state.storage, Box::pin(stream), &case.id, until, max)
            .await
            .map_err(|e| ApiError::Internal(WebError::Upload(e.to_string())))?;
    let Some((attachment, head)) = stored else {
        return Err(ApiError::BadRequest(
            "the body is not an age file within the size limit",
        ));
    };
    if crypto::x25519_stanza_count(&head) != Some(committee.recipients().len() + 1) {
        state.storage.drop_attachment(&attachment).await?;
        return Err(ApiError::BadRequest(
            "the file is not sealed to the committee and the reporter",
        ));
    }
    audit(&state, &member, "attach", Some(&case.reference)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": attachment }))))
}

/// The ciphertext of an attachment of a case, as stored.
pub async fn download_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let case = find_case(&state, &id).await?;
    let row = state
        .storage
        .attachment(&attachment)
        .await?
        .filter(|a| a.case_id.as_deref() == Some(case.id.as_str()))
        .ok_or(ApiError::NotFound)?;
    audit(&state, &member, "download", Some(&case.reference)).await?;
    let chunks = crate::attachments::chunks(state.storage.clone(), row.id, row.chunk_count);
    let mut r = Response::new(axum::body::Body::from_stream(chunks));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    Ok(r)
}
