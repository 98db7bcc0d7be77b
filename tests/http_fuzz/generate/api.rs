//! Bodies for the committee API: JSON with values of the wrong type and broken
//! syntax, and age files that are sealed as the desk seals them (or almost), so that
//! messages and attachments get past the API's own checks.

use std::fmt::Write as _;

use meldpunt::case::{Body as EnvelopeBody, Envelope};
use meldpunt::crypto::{self, Identity, Recipient};
use rand::RngExt;
use serde_json::{Value, json};

use super::{Body, Gen};
use crate::samples::age_header;
use crate::state::Pool;

impl Gen<'_> {
    fn json_content_type(&mut self) -> Option<String> {
        Some(
            match self.below(16) {
                0 => return None,
                1 => "application/json; charset=utf-8",
                2 => "text/plain",
                3 => "application/x-www-form-urlencoded",
                4 => "application/vnd.api+json",
                5 => "APPLICATION/JSON",
                6 => "application/jsonx",
                _ => "application/json",
            }
            .to_owned(),
        )
    }

    /// A JSON value of a random type, for a field that expects a string.
    fn json_value(&mut self, good: Value) -> Value {
        match self.below(14) {
            0..7 => good,
            7 => Value::Null,
            8 => json!(self.rng.random::<i64>()),
            9 => json!([good]),
            10 => json!({ "x": good }),
            11 => json!(true),
            12 => json!("\u{0}"),
            _ => json!(self.text()),
        }
    }

    /// A JSON body, sometimes broken at the level of syntax.
    fn json_body(&mut self, value: Value) -> Vec<u8> {
        let text = value.to_string();
        match self.below(30) {
            0 => {
                let n = self.below(text.len() + 1);
                text.as_bytes()[..n].to_vec()
            }
            1 => {
                let n = self.pick(&[100, 127, 128, 129, 10_000, 200_000]);
                format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()
            }
            2 => format!("{{\"a\":{}}}", "1".repeat(self.pick(&[20, 400, 100_000]))).into_bytes(),
            3 => format!("\u{feff}{text}").into_bytes(),
            4 => format!("{text}{text}").into_bytes(),
            5 => {
                let mut b = text.into_bytes();
                b.extend_from_slice(b"\xff\xfe");
                b
            }
            6 => b"{\"recipient\":\"\\ud800\"}".to_vec(),
            7 => b"".to_vec(),
            8 => b"null".to_vec(),
            9 => format!("{{\"status\":1e999999,\"reason\":{text}}}").into_bytes(),
            _ => text.into_bytes(),
        }
    }

    /// A body for an age file endpoint: for a real case, sealed as the desk would
    /// (a message envelope for this case and `seq`), or sealed to the wrong set,
    /// misplaced (another seq, another case), not an envelope at all, damaged, or not
    /// age at all. Also the case it is for.
    fn age_body(&mut self, note: bool, seq: i64) -> (Vec<u8>, Option<String>) {
        let keys = {
            let pools = self.t.pools.lock().unwrap();
            if pools.keys.is_empty() {
                None
            } else {
                Some(pools.keys[self.rng.random_range(0..pools.keys.len())].clone())
            }
        };
        let Some(k) = keys else {
            let n = self.size();
            return (self.bytes(n), None);
        };
        let everyone = k.everyone();
        let (right, wrong) = if note {
            (&k.committee, &everyone)
        } else {
            (&everyone, &k.committee)
        };
        let text = if self.chance(0.8) {
            "Een vraag van de commissie (fuzz).".to_owned()
        } else {
            self.text()
        };
        let envelope = |case: &str, seq: i64| {
            Envelope::new(case, seq, EnvelopeBody::Text { text: text.clone() }).to_bytes()
        };
        let seal = |plain: &[u8], to: &[Recipient]| {
            crypto::seal_for(plain, to).expect("sealing to real recipients works")
        };
        let good = seal(&envelope(&k.case, seq), right);
        let bytes = match self.below(24) {
            0..12 => good,
            12 => seal(&envelope(&k.case, seq), wrong),
            // Well sealed, but what is inside does not belong here.
            13 => seal(&envelope(&k.case, seq.wrapping_add(1)), right),
            14 => seal(&envelope(&"0".repeat(32), seq), right),
            15 => seal(b"not a message envelope", right),
            16 => {
                let mut b = good;
                let i = self.below(b.len());
                b[i] ^= 0x20;
                b
            }
            17 => {
                let mut b = good;
                let n = self.below(b.len() + 1);
                b.truncate(n);
                b
            }
            18 => {
                let mut b = good;
                let n = self.size();
                b.extend(self.bytes(n));
                b
            }
            19 => {
                // Made-up stanzas: each key, then its wrapped key, then the MAC.
                let n = self.rng.random_range(0..200);
                let stanzas: Vec<_> = (0..n).map(|_| (self.bytes(32), self.bytes(32))).collect();
                let mac = self.bytes(32);
                let mut b = age_header(stanzas, &mac);
                let n = self.size();
                b.extend(self.bytes(n));
                b
            }
            20 => b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"
                .to_vec(),
            _ => {
                let n = self.size();
                self.bytes(n)
            }
        };
        (bytes, Some(k.case))
    }

    /// A sign-in challenge request: a member's recipient, mostly.
    pub(super) fn challenge_body(&mut self) -> Body {
        let good = match self.below(10) {
            0..5 => self.t.member_recipient.clone(),
            5 => self.t.app.committee.to_public().to_string(),
            6 => Identity::generate().to_public().to_string(),
            7 => {
                let r = self.t.member_recipient.clone();
                self.mutate_string(&r)
            }
            8 => {
                "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ".into()
            }
            _ => self.text(),
        };
        let v = self.json_value(json!(good));
        let obj = if self.chance(0.95) {
            json!({ "recipient": v })
        } else {
            json!({ "other": v })
        };
        self.json(obj)
    }

    /// An answer to a sign-in challenge (never the right one).
    pub(super) fn answer_body(&mut self) -> Body {
        let challenge = if self.chance(0.7) {
            self.hex(16)
        } else {
            self.text()
        };
        let answer = if self.chance(0.7) {
            self.hex(32)
        } else {
            self.text()
        };
        let c = self.json_value(json!(challenge));
        let a = self.json_value(json!(answer));
        self.json(json!({ "challenge": c, "answer": a }))
    }

    /// A case's new status and reason.
    pub(super) fn status_body(&mut self) -> Body {
        let status = self.pick(&[
            "received",
            "acknowledged",
            "under-review",
            "waiting-for-reporter",
            "feedback-given",
            "closed",
            "CLOSED",
            "",
            "open",
        ]);
        let reason = self.pick(&[
            "taken-into-analysis",
            "referred-ap",
            "referred-hvk",
            "out-of-scope",
            "no-response",
            "",
            "other",
        ]);
        let s = self.json_value(json!(status));
        let mut obj = json!({ "status": s });
        if self.chance(0.6) {
            obj["reason"] = self.json_value(json!(reason));
        }
        self.json(obj)
    }

    /// The member a case is assigned to.
    pub(super) fn assign_body(&mut self) -> Body {
        let member = match self.below(6) {
            0..3 => self.pooled(Pool::Members).unwrap_or_default(),
            3 => self.id(Pool::Ids),
            4 => "\u{0}".into(),
            _ => self.text(),
        };
        let m = self.json_value(json!(member));
        let obj = if self.chance(0.9) {
            json!({ "member": m })
        } else {
            json!({})
        };
        self.json(obj)
    }

    /// A reply or note: an age file, with its kind, seq and attachments in the query.
    pub(super) fn messages_body(&mut self) -> Body {
        let note = self.chance(0.3);
        let kind = match self.below(12) {
            0..10 => {
                if note {
                    "note"
                } else {
                    "reply"
                }
            }
            10 => "Reply",
            _ => "",
        };
        let (seq_num, seq) = match self.below(20) {
            0..12 => {
                let n = self.rng.random_range(1..40);
                (n, n.to_string())
            }
            12 => (0, "0".into()),
            13 => (-1, "-1".into()),
            14 => (i64::MAX, i64::MAX.to_string()),
            15 => (i64::MAX - 1, (i64::MAX - 1).to_string()),
            16 => (i64::MIN, i64::MIN.to_string()),
            17 => (1, "99999999999999999999".into()),
            18 => (1, "1.5".into()),
            _ => (1, String::new()),
        };
        let (bytes, case) = self.age_body(note, seq_num);
        let mut query = format!("?kind={kind}&seq={seq}");
        if self.chance(0.3) {
            let n = self.pick(&[1, 2, 3, 11]);
            let ids: Vec<String> = (0..n).map(|_| self.id(Pool::Ids)).collect();
            let _ = write!(query, "&attachments={}", ids.join(","));
        }
        if self.chance(0.1) {
            query = self.query();
        }
        let content_type = if self.chance(0.8) {
            Some("application/octet-stream".into())
        } else {
            self.json_content_type()
        };
        Body {
            content_type,
            bytes,
            case,
            query: Some(query),
        }
    }

    /// An attachment: an age file, or one over the limit.
    pub(super) fn attachment_body(&mut self) -> Body {
        let (bytes, case) = if self.chance(0.97) {
            self.age_body(false, 1)
        } else {
            (vec![b'a'; 2 * 1024 * 1024], None)
        };
        Body {
            content_type: Some("application/octet-stream".into()),
            bytes,
            case,
            query: None,
        }
    }

    /// A JSON body and a content type for it.
    fn json(&mut self, value: Value) -> Body {
        let content_type = self.json_content_type();
        Body {
            content_type,
            bytes: self.json_body(value),
            ..Body::default()
        }
    }
}
