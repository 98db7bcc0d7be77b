//! What members see of the committee and of the portal as a whole: the members, the
//! roster new messages are sealed to, and the cases reporters withdrew.

use axum::Json;
use axum::extract::State;

use super::cases::corrupt;
use super::{ApiResult, Member, audit};
use crate::protocol::{MemberId, MemberInfo, MemberName, Reference, RosterEntry, WithdrawalInfo};
use crate::web::SharedState;

/// `GET /api/v1/members`.
pub async fn members(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<Vec<MemberInfo>>> {
    let list = state.storage.members().await?;
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        out.push(MemberInfo {
            id: MemberId::parse(&m.id).map_err(|_| corrupt())?,
            name: MemberName::parse(&m.name).map_err(|_| corrupt())?,
            active: m.active,
        });
    }
    Ok(Json(out))
}

/// The recipients new messages are sealed to, with the members' names: what the
/// desk pins and compares.
pub async fn roster(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<Vec<RosterEntry>>> {
    Ok(Json(state.roster().await?))
}

/// `GET /api/v1/withdrawals`: the cases reporters withdrew, by reference and day
/// (audited as `list withdrawals`).
pub async fn list_withdrawals(
    State(state): State<SharedState>,
    Member(member): Member,
) -> ApiResult<Json<Vec<WithdrawalInfo>>> {
    let rows = state.storage.withdrawals().await?;
    audit(&state, &member, "list withdrawals", None).await?;
    let list = rows
        .iter()
        .map(|w| {
            Ok(WithdrawalInfo {
                reference: Reference::parse(&w.reference).map_err(|_| corrupt())?,
                withdrawn_on: w.withdrawn_on,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(list))
}
