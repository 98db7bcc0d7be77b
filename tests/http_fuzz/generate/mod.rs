//! The request generator. One seeded RNG per connection makes every choice, in a
//! fixed order, so a seed repeats a run's requests (as far as the harvested values
//! allow): a change that reorders random calls changes what every seed sends.
//!
//! This file has the routes, the small random helpers and the assembly of a
//! request; its parts are in the submodules: the request line, headers and framing,
//! the portal's forms, multipart files, and the API's JSON and age bodies.

mod api;
mod files;
mod forms;
mod headers;
mod line;

use meldpunt::crypto;
use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::state::Pool;
use crate::target::Target;
use crate::wire::{Framing, Req};

#[derive(Clone, Copy)]
enum Kind {
    Page,
    Report,
    Pickup,
    Thread,
    Download,
    SignOut,
    Asset,
    Challenge,
    Answer,
    ApiGet,
    ApiEmpty,
    Messages,
    Status,
    Assign,
    Attach,
    ApiDownload,
    Unknown,
}

/// Every route of the portal (src/web/mod.rs) and the API, with its method. `POST
/// /report` and the messages route are listed twice, which doubles their share;
/// taking either out changes what every seed sends.
const ROUTES: &[(&str, &str, Kind)] = &[
    ("GET", "/", Kind::Page),
    ("GET", "/en", Kind::Page),
    ("GET", "/en/", Kind::Page),
    ("GET", "/report", Kind::Page),
    ("GET", "/en/report", Kind::Page),
    ("POST", "/report", Kind::Report),
    ("POST", "/en/report", Kind::Report),
    ("POST", "/report", Kind::Report),
    ("GET", "/pickup", Kind::Page),
    ("GET", "/en/pickup", Kind::Page),
    ("POST", "/pickup", Kind::Pickup),
    ("POST", "/en/pickup", Kind::Pickup),
    ("GET", "/thread", Kind::Thread),
    ("GET", "/en/thread", Kind::Thread),
    ("POST", "/thread", Kind::Thread),
    ("POST", "/en/thread", Kind::Thread),
    ("GET", "/thread/files/{att}", Kind::Download),
    ("GET", "/en/thread/files/{att}", Kind::Download),
    ("POST", "/sign-out", Kind::SignOut),
    ("POST", "/en/sign-out", Kind::SignOut),
    ("GET", "/static/style.css", Kind::Asset),
    ("GET", "/static/favicon.svg", Kind::Asset),
    ("GET", "/favicon.ico", Kind::Asset),
    ("GET", "/robots.txt", Kind::Asset),
    ("GET", "/healthz", Kind::Asset),
    ("POST", "/api/v1/sign-in/challenge", Kind::Challenge),
    ("POST", "/api/v1/sign-in/answer", Kind::Answer),
    ("POST", "/api/v1/sign-out", Kind::ApiEmpty),
    ("GET", "/api/v1/members", Kind::ApiGet),
    ("GET", "/api/v1/cases", Kind::ApiGet),
    ("GET", "/api/v1/cases/{case}", Kind::ApiGet),
    ("POST", "/api/v1/cases/{case}/messages", Kind::Messages),
    ("POST", "/api/v1/cases/{case}/messages", Kind::Messages),
    ("POST", "/api/v1/cases/{case}/status", Kind::Status),
    ("POST", "/api/v1/cases/{case}/assign", Kind::Assign),
    ("POST", "/api/v1/cases/{case}/read", Kind::ApiEmpty),
    ("POST", "/api/v1/cases/{case}/exported", Kind::ApiEmpty),
    ("GET", "/api/v1/cases/{case}/history", Kind::ApiGet),
    ("POST", "/api/v1/cases/{case}/attachments", Kind::Attach),
    (
        "GET",
        "/api/v1/cases/{case}/attachments/{att}",
        Kind::ApiDownload,
    ),
    ("GET", "/does-not-exist", Kind::Unknown),
    ("GET", "/api/v1/does-not-exist", Kind::Unknown),
    ("GET", "/static/", Kind::Unknown),
    ("GET", "/en/en/report", Kind::Unknown),
];

/// A body to send: its content type (if any) and, for the API, the case it belongs
/// to and a query string.
#[derive(Default)]
struct Body {
    content_type: Option<String>,
    bytes: Vec<u8>,
    case: Option<String>,
    query: Option<String>,
}

pub struct Gen<'a> {
    rng: &'a mut StdRng,
    t: &'a Target,
    /// The reporter session (cookie value) the current request is mostly about.
    session: Option<String>,
    /// The pool's member token the current request carries, if any.
    member_token: Option<String>,
}

impl<'a> Gen<'a> {
    pub fn new(rng: &'a mut StdRng, t: &'a Target) -> Gen<'a> {
        Gen {
            rng,
            t,
            session: None,
            member_token: None,
        }
    }
}

