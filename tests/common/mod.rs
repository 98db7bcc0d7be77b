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

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which database a test runs against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL from `MELDPUNT_TEST_POSTGRES` (or the local default) when it answers.
    /// Without it the test says it was skipped; under CI a missing server fails.
    pub async fn postgres() -> Option<Backend> {
        let url =
            std::env::var("MELDPUNT_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.into());
        sqlx::any::install_default_drivers();
        match sqlx::AnyPool::connect(&url).await {
            Ok(pool) => {
                pool.close().await;
                Some(Backend::Postgres(url))
            }
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but PostgreSQL at {url} is unreachable: {e}");
                }
                eprintln!(
                    "SKIPPED: PostgreSQL at {url} is unreachable ({e}); set MELDPUNT_TEST_POSTGRES"
                );
                None
            }
        }
    }
}

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
    /// Replaces the generated recipients file content when set.
    pub recipients_text: Option<String>,
    /// A database URL to use instead of a fresh one (the caller owns it).
    pub database_url: Option<String>,
    /// Adds the debug build's `/test/panic` route (MELDPUNT_TEST_PANIC_ROUTE).
    pub panic_route: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            extra_args: Vec::new(),
            rate_burst: 10_000,
            global_rate_burst: 10_000,
            recipients_text: None,
            database_url: None,
            panic_route: false,
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
    pub client: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `name=value` part of the session cookie this response sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap().to_owned())
    }
}

