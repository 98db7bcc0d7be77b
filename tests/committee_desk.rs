//! Both sides of a case over real processes: the portal, the committee desk on
//! loopback, and the reporter's browser requests.

mod common;

use std::process::Command;

use common::{Desk, TestApp, form_token, identity_file, text, texts};
use meldpunt::crypto::{self, Identity};
use meldpunt::pickup::PickupCode;
use sqlx::Row;

/// A portal with an offline backup key in the recipients file and one member, Anna.
async fn portal_with_member(backend: common::Backend) -> (TestApp, Identity, std::path::PathBuf) {
    let app = TestApp::spawn(backend).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let file = identity_file(app.dir.path(), "anna.txt", &anna);
    (app, anna, file)
}

fn acknowledged() -> &'static str {
    meldpunt::case::Status::Acknowledged.label(meldpunt::i18n::Lang::En.texts())
}

fn case_link(page: &scraper::Html, reference: &str) -> String {
    let sel = scraper::Selector::parse(&format!("tr[data-reference=\"{reference}\"] a")).unwrap();
    page.select(&sel)
        .next()
        .expect("the case is in the inbox")
        .value()
        .attr("href")
        .unwrap()
        .to_owned()
}

on_both_databases!(
    async fn the_committee_answers_through_the_desk_and_the_reporter_reads_it(backend) {
        let (app, anna, anna_file) = portal_with_member(backend).await;
        // An older case that is not yet due, then the new one.
        let code = app.submit_code("/en", "The neighbourhood team shares client files with volunteers.").await;
        let desk = Desk::open(&app.base, &anna_file, "en").await;

        // The inbox lists the case first: it must be acknowledged this week.
        let inbox = desk.get("/").await;
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        let page = inbox.html();
        let rows = texts(&page, "tr.case-row td:first-child");
        assert_eq!(rows.len(), 1);
        let reference = rows[0].clone();
        assert_eq!(texts(&page, "tr.case-row td.unread"), vec!["1"]);
        assert_eq!(texts(&page, "tr.case-row .flag-due"), vec!["Due this week"]);
        let link = case_link(&page, &reference);

        // The case page shows the decrypted report; acknowledge, ask, note.
        let case = desk.get(&link).await;
        let page = case.html();
        assert!(texts(&page, "#thread .message-text").iter().any(|t| t.contains("shares client files")));
        let ack = desk.post(&format!("{link}/acknowledge"), &page, &[]).await;
        assert_eq!(ack.status, 303, "{}", ack.body);
        let reply = desk.post(&format!("{link}/reply"), &page, &[("text", "Which volunteers received the files?")]).await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let note = desk.post(&format!("{link}/note"), &page, &[("text", "Internal: check the team's consent forms")]).await;
        assert_eq!(note.status, 303);
        let after = desk.get(&link).await.html();
        assert_eq!(text(&after, "#status"), "Acknowledged");
        assert_eq!(texts(&after, "#notes .message-text"), vec!["Internal: check the team's consent forms"]);
        assert_eq!(texts(&after, "#thread .message-text").last().unwrap(), "Which volunteers received the files?");

        // The reporter sees the question, the new status and both dates; not the note.
        let cookie = app.sign_in("/en", &code).await;
        let thread = app.get("/en/thread", Some(&cookie)).await;
        let page = thread.html();
        assert_eq!(text(&page, "#status"), acknowledged());
        assert!(!text(&page, "#acknowledged-on").is_empty());
        assert!(!text(&page, "#feedback-by").is_empty());
        let authors = texts(&page, "ol.thread .message-author");
        assert_eq!(authors, vec!["You", "The committee"]);
        assert_eq!(texts(&page, "ol.thread .message-text").last().unwrap(), "Which volunteers received the files?");
        assert!(!thread.body.contains("consent forms"));

        // The reporter answers; the desk shows it as unread.
        let answered = app
            .post_form(
                "/en/thread",
                &[("form_token".into(), form_token(&page)), ("text".into(), "Two volunteers of the food bank.".into())],
                Some(&cookie),
            )
            .await;
        assert_eq!(answered.status, 303);
        let inbox = desk.get("/").await.html();
        assert_eq!(texts(&inbox, "tr.case-row td.unread"), vec!["1"]);
        let case = desk.get(&link).await.html();
        assert_eq!(texts(&case, "#thread .message-text").last().unwrap(), "Two volunteers of the food bank.");
        assert_eq!(texts(&desk.get("/").await.html(), "tr.case-row td.unread"), vec!["0"]);

        // The note is sealed to the committee only: the reporter's key cannot open it.
        let salt = app.installation_salt().await;
        let reporter = PickupCode::parse(&code).unwrap().derive(&salt).identity;
        let messages = app.stored_messages().await;
        let notes: Vec<_> = messages.iter().filter(|m| m.2 == "note").collect();
        assert_eq!(notes.len(), 1);
        assert!(crypto::open(&notes[0].3, &reporter).is_err());
        assert!(crypto::open(&notes[0].3, &anna).is_ok());
        assert!(crypto::open(&notes[0].3, &app.committee).is_ok(), "the backup key in the recipients file reads notes too");
        for (_, _, kind, ct) in &messages {
            if kind != "note" {
                assert!(crypto::open(ct, &reporter).is_ok());
            }
        }

        // Neither the portal's database nor its logs hold the reply or note text, nor key material.
        let mut scanned = Vec::new();
        if let Some(db) = app.sqlite_path() {
            scanned.push(db.clone());
            scanned.push(db.with_extension("db-wal"));
        }
        scanned.push(app.dir.path().join("stderr.log"));
        scanned.push(app.dir.path().join("stdout.log"));
        for path in &scanned {
            for needle in ["Which volunteers", "consent forms", "food bank", "AGE-SECRET-KEY"] {
                assert!(!common::file_contains(path, needle.as_bytes()), "{needle} found in {}", path.display());
            }
        }
        let audit = app.audit_verify();
        assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_refuses_foreign_hosts_missing_launch_tokens_and_cross_site_forms() {
    let (app, _, anna_file) = portal_with_member(common::Backend::Sqlite).await;
    let desk = Desk::open(&app.base, &anna_file, "nl").await;
    let inbox = desk.get("/").await;
    assert_eq!(inbox.status, 200);
    let page = inbox.html();

    // A foreign Host header (DNS rebinding) is refused even with the cookie.
    let r = desk
        .client
        .get(format!("{}/", desk.base))
        .header("host", "evil.example")
        .header("cookie", &desk.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 421);
    // Without the launch cookie, or with a wrong launch token: refused.
    let r = desk
        .client
        .get(format!("{}/", desk.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let wrong = format!(
        "{}/?launch={}",
        desk.base,
        crypto::hex(&crypto::random_bytes::<32>())
    );
    assert_eq!(
        desk.client
            .get(wrong)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let r = desk
        .client
        .get(format!("{}/", desk.base))
        .header(
            "cookie",
            format!(
                "meldpunt_desk={}",
                crypto::hex(&crypto::random_bytes::<32>())
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A form without the CSRF token, or posted from another site, changes nothing.
    let r = desk
        .client
        .post(format!("{}/sign-out", desk.base))
        .header("cookie", &desk.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=00")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let csrf = common::attr(&page, "input[name=csrf]", "value").unwrap();
    let r = desk
        .client
        .post(format!("{}/sign-out", desk.base))
        .header("cookie", &desk.cookie)
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(desk.get("/").await.status, 200, "still signed in");

    // The desk refuses to listen beyond loopback.
    let out = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args([
            "desk",
            "--portal",
            &app.base,
            "--listen",
            "0.0.0.0:0",
            "--identity",
        ])
        .arg(&anna_file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    // The running desk bound 127.0.0.1 only.
    assert!(desk.base.starts_with("http://127.0.0.1:"));
}

on_both_databases!(
    async fn an_exported_case_decrypts_with_the_reference_age_cli_and_matches_the_desk(backend) {
        if !common::age_cli_available() {
            return;
        }
        let (app, _, anna_file) = portal_with_member(backend).await;
        app.submit_code("", "Melding voor de export").await;
        let desk = Desk::open(&app.base, &anna_file, "nl").await;
        let inbox = desk.get("/").await.html();
        let reference = texts(&inbox, "tr.case-row td:first-child").remove(0);
        let link = case_link(&inbox, &reference);
        let page = desk.get(&link).await.html();
        desk.post(&format!("{link}/reply"), &page, &[("text", "Dank voor je melding.")]).await;
        desk.post(&format!("{link}/note"), &page, &[("text", "Notitie bij de export")]).await;
        let shown = desk.get(&link).await.html();
        let exported = desk.post(&format!("{link}/export"), &shown, &[]).await;
        assert_eq!(exported.status, 303, "{}", exported.body);

        let dir = desk.dir.path().join("exports").join(&reference);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let files = manifest["files"].as_array().unwrap();
        assert_eq!(files.len(), 3);
        let mut plaintexts = Vec::new();
        for f in files {
            let path = dir.join(f["file"].as_str().unwrap());
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(f["sha256"].as_str().unwrap(), crypto::hex(&crypto::sha256(&bytes)));
            let out = Command::new("age").arg("-d").arg("-i").arg(&anna_file).arg(&path).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            plaintexts.push(String::from_utf8(common::unpad(&out.stdout)).unwrap());
        }
        assert!(plaintexts[0].contains("Melding voor de export"));
        assert!(plaintexts[1].contains("Dank voor je melding."));
        assert!(plaintexts[2].contains("Notitie bij de export"));
        assert!(texts(&shown, "#thread .message-text").iter().any(|t| t == "Dank voor je melding."));
        assert!(texts(&shown, "#notes .message-text").iter().any(|t| t == "Notitie bij de export"));
        // No plaintext was written by the export.
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            assert!(!common::file_contains(&path, b"Dank voor je melding"));
        }
        // The command-line export does the same.
        let out_dir = app.dir.path().join("cli-export");
        let out = common::meldpunt(&[
            "export", "--portal", &app.base, "--identity", anna_file.to_str().unwrap(),
            "--case", &reference, "--out", out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out_dir.join(&reference).join("001-reporter.age").exists());
        let history = desk.get(&link).await.html();
        assert!(texts(&history, "ul.history li").iter().filter(|h| h.ends_with(": Geëxporteerd")).count() >= 2);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_protected_identity_from_keygen_unlocks_on_the_desk_page() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::keygen(dir.path(), "lange wachtwoordzin voor de test");
    let file = std::fs::read_to_string(&key).unwrap();
    assert!(file.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!file.contains("AGE-SECRET-KEY"));
    app.add_member("Bram", &recipient);
    app.submit_code("", "Voor Bram").await;

    let desk = Desk::open(&app.base, &key, "nl").await;
    let locked = desk.get("/").await;
    assert_eq!(locked.status, 303);
    assert_eq!(
        locked.header("location"),
        Some(desk.path("/unlock").as_str())
    );
    let unlock = desk.get("/unlock").await.html();
    let wrong = desk
        .post("/unlock", &unlock, &[("passphrase", "verkeerd")])
        .await;
    assert_eq!(wrong.status, 422);
    let right = desk
        .post(
            "/unlock",
            &unlock,
            &[("passphrase", "lange wachtwoordzin voor de test")],
        )
        .await;
    assert_eq!(right.status, 303, "{}", right.body);
    desk.confirm_roster().await;
    let inbox = desk.get("/").await.html();
    assert_eq!(texts(&inbox, "tr.case-row").len(), 1);
    // The passphrase never reached the portal's logs.
    assert!(!app.stderr().contains("wachtwoordzin"));
    // Signing out locks the desk again.
    let out = desk.post("/sign-out", &inbox, &[]).await;
    assert_eq!(out.status, 200);
    assert_eq!(desk.get("/").await.status, 303);
}

on_both_databases!(
    async fn statistics_are_computed_on_the_desk_from_decrypted_reports(backend) {
        let (app, _, anna_file) = portal_with_member(backend).await;
        app.submit_code("", "Eerste").await;
        app.submit_code("/en", "Second").await;
        let desk = Desk::open(&app.base, &anna_file, "en").await;
        let stats = desk.get("/stats").await;
        assert_eq!(stats.status, 200, "{}", stats.body);
        let page = stats.html();
        // full_report picks two kinds of concern for every report.
        let concerns = texts(&page, "#per-concern td");
        assert_eq!(concerns, vec!["2", "2"]);
        assert_eq!(texts(&page, "#per-status td"), vec!["2"]);
    }
);

on_both_databases!(
    async fn a_message_swapped_into_another_case_in_the_database_is_refused_by_the_desk(backend) {
        let (app, _anna, anna_file) = portal_with_member(backend).await;
        app.submit_code("/en", "Report A about the neighbourhood team").await;
        app.submit_code("/en", "Report B about the municipality").await;
        let pool = app.db().await;
        let rows = sqlx::query("select case_id, ciphertext from messages order by case_id")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        let (a, b): (String, String) = (rows[0].get(0), rows[1].get(0));
        let (ca, cb): (Vec<u8>, Vec<u8>) = (rows[0].get(1), rows[1].get(1));
        let store = |case: &String, ciphertext: &Vec<u8>| {
            sqlx::query("update messages set ciphertext = $1 where case_id = $2")
                .bind(ciphertext.clone())
                .bind(case.clone())
                .execute(&pool)
        };
        // Someone with write access to the database swaps the two reports.
        store(&a, &cb).await.unwrap();
        store(&b, &ca).await.unwrap();
        let desk = Desk::open(&app.base, &anna_file, "en").await;
        // The desk shows each case with the swapped message refused in its place.
        for case in [&a, &b] {
            let r = desk.get(&format!("/case/{case}")).await;
            assert_eq!(r.status, 200, "{}", r.body);
            let refused = texts(&r.html(), "#thread .message-unreadable");
            assert_eq!(refused.len(), 1, "{}", r.body);
            assert!(refused[0].contains("belongs to another case"), "{refused:?}");
            assert!(!r.body.contains("Report A") && !r.body.contains("Report B"));
        }
        // Put back, both open again: the refusal was about the swap, nothing else.
        store(&a, &ca).await.unwrap();
        store(&b, &cb).await.unwrap();
        let mut shown = Vec::new();
        for case in [&a, &b] {
            let r = desk.get(&format!("/case/{case}")).await;
            assert_eq!(r.status, 200);
            let page = texts(&r.html(), "#thread .message-text").join(" ");
            shown.push(page.contains("Report A"));
        }
        assert!(shown[0] != shown[1], "each case shows its own report again");
    }
);

on_both_databases!(
    async fn markup_in_a_report_is_shown_as_text_on_the_desk(backend) {
        let (app, _anna, anna_file) = portal_with_member(backend).await;
        let payload = r#"<script>document.title='x'</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">klik</a>"#;
        let mut pairs = common::full_report(payload);
        for (k, v) in pairs.iter_mut() {
            if ["org_name", "municipality", "contact", "affected"].contains(&k.as_str()) {
                *v = format!("{k}: {payload}");
            }
        }
        let receipt = app.submit("", pairs).await;
        assert_eq!(receipt.status, 200);
        let desk = Desk::open(&app.base, &anna_file, "en").await;
        let inbox = desk.get("/").await.html();
        let reference = texts(&inbox, "tr.case-row td:first-child").remove(0);
        let link = case_link(&inbox, &reference);
        let case = desk.get(&link).await;
        assert_eq!(case.status, 200);
        let page = case.html();
        for css in ["script", "img", "a[href^=javascript]", "[onerror]", "iframe", "object"] {
            let sel = scraper::Selector::parse(css).unwrap();
            assert!(page.select(&sel).next().is_none(), "the desk page has {css}");
        }
        // Shown as the text that was typed, in every field.
        let shown = texts(&page, "#thread .message-text").join("\n");
        assert!(shown.contains(payload), "{shown}");
        assert!(shown.contains(&format!("org_name: {payload}")));
        assert!(shown.contains(&format!("contact: {payload}")));
    }
);
