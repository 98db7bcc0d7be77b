//! The W3C Nu HTML checker over every page and state a reporter or a committee
//! member meets, in Dutch and in English: the portal's pages (landing, form and its
//! error states, receipts, pickup, thread, withdrawal, privacy statement, sign-out,
//! the error pages) and the desk's
//! (unlock, roster first use, change and confirmation, inbox, case page and its
//! states, statistics, not found, forbidden, signed out). The pages come from the
//! real portal and desk processes; the checker (`vnu-jar` from npm, pinned in
//! package-lock.json, run with Java) checks all of them in one run, and any error
//! fails the test with its file, line and message. Warnings are not counted.
//!
//! Without Java or the jar (`npm ci`) the test says SKIPPED; with CI=true that is a
//! failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{Backend, Desk, Options, Resp, TestApp, attr, file_part, form_token, full_report};
use meldpunt::i18n::Lang;
use meldpunt::pickup::PickupCode;
use meldpunt::web::form_token::{Purpose, mint};
use reqwest::multipart::Form;
use serde_json::Value;

const PASSPHRASE: &str = "een lange wachtwoordzin voor de html-controle";

/// A page that breaks a rule the checker must report: proof that the run checks
/// what it is given.
const CONTROL: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>control</title></head>\
    <body><p id=\"l\">label</p><p aria-labelledby=\"l\">named paragraph</p></body></html>";
const CONTROL_NAME: &str = "control-must-fail";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a missing tool: a skip on a developer's machine, a failure under CI.
fn missing(what: &str) {
    assert!(!ci(), "CI=true but {what}");
    eprintln!("SKIPPED: html_validity: {what}");
}

/// The checker's jar, provided Java and the jar are both here.
fn checker() -> Option<PathBuf> {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !java {
        missing("Java is not installed (apt-get install default-jre-headless)");
        return None;
    }
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.is_file() {
        missing(&format!(
            "the Nu HTML checker is not installed at {} (run `npm ci` once)",
            jar.display()
        ));
        return None;
    }
    Some(jar)
}

/// The pages collected so far, each written to `dir` as NAME.html.
struct Pages {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

impl Pages {
    fn new() -> Self {
        Pages {
            dir: tempfile::tempdir().unwrap(),
            files: Vec::new(),
        }
    }

    fn write(&mut self, name: &str, html: &str) {
        let path = self.dir.path().join(format!("{name}.html"));
        assert!(!path.exists(), "two pages named {name}");
        std::fs::write(&path, html).unwrap();
        self.files.push(path);
    }

    /// Keeps an HTML page answered with `status`.
    fn add(&mut self, name: &str, r: &Resp, status: u16) {
        assert_eq!(r.status, status, "{name}: {}", r.body);
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("text/html")),
            "{name}: an HTML page, got {:?}",
            r.header("content-type")
        );
        self.write(name, &r.body);
    }
}

/// Where a redirect leads.
fn location(r: &Resp) -> String {
    assert_eq!(r.status, 303, "a redirect: {}", r.body);
    r.header("location").expect("a location").to_owned()
}

async fn post_multipart(app: &TestApp, path: &str, form: Form, cookie: Option<&str>) -> Resp {
    let mut req = app
        .client
        .post(format!("{}{path}", app.base))
        .multipart(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn file_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "aantekeningen.txt",
        Lang::En => "notes.txt",
    }
}

fn note(lang: Lang) -> Vec<u8> {
    match lang {
        Lang::Nl => b"Datum, tijd en wie er bij waren.\n".to_vec(),
        Lang::En => b"Date, time and who was there.\n".to_vec(),
    }
}

