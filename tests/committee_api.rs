//! The committee API against the real server: signing in by age challenge, sessions,
//! what the portal accepts as a message, unknown cases, the workflow, the audit chain
//! and the member command line, on SQLite and PostgreSQL.

mod common;

use std::str::FromStr;
use std::time::Duration;

use age::secrecy::ExposeSecret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::{Options, TestApp};
use meldpunt::crypto::{self, Identity, Recipient};
use meldpunt::protocol::sign_in;
use serde_json::{Value, json};
use sqlx::Row;

// ---------------------------------------------------------------------------
// HTTP helpers

/// Status and JSON body (`Null` when the body is empty) of an API response.
async fn into_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, body)
}

fn authorised(req: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::RequestBuilder {
    match token {
        Some(t) => req.header("authorization", format!("Bearer {t}")),
        None => req,
    }
}

async fn api_get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let req = app.client.get(format!("{}{path}", app.base));
    into_json(authorised(req, token).send().await.expect("GET answered")).await
}

async fn api_post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let req = app.client.post(format!("{}{path}", app.base)).json(&body);
    into_json(authorised(req, token).send().await.expect("POST answered")).await
}

async fn api_post_empty(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let req = app.client.post(format!("{}{path}", app.base));
    into_json(authorised(req, token).send().await.expect("POST answered")).await
}

/// POSTs a message body (raw bytes) to a case.
async fn post_message(
    app: &TestApp,
    token: &str,
    case_id: &str,
    query: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let req = app
        .client
        .post(format!(
            "{}/api/v1/cases/{case_id}/messages?{query}",
            app.base
        ))
        .header("content-type", "application/octet-stream")
        .body(body);
    into_json(
        authorised(req, Some(token))
            .send()
            .await
            .expect("POST answered"),
    )
    .await
}

/// Asserts a refusal with the given status and a JSON `{"error": "..."}` body.
#[track_caller]
fn assert_refused(answer: &(u16, Value), status: u16) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert!(
        answer.1["error"].is_string(),
        "a JSON error body: {}",
        answer.1
    );
}

// ---------------------------------------------------------------------------
// Sign-in helpers

/// A challenge as the portal hands it out.
struct Challenge {
    /// The whole JSON answer.
    json: Value,
    id: String,
    sealed: Vec<u8>,
    /// The portal's origin as a desk that reached it knows it.
    origin: String,
    /// When it was asked for (Unix seconds).
    asked_at: i64,
}

