//! The request line: method, target and query string, mostly the route's own and
//! sometimes mutated past what a server should accept.

use std::fmt::Write as _;

use rand::RngExt;

use super::Gen;
use crate::common::urlencode;

impl Gen<'_> {
    pub(super) fn method(&mut self, natural: &str) -> (Vec<u8>, bool) {
        let m: &str = match self.below(100) {
            0..70 => natural,
            70..78 => {
                if natural == "GET" {
                    "POST"
                } else {
                    "GET"
                }
            }
            78..84 => "HEAD",
            84..92 => self.pick(&["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]),
            92..97 => {
                return match self.below(4) {
                    0 => {
                        let n = self.rng.random_range(1..20);
                        let s: String = (0..n)
                            .map(|_| self.rng.random_range(b'A'..=b'Z') as char)
                            .collect();
                        (s.into_bytes(), true)
                    }
                    1 => (
                        "X".repeat(self.pick(&[100, 5000, 70_000])).into_bytes(),
                        true,
                    ),
                    _ => (
                        self.pick(&[
                            "get", "Post", "PROPFIND", "M-SEARCH", "BREW", "QUERY", "PRI",
                        ])
                        .as_bytes()
                        .to_vec(),
                        true,
                    ),
                };
            }
            _ => {
                let n = self.rng.random_range(1..16);
                return (self.bytes(n), false);
            }
        };
        (m.as_bytes().to_vec(), true)
    }

    pub(super) fn query(&mut self) -> String {
        match self.below(16) {
            0 => "?sent=1".into(),
            1 => "?sent=".into(),
            2 => "?sent=1&sent=2".into(),
            3 => "?kind=reply&seq=1".into(),
            4 => {
                let keys = [
                    "sent",
                    "kind",
                    "seq",
                    "attachments",
                    "lang",
                    "code",
                    "a",
                    "",
                ];
                let n = self.rng.random_range(1..6);
                let mut q = String::from("?");
                for i in 0..n {
                    if i > 0 {
                        q.push('&');
                    }
                    let k = self.pick(&keys);
                    let v = self.text();
                    let _ = write!(q, "{k}={}", urlencode(&v));
                }
                q
            }
            5 => "?%zz%".into(),
            6 => {
                let n = self.pick(&[10, 1000, 8000]);
                format!("?{}", "a=b&".repeat(n))
            }
            7 => {
                let n = self.rng.random_range(1..64);
                let b = self.bytes(n);
                format!(
                    "?{}",
                    b.iter().map(|b| format!("%{b:02X}")).collect::<String>()
                )
            }
            8 => "?&&&==&".into(),
            9 => "?".into(),
            10 => "?code=Q7K2M-9XHRT-P4WNB-36JDF-A8C1Z".into(),
            11 => "?seq=-9223372036854775808&kind=note".into(),
            12 => "?x=%00".into(),
            13 => "?sent=%FF".into(),
            _ => "?lang=en&redirect=//evil.example".into(),
        }
    }

    /// The request target: the route with ids filled in, mutated; whether it is
    /// still a well-formed target.
    pub(super) fn target(
        &mut self,
        template: &str,
        case: &str,
        att: &str,
        query: Option<String>,
    ) -> (Vec<u8>, bool) {
        let mut path = template.replace("{case}", case).replace("{att}", att);
        let mut sure = true;
        if let Some(q) = query {
            path.push_str(&q);
        } else if self.chance(0.12) {
            let q = self.query();
            path.push_str(&q);
        }
        let mut raw: Option<Vec<u8>> = None;
        let mutations = if self.chance(0.7) {
            0
        } else {
            self.rng.random_range(1..3)
        };
        for _ in 0..mutations {
            let at = {
                let slashes: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
                if slashes.is_empty() {
                    0
                } else {
                    self.pick(&slashes)
                }
            };
            match self.below(17) {
                0 => path.insert_str(at, "/.."),
                1 => path.insert_str(at, "/%2e%2e"),
                2 if !path.is_empty() => {
                    // Percent-encode one character of the path.
                    let chars: Vec<(usize, char)> = path.char_indices().collect();
                    let (i, c) = self.pick(&chars);
                    if c.is_ascii() {
                        path.replace_range(i..i + 1, &format!("%{:02X}", c as u8));
                    }
                }
                3 => path.push('/'),
                4 => path = path.to_uppercase(),
                5 => {
                    let n = self.pick(&[100, 5_000, 70_000]);
                    path = format!("{}{path}", "/a".repeat(n / 2));
                }
                6 => {
                    let n = self.pick(&[300, 8_000, 70_000]);
                    path.push_str(&"x".repeat(n));
                }
                7 => path.insert_str(at, "/%00"),
                8 => path.insert_str(at, "/%C3%A9%FF"),
                9 => path.insert(at, '/'),
                10 => path.insert_str(at, "/."),
                11 => path = format!("http://{}{path}", self.t.host),
                12 => path = "*".into(),
                13 => path = path.trim_start_matches('/').to_owned(),
                14 => {
                    // Raw bytes a target may not hold: NUL, unicode, space, controls.
                    let bad: &[u8] = self.pick(&[
                        &b"\0"[..],
                        "ë😀".as_bytes(),
                        b" ",
                        b"\t",
                        b"\x7f",
                        b"\xff",
                        b"#frag",
                        b"\"<>",
                    ]);
                    let mut b = path.clone().into_bytes();
                    b.splice(at..at, bad.iter().copied());
                    raw = Some(b);
                    sure = false;
                }
                15 => path = String::new(),
                _ => path.push_str(";jsessionid=1"),
            }
        }
        if path.is_empty() || !path.starts_with(['/', '*', 'h']) {
            sure = false;
        }
        (raw.unwrap_or_else(|| path.into_bytes()), sure)
    }
}
