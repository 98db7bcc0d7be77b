//! The desk against a compromised portal: a tampering proxy between a real desk and
//! a real portal plays the attacker who controls the running portal (or the
//! network). One test per attack. Each ends with the attack refused by a clear page
//! of the desk, and then checks what the attacker gained: every age file the desk
//! uploaded is tried with the attacker's identity by the reference `age -d`, and no
//! request the desk sent may carry the report's text.

mod common;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::tamper::{Answer, Sent, TamperProxy};
use common::{Desk, TestApp, identity_file, text, texts};
use meldpunt::crypto::{self, Identity};
use serde_json::{Value, json};

/// A portal with one member (Anna) and a report, a proxy in front of it, and Anna's
/// desk talking to the proxy, with the roster confirmed while nothing was tampered.
struct Scene {
    app: TestApp,
    proxy: TamperProxy,
    desk: Desk,
    anna_file: PathBuf,
    attacker: Identity,
    attacker_file: PathBuf,
    /// A phrase that appears only in the report.
    canary: String,
    case_id: String,
}

async fn scene(backend: common::Backend) -> Scene {
    let app = TestApp::spawn(backend).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
    let attacker = Identity::generate();
    let attacker_file = identity_file(app.dir.path(), "attacker.txt", &attacker);
    let canary = format!("Kanarie{}", crypto::hex(&crypto::random_bytes::<8>()));
    app.submit_code("/en", &format!("The team shares client files. {canary}"))
        .await;
    let case_id = app.stored_messages().await[0].0.clone();
    let proxy = TamperProxy::start(&app.base).await;
    let desk = Desk::open(&proxy.base, &anna_file, "en").await;
    assert_eq!(desk.get("/").await.status, 200, "the untampered desk works");
    proxy.forget();
    Scene {
        app,
        proxy,
        desk,
        anna_file,
        attacker,
        attacker_file,
        canary,
        case_id,
    }
}

impl Scene {
    fn case_path(&self) -> String {
        format!("/case/{}", self.case_id)
    }

    /// The stored ciphertext of the report, as the attacker reads it from the database.
    async fn report_ciphertext(&self) -> Vec<u8> {
        self.app.stored_messages().await[0].3.clone()
    }

    /// Tries to reply through the desk; returns the desk's answer.
    async fn try_reply(&self, text: &str) -> common::Resp {
        let page = self.desk.get(&self.case_path()).await.html();
        self.desk
            .post(
                &format!("{}/reply", self.case_path()),
                &page,
                &[("text", text)],
            )
            .await
    }

