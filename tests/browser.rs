//! The browser suite: the reporter's and the committee's journeys in real headless
//! Chromium with JavaScript off in the profile, in Dutch and in English, and the
//! accessibility gate (axe-core with the WCAG 2.1 A/AA rules, page structure, visible
//! focus, reflow at 320 px) on every page and state in a separate session with
//! JavaScript on. Every audited page is saved at 1280 and 360 px under
//! `target/screenshots/`.
//!
//! The desk runs under its launch's random path prefix and opens with its one-time
//! launch link; before any case it shows the committee roster to confirm, and again
//! when the portal's roster changes. Both are pages of the journey and the gate.
//!
//! Each test starts its own chromedriver, browser, portal (and desk) with a fresh
//! database. Without Chromium and chromedriver, or without axe-core (`npm ci`), the
//! tests say SKIPPED; with CI=true that is a failure.

mod common;
#[path = "browser/support.rs"]
mod support;

use std::path::{Path, PathBuf};

use common::{Backend, Desk, Options, TestApp, identity_file};
use fantoccini::key::Key;
use meldpunt::case::Status;
use meldpunt::crypto::{self, Identity};
use meldpunt::i18n::Lang;
use meldpunt::pickup::PickupCode;
use support::{Audit, Browser, Driver, Session};

fn url(app: &TestApp, lang: Lang, path: &str) -> String {
    format!("{}{}", app.base, lang.path(path))
}

/// A word no page contains unless this test typed it.
fn marker() -> String {
    crypto::hex(&crypto::random_bytes::<5>())
}

fn report_text(lang: Lang, marker: &str) -> String {
    match lang {
        Lang::Nl => format!("Het wijkteam deelt cliëntdossiers met vrijwilligers ({marker})."),
        Lang::En => {
            format!("The neighbourhood team shares client files with volunteers ({marker}).")
        }
    }
}

