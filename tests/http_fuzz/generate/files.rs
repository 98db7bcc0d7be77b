//! Multipart bodies with files: the real samples, damaged copies, magic bytes with
//! noise and files over the limits, under hostile names and boundaries, for the
//! upload reader and the metadata removers behind it.

use rand::RngExt;

use super::Gen;

impl Gen<'_> {
    fn file_name(&mut self) -> String {
        match self.below(12) {
            0 => "../../../etc/passwd".into(),
            1 => "C:\\Users\\x\\verslag.docx".into(),
            2 => String::new(),
            3 => "a\"b.pdf".into(),
            4 => "ë😀 \u{202e}gpj.exe".into(),
            5 => "x".repeat(self.pick(&[255, 256, 5000])),
            6 => "name\r\nX-Injected: 1".into(),
            7 => self.text(),
            _ => self
                .pick(&[
                    "foto.jpg",
                    "scan.pdf",
                    "verslag.docx",
                    "lijst.xlsx",
                    "notitie.txt",
                    "plaatje.png",
                    "beeld.webp",
                ])
                .into(),
        }
    }

    /// A file's content and content type: a real sample, a damaged one, magic
    /// bytes and noise, random bytes, or (rarely) more than the portal's limits.
    fn file(&mut self) -> (Vec<u8>, String) {
        let samples = self.t.samples.clone();
        let s = &samples[self.below(samples.len())];
        let ct = if self.chance(0.8) {
            s.content_type.to_owned()
        } else {
            self.pick(&[
                "application/octet-stream",
                "",
                "text/html",
                "image/svg+xml",
                "x/y; a=b",
            ])
            .to_owned()
        };
        let bytes = match self.below(20) {
            0..8 => s.bytes.clone(),
            8..13 => {
                let mut b = s.bytes.clone();
                for _ in 0..self.rng.random_range(1..20) {
                    if b.is_empty() {
                        break;
                    }
                    let i = self.below(b.len());
                    b[i] = self.rng.random();
                }
                if self.chance(0.3) {
                    let n = self.below(b.len() + 1);
                    b.truncate(n);
                }
                b
            }
            13..16 => {
                let magic: &[u8] = self.pick(&[
                    &b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00"[..],
                    b"\x89PNG\r\n\x1a\n",
                    b"RIFF\x00\x00\x00\x00WEBPVP8X",
                    b"%PDF-1.7\n",
                    b"PK\x03\x04",
                ]);
                let n = self.size();
                let mut b = magic.to_vec();
                b.extend(self.bytes(n));
                b
            }
            16..19 => {
                let n = self.size();
                self.bytes(n)
            }
            _ => {
                // Just over the 1 MiB per-file limit of the main portal.
                vec![b'A'; 1024 * 1024 + self.below(4096) + 1]
            }
        };
        (bytes, ct)
    }

    /// A multipart body with the given text fields and some files; the content type
    /// (boundary may be missing, huge, quoted or not the one used).
    pub(super) fn multipart(
        &mut self,
        fields: Vec<(String, String)>,
        files: usize,
    ) -> (String, Vec<u8>) {
        let boundary = match self.below(12) {
            0 => {
                let n = self.rng.random_range(1..40);
                self.hex(n)
            }
            1 => format!("{}x", "-".repeat(self.below(60))),
            2 => "b".repeat(self.pick(&[70, 71, 200, 5000, 100_000])),
            3 => "with space".into(),
            4 => "ünïcödé".into(),
            5 => String::new(),
            _ => format!("----meldpuntfuzz{}", self.hex(8)),
        };
        let content_type = match self.below(14) {
            0 => "multipart/form-data".into(),
            1 => format!("multipart/form-data; boundary=\"{boundary}\""),
            2 => format!("MULTIPART/FORM-DATA; BOUNDARY={boundary}"),
            3 => format!("multipart/form-data; boundary={}", self.hex(8)),
            4 => format!("multipart/form-data; boundary={boundary}; boundary=other"),
            5 => format!("multipart/mixed; boundary={boundary}"),
            6 => format!("multipart/form-data;boundary={boundary};charset=utf-8"),
            _ => format!("multipart/form-data; boundary={boundary}"),
        };
        let nl: &[u8] = if self.chance(0.03) { b"\n" } else { b"\r\n" };
        let mut parts: Vec<(Vec<String>, Vec<u8>)> = Vec::new();
        for (k, v) in fields {
            let header = match self.below(40) {
                0 => format!("Content-Disposition: form-data; name={k}"),
                1 => "Content-Disposition: attachment".into(),
                2 => format!(
                    "Content-Type: text/plain\r\nContent-Disposition: form-data; name=\"{k}\""
                ),
                _ => format!("Content-Disposition: form-data; name=\"{k}\""),
            };
            let value = if self.chance(0.02) {
                let n = self.size();
                self.bytes(n)
            } else {
                v.into_bytes()
            };
            parts.push((vec![header], value));
        }
        for _ in 0..files {
            let (bytes, ct) = self.file();
            let name = self.file_name();
            let field = if self.chance(0.9) { "files" } else { "file" };
            let mut headers = vec![match self.below(30) {
                0 => format!(
                    "Content-Disposition: form-data; name=\"{field}\"; filename*=UTF-8''%E2%82%AC{}.txt",
                    self.hex(2)
                ),
                1 => format!("Content-Disposition: form-data; name=\"{field}\"; filename={name}"),
                _ => {
                    format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"")
                }
            }];
            if !ct.is_empty() {
                headers.push(format!("Content-Type: {ct}"));
            }
            parts.push((headers, bytes));
        }
        if self.chance(0.03) {
            // An empty file input, as a browser sends it.
            parts.push((
                vec![
                    "Content-Disposition: form-data; name=\"files\"; filename=\"\"".into(),
                    "Content-Type: application/octet-stream".into(),
                ],
                Vec::new(),
            ));
        }
        if self.chance(0.3) {
            let len = parts.len();
            if len > 1 {
                let i = self.below(len);
                let p = parts.remove(i);
                parts.insert(0, p);
            }
        }
        let mut body = Vec::new();
        if self.chance(0.03) {
            body.extend_from_slice(b"preamble text");
            body.extend_from_slice(nl);
        }
        for (headers, content) in parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(nl);
            for h in headers {
                body.extend_from_slice(h.as_bytes());
                body.extend_from_slice(nl);
            }
            body.extend_from_slice(nl);
            body.extend_from_slice(&content);
            body.extend_from_slice(nl);
        }
        match self.below(30) {
            0 => {}
            1 => {
                let n = self.below(body.len() + 1);
                body.truncate(n);
            }
            2 => {
                for _ in 0..self.rng.random_range(1..10) {
                    if body.is_empty() {
                        break;
                    }
                    let i = self.below(body.len());
                    body[i] = self.rng.random();
                }
            }
            _ => {
                body.extend_from_slice(b"--");
                body.extend_from_slice(boundary.as_bytes());
                body.extend_from_slice(b"--");
                body.extend_from_slice(nl);
                if self.chance(0.05) {
                    body.extend_from_slice(b"epilogue");
                }
            }
        }
        (content_type, body)
    }

    pub(super) fn file_count(&mut self) -> usize {
        match self.below(20) {
            0..10 => 0,
            10..16 => 1,
            16..19 => self.rng.random_range(2..=3),
            _ => self.rng.random_range(4..=12),
        }
    }
}
