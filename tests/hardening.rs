//! Hardening of the real server: security headers and friendly pages on every kind
//! of response, rate limits, bad input, cross-site POSTs, unknown methods, cookie
//! attributes, start-up refusals and the local demo mode.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use common::{
    Backend, Options, Resp, TestApp, assert_friendly_page, assert_security_headers, attr,
    form_token, full_report, text, texts,
};
use meldpunt::case::{Body, Envelope};
use meldpunt::crypto;
use reqwest::Method;
use scraper::{ElementRef, Selector};

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

async fn send(req: reqwest::RequestBuilder) -> Resp {
    let r = req.send().await.expect("the server answers");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

async fn request(app: &TestApp, method: Method, path: &str) -> Resp {
    send(app.client.request(method, format!("{}{}", app.base, path))).await
}

fn form_body(pairs: &[(String, String)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", common::urlencode(k), common::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A valid report form: a fresh token and every field filled.
async fn valid_report(app: &TestApp, what: &str) -> Vec<(String, String)> {
    let form = app.get("/report", None).await;
    assert_eq!(form.status, 200);
    let mut all = vec![("form_token".to_owned(), form_token(&form.html()))];
    all.extend(full_report(what));
    all
}

fn has(html: &scraper::Html, css: &str) -> bool {
    let sel = Selector::parse(css).expect("valid selector");
    html.select(&sel).next().is_some()
}

async fn pickup_attempt(app: &TestApp, forwarded_for: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = forwarded_for
        .map(|v| vec![("x-forwarded-for", v)])
        .unwrap_or_default();
    app.post_raw("/pickup", b"code=not-a-code".to_vec(), None, &headers)
        .await
}

fn trusted_proxy() -> Vec<String> {
    vec![
        "--trusted-proxy-header".to_owned(),
        "x-forwarded-for".to_owned(),
    ]
}

// ---------------------------------------------------------------------------------
// 1. Security headers and friendly error pages
// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_every_kind_of_response() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 3,
            extra_args: vec!["--max-body-bytes".into(), "2048".into()],
            ..Options::default()
        },
    )
    .await;

    let landing = app.get("/", None).await;
    assert_eq!(landing.status, 200);
    assert_security_headers(&landing, "200 /");

    let style = app.get("/static/style.css", None).await;
    assert_eq!(style.status, 200);
    assert_security_headers(&style, "static stylesheet");

    assert_friendly_page(&app.get("/nope", None).await, 404, "nl", "404 /nope");
    assert_friendly_page(&app.get("/en/nope", None).await, 404, "en", "404 /en/nope");
    assert_friendly_page(
        &request(&app, Method::PUT, "/").await,
        405,
        "nl",
        "405 PUT /",
    );
    assert_friendly_page(
        &request(&app, Method::PUT, "/en/report").await,
        405,
        "en",
        "405 PUT /en/report",
    );

    let mut big = b"what=".to_vec();
    big.extend(std::iter::repeat_n(b'a', 4000));
    let too_large = app.post_raw("/report", big.clone(), None, &[]).await;
    assert_friendly_page(&too_large, 413, "nl", "413 POST /report");
    let too_large = app.post_raw("/en/report", big, None, &[]).await;
    assert_friendly_page(&too_large, 413, "en", "413 POST /en/report");

    // The two 413s counted as POSTs; one or two more and the client is limited.
    let mut limited = None;
    for _ in 0..5 {
        let r = pickup_attempt(&app, None).await;
        if r.status == 429 {
            limited = Some(r);
            break;
        }
    }
    let limited = limited.expect("the rate limit answers 429");
    assert_friendly_page(&limited, 429, "nl", "429 POST /pickup");
    assert_eq!(app.count("cases").await, 0);
}

