//! The reporter's whole journey through the real server, in Dutch and English, on
//! SQLite and PostgreSQL.

mod common;

use common::{TestApp, attr, form_token, text, texts};
use meldpunt::case::Envelope;
use meldpunt::crypto;
use meldpunt::pickup::PickupCode;

async fn journey(app: &TestApp, prefix: &str, received: &str, you: &str) {
    // The form, then the receipt with a code and both dates.
    let receipt = app
        .submit(
            prefix,
            common::full_report("Het wijkteam deelde dossiers met vrijwilligers."),
        )
        .await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    assert_eq!(receipt.header("cache-control"), Some("no-store, no-cache"));
    let page = receipt.html();
    let code = common::pickup_code(&page);
    assert!(
        regex_like_code(&code),
        "the receipt shows a code in five groups of five"
    );
    assert!(!text(&page, "#acknowledge-by").is_empty());
    assert!(!text(&page, "#feedback-by").is_empty());

    // Coming back: the code typed in lower case with spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let cookie = app.sign_in(prefix, &typed).await;
    let thread = app.get(&format!("{prefix}/thread"), Some(&cookie)).await;
    assert_eq!(thread.status, 200);
    assert_eq!(thread.header("cache-control"), Some("no-store, no-cache"));
    let page = thread.html();
    assert_eq!(text(&page, "#status"), received);
    assert!(
        texts(&page, "dl.report-summary dd")
            .iter()
            .any(|t| t == "Het wijkteam deelde dossiers met vrijwilligers."),
        "the thread shows the report decrypted"
    );

    // A follow-up, then the thread shows both messages in order.
    let token = form_token(&page);
    let sent = app
        .post_form(
            &format!("{prefix}/thread"),
            &[
                ("form_token".into(), token),
                ("text".into(), "Ook de gemeente vroeg om gegevens.".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303);
    let location = sent.header("location").unwrap().to_owned();
    let thread = app.get(&location, Some(&cookie)).await;
    let page = thread.html();
    let authors = texts(&page, "ol.thread article .message-author");
    assert_eq!(authors, vec![you.to_owned(), you.to_owned()]);
    assert_eq!(
        texts(&page, "ol.thread article .message-text")
            .last()
            .unwrap(),
        "Ook de gemeente vroeg om gegevens."
    );
    assert_eq!(
        attr(&page, "html", "lang").unwrap(),
        if prefix.is_empty() { "nl" } else { "en" }
    );

    // Signing out ends the session: the same cookie no longer opens the thread.
    let out = app
        .post_form(&format!("{prefix}/sign-out"), &[], Some(&cookie))
        .await;
    assert_eq!(out.status, 200);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let after = app.get(&format!("{prefix}/thread"), Some(&cookie)).await;
    assert!(
        after
            .html()
            .select(&scraper::Selector::parse("ol.thread").unwrap())
            .next()
            .is_none()
    );
    assert!(!after.body.contains("Ook de gemeente"));
}

fn regex_like_code(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() == 5
        && groups.iter().all(|g| {
            g.len() == 5
                && g.chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        })
}

on_both_databases!(
    async fn a_reporter_submits_comes_back_and_follows_up_in_dutch_and_english(backend) {
        let app = TestApp::spawn(backend).await;
        journey(&app, "", "Ontvangen", "Jij").await;
        journey(&app, "/en", "Received", "You").await;
        assert_eq!(app.count("cases").await, 2);
        assert_eq!(app.count("messages").await, 4);
        assert_eq!(app.count("reporter_sessions").await, 0);
    }
);

on_both_databases!(
    async fn every_stored_message_opens_for_the_committee_and_the_code_but_not_a_stranger(backend) {
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("", "Eerste melding").await;
        let cookie = app.sign_in("", &code).await;
        let thread = app.get("/thread", Some(&cookie)).await;
        app.post_form(
            "/thread",
            &[("form_token".into(), form_token(&thread.html())), ("text".into(), "Aanvulling".into())],
            Some(&cookie),
        )
        .await;

        let salt = app.installation_salt().await;
        let reporter = PickupCode::parse(&code).unwrap().derive(&salt).identity;
        let stranger = crypto::Identity::generate();
        let messages = app.stored_messages().await;
        assert_eq!(messages.len(), 2);
        for (case_id, seq, _, ciphertext) in &messages {
            assert!(ciphertext.starts_with(b"age-encryption.org/v1\n"));
            let by_committee = crypto::open(ciphertext, &app.committee).unwrap();
            let by_reporter = crypto::open(ciphertext, &reporter).unwrap();
            assert_eq!(*by_committee, *by_reporter);
            Envelope::from_bytes(&by_committee, case_id, *seq).unwrap();
            assert!(crypto::open(ciphertext, &stranger).is_err());
            // Sealed to exactly the committee key and the reporter key.
            let header = String::from_utf8_lossy(&ciphertext[..ciphertext.len().min(2000)]).into_owned();
            assert_eq!(header.matches("\n-> X25519 ").count(), 2);
        }
    }
);

on_both_databases!(
    async fn a_message_moved_to_another_case_fails_to_open_there(backend) {
        let app = TestApp::spawn(backend).await;
        app.submit_code("", "Melding A").await;
        app.submit_code("", "Melding B").await;
        let messages = app.stored_messages().await;
        let (case_a, seq_a, _, ct_a) = &messages[0];
        let (case_b, _, _, _) = &messages[1];
        let plain = crypto::open(ct_a, &app.committee).unwrap();
        assert!(Envelope::from_bytes(&plain, case_a, *seq_a).is_ok());
        assert!(Envelope::from_bytes(&plain, case_b, *seq_a).is_err());
    }
);
