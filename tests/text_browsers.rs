//! Issue 14: the reporter's pages in real text browsers. Lynx and w3m run in a tmux
//! pane (they need a terminal) against the real portal on SQLite; the tests press keys
//! as a reporter would and read the screen as the reporter sees it. What lynx sends is
//! then read back from the database: the stored report must hold exactly the answers
//! given, and a sign-out must end the session row.
//!
//! Two things went wrong in lynx before the forms were changed for it: the sign-out
//! form had no fields, so lynx sent it as a GET (405) and the session stayed alive;
//! and lynx marked the first option of a radio group with none checked as chosen, so
//! a report went out with answers the reporter never picked. A third showed up here:
//! lynx ignores `Cache-Control: no-store` and, after sign-out, showed the thread again
//! from its memory cache; the portal now also sends `no-cache`, which lynx honours.
//!
//! Lynx is driven with its fields numbered and text fields that need activation
//! (`-number_fields -tna`): typing a number and `g` moves to that field, and no key
//! meant as a command lands in a text field. The numbers are read off the screen
//! next to the label the reporter reads. w3m is driven by searching for a label and
//! pressing Enter on what the cursor lands on. The driving is in
//! `text_browsers/drive.rs`.
//!
//! Without lynx, w3m or tmux the tests say SKIPPED; with CI=true that is a failure.

mod common;
#[path = "text_browsers/drive.rs"]
mod drive;

use common::{Backend, TestApp};
use drive::{Lynx, W3m, available, button, button_number, find_code, number_after, number_before};
use meldpunt::case::{Body, Concern, Envelope, Report, Role};
use meldpunt::crypto;
use meldpunt::i18n::{Lang, Texts};
use meldpunt::pickup::PickupCode;

/// The report in the first message of `case`, opened with the committee's key.
fn stored_report(app_committee: &crypto::Identity, case: &str, ciphertext: &[u8]) -> Report {
    let plain = crypto::open(ciphertext, app_committee).expect("sealed to the committee");
    match Envelope::from_bytes(&plain, case, 1)
        .expect("an envelope")
        .body
    {
        Body::Report(report) => report,
        Body::Text { .. } => panic!("the first message is a report, not a text"),
    }
}

/// What the test writes as the report: plain words and a marker no page holds.
fn report_text(lang: Lang) -> String {
    let mark = crypto::hex(&crypto::random_bytes::<4>());
    match lang {
        Lang::Nl => format!("Het team deelt dossiers met vrijwilligers {mark}"),
        Lang::En => format!("The team shares client files with volunteers {mark}"),
    }
}

