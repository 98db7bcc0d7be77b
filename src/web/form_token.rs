//! Single-use form tokens: a random nonce, the time the form was made and an HMAC
//! under the installation's form key. The signature and age are checked here; the
//! nonce is consumed in the same transaction as what the form stores.
//!
//! A token can be bound to something only its rightful sender knows (the follow-up
//! form to the reporter session it was shown in), so a form taken from one session
//! is refused in another.

use time::{Date, OffsetDateTime};

use crate::crypto;

/// Which form a token is for: a token of one cannot submit the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The report form.
    Report,
    /// The follow-up form of a session.
    FollowUp,
    /// The confirmation that withdraws a session's report.
    Withdraw,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Report => b"meldpunt v1 form report",
            Purpose::FollowUp => b"meldpunt v1 form follow-up",
            Purpose::Withdraw => b"meldpunt v1 form withdraw",
        }
    }
}

/// Why a form token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Missing, altered, for another purpose or another session.
    #[error("the form token is missing or altered")]
    Invalid,
    /// Older than the form may stay open (or from the future).
    #[error("the form token has expired")]
    Expired,
}

/// A token whose signature and age were checked; its nonce is not yet consumed.
pub struct Verified {
    /// The random nonce, stored when the form is used.
    pub nonce: [u8; 16],
    /// The day after which the nonce can be forgotten: the token has expired by then.
    pub forget_on: Date,
}

const LEN: usize = 16 + 8 + 32;

/// Makes a token for a form shown at `issued_at` (Unix seconds), bound to `binding`
/// (empty for a form anyone may send).
pub fn mint(key: &[u8], purpose: Purpose, binding: &[u8], issued_at: i64) -> String {
    let nonce = crypto::random_bytes::<16>();
    let time = issued_at.to_be_bytes();
    let tag = crypto::hmac_tag(
        key,
        &[purpose.label(), &binding_tag(binding), &nonce, &time],
    );
    let mut raw = Vec::with_capacity(LEN);
    raw.extend_from_slice(&nonce);
    raw.extend_from_slice(&time);
    raw.extend_from_slice(&tag);
    crypto::hex(&raw)
}

/// A fixed-length stand-in for the binding, so no two (binding, nonce) splits of
/// the MAC input can collide.
fn binding_tag(binding: &[u8]) -> [u8; 32] {
    crypto::hmac_tag(b"meldpunt v1 form binding", &[binding])
}

/// Checks a token's MAC, purpose, binding and age at `now`; the nonce is consumed
/// later, in the transaction that stores what the form submitted.
pub fn verify(
    key: &[u8],
    purpose: Purpose,
    binding: &[u8],
    token: &str,
    now: i64,
    ttl_secs: i64,
) -> Result<Verified, TokenError> {
    let raw = crypto::unhex(token)
        .filter(|r| r.len() == LEN)
        .ok_or(TokenError::Invalid)?;
    let (nonce, rest) = raw.split_at(16);
    let (time, tag) = rest.split_at(8);
    let expected = crypto::hmac_tag(key, &[purpose.label(), &binding_tag(binding), nonce, time]);
    if !crypto::ct_eq(&expected, tag) {
        return Err(TokenError::Invalid);
    }
    let issued_at = i64::from_be_bytes(time.try_into().expect("eight bytes"));
    // A token from the future (clock skew between instances) is allowed a minute.
    if issued_at > now.saturating_add(60) {
        return Err(TokenError::Invalid);
    }
    // Saturating: a signed time from the far past must expire, not overflow.
    if now.saturating_sub(issued_at) > ttl_secs {
        return Err(TokenError::Expired);
    }
    // Counted from the day of use, not from when the form was opened, so the stored
    // day says nothing about the time of day (the case is dated to that day anyway).
    let today = OffsetDateTime::from_unix_timestamp(now)
        .map_err(|_| TokenError::Invalid)?
        .date();
    let days = ttl_secs.div_euclid(86_400) + 2;
    Ok(Verified {
        nonce: nonce.try_into().expect("sixteen bytes"),
        forget_on: today + time::Duration::days(days),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [9; 32];

    #[test]
    fn a_fresh_token_verifies_for_its_purpose_only() {
        let token = mint(&KEY, Purpose::Report, b"", 1_000_000);
        assert!(verify(&KEY, Purpose::Report, b"", &token, 1_000_100, 3600).is_ok());
        assert_eq!(
            verify(&KEY, Purpose::FollowUp, b"", &token, 1_000_100, 3600).err(),
            Some(TokenError::Invalid)
        );
        assert_eq!(
            verify(&[8; 32], Purpose::Report, b"", &token, 1_000_100, 3600).err(),
            Some(TokenError::Invalid)
        );
    }

    #[test]
    fn an_old_token_is_expired_and_an_altered_one_invalid() {
        let token = mint(&KEY, Purpose::Report, b"", 1_000_000);
        assert_eq!(
            verify(&KEY, Purpose::Report, b"", &token, 1_003_601, 3600).err(),
            Some(TokenError::Expired)
        );
        let mut altered = token.clone().into_bytes();
        altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            verify(&KEY, Purpose::Report, b"", &altered, 1_000_001, 3600).err(),
            Some(TokenError::Invalid)
        );
        assert_eq!(
            verify(&KEY, Purpose::Report, b"", "", 1_000_001, 3600).err(),
            Some(TokenError::Invalid)
        );
    }

    #[test]
    fn a_bound_token_verifies_only_with_its_binding() {
        let token = mint(&KEY, Purpose::FollowUp, b"session one", 1_000_000);
        assert!(
            verify(
                &KEY,
                Purpose::FollowUp,
                b"session one",
                &token,
                1_000_100,
                3600
            )
            .is_ok()
        );
        for other in [&b"session two"[..], b"", b"session on"] {
            assert_eq!(
                verify(&KEY, Purpose::FollowUp, other, &token, 1_000_100, 3600).err(),
                Some(TokenError::Invalid)
            );
        }
    }

    #[test]
    fn a_token_from_the_far_past_or_future_is_refused_without_overflow() {
        for issued_at in [i64::MIN, i64::MIN + 1, -1] {
            let token = mint(&KEY, Purpose::Report, b"", issued_at);
            assert_eq!(
                verify(&KEY, Purpose::Report, b"", &token, 1_000_000, 3600).err(),
                Some(TokenError::Expired)
            );
        }
        let token = mint(&KEY, Purpose::Report, b"", i64::MAX);
        assert_eq!(
            verify(&KEY, Purpose::Report, b"", &token, 1_000_000, 3600).err(),
            Some(TokenError::Invalid)
        );
    }
}
