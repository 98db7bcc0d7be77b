//! What the committee sees of a flood: per day, how many reports the report ceiling
//! refused. Nothing finer is kept.

use axum::Json;
use axum::extract::State;

use super::{ApiResult, Member};
use crate::protocol::{FloodDay, MAX_FLOOD_DAYS};
use crate::web::SharedState;

/// `GET /api/v1/flood-days`: the last days with refusals, oldest first.
pub async fn flood_days(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<Vec<FloodDay>>> {
    let from =
        state.now().date() - time::Duration::days(i64::try_from(MAX_FLOOD_DAYS).unwrap_or(1) - 1);
    let days = state.storage.flood_days(from).await?;
    Ok(Json(
        days.into_iter()
            .map(|(day, n)| FloodDay {
                day,
                refused: u32::try_from(n).unwrap_or(u32::MAX),
            })
            .collect(),
    ))
}