// ---------------------------------------------------------------------------------
// 2. Rate limits
// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fourth_post_from_one_client_is_limited_but_gets_never_are() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 3,
            ..Options::default()
        },
    )
    .await;
    for i in 1..=3 {
        let r = pickup_attempt(&app, None).await;
        assert_eq!(r.status, 422, "POST {i} is within the burst");
    }
    let limited = pickup_attempt(&app, None).await;
    assert_friendly_page(&limited, 429, "nl", "the fourth POST");
    let retry_after = limited.header("retry-after").expect("a retry-after header");
    assert!(
        retry_after.parse::<u64>().is_ok(),
        "retry-after is a number of seconds, got {retry_after:?}"
    );
    // The English path is limited too, with its page in English.
    let en = app
        .post_raw("/en/pickup", b"code=x".to_vec(), None, &[])
        .await;
    assert_friendly_page(&en, 429, "en", "a POST in English");

    for path in ["/", "/report", "/pickup", "/en/pickup", "/static/style.css"]
        .iter()
        .cycle()
        .take(10)
    {
        assert_eq!(app.get(path, None).await.status, 200, "GET {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoofed_forwarded_for_header_does_not_reset_the_limit_without_a_trusted_proxy() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 3,
            ..Options::default()
        },
    )
    .await;
    for i in 1..=3 {
        let r = pickup_attempt(&app, Some(&format!("203.0.113.{i}"))).await;
        assert_eq!(r.status, 422, "POST {i} is within the burst");
    }
    let r = pickup_attempt(&app, Some("198.51.100.77")).await;
    assert_eq!(
        r.status, 429,
        "a new X-Forwarded-For value is not a new client"
    );
    let r = pickup_attempt(&app, Some("10.0.0.1, 198.51.100.78")).await;
    assert_eq!(r.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 3,
            extra_args: trusted_proxy(),
            ..Options::default()
        },
    )
    .await;
    for i in 1..=3 {
        let r = pickup_attempt(&app, Some("203.0.113.1")).await;
        assert_eq!(r.status, 422, "POST {i} is within the burst");
    }
    let same = pickup_attempt(&app, Some("203.0.113.1")).await;
    assert_eq!(same.status, 429, "the same forwarded client is limited");
    let other = pickup_attempt(&app, Some("203.0.113.2")).await;
    assert_eq!(
        other.status, 422,
        "another forwarded client is not: {}",
        other.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_global_cap_limits_all_clients_together() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 100,
            global_rate_burst: 3,
            extra_args: trusted_proxy(),
            ..Options::default()
        },
    )
    .await;
    for i in 1..=3 {
        let r = pickup_attempt(&app, Some(&format!("203.0.113.{i}"))).await;
        assert_eq!(r.status, 422, "POST {i} is within the global burst");
    }
    let r = pickup_attempt(&app, Some("203.0.113.4")).await;
    assert_friendly_page(&r, 429, "nl", "the fourth POST from a fourth client");
}

on_both_databases!(
    async fn a_rate_limited_report_stores_nothing(backend) {
        let app = TestApp::spawn_with(
            backend,
            Options { rate_burst: 3, extra_args: trusted_proxy(), ..Options::default() },
        )
        .await;
        let report = form_body(&valid_report(&app, "Dossiers gedeeld met vrijwilligers.").await);
        for _ in 0..3 {
            assert_eq!(pickup_attempt(&app, Some("203.0.113.1")).await.status, 422);
        }
        let limited = app
            .post_raw("/report", report.clone(), None, &[("x-forwarded-for", "203.0.113.1")])
            .await;
        assert_friendly_page(&limited, 429, "nl", "a limited report");
        assert_eq!(app.count("cases").await, 0);
        assert_eq!(app.count("messages").await, 0);

        // The very same form from a client that is not limited is stored: it was
        // only the limit that stopped it.
        let accepted = app
            .post_raw("/report", report, None, &[("x-forwarded-for", "203.0.113.2")])
            .await;
        assert_eq!(accepted.status, 200, "{}", accepted.body);
        assert_eq!(app.count("cases").await, 1);
    }
);

