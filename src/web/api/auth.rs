//! Sign-in by age challenge, and sign-out.

use std::str::FromStr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, ApiResult, Member, audit};
use crate::crypto::{self, Recipient};
use crate::protocol::ChallengeResponse;
use crate::web::SharedState;
use crate::web::error::WebError;

#[derive(Deserialize)]
pub struct ChallengeRequest {
    recipient: String,
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
    if let Some(token) = super::bearer_token(&parts) {
        state
            .storage
            .end_member_session(&crypto::sha256(&token))
            .await?;
    }
    audit(&state, &member, "sign-out", None).await?;
    Ok(StatusCode::NO_CONTENT)
}