impl Gen<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items
            .choose(&mut *self.rng)
            .expect("a non-empty list")
            .clone()
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.rng.fill(&mut v[..]);
        v
    }

    fn hex(&mut self, n: usize) -> String {
        let b = self.bytes(n);
        crypto::hex(&b)
    }

    /// A size, mostly small.
    fn size(&mut self) -> usize {
        match self.below(100) {
            0..60 => self.rng.random_range(0..64),
            60..85 => self.rng.random_range(64..1024),
            85..95 => self.rng.random_range(1024..16 * 1024),
            95..99 => self.rng.random_range(16 * 1024..256 * 1024),
            _ => self.rng.random_range(256 * 1024..1_300_000),
        }
    }

    fn pooled(&mut self, p: Pool) -> Option<String> {
        let pools = self.t.pools.lock().unwrap();
        let list = pools.list(p);
        if list.is_empty() {
            return None;
        }
        Some(list[self.rng.random_range(0..list.len())].clone())
    }

    fn ascii(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.rng.random_range(0x20u8..0x7f) as char)
            .collect()
    }

    fn unicode(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_u32(self.rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'))
            .collect()
    }

    /// A text value for a form field or JSON string.
    fn text(&mut self) -> String {
        match self.below(14) {
            0 => String::new(),
            1 => " \t\r\n ".into(),
            2 => "Het wijkteam deelde dossiers met vrijwilligers.".into(),
            3 => {
                let n = self.rng.random_range(1..50);
                "ë€😀\u{202e}\u{200b}ﬁe\u{0301}𝕏".repeat(n)
            }
            4 => "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>".into(),
            5 => "' OR 1=1; drop table cases; --".into(),
            6 => "\u{0}\u{1}\u{7f}\u{ffff}\u{fffe}\u{feff}".into(),
            7 => {
                let n = self.pick(&[499, 500, 501, 19_999, 20_000, 20_001, 60_000]);
                "x".repeat(n)
            }
            8 => {
                let n = self.pick(&[250, 251, 500, 501, 20_000, 20_001]);
                "é".repeat(n)
            }
            9 => {
                let n = self.size().min(40_000);
                self.ascii(n)
            }
            10 => {
                let n = self.rng.random_range(0..300);
                self.unicode(n)
            }
            11 => "%s%n{}{0}${jndi:ldap://x}\\u0000".into(),
            12 => self
                .pick(&["yes", "no", "client", "other", "advice", "closed"])
                .into(),
            _ => {
                let n = self.rng.random_range(0..200);
                String::from_utf8_lossy(&self.bytes(n)).into_owned()
            }
        }
    }

    /// An id for a path: mostly a real one, else random, malformed or hostile.
    fn id(&mut self, p: Pool) -> String {
        match self.below(20) {
            0..12 => self
                .pooled(p)
                .or_else(|| self.pooled(Pool::Ids))
                .unwrap_or_else(|| self.hex(16)),
            12..14 => self.pooled(Pool::Ids).unwrap_or_else(|| self.hex(16)),
            14 => self.hex(16),
            15 => self.hex(16).to_uppercase(),
            16 => {
                let n = self.rng.random_range(0..100);
                self.hex(n)
            }
            _ => self
                .pick(&[
                    "",
                    "0",
                    "x",
                    "..",
                    "%2e%2e",
                    "%00",
                    "%2500",
                    "00000000000000000000000000000000",
                    "0000000000000000000000000000000%00",
                    "%C3%A9",
                    "abc%2Fdef",
                    "%FF%FE",
                    "{id}",
                    "-1",
                    "%20",
                ])
                .to_owned(),
        }
    }

    fn mutate_string(&mut self, s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        match self.below(7) {
            0 if !b.is_empty() => {
                let i = self.below(b.len());
                b[i] ^= 1 << self.below(7);
            }
            1 if !b.is_empty() => {
                let n = self.below(b.len());
                b.truncate(n);
            }
            2 => b.extend_from_slice(b"00"),
            3 => b = s.to_uppercase().into_bytes(),
            4 => b = format!(" {s} ").into_bytes(),
            5 => b = s.repeat(2).into_bytes(),
            _ => b.reverse(),
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    /// A connection's requests and whether to pipeline them.
    pub fn script(&mut self) -> (Vec<Req>, bool) {
        let n = if self.chance(0.7) {
            1
        } else {
            self.rng.random_range(2..=5)
        };
        let mut reqs = Vec::new();
        for _ in 0..n {
            let r = self.request();
            let last = r.framing != Framing::Complete;
            reqs.push(r);
            if last {
                break;
            }
        }
        let pipelined = reqs.len() > 1
            && reqs.iter().all(|r| r.framing == Framing::Complete)
            && self.chance(0.3);
        (reqs, pipelined)
    }

    /// A body that fits the route's kind (or does not).
    fn body(&mut self, kind: Kind) -> Body {
        if self.chance(0.06) {
            let n = self.size();
            let content_type = if self.chance(0.5) {
                self.form_content_type()
            } else {
                None
            };
            return Body {
                content_type,
                bytes: self.bytes(n),
                ..Body::default()
            };
        }
        match kind {
            Kind::Report => self.report_body(),
            Kind::Thread => self.follow_up_body(),
            Kind::Pickup => self.pickup_body(),
            Kind::Challenge => self.challenge_body(),
            Kind::Answer => self.answer_body(),
            Kind::Status => self.status_body(),
            Kind::Assign => self.assign_body(),
            Kind::Messages => self.messages_body(),
            Kind::Attach => self.attachment_body(),
            _ => {
                if self.chance(0.8) {
                    Body::default()
                } else {
                    let n = self.size();
                    let content_type = self.form_content_type();
                    Body {
                        content_type,
                        bytes: self.bytes(n),
                        ..Body::default()
                    }
                }
            }
        }
    }

    /// One request.
    fn request(&mut self) -> Req {
        let (natural, template, kind) = self.pick(ROUTES);
        self.session = self.pooled(Pool::Sessions);
        self.member_token = None;
        let (method, mut sure) = self.method(natural);
        let head = method == b"HEAD";
        let wants_body =
            matches!(method.as_slice(), b"POST" | b"PUT" | b"PATCH") || self.chance(0.05);
        let body = if wants_body {
            self.body(kind)
        } else {
            Body::default()
        };
        let case = body.case.clone().unwrap_or_else(|| self.id(Pool::Cases));
        let att = self.id(Pool::Attachments);
        let (target, target_sure) = self.target(template, &case, &att, body.query.clone());
        sure &= target_sure;
        let version: &[u8] = match self.below(100) {
            0..90 => b" HTTP/1.1",
            90..95 => b" HTTP/1.0",
            _ => {
                sure = false;
                self.pick(&[
                    &b" HTTP/2.0"[..],
                    b" HTTP/1.2",
                    b" HTTP/0.9",
                    b" http/1.1",
                    b" HTTP/1.1 extra",
                    b" HTTP/11",
                    b"",
                    b"  HTTP/1.1",
                    b"\tHTTP/1.1",
                ])
            }
        };
        let eol: &[u8] = if self.chance(0.02) {
            sure = false;
            b"\n"
        } else {
            b"\r\n"
        };
        let mut headers: Vec<Vec<u8>> = Vec::new();
        match self.below(100) {
            0..92 => headers.push(format!("Host: {}", self.t.host).into_bytes()),
            92..95 => {}
            95..97 => {
                headers.push(format!("Host: {}", self.t.host).into_bytes());
                headers.push(b"Host: evil.example".to_vec());
            }
            _ => {
                let h = self.pick(&["", "meldpunt.example", "evil.example:99999", "[::1", "ë"]);
                headers.push(format!("Host: {h}").into_bytes());
            }
        }
        if self.chance(0.3) {
            headers.push(b"User-Agent: meldpunt-http-fuzz".to_vec());
        }
        if let Some(h) = self.auth_header(kind) {
            headers.push(h);
        }
        if let Some(h) = self.cookie_header(kind) {
            headers.push(h);
        }
        sure &= self.other_headers(&mut headers);
        if let Some(ct) = &body.content_type {
            headers.push(format!("Content-Type: {ct}").into_bytes());
        }
        let (body_bytes, framing) = self.frame(&method, body.bytes, &mut headers);
        if self.chance(0.3) {
            // Header order should not matter.
            let len = headers.len();
            if len > 1 {
                let i = self.below(len);
                let h = headers.remove(i);
                headers.push(h);
            }
        }
        let framing = if sure { framing } else { Framing::Unsure };
        let mut bytes = Vec::with_capacity(body_bytes.len() + 512);
        bytes.extend_from_slice(&method);
        bytes.push(b' ');
        bytes.extend_from_slice(&target);
        bytes.extend_from_slice(version);
        bytes.extend_from_slice(eol);
        for h in &headers {
            bytes.extend_from_slice(h);
            bytes.extend_from_slice(eol);
        }
        bytes.extend_from_slice(eol);
        bytes.extend_from_slice(&body_bytes);
        let standard = [
            "GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT",
        ];
        let shown_method = standard
            .into_iter()
            .find(|m| m.as_bytes() == method.as_slice())
            .unwrap_or("<other method>");
        Req {
            bytes,
            head,
            framing,
            label: format!("{shown_method} {template}"),
            member_token: self.member_token.take(),
        }
    }
}
