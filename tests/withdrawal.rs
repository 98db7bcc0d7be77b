//! Withdrawal: a signed-in reporter withdraws the report after a page that says
//! what will happen; the case, its messages and files are deleted at once through
//! the purge path, the code gets the same page as any unknown code, the ciphertext
//! is gone from the SQLite file and its WAL, the desk shows only the reference and
//! the day, and a second submit of the same form changes nothing.

mod common;

use common::{Desk, TestApp, attr, file_part, form_token, identity_file, text};
use meldpunt::crypto::Identity;
use meldpunt::storage::Storage;

/// A piece of a stored ciphertext (away from the 256 KiB chunk boundaries), to look
/// for in the database file afterwards.
fn fragment(ciphertext: &[u8]) -> Vec<u8> {
    let at = ciphertext.len() / 3;
    ciphertext[at..at + 64].to_vec()
}

on_both_databases!(
    async fn a_reporter_withdraws_the_report_and_it_is_gone_at_once_leaving_the_desk_only_the_reference_and_day(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let anna = Identity::generate();
        app.add_member("Anna", &anna.to_public().to_string());
        let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
        let file: Vec<u8> = b"kanarie-bestand ".iter().cycle().take(300_000).copied().collect();
        let code = app
            .submit_code_with_files("", "kanarie-melding-7f3a", [file_part("bewijs.txt", file)])
            .await;
        let keep = app.submit_code("", "Deze melding blijft").await;
        let storage = Storage::connect(&app.database_url).await.unwrap();
        let salt = app.installation_salt().await;
        let lookup = meldpunt::pickup::PickupCode::parse(&code).unwrap().derive(&salt).lookup;
        let case = storage.case_by_lookup(&lookup).await.unwrap().unwrap();
        let message = storage.messages(&case.id).await.unwrap().remove(0).ciphertext;
        let chunks = common::stored_files(&app.db().await).await;
        let file_fragment = fragment(chunks.iter().max_by_key(|c| c.len()).unwrap());
        let message_fragment = fragment(&message);
        assert_eq!(app.count("attachments").await, 1);
        // The check below bites: before the withdrawal both pieces are in the file.
        if let Some(db) = app.sqlite_path() {
            let pool = app.db().await;
            sqlx::query("pragma wal_checkpoint(truncate)").execute(&pool).await.unwrap();
            pool.close().await;
            assert!(common::file_contains(&db, &message_fragment));
            assert!(common::file_contains(&db, &file_fragment));
        }

        // The thread links to a page that says what will happen; nothing is gone yet.
        let cookie = app.sign_in("", &code).await;
        let thread = app.get("/thread", Some(&cookie)).await.html();
        assert_eq!(attr(&thread, "a#withdraw-link", "href").as_deref(), Some("/withdraw"));
        let confirm = app.get("/withdraw", Some(&cookie)).await;
        assert_eq!(confirm.status, 200);
        let page = confirm.html();
        assert_eq!(text(&page, "h1"), "Weet je zeker dat je je melding wilt intrekken?");
        assert_eq!(attr(&page, "main form", "method").as_deref(), Some("post"));
        assert_eq!(attr(&page, "main form", "action").as_deref(), Some("/withdraw"));
        let token = form_token(&page);

        // Without the box ticked: the page again with the problem, nothing deleted.
        let r = app
            .post_form("/withdraw", &[("form_token".into(), token.clone())], Some(&cookie))
            .await;
        assert_eq!(r.status, 422);
        assert!(attr(&r.html(), "#confirm-error", "id").is_some());
        assert_eq!(app.count("cases").await, 2);
        let token = form_token(&r.html());

        // Withdrawn: the same form sent twice at once, as a double click does.
        let form = vec![
            ("form_token".to_owned(), token.clone()),
            ("confirm".to_owned(), "yes".to_owned()),
        ];
        let (first, second) = tokio::join!(
            app.post_form("/withdraw", &form, Some(&cookie)),
            app.post_form("/withdraw", &form, Some(&cookie)),
        );
        for r in [&first, &second] {
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let done = [&first, &second]
            .iter()
            .filter(|r| text(&r.html(), "h1") == "Je melding is ingetrokken")
            .count();
        assert!(done >= 1, "at least one answer says it is withdrawn");
        assert!(first.header("set-cookie").unwrap().contains("Max-Age=0"));
        assert_eq!(app.count("cases").await, 1, "only the other case is left");
        assert_eq!(app.count("messages").await, 1);
        assert_eq!(app.count("attachments").await, 0);
        assert_eq!(app.count("attachment_chunks").await, 0);
        assert_eq!(app.count("withdrawals").await, 1);
        assert_eq!(app.count("reporter_sessions").await, 0, "the session ended with it");
        // And once more later, after the answer: harmless, nothing changes.
        let again = app.post_form("/withdraw", &form, Some(&cookie)).await;
        assert_eq!(again.status, 200);
        assert_eq!(app.count("cases").await, 1);
        assert_eq!(app.count("withdrawals").await, 1);
        app.sign_in("", &keep).await;

        // The code now gets exactly the page of a code that never existed.
        let gone = app.post_form("/pickup", &[("code".into(), code.clone())], None).await;
        let unknown_code = meldpunt::pickup::PickupCode::generate().display();
        let unknown = app
            .post_form("/pickup", &[("code".into(), unknown_code.as_str().to_owned())], None)
            .await;
        assert_eq!(gone.status, 422);
        assert!(gone.session_cookie().is_none());
        assert_eq!(gone.body, unknown.body);

        // The desk shows the reference and the day, and nothing else of it.
        let desk = Desk::open(&app.base, &anna_file, "nl").await;
        let inbox = desk.get("/").await;
        let html = inbox.html();
        let row = format!("tr.withdrawal-row[data-reference=\"{}\"]", case.reference);
        let today = meldpunt::i18n::Lang::Nl.date(time::OffsetDateTime::now_utc().date());
        assert_eq!(text(&html, &row), format!("{} {today}", case.reference));
        assert_eq!(common::texts(&html, "tr.case-row").len(), 1);
        assert!(!inbox.body.contains("kanarie"));

        // The ciphertext of the report and of its file is gone from the SQLite file
        // and its WAL after a checkpoint (secure_delete). PostgreSQL keeps dead tuples
        // until it vacuums; they hold ciphertext only (see docs/security-tests.md).
        let Some(db) = app.sqlite_path() else {
            return;
        };
        let pool = app.db().await;
        sqlx::query("pragma wal_checkpoint(truncate)").execute(&pool).await.unwrap();
        pool.close().await;
        storage.close().await;
        for path in [db.clone(), db.with_extension("db-wal")] {
            for (what, needle) in [("report", &message_fragment), ("file", &file_fragment)] {
                assert!(
                    !common::file_contains(&path, needle),
                    "{} still holds the withdrawn {what}'s ciphertext",
                    path.display()
                );
            }
        }
    }
);

on_both_databases!(
    async fn the_withdrawal_form_needs_its_token_and_a_session(backend) {
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("/en", "Blijft staan").await;
        let cookie = app.sign_in("/en", &code).await;
        let page = app.get("/en/withdraw", Some(&cookie)).await;
        assert_eq!(page.status, 200);
        assert_eq!(text(&page.html(), "h1"), "Are you sure you want to withdraw your report?");
        // No token, or a follow-up form's token: refused, nothing deleted.
        let thread = app.get("/en/thread", Some(&cookie)).await.html();
        let follow_up_token = form_token(&thread);
        for token in [String::new(), follow_up_token] {
            let r = app
                .post_form(
                    "/en/withdraw",
                    &[("form_token".into(), token), ("confirm".into(), "yes".into())],
                    Some(&cookie),
                )
                .await;
            assert_eq!(r.status, 400);
        }
        // Without a session: the sign-in page, nothing deleted.
        let token = form_token(&page.html());
        let r = app
            .post_form(
                "/en/withdraw",
                &[("form_token".into(), token), ("confirm".into(), "yes".into())],
                None,
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(text(&r.html(), "h1"), "Open your report with your code");
        assert_eq!(app.count("cases").await, 1);
        assert_eq!(app.count("withdrawals").await, 0);
        // Without a session the confirmation page is the sign-in page too.
        let r = app.get("/en/withdraw", None).await;
        assert_ne!(r.status, 200, "no confirmation page without a session");
    }
);
