//! Conflicts of interest: a reporter leaves a committee member out of their report.
//! The left-out member's key opens nothing of the case (checked with Debian's `age`
//! on what is stored), their desk shows only the reference, the other members read
//! everything and see whom the reporter left out, and a portal that forgets the
//! exclusion gets nothing sealed from a desk.

mod common;

use std::path::Path;
use std::process::Command;

use common::tamper::{Answer, TamperProxy};
use common::{Desk, TestApp, attr, form_token, full_report, identity_file, text, texts};
use meldpunt::crypto::{self, Identity};
use reqwest::multipart::{Form, Part};
use scraper::{Html, Selector};

/// A portal with members Anna and Bert (and the backup key of its recipients file).
struct Committee {
    app: TestApp,
    anna_file: std::path::PathBuf,
    bert: Identity,
    bert_file: std::path::PathBuf,
    bert_id: String,
}

async fn committee(backend: common::Backend) -> Committee {
    let app = TestApp::spawn(backend).await;
    let anna = Identity::generate();
    let bert = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let bert_id = app.add_member("Bert", &bert.to_public().to_string());
    let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
    let bert_file = identity_file(app.dir.path(), "bert.txt", &bert);
    Committee {
        app,
        anna_file,
        bert,
        bert_file,
        bert_id,
    }
}

/// The members the form offers to leave out: (value, label).
fn offered(form: &Html) -> Vec<(String, String)> {
    let input = Selector::parse("input[name=exclude]").unwrap();
    form.select(&input)
        .map(|i| {
            let id = i.value().attr("id").unwrap();
            let label = text(form, &format!("label[for=\"{id}\"]"));
            (i.value().attr("value").unwrap().to_owned(), label)
        })
        .collect()
}

/// Sends the report form as a browser does: the fields, the members ticked, the
/// marker after them, then the files.
async fn send_report(
    app: &TestApp,
    what: &str,
    exclude: &[&str],
    files: Vec<(&str, Vec<u8>)>,
) -> common::Resp {
    let form = app.get("/en/report", None).await;
    let mut body = Form::new().text("form_token", form_token(&form.html()));
    for (k, v) in full_report(what) {
        body = body.text(k, v);
    }
    for id in exclude {
        body = body.text("exclude", (*id).to_owned());
    }
    body = body.text("exclusions_complete", "1");
    for (name, bytes) in files {
        body = body.part("files", Part::bytes(bytes).file_name(name.to_owned()));
    }
    let r = reqwest::Client::new()
        .post(format!("{}/en/report", app.base))
        .multipart(body)
        .send()
        .await
        .unwrap();
    common::Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}

/// Whether Debian's `age` opens `sealed` with the identity in `identity_file`.
fn age_opens(sealed: &[u8], identity_file: &Path, dir: &Path) -> bool {
    let path = dir.join(format!(
        "sealed-{}.age",
        crypto::hex(&crypto::random_bytes::<6>())
    ));
    std::fs::write(&path, sealed).unwrap();
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(identity_file)
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    out.status.success()
}

/// Every ciphertext stored for the portal: messages and whole files.
async fn everything_stored(app: &TestApp) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = app
        .stored_messages()
        .await
        .into_iter()
        .map(|m| m.3)
        .collect();
    all.extend(common::stored_files(&app.db().await).await);
    all
}

