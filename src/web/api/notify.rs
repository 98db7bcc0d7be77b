//! A member's own notification address, set from their desk (the administrator's
//! way is `meldpunt member notify`).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;

use super::{ApiError, ApiResult, Member, SharedState, audit};
use crate::notify::{self, EmailAddress};
use crate::protocol::NotifySettings;

/// `GET /api/v1/notifications`: the signed-in member's address, or none.
pub async fn notifications(
    State(state): State<SharedState>,
    Member(member): Member,
) -> ApiResult<Json<NotifySettings>> {
    let email = state.storage.notify_address(&member.id).await?;
    Ok(Json(NotifySettings { email }))
}

/// `POST /api/v1/notifications`: sets or clears the signed-in member's address. The
/// audit log records that it changed, never the address.
pub async fn set_notifications(
    State(state): State<SharedState>,
    Member(member): Member,
    req: Result<Json<NotifySettings>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let Ok(Json(req)) = req else {
        return Err(ApiError::BadRequest("not a valid e-mail address"));
    };
    let action = match req.email.as_deref() {
        Some(raw) => {
            let address = EmailAddress::parse(raw)
                .map_err(|_| ApiError::BadRequest("not a valid e-mail address"))?;
            let from = notify::covered_at_opt_in(state.now().date());
            state
                .storage
                .set_notify_address(&member.id, address.as_str(), from)
                .await?;
            "member notifications on"
        }
        None => {
            state.storage.clear_notify_address(&member.id).await?;
            "member notifications off"
        }
    };
    audit(&state, &member, action, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
