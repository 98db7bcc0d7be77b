//! The sign-in challenge: one fixed, versioned text that the portal seals to a
//! member's recipient, and the answer that proves the member could open it.
//!
//! The desk opens whatever the portal sends as a challenge, so the format is what
//! keeps the sign-in from being a decryption oracle: the desk answers only a text
//! that parses as exactly this, for its own portal and its own key, and even then
//! sends back a MAC keyed by the nonce, never anything it decrypted.

use crate::crypto;

/// The first line of every challenge; a new format gets a new tag.
pub const TAG: &str = "meldpunt-sign-in-challenge/v1";
/// Domain separation of the answer's MAC.
const ANSWER_TAG: &[u8] = b"meldpunt-sign-in-answer/v1";
/// The desk refuses a challenge that claims to live longer than this.
pub const MAX_LIFETIME_SECS: i64 = 15 * 60;
/// The longest challenge text: a sealed file larger than this is not a challenge.
pub const MAX_LEN: usize = 512;

/// A parsed sign-in challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The portal's origin (`scheme://host[:port]`) as the portal states it.
    pub origin: String,
    /// The recipient the challenge was sealed to.
    pub recipient: String,
    /// Unix seconds after which the portal no longer accepts an answer.
    pub expires: i64,
    /// 32 random bytes: the key of the answer's MAC.
    pub nonce: [u8; 32],
}

/// Why the desk refused to answer a challenge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    /// Not the challenge format at all (a stored message, say).
    #[error("the portal sent something that is not a sign-in challenge")]
    NotAChallenge,
    /// A challenge for another portal: relayed by a third party.
    #[error("the sign-in challenge names another portal")]
    WrongOrigin,
    /// A challenge for another key.
    #[error("the sign-in challenge names another key")]
    WrongRecipient,
    /// Expired, or claiming an implausible lifetime.
    #[error("the sign-in challenge has expired or claims an implausible lifetime")]
    BadExpiry,
}

impl Challenge {
    /// The exact text that is sealed.
    pub fn to_text(&self) -> String {
        format!(
            "{TAG}\norigin: {}\nrecipient: {}\nexpires: {}\nnonce: {}\n",
            self.origin,
            self.recipient,
            self.expires,
            crypto::hex(&self.nonce)
        )
    }

    /// Parses a decrypted challenge: exactly the five lines, in order, nothing else.
    pub fn parse(plain: &[u8]) -> Result<Self, ChallengeError> {
        if plain.len() > MAX_LEN {
            return Err(ChallengeError::NotAChallenge);
        }
        let text = std::str::from_utf8(plain).map_err(|_| ChallengeError::NotAChallenge)?;
        let body = text
            .strip_suffix('\n')
            .ok_or(ChallengeError::NotAChallenge)?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [tag, origin, recipient, expires, nonce] = lines.as_slice() else {
            return Err(ChallengeError::NotAChallenge);
        };
        let field = |line: &'_ str, name: &str| -> Result<String, ChallengeError> {
            line.strip_prefix(name)
                .and_then(|v| v.strip_prefix(": "))
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic()))
                .map(str::to_owned)
                .ok_or(ChallengeError::NotAChallenge)
        };
        if *tag != TAG {
            return Err(ChallengeError::NotAChallenge);
        }
        let origin = field(origin, "origin")?;
        let recipient = field(recipient, "recipient")?;
        let expires = field(expires, "expires")?
            .parse::<i64>()
            .map_err(|_| ChallengeError::NotAChallenge)?;
        let nonce = crypto::unhex(&field(nonce, "nonce")?)
            .and_then(|n| <[u8; 32]>::try_from(n).ok())
            .ok_or(ChallengeError::NotAChallenge)?;
        let parsed = Self {
            origin,
            recipient,
            expires,
            nonce,
        };
        // Canonical form only: one text, one challenge.
        if parsed.to_text() != text {
            return Err(ChallengeError::NotAChallenge);
        }
        Ok(parsed)
    }

    /// Checks that the challenge is for this portal and this key and still valid.
    pub fn check(&self, origin: &str, recipient: &str, now: i64) -> Result<(), ChallengeError> {
        if !crypto::ct_eq(self.origin.as_bytes(), origin.as_bytes()) {
            return Err(ChallengeError::WrongOrigin);
        }
        if self.recipient != recipient {
            return Err(ChallengeError::WrongRecipient);
        }
        if self.expires <= now || self.expires > now + MAX_LIFETIME_SECS {
            return Err(ChallengeError::BadExpiry);
        }
        Ok(())
    }

    /// The answer: HMAC-SHA256 keyed by the nonce over the tag, the challenge id and
    /// the whole challenge text, as hex. It shows the key opened this challenge and
    /// reveals nothing else.
    pub fn answer(&self, challenge_id: &str) -> String {
        crypto::hex(&crypto::hmac_tag(
            &self.nonce,
            &[
                ANSWER_TAG,
                challenge_id.as_bytes(),
                self.to_text().as_bytes(),
            ],
        ))
    }
}