// ---------------------------------------------------------------------------------
// 3. Bad input
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn a_report_missing_required_fields_gets_linked_errors_and_keeps_what_was_typed(backend) {
        let app = TestApp::spawn(backend).await;
        let form = app.get("/report", None).await;
        let sent = pairs(&[
            ("form_token", &form_token(&form.html())),
            ("municipality", "Zwolle"),
            ("org_name", "Team <Noord> & \"Zuid\""),
        ]);
        let r = app.post_form("/report", &sent, None).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_security_headers(&r, "422 report");
        let page = r.html();
        assert!(has(&page, "#error-summary"), "an error summary");
        let links = Selector::parse("#error-summary a[href]").unwrap();
        let targets: Vec<String> = page
            .select(&links)
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        assert_eq!(targets.len(), 3, "role, concerns and what are missing: {targets:?}");
        for href in &targets {
            let id = href.strip_prefix('#').unwrap_or_else(|| panic!("{href} is a fragment"));
            assert!(has(&page, &format!("[id=\"{id}\"]")), "{href} points to an element");
        }
        assert!(targets.iter().any(|h| h == "#what"));
        assert_eq!(attr(&page, "input#municipality", "value").as_deref(), Some("Zwolle"));
        assert_eq!(
            attr(&page, "input#org_name", "value").as_deref(),
            Some("Team <Noord> & \"Zuid\"")
        );
        assert_eq!(app.count("cases").await, 0);
    }
);

on_both_databases!(
    async fn an_over_long_what_is_refused_at_its_field_and_kept_in_full(backend) {
        let app = TestApp::spawn_with(
            backend,
            Options {
                extra_args: vec!["--max-text-chars".into(), "100".into()],
                ..Options::default()
            },
        )
        .await;
        let what = "Lange tekst & <b>vet</b> é ".repeat(6);
        assert!(what.trim().chars().count() > 100);
        let mut sent = valid_report(&app, "").await;
        sent.retain(|(k, _)| k != "what");
        sent.push(("what".into(), what.clone()));
        let r = app.post_form("/report", &sent, None).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let page = r.html();
        let invalid = Selector::parse(".field-invalid").unwrap();
        let textarea = Selector::parse("textarea#what").unwrap();
        let error = Selector::parse(".field-error").unwrap();
        let fields: Vec<ElementRef> = page
            .select(&invalid)
            .filter(|f| f.select(&textarea).next().is_some())
            .collect();
        assert_eq!(fields.len(), 1, "the what field is marked invalid");
        let field = fields[0];
        assert!(field.select(&error).next().is_some(), "with its error message");
        let shown: String = field.select(&textarea).next().unwrap().text().collect();
        assert_eq!(shown, what, "the over-long text is kept exactly");
        assert_eq!(
            texts(&page, "#error-summary a[href]").len(),
            1,
            "only the what field is wrong"
        );
        assert_eq!(attr(&page, "#error-summary a[href]", "href").as_deref(), Some("#what"));
        assert_eq!(app.count("cases").await, 0);
    }
);

on_both_databases!(
    async fn a_form_with_too_many_fields_is_refused_with_a_friendly_page(backend) {
        let app = TestApp::spawn(backend).await;
        let mut sent = valid_report(&app, "Melding met te veel velden").await;
        sent.extend((0..100).map(|_| ("x".to_owned(), "1".to_owned())));
        let r = app.post_form("/report", &sent, None).await;
        assert_friendly_page(&r, 400, "nl", "too many fields");
        let only_x = vec!["x=1"; 100].join("&").into_bytes();
        let r = app.post_raw("/en/report", only_x, None, &[]).await;
        assert_friendly_page(&r, 400, "en", "100 x=1 pairs");
        assert_eq!(app.count("cases").await, 0);
    }
);