/// Asks for a challenge sealed to `recipient`.
async fn request_challenge(app: &TestApp, recipient: &str) -> Challenge {
    let asked_at = time::OffsetDateTime::now_utc().unix_timestamp();
    let (status, json) = api_post(
        app,
        "/api/v1/sign-in/challenge",
        None,
        json!({ "recipient": recipient }),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    let id = json["challenge"]
        .as_str()
        .expect("a challenge id")
        .to_owned();
    let sealed = B64
        .decode(json["sealed"].as_str().expect("a sealed nonce"))
        .expect("base64");
    let origin = sign_in::origin_of(&app.base).expect("the portal's origin");
    Challenge {
        json,
        id,
        sealed,
        origin,
        asked_at,
    }
}

/// Opens a challenge and answers it as the desk does: the MAC, as hex text. The
/// desk's clock is taken as the moment the challenge was issued, so a busy machine
/// cannot make a one-second challenge look expired to the test itself.
fn open_challenge(challenge: &Challenge, identity: &Identity) -> String {
    let now = challenge.asked_at;
    sign_in::open_and_answer(
        &challenge.sealed,
        identity,
        &challenge.id,
        &challenge.origin,
        now,
    )
    .expect("the challenge opens for its recipient and is a sign-in challenge")
}

/// Gets a challenge for `identity` and opens it: (challenge id, correct answer).
async fn get_challenge(app: &TestApp, identity: &Identity) -> (String, String) {
    let challenge = request_challenge(app, &identity.to_public().to_string()).await;
    let answer = open_challenge(&challenge, identity);
    (challenge.id, answer)
}

async fn answer_challenge(app: &TestApp, challenge: &str, answer: &str) -> (u16, Value) {
    api_post(
        app,
        "/api/v1/sign-in/answer",
        None,
        json!({ "challenge": challenge, "answer": answer }),
    )
    .await
}

/// The whole challenge/answer dance as the desk does it: the session token, or the
/// status the answer was refused with.
async fn sign_in(app: &TestApp, identity: &Identity) -> Result<String, u16> {
    let (challenge, answer) = get_challenge(app, identity).await;
    match answer_challenge(app, &challenge, &answer).await {
        (200, body) => Ok(body["token"].as_str().expect("a token").to_owned()),
        (status, _) => Err(status),
    }
}

/// Adds a member with a fresh identity through the command line.
fn new_member(app: &TestApp, name: &str) -> (Identity, String) {
    let identity = Identity::generate();
    let id = app.add_member(name, &identity.to_public().to_string());
    (identity, id)
}

/// A portal with one member, Anna, signed in, and one submitted report:
/// (app, Anna's identity, Anna's id, token, case id).
async fn portal_with_case(app: TestApp) -> (TestApp, Identity, String, String, String) {
    let (anna, anna_id) = new_member(&app, "Anna");
    app.submit_code("", "Het wijkteam deelde dossiers met vrijwilligers.")
        .await;
    let token = sign_in(&app, &anna).await.expect("Anna signs in");
    let (status, cases) = api_get(&app, "/api/v1/cases", Some(&token)).await;
    assert_eq!(status, 200, "{cases}");
    let case_id = cases[0]["id"].as_str().expect("a case id").to_owned();
    (app, anna, anna_id, token, case_id)
}

fn random_hex<const N: usize>() -> String {
    crypto::hex(&crypto::random_bytes::<N>())
}

fn recipient(s: &str) -> Recipient {
    Recipient::from_str(s).expect("an age recipient")
}

/// Who a new message of a case must be sealed to, from the case detail.
async fn seal_to(app: &TestApp, token: &str, case_id: &str) -> (Vec<Recipient>, Recipient) {
    let (status, detail) = api_get(app, &format!("/api/v1/cases/{case_id}"), Some(token)).await;
    assert_eq!(status, 200, "{detail}");
    let committee = detail["seal_to"]["committee"]
        .as_array()
        .expect("committee recipients")
        .iter()
        .map(|r| recipient(r.as_str().unwrap()))
        .collect();
    let reporter = recipient(
        detail["seal_to"]["reporter"]
            .as_str()
            .expect("the reporter recipient"),
    );
    (committee, reporter)
}

/// Number of X25519 recipient stanzas in an age file's header (grease stanzas have
/// other labels and are not counted).
fn x25519_stanzas(ciphertext: &[u8]) -> usize {
    let end = ciphertext
        .windows(5)
        .position(|w| w == b"\n--- ")
        .expect("an age header");
    String::from_utf8_lossy(&ciphertext[..end])
        .lines()
        .filter(|l| l.starts_with("-> X25519 "))
        .count()
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn date(v: &Value) -> time::Date {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v} is not a date: {e}"))
}

fn opts(extra: &[&str]) -> Options {
    Options {
        extra_args: extra.iter().map(|s| (*s).to_owned()).collect(),
        ..Options::default()
    }
}

// ---------------------------------------------------------------------------
// 1. Signing in and listing

on_both_databases!(
    async fn an_active_member_signs_in_and_lists_the_cases_but_no_token_gets_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, anna_id) = new_member(&app, "Anna");
        app.submit_code("", "Het wijkteam deelde dossiers met vrijwilligers.").await;

        let (challenge, answer) = get_challenge(&app, &anna).await;
        let (status, signed) = answer_challenge(&app, &challenge, &answer).await;
        assert_eq!(status, 200, "{signed}");
        assert_eq!(signed["member"]["id"], anna_id.as_str());
        assert_eq!(signed["member"]["name"], "Anna");
        let token = signed["token"].as_str().unwrap().to_owned();
        assert_eq!(token.len(), 64);

        let (status, cases) = api_get(&app, "/api/v1/cases", Some(&token)).await;
        assert_eq!(status, 200, "{cases}");
        let cases = cases.as_array().expect("a JSON array");
        assert_eq!(cases.len(), 1);
        let case = &cases[0];
        assert!(case["reference"].as_str().is_some_and(|r| !r.is_empty()), "{case}");
        assert_eq!(case["status"], "received");
        assert_eq!(case["unread"], 1);
        assert!(case["id"].as_str().is_some_and(|id| id.len() == 32 && crypto::unhex(id).is_some()));

        assert_refused(&api_get(&app, "/api/v1/cases", None).await, 401);
        assert_refused(&api_get(&app, "/api/v1/cases", Some(&random_hex::<32>())).await, 401);
        assert_refused(&api_get(&app, "/api/v1/cases", Some("not-a-token")).await, 401);
    }
);

// 2. Unknown and disabled members

on_both_databases!(
    async fn an_unknown_identity_gets_a_look_alike_challenge_that_cannot_be_answered(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let stranger = Identity::generate();

        let for_member = request_challenge(&app, &anna.to_public().to_string()).await;
        let for_stranger = request_challenge(&app, &stranger.to_public().to_string()).await;
        let keys = |v: &Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&for_member.json), keys(&for_stranger.json));
        assert_eq!(for_member.id.len(), for_stranger.id.len());
        let nonce = open_challenge(&for_stranger, &stranger);
        assert_eq!(nonce.len(), open_challenge(&for_member, &anna).len());
        assert!(crypto::unhex(&nonce).is_some());
        assert!(crypto::open(&for_stranger.sealed, &anna).is_err(), "sealed to the stranger only");

        assert_refused(&answer_challenge(&app, &for_stranger.id, &nonce).await, 401);
        assert_eq!(sign_in(&app, &stranger).await, Err(401));
        assert_eq!(app.count("member_sessions").await, 0);
    }
);