/// Every page of the portal and the desk in `lang`, in the order a reporter and a
/// member meet them.
async fn collect(pages: &mut Pages, lang: Lang) {
    let l = lang.code();
    let p = |path: &str| lang.path(path);
    let app = TestApp::spawn(Backend::Sqlite).await;
    // A member with a passphrase-protected key made by `meldpunt keygen`: every
    // report below is sealed to her too.
    let (key, recipient) = common::keygen(app.dir.path(), PASSPHRASE);
    app.add_member("Bram Jansen", &recipient);

    // The landing page and the report form with its states.
    pages.add(&format!("{l}-landing"), &app.get(&p("/"), None).await, 200);
    let form = app.get(&p("/report"), None).await;
    pages.add(&format!("{l}-report-form"), &form, 200);
    let token = form_token(&form.html());
    let empty = app
        .post_form(&p("/report"), &pairs(&[("form_token", &token)]), None)
        .await;
    pages.add(&format!("{l}-report-form-errors"), &empty, 422);
    let with_file = Form::new()
        .text("form_token", form_token(&empty.html()))
        .text("what", "")
        .part("files", file_part("notes.txt", note(lang)));
    let again = post_multipart(&app, &p("/report"), with_file, None).await;
    pages.add(
        &format!("{l}-report-form-errors-choose-files-again"),
        &again,
        422,
    );
    assert!(again.body.contains("files-again"));
    let long_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 5 * 3600;
    let mut expired = pairs(&[(
        "form_token",
        &mint(&app.form_key().await, Purpose::Report, b"", long_ago),
    )]);
    expired.extend(full_report("Lang open gelaten / left open for long"));
    let r = app.post_form(&p("/report"), &expired, None).await;
    pages.add(&format!("{l}-report-form-expired"), &r, 422);
    let mut forged = pairs(&[("form_token", "not-a-token")]);
    forged.extend(full_report("Vervalst formulier / forged form"));
    let r = app.post_form(&p("/report"), &forged, None).await;
    pages.add(&format!("{l}-bad-request"), &r, 400);
    let r = post_multipart(
        &app,
        &p("/report"),
        (0..11).fold(Form::new().text("form_token", token.clone()), |f, i| {
            f.part("files", file_part(format!("{i}.txt"), note(lang)))
        }),
        None,
    )
    .await;
    pages.add(&format!("{l}-too-many-files"), &r, 413);

    // Receipts: with a file, and without; the same form sent twice.
    let receipt = app
        .submit_with_files(
            &p(""),
            "Het wijkteam deelt dossiers / the team shares files",
            [file_part(file_name(lang), note(lang))],
        )
        .await;
    pages.add(&format!("{l}-receipt-with-file"), &receipt, 200);
    assert!(receipt.body.contains("file-list"));
    let code = common::text(&receipt.html(), "#pickup-code");
    let fresh = app.get(&p("/report"), None).await;
    let mut plain = pairs(&[("form_token", &form_token(&fresh.html()))]);
    plain.extend(full_report("Tweede melding / second report"));
    let receipt = app.post_form(&p("/report"), &plain, None).await;
    pages.add(&format!("{l}-receipt"), &receipt, 200);
    let second_code = common::text(&receipt.html(), "#pickup-code");
    let r = app.post_form(&p("/report"), &plain, None).await;
    pages.add(&format!("{l}-already-sent"), &r, 409);

    // Pickup: the form, a mistyped code, an unknown code.
    pages.add(
        &format!("{l}-pickup"),
        &app.get(&p("/pickup"), None).await,
        200,
    );
    let r = app
        .post_form(&p("/pickup"), &pairs(&[("code", "ABCDE")]), None)
        .await;
    pages.add(&format!("{l}-pickup-wrong-code"), &r, 422);
    let unknown = PickupCode::generate().display().to_string();
    let r = app
        .post_form(&p("/pickup"), &pairs(&[("code", &unknown)]), None)
        .await;
    pages.add(&format!("{l}-pickup-unknown-code"), &r, 422);

    // The thread: signed in, an empty follow-up, a follow-up sent.
    let cookie = app.sign_in(&p(""), &code).await;
    let thread = app.get(&p("/thread"), Some(&cookie)).await;
    pages.add(&format!("{l}-thread"), &thread, 200);
    let token = form_token(&thread.html());
    let r = app
        .post_form(
            &p("/thread"),
            &pairs(&[("form_token", &token), ("text", "")]),
            Some(&cookie),
        )
        .await;
    pages.add(&format!("{l}-thread-followup-error"), &r, 422);
    let r = app
        .post_form(
            &p("/thread"),
            &pairs(&[
                ("form_token", &form_token(&r.html())),
                ("text", "Nog een vraag / one more question"),
            ]),
            Some(&cookie),
        )
        .await;
    let sent = app.get(&location(&r), Some(&cookie)).await;
    pages.add(&format!("{l}-thread-followup-sent"), &sent, 200);

    // The desk, with the member's passphrase-protected key.
    let desk = Desk::open_unconfirmed(&app.base, &key, l).await;
    let stranger = desk.client.get(format!("{}/", desk.base)).send().await;
    let stranger = into_resp(stranger.unwrap()).await;
    pages.add(&format!("{l}-desk-forbidden"), &stranger, 403);
    let locked = desk.get("/").await;
    assert_eq!(location(&locked), desk.path("/unlock"));
    let unlock = desk.get("/unlock").await;
    pages.add(&format!("{l}-desk-unlock"), &unlock, 200);
    let wrong = desk
        .post("/unlock", &unlock.html(), &[("passphrase", "verkeerd")])
        .await;
    pages.add(&format!("{l}-desk-unlock-error"), &wrong, 422);
    let right = desk
        .post("/unlock", &unlock.html(), &[("passphrase", PASSPHRASE)])
        .await;
    assert_eq!(right.status, 303, "{}", right.body);
    let roster = desk.get("/roster").await;
    pages.add(&format!("{l}-desk-roster-first-use"), &roster, 200);
    assert!(attr(&roster.html(), "#confirm-roster", "id").is_some());
    desk.confirm_roster().await;
    let inbox = desk.get("/").await;
    pages.add(&format!("{l}-desk-inbox"), &inbox, 200);
    let r = desk.get("/?status=closed").await;
    pages.add(&format!("{l}-desk-inbox-empty"), &r, 200);
    let r = desk
        .get("/?q=%22volunteers%22&sort=municipality&dir=desc")
        .await;
    pages.add(&format!("{l}-desk-inbox-searched-and-sorted"), &r, 200);
    let r = desk.get("/go?reference=MP-000000").await;
    pages.add(&format!("{l}-desk-inbox-unknown-reference"), &r, 404);
    let notify = desk.get("/notifications").await;
    pages.add(&format!("{l}-desk-notifications"), &notify, 200);
    let r = desk
        .post("/notifications", &notify.html(), &[("email", "geen adres")])
        .await;
    pages.add(&format!("{l}-desk-notifications-error"), &r, 422);
    let r = desk
        .post(
            "/notifications",
            &notify.html(),
            &[("email", "lid@example.org")],
        )
        .await;
    pages.add(&format!("{l}-desk-notifications-saved"), &r, 200);
    let r = desk.get("/reseal").await;
    pages.add(&format!("{l}-desk-reseal"), &r, 200);
    // The case with the reporter's file: the one whose reporter is signed in.
    let mut link = None;
    for candidate in inbox_links(&inbox) {
        if desk.get(&candidate).await.body.contains(file_name(lang)) {
            link = Some(candidate);
        }
    }
    let link = link.expect("the case with the file is in the inbox");
    let case = desk.get(&link).await;
    pages.add(&format!("{l}-desk-case"), &case, 200);
    let r = desk
        .post(&format!("{link}/acknowledge"), &case.html(), &[])
        .await;
    let saved = desk.get(&location(&r)).await;
    pages.add(&format!("{l}-desk-case-saved"), &saved, 200);
    let r = desk
        .post(&format!("{link}/reply"), &saved.html(), &[("text", "")])
        .await;
    pages.add(&format!("{l}-desk-case-error"), &r, 422);
    assert!(r.body.contains("error-summary"));
    let r = desk
        .post(
            &format!("{link}/reply"),
            &saved.html(),
            &[("text", "Een voorbeeld / A preview"), ("action", "preview")],
        )
        .await;
    pages.add(&format!("{l}-desk-case-reply-preview"), &r, 200);
    let r = desk
        .post(
            &format!("{link}/status"),
            &saved.html(),
            &[("status", "closed")],
        )
        .await;
    pages.add(&format!("{l}-desk-case-status-error"), &r, 422);
    let csrf = attr(&saved.html(), "input[name=csrf]", "value").unwrap();
    let reply = Form::new()
        .text("csrf", csrf)
        .text("text", "Welke vrijwilligers? / Which volunteers?")
        .part(
            "files",
            file_part("vragen.txt", b"1. Wie? / 1. Who?\n".to_vec()),
        );
    let r = desk
        .client
        .post(desk.url(&format!("{link}/reply")))
        .header("cookie", &desk.cookie)
        .multipart(reply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = desk
        .post(
            &format!("{link}/note"),
            &saved.html(),
            &[("text", "Intern: toestemmingsformulieren nagaan")],
        )
        .await;
    location(&r);
    let r = desk.get(&link).await;
    pages.add(
        &format!("{l}-desk-case-replied-with-file-and-note"),
        &r,
        200,
    );
    let r = desk.post(&format!("{link}/export"), &r.html(), &[]).await;
    let exported = desk.get(&location(&r)).await;
    pages.add(&format!("{l}-desk-case-exported"), &exported, 200);

    // The reporter reads the reply with its file.
    let r = app.get(&p("/thread"), Some(&cookie)).await;
    assert!(r.body.contains("vragen.txt"));
    pages.add(&format!("{l}-thread-with-reply"), &r, 200);

    // The committee changes: the change, and a change while reading.
    app.add_member(
        "Carla Smit",
        &meldpunt::crypto::Identity::generate()
            .to_public()
            .to_string(),
    );
    let r = desk.get("/").await;
    assert_eq!(location(&r), desk.path("/roster"));
    let changed = desk.get("/roster").await;
    pages.add(&format!("{l}-desk-roster-changed"), &changed, 200);
    assert!(changed.body.contains("roster-added"));
    app.add_member(
        "Daan Visser",
        &meldpunt::crypto::Identity::generate()
            .to_public()
            .to_string(),
    );
    let shown = attr(&changed.html(), "input[name=shown]", "value").unwrap();
    let r = desk
        .post("/roster", &changed.html(), &[("shown", &shown)])
        .await;
    pages.add(&format!("{l}-desk-roster-changed-while-reading"), &r, 409);
    desk.confirm_roster().await;
    let r = desk.get("/roster").await;
    pages.add(&format!("{l}-desk-roster-confirmed"), &r, 200);
    let r = desk.get("/stats").await;
    pages.add(&format!("{l}-desk-stats"), &r, 200);
    let r = desk.get("/no-such-page").await;
    pages.add(&format!("{l}-desk-not-found"), &r, 404);

    // The case is closed: the desk's case page and the reporter's thread.
    let case = desk.get(&link).await;
    let r = desk
        .post(
            &format!("{link}/status"),
            &case.html(),
            &[("status", "closed"), ("reason", "taken-into-analysis")],
        )
        .await;
    let closed = desk.get(&location(&r)).await;
    pages.add(&format!("{l}-desk-case-closed"), &closed, 200);
    let r = app.get(&p("/thread"), Some(&cookie)).await;
    pages.add(&format!("{l}-thread-closed"), &r, 200);
    assert!(
        !r.body.contains("id=\"followup\""),
        "a closed case takes no follow-up"
    );

    let inbox = desk.get("/").await;
    let r = desk.post("/sign-out", &inbox.html(), &[]).await;
    pages.add(&format!("{l}-desk-signed-out"), &r, 200);
    drop(desk);

    // Signing out; a follow-up sent after that is kept and given back.
    let r = app.post_form(&p("/sign-out"), &[], Some(&cookie)).await;
    pages.add(&format!("{l}-signed-out"), &r, 200);
    let r = app
        .post_form(
            &p("/thread"),
            &pairs(&[
                ("form_token", &token),
                ("text", "Na afloop geschreven / written after the end"),
            ]),
            Some(&cookie),
        )
        .await;
    pages.add(&format!("{l}-pickup-session-ended-with-kept-text"), &r, 200);
    assert!(r.body.contains("kept-text"));
    let r = app
        .post_form(
            &p("/pickup"),
            &pairs(&[
                ("code", &second_code),
                ("kept_text", "Na afloop geschreven / written after the end"),
            ]),
            None,
        )
        .await;
    pages.add(&format!("{l}-thread-kept-text-back"), &r, 200);
    assert!(r.body.contains("written after the end"));

    // Withdrawing the report: the confirmation, without the box ticked, and done.
    let cookie = r.session_cookie().expect("signed in again");
    let confirm = app.get(&p("/withdraw"), Some(&cookie)).await;
    pages.add(&format!("{l}-withdraw-confirm"), &confirm, 200);
    let token = form_token(&confirm.html());
    let r = app
        .post_form(
            &p("/withdraw"),
            &pairs(&[("form_token", &token)]),
            Some(&cookie),
        )
        .await;
    pages.add(&format!("{l}-withdraw-not-ticked"), &r, 422);
    let token = form_token(&r.html());
    let r = app
        .post_form(
            &p("/withdraw"),
            &pairs(&[("form_token", &token), ("confirm", "yes")]),
            Some(&cookie),
        )
        .await;
    pages.add(&format!("{l}-withdrawn"), &r, 200);

    // The privacy statement.
    let r = app.get(&p(meldpunt::i18n::PRIVACY_PATH), None).await;
    pages.add(&format!("{l}-privacy"), &r, 200);

    // Error pages.
    let r = app.get(&p("/no-such-page"), None).await;
    pages.add(&format!("{l}-not-found"), &r, 404);
    let r = app.get(&p("/sign-out"), None).await;
    pages.add(&format!("{l}-method-not-allowed"), &r, 405);
    let r = app
        .post_raw(
            &p("/pickup"),
            b"code=ABCDE".to_vec(),
            None,
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    pages.add(&format!("{l}-forbidden"), &r, 403);
}

/// The case links of an inbox page.
fn inbox_links(inbox: &Resp) -> Vec<String> {
    let sel = scraper::Selector::parse("tr.case-row a").unwrap();
    inbox
        .html()
        .select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

async fn into_resp(r: reqwest::Response) -> Resp {
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap_or_default(),
    }
}

/// The pages that need a portal started differently: too many requests (one POST
/// allowed per client), a failing handler (the debug build's panic route) and a
/// body over the limit (4 KiB).
async fn collect_limits(pages: &mut Pages) {
    let limited = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 1,
            ..Options::default()
        },
    )
    .await;
    let code = pairs(&[("code", "ABCDE")]);
    let first = limited.post_form("/pickup", &code, None).await;
    assert_eq!(first.status, 422);
    for lang in [Lang::Nl, Lang::En] {
        let r = limited.post_form(&lang.path("/pickup"), &code, None).await;
        pages.add(&format!("{}-too-many-requests", lang.code()), &r, 429);
    }
    let failing = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            panic_route: true,
            extra_args: vec!["--max-body-bytes".into(), "4096".into()],
            ..Options::default()
        },
    )
    .await;
    let r = failing.get("/test/panic", None).await;
    pages.add("nl-server-error", &r, 500);
    for lang in [Lang::Nl, Lang::En] {
        let huge = format!("code={}", "x".repeat(6000));
        let r = failing
            .post_raw(&lang.path("/pickup"), huge.into_bytes(), None, &[])
            .await;
        pages.add(&format!("{}-too-large", lang.code()), &r, 413);
    }
}

