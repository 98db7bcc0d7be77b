//! Headers and body framing: who the request claims to be (cookies, bearer tokens),
//! the headers around it, and how its body is delimited. Framing decides whether the
//! server owes an answer, so each choice also says whether the message is still
//! well-formed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngExt;

use super::{Gen, Kind};
use crate::state::Pool;
use crate::wire::Framing;

impl Gen<'_> {
    pub(super) fn cookie_header(&mut self, kind: Kind) -> Option<Vec<u8>> {
        let reporter = matches!(
            kind,
            Kind::Thread | Kind::Download | Kind::SignOut | Kind::Pickup
        );
        if !self.chance(if reporter { 0.8 } else { 0.08 }) {
            return None;
        }
        let value = match self.below(10) {
            0..6 => self.session.clone().unwrap_or_else(|| self.hex(32)),
            6 => self.hex(32),
            7 => {
                let n = self.rng.random_range(0..70);
                self.hex(n)
            }
            8 => {
                let s = self.pooled(Pool::Sessions).unwrap_or_default();
                self.mutate_string(&s)
            }
            _ => self.text().replace(['\r', '\n'], ""),
        };
        let name = match self.below(10) {
            0..7 => self.t.cookie_name,
            7 => "__Host-meldpunt",
            8 => "meldpunt",
            _ => "MELDPUNT",
        };
        let line = match self.below(10) {
            0 => format!("Cookie: a=b; {name}={value}; {name}=other"),
            1 => format!("Cookie: {name}"),
            2 => format!("Cookie: {name}={value}\r\nCookie: {name}={}", self.hex(32)),
            3 => format!("Cookie: ;;; {name} = {value} ;"),
            _ => format!("Cookie: {name}={value}"),
        };
        Some(line.into_bytes())
    }

    pub(super) fn auth_header(&mut self, kind: Kind) -> Option<Vec<u8>> {
        let api = matches!(
            kind,
            Kind::ApiGet
                | Kind::ApiEmpty
                | Kind::Messages
                | Kind::Status
                | Kind::Assign
                | Kind::Attach
                | Kind::ApiDownload
        );
        if !self.chance(if api { 0.85 } else { 0.05 }) {
            return None;
        }
        // Mostly the newest token: older ones may have been signed out by the fuzzer.
        let token = if self.chance(0.7) {
            self.t
                .pools
                .lock()
                .unwrap()
                .list(Pool::MemberTokens)
                .last()
                .cloned()
        } else {
            self.pooled(Pool::MemberTokens)
        };
        let line = match self.below(12) {
            0..8 => {
                self.member_token = token.clone();
                format!(
                    "Authorization: Bearer {}",
                    token.unwrap_or_else(|| self.hex(32))
                )
            }
            8 => format!("Authorization: Bearer {}", self.hex(32)),
            9 => format!("Authorization: bearer {}", token.unwrap_or_default()),
            10 => format!("Authorization: Basic {}", B64.encode("member:wachtwoord")),
            _ => format!(
                "Authorization: Bearer {}",
                self.text().replace(['\r', '\n'], "")
            ),
        };
        Some(line.into_bytes())
    }

    /// Other headers, harmless or hostile; whether they keep the message well-formed.
    pub(super) fn other_headers(&mut self, headers: &mut Vec<Vec<u8>>) -> bool {
        let mut sure = true;
        if self.chance(0.25) {
            let origin = self.pick(&[
                "null".to_owned(),
                format!("http://{}", self.t.host),
                "https://meldpunt.example".to_owned(),
                "https://evil.example".to_owned(),
                "http://127.0.0.1".to_owned(),
                "".to_owned(),
                "ëvil".to_owned(),
            ]);
            headers.push(format!("Origin: {origin}").into_bytes());
        }
        if self.chance(0.2) {
            let site = self.pick(&[
                "same-origin",
                "none",
                "cross-site",
                "same-site",
                "",
                "SAME-ORIGIN",
                "x",
            ]);
            headers.push(format!("Sec-Fetch-Site: {site}").into_bytes());
        }
        if self.chance(0.15) {
            let v = match self.below(4) {
                0 => "en".to_owned(),
                1 => "nl;q=0.5,*;q=0,en-GB;q=x".to_owned(),
                2 => "a,".repeat(self.pick(&[10, 2000])),
                _ => self.text().replace(['\r', '\n'], ""),
            };
            headers.push([b"Accept-Language: ".as_slice(), v.as_bytes()].concat());
        }
        if self.chance(0.05) {
            headers.push(
                format!(
                    "X-Forwarded-For: {}, 10.0.0.{}",
                    self.text().replace(['\r', '\n'], ""),
                    self.below(255)
                )
                .into_bytes(),
            );
        }
        if self.chance(0.05) {
            headers.push(b"Expect: 100-continue".to_vec());
        }
        if self.chance(0.1) {
            let v = self.pick(&["close", "keep-alive", "Upgrade", "x, close", "te"]);
            headers.push(format!("Connection: {v}").into_bytes());
        }
        if self.chance(0.02) {
            headers.push(
                self.pick(&[
                    &b"Upgrade: websocket"[..],
                    b"Upgrade: h2c",
                    b"HTTP2-Settings: AAMAAABkAAQAAP__",
                ])
                .to_vec(),
            );
        }
        if self.chance(0.05) {
            let h: &[u8] = self.pick(&[
                &b"Range: bytes=0-10"[..],
                b"Range: bytes=99999999999999999999-",
                b"If-None-Match: *",
                b"If-Modified-Since: gisteren",
                b"Accept-Encoding: gzip, br, zstd",
                b"Accept: */*;q=2",
                b"Content-Encoding: gzip",
                b"Max-Forwards: 0",
                b"X-HTTP-Method-Override: DELETE",
            ]);
            headers.push(h.to_vec());
        }
        if self.chance(0.03) {
            // Many headers (hyper allows 100).
            let n = self.pick(&[50, 99, 100, 101, 300]);
            for i in 0..n {
                headers.push(format!("X-Fuzz-{i}: {}", self.hex(4)).into_bytes());
            }
        }
        if self.chance(0.01) {
            let n = self.pick(&[8 * 1024, 64 * 1024, 500 * 1024]);
            headers.push(format!("X-Big: {}", "v".repeat(n)).into_bytes());
        }
        if self.chance(0.04) {
            // A header line that breaks the grammar.
            let h: Vec<u8> = match self.below(9) {
                0 => b"Bad Name: x".to_vec(),
                1 => "Näme: x".as_bytes().to_vec(),
                2 => b"X-Nul: a\0b".to_vec(),
                3 => b"X-Cr: a\rb".to_vec(),
                4 => b"no colon here".to_vec(),
                5 => b": empty name".to_vec(),
                6 => b"X-Folded: a\r\n  folded".to_vec(),
                7 => [b"X-Bytes: ".as_slice(), self.bytes(16).as_slice()].concat(),
                _ => b"X-Del: \x7f".to_vec(),
            };
            headers.push(h);
            sure = false;
        }
        if self.chance(0.03) {
            // Obs-text in a value is allowed, and must not upset anything.
            headers.push("X-Latin: caf\u{e9} ë".as_bytes().to_vec());
        }
        sure
    }

    /// Frames a body; the headers it needs are added.
    pub(super) fn frame(
        &mut self,
        method: &[u8],
        body: Vec<u8>,
        headers: &mut Vec<Vec<u8>>,
    ) -> (Vec<u8>, Framing) {
        let bodiless_method = matches!(
            method,
            b"GET" | b"HEAD" | b"OPTIONS" | b"DELETE" | b"TRACE" | b"CONNECT"
        );
        let roll = self.below(100);
        if body.is_empty() && bodiless_method && roll < 80 {
            return (body, Framing::Complete);
        }
        match roll {
            0..72 => {
                headers.push(format!("Content-Length: {}", body.len()).into_bytes());
                (body, Framing::Complete)
            }
            72..82 => {
                headers.push(b"Transfer-Encoding: chunked".to_vec());
                (self.chunked(&body), Framing::Complete)
            }
            82..85 => {
                headers.push(b"Transfer-Encoding: chunked".to_vec());
                (self.bad_chunked(&body), Framing::Unsure)
            }
            85..88 => {
                let more = self.pick(&[1, 100, 1 << 20]);
                headers.push(format!("Content-Length: {}", body.len() + more).into_bytes());
                (body, Framing::Unsure)
            }
            88..90 if !body.is_empty() => {
                let less = self.below(body.len());
                headers.push(format!("Content-Length: {less}").into_bytes());
                (body, Framing::Leftover)
            }
            88..94 => {
                let v = self.pick(&[
                    "-1".to_owned(),
                    "abc".into(),
                    "1e3".into(),
                    format!("+{}", body.len()),
                    format!(" {} ", body.len()),
                    "0x10".into(),
                    "18446744073709551616".into(),
                    "99999999999".into(),
                    format!("{0}, {0}", body.len()),
                    format!("{}\r\nContent-Length: {}", body.len(), body.len() + 1),
                    String::new(),
                ]);
                headers.push(format!("Content-Length: {v}").into_bytes());
                (body, Framing::Unsure)
            }
            94..97 => {
                headers.push(format!("Content-Length: {}", body.len()).into_bytes());
                headers.push(b"Transfer-Encoding: chunked".to_vec());
                let chunked = self.chunked(&body);
                (
                    if self.chance(0.5) { chunked } else { body },
                    Framing::Unsure,
                )
            }
            _ => {
                let te = self.pick(&[
                    "gzip",
                    "chunked, gzip",
                    "gzip, chunked",
                    "identity",
                    "Chunked",
                    "chunked, chunked",
                    "x",
                ]);
                headers.push(format!("Transfer-Encoding: {te}").into_bytes());
                (body, Framing::Unsure)
            }
        }
    }

    fn chunked(&mut self, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let n = self.rng.random_range(1..=rest.len());
            let ext = if self.chance(0.05) { ";name=value" } else { "" };
            let size = if self.chance(0.2) {
                format!("{n:X}")
            } else {
                format!("{n:x}")
            };
            out.extend_from_slice(format!("{size}{ext}\r\n").as_bytes());
            out.extend_from_slice(&rest[..n]);
            out.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        out.extend_from_slice(b"0\r\n");
        if self.chance(0.05) {
            out.extend_from_slice(b"X-Trailer: 1\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    fn bad_chunked(&mut self, body: &[u8]) -> Vec<u8> {
        let mut good = self.chunked(body);
        match self.below(8) {
            0 => [b"zz\r\n".as_slice(), good.as_slice()].concat(),
            1 => [
                format!("{:x}\r\n", body.len() + 10).as_bytes(),
                body,
                b"\r\n0\r\n\r\n".as_slice(),
            ]
            .concat(),
            2 => [
                format!("{:x}\r\n", body.len()).as_bytes(),
                body,
                b"XX0\r\n\r\n".as_slice(),
            ]
            .concat(),
            3 => [b"ffffffffffffffffffffff\r\n".as_slice(), body].concat(),
            4 => {
                good.truncate(good.len().saturating_sub(5));
                good
            }
            5 => [b"-1\r\n".as_slice(), body].concat(),
            6 => {
                let ext = "e".repeat(self.pick(&[100, 20_000, 100_000]));
                [format!("1;{ext}\r\nx\r\n").as_bytes(), good.as_slice()].concat()
            }
            _ => {
                let n = self.below(good.len() + 1);
                good.truncate(n);
                good
            }
        }
    }
}
