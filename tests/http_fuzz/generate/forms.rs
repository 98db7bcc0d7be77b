//! The portal's own forms (report, follow-up, pickup) with real field names, so that
//! mutated values reach the form parsers and not only the first check; and the form
//! tokens, which are minted with the installation's key so that a request can get
//! past the token check at all.

use meldpunt::crypto;
use meldpunt::web::form_token::{self, Purpose};
use rand::RngExt;

use super::{Body, Gen};
use crate::common::{full_report, urlencode};
use crate::state::Pool;
use crate::target::Target;

const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What follow-up forms of a session are bound to: its row id, derived from the
/// cookie's token as `session.rs` does.
fn session_binding(token: &str) -> Vec<u8> {
    crypto::unhex(token)
        .map(|t| crypto::hkdf32(&t, b"meldpunt v1 session", b"row id").to_vec())
        .unwrap_or_default()
}

impl Gen<'_> {
    /// A form token: harvested, freshly minted with the installation's key (also
    /// expired, from the future, at extreme times), mutated, random or missing.
    fn form_token(&mut self, purpose: Purpose) -> Option<String> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let pool = match purpose {
            Purpose::Report => Pool::ReportTokens,
            // No pool of its own: withdrawal tokens are minted, never harvested.
            Purpose::FollowUp | Purpose::Withdraw => Pool::FollowUpTokens,
        };
        let t: &Target = self.t;
        // A follow-up form is bound to its session (the session row's id); mostly to
        // the session this request's cookie is likely to carry.
        let binding: Vec<u8> = match purpose {
            Purpose::Report => Vec::new(),
            Purpose::FollowUp | Purpose::Withdraw => match (self.below(10), self.session.clone()) {
                (0..8, Some(s)) => session_binding(&s),
                (8, _) => Vec::new(),
                _ => self.bytes(32),
            },
        };
        let mint = |at: i64| form_token::mint(&t.form_key, purpose, &binding, at);
        let token = match self.below(100) {
            0..35 => self.pooled(pool).unwrap_or_else(|| mint(now)),
            35..65 => mint(now),
            65..70 => mint(now - 5 * 3600),
            70..72 => mint(now + 3600),
            72..74 => {
                let at = self.pick(&[i64::MIN, i64::MAX, 0, -1, now + 60, now - 14_400]);
                mint(at)
            }
            74..86 => {
                let base = self.pooled(pool).unwrap_or_else(|| mint(now));
                self.mutate_string(&base)
            }
            86..91 => self.hex(56),
            91..95 => self.text(),
            _ => return None,
        };
        Some(token)
    }

    /// The report form's fields, mostly valid, with a few mutations.
    fn report_pairs(&mut self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(t) = self.form_token(Purpose::Report) {
            pairs.push(("form_token".to_owned(), t));
        }
        let what = if self.chance(0.5) {
            "Een melding van de fuzzer over het delen van dossiers.".to_owned()
        } else {
            self.text()
        };
        pairs.extend(full_report(&what));
        self.mutate_pairs(&mut pairs);
        pairs
    }

    fn mutate_pairs(&mut self, pairs: &mut Vec<(String, String)>) {
        let n = if self.chance(0.35) {
            0
        } else {
            self.rng.random_range(1..5)
        };
        for _ in 0..n {
            let len = pairs.len();
            match self.below(9) {
                0 if len > 0 => {
                    let i = self.below(len);
                    pairs.remove(i);
                }
                1 if len > 0 => {
                    let i = self.below(len);
                    let p = pairs[i].clone();
                    pairs.push(p);
                }
                2 | 3 if len > 0 => {
                    let i = self.below(len);
                    pairs[i].1 = self.text();
                }
                4 if len > 0 => {
                    let i = self.below(len);
                    let k = pairs[i].0.clone();
                    pairs[i].0 = self.mutate_string(&k);
                }
                5 => {
                    let k = self.text();
                    let v = self.text();
                    pairs.push((k, v));
                }
                6 => {
                    let n = self.pick(&[63, 64, 65, 200]);
                    for i in 0..n {
                        pairs.push((format!("extra{i}"), "x".into()));
                    }
                }
                7 => {
                    let key = self.pick(&["role", "concern", "ongoing", "hope", "contact"]);
                    let v = self.pick(&[
                        "client",
                        "other",
                        "unknown",
                        "conversation",
                        "admin",
                        "",
                        "yes",
                    ]);
                    pairs.push((key.into(), v.into()));
                }
                _ => pairs.reverse(),
            }
        }
    }

    /// Pairs as an urlencoded body, mostly correct, sometimes with invalid escapes,
    /// invalid UTF-8 or unescaped separators.
    fn urlencoded(&mut self, pairs: &[(String, String)]) -> Vec<u8> {
        let raw = self.chance(0.1);
        let mut out = Vec::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(b'&');
            }
            if raw {
                out.extend_from_slice(k.as_bytes());
                out.push(b'=');
                out.extend_from_slice(v.as_bytes());
            } else {
                out.extend_from_slice(urlencode(k).as_bytes());
                out.push(b'=');
                out.extend_from_slice(urlencode(v).as_bytes());
            }
        }
        if self.chance(0.08) {
            let junk: &[u8] = self.pick(&[
                &b"&%zz=1"[..],
                b"&what=%",
                b"&what=%C3",
                b"&what=%FF%FE",
                b"&=&&==",
                b"&what=%00",
                b"\xff\xfe",
                b"&a",
                b";what=x",
            ]);
            let at = if out.is_empty() {
                0
            } else {
                self.below(out.len() + 1)
            };
            out.splice(at..at, junk.iter().copied());
        }
        out
    }

    pub(super) fn form_content_type(&mut self) -> Option<String> {
        Some(
            match self.below(20) {
                0 => return None,
                1 => "application/x-www-form-urlencoded; charset=ISO-8859-1",
                2 => "APPLICATION/X-WWW-FORM-URLENCODED",
                3 => "text/plain",
                4 => "application/json",
                5 => "application/x-www-form-urlencoded; charset",
                6 => "",
                _ => "application/x-www-form-urlencoded",
            }
            .to_owned(),
        )
    }

    fn pickup_code(&mut self) -> String {
        let code = self.pooled(Pool::Codes);
        match self.below(12) {
            0..4 => code.unwrap_or_else(|| "Q7K2M-9XHRT-P4WNB-36JDF-A8C1Z".into()),
            4 => code.map(|c| c.to_lowercase()).unwrap_or_default(),
            5 => code.map(|c| c.replace('-', "")).unwrap_or_default(),
            6 => code.map(|c| c.replace('-', " ")).unwrap_or_default(),
            7 => {
                let c = code.unwrap_or_else(|| "Q7K2M-9XHRT-P4WNB-36JDF-A8C1Z".into());
                self.mutate_string(&c)
            }
            8 => {
                let s: String = (0..25).map(|_| self.pick(CROCKFORD) as char).collect();
                format!(
                    "{}-{}-{}-{}-{}",
                    &s[..5],
                    &s[5..10],
                    &s[10..15],
                    &s[15..20],
                    &s[20..]
                )
            }
            9 => "O0IL1-".repeat(self.pick(&[1, 5, 20, 200_000])),
            _ => self.text(),
        }
    }

    /// The report form, urlencoded or multipart with files.
    pub(super) fn report_body(&mut self) -> Body {
        let pairs = self.report_pairs();
        self.form_body(pairs)
    }

    /// The follow-up form, urlencoded or multipart with files.
    pub(super) fn follow_up_body(&mut self) -> Body {
        let mut pairs = Vec::new();
        if let Some(t) = self.form_token(Purpose::FollowUp) {
            pairs.push(("form_token".to_owned(), t));
        }
        let text = if self.chance(0.5) {
            "Nog een aanvulling (fuzz).".to_owned()
        } else {
            self.text()
        };
        pairs.push(("text".into(), text));
        self.mutate_pairs(&mut pairs);
        self.form_body(pairs)
    }

    /// The pickup form.
    pub(super) fn pickup_body(&mut self) -> Body {
        let mut pairs = vec![("code".to_owned(), self.pickup_code())];
        self.mutate_pairs(&mut pairs);
        self.urlencoded_body(&pairs)
    }

    /// A form's fields, multipart with some files or urlencoded.
    fn form_body(&mut self, pairs: Vec<(String, String)>) -> Body {
        if self.chance(0.45) {
            let files = self.file_count();
            let (ct, bytes) = self.multipart(pairs, files);
            Body {
                content_type: Some(ct),
                bytes,
                ..Body::default()
            }
        } else {
            self.urlencoded_body(&pairs)
        }
    }

    fn urlencoded_body(&mut self, pairs: &[(String, String)]) -> Body {
        let content_type = self.form_content_type();
        Body {
            content_type,
            bytes: self.urlencoded(pairs),
            ..Body::default()
        }
    }
}