/// One error the checker reported.
struct Finding {
    file: String,
    line: u64,
    column: u64,
    message: String,
    extract: String,
}

/// Runs the checker once over `files`; every error it reports.
fn check(jar: &Path, files: &[PathBuf]) -> Vec<Finding> {
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json", "--stdout"])
        .args(files)
        .output()
        .expect("java runs");
    let json = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&json).unwrap_or_else(|e| {
        panic!(
            "the checker's answer is not JSON ({e}); exit {}: {json}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["messages"]
        .as_array()
        .expect("a list of messages")
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| Finding {
            file: m["url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .unwrap_or("?")
                .to_owned(),
            line: m["lastLine"].as_u64().unwrap_or(0),
            column: m["firstColumn"].as_u64().unwrap_or(0),
            message: format!(
                "{}: {}",
                m["type"].as_str().unwrap_or("?"),
                m["message"].as_str().unwrap_or("?")
            ),
            extract: m["extract"].as_str().unwrap_or("").replace('\n', " "),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_state_passes_the_nu_html_checker() {
    let Some(jar) = checker() else {
        return;
    };
    let started = Instant::now();
    let mut pages = Pages::new();
    pages.write(CONTROL_NAME, CONTROL);
    for lang in [Lang::Nl, Lang::En] {
        collect(&mut pages, lang).await;
    }
    collect_limits(&mut pages).await;
    let collected = started.elapsed();
    let checked = Instant::now();
    let findings = check(&jar, &pages.files);
    let control = format!("{CONTROL_NAME}.html");
    assert!(
        findings
            .iter()
            .any(|f| f.file == control && f.message.contains("aria-labelledby")),
        "the checker must report the control page's named paragraph; it reported: {:?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.file != control).collect();
    eprintln!(
        "checked {} pages ({} in Dutch, {} in English) in {:.1}s after collecting them in {:.1}s",
        pages.files.len() - 1,
        count(&pages, "nl-"),
        count(&pages, "en-"),
        checked.elapsed().as_secs_f64(),
        collected.as_secs_f64()
    );
    let listed: Vec<String> = errors
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}: {}\n    {}",
                f.file, f.line, f.column, f.message, f.extract
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "the Nu HTML checker reports {} errors:\n{}",
        errors.len(),
        listed.join("\n")
    );
}

fn count(pages: &Pages, prefix: &str) -> usize {
    pages
        .files
        .iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .count()
}