on_both_databases!(
    async fn a_field_that_is_not_utf8_is_refused_with_a_friendly_page(backend) {
        let app = TestApp::spawn(backend).await;
        let form = app.get("/report", None).await;
        let body = format!(
            "form_token={}&role=volunteer&concern=other&what=%FF%FE",
            form_token(&form.html())
        );
        let r = app.post_raw("/report", body.into_bytes(), None, &[]).await;
        assert_friendly_page(&r, 400, "nl", "percent-encoded invalid UTF-8");

        let form = app.get("/report", None).await;
        let mut raw = format!(
            "form_token={}&role=volunteer&concern=other&what=",
            form_token(&form.html())
        )
        .into_bytes();
        raw.extend([0xff, 0xfe, b'x']);
        let r = app.post_raw("/report", raw, None, &[]).await;
        assert_friendly_page(&r, 400, "nl", "raw invalid UTF-8");
        assert_eq!(app.count("cases").await, 0);
    }
);

on_both_databases!(
    async fn a_megabyte_code_at_pickup_is_refused_without_a_server_error(backend) {
        let app = TestApp::spawn(backend).await;
        app.submit_code("", "Een melding die er al is").await;
        let mut body = b"code=".to_vec();
        body.extend("ABCDE".repeat(200_000).into_bytes());
        let r = app.post_raw("/pickup", body, None, &[]).await;
        assert!(
            [413, 422].contains(&r.status),
            "a 413 or 422, got {}",
            r.status
        );
        assert_security_headers(&r, "a megabyte code");
        assert!(!r.body.contains("ABCDEABCDEABCDE"), "the code is not echoed");
        assert!(r.session_cookie().is_none(), "no session");
        assert_eq!(app.count("reporter_sessions").await, 0);
        assert_eq!(app.count("cases").await, 1);
    }
);