/// A small file to attach, named for the language.
fn attachment(dir: &Path, lang: Lang) -> PathBuf {
    let (name, text) = match lang {
        Lang::Nl => ("aantekeningen.txt", "Datum, tijd en wie er bij waren.\n"),
        Lang::En => ("notes.txt", "Date, time and who was there.\n"),
    };
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Picks a role in the report form's role select.
async fn choose_role(s: &Session, role: &str) {
    s.find("#role")
        .await
        .select_by_value(role)
        .await
        .expect("the role select has this option");
}

/// Fills in the report form with the mouse (the keyboard-only way is in the
/// reporter's journey) and sends it; returns the pickup code from the receipt.
async fn send_report(s: &Session, lang: Lang, what: &str, file: Option<&Path>) -> String {
    choose_role(s, "social-worker").await;
    s.click("#concern-0").await;
    s.fill("#what", what).await;
    s.fill("#municipality", "Utrecht").await;
    if let Some(file) = file {
        s.fill("#files", file.to_str().unwrap()).await;
    }
    s.click("form.report-form button[type=submit]").await;
    s.wait_h1(lang.texts().receipt_title).await;
    s.text("#pickup-code").await
}

// ---------------------------------------------------------------------------
// The reporter's journey, keyboard only, JavaScript off.

async fn reporter_journey(lang: Lang) {
    let name = format!("reporter-journey-{}", lang.code());
    let Some(browser) = Browser::find(&name) else {
        return;
    };
    let driver = Driver::start(&browser).await;
    let s = driver.session(false).await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    s.guard(&name, reporter_steps(&s, &app, lang)).await;
    s.close().await;
}

async fn reporter_steps(s: &Session, app: &TestApp, lang: Lang) {
    let t = lang.texts();
    s.assert_javascript_off().await;
    let mark = marker();
    let what = report_text(lang, &mark);
    let followup_mark = marker();
    let followup = format!("{} {followup_mark}", t.followup_label);

    // Landing: the first Tab stop is the skip link; on to the form by keyboard.
    s.goto(&url(app, lang, "/")).await;
    s.wait_h1(t.landing_title).await;
    assert_eq!(s.attr("html", "lang").await.as_deref(), Some(lang.code()));
    let first = s.tab().await;
    assert!(
        first.class.contains("skip-link"),
        "the first Tab stop is the skip link, not <{} class={:?}>",
        first.tag,
        first.class
    );
    s.tab_to("the start link", |f| {
        f.tag == "a" && f.text == t.landing_start
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_h1(t.form_title).await;

    // The form without "what happened": role and concern with Space, two optional
    // fields typed, sent with Enter on the button.
    // The role is a select that starts on an empty choice; Down picks the first role.
    s.tab_to("the role", |f| f.id == "role").await;
    s.press(Key::Down).await;
    s.tab_to("the first concern", |f| f.id == "concern-0").await;
    s.press(Key::Space).await;
    s.tab_to("the municipality", |f| f.id == "municipality")
        .await;
    s.type_text("Utrecht").await;
    let affected = match lang {
        Lang::Nl => "cliënten van het team",
        Lang::En => "the team's clients",
    };
    s.tab_to("who is affected", |f| f.id == "affected").await;
    s.type_text(affected).await;
    s.tab_to("the send button", |f| {
        f.tag == "button" && f.text == t.submit_button
    })
    .await;
    s.press(Key::Enter).await;

    // The error summary is shown and has focus; everything typed is still there.
    s.wait_for("#error-summary").await;
    assert_eq!(s.text("h1").await, t.form_title);
    let focused = s.focus_settled("error-summary").await;
    assert_eq!(
        focused.id, "error-summary",
        "focus moves to the error summary"
    );
    assert!(
        s.text("#error-summary").await.contains(t.err_what_missing),
        "the summary says what is missing"
    );
    assert_eq!(s.value("#municipality").await, "Utrecht");
    assert_eq!(s.value("#affected").await, affected);
    assert_eq!(s.value("#role").await, "social-worker");
    assert!(s.find("#concern-0").await.is_selected().await.unwrap());
    assert_eq!(
        s.attr("#what", "aria-invalid").await.as_deref(),
        Some("true")
    );

    // The summary's link leads to the field; type the text and send again.
    s.tab_to("the link to the missing field", |f| {
        f.tag == "a" && f.href == "#what"
    })
    .await;
    s.press(Key::Enter).await;
    if s.focused().await.id != "what" {
        s.tab_to("the field with the error", |f| f.id == "what")
            .await;
    }
    s.type_text(&what).await;
    s.tab_to("the send button", |f| {
        f.tag == "button" && f.text == t.submit_button
    })
    .await;
    s.press(Key::Enter).await;

    // The receipt shows the code; no language switch that would lose it.
    s.wait_h1(t.receipt_title).await;
    let code = s.text("#pickup-code").await;
    assert!(PickupCode::parse(&code).is_ok(), "a valid code: {code}");
    assert!(!s.exists(".lang-switch").await);

    // Pick up with the code as someone might paste it: lower case, spaces.
    s.tab_to("the pickup link", |f| {
        f.tag == "a" && f.href.ends_with("/pickup")
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_h1(t.pickup_title).await;
    let field = s.tab_to("the code field", |f| f.id == "code").await;
    assert_eq!(
        field.element.attr("autocomplete").await.unwrap().as_deref(),
        Some("off")
    );
    let pasted = format!(" {} ", code.to_lowercase().replace('-', " "));
    s.type_text(&pasted).await;
    s.press(Key::Enter).await;

    // The thread shows the report and its status.
    s.wait_h1(t.thread_title).await;
    assert!(
        s.text("main").await.contains(&what),
        "the thread shows the report"
    );
    assert_eq!(s.text("#status").await, Status::Received.label(t));

    // A follow-up with a file, by keyboard (the file itself is chosen the way
    // WebDriver can: the browser's file dialog is not a web page).
    let file = attachment(app.dir.path(), lang);
    let file_name = file.file_name().unwrap().to_str().unwrap().to_owned();
    s.tab_to("the follow-up field", |f| f.id == "followup")
        .await;
    s.type_text(&followup).await;
    let chooser = s.tab_to("the file chooser", |f| f.id == "files").await;
    chooser
        .element
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    s.tab_to("the follow-up button", |f| {
        f.tag == "button" && f.text == t.followup_button
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_for(".notice[role=status]").await;
    assert_eq!(s.text(".notice[role=status]").await, t.followup_sent);
    assert_eq!(
        s.texts("ol.thread .message-text")
            .await
            .last()
            .map(String::as_str),
        Some(followup.as_str())
    );
    assert_eq!(
        s.texts("ol.thread .file-name").await.last(),
        Some(&file_name),
        "the thread lists the file"
    );
    assert!(
        s.exists("ol.thread > li:last-child .file a[download]")
            .await
    );

    // Sign out, then back: the thread is not shown again from history.
    s.tab_to("the sign-out button", |f| {
        f.tag == "button" && f.text == t.signout_button
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_h1(t.signed_out_title).await;
    // WebDriver's Back returns when the page has loaded; the first must also have
    // left the signed-out page.
    for step in 0..2 {
        s.c.back().await.unwrap();
        let heading = if step == 0 {
            s.wait_new_h1(t.signed_out_title).await
        } else {
            s.text("h1").await
        };
        let page = s.source().await;
        assert!(
            !page.contains(&mark) && !page.contains(&followup_mark),
            "after signing out, Back must not show the thread: {}",
            s.c.current_url().await.unwrap()
        );
        assert_eq!(heading, t.pickup_title);
    }

    // Back in with the code, and the report withdrawn by keyboard: the thread's
    // link, the page that says what will happen, the box, the button.
    s.goto(&url(app, lang, "/pickup")).await;
    s.wait_h1(t.pickup_title).await;
    s.tab_to("the code field", |f| f.id == "code").await;
    s.type_text(&code).await;
    s.press(Key::Enter).await;
    s.wait_h1(t.thread_title).await;
    let w = t.withdraw;
    s.tab_to("the withdraw link", |f| f.id == "withdraw-link")
        .await;
    s.press(Key::Enter).await;
    s.wait_h1(w.confirm_title).await;
    s.tab_to("the withdraw button", |f| {
        f.tag == "button" && f.text == w.confirm_button
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_for("#error-summary").await;
    assert_eq!(
        s.focus_settled("error-summary").await.id,
        "error-summary",
        "focus on the problem"
    );
    s.tab_to("the confirmation box", |f| f.id == "confirm")
        .await;
    s.press(Key::Space).await;
    s.tab_to("the withdraw button", |f| {
        f.tag == "button" && f.text == w.confirm_button
    })
    .await;
    s.press(Key::Enter).await;
    s.wait_h1(w.done_title).await;
    // The footer leads to the privacy statement; the code no longer opens anything.
    s.tab_to("the privacy link", |f| f.id == "privacy-link")
        .await;
    s.press(Key::Enter).await;
    s.wait_h1(t.privacy.title).await;
    s.goto(&url(app, lang, "/pickup")).await;
    s.tab_to("the code field", |f| f.id == "code").await;
    s.type_text(&code).await;
    s.press(Key::Enter).await;
    s.wait_for("#error-summary").await;
    // The error reads as one in linear order: its prefix first, then the message.
    let error = s.text("#code-error").await;
    let message = error
        .strip_prefix(t.error_prefix)
        .expect("the error starts with its prefix")
        .trim_start();
    assert!(
        message.starts_with(&(t.err_code_unknown)(&meldpunt::i18n::Numbers {
            session_idle_secs: 900,
            session_max_secs: 7200,
            retention_days: 183,
            acknowledge_days: meldpunt::case::ACKNOWLEDGE_DAYS,
            feedback_months: meldpunt::case::FEEDBACK_MONTHS,
        }))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_journey_in_dutch_by_keyboard_without_javascript() {
    reporter_journey(Lang::Nl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_journey_in_english_by_keyboard_without_javascript() {
    reporter_journey(Lang::En).await;
}

// ---------------------------------------------------------------------------
// The committee's journey: desk and portal in one browser, JavaScript off.

async fn committee_journey(lang: Lang) {
    let name = format!("committee-journey-{}", lang.code());
    let Some(browser) = Browser::find(&name) else {
        return;
    };
    let driver = Driver::start(&browser).await;
    let s = driver.session(false).await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    s.guard(&name, committee_steps(&s, &app, lang)).await;
    s.close().await;
}

async fn committee_steps(s: &Session, app: &TestApp, lang: Lang) {
    let t = lang.texts();
    s.assert_javascript_off().await;
    let member = Identity::generate();
    app.add_member("Anna de Vries", &member.to_public().to_string());
    let key = identity_file(app.dir.path(), "anna.txt", &member);
    let mark = marker();
    let what = report_text(lang, &mark);
    let reply = match lang {
        Lang::Nl => format!("Welke vrijwilligers kregen de dossiers? ({})", marker()),
        Lang::En => format!("Which volunteers received the files? ({})", marker()),
    };

    s.goto(&url(app, lang, "/report")).await;
    let code = send_report(s, lang, &what, None).await;

    // The desk opens with its launch link under its random path, drops the token
    // from the address and, on first use, shows the committee roster to confirm
    // before anything else.
    let desk = Desk::start(&app.base, &key, lang.code()).await;
    s.goto(&desk.launch_url).await;
    s.wait_for("#confirm-roster").await;
    assert_eq!(
        s.c.current_url().await.unwrap().as_str(),
        format!("{}/roster", desk.base)
    );
    assert_eq!(s.attr("html", "lang").await.as_deref(), Some(lang.code()));
    let cookies = s.c.get_all_cookies().await.unwrap();
    assert!(
        !cookies.is_empty()
            && cookies
                .iter()
                .all(|c| c.path() == Some(desk.prefix.as_str()) && c.http_only() == Some(true)),
        "the desk's session cookie is scoped to its random path: {:?}",
        cookies
            .iter()
            .map(|c| (c.name().to_owned(), c.path().map(str::to_owned)))
            .collect::<Vec<_>>()
    );
    assert!(
        !s.exists("tr.case-row").await,
        "no case before the roster is confirmed"
    );
    let roster = s.text("table#roster").await;
    assert!(
        roster.contains("Anna de Vries") && roster.contains(&member.to_public().to_string()),
        "the roster lists the member and her key"
    );
    assert!(
        roster.contains(&app.committee.to_public().to_string()),
        "the roster lists the server's recipients file"
    );
    assert!(!s.text("strong#fingerprint").await.is_empty());
    s.click("#confirm-roster").await;
    s.wait_for("tr.case-row").await;
    assert_eq!(
        s.c.current_url().await.unwrap().as_str(),
        format!("{}/", desk.base)
    );
    let reference = s.attr("tr.case-row", "data-reference").await.unwrap();

    // The launch link worked once: opened again (from the history, say) it opens
    // nothing, while the session goes on.
    s.goto(&desk.launch_url).await;
    s.wait_for("h1").await;
    assert!(
        !s.exists("tr.case-row").await,
        "a used launch link opens nothing"
    );
    s.goto(&format!("{}/", desk.base)).await;
    s.wait_for("tr.case-row").await;

    // Inbox → case: the decrypted report.
    s.click("tr.case-row a").await;
    s.wait_for("#thread").await;
    assert!(s.text("h1").await.contains(&reference));
    assert!(
        s.text("#thread").await.contains(&what),
        "the desk shows the report"
    );
    let received = s.text("#status").await;

    // Acknowledge, then reply.
    s.click("#acknowledge").await;
    s.wait_for(".notice[role=status]").await;
    assert!(!s.exists("#acknowledge").await, "acknowledged once");
    assert_ne!(s.text("#status").await, received);
    let file = app.dir.path().join(match lang {
        Lang::Nl => "vragenlijst.txt",
        Lang::En => "questions.txt",
    });
    let file_text = format!("1. Wie? 2. Wanneer? / 1. Who? 2. When? ({})\n", marker());
    std::fs::write(&file, &file_text).unwrap();
    let file_name = file.file_name().unwrap().to_str().unwrap().to_owned();
    s.fill("#reply", &reply).await;
    s.fill("#files", file.to_str().unwrap()).await;
    s.click("form[action$='/reply'] #send-button").await;
    s.wait_contains("#thread", &reply).await;
    assert_eq!(
        s.texts("#thread .message-text")
            .await
            .last()
            .map(String::as_str),
        Some(reply.as_str())
    );

    assert!(
        s.texts("#thread .file-name").await.contains(&file_name),
        "the desk lists the file of the reply"
    );

    // The reporter signs in and sees the reply, its file and the new status.
    s.goto(&url(app, lang, "/pickup")).await;
    s.fill("#code", &code).await;
    s.click("main form button[type=submit]").await;
    s.wait_h1(t.thread_title).await;
    assert_eq!(s.text("#status").await, Status::Acknowledged.label(t));
    assert!(s.exists("#acknowledged-on").await);
    assert_eq!(
        s.texts("ol.thread .message-author").await,
        vec![t.author_you.to_owned(), t.author_committee.to_owned()]
    );
    assert_eq!(
        s.texts("ol.thread .message-text")
            .await
            .last()
            .map(String::as_str),
        Some(reply.as_str())
    );
    assert_eq!(
        s.texts("ol.thread > li:last-child .file-name").await,
        vec![file_name.clone()]
    );

    // The file downloads in the reporter's browser, decrypted, as the member sent it.
    s.click("ol.thread > li:last-child .file a[download]").await;
    assert_eq!(s.downloaded(&file_name).await, file_text.as_bytes());
    drop(desk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committee_journey_in_dutch_without_javascript() {
    committee_journey(Lang::Nl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committee_journey_in_english_without_javascript() {
    committee_journey(Lang::En).await;
}

// ---------------------------------------------------------------------------
// The accessibility gate: every page and state, both languages.

const PASSPHRASE: &str = "een lange wachtwoordzin voor de browsertest";

/// A member whose key file is passphrase-protected, made with `meldpunt keygen`.
fn keygen_member(app: &TestApp) -> PathBuf {
    let (key, recipient) = common::keygen(app.dir.path(), PASSPHRASE);
    app.add_member("Bram Jansen", &recipient);
    key
}

async fn accessibility(lang: Lang) {
    let name = format!("accessibility-{}", lang.code());
    let Some(browser) = Browser::find(&name) else {
        return;
    };
    let Some(axe) = support::axe_source(&name) else {
        return;
    };
    let driver = Driver::start(&browser).await;
    let s = driver.session(true).await;
    let mut audit = Audit::new(axe, lang.code());
    s.guard(&name, audit_steps(&s, &mut audit, lang)).await;
    s.close().await;
    audit.finish();
}

async fn audit_steps(s: &Session, a: &mut Audit, lang: Lang) {
    let t = lang.texts();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let key = keygen_member(&app);
    let what = report_text(lang, &marker());
    let file = attachment(app.dir.path(), lang);
    a.check_the_checks(s).await;

    // Reporter pages.
    s.goto(&url(&app, lang, "/")).await;
    s.wait_h1(t.landing_title).await;
    a.page(s, "landing").await;
    a.focus_walk(s, "landing").await;

    s.goto(&url(&app, lang, "/report")).await;
    a.page(s, "form").await;
    a.focus_walk(s, "form").await;
    s.click("form.report-form button[type=submit]").await;
    s.wait_for("#error-summary").await;
    a.page(s, "form-errors").await;
    a.focus_walk(s, "form-errors").await;
    s.fill("#files", file.to_str().unwrap()).await;
    s.click("form.report-form button[type=submit]").await;
    s.wait_for("#files-again").await;
    a.page(s, "form-errors-choose-files-again").await;

    s.goto(&url(&app, lang, "/report")).await;
    let code = send_report(s, lang, &what, Some(&file)).await;
    assert!(
        s.exists(".file-list .file").await,
        "the receipt lists the file"
    );
    a.page(s, "receipt").await;

    s.goto(&url(&app, lang, "/pickup")).await;
    a.page(s, "pickup").await;
    a.focus_walk(s, "pickup").await;
    s.fill("#code", "ABCDE").await;
    s.click("main form button[type=submit]").await;
    s.wait_for("#error-summary").await;
    a.page(s, "pickup-error").await;
    s.find("#code").await.clear().await.unwrap();
    s.fill("#code", &code).await;
    s.click("main form button[type=submit]").await;
    s.wait_h1(t.thread_title).await;
    assert!(
        s.exists(".file a[download]").await,
        "the thread links the file"
    );
    a.page(s, "thread").await;
    a.focus_walk(s, "thread").await;
    s.click("form[action$='/thread'] button[type=submit]").await;
    s.wait_for("#error-summary").await;
    a.page(s, "thread-followup-error").await;
    s.fill("#followup", "Nog een vraag / one more question")
        .await;
    s.click("form[action$='/thread'] button[type=submit]").await;
    s.wait_for(".notice[role=status]").await;
    a.page(s, "thread-followup-sent").await;

    // A second report, withdrawn: the confirmation, its error, done; the desk
    // below lists it as withdrawn. Then signed in with the first code again.
    let w = t.withdraw;
    s.goto(&url(&app, lang, "/report")).await;
    let second = send_report(s, lang, &report_text(lang, &marker()), None).await;
    s.goto(&url(&app, lang, "/pickup")).await;
    s.fill("#code", &second).await;
    s.click("main form button[type=submit]").await;
    s.wait_h1(t.thread_title).await;
    s.click("a#withdraw-link").await;
    s.wait_h1(w.confirm_title).await;
    a.page(s, "withdraw-confirm").await;
    a.focus_walk(s, "withdraw-confirm").await;
    s.click("main form button[type=submit]").await;
    s.wait_for("#error-summary").await;
    a.page(s, "withdraw-not-ticked").await;
    s.click("#confirm").await;
    s.click("main form button[type=submit]").await;
    s.wait_h1(w.done_title).await;
    a.page(s, "withdrawn").await;
    s.goto(&url(&app, lang, "/pickup")).await;
    s.fill("#code", &code).await;
    s.click("main form button[type=submit]").await;
    s.wait_h1(t.thread_title).await;

    // Desk pages, with a passphrase-protected key.
    let desk = Desk::start(&app.base, &key, lang.code()).await;
    s.goto(&format!("{}/?launch=00", desk.base)).await;
    a.page(s, "desk-forbidden").await;
    s.goto(&desk.launch_url).await;
    s.wait_for("#passphrase").await;
    a.page(s, "desk-unlock").await;
    s.fill("#passphrase", "not the passphrase").await;
    s.click("main form button[type=submit]").await;
    s.wait_for("#error-summary").await;
    a.page(s, "desk-unlock-error").await;
    s.fill("#passphrase", PASSPHRASE).await;
    s.click("main form button[type=submit]").await;
    // First use: the committee roster, its fingerprint and the confirmation.
    s.wait_for("#confirm-roster").await;
    assert!(s.text("table#roster").await.contains("Bram Jansen"));
    a.page(s, "desk-roster-first-use").await;
    a.focus_walk(s, "desk-roster-first-use").await;
    s.click("#confirm-roster").await;
    s.wait_for("tr.case-row").await;
    assert!(
        s.exists("tr.withdrawal-row").await,
        "the desk lists the withdrawal"
    );
    a.page(s, "desk-inbox").await;
    a.focus_walk(s, "desk-inbox").await;
    s.goto(&format!("{}/?status=closed", desk.base)).await;
    a.page(s, "desk-inbox-empty").await;
    s.goto(&format!("{}/", desk.base)).await;
    s.click("tr.case-row a").await;
    s.wait_for("#thread").await;
    a.page(s, "desk-case").await;
    a.focus_walk(s, "desk-case").await;
    s.click("#acknowledge").await;
    s.wait_for(".notice[role=status]").await;
    a.page(s, "desk-case-saved").await;
    s.click("form[action$='/reply'] #send-button").await;
    s.wait_for("#error-summary").await;
    a.page(s, "desk-case-error").await;
    s.fill("#reply", "Welke vrijwilligers? / Which volunteers?")
        .await;
    s.click("form[action$='/reply'] #preview-button").await;
    s.wait_for("#preview").await;
    a.page(s, "desk-case-reply-preview").await;
    s.fill("#files", file.to_str().unwrap()).await;
    s.click("form[action$='/reply'] #send-button").await;
    s.wait_contains("#thread", "Which volunteers?").await;
    assert!(s.exists("#thread .file a[download]").await);
    a.page(s, "desk-case-replied-with-file").await;

    // The committee changes: the desk shows what changed and asks again.
    app.add_member("Carla Smit", &Identity::generate().to_public().to_string());
    s.goto(&format!("{}/", desk.base)).await;
    s.wait_for("#roster-added").await;
    assert!(s.text("#roster-added").await.contains("Carla Smit"));
    assert!(s.exists("#old-fingerprint").await && s.exists("#fingerprint").await);
    a.page(s, "desk-roster-changed").await;
    a.focus_walk(s, "desk-roster-changed").await;
    // It changes again while the member reads: what was shown is not confirmed.
    app.add_member("Daan Visser", &Identity::generate().to_public().to_string());
    s.click("#confirm-roster").await;
    s.wait_for("#error-summary").await;
    assert!(s.text("#roster-added").await.contains("Daan Visser"));
    a.page(s, "desk-roster-changed-while-reading").await;
    s.click("#confirm-roster").await;
    s.wait_for("tr.case-row").await;
    s.goto(&format!("{}/roster", desk.base)).await;
    s.wait_for("table#roster").await;
    assert!(
        !s.exists("#confirm-roster").await,
        "confirmed: nothing to confirm"
    );
    a.page(s, "desk-roster-confirmed").await;

    s.goto(&format!("{}/stats", desk.base)).await;
    s.wait_for("#per-status").await;
    a.page(s, "desk-stats").await;
    s.goto(&format!("{}/notifications", desk.base)).await;
    s.wait_for("#notify-current").await;
    a.page(s, "desk-notifications").await;
    a.focus_walk(s, "desk-notifications").await;
    s.fill("#email", "lid@example.org").await;
    s.click("form[action$='/notifications'] button[type=submit]")
        .await;
    s.wait_for(".notice[role=status]").await;
    assert!(s.text("#notify-current").await.contains("lid@example.org"));
    a.page(s, "desk-notifications-saved").await;
    s.goto(&format!("{}/no-such-page", desk.base)).await;
    a.page(s, "desk-not-found").await;
    s.goto(&format!("{}/", desk.base)).await;
    let inbox = s.text("h1").await;
    s.click(&format!("form[action='{}'] button", desk.path("/sign-out")))
        .await;
    s.wait_new_h1(&inbox).await;
    assert!(!s.exists("nav").await, "signed out: no menu");
    a.page(s, "desk-signed-out").await;
    drop(desk);

    // The reporter reads the reply, signs out; a page that does not exist.
    s.goto(&url(&app, lang, "/thread")).await;
    s.wait_h1(t.thread_title).await;
    assert!(s.exists(".message-committee").await);
    a.page(s, "thread-with-reply").await;
    s.click("form.sign-out button").await;
    s.wait_h1(t.signed_out_title).await;
    a.page(s, "signed-out").await;
    s.goto(&url(&app, lang, "/no-such-page")).await;
    s.wait_h1(t.not_found_title).await;
    a.page(s, "not-found").await;
    s.goto(&url(&app, lang, meldpunt::i18n::PRIVACY_PATH)).await;
    s.wait_h1(t.privacy.title).await;
    a.page(s, "privacy").await;
    a.focus_walk(s, "privacy").await;

    // Too large: a portal that takes text forms of at most 4 KiB, and a long text
    // in the pickup form.
    let small = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            extra_args: vec!["--max-body-bytes".into(), "4096".into()],
            ..Options::default()
        },
    )
    .await;
    s.goto(&url(&small, lang, "/pickup")).await;
    s.c.execute(
        "document.getElementById('code').value = 'x'.repeat(6000)",
        vec![],
    )
    .await
    .unwrap();
    s.click("main form button[type=submit]").await;
    s.wait_h1(t.too_large_title).await;
    a.page(s, "too-large").await;

    // Too large, with a file: a portal that takes files of at most 1 MiB, and one
    // of 2 MiB.
    let strict = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            extra_args: vec!["--max-file-mib".into(), "1".into()],
            ..Options::default()
        },
    )
    .await;
    let big = strict.dir.path().join("scan.pdf");
    std::fs::write(&big, vec![b'x'; 2 * 1024 * 1024]).unwrap();
    s.goto(&url(&strict, lang, "/report")).await;
    choose_role(s, "social-worker").await;
    s.click("#concern-0").await;
    s.fill("#what", &what).await;
    s.fill("#files", big.to_str().unwrap()).await;
    s.click("form.report-form button[type=submit]").await;
    s.wait_h1(t.too_large_title).await;
    a.page(s, "too-large-file").await;

    // Too many: a portal that allows one POST, and two.
    let limited = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            rate_burst: 1,
            ..Options::default()
        },
    )
    .await;
    s.goto(&url(&limited, lang, "/report")).await;
    s.click("form.report-form button[type=submit]").await;
    s.wait_for("#error-summary").await;
    s.click("form.report-form button[type=submit]").await;
    s.wait_h1(t.too_many_title).await;
    a.page(s, "too-many").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_accessibility_gate_in_dutch() {
    accessibility(Lang::Nl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_accessibility_gate_in_english() {
    accessibility(Lang::En).await;
}
