//! A portal under test: the running server, what the fuzzer has learnt about it and
//! its tally. Besides judging every outcome of the random traffic, it does the
//! fuzzer's well-behaved traffic (one real journey at the start, the member's
//! sign-in every second), because that is what fills the pools.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use meldpunt::crypto::Identity;
use serde_json::{Value, json};

use crate::common::{Backend, Options, TestApp};
use crate::journeys::report_with_file;
use crate::samples::Sample;
use crate::state::{CaseKeys, LogWatch, Pool, Pools, Tally};
use crate::wire::{Framing, Outcome, RESPONSE_TIMEOUT, Req};

pub struct Target {
    pub name: &'static str,
    pub app: TestApp,
    pub addr: SocketAddr,
    pub host: String,
    pub cookie_name: &'static str,
    pub form_key: Vec<u8>,
    member: Identity,
    pub member_recipient: String,
    /// The portal's origin as a desk configured for it names it (its public URL
    /// when it has one): what sign-in challenges must name.
    origin: String,
    /// Whether this portal's limits let the refresher sign in every second.
    pub refresh: bool,
    pub pools: Mutex<Pools>,
    pub tally: Mutex<Tally>,
    logs: Mutex<Vec<LogWatch>>,
    pub samples: Arc<Vec<Sample>>,
}

impl Target {
    pub async fn start(
        name: &'static str,
        backend: Backend,
        opts: Options,
        samples: Arc<Vec<Sample>>,
        refresh: bool,
    ) -> Target {
        let public_url = opts
            .extra_args
            .iter()
            .position(|a| a == "--public-url")
            .and_then(|i| opts.extra_args.get(i + 1).cloned());
        let app = TestApp::spawn_with(backend, opts).await;
        let origin =
            meldpunt::protocol::sign_in::origin_of(public_url.as_deref().unwrap_or(&app.base))
                .expect("an http(s) origin");
        let host = app.base.trim_start_matches("http://").to_owned();
        let addr: SocketAddr = host.parse().expect("the portal listens on an address");
        let member = Identity::generate();
        let member_recipient = member.to_public().to_string();
        let member_id = app.add_member("Fuzz", &member_recipient);
        let form_key = app.form_key().await;
        let dir = app.dir.path().to_owned();
        let target = Target {
            name,
            cookie_name: "meldpunt",
            addr,
            host,
            form_key,
            member,
            member_recipient,
            origin,
            refresh,
            pools: Mutex::new(Pools::default()),
            tally: Mutex::new(Tally::default()),
            logs: Mutex::new(vec![
                LogWatch::new(dir.join("stderr.log")),
                LogWatch::new(dir.join("stdout.log")),
            ]),
            samples,
            app,
        };
        target.seed_pools(member_id).await;
        target
    }

    fn add(&self, p: Pool, value: &str) {
        self.pools.lock().unwrap().add(p, value);
    }

    /// One real journey through the portal and the API, so that the pools hold a
    /// code, a session with a file, a member token, a case and its recipients.
    async fn seed_pools(&self, member_id: String) {
        let app = &self.app;
        self.add(Pool::Members, &member_id);
        let sample = &self.samples[0];
        let file = reqwest::multipart::Part::bytes(sample.bytes.clone())
            .file_name(sample.name)
            .mime_str(sample.content_type)
            .unwrap();
        let what = "Het wijkteam deelde dossiers met vrijwilligers (fuzz).";
        let code = report_with_file(app, what, file).await;
        self.add(Pool::Codes, &code);
        let cookie = app.sign_in("", &code).await;
        let (name, value) = cookie.split_once('=').unwrap();
        assert!(name.ends_with("meldpunt"), "{cookie}");
        self.add(Pool::Sessions, value);
        let thread = app.get("/thread", Some(&cookie)).await;
        assert_eq!(thread.status, 200);
        self.harvest("GET /thread", &thread.body, &[]);
        assert!(
            !self
                .pools
                .lock()
                .unwrap()
                .list(Pool::Attachments)
                .is_empty(),
            "the thread links the file"
        );
        self.refresh_member().await;
        assert!(
            !self.pools.lock().unwrap().keys.is_empty(),
            "the member sees the case"
        );
    }

