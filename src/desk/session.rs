//! The desk's browser sessions. The launch link printed in the terminal carries a
//! one-time token; using it gives the browser a separate session cookie, scoped to
//! the launch's random path and expiring, and prints a fresh link. A link found
//! later in the browser's history, or a cookie sent to another local port, opens
//! nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::crypto;

/// The session cookie's name.
pub const COOKIE: &str = "meldpunt_desk";
/// A session ends this long after it began, however active.
pub const SESSION_MAX: Duration = Duration::from_secs(12 * 3600);

pub struct Sessions {
    prefix: String,
    /// The current launch token; replaced each time it is used.
    launch: Mutex<[u8; 32]>,
    /// SHA-256 of each session token, with the time it began.
    live: Mutex<HashMap<[u8; 32], Instant>>,
}

impl Sessions {
    /// Sessions of a desk whose paths start with `prefix`.
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            launch: Mutex::new(crypto::random_bytes::<32>()),
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The launch token to print now.
    pub fn current_launch(&self) -> String {
        crypto::hex(&*self.launch.lock().expect("not poisoned"))
    }

    /// Trades a launch token for a session: the `Set-Cookie` value, or `None` when
    /// the token is not the current one. The token is used up either way it
    /// matched, and a new one takes its place.
    pub fn launch(&self, presented: &str) -> Option<String> {
        {
            let mut launch = self.launch.lock().expect("not poisoned");
            if !crypto::ct_eq(presented.as_bytes(), crypto::hex(&*launch).as_bytes()) {
                return None;
            }
            *launch = crypto::random_bytes::<32>();
        }
        let token = crypto::random_bytes::<32>();
        let mut live = self.live.lock().expect("not poisoned");
        live.retain(|_, began| began.elapsed() < SESSION_MAX);
        live.insert(crypto::sha256(&token), Instant::now());
        Some(format!(
            "{COOKIE}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Strict",
            crypto::hex(&token),
            self.prefix,
            SESSION_MAX.as_secs()
        ))
    }

    /// Whether a cookie value is a live session of this desk.
    pub fn valid(&self, value: &str) -> bool {
        let Some(token) = crypto::unhex(value).filter(|t| t.len() == 32) else {
            return false;
        };
        let live = self.live.lock().expect("not poisoned");
        live.get(&crypto::sha256(&token))
            .is_some_and(|began| began.elapsed() < SESSION_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_token_works_once_and_its_session_is_not_the_token() {
        let s = Sessions::new("/d-00");
        let token = s.current_launch();
        let cookie = s.launch(&token).expect("the first use works");
        assert!(s.launch(&token).is_none(), "the second use fails");
        assert_ne!(s.current_launch(), token);
        let value = cookie
            .strip_prefix("meldpunt_desk=")
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        assert_ne!(value, token);
        assert!(s.valid(value));
        assert!(!s.valid(&token));
        assert!(cookie.contains("Path=/d-00;"));
    }
}