/// A portal origin in canonical form: lowercase scheme and host, no path, the port
/// only when it is not the scheme's default.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_owned(),
        _ => authority,
    };
    match scheme.as_str() {
        "http" | "https" => Some(format!("{scheme}://{authority}")),
        _ => None,
    }
}

/// Opens a sealed challenge and answers it, after every check: what the desk and
/// `meldpunt export` do, and what tests use to sign in as the desk would.
pub fn open_and_answer(
    sealed: &[u8],
    identity: &crypto::Identity,
    challenge_id: &str,
    origin: &str,
    now: i64,
) -> Result<String, ChallengeError> {
    let plain = crypto::open(sealed, identity).map_err(|_| ChallengeError::NotAChallenge)?;
    let challenge = Challenge::parse(&plain)?;
    challenge.check(origin, &identity.to_public().to_string(), now)?;
    Ok(challenge.answer(challenge_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(now: i64) -> Challenge {
        Challenge {
            origin: "https://meldpunt.example".into(),
            recipient: crypto::Identity::generate().to_public().to_string(),
            expires: now + 120,
            nonce: [7; 32],
        }
    }

    #[test]
    fn a_challenge_round_trips_and_nothing_else_parses() {
        let c = sample(1_000);
        assert_eq!(Challenge::parse(c.to_text().as_bytes()).unwrap(), c);
        let text = c.to_text();
        for bad in [
            text.replace(TAG, "meldpunt-sign-in-challenge/v2"),
            text.replace("\n", "\r\n"),
            format!("{text}extra\n"),
            text.trim_end().to_owned(),
            text.replace("expires: 1120", "expires: +1120"),
            text.replace("nonce: ", "nonce:  "),
            "{\"v\":1,\"case\":\"x\"}".to_owned(),
        ] {
            assert_eq!(
                Challenge::parse(bad.as_bytes()),
                Err(ChallengeError::NotAChallenge),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_challenge_for_another_portal_key_or_time_is_refused() {
        let c = sample(1_000);
        let r = c.recipient.clone();
        assert!(c.check("https://meldpunt.example", &r, 1_000).is_ok());
        assert_eq!(
            c.check("https://evil.example", &r, 1_000),
            Err(ChallengeError::WrongOrigin)
        );
        assert_eq!(
            c.check("https://meldpunt.example", "age1other", 1_000),
            Err(ChallengeError::WrongRecipient)
        );
        assert_eq!(
            c.check("https://meldpunt.example", &r, 1_120),
            Err(ChallengeError::BadExpiry)
        );
        let far = Challenge {
            expires: 1_000 + MAX_LIFETIME_SECS + 1,
            ..c.clone()
        };
        assert_eq!(
            far.check("https://meldpunt.example", &r, 1_000),
            Err(ChallengeError::BadExpiry)
        );
    }

    #[test]
    fn the_answer_depends_on_the_nonce_and_the_challenge_id_and_is_not_the_nonce() {
        let c = sample(1_000);
        let a = c.answer("aa");
        assert_ne!(a, c.answer("ab"));
        assert_ne!(
            a,
            Challenge {
                nonce: [8; 32],
                ..c.clone()
            }
            .answer("aa")
        );
        assert!(!a.contains(&crypto::hex(&c.nonce)));
    }

    #[test]
    fn origins_are_canonical() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("HTTPS://Example.org:443/x?y").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(
            origin_of("http://[::1]:80").as_deref(),
            Some("http://[::1]")
        );
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("http://user@x"), None);
        assert_eq!(origin_of("http:///x"), None);
    }
}