    /// Signs the member in (the desk's challenge and answer), lists the cases and
    /// keeps the recipients of cases not yet known. Server errors are failures.
    pub async fn refresh_member(&self) {
        let Some(token) = self.api_sign_in().await else {
            return;
        };
        self.add(Pool::MemberTokens, &token);
        let Some((_, cases)) = self.api("GET", "/api/v1/cases", &token, None).await else {
            return;
        };
        let ids: Vec<String> = cases
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for id in &ids {
            self.add(Pool::Cases, id);
        }
        let known: Vec<String> = {
            let pools = self.pools.lock().unwrap();
            pools.keys.iter().map(|k| k.case.clone()).collect()
        };
        for id in ids.iter().filter(|id| !known.contains(id)).take(2) {
            let path = format!("/api/v1/cases/{id}");
            let Some((200, detail)) = self.api("GET", &path, &token, None).await else {
                continue;
            };
            let Some(keys) = CaseKeys::from_detail(id, &detail) else {
                continue;
            };
            let mut pools = self.pools.lock().unwrap();
            if pools.keys.len() == 16 {
                pools.keys.remove(0);
            }
            pools.keys.push(keys);
        }
    }

    async fn api_sign_in(&self) -> Option<String> {
        let body = json!({ "recipient": self.member_recipient });
        let (status, challenge) = self
            .api("POST", "/api/v1/sign-in/challenge", "", Some(body))
            .await?;
        if status != 200 {
            return None;
        }
        let sealed = B64.decode(challenge["sealed"].as_str()?).ok()?;
        let answer = meldpunt::protocol::sign_in::open_and_answer(
            &sealed,
            &self.member,
            challenge["challenge"].as_str()?,
            &self.origin,
            time::OffsetDateTime::now_utc().unix_timestamp(),
        )
        .ok()?;
        let body = json!({ "challenge": challenge["challenge"], "answer": answer });
        let (status, signed) = self
            .api("POST", "/api/v1/sign-in/answer", "", Some(body))
            .await?;
        if status != 200 {
            return None;
        }
        signed["token"].as_str().map(str::to_owned)
    }