on_both_databases!(
    async fn a_disabled_member_cannot_sign_in_and_its_session_ends_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let token = sign_in(&app, &anna).await.expect("Anna signs in");
        assert_eq!(api_get(&app, "/api/v1/cases", Some(&token)).await.0, 200);
        let (pending, pending_answer) = get_challenge(&app, &anna).await;

        let out = app.member_cli(&["member", "disable", "Anna"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

        assert_refused(&api_get(&app, "/api/v1/cases", Some(&token)).await, 401);
        assert_eq!(sign_in(&app, &anna).await, Err(401));
        // A challenge fetched before disabling does not help either.
        assert_refused(&answer_challenge(&app, &pending, &pending_answer).await, 401);
        assert_eq!(app.count("member_sessions").await, 0);
    }
);

// 3. Challenges: once, in time, for the member they were made for

on_both_databases!(
    async fn a_challenge_can_be_answered_only_once(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let (challenge, answer) = get_challenge(&app, &anna).await;
        assert_eq!(answer_challenge(&app, &challenge, &answer).await.0, 200);
        assert_refused(&answer_challenge(&app, &challenge, &answer).await, 401);
    }
);

on_both_databases!(
    async fn a_challenge_answered_after_it_expired_is_refused(backend) {
        let app = TestApp::spawn_with(backend, opts(&["--challenge-secs", "1"])).await;
        let (anna, _) = new_member(&app, "Anna");
        let (challenge, answer) = get_challenge(&app, &anna).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_refused(&answer_challenge(&app, &challenge, &answer).await, 401);
    }
);

on_both_databases!(
    async fn a_challenge_answered_with_another_members_nonce_is_refused(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let (bram, _) = new_member(&app, "Bram");
        let (for_anna, _) = get_challenge(&app, &anna).await;
        let (_, bram_answer) = get_challenge(&app, &bram).await;
        assert_refused(&answer_challenge(&app, &for_anna, &bram_answer).await, 401);
        assert_eq!(app.count("member_sessions").await, 0);
    }
);

on_both_databases!(
    async fn a_wrong_answer_is_refused_and_uses_up_the_challenge(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let (challenge, answer) = get_challenge(&app, &anna).await;
        assert_refused(&answer_challenge(&app, &challenge, &random_hex::<32>()).await, 401);
        assert_refused(&answer_challenge(&app, &challenge, &answer).await, 401);
        assert_eq!(app.count("member_sessions").await, 0);
    }
);

// 4. Session tokens end

on_both_databases!(
    async fn a_session_token_stops_working_after_the_idle_time(backend) {
        let app = TestApp::spawn_with(backend, opts(&["--member-idle-secs", "1"])).await;
        let (anna, _) = new_member(&app, "Anna");
        let token = sign_in(&app, &anna).await.expect("Anna signs in");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_refused(&api_get(&app, "/api/v1/cases", Some(&token)).await, 401);
    }
);

on_both_databases!(
    async fn a_session_token_in_use_outlives_its_idle_time(backend) {
        let app = TestApp::spawn_with(backend, opts(&["--member-idle-secs", "4"])).await;
        let (anna, _) = new_member(&app, "Anna");
        let token = sign_in(&app, &anna).await.expect("Anna signs in");
        // Six seconds of use, a request every 1.5 s: each use extends the session.
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            assert_eq!(api_get(&app, "/api/v1/cases", Some(&token)).await.0, 200);
        }
    }
);