/// The report journey in lynx: send the form empty, read the errors, fill in the role,
/// one concern and what happened, leave the optional questions as they are, send.
/// Returns the pickup code as lynx showed it on the receipt.
async fn lynx_reports(lang: Lang, lynx: &mut Lynx) -> (String, Report) {
    let t: &Texts = lang.texts();
    let form = lynx
        .term
        .wait_for("the report form", &button(t.submit_button))
        .await;

    // Sent with no answer at all: the form comes back with an error at each required
    // question, each starting with "Fout:"/"Error:" so it reads as an error.
    lynx.activate(button_number(&form, t.submit_button));
    let errors = lynx
        .term
        .wait_for("the form with errors", t.error_summary_title)
        .await;
    for message in [
        t.err_role_missing,
        t.err_concern_missing,
        t.err_what_missing,
    ] {
        let line = format!("{} {message}", t.error_prefix);
        assert!(
            errors.contains(&line),
            "the error page shows {line:?}:\n{}",
            lynx.term.printable(&errors)
        );
    }
    assert!(
        errors.contains(t.submit_button) && errors.contains(t.what_label),
        "the form is shown again:\n{}",
        lynx.term.printable(&errors)
    );

    let role = Role::Volunteer;
    let concern = Concern::ALL[1];
    let what = report_text(lang);
    // The list's first option is the empty "choose one".
    let option = 2 + Role::ALL.iter().position(|r| *r == role).unwrap();
    lynx.choose(number_after(&errors, t.role_legend), option, role.label(t))
        .await;
    lynx.tick(number_before(&errors, concern.label(t))).await;
    lynx.fill(number_after(&errors, t.what_label), &what);
    lynx.activate(button_number(&errors, t.submit_button));

    let receipt = lynx.term.wait_for("the receipt", t.receipt_title).await;
    let code = find_code(&receipt).expect("the receipt shows a pickup code");
    lynx.term.keep_secret(&code);
    let expected = Report {
        role: Some(role),
        concerns: vec![concern],
        what,
        ..Report::default()
    };
    (code, expected)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lynx_sends_a_report_with_exactly_the_answers_given_after_seeing_the_errors() {
    let name = "lynx_sends_a_report_with_exactly_the_answers_given_after_seeing_the_errors";
    if !available(name, "lynx", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut lynx = Lynx::start(&format!("{}/report", app.base));
    let (code, expected) = lynx_reports(Lang::Nl, &mut lynx).await;

    let messages = app.stored_messages().await;
    assert_eq!(messages.len(), 1, "one message stored");
    let (case, seq, kind, ciphertext) = &messages[0];
    assert_eq!((*seq, kind.as_str()), (1, "reporter"));
    let report = stored_report(&app.committee, case, ciphertext);
    // Compared whole: the optional questions (ongoing, hope) stay unanswered and no
    // text field holds anything the reporter did not type.
    assert!(
        report == expected,
        "the stored report holds exactly the answers given (role {:?}, concerns {:?}, \
         ongoing {:?}, hope {:?}; the text {})",
        report.role,
        report.concerns,
        report.ongoing,
        report.hope,
        if report.what == expected.what {
            "as typed"
        } else {
            "differs"
        },
    );
    assert_eq!(report.ongoing, None);
    assert_eq!(report.hope, None);

    // The code lynx showed is the report's: its reporter key opens the report.
    let salt = app.installation_salt().await;
    let reporter = PickupCode::parse(&code)
        .expect("the code on lynx's screen parses")
        .derive(&salt)
        .identity;
    assert!(crypto::open(ciphertext, &reporter).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lynx_signs_in_with_the_code_from_its_receipt_and_signing_out_ends_the_session() {
    let name = "lynx_signs_in_with_the_code_from_its_receipt_and_signing_out_ends_the_session";
    if !available(name, "lynx", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let lang = Lang::En;
    let t = lang.texts();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut lynx = Lynx::start(&format!("{}{}", app.base, lang.path("/report")));
    let (code, _) = lynx_reports(lang, &mut lynx).await;

    // The code is typed back as it was read off the receipt.
    lynx.open(&format!("{}{}", app.base, lang.path("/pickup")));
    let pickup = lynx
        .term
        .wait_for("the pickup page", &button(t.pickup_button))
        .await;
    lynx.fill(number_after(&pickup, t.code_label), &code);
    lynx.activate(button_number(&pickup, t.pickup_button));
    let thread = lynx
        .term
        .wait_for("the thread", &button(t.signout_button))
        .await;
    assert_eq!(app.count("reporter_sessions").await, 1, "signed in");

    lynx.activate(button_number(&thread, t.signout_button));
    lynx.term.wait_for("signing out", t.signed_out_title).await;
    assert_eq!(
        app.count("reporter_sessions").await,
        0,
        "the session row is gone"
    );

    // The same browser, with whatever cookies it kept, gets the pickup page.
    lynx.open(&format!("{}{}", app.base, lang.path("/thread")));
    let after = lynx
        .term
        .wait_for("the thread after signing out", &button(t.pickup_button))
        .await;
    assert!(
        after.contains(t.pickup_title) && !after.contains(&button(t.signout_button)),
        "the pickup page, not the thread:\n{}",
        lynx.term.printable(&after)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w3m_signs_in_with_a_code_and_signing_out_ends_the_session() {
    let name = "w3m_signs_in_with_a_code_and_signing_out_ends_the_session";
    if !available(name, "w3m", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let lang = Lang::Nl;
    let t = lang.texts();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app.submit_code(&lang.path(""), "Melding voor w3m").await;
    let mut w3m = W3m::start(&format!("{}{}", app.base, lang.path("/pickup")));
    w3m.term.keep_secret(&code);
    w3m.wait_for_page("the pickup page", t.pickup_title).await;

    // From the label to the field, Enter opens w3m's line editor for it.
    w3m.search(t.code_label);
    w3m.term.press(&["Tab", "Enter"]);
    w3m.term.wait_for("editing the code field", "TEXT:").await;
    w3m.term.type_secret(&code);
    w3m.term.press(&["Enter"]);
    w3m.search(t.pickup_button);
    w3m.term.press(&["Enter"]);
    w3m.wait_for_page("the thread", t.thread_title).await;
    assert_eq!(app.count("reporter_sessions").await, 1, "signed in");

    w3m.search(t.signout_button);
    w3m.term.press(&["Enter"]);
    w3m.wait_for_page("signing out", t.signed_out_title).await;
    assert_eq!(
        app.count("reporter_sessions").await,
        0,
        "the session row is gone"
    );

    w3m.open(&format!("{}{}", app.base, lang.path("/thread")));
    w3m.wait_for_page("the thread after signing out", t.pickup_title)
        .await;
}