    /// An API request through reqwest; a 5xx is recorded as a failure.
    async fn api(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Option<(u16, Value)> {
        let url = format!("{}{path}", self.app.base);
        let mut req = match method {
            "GET" => self.app.client.get(&url),
            _ => self.app.client.post(&url),
        };
        if !token.is_empty() {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await.ok()?;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        if status >= 500 {
            let request = format!("{method} {path} (member refresh) {body:?}");
            let route = if path.starts_with("/api/v1/cases/") {
                "/api/v1/cases/{case}"
            } else {
                path
            };
            self.tally.lock().unwrap().fail(
                format!("{status} on {method} {route} (member refresh)"),
                request.as_bytes(),
                text.clone(),
            );
        }
        Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Learns tokens, codes, sessions and ids from an answer.
    fn harvest(&self, label: &str, body: &str, set_cookies: &[String]) {
        let mut pools = self.pools.lock().unwrap();
        let token_pool = if label.contains("/thread") {
            Pool::FollowUpTokens
        } else {
            Pool::ReportTokens
        };
        for t in values_after(body, "name=\"form_token\" value=\"", "\"") {
            pools.add(token_pool, t);
        }
        if body.contains("id=\"pickup-code\"") {
            for c in values_after(body, "<code>", "</code>") {
                pools.add(Pool::Codes, c);
            }
        }
        for id in values_after(body, "/thread/files/", "\"") {
            pools.add(Pool::Attachments, id);
        }
        for id in values_after(body, "\"id\":\"", "\"") {
            pools.add(Pool::Ids, id);
        }
        for t in values_after(body, "\"token\":\"", "\"") {
            pools.add(Pool::MemberTokens, t);
        }
        for c in set_cookies {
            if c.contains("Max-Age=0") {
                continue;
            }
            if let Some((_, v)) = c.split(';').next().and_then(|p| p.split_once('=')) {
                pools.add(Pool::Sessions, v);
            }
        }
    }

    /// New panics in the server's output, as failures, with the request whose
    /// connection was dropped when they were noticed (on a busy portal it may be
    /// another one; the panic's place is what counts).
    pub fn check_logs(&self, request: Option<&Req>) {
        let panics: Vec<String> = self
            .logs
            .lock()
            .unwrap()
            .iter_mut()
            .flat_map(LogWatch::new_panics)
            .collect();
        let mut tally = self.tally.lock().unwrap();
        for p in panics {
            let (bytes, detail) = match request {
                Some(r) => (r.bytes.as_slice(), format!("noticed after {}", r.label)),
                None => (&[][..], "noticed by the watcher".to_owned()),
            };
            tally.fail(format!("panic: {p}"), bytes, detail);
        }
    }

    /// Counts an outcome; whether the connection can carry another request.
    pub fn record(&self, req: &Req, outcome: &Outcome) -> bool {
        let go_on = {
            let mut t = self.tally.lock().unwrap();
            t.requests += 1;
            match outcome {
                Outcome::Response(r) => {
                    *t.statuses.entry(r.status).or_default() += 1;
                    *t.by_route
                        .entry(req.label.clone())
                        .or_default()
                        .entry(r.status)
                        .or_default() += 1;
                    if r.status >= 500 {
                        t.fail(
                            format!("{} on {}", r.status, req.label),
                            &req.bytes,
                            format!("{}\n\n{}", r.head, String::from_utf8_lossy(&r.body)),
                        );
                    }
                    !r.close
                }
                Outcome::Closed => {
                    t.closed += 1;
                    false
                }
                Outcome::Reset => {
                    t.resets += 1;
                    false
                }
                Outcome::Malformed(why) => {
                    t.malformed += 1;
                    if req.framing == Framing::Complete {
                        t.fail(
                            format!("malformed answer to {}: {why}", req.label),
                            &req.bytes,
                            String::new(),
                        );
                    }
                    false
                }
                Outcome::Truncated(status, got) => {
                    t.truncated += 1;
                    *t.statuses.entry(*status).or_default() += 1;
                    if *status >= 500 {
                        t.fail(
                            format!("{status} (cut off) on {}", req.label),
                            &req.bytes,
                            format!("{got} bytes"),
                        );
                    }
                    false
                }
                Outcome::Timeout => {
                    t.fail(
                        format!("no answer within {RESPONSE_TIMEOUT:?} to {}", req.label),
                        &req.bytes,
                        format!("framing {:?}", req.framing),
                    );
                    false
                }
                Outcome::Late(late) => {
                    let (then, after) = &**late;
                    let how = match then {
                        Outcome::Response(r) => format!("answered {} after {after:.1?}", r.status),
                        Outcome::Timeout => format!("still no answer after {after:.1?}"),
                        _ => format!("connection ended after {after:.1?} without an answer"),
                    };
                    t.fail(
                        format!("no answer within {RESPONSE_TIMEOUT:?} to {}", req.label),
                        &req.bytes,
                        format!("{how}; framing {:?}", req.framing),
                    );
                    false
                }
            }
        };
        match outcome {
            Outcome::Response(r) => {
                let body = String::from_utf8_lossy(&r.body);
                self.harvest(&req.label, &body, &r.set_cookies);
                if r.status == 401
                    && req.framing == Framing::Complete
                    && let Some(token) = &req.member_token
                {
                    self.pools.lock().unwrap().remove(Pool::MemberTokens, token);
                }
            }
            // A well-formed request that got no answer: did the server panic?
            Outcome::Closed | Outcome::Reset | Outcome::Truncated(..)
                if req.framing == Framing::Complete =>
            {
                // The panic hook has written its line before the connection drops.
                self.check_logs(Some(req));
            }
            _ => {}
        }
        go_on
    }

    pub fn alive(&self) -> bool {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.app.pid()));
        stat.is_ok_and(|s| {
            let state = s
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().next());
            !matches!(state, Some("Z" | "X") | None)
        })
    }

    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.app.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }
}

pub fn values_after<'a>(hay: &'a str, marker: &str, end: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = hay;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        match rest.find(end) {
            Some(j) if j <= 256 => {
                out.push(&rest[..j]);
                rest = &rest[j..];
            }
            _ => {}
        }
    }
    out
}
