//! The committee API: JSON that only ever carries ciphertext and workflow metadata.
//! Members sign in by answering an age challenge; every action is audited.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::SharedState;
use super::error::WebError;
use crate::crypto;
use crate::protocol::{RecipientText, SealTo};
use crate::storage::{CaseRow, MemberRow};

/// What the API answers when something is refused. The texts are fixed: they never
/// say whether a case, member or challenge exists.
#[derive(Debug)]
pub enum ApiError {
    /// 400 with a fixed explanation.
    BadRequest(&'static str),
    /// 401: no live session.
    Unauthorized,
    /// 404: no such case or attachment (or a malformed id).
    NotFound,
    /// 403: the reporter left this member out of the case.
    LeftOut,
    /// 409 with a fixed explanation.
    Conflict(&'static str),
    /// Our failure: logged, and answered as 500 or 503.
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
            ApiError::LeftOut => (
                StatusCode::FORBIDDEN,
                "the reporter left you out of this case: you see only that it exists",
            ),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
            ApiError::Internal(e) => return e.into_response(),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// The 32-byte session token of `Authorization: Bearer <hex>`, when well-formed.
fn bearer_token(headers: &axum::http::HeaderMap) -> Option<Vec<u8>> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(crypto::unhex)
        .filter(|t| t.len() == 32)
}

/// The signed-in member of a request (from `Authorization: Bearer <token>`).
pub struct Member(pub MemberRow);

impl FromRequestParts<SharedState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
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

/// Finds a case by id for a member; anything else (malformed or unknown) is the same
/// 404, and a case whose reporter left this member out is a 403: nothing of it but
/// its reference (in the inbox) reaches them.
async fn find_case(state: &SharedState, member: &MemberRow, id: &str) -> ApiResult<CaseRow> {
    let case = state
        .storage
        .case_by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if state.storage.is_excluded(&case.id, &member.id).await? {
        return Err(ApiError::LeftOut);
    }
    Ok(case)
}

async fn seal_to(state: &SharedState, case: &CaseRow) -> ApiResult<SealTo> {
    let committee = state.committee_for_case(&case.id).await?;
    let parse = |r: &str| RecipientText::parse(r).map_err(|_| WebError::BadStoredRecipient);
    Ok(SealTo {
        committee: committee
            .recipients()
            .iter()
            .map(|r| parse(&r.to_string()))
            .collect::<Result<_, _>>()?,
        reporter: parse(&case.reporter_recipient)?,
        fingerprint: committee.fingerprint().to_owned(),
    })
}

mod auth;
mod cases;
mod committee;
mod files;
mod flood;
mod left_out;
mod notify;
mod reseal;

pub use auth::{answer, challenge, sign_out};
pub use cases::{
    assign, case_detail, exported, history, list_cases, mark_read, post_message, reports,
    set_status,
};
pub use committee::{list_withdrawals, members, roster};
pub use files::{download_attachment, upload_attachment};
pub use flood::flood_days;
pub use left_out::left_out;
pub use notify::{notifications, set_notifications};
pub use reseal::{outdated, pending, replace_attachment, replace_messages};
