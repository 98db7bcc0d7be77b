//! Real journeys through the portal and the API, done as a browser and the
//! committee's desk do them: the fuzzer's seeding and the regression tests start
//! from them, so that a test reaches the code it is about.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use meldpunt::case::{Body as EnvelopeBody, Envelope};
use meldpunt::crypto::{self, Identity, Recipient};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::common::{self, TestApp, full_report, text};
use crate::state::CaseKeys;

/// Sends the report form with one file, as a browser does; the pickup code on the
/// receipt.
pub async fn report_with_file(app: &TestApp, what: &str, file: Part) -> String {
    let form = app.get("/report", None).await;
    assert_eq!(form.status, 200);
    let mut multipart = Form::new().text("form_token", common::form_token(&form.html()));
    for (k, v) in full_report(what) {
        multipart = multipart.text(k, v);
    }
    let receipt = app
        .client
        .post(format!("{}/report", app.base))
        .multipart(multipart.part("files", file))
        .send()
        .await
        .expect("the report is answered");
    assert_eq!(receipt.status().as_u16(), 200);
    let receipt = receipt.text().await.unwrap();
    text(&scraper::Html::parse_document(&receipt), "#pickup-code")
}

/// A new member, signed in through the API as the desk does: the session token.
pub async fn signed_in_member(app: &TestApp) -> String {
    let member = Identity::generate();
    app.add_member("Regressie", &member.to_public().to_string());
    let post = |path: &str, body: Value| {
        app.client
            .post(format!("{}{path}", app.base))
            .json(&body)
            .send()
    };
    let challenge: Value = post(
        "/api/v1/sign-in/challenge",
        json!({ "recipient": member.to_public().to_string() }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let sealed = B64.decode(challenge["sealed"].as_str().unwrap()).unwrap();
    let answer = meldpunt::protocol::sign_in::open_and_answer(
        &sealed,
        &member,
        challenge["challenge"].as_str().unwrap(),
        &meldpunt::protocol::sign_in::origin_of(&app.base).unwrap(),
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
    .unwrap();
    let signed: Value = post(
        "/api/v1/sign-in/answer",
        json!({ "challenge": challenge["challenge"], "answer": answer }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    signed["token"].as_str().expect("a member token").to_owned()
}

async fn api_get(app: &TestApp, token: &str, path: &str) -> Value {
    app.client
        .get(format!("{}{path}", app.base))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A case, as a member sees it.
pub struct TestCase {
    pub id: String,
    /// Who a reply is sealed to: the committee and the case's reporter.
    pub everyone: Vec<Recipient>,
    /// The reporter's pickup code.
    pub code: String,
}

/// Submits a new report and finds its case through the API.
pub async fn new_case(app: &TestApp, token: &str) -> TestCase {
    let ids = |cases: &Value| -> Vec<String> {
        cases
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = ids(&api_get(app, token, "/api/v1/cases").await);
    let code = app
        .submit_code("", "Het wijkteam deelde dossiers (regressie).")
        .await;
    let after = ids(&api_get(app, token, "/api/v1/cases").await);
    let id = after
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("the new case is listed");
    let detail = api_get(app, token, &format!("/api/v1/cases/{id}")).await;
    let keys = CaseKeys::from_detail(&id, &detail).expect("the case says whom to seal to");
    TestCase {
        everyone: keys.everyone(),
        id,
        code,
    }
}

/// A reply for `seq` of a case, sealed as the desk does.
pub fn reply(case: &TestCase, seq: i64) -> Vec<u8> {
    let text = EnvelopeBody::Text {
        text: "Een vraag van de commissie.".into(),
    };
    crypto::seal_for(
        &Envelope::new(&case.id, seq, text).to_bytes(),
        &case.everyone,
    )
    .unwrap()
}

/// POSTs a sealed message to a case as the desk does; the status.
pub async fn post_message(
    app: &TestApp,
    token: &str,
    case: &str,
    query: &str,
    body: Vec<u8>,
) -> u16 {
    app.client
        .post(format!("{}/api/v1/cases/{case}/messages?{query}", app.base))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("the portal answers")
        .status()
        .as_u16()
}