    /// What the attacker holds after the attack: nothing readable.
    fn assert_attacker_gained_nothing(&self) {
        let sent = self.proxy.sent();
        for s in &sent {
            assert!(
                !contains(&s.body, self.canary.as_bytes()) && !s.target.contains(&self.canary),
                "the desk sent report text in {} {}",
                s.method,
                s.target
            );
        }
        if !common::age_cli_available() {
            return;
        }
        for (i, upload) in self.proxy.uploads().iter().enumerate() {
            let file = self.app.dir.path().join(format!("upload-{i}.age"));
            std::fs::write(&file, &upload.body).unwrap();
            let out = Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(&self.attacker_file)
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                !out.status.success(),
                "the attacker's identity opens what the desk uploaded to {}",
                upload.target
            );
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn is_path(sent: &Sent, method: &str, path: &str) -> bool {
    sent.method == method && sent.target.split('?').next() == Some(path)
}

/// The portal's answer, or a JSON answer when the rule kept the request from it.
fn or_empty(upstream: Option<Answer>) -> Answer {
    upstream.unwrap_or_else(|| Answer::json(500, &json!({ "error": "no answer" })))
}

/// Rewrites a JSON answer.
fn edit(upstream: Option<Answer>, f: impl FnOnce(&mut Value)) -> Answer {
    let mut a = or_empty(upstream);
    let mut v = a.value();
    f(&mut v);
    a.body = serde_json::to_vec(&v).unwrap();
    a
}

/// An age file with `n` extra recipient stanzas in its header: a header the age
/// library would spend seconds of CPU on.
fn with_stanzas(age_file: &[u8], n: usize) -> Vec<u8> {
    let first_line = age_file.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut out = age_file[..first_line].to_vec();
    for _ in 0..n {
        out.extend_from_slice(b"-> X25519 ");
        out.extend_from_slice(&[b'A'; 43]);
        out.extend_from_slice(b"\n");
        out.extend_from_slice(&[b'B'; 43]);
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(&age_file[first_line..]);
    out
}

// ---------------------------------------------------------------------------------
// The sign-in cannot decrypt for the portal
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn a_stored_report_sent_as_the_sign_in_challenge_is_not_decrypted_for_the_portal(backend) {
        let s = scene(backend).await;
        let stolen = B64.encode(s.report_ciphertext().await);
        s.proxy.set_rule(move |sent, upstream| {
            if is_path(sent, "POST", "/api/v1/sign-in/challenge") {
                edit(upstream, |v| v["sealed"] = json!(stolen))
            } else {
                or_empty(upstream)
            }
        });
        // A fresh desk signs in through the attacker.
        let desk = Desk::open_unconfirmed(&s.proxy.base, &s.anna_file, "en").await;
        let page = desk.get("/").await;
        assert_eq!(page.status, 502, "{}", page.body);
        assert!(text(&page.html(), "main p").contains("not a sign-in challenge"), "{}", page.body);
        assert!(!page.body.contains(&s.canary), "the member's own page does not show it either");
        assert!(
            !s.proxy.sent().iter().any(|x| is_path(x, "POST", "/api/v1/sign-in/answer")),
            "the desk answered nothing"
        );
        s.assert_attacker_gained_nothing();
    }
);

on_both_databases!(
    async fn a_forced_401_followed_by_a_stored_report_as_challenge_decrypts_nothing(backend) {
        let s = scene(backend).await;
        let stolen = B64.encode(s.report_ciphertext().await);
        let mut refused_once = false;
        s.proxy.set_rule(move |sent, upstream| {
            if is_path(sent, "GET", "/api/v1/cases") && !refused_once {
                refused_once = true;
                return Answer::json(401, &json!({ "error": "not signed in" }));
            }
            if is_path(sent, "POST", "/api/v1/sign-in/challenge") {
                return edit(upstream, |v| v["sealed"] = json!(stolen));
            }
            or_empty(upstream)
        });
        let page = s.desk.get("/").await;
        assert_eq!(page.status, 502, "{}", page.body);
        assert!(page.body.contains("not a sign-in challenge"), "{}", page.body);
        let challenges = s
            .proxy
            .sent()
            .iter()
            .filter(|x| is_path(x, "POST", "/api/v1/sign-in/challenge"))
            .count();
        assert_eq!(challenges, 1, "one re-sign-in, no loop");
        assert!(!s.proxy.sent().iter().any(|x| is_path(x, "POST", "/api/v1/sign-in/answer")));
        s.assert_attacker_gained_nothing();
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_with_thousands_of_stanzas_is_refused_before_parsing() {
    let s = scene(common::Backend::Sqlite).await;
    let huge = B64.encode(with_stanzas(&s.report_ciphertext().await, 5_000));
    s.proxy.set_rule(move |sent, upstream| {
        if is_path(sent, "POST", "/api/v1/sign-in/challenge") {
            edit(upstream, |v| v["sealed"] = json!(huge))
        } else {
            or_empty(upstream)
        }
    });
    let desk = Desk::open_unconfirmed(&s.proxy.base, &s.anna_file, "en").await;
    let started = std::time::Instant::now();
    let page = desk.get("/").await;
    assert_eq!(page.status, 502, "{}", page.body);
    assert!(
        page.body.contains("not a sign-in challenge"),
        "{}",
        page.body
    );
    eprintln!("refused in {:?}", started.elapsed());
    s.assert_attacker_gained_nothing();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_with_thousands_of_stanzas_is_shown_as_unreadable_and_the_rest_opens() {
    let s = scene(common::Backend::Sqlite).await;
    let huge = B64.encode(with_stanzas(&s.report_ciphertext().await, 5_000));
    let path = format!("/api/v1/cases/{}", s.case_id);
    s.proxy.set_rule(move |sent, upstream| {
        if is_path(sent, "GET", &path) {
            edit(upstream, |v| v["messages"][0]["ciphertext"] = json!(huge))
        } else {
            or_empty(upstream)
        }
    });
    let page = s.desk.get(&s.case_path()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.html();
    assert_eq!(
        texts(&html, ".message-unreadable").len(),
        1,
        "{}",
        page.body
    );
    // Without a readable report there is no reporter key to seal to: no reply.
    let reply = s.try_reply("A question").await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(s.proxy.uploads().is_empty());
    s.assert_attacker_gained_nothing();
}

// ---------------------------------------------------------------------------------
// Every list of recipients the portal sends
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum ListChange {
    Added,
    Removed,
    Rekeyed,
}

fn change_list(list: &mut Value, how: ListChange, attacker: &str, name_key: Option<&str>) {
    let items = list.as_array_mut().unwrap();
    let entry = |r: &str| match name_key {
        Some(_) => json!({ "name": "Mallory", "recipient": r }),
        None => json!(r),
    };
    match how {
        ListChange::Added => items.push(entry(attacker)),
        ListChange::Removed => {
            items.pop();
        }
        ListChange::Rekeyed => match name_key {
            // A member keeps their name and gets the attacker's key.
            Some(_) => {
                let member = items.iter_mut().find(|e| e["name"].is_string()).unwrap();
                member["recipient"] = json!(attacker);
            }
            None => *items.last_mut().unwrap() = json!(attacker),
        },
    }
}

async fn roster_tampered(backend: common::Backend, how: ListChange) {
    let s = scene(backend).await;
    let attacker = s.attacker.to_public().to_string();
    s.proxy.set_rule(move |sent, upstream| {
        if is_path(sent, "GET", "/api/v1/roster") {
            edit(upstream, |v| change_list(v, how, &attacker, Some("name")))
        } else {
            or_empty(upstream)
        }
    });
    // Every page leads to the roster page, which names the change.
    let inbox = s.desk.get("/").await;
    assert_eq!(inbox.status, 303);
    assert_eq!(
        inbox.header("location"),
        Some(s.desk.path("/roster").as_str())
    );
    let page = s.desk.get("/roster").await;
    assert_eq!(page.status, 200);
    let html = page.html();
    assert_eq!(text(&html, "h1"), "The committee has changed");
    let shown = match how {
        ListChange::Added => "#roster-added",
        ListChange::Removed => "#roster-removed",
        ListChange::Rekeyed => "#roster-rekeyed",
    };
    assert_eq!(
        texts(&html, &format!("{shown} li")).len(),
        1,
        "{}",
        page.body
    );
    assert_ne!(text(&html, "#old-fingerprint"), text(&html, "#fingerprint"));
    // Nothing is sealed until the member confirms.
    let reply = s
        .desk
        .post(
            &format!("{}/reply", s.case_path()),
            &html,
            &[("text", "A question")],
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        reply.header("location"),
        Some(s.desk.path("/roster").as_str())
    );
    assert!(s.proxy.uploads().is_empty());
    s.assert_attacker_gained_nothing();
}

on_both_databases!(
    async fn a_recipient_added_to_the_roster_is_shown_as_a_change_and_nothing_is_sealed(backend) {
        roster_tampered(backend, ListChange::Added).await;
    }
);

on_both_databases!(
    async fn a_recipient_removed_from_the_roster_is_shown_as_a_change_and_nothing_is_sealed(backend) {
        roster_tampered(backend, ListChange::Removed).await;
    }
);

on_both_databases!(
    async fn a_rekeyed_member_in_the_roster_is_shown_as_a_change_and_nothing_is_sealed(backend) {
        roster_tampered(backend, ListChange::Rekeyed).await;
    }
);

async fn seal_list_tampered(backend: common::Backend, how: ListChange) {
    let s = scene(backend).await;
    let attacker = s.attacker.to_public().to_string();
    let path = format!("/api/v1/cases/{}", s.case_id);
    s.proxy.set_rule(move |sent, upstream| {
        if is_path(sent, "GET", &path) {
            edit(upstream, |v| {
                change_list(&mut v["seal_to"]["committee"], how, &attacker, None)
            })
        } else {
            or_empty(upstream)
        }
    });
    let page = s.desk.get(&s.case_path()).await;
    assert_eq!(page.status, 200);
    assert!(
        !texts(&page.html(), "#roster-mismatch").is_empty(),
        "{}",
        page.body
    );
    for kind in ["reply", "note"] {
        let refused = s
            .desk
            .post(
                &format!("{}/{kind}", s.case_path()),
                &page.html(),
                &[("text", "A question")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            text(&refused.html(), "#error-summary")
                .contains("other than the committee you confirmed"),
            "{}",
            refused.body
        );
    }
    assert!(s.proxy.uploads().is_empty());
    s.assert_attacker_gained_nothing();
}

on_both_databases!(
    async fn a_recipient_added_to_a_cases_seal_list_is_refused_and_nothing_is_sealed(backend) {
        seal_list_tampered(backend, ListChange::Added).await;
    }
);

on_both_databases!(
    async fn a_recipient_removed_from_a_cases_seal_list_is_refused_and_nothing_is_sealed(backend) {
        seal_list_tampered(backend, ListChange::Removed).await;
    }
);

on_both_databases!(
    async fn a_rekeyed_recipient_in_a_cases_seal_list_is_refused_and_nothing_is_sealed(backend) {
        seal_list_tampered(backend, ListChange::Rekeyed).await;
    }
);

on_both_databases!(
    async fn a_swapped_reporter_key_is_refused_and_only_a_note_to_the_committee_goes_out(backend) {
        let s = scene(backend).await;
        let attacker = s.attacker.to_public().to_string();
        let path = format!("/api/v1/cases/{}", s.case_id);
        s.proxy.set_rule(move |sent, upstream| {
            if is_path(sent, "GET", &path) {
                edit(upstream, |v| v["seal_to"]["reporter"] = json!(attacker))
            } else {
                or_empty(upstream)
            }
        });
        let page = s.desk.get(&s.case_path()).await;
        assert_eq!(page.status, 200);
        let html = page.html();
        assert_eq!(texts(&html, "#reporter-key-mismatch").len(), 1, "{}", page.body);
        let reply = s
            .desk
            .post(&format!("{}/reply", s.case_path()), &html, &[("text", "A question")])
            .await;
        assert_eq!(reply.status, 422, "{}", reply.body);
        assert!(text(&reply.html(), "#error-summary").contains("a reporter key other than the one sealed in the report"));
        assert!(s.proxy.uploads().is_empty());
        // A note does not reach the reporter, so it is still sealed — to the
        // committee only, which the attacker is not part of.
        let note = s
            .desk
            .post(&format!("{}/note", s.case_path()), &html, &[("text", "Internal remark")])
            .await;
        assert_eq!(note.status, 303, "{}", note.body);
        assert_eq!(s.proxy.uploads().len(), 1);
        s.assert_attacker_gained_nothing();
    }
);

// ---------------------------------------------------------------------------------
// Hostile fields, sizes and redirects
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn a_hostile_reference_or_id_is_refused_and_an_export_writes_nothing_outside_its_directory(backend) {
        let s = scene(backend).await;
        let outside = s.app.dir.path().join("outside");
        let escape = format!("../../../../../../../..{}", outside.display());
        for (field, value) in [
            ("reference", json!(escape.clone())),
            ("reference", json!(outside.display().to_string())),
            ("id", json!("../../etc")),
        ] {
            let path = format!("/api/v1/cases/{}", s.case_id);
            let value2 = value.clone();
            s.proxy.set_rule(move |sent, upstream| {
                if is_path(sent, "GET", &path) {
                    edit(upstream, |v| v["case"][field] = value2.clone())
                } else if is_path(sent, "GET", "/api/v1/cases") {
                    edit(upstream, |v| v[0][field] = value2.clone())
                } else {
                    or_empty(upstream)
                }
            });
            let inbox = s.desk.get("/").await;
            assert_eq!(inbox.status, 502, "{field} = {value}: {}", inbox.body);
            assert!(inbox.body.contains("does not understand"), "{}", inbox.body);
            s.proxy.clear();
            let page = s.desk.get(&s.case_path()).await.html();
            let path = format!("/api/v1/cases/{}", s.case_id);
            let value2 = value.clone();
            s.proxy.set_rule(move |sent, upstream| {
                if is_path(sent, "GET", &path) {
                    edit(upstream, |v| v["case"][field] = value2.clone())
                } else {
                    or_empty(upstream)
                }
            });
            let export = s.desk.post(&format!("{}/export", s.case_path()), &page, &[]).await;
            assert_eq!(export.status, 502, "{}", export.body);
            s.proxy.clear();
        }
        // Hostile attachment ids and author kinds are refused the same way.
        let path = format!("/api/v1/cases/{}", s.case_id);
        s.proxy.set_rule(move |sent, upstream| {
            if is_path(sent, "GET", &path) {
                edit(upstream, |v| {
                    v["attachments"] = json!([{ "id": "../../x", "seq": 1 }]);
                    v["messages"][0]["author_kind"] = json!("<script>");
                })
            } else {
                or_empty(upstream)
            }
        });
        assert_eq!(s.desk.get(&s.case_path()).await.status, 502);
        s.proxy.clear();
        // A withdrawal notice is parsed like the rest: a hostile reference, a date
        // that is not a day, or more than a reference and a day is refused.
        for entry in [
            json!({ "reference": escape.clone(), "withdrawn_on": "2026-12-01" }),
            json!({ "reference": "MP-ABCDEF", "withdrawn_on": "<script>" }),
            json!({ "reference": "MP-ABCDEF", "withdrawn_on": 1_764_547_200 }),
        ] {
            let shown = entry.clone();
            s.proxy.set_rule(move |sent, upstream| {
                if is_path(sent, "GET", "/api/v1/withdrawals") {
                    Answer::json(200, &json!([entry.clone()]))
                } else {
                    or_empty(upstream)
                }
            });
            let inbox = s.desk.get("/").await;
            assert_eq!(inbox.status, 502, "{shown}: {}", inbox.body);
            assert!(!inbox.body.contains("<script>") && !inbox.body.contains("../"));
            s.proxy.clear();
        }
        // A well-formed one is shown as a reference and a day.
        s.proxy.set_rule(move |sent, upstream| {
            if is_path(sent, "GET", "/api/v1/withdrawals") {
                Answer::json(200, &json!([{ "reference": "MP-ABCDEF", "withdrawn_on": "2026-12-01" }]))
            } else {
                or_empty(upstream)
            }
        });
        let inbox = s.desk.get("/").await;
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        assert_eq!(
            texts(&inbox.html(), "tr.withdrawal-row td"),
            ["MP-ABCDEF", "1 December 2026"]
        );
        s.proxy.clear();
        assert!(!outside.exists(), "nothing was written outside the export directory");
        let export_dir = s.desk.dir.path().join("exports");
        let written: Vec<_> = std::fs::read_dir(&export_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(written.is_empty(), "{written:?}");
        s.assert_attacker_gained_nothing();
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_command_refuses_a_hostile_reference_and_writes_nothing_outside() {
    let s = scene(common::Backend::Sqlite).await;
    let outside = s.app.dir.path().join("escaped");
    let hostile = format!("../{}", "escaped");
    s.proxy.set_rule(move |sent, upstream| {
        if sent.method == "GET" && sent.target.starts_with("/api/v1/cases") {
            let list = sent.target == "/api/v1/cases";
            edit(upstream, |v| {
                if list {
                    v[0]["reference"] = json!(hostile);
                } else {
                    v["case"]["reference"] = json!(hostile);
                }
            })
        } else {
            or_empty(upstream)
        }
    });
    let out_dir = s.app.dir.path().join("exports");
    let out = common::meldpunt(&[
        "export",
        "--portal",
        &s.proxy.base,
        "--identity",
        s.anna_file.to_str().unwrap(),
        "--case",
        "../escaped",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not understand"));
    assert!(!outside.exists());
    assert!(!out_dir.join("..").join("escaped").exists());
    s.assert_attacker_gained_nothing();
}

on_both_databases!(
    async fn oversized_answers_are_refused_with_or_without_a_length(backend) {
        let s = scene(backend).await;
        for chunked in [false, true] {
            s.proxy.set_rule(move |sent, upstream| {
                if is_path(sent, "GET", "/api/v1/cases") {
                    let mut body = b"[".to_vec();
                    body.resize(40 << 20, b' ');
                    body.push(b']');
                    Answer {
                        status: 200,
                        headers: vec![("content-type".into(), "application/json".into())],
                        body,
                        chunked,
                    }
                } else {
                    or_empty(upstream)
                }
            });
            let page = s.desk.get("/").await;
            assert_eq!(page.status, 502, "{}", page.body);
            assert!(page.body.contains("more data than the desk accepts"), "{}", page.body);
        }
        s.proxy.clear();
        assert_eq!(s.desk.get("/").await.status, 200, "the desk works again");
        s.assert_attacker_gained_nothing();
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_loop_is_not_followed() {
    let s = scene(common::Backend::Sqlite).await;
    let me = s.proxy.base.clone();
    s.proxy
        .set_forward(|sent| !is_path(sent, "GET", "/api/v1/cases"));
    s.proxy.set_rule(move |sent, upstream| {
        if is_path(sent, "GET", "/api/v1/cases") {
            Answer {
                status: 302,
                headers: vec![("location".into(), format!("{me}/api/v1/cases"))],
                body: Vec::new(),
                chunked: false,
            }
        } else {
            or_empty(upstream)
        }
    });
    let page = s.desk.get("/").await;
    assert_eq!(page.status, 502, "{}", page.body);
    let asked = s
        .proxy
        .sent()
        .iter()
        .filter(|x| is_path(x, "GET", "/api/v1/cases"))
        .count();
    assert_eq!(asked, 1, "the redirect was not followed");
    s.assert_attacker_gained_nothing();
}

// ---------------------------------------------------------------------------------
// The harness can see a leak when there is one
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn an_untampered_reply_is_recorded_and_opens_for_the_committee_but_not_the_attacker(backend) {
        let s = scene(backend).await;
        let reply = s.try_reply("Which volunteers received the files?").await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let uploads = s.proxy.uploads();
        assert_eq!(uploads.len(), 1);
        // The committee's backup key opens it, so a check with the attacker's key that
        // fails means something.
        if common::age_cli_available() {
            let file = s.app.dir.path().join("reply.age");
            std::fs::write(&file, &uploads[0].body).unwrap();
            let out = Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(s.app.committee_identity_file())
                .arg(&file)
                .output()
                .unwrap();
            assert!(out.status.success());
            assert!(contains(&out.stdout, b"Which volunteers received the files?"));
        }
        s.assert_attacker_gained_nothing();
    }
);
