//! Test harness: starts the real `meldpunt` binary on 127.0.0.1:0 with a fresh
//! database (a SQLite file in a temporary directory, or a new PostgreSQL database),
//! a fresh committee key, and logs captured at trace level.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use meldpunt::case::{self, CloseReason, Status};
use meldpunt::crypto::{self, Identity};
use meldpunt::storage::{CaseRow, Storage};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part};
use scraper::{Html, Selector};
use sqlx::Row;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

mod desk;
mod pages;
mod postgres;
pub mod reseal;
pub mod round_robin;
pub mod tamper;

// Not every test crate uses every part of the harness.
#[allow(unused_imports)]
pub use desk::*;
#[allow(unused_imports)]
pub use pages::*;
#[allow(unused_imports)]
pub use postgres::*;

/// Runs a test body once on SQLite and once on PostgreSQL, as two named tests.
#[macro_export]
macro_rules! on_both_databases {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: $crate::common::Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                run($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if let Some(b) = $crate::common::Backend::postgres().await {
                    run(b).await;
                }
            }
        }
    };
}

pub struct Options {
    pub extra_args: Vec<String>,
    pub rate_burst: u32,
    pub global_rate_burst: u32,
    /// New reports per hour (`--max-reports-per-hour`); high unless a test is
    /// about the ceiling, since many tests submit many reports.
    pub max_reports_per_hour: u32,
    /// Replaces the generated recipients file content when set.
    pub recipients_text: Option<String>,
    /// A database URL to use instead of a fresh one (the caller owns it).
    pub database_url: Option<String>,
    /// Adds the debug build's `/test/panic` route (MELDPUNT_TEST_PANIC_ROUTE).
    pub panic_route: bool,
    /// Extra environment variables for the server (e.g. SMTP credentials).
    pub env: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            extra_args: Vec::new(),
            rate_burst: 10_000,
            global_rate_burst: 10_000,
            max_reports_per_hour: 1_000_000,
            recipients_text: None,
            database_url: None,
            panic_route: false,
            env: Vec::new(),
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub dir: tempfile::TempDir,
    pub committee: Identity,
    pub database_url: String,
    pub backend: Backend,
    /// The PostgreSQL database made for this app, dropped with it.
    scratch: Option<ScratchDatabase>,
    child: Child,
    args: Vec<std::ffi::OsString>,
    panic_route: bool,
    env: Vec<(String, String)>,
    pub client: reqwest::Client,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, opts: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let committee = Identity::generate();
        let recipients = dir.path().join("committee.txt");
        let text = opts
            .recipients_text
            .clone()
            .unwrap_or_else(|| format!("# test committee\n{}\n", committee.to_public()));
        std::fs::write(&recipients, text).unwrap();
        let (database_url, scratch) = match (&backend, &opts.database_url) {
            (_, Some(url)) => (url.clone(), None),
            (Backend::Sqlite, None) => (
                format!("sqlite://{}", dir.path().join("db/meldpunt.db").display()),
                None,
            ),
            (Backend::Postgres(admin), None) => {
                let scratch = ScratchDatabase::create(admin, "meldpunt_t").await;
                (scratch.url.clone(), Some(scratch))
            }
        };
        let mut args: Vec<std::ffi::OsString> = vec![
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--database-url".into(),
            database_url.clone().into(),
            "--recipients".into(),
            recipients.into(),
            "--data-dir".into(),
            dir.path().join("data").into(),
            "--rate-burst".into(),
            opts.rate_burst.to_string().into(),
            "--rate-period-ms".into(),
            "60000".into(),
            "--global-rate-burst".into(),
            opts.global_rate_burst.to_string().into(),
            "--global-rate-period-ms".into(),
            "60000".into(),
            "--max-reports-per-hour".into(),
            opts.max_reports_per_hour.to_string().into(),
        ];
        args.extend(opts.extra_args.iter().map(Into::into));
        let child = launch(dir.path(), &args, opts.panic_route, &opts.env);
        let mut app = TestApp {
            args,
            panic_route: opts.panic_route,
            env: opts.env.clone(),
            base: String::new(),
            committee,
            database_url,
            backend,
            scratch,
            child,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            dir,
        };
        app.base = app.wait_for_address().await;
        app
    }

    /// Kills the server (SIGKILL, as a crash would) and starts it again on the same
    /// database and files; the new process listens on a new port.
    pub async fn restart(&mut self) {
        self.stop();
        self.child = launch(self.dir.path(), &self.args, self.panic_route, &self.env);
        self.base = self.wait_for_address().await;
    }

    /// Restarts the server (as `restart` does) with a per-client limit of `burst` POSTs,
    /// then one more every `period_ms`: a fresh limiter with a short window on the
    /// same database and files. (The harness always passes `--rate-period-ms`, and
    /// clap refuses a flag twice, so `Options::extra_args` cannot shorten it.)
    pub async fn restart_with_rate_limit(&mut self, burst: u32, period_ms: u64) {
        self.set_arg("--rate-burst", burst.to_string());
        self.set_arg("--rate-period-ms", period_ms.to_string());
        self.restart().await;
    }

    /// A second portal on this app's database that reaches it only through a proxy
    /// the test can cut; `opts.database_url` is set to the proxy's URL.
    pub async fn spawn_through_proxy(&self, opts: Options) -> (CuttableProxy, TestApp) {
        let proxy = CuttableProxy::to_database(&self.database_url).await;
        let app = TestApp::spawn_with(
            self.backend.clone(),
            Options {
                database_url: Some(proxy.database_url(&self.database_url)),
                ..opts
            },
        )
        .await;
        (proxy, app)
    }

    /// Replaces the value after `flag` in the server's arguments.
    fn set_arg(&mut self, flag: &str, value: String) {
        let at = self
            .args
            .iter()
            .position(|a| a == flag)
            .unwrap_or_else(|| panic!("the harness passes {flag}"));
        self.args[at + 1] = value.into();
    }

    /// The server's process id, e.g. to read its memory use.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_for_address(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out =
                std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default();
            if let Some(line) = out.lines().find(|l| l.contains("listening on http://")) {
                let url = line.split("listening on ").nth(1).unwrap();
                return url.trim_end_matches('/').to_owned();
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("meldpunt exited early with {status}: {}", self.stderr());
            }
            assert!(
                Instant::now() < deadline,
                "meldpunt did not start: {}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default()
    }

    pub fn sqlite_path(&self) -> Option<PathBuf> {
        matches!(self.backend, Backend::Sqlite).then(|| self.dir.path().join("db/meldpunt.db"))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Resp {
        let mut req = self.client.get(format!("{}{}", self.base, path));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        into_resp(req.send().await.expect("GET answered")).await
    }

    /// GETs a file with a session cookie: status, headers and the bytes.
    pub async fn download(&self, href: &str, cookie: &str) -> (u16, HeaderMap, Vec<u8>) {
        let r = self
            .client
            .get(format!("{}{href}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        (
            r.status().as_u16(),
            r.headers().clone(),
            r.bytes().await.unwrap().to_vec(),
        )
    }

    pub async fn post_form(
        &self,
        path: &str,
        pairs: &[(String, String)],
        cookie: Option<&str>,
    ) -> Resp {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, body.into_bytes(), cookie, &[]).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: Vec<u8>,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, HeaderValue::from_str(v).unwrap());
        }
        into_resp(req.send().await.expect("POST answered")).await
    }

    /// Fills in and sends the report form in `lang_prefix` ("" or "/en"); returns the
    /// receipt response.
    pub async fn submit(&self, lang_prefix: &str, pairs: Vec<(String, String)>) -> Resp {
        let form = self.get(&format!("{lang_prefix}/report"), None).await;
        assert_eq!(form.status, 200);
        let mut all = vec![("form_token".to_owned(), form_token(&form.html()))];
        all.extend(pairs);
        self.post_form(&format!("{lang_prefix}/report"), &all, None)
            .await
    }

    /// Submits a report and returns the pickup code shown on the receipt.
    pub async fn submit_code(&self, lang_prefix: &str, what: &str) -> String {
        let receipt = self.submit(lang_prefix, full_report(what)).await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        pickup_code(&receipt.html())
    }

    /// Sends the report form in `lang_prefix` with every field filled
    /// (`full_report(what)`) and `files` in its file field, as a browser does
    /// (multipart/form-data).
    pub async fn submit_with_files(
        &self,
        lang_prefix: &str,
        what: &str,
        files: impl IntoIterator<Item = Part>,
    ) -> Resp {
        let form = self.get(&format!("{lang_prefix}/report"), None).await;
        let mut body = Form::new().text("form_token", form_token(&form.html()));
        for (k, v) in full_report(what) {
            body = body.text(k, v);
        }
        // The hidden field the form has between the committee's names and the files.
        body = body.text("exclusions_complete", "1");
        for file in files {
            body = body.part("files", file);
        }
        let r = self
            .client
            .post(format!("{}{lang_prefix}/report", self.base))
            .multipart(body)
            .send()
            .await
            .unwrap();
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.text().await.unwrap(),
        }
    }

    /// Submits a report with `files` (as `submit_with_files`) and returns the pickup
    /// code shown on the receipt.
    pub async fn submit_code_with_files(
        &self,
        lang_prefix: &str,
        what: &str,
        files: impl IntoIterator<Item = Part>,
    ) -> String {
        let receipt = self.submit_with_files(lang_prefix, what, files).await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        pickup_code(&receipt.html())
    }

    /// Signs in with a code; returns the session cookie.
    pub async fn sign_in(&self, lang_prefix: &str, code: &str) -> String {
        let r = self
            .post_form(
                &format!("{lang_prefix}/pickup"),
                &[("code".into(), code.into())],
                None,
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        r.session_cookie().expect("a session cookie")
    }

    /// A connection to the test's database, for inspecting what was stored.
    pub async fn db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url).await.unwrap()
    }

    pub async fn count(&self, table: &str) -> i64 {
        let pool = self.db().await;
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        n
    }

    pub async fn installation_salt(&self) -> Vec<u8> {
        let pool = self.db().await;
        let v: Vec<u8> =
            sqlx::query_scalar("select value from settings where name = 'installation_salt'")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        v
    }

    pub async fn form_key(&self) -> Vec<u8> {
        let pool = self.db().await;
        let v: Vec<u8> =
            sqlx::query_scalar("select value from settings where name = 'form_token_key'")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        v
    }

    /// Every stored message: (case id, seq, author kind, ciphertext).
    pub async fn stored_messages(&self) -> Vec<(String, i64, String, Vec<u8>)> {
        let pool = self.db().await;
        let rows = sqlx::query(
            "select case_id, seq, author_kind, ciphertext from messages order by case_id, seq",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    }

    /// Writes the committee identity in age-keygen's format, for the reference CLI.
    pub fn committee_identity_file(&self) -> PathBuf {
        let path = self.dir.path().join("committee-identity.txt");
        std::fs::write(
            &path,
            format!("{}\n", self.committee.to_string().expose_secret()),
        )
        .unwrap();
        path
    }

    /// Stops the server (SIGKILL) and waits for it.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The server goes first; then the fields drop, the scratch database with them.
        self.stop();
    }
}