/// Text content of the elements matching `css`, whitespace collapsed.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("valid selector");
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn text(html: &Html, css: &str) -> String {
    texts(html, css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element matches {css}"))
}

/// The messages on a reporter's thread page that have a text, in order, as
/// (author label, text).
pub fn thread_messages(html: &Html) -> Vec<(String, String)> {
    let articles = Selector::parse("ol.thread article").unwrap();
    html.select(&articles)
        .filter_map(|a| {
            let inner = Html::parse_fragment(&a.html());
            let body = texts(&inner, "div.message-text");
            body.first()
                .map(|t| (text(&inner, ".message-author"), t.clone()))
        })
        .collect()
}

pub fn attr(html: &Html, css: &str, name: &str) -> Option<String> {
    let sel = Selector::parse(css).expect("valid selector");
    html.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

pub fn form_token(html: &Html) -> String {
    attr(html, "input[name=form_token]", "value").expect("the page has a form token")
}

/// A report with every field filled, as form pairs.
pub fn full_report(what: &str) -> Vec<(String, String)> {
    [
        ("role", "social-worker"),
        ("concern", "shared-with-volunteers"),
        ("concern", "fraud-reporting"),
        ("what", what),
        ("org_kind", "wijkteam"),
        ("municipality", "Utrecht"),
        ("org_name", "Team Noord"),
        ("when", "voorjaar 2026"),
        ("ongoing", "yes"),
        ("affected", "cliënten van het team"),
        ("elsewhere", "leidinggevende"),
        ("hope", "advice"),
        ("contact", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
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
        ];
        args.extend(opts.extra_args.iter().map(Into::into));
        let child = launch(dir.path(), &args, opts.panic_route);
        let mut app = TestApp {
            args,
            panic_route: opts.panic_route,
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
        self.child = launch(self.dir.path(), &self.args, self.panic_route);
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
        text(&receipt.html(), "#pickup-code")
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
        text(&receipt.html(), "#pickup-code")
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

/// A PostgreSQL database made for one test and dropped when its owner is dropped,
/// also when the test fails. `TestApp` makes one for each app on PostgreSQL; a test
/// makes its own to restore or load a dump into.
pub struct ScratchDatabase {
    admin: String,
    pub name: String,
    /// The URL of the new database, on the server of the admin URL.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `{prefix}_{random hex}` through the `admin` URL.
    pub async fn create(admin: &str, prefix: &str) -> ScratchDatabase {
        let name = format!("{prefix}_{}", crypto::hex(&crypto::random_bytes::<8>()));
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let base = admin.rsplit_once('/').unwrap().0;
        ScratchDatabase {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Dropping runs outside the test's runtime, which may be shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

/// A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL, in the tests) that a
/// test can cut and restore: while it is cut, open connections are dropped and new
/// ones are closed at once.
pub struct CuttableProxy {
    pub port: u16,
    up: Arc<AtomicBool>,
}

impl CuttableProxy {
    /// Starts forwarding to `target` (`host:port`), up.
    pub async fn start(target: String) -> CuttableProxy {
        let up = Arc::new(AtomicBool::new(true));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let switch = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !switch.load(Ordering::SeqCst) {
                    let _ = inbound.shutdown().await;
                    continue;
                }
                let target = target.clone();
                let up = switch.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut ri, mut wi) = inbound.split();
                    let (mut ro, mut wo) = outbound.split();
                    let cut = async {
                        while up.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! {
                        _ = tokio::io::copy(&mut ri, &mut wo) => {}
                        _ = tokio::io::copy(&mut ro, &mut wi) => {}
                        () = cut => {}
                    }
                });
            }
        });
        CuttableProxy { port, up }
    }

    /// Starts a proxy to the server of the PostgreSQL URL `url`.
    pub async fn to_database(url: &str) -> CuttableProxy {
        CuttableProxy::start(pg_target(url)).await
    }

    /// `url` (a `postgres://user@host[:port]/db` URL) reaching its database through
    /// this proxy.
    pub fn database_url(&self, url: &str) -> String {
        let authority = pg_authority(url);
        url.replacen(
            &format!("@{authority}/"),
            &format!("@127.0.0.1:{}/", self.port),
            1,
        )
    }

    /// Drops the open connections and closes new ones until `restore`.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// The `host[:port]` part of a `postgres://user@host[:port]/db` URL.
fn pg_authority(url: &str) -> &str {
    let after_user = url.split_once('@').expect("a user in the URL").1;
    after_user.split_once('/').expect("a database in the URL").0
}

/// The server of a PostgreSQL URL, as `host:port`.
fn pg_target(url: &str) -> String {
    let authority = pg_authority(url);
    if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    }
}

/// Starts `meldpunt` with `args` in `dir`; its output is appended to the log files
/// there, so logs of restarts accumulate and can be scanned.
fn launch(dir: &Path, args: &[std::ffi::OsString], panic_route: bool) -> Child {
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

/// A committee member's desk: the real `meldpunt desk` process on 127.0.0.1:0.
pub struct Desk {
    pub base: String,
    pub cookie: String,
    pub launch_url: String,
    pub dir: tempfile::TempDir,
    child: Child,
    pub client: reqwest::Client,
}

impl Desk {
    /// Starts a desk for `identity_file` against the portal; does not open it yet.
    pub async fn start(portal: &str, identity_file: &Path, lang: &str) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
            .args([
                "desk",
                "--portal",
                portal,
                "--listen",
                "127.0.0.1:0",
                "--lang",
                lang,
            ])
            .arg("--identity")
            .arg(identity_file)
            .arg("--export-dir")
            .arg(dir.path().join("exports"))
            .env("RUST_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("stdout.log")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
            .spawn()
            .unwrap();
        let mut desk = Desk {
            base: String::new(),
            cookie: String::new(),
            launch_url: String::new(),
            dir,
            child,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out =
                std::fs::read_to_string(desk.dir.path().join("stdout.log")).unwrap_or_default();
            if let Some(line) = out
                .lines()
                .find(|l| l.contains("open the desk in your browser: "))
            {
                desk.launch_url = line.split(": ").nth(1).unwrap().trim().to_owned();
                desk.base = desk.launch_url.split("/?").next().unwrap().to_owned();
                break;
            }
            if let Some(status) = desk.child.try_wait().unwrap() {
                panic!("desk exited early with {status}: {}", desk.stderr());
            }
            assert!(Instant::now() < deadline, "desk did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        desk
    }

    /// Starts a desk and opens it with the launch link, keeping the cookie.
    pub async fn open(portal: &str, identity_file: &Path, lang: &str) -> Desk {
        let mut desk = Desk::start(portal, identity_file, lang).await;
        let r = desk.client.get(&desk.launch_url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        desk.cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        desk
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> Resp {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .header("cookie", &self.cookie);
        into_resp(r.send().await.unwrap()).await
    }

    /// POSTs a form, adding the CSRF token from `page`.
    pub async fn post(&self, path: &str, page: &Html, pairs: &[(&str, &str)]) -> Resp {
        let csrf = attr(page, "input[name=csrf]", "value").expect("the page has a csrf token");
        let mut body = format!("csrf={}", urlencode(&csrf));
        for (k, v) in pairs {
            body.push_str(&format!("&{}={}", urlencode(k), urlencode(v)));
        }
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        into_resp(r.send().await.unwrap()).await
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes an identity in age-keygen's format (unencrypted) to a file.
pub fn identity_file(dir: &Path, name: &str, identity: &Identity) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "# test identity\n{}\n",
            identity.to_string().expose_secret()
        ),
    )
    .unwrap();
    path
}

// Assertions about responses, shared by the hardening tests.

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// Words from library defaults and internals that must never reach a reporter.
pub const LEAKS: &[&str] = &[
    "panic",
    "sqlx",
    "Unable To Extract Key",
    "Too Many Requests!",
    "Failed to buffer",
    "length limit",
];

pub fn only_header<'a>(r: &'a Resp, name: &str) -> Option<&'a str> {
    let all: Vec<_> = r.headers.get_all(name).iter().collect();
    assert!(all.len() <= 1, "{name} is sent {} times", all.len());
    r.header(name)
}

pub fn assert_security_headers(r: &Resp, what: &str) {
    assert_eq!(
        only_header(r, "content-security-policy"),
        Some(CSP),
        "{what}"
    );
    assert_eq!(
        only_header(r, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(
        only_header(r, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(only_header(r, "x-frame-options"), Some("DENY"), "{what}");
    assert!(
        only_header(r, "permissions-policy").is_some_and(|v| !v.trim().is_empty()),
        "{what}: a permissions-policy header"
    );
    assert!(
        r.headers.get("server").is_none(),
        "{what}: no server header"
    );
    assert!(
        r.headers.get("access-control-allow-origin").is_none(),
        "{what}: no CORS header"
    );
}

/// A friendly HTML error page in `lang` with the security headers and no internals.
pub fn assert_friendly_page(r: &Resp, status: u16, lang: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_security_headers(r, what);
    assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{what}: an HTML page"
    );
    let page = r.html();
    let headings = texts(&page, "h1");
    assert_eq!(headings.len(), 1, "{what}: one h1, got {headings:?}");
    assert!(!headings[0].is_empty(), "{what}: the h1 says something");
    assert_eq!(attr(&page, "html", "lang").as_deref(), Some(lang), "{what}");
    let lower = r.body.to_lowercase();
    for word in LEAKS {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "{what}: the page mentions {word:?}"
        );
    }
}