on_both_databases!(
    async fn a_member_the_reporter_left_out_opens_nothing_of_the_case_and_sees_only_its_reference(backend) {
        if !common::age_cli_available() {
            return;
        }
        let c = committee(backend).await;
        let app = &c.app;
        let form = app.get("/en/report", None).await.html();
        let names: Vec<String> = offered(&form).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["Anna", "Bert"], "the form names the committee");
        assert!(
            texts(&form, "fieldset legend")
                .iter()
                .any(|l| l.starts_with("Should someone on the committee not read your report?")),
            "the question is asked"
        );

        let canary = format!("Kanarie{}", crypto::hex(&crypto::random_bytes::<8>()));
        let receipt = send_report(
            app,
            &format!("The team leader shares files. {canary}"),
            &[&c.bert_id],
            vec![("notes.bin", format!("{canary} in a file").into_bytes())],
        )
        .await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let receipt = receipt.html();
        assert_eq!(
            text(&receipt, "#left-out"),
            "These committee members cannot read your report: Bert"
        );
        let code = common::pickup_code(&receipt);

        // The reporter writes again; Anna replies and writes a note.
        let cookie = app.sign_in("/en", &code).await;
        let thread = app.get("/en/thread", Some(&cookie)).await.html();
        assert_eq!(
            text(&thread, "#left-out"),
            "These committee members cannot read your report: Bert",
            "the thread reminds the reporter"
        );
        let sent = app
            .post_form(
                "/en/thread",
                &[
                    ("form_token".into(), form_token(&thread)),
                    ("text".into(), format!("Later message {canary}")),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let anna = Desk::open(&app.base, &c.anna_file, "en").await;
        let inbox = anna.get("/").await.html();
        assert_eq!(text(&inbox, "tr.case-row .flag-left-out"), "not for everyone");
        let link = attr(&inbox, "tr.case-row a", "href").unwrap();
        let page = anna.get(&link).await.html();
        assert_eq!(
            text(&page, "#left-out"),
            "The reporter left these members out; do not discuss the case with them: Bert"
        );
        let assignable = texts(&page, "select#member option");
        assert!(!assignable.contains(&"Bert".to_owned()), "{assignable:?}");
        assert!(assignable.contains(&"Anna".to_owned()));
        for (action, words) in [("reply", "A question for you"), ("note", "Internal note")] {
            let page = anna.get(&link).await.html();
            let r = anna.post(&format!("{link}/{action}"), &page, &[("text", words)]).await;
            assert_eq!(r.status, 303, "{action}: {}", r.body);
        }

        // Straight from the database: Bert's key opens nothing, Anna's everything.
        let stored = everything_stored(app).await;
        assert_eq!(stored.len(), 5, "report, follow-up, reply, note and one file");
        let dir = app.dir.path();
        for sealed in &stored {
            assert!(!age_opens(sealed, &c.bert_file, dir), "Bert's key opens a ciphertext");
            assert!(age_opens(sealed, &c.anna_file, dir), "Anna's key does not open one");
        }

        // Bert's desk: the reference and nothing more; the case itself is refused.
        let bert = Desk::open(&app.base, &c.bert_file, "en").await;
        let inbox = bert.get("/").await.html();
        assert!(texts(&inbox, "tr.case-row").is_empty(), "no row for the case");
        let reference = text(&page, "h1").trim_start_matches("Case ").to_owned();
        assert_eq!(texts(&inbox, "li.left-out-case"), std::slice::from_ref(&reference));
        assert_eq!(text(&inbox, "#left-out-heading"), "Reports you were left out of");
        let case_path = &link[link.find("/case/").unwrap()..];
        let refused = bert.get(case_path).await;
        assert_eq!(refused.status, 403);
        assert_eq!(text(&refused.html(), "h1"), "Not for you");
        assert!(!refused.body.contains(&canary));
        // Nor can Bert's desk be given the case, or reach it by its reference.
        let by_reference = bert.get(&format!("/case/{reference}")).await;
        assert_ne!(by_reference.status, 200);
        assert!(!by_reference.body.contains(&canary));
    }
);

on_both_databases!(
    async fn leaving_everyone_out_or_a_stranger_is_an_error_at_the_field_and_nothing_is_stored(backend) {
        let c = committee(backend).await;
        let app = &c.app;
        let form = app.get("/en/report", None).await.html();
        let ids: Vec<String> = offered(&form).into_iter().map(|(id, _)| id).collect();
        let everyone: Vec<&str> = ids.iter().map(String::as_str).collect();
        let refused = send_report(app, "Everyone out", &everyone, vec![]).await;
        assert_eq!(refused.status, 422);
        let page = refused.html();
        assert_eq!(
            attr(&page, "#error-summary a[href=\"#exclude-0\"]", "href").as_deref(),
            Some("#exclude-0")
        );
        assert!(text(&page, "#exclude-error").contains(
            "You ticked everyone on the committee. Leave at least one member who may read your report."
        ));
        // The ticks are kept, so the reporter only has to untick one.
        assert_eq!(
            texts(&page, "input[name=exclude][checked]").len(),
            2,
            "both stay ticked"
        );
        let stranger = send_report(app, "Stranger out", &["0123456789abcdef0123456789abcdef"], vec![]).await;
        assert_eq!(stranger.status, 422);
        assert!(text(&stranger.html(), "#exclude-error").contains(meldpunt::i18n::Lang::En.texts().err_invalid_choice));
        assert_eq!(app.count("cases").await, 0);
        assert_eq!(app.count("case_exclusions").await, 0);
        assert_eq!(app.count("attachments").await, 0);
    }
);

on_both_databases!(
    async fn a_member_ticked_after_the_files_began_is_refused_and_nothing_is_stored(backend) {
        let c = committee(backend).await;
        let app = &c.app;
        let form = app.get("/en/report", None).await;
        // Fields in an order no browser sends: the marker, a file, then a member.
        let body = Form::new()
            .text("form_token", form_token(&form.html()))
            .text("role", "volunteer")
            .text("concern", "other")
            .text("what", "Out of order")
            .text("exclusions_complete", "1")
            .part("files", Part::bytes(vec![7u8; 200_000]).file_name("early.bin"))
            .text("exclude", c.bert_id.clone());
        let r = reqwest::Client::new()
            .post(format!("{}/en/report", app.base))
            .multipart(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(app.count("cases").await, 0);
        assert_eq!(app.count("attachments").await, 0, "the file sealed on arrival is gone");
    }
);

on_both_databases!(
    async fn with_one_member_the_form_offers_nobody_to_leave_out(backend) {
        let app = TestApp::spawn(backend).await;
        app.add_member("Anna", &Identity::generate().to_public().to_string());
        let form = app.get("/report", None).await.html();
        assert!(offered(&form).is_empty());
        assert_eq!(
            attr(&form, "input[name=exclusions_complete]", "value").as_deref(),
            Some("1")
        );
    }
);

on_both_databases!(
    async fn a_portal_that_forgets_an_exclusion_gets_nothing_sealed_by_the_desk(backend) {
        let c = committee(backend).await;
        let app = &c.app;
        let receipt = send_report(app, "Leave Bert out", &[&c.bert_id], vec![]).await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let case_id = app.stored_messages().await[0].0.clone();
        let proxy = TamperProxy::start(&app.base).await;
        let anna = Desk::open(&proxy.base, &c.anna_file, "en").await;
        let link = format!("/case/{case_id}");
        let bert_key = c.bert.to_public().to_string();
        let path = format!("/api/v1/cases/{case_id}");
        // The compromised portal lists Bert among the case's recipients again.
        proxy.set_rule(move |sent, upstream| {
            let answer = upstream.unwrap_or_else(|| Answer::json(500, &serde_json::json!({})));
            if sent.method == "GET" && sent.target == path {
                let mut v = answer.value();
                let list = v["seal_to"]["committee"].as_array_mut().unwrap();
                if !list.iter().any(|k| k == &serde_json::json!(bert_key)) {
                    list.push(serde_json::json!(bert_key));
                }
                Answer::json(200, &v)
            } else {
                answer
            }
        });
        let page = anna.get(&link).await.html();
        assert_eq!(texts(&page, "#roster-mismatch").len(), 1, "the page says so");
        let r = anna.post(&format!("{link}/reply"), &page, &[("text", "To Bert too?")]).await;
        assert_ne!(r.status, 303, "the desk sealed a reply");
        assert_eq!(app.stored_messages().await.len(), 1, "nothing was sealed");
        proxy.clear();
        let page = anna.get(&link).await.html();
        let r = anna.post(&format!("{link}/reply"), &page, &[("text", "Only to us")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let stored = app.stored_messages().await;
        assert_eq!(stored.len(), 2);
        assert!(crypto::open(&stored[1].3, &c.bert).is_err(), "the reply is not Bert's");
    }
);

on_both_databases!(
    async fn a_re_seal_after_a_member_joins_keeps_the_left_out_member_out(backend) {
        use common::reseal;
        if !common::age_cli_available() {
            return;
        }
        let app = TestApp::spawn(backend).await;
        let anna = reseal::member(&app, "Anna");
        let bert = reseal::member(&app, "Bert");
        let form = app.get("/en/report", None).await.html();
        let bert_id = offered(&form)
            .into_iter()
            .find(|(_, name)| name == "Bert")
            .map(|(id, _)| id)
            .unwrap();
        let receipt = send_report(
            &app,
            "Bert must not read this",
            &[&bert_id],
            vec![("notes.bin", b"a file for the case".to_vec())],
        )
        .await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let carl = reseal::member(&app, "Carl");
        let dir = app.dir.path();
        let before = reseal::stored(&app).await;
        assert_eq!(before.len(), 2, "the report and its file");
        for (what, sealed) in &before {
            assert!(!reseal::age_opens(dir, &bert.identity, sealed), "{what} opens for Bert");
            assert!(!reseal::opens(&carl.identity, sealed), "{what} opens for Carl already");
        }
        let token = reseal::token(&app, &anna.identity).await.unwrap();
        let (status, count) = reseal::get(&app, Some(&token), "/api/v1/reseal/outdated").await;
        assert_eq!((status, count["cases"].as_u64()), (200, Some(1)));

        // Bert's own re-seal passes the case by; Anna's re-seals it without Bert.
        reseal::confirm(&app, &bert).await;
        reseal::succeeded(&reseal::reseal(&app, &bert));
        assert_eq!(reseal::stored(&app).await, before, "Bert's run changed nothing");
        reseal::confirm(&app, &anna).await;
        reseal::succeeded(&reseal::reseal(&app, &anna));
        let after = reseal::stored(&app).await;
        assert_eq!(after.len(), 2);
        for (what, sealed) in &after {
            assert!(!reseal::age_opens(dir, &bert.identity, sealed), "{what} opens for Bert");
            assert!(reseal::age_opens(dir, &carl.identity, sealed), "{what} does not open for Carl");
            assert!(reseal::opens(&anna.identity, sealed), "{what} does not open for Anna");
        }
        let (_, count) = reseal::get(&app, Some(&token), "/api/v1/reseal/outdated").await;
        assert_eq!(count["cases"].as_u64(), Some(0), "the case is sealed to its own set");
        // The administrator's view agrees, and names the exclusion.
        let recipients = app.dir.path().join("committee.txt");
        let out = app.member_cli(&["member", "list", "--recipients", recipients.to_str().unwrap()]);
        let listed = String::from_utf8(out.stdout).unwrap();
        assert!(listed.contains("every stored message and file is sealed to this roster"), "{listed}");
        assert!(listed.contains("Bert (active): can open every other stored case; left out of 1 case(s) by their reporter, which no re-seal gives them"), "{listed}");
    }
);
