//! The cases whose reporter left the signed-in member out (conflicts of interest):
//! their references, and nothing else, so the member knows they exist and that
//! someone else handles them.

use axum::Json;
use axum::extract::State;

use super::{ApiError, ApiResult, Member, audit};
use crate::protocol::{LeftOutCase, Reference};
use crate::web::SharedState;
use crate::web::error::WebError;

/// `GET /api/v1/left-out` (audited as `list left-out`).
pub async fn left_out(
    State(state): State<SharedState>,
    Member(member): Member,
) -> ApiResult<Json<Vec<LeftOutCase>>> {
    let mine = state.storage.cases_excluding(&member.id).await?;
    audit(&state, &member, "list left-out", None).await?;
    let mut out = Vec::with_capacity(mine.len());
    for id in mine {
        if let Some(case) = state.storage.case_by_id(&id).await? {
            let reference = Reference::parse(&case.reference).map_err(|_| {
                ApiError::Internal(WebError::Storage(crate::storage::StorageError::Corrupt(
                    "a stored reference",
                )))
            })?;
            out.push(LeftOutCase { reference });
        }
    }
    out.sort_by(|a, b| a.reference.as_str().cmp(b.reference.as_str()));
    Ok(Json(out))
}