on_both_databases!(
    async fn many_requests_at_once_are_all_answered_and_audited_in_one_unbroken_chain(backend) {
        let (app, _, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let path = format!("/api/v1/cases/{case_id}");
        let reads = (0..40).map(|_| api_get(&app, &path, Some(&token)));
        for (status, _) in futures::future::join_all(reads).await {
            assert_eq!(status, 200);
        }
        let pool = app.db().await;
        let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'read'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(audited, 40);
        let verified = app.audit_verify();
        assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
        pool.close().await;
    }
);

on_both_databases!(
    async fn a_signed_out_token_stops_working(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        let token = sign_in(&app, &anna).await.expect("Anna signs in");
        let other = sign_in(&app, &anna).await.expect("Anna signs in a second time");
        assert_eq!(api_get(&app, "/api/v1/cases", Some(&token)).await.0, 200);

        assert_eq!(api_post_empty(&app, "/api/v1/sign-out", Some(&token)).await, (204, Value::Null));
        assert_refused(&api_get(&app, "/api/v1/cases", Some(&token)).await, 401);
        assert_refused(&api_post_empty(&app, "/api/v1/sign-out", Some(&token)).await, 401);
        // Only that session ended.
        assert_eq!(api_get(&app, "/api/v1/cases", Some(&other)).await.0, 200);
    }
);

// 5. What the portal accepts as a message

on_both_databases!(
    async fn the_portal_refuses_message_bodies_that_do_not_reach_everyone_they_must(backend) {
        let (app, anna, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        assert_eq!(committee.len(), 2, "the recipients file key and Anna");
        let before = app.count("messages").await;

        // Not an age file at all.
        let plain = post_message(&app, &token, &case_id, "kind=reply&seq=2", b"plain text reply".to_vec()).await;
        assert_refused(&plain, 400);
        // A reply sealed only to the member, or to the committee without the reporter.
        let only_anna = crypto::seal_for(b"x", &[anna.to_public()]).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=reply&seq=2", only_anna).await, 400);
        let no_reporter = crypto::seal_for(b"x", &committee).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=reply&seq=2", no_reporter).await, 400);
        // A note that the reporter could open.
        let mut everyone = committee.clone();
        everyone.push(reporter);
        let note_for_reporter = crypto::seal_for(b"x", &everyone).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=note&seq=2", note_for_reporter).await, 400);
        // An unknown kind, even with a correctly sealed body.
        let sealed = crypto::seal_for(b"x", &everyone).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=other&seq=2", sealed).await, 400);

        assert_eq!(app.count("messages").await, before, "nothing was stored");
    }
);

on_both_databases!(
    async fn a_note_cannot_carry_a_file_because_files_are_sealed_to_the_reporter_too(backend) {
        let (app, _, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        let mut everyone = committee.clone();
        everyone.push(reporter);
        let file = crypto::seal_for(b"intern verslag", &everyone).unwrap();
        let req = app
            .client
            .post(format!("{}/api/v1/cases/{case_id}/attachments", app.base))
            .header("content-type", "application/octet-stream")
            .body(file);
        let (status, uploaded) = into_json(authorised(req, Some(&token)).send().await.unwrap()).await;
        assert_eq!(status, 201, "{uploaded}");
        let id = uploaded["id"].as_str().unwrap().to_owned();
        let note = crypto::seal_for(b"notitie", &committee).unwrap();
        let answer = post_message(&app, &token, &case_id, &format!("kind=note&seq=2&attachments={id}"), note.clone()).await;
        assert_refused(&answer, 400);
        assert!(answer.1["error"].as_str().unwrap().contains("note carries no files"));
        // The file is still pending and can go with a reply instead.
        let reply = crypto::seal_for(b"antwoord", &everyone).unwrap();
        let (status, body) = post_message(&app, &token, &case_id, &format!("kind=reply&seq=2&attachments={id}"), reply).await;
        assert_eq!(status, 201, "{body}");
        let (status, _) = post_message(&app, &token, &case_id, "kind=note&seq=3", note).await;
        assert_eq!(status, 201, "a note without files is fine");
    }
);

on_both_databases!(
    async fn a_file_uploaded_for_another_case_is_refused_clearly_and_not_as_a_taken_number(backend) {
        let (app, _, _, token, first) = portal_with_case(TestApp::spawn(backend).await).await;
        app.submit_code("", "Een tweede melding.").await;
        let (_, cases) = api_get(&app, "/api/v1/cases", Some(&token)).await;
        let second = cases
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .find(|id| *id != first)
            .unwrap();
        let (committee, reporter) = seal_to(&app, &token, &first).await;
        let mut everyone = committee.clone();
        everyone.push(reporter);
        let file = crypto::seal_for(b"bijlage", &everyone).unwrap();
        let req = app
            .client
            .post(format!("{}/api/v1/cases/{first}/attachments", app.base))
            .header("content-type", "application/octet-stream")
            .body(file);
        let (status, uploaded) = into_json(authorised(req, Some(&token)).send().await.unwrap()).await;
        assert_eq!(status, 201, "{uploaded}");
        let id = uploaded["id"].as_str().unwrap().to_owned();
        let (committee2, reporter2) = seal_to(&app, &token, &second).await;
        let mut everyone2 = committee2.clone();
        everyone2.push(reporter2);
        let reply = crypto::seal_for(b"antwoord", &everyone2).unwrap();
        let answer = post_message(&app, &token, &second, &format!("kind=reply&seq=2&attachments={id}"), reply).await;
        assert_refused(&answer, 400);
        assert!(answer.1["error"].as_str().unwrap().contains("another case"), "{}", answer.1);
        assert_eq!(app.stored_messages().await.len(), 2, "nothing was stored");
    }
);

on_both_databases!(
    async fn a_reply_sealed_to_committee_and_reporter_and_a_note_to_the_committee_are_stored(backend) {
        let (app, _, anna_id, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        let mut everyone = committee.clone();
        everyone.push(reporter);

        let reply = crypto::seal_for(b"Welke vrijwilligers?", &everyone).unwrap();
        let stored = post_message(&app, &token, &case_id, "kind=reply&seq=2", reply.clone()).await;
        assert_eq!(stored, (201, json!({ "seq": 2 })));
        let again = crypto::seal_for(b"Nog een keer", &everyone).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=reply&seq=2", again).await, 409);

        let note = crypto::seal_for(b"Intern", &committee).unwrap();
        let stored = post_message(&app, &token, &case_id, "kind=note&seq=3", note).await;
        assert_eq!(stored.0, 201, "{}", stored.1);

        let messages = app.stored_messages().await;
        let kinds: Vec<(i64, &str)> = messages.iter().map(|(_, seq, kind, _)| (*seq, kind.as_str())).collect();
        assert_eq!(kinds, vec![(1, "reporter"), (2, "committee"), (3, "note")]);
        assert_eq!(messages[1].3, reply, "stored as sent");
        let (status, detail) = api_get(&app, &format!("/api/v1/cases/{case_id}"), Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(detail["next_seq"], 4);
        assert_eq!(detail["messages"][1]["member_id"], anna_id.as_str());
        assert_eq!(B64.decode(detail["messages"][1]["ciphertext"].as_str().unwrap()).unwrap(), reply);
    }
);

// 6. Unknown cases

on_both_databases!(
    async fn a_member_cannot_touch_a_case_that_does_not_exist_and_learns_nothing_from_trying(backend) {
        let (app, _, anna_id, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        let mut everyone = committee;
        everyone.push(reporter);
        let unknown = random_hex::<16>();
        let t = Some(token.as_str());

        let mut answers = vec![
            api_get(&app, &format!("/api/v1/cases/{unknown}"), t).await,
            api_get(&app, "/api/v1/cases/not-hex", t).await,
            api_get(&app, &format!("/api/v1/cases/{unknown}/history"), t).await,
            api_post(&app, &format!("/api/v1/cases/{unknown}/status"), t, json!({ "status": "acknowledged" })).await,
            api_post(&app, &format!("/api/v1/cases/{unknown}/assign"), t, json!({ "member": anna_id })).await,
            api_post_empty(&app, &format!("/api/v1/cases/{unknown}/read"), t).await,
            api_post_empty(&app, &format!("/api/v1/cases/{unknown}/exported"), t).await,
        ];
        let sealed = crypto::seal_for(b"x", &everyone).unwrap();
        answers.push(post_message(&app, &token, &unknown, "kind=reply&seq=2", sealed).await);

        let first = answers[0].1.clone();
        assert!(first["error"].is_string(), "{first}");
        for (status, body) in &answers {
            assert_eq!(*status, 404, "{body}");
            assert_eq!(*body, first, "every refusal reads the same");
            let text = body.to_string();
            assert!(!text.contains(&unknown) && !text.contains("not-hex"), "{text}");
        }
        // The real case is untouched.
        let (_, case) = api_get(&app, &format!("/api/v1/cases/{case_id}"), t).await;
        assert_eq!(case["case"]["status"], "received");
        assert_eq!(case["case"]["assigned_member"], Value::Null);
        assert_eq!(app.count("messages").await, 1);
    }
);

// 7. Workflow

on_both_databases!(
    async fn status_changes_set_the_deadlines_and_closing_needs_a_reason(backend) {
        let (app, _, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let path = format!("/api/v1/cases/{case_id}/status");
        let t = Some(token.as_str());

        let (status, case) = api_post(&app, &path, t, json!({ "status": "acknowledged" })).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "acknowledged");
        let acknowledged = date(&case["acknowledged_on"]);
        assert_eq!(acknowledged, today());
        assert_eq!(date(&case["feedback_due_on"]), meldpunt::case::add_months(acknowledged, 3));
        assert_eq!(case["closed_on"], Value::Null);

        assert_refused(&api_post(&app, &path, t, json!({ "status": "closed" })).await, 400);
        assert_refused(&api_post(&app, &path, t, json!({ "status": "closed", "reason": "bored" })).await, 400);
        assert_refused(&api_post(&app, &path, t, json!({ "status": "under-review", "reason": "out-of-scope" })).await, 400);
        assert_refused(&api_post(&app, &path, t, json!({ "status": "finished" })).await, 400);

        let (status, case) = api_post(&app, &path, t, json!({ "status": "closed", "reason": "out-of-scope" })).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "closed");
        assert_eq!(case["close_reason"], "out-of-scope");
        assert_eq!(date(&case["closed_on"]), today());
        assert_eq!(date(&case["acknowledged_on"]), acknowledged, "acknowledging happens once");

        assert_refused(&api_post(&app, &path, t, json!({ "status": "received" })).await, 400);
        let (_, detail) = api_get(&app, &format!("/api/v1/cases/{case_id}"), t).await;
        assert_eq!(detail["case"]["status"], "closed");

        // A closed case takes no more replies to the reporter, but still notes.
        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        let mut everyone = committee.clone();
        everyone.push(reporter);
        let reply = crypto::seal_for(b"x", &everyone).unwrap();
        assert_refused(&post_message(&app, &token, &case_id, "kind=reply&seq=2", reply).await, 409);
        let note = crypto::seal_for(b"x", &committee).unwrap();
        assert_eq!(post_message(&app, &token, &case_id, "kind=note&seq=2", note).await.0, 201);
    }
);

on_both_databases!(
    async fn a_case_can_be_assigned_to_an_active_member_only(backend) {
        let (app, _, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
        let (_, bram_id) = new_member(&app, "Bram");
        let (_, carla_id) = new_member(&app, "Carla");
        let out = app.member_cli(&["member", "disable", &carla_id]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let path = format!("/api/v1/cases/{case_id}/assign");
        let t = Some(token.as_str());

        assert_eq!(api_post(&app, &path, t, json!({ "member": bram_id })).await, (204, Value::Null));
        let (_, detail) = api_get(&app, &format!("/api/v1/cases/{case_id}"), t).await;
        assert_eq!(detail["case"]["assigned_member"], bram_id.as_str());

        assert_refused(&api_post(&app, &path, t, json!({ "member": random_hex::<16>() })).await, 400);
        assert_refused(&api_post(&app, &path, t, json!({ "member": carla_id })).await, 400);
        let (_, detail) = api_get(&app, &format!("/api/v1/cases/{case_id}"), t).await;
        assert_eq!(detail["case"]["assigned_member"], bram_id.as_str(), "a refused assignment changes nothing");

        assert_eq!(api_post(&app, &path, t, json!({ "member": null })).await.0, 204);
        let (_, detail) = api_get(&app, &format!("/api/v1/cases/{case_id}"), t).await;
        assert_eq!(detail["case"]["assigned_member"], Value::Null);
    }
);

// 8. The audit chain

/// A portal after a normal session: sign-in, list, read a case, set a status, mark
/// read. The audit log is then: 1 member added, 2 sign-in, 3 list, 4 read,
/// 5 status acknowledged, 6 mark-read.
async fn audited_session(backend: common::Backend) -> TestApp {
    let (app, _, _, token, case_id) = portal_with_case(TestApp::spawn(backend).await).await;
    let t = Some(token.as_str());
    assert_eq!(
        api_get(&app, &format!("/api/v1/cases/{case_id}"), t)
            .await
            .0,
        200
    );
    assert_eq!(
        api_post(
            &app,
            &format!("/api/v1/cases/{case_id}/status"),
            t,
            json!({ "status": "acknowledged" })
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api_post_empty(&app, &format!("/api/v1/cases/{case_id}/read"), t)
            .await
            .0,
        204
    );
    assert_eq!(
        audit_actions(&app).await,
        [
            "member added",
            "sign-in",
            "list",
            "read",
            "status acknowledged",
            "mark-read"
        ]
    );
    assert_intact(&app);
    app
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let pool = app.db().await;
    let actions = sqlx::query_scalar("select action from audit_log order by seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    actions
}

async fn tamper(app: &TestApp, statements: &[&str]) {
    let pool = app.db().await;
    for s in statements {
        let done = sqlx::query(sqlx::AssertSqlSafe(*s))
            .execute(&pool)
            .await
            .unwrap();
        assert!(done.rows_affected() >= 1, "{s} changed nothing");
    }
    pool.close().await;
}

#[track_caller]
fn assert_intact(app: &TestApp) {
    let out = app.audit_verify();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("intact"), "{stdout}");
}

/// Asserts that verification fails and says one of `words`; returns stderr.
#[track_caller]
fn assert_broken(app: &TestApp, words: &[&str]) -> String {
    let out = app.audit_verify();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "verify passed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(words.iter().any(|w| stderr.contains(w)), "{stderr}");
    stderr
}

on_both_databases!(
    async fn the_audit_chain_of_a_normal_session_verifies_as_intact(backend) {
        let app = audited_session(backend).await;
        let out = app.audit_verify();
        assert!(String::from_utf8_lossy(&out.stdout).contains("6 entries"));
    }
);

on_both_databases!(
    async fn an_altered_audit_entry_is_detected(backend) {
        let app = audited_session(backend).await;
        tamper(&app, &["update audit_log set action = 'list' where seq = 2"]).await;
        assert!(assert_broken(&app, &["altered", "does not follow"]).contains("entry 2"));
        tamper(&app, &["update audit_log set action = 'sign-in' where seq = 2"]).await;
        assert_intact(&app);
        tamper(&app, &["update audit_log set at = at + 60 where seq = 4"]).await;
        assert!(assert_broken(&app, &["altered", "does not follow"]).contains("entry 4"));
    }
);

on_both_databases!(
    async fn a_deleted_audit_entry_in_the_middle_is_detected(backend) {
        let app = audited_session(backend).await;
        tamper(&app, &["delete from audit_log where seq = 3"]).await;
        assert_broken(&app, &["missing", "does not follow", "altered"]);
    }
);

on_both_databases!(
    async fn reordered_audit_entries_are_detected(backend) {
        // Swapping the contents of two entries.
        let app = audited_session(backend.clone()).await;
        let pool = app.db().await;
        let rows = sqlx::query("select seq, at, action from audit_log where seq in (2, 3) order by seq")
            .fetch_all(&pool)
            .await
            .unwrap();
        let (at2, action2): (i64, String) = (rows[0].get(1), rows[0].get(2));
        let (at3, action3): (i64, String) = (rows[1].get(1), rows[1].get(2));
        for (seq, at, action) in [(2i64, at3, action3), (3, at2, action2)] {
            sqlx::query("update audit_log set at = $1, action = $2 where seq = $3")
                .bind(at)
                .bind(action)
                .bind(seq)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
        assert_broken(&app, &["altered", "does not follow", "out of order"]);
        drop(app);

        // Swapping the sequence numbers of two entries.
        let app = audited_session(backend).await;
        tamper(
            &app,
            &[
                "update audit_log set seq = 1000 where seq = 2",
                "update audit_log set seq = 2 where seq = 3",
                "update audit_log set seq = 3 where seq = 1000",
            ],
        )
        .await;
        assert_broken(&app, &["altered", "does not follow", "out of order"]);
    }
);

on_both_databases!(
    async fn a_removed_newest_audit_entry_is_detected(backend) {
        let app = audited_session(backend).await;
        tamper(&app, &["delete from audit_log where seq = 6"]).await;
        assert_broken(&app, &["removed", "truncated"]);
    }
);

// 9. The audit log holds no content

on_both_databases!(
    async fn audit_entries_record_actions_but_never_content(backend) {
        const CANARY: &str = "kanarie-7f3a9c-geheim";
        let app = TestApp::spawn(backend).await;
        let (anna, _) = new_member(&app, "Anna");
        app.submit_code("", &format!("Melding met {CANARY}")).await;
        let token = sign_in(&app, &anna).await.expect("Anna signs in");
        let t = Some(token.as_str());
        let (_, cases) = api_get(&app, "/api/v1/cases", t).await;
        let case_id = cases[0]["id"].as_str().unwrap().to_owned();
        let reference = cases[0]["reference"].as_str().unwrap().to_owned();

        let (committee, reporter) = seal_to(&app, &token, &case_id).await;
        let mut everyone = committee;
        everyone.push(reporter.clone());
        let reply = crypto::seal_for(format!("Antwoord {CANARY}").as_bytes(), &everyone).unwrap();
        assert_eq!(post_message(&app, &token, &case_id, "kind=reply&seq=2", reply).await.0, 201);
        assert_eq!(api_post(&app, &format!("/api/v1/cases/{case_id}/status"), t, json!({ "status": "acknowledged" })).await.0, 200);

        let pool = app.db().await;
        let rows = sqlx::query("select seq, at, member_id, action, case_ref, prev_hash, hash from audit_log order by seq")
            .fetch_all(&pool)
            .await
            .unwrap();
        let for_case: Vec<String> = sqlx::query_scalar("select action from audit_log where case_ref = $1 order by seq")
            .bind(&reference)
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert!(!rows.is_empty());
        let reporter_key = reporter.to_string();
        for r in &rows {
            let texts: Vec<String> = (2..5).filter_map(|i| r.get::<Option<String>, _>(i)).collect();
            let mut bytes: Vec<Vec<u8>> = texts.iter().map(|s| s.clone().into_bytes()).collect();
            bytes.push(r.get(5));
            bytes.push(r.get(6));
            for b in &bytes {
                for needle in [CANARY, "kanarie", &case_id, &reporter_key] {
                    assert!(
                        !b.windows(needle.len()).any(|w| w == needle.as_bytes()),
                        "an audit entry holds {needle:?}: {texts:?}"
                    );
                }
            }
        }
        assert_eq!(for_case, ["read", "reply", "status acknowledged"]);

        let (status, history) = api_get(&app, &format!("/api/v1/cases/{case_id}/history"), t).await;
        assert_eq!(status, 200, "{history}");
        let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["read", "reply", "status acknowledged"]);
        assert!(history.as_array().unwrap().iter().all(|e| e["member"] == "Anna"));
        assert!(!history.to_string().contains(CANARY));
    }
);

// 10. The member command line

on_both_databases!(
    async fn member_add_reads_a_recipient_file_and_refuses_secret_keys_and_duplicates(backend) {
        let app = TestApp::spawn(backend).await;
        let anna = Identity::generate();
        let public = anna.to_public().to_string();
        let file = app.dir.path().join("anna.pub");
        std::fs::write(&file, format!("# Anna's public key\n# made with age-keygen -y\n\n{public}\n")).unwrap();
        let out = app.member_cli(&["member", "add", "--name", "Anna", "--recipient", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(&public));
        assert_eq!(sign_in(&app, &anna).await.map(|_| ()), Ok(()));

        // An identity file: refused, and the secret key is not repeated.
        let bram = Identity::generate();
        let secret = bram.to_string().expose_secret().to_owned();
        let identity_file = app.dir.path().join("bram.key");
        std::fs::write(
            &identity_file,
            format!("# created: 2026-01-01\n# public key: {}\n{secret}\n", bram.to_public()),
        )
        .unwrap();
        let out = app.member_cli(&["member", "add", "--name", "Bram", "--recipient", identity_file.to_str().unwrap()]);
        assert!(!out.status.success());
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!said.contains(&secret) && !said.contains(&secret[20..]), "{said}");
        assert!(said.contains("SECRET"), "{said}");
        // Pasted instead of a file name: refused, not repeated either.
        let out = app.member_cli(&["member", "add", "--name", "Bram", "--recipient", &secret]);
        assert!(!out.status.success());
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!said.contains(&secret) && !said.contains(&secret[20..]), "{said}");

        // The same recipient a second time, directly or from the file.
        let out = app.member_cli(&["member", "add", "--name", "Anna twee", "--recipient", &public]);
        assert!(!out.status.success());
        let out = app.member_cli(&["member", "add", "--name", "Anna drie", "--recipient", file.to_str().unwrap()]);
        assert!(!out.status.success());

        assert_eq!(app.count("members").await, 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_names_that_could_forge_or_hide_terminal_or_audit_lines_are_refused() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    for name in [
        "Anna\nadded member Mallory (0000) with recipient age1…",
        "An\rna",
        "\u{1b}[2K\u{1b}[1GAnna",
        "Anna\u{202e}lanoitan",
        "Anna\u{2066}x",
        "",
        "   ",
        &"A".repeat(101),
    ] {
        let recipient = Identity::generate().to_public().to_string();
        let out = app.member_cli(&["member", "add", "--name", name, "--recipient", &recipient]);
        assert!(!out.status.success(), "{name:?} was accepted");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("--name"), "{said}");
        assert!(
            !said.contains('\u{1b}') && !said.contains("Mallory"),
            "the name is not echoed: {said:?}"
        );
    }
    assert_eq!(app.count("members").await, 0);
    // Accents, apostrophes and spaces are names.
    let recipient = Identity::generate().to_public().to_string();
    let out = app.member_cli(&[
        "member",
        "add",
        "--name",
        "Zoë d'Ancona-Yılmaz",
        "--recipient",
        &recipient,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = app.member_cli(&["member", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("Zoë d'Ancona-Yılmaz"));
}

on_both_databases!(
    async fn a_disabled_member_is_listed_as_disabled_and_new_reports_are_no_longer_sealed_to_them(backend) {
        let app = TestApp::spawn(backend).await;
        let (_, anna_id) = new_member(&app, "Anna");
        let list = |app: &TestApp| {
            let out = app.member_cli(&["member", "list"]);
            assert!(out.status.success());
            String::from_utf8(out.stdout).unwrap()
        };
        let listed = list(&app);
        let line = listed.lines().find(|l| l.contains("Anna")).expect("Anna is listed");
        assert!(line.contains(&anna_id) && line.split('\t').any(|f| f == "active"), "{line}");

        // Sealed to the recipients file key, Anna and the reporter.
        app.submit_code("", "Eerste melding").await;
        let before = app.stored_messages().await;
        assert_eq!(before.len(), 1);
        assert_eq!(x25519_stanzas(&before[0].3), 3);

        let out = app.member_cli(&["member", "disable", "Anna"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let listed = list(&app);
        let line = listed.lines().find(|l| l.contains("Anna")).expect("Anna is still listed");
        assert!(line.split('\t').any(|f| f == "disabled"), "{line}");

        // The next report: one recipient fewer.
        app.submit_code("", "Tweede melding").await;
        let after = app.stored_messages().await;
        let newest: Vec<_> = after.iter().filter(|m| !before.contains(m)).collect();
        assert_eq!(newest.len(), 1);
        assert_eq!(x25519_stanzas(&newest[0].3), 2);
        assert!(crypto::open(&newest[0].3, &app.committee).is_ok());
    }
);