on_both_databases!(
    async fn an_altered_or_missing_form_token_is_refused(backend) {
        let app = TestApp::spawn(backend).await;
        let sent = valid_report(&app, "Melding met een token").await;
        let token = sent[0].1.clone();
        assert_eq!(sent[0].0, "form_token");

        // One hex digit changed, in the middle and at the end.
        for at in [token.len() / 2, token.len() - 1] {
            let mut altered = token.clone().into_bytes();
            altered[at] = if altered[at] == b'0' { b'1' } else { b'0' };
            let altered = String::from_utf8(altered).unwrap();
            assert_ne!(altered, token);
            let mut with_altered = sent.clone();
            with_altered[0].1 = altered;
            let r = app.post_form("/report", &with_altered, None).await;
            assert_friendly_page(&r, 400, "nl", "an altered token");
        }

        let without: Vec<_> = sent.iter().filter(|(k, _)| k != "form_token").cloned().collect();
        let r = app.post_form("/report", &without, None).await;
        assert_friendly_page(&r, 400, "nl", "a missing token");
        assert_eq!(app.count("cases").await, 0);

        // The unaltered token was good all along.
        let r = app.post_form("/report", &sent, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(app.count("cases").await, 1);
    }
);

// ---------------------------------------------------------------------------------
// 4. Cross-site POSTs
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn a_cross_site_post_is_refused_and_a_same_origin_post_is_accepted(backend) {
        let app = TestApp::spawn(backend).await;
        // One valid form, sent three ways: only the headers differ.
        let body = form_body(&valid_report(&app, "Melding van elders?").await);

        let r = app
            .post_raw("/report", body.clone(), None, &[("sec-fetch-site", "cross-site")])
            .await;
        assert_friendly_page(&r, 403, "nl", "Sec-Fetch-Site: cross-site");
        assert_eq!(app.count("cases").await, 0);

        let r = app
            .post_raw("/report", body.clone(), None, &[("origin", "http://evil.example")])
            .await;
        assert_friendly_page(&r, 403, "nl", "Origin: http://evil.example");
        assert_eq!(app.count("cases").await, 0);

        let r = app
            .post_raw("/report", body, None, &[("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!text(&r.html(), "#pickup-code").is_empty(), "a receipt with a code");
        assert_eq!(app.count("cases").await, 1);
    }
);

// ---------------------------------------------------------------------------------
// 5. Unknown methods
// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_get_a_friendly_405_with_an_allow_header() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/", "/report"] {
        for method in [Method::PUT, Method::DELETE, Method::PATCH, Method::TRACE] {
            let what = format!("{method} {path}");
            let r = request(&app, method, path).await;
            assert_friendly_page(&r, 405, "nl", &what);
            let allow = r
                .header("allow")
                .unwrap_or_else(|| panic!("{what}: an allow header"));
            assert!(allow.contains("GET"), "{what}: allow is {allow:?}");
            if path == "/report" {
                assert!(allow.contains("POST"), "{what}: allow is {allow:?}");
            }
        }
    }
    assert_eq!(app.count("cases").await, 0);
}

// ---------------------------------------------------------------------------------
// 6. Cookie attributes
// ---------------------------------------------------------------------------------

/// The one session cookie a sign-in sets: its `name=value` and its attributes.
async fn sign_in_cookie(app: &TestApp, code: &str) -> (String, Vec<String>) {
    let r = app
        .post_form("/pickup", &pairs(&[("code", code)]), None)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let all: Vec<&str> = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(all.len(), 1, "one cookie: {all:?}");
    let mut parts = all[0].split(';').map(|p| p.trim().to_owned());
    let pair = parts.next().unwrap();
    (pair, parts.collect())
}

fn has_attribute(attributes: &[String], name: &str) -> bool {
    attributes.iter().any(|a| {
        let key = a.split('=').next().unwrap_or("").trim();
        key.eq_ignore_ascii_case(name)
    })
}

fn assert_strict_cookie(pair: &str, attributes: &[String], secure: bool, what: &str) {
    let name = if secure {
        "__Host-meldpunt="
    } else {
        "meldpunt="
    };
    assert!(pair.starts_with(name), "{what}: cookie {pair:?}");
    assert!(pair.len() > name.len(), "{what}: the cookie has a value");
    assert!(
        attributes.iter().any(|a| a == "Path=/"),
        "{what}: {attributes:?}"
    );
    assert!(
        has_attribute(attributes, "HttpOnly"),
        "{what}: {attributes:?}"
    );
    assert!(
        attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case("SameSite=Strict")),
        "{what}: {attributes:?}"
    );
    assert_eq!(
        has_attribute(attributes, "Secure"),
        secure,
        "{what}: {attributes:?}"
    );
    for absent in ["Domain", "Max-Age", "Expires"] {
        assert!(
            !has_attribute(attributes, absent),
            "{what}: no {absent} in {attributes:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_strict_behind_https_and_onion_addresses() {
    for url in ["https://meldpunt.example", "http://abcdefghijklmnop.onion"] {
        let app = TestApp::spawn_with(
            Backend::Sqlite,
            Options {
                extra_args: vec!["--public-url".into(), url.into()],
                ..Options::default()
            },
        )
        .await;
        let code = app.submit_code("", "Melding achter TLS of Tor").await;
        let (pair, attributes) = sign_in_cookie(&app, &code).await;
        assert_strict_cookie(&pair, &attributes, true, url);
        let thread = app.get("/thread", Some(&pair)).await;
        assert!(
            has(&thread.html(), "ol.thread"),
            "{url}: the cookie opens the thread"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_demo_cookie_is_http_only_and_strict_but_not_secure() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app.submit_code("", "Melding op de eigen computer").await;
    let (pair, attributes) = sign_in_cookie(&app, &code).await;
    assert_strict_cookie(&pair, &attributes, false, "no public URL");
}

on_both_databases!(
    async fn a_new_sign_in_ends_the_old_session_of_the_browser(backend) {
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("", "Melding voor twee keer inloggen").await;
        let old = app.sign_in("", &code).await;
        assert!(has(&app.get("/thread", Some(&old)).await.html(), "ol.thread"));

        let again = app.post_form("/pickup", &pairs(&[("code", &code)]), Some(&old)).await;
        assert_eq!(again.status, 303, "{}", again.body);
        let new = again.session_cookie().expect("a new session cookie");
        assert_ne!(new, old, "a fresh sign-in gets a fresh token");

        assert!(has(&app.get("/thread", Some(&new)).await.html(), "ol.thread"));
        let stale = app.get("/thread", Some(&old)).await;
        assert!(!has(&stale.html(), "ol.thread"), "the old cookie opens nothing");
        assert!(!stale.body.contains("Melding voor twee keer inloggen"));
        assert_eq!(app.count("reporter_sessions").await, 1);
    }
);

// ---------------------------------------------------------------------------------
// 7. Start-up refusals
// ---------------------------------------------------------------------------------

/// A child process killed when the test ends, also when it fails.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary, run in `dir` with its output in files there and no configuration from
/// the environment.
fn meldpunt(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meldpunt"));
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout.log")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MELDPUNT_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

struct Exit {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the command until it exits by itself; a server that keeps running fails.
fn run_to_exit(mut cmd: Command, dir: &Path) -> Exit {
    let mut child = KillOnDrop(cmd.spawn().expect("the meldpunt binary starts"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "meldpunt did not exit by itself; stdout: {}",
            read(dir.join("stdout.log"))
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    Exit {
        success: status.success(),
        stdout: read(dir.join("stdout.log")),
        stderr: read(dir.join("stderr.log")),
    }
}

/// Starts `serve` with a recipients file holding `recipients` and waits for the exit.
fn start_with_recipients(recipients: &str) -> Exit {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("committee.txt");
    std::fs::write(&file, recipients).unwrap();
    let mut cmd = meldpunt(dir.path());
    cmd.arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .arg("--recipients")
        .arg(&file)
        .arg("--data-dir")
        .arg(dir.path().join("data"));
    let exit = run_to_exit(cmd, dir.path());
    assert!(!exit.success, "meldpunt refused to start: {}", exit.stderr);
    assert!(
        !exit.stdout.contains("listening on"),
        "it never listened: {}",
        exit.stdout
    );
    assert!(
        !dir.path().join("data/demo-identity.txt").exists(),
        "no demo identity is made"
    );
    exit
}

fn public_key() -> String {
    crypto::Identity::generate().to_public().to_string()
}

#[test]
fn a_secret_key_in_the_recipients_file_stops_start_up_without_printing_it() {
    let secret = crypto::Identity::generate();
    let secret = secret.to_string().expose_secret().to_owned();
    assert!(secret.starts_with("AGE-SECRET-KEY-1"));
    let exit = start_with_recipients(&format!("# committee\n{}\n{secret}\n", public_key()));
    assert!(exit.stderr.contains("line 3"), "{}", exit.stderr);
    for output in [&exit.stderr, &exit.stdout] {
        assert!(!output.contains(&secret), "the secret key is not printed");
        assert!(!output.contains(&secret.to_lowercase()));
        // Not even its distinctive tail.
        assert!(!output.contains(&secret[secret.len() - 20..]));
    }
}

#[test]
fn a_malformed_recipient_line_stops_start_up_naming_the_line() {
    let exit = start_with_recipients(&format!(
        "{}\nage1thisisnotarecipient\n{}\n",
        public_key(),
        public_key()
    ));
    assert!(exit.stderr.contains("line 2"), "{}", exit.stderr);
}

#[test]
fn a_repeated_recipient_stops_start_up() {
    let key = public_key();
    let exit = start_with_recipients(&format!("# committee\n{key}\n\n{key}\n"));
    let lower = exit.stderr.to_lowercase();
    assert!(
        lower.contains("duplicate") || lower.contains("repeats"),
        "{}",
        exit.stderr
    );
    assert!(exit.stderr.contains("line 4"), "{}", exit.stderr);
}

#[test]
fn an_explicit_recipients_file_with_only_comments_stops_start_up() {
    let exit = start_with_recipients("# committee of the reporting point\n\n# nobody yet\n");
    assert!(
        exit.stderr.contains("no committee recipient"),
        "{}",
        exit.stderr
    );
}

#[test]
fn without_recipients_the_portal_refuses_to_listen_beyond_loopback_with_a_demo_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = meldpunt(dir.path());
    cmd.arg("serve")
        .args(["--listen", "0.0.0.0:0"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .arg("--data-dir")
        .arg(dir.path().join("data"));
    let exit = run_to_exit(cmd, dir.path());
    assert!(!exit.success, "{}", exit.stdout);
    assert!(
        exit.stderr.contains("no committee recipient"),
        "{}",
        exit.stderr
    );
    assert!(!exit.stdout.contains("DEMO MODE"), "{}", exit.stdout);
    assert!(!exit.stdout.contains("listening on"), "{}", exit.stdout);
    assert!(
        !dir.path().join("data/demo-identity.txt").exists(),
        "no demo identity is made"
    );
}

// ---------------------------------------------------------------------------------
// 8. Demo mode
// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_recipients_on_loopback_a_demo_key_seals_the_reports() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let mut cmd = meldpunt(dir.path());
    cmd.arg("serve").args(["--listen", "127.0.0.1:0"]);
    let mut child = KillOnDrop(cmd.spawn().expect("the meldpunt binary starts"));

    let deadline = Instant::now() + Duration::from_secs(60);
    let base = loop {
        let out = read(dir.path().join("stdout.log"));
        if let Some(line) = out.lines().find(|l| l.contains("listening on http://")) {
            let url = line.split("listening on ").nth(1).unwrap();
            break url.trim().trim_end_matches('/').to_owned();
        }
        if let Some(status) = child.0.try_wait().unwrap() {
            panic!(
                "meldpunt exited with {status}: {}",
                read(dir.path().join("stderr.log"))
            );
        }
        assert!(Instant::now() < deadline, "meldpunt did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stdout = read(dir.path().join("stdout.log"));
    assert!(stdout.contains("DEMO MODE"), "{stdout}");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let identity_file = dir.path().join("data/demo-identity.txt");
    let mode = std::fs::metadata(&identity_file)
        .expect("the demo identity exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only the owner may read the demo key");
    let identity = crypto::parse_identity(&std::fs::read_to_string(&identity_file).unwrap())
        .expect("an age identity");

    // A report through the demo portal.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = send(client.get(format!("{base}/report"))).await;
    assert_eq!(form.status, 200);
    let what = "Demo: het wijkteam deelde dossiers.";
    let mut sent = vec![("form_token".to_owned(), form_token(&form.html()))];
    sent.extend(full_report(what));
    let receipt = send(
        client
            .post(format!("{base}/report"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&sent)),
    )
    .await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    assert!(!text(&receipt.html(), "#pickup-code").is_empty());

    // It opens with the demo identity.
    let database = dir.path().join("data/meldpunt.db");
    assert!(database.exists(), "the default database is under data/");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    let rows: Vec<(String, i64, Vec<u8>)> =
        sqlx::query_as("select case_id, seq, ciphertext from messages")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!(rows.len(), 1);
    let (case_id, seq, ciphertext) = &rows[0];
    let plain = crypto::open(ciphertext, &identity).expect("the demo identity opens it");
    let envelope = Envelope::from_bytes(&plain, case_id, *seq).unwrap();
    match envelope.body {
        Body::Report(report) => assert_eq!(report.what, what),
        Body::Text { .. } => panic!("the first message is the report"),
    }
    assert!(
        crypto::open(ciphertext, &crypto::Identity::generate()).is_err(),
        "a stranger's key does not open it"
    );
}
