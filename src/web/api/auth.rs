//! Sign-in by age challenge, and sign-out.

use std::str::FromStr;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::json;

use super::{ApiError, ApiResult, Member, audit};
use crate::crypto::{self, Recipient};
use crate::protocol::sign_in;
use crate::protocol::{AnswerRequest, ChallengeRequest, ChallengeResponse};
use crate::web::SharedState;
use crate::web::error::WebError;

/// The portal's origin as a desk reaching it names it: the configured public
/// origin, or else the scheme-less `Host` the request came to (plain http on a
/// loopback demo). The desk checks it; a challenge relayed from another portal
/// names that one.
fn origin(state: &SharedState, headers: &HeaderMap) -> String {
    if let Some(o) = &state.public_origin {
        return o.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    sign_in::origin_of(&format!("http://{host}")).unwrap_or_default()
}

/// Seals a challenge of the one fixed format to the recipient. A recipient that is
/// not an active member gets a challenge made and stored the same way (the same
/// insert and sealing, no member lookup for anyone), which can never be answered:
/// the answer and its timing do not tell who is a member.
pub async fn challenge(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(req): Json<ChallengeRequest>,
) -> ApiResult<Json<ChallengeResponse>> {
    let recipient = Recipient::from_str(req.recipient.trim())
        .map_err(|_| ApiError::BadRequest("not an age recipient"))?;
    let recipient_text = recipient.to_string();
    // Nobody is looked up here: whether the recipient is a member is asked only
    // when a correct answer comes back, so a member's challenge and a stranger's
    // take the same work.
    let id = crypto::hex(&crypto::random_bytes::<16>());
    let expires = state.now().unix_timestamp() + state.challenge_secs;
    let challenge = sign_in::Challenge {
        origin: origin(&state, &headers),
        recipient: recipient_text.clone(),
        expires,
        nonce: crypto::random_bytes::<32>(),
    };
    let expected = challenge.answer(&id);
    state
        .storage
        .create_challenge(
            &crypto::unhex(&id).expect("hex"),
            &recipient_text,
            &crypto::sha256(expected.as_bytes()),
            expires,
        )
        .await?;
    let sealed =
        crypto::seal_to_one(challenge.to_text().as_bytes(), &recipient).map_err(WebError::from)?;
    Ok(Json(ChallengeResponse {
        challenge: id,
        sealed: B64.encode(sealed),
    }))
}

/// Checks the answer to a challenge (once, in time, in constant time), then that
/// its recipient is an active member, and issues a session token stored only as
/// a hash.
pub async fn answer(
    State(state): State<SharedState>,
    Json(req): Json<AnswerRequest>,
) -> ApiResult<Response> {
    let id = crypto::unhex(&req.challenge).ok_or(ApiError::Unauthorized)?;
    let Some((recipient, answer_hash, expires_at)) = state.storage.take_challenge(&id).await?
    else {
        return Err(ApiError::Unauthorized);
    };
    let now = state.now().unix_timestamp();
    let answer = req.answer.trim().to_ascii_lowercase();
    if now >= expires_at || !crypto::ct_eq(&crypto::sha256(answer.as_bytes()), &answer_hash) {
        return Err(ApiError::Unauthorized);
    }
    let member = state
        .storage
        .member_by_recipient(&recipient)
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

/// `POST /api/v1/sign-out`: ends the session of this token.
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