/// Starts `meldpunt` with `args` in `dir`; its output is appended to the log files
/// there, so logs of restarts accumulate and can be scanned.
fn launch(
    dir: &Path,
    args: &[std::ffi::OsString],
    panic_route: bool,
    env: &[(String, String)],
) -> Child {
    let log = |name: &str| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(name))
            .unwrap()
    };
    // A restart must not find the previous process's address line first.
    let _ = std::fs::remove_file(dir.join("stdout.log"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_meldpunt"));
    if panic_route {
        command.env("MELDPUNT_TEST_PANIC_ROUTE", "1");
    }
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "trace")
        .env_remove("DATABASE_URL")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log("stdout.log"))
        .stderr(log("stderr.log"))
        .spawn()
        .expect("the meldpunt binary starts")
}

async fn into_resp(r: reqwest::Response) -> Resp {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

/// Waits out the last 90 seconds of a clock hour, so that the report ceiling's hour
/// cannot change in the middle of a test.
pub async fn away_from_the_hour_boundary() {
    let into_hour = time::OffsetDateTime::now_utc()
        .unix_timestamp()
        .rem_euclid(3600);
    if into_hour > 3600 - 90 {
        let left = u64::try_from(3600 - into_hour + 1).unwrap();
        tokio::time::sleep(Duration::from_secs(left)).await;
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Every stored file in the database of `pool`, its chunks joined in order (still
/// sealed).
pub async fn stored_files(pool: &sqlx::AnyPool) -> Vec<Vec<u8>> {
    let ids: Vec<String> = sqlx::query_scalar("select id from attachments")
        .fetch_all(pool)
        .await
        .unwrap();
    let mut files = Vec::new();
    for id in ids {
        let chunks: Vec<Vec<u8>> = sqlx::query_scalar(
            "select data from attachment_chunks where attachment_id = $1 order by idx",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap();
        files.push(chunks.concat());
    }
    files
}

/// One keep-alive connection, no redirects, no Nagle delay: for timing requests.
pub fn keep_alive_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .build()
        .unwrap()
}

/// A file for the report form, sent as `application/octet-stream` (set another type
/// with `Part::mime_str`).
pub fn file_part(name: impl Into<String>, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name(name.into())
        .mime_str("application/octet-stream")
        .unwrap()
}

/// Closes `case` as out of scope on `today` with 30 days of retention, as the desk
/// would: `purge_closed` keeps it through `today` + 30 days and deletes it after.
pub async fn close_out_of_scope(storage: &Storage, case: &CaseRow, today: time::Date) {
    let closed = case::transition(
        case.received_on,
        None,
        Status::Closed,
        Some(CloseReason::OutOfScope),
        today,
        30,
    )
    .unwrap();
    assert!(
        storage
            .set_workflow(&case.id, &closed, today)
            .await
            .unwrap()
    );
}

/// Whether the reference age CLI is here. Under CI it must be.
pub fn age_cli_available() -> bool {
    let ok = Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but the reference `age` CLI is missing (apt-get install age)"
        );
        eprintln!("SKIPPED: the reference `age` CLI is not installed (apt-get install age)");
    }
    ok
}

/// Removes meldpunt's padding (4-byte length, document, zeros) from a decrypted file.
pub fn unpad(padded: &[u8]) -> Vec<u8> {
    let len = u32::from_be_bytes(padded[..4].try_into().unwrap()) as usize;
    assert!(
        padded[4 + len..].iter().all(|b| *b == 0),
        "padding is zeros"
    );
    padded[4..4 + len].to_vec()
}

pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path).is_ok_and(|data| data.windows(needle.len()).any(|w| w == needle))
}

/// Runs `meldpunt` with arguments to completion (admin commands).
pub fn meldpunt(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("meldpunt runs")
}

impl TestApp {
    /// Adds a committee member through the command line; returns the member id.
    pub fn add_member(&self, name: &str, recipient: &str) -> String {
        let out = meldpunt(&[
            "member",
            "add",
            "--database-url",
            &self.database_url,
            "--name",
            name,
            "--recipient",
            recipient,
        ]);
        assert!(
            out.status.success(),
            "member add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        text.split('(')
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap()
            .to_owned()
    }

    pub fn member_cli(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec![args[0], args[1], "--database-url", &self.database_url];
        all.extend_from_slice(&args[2..]);
        meldpunt(&all)
    }

    pub fn audit_verify(&self) -> std::process::Output {
        meldpunt(&["audit", "verify", "--database-url", &self.database_url])
    }
}

/// A zip archive of `(name, contents)` entries, deflated, as Office files are.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}
