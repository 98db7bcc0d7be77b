//! Helpers of the re-seal tests (tests/reseal.rs): members with their own desk
//! state directories, `meldpunt reseal`, the stored ciphertexts read straight from
//! the database, opening them with Debian's `age`, and raw API calls.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use meldpunt::crypto::{self, Identity};
use meldpunt::desk::Portal;
use meldpunt::desk::pins::PinStore;
use meldpunt::protocol::{MessageKind, sign_in};
use serde_json::{Value, json};
use sqlx::Row;

use super::{TestApp, file_part, form_token, identity_file};

/// A member's identity, its file and a desk state directory of its own.
pub struct Member {
    pub identity: Identity,
    pub file: PathBuf,
    pub state: PathBuf,
}

pub fn member(app: &TestApp, name: &str) -> Member {
    let identity = Identity::generate();
    app.add_member(name, &identity.to_public().to_string());
    unregistered(app, name, identity)
}

pub fn unregistered(app: &TestApp, name: &str, identity: Identity) -> Member {
    let file = identity_file(app.dir.path(), &format!("{name}.key"), &identity);
    let state = app.dir.path().join(format!("{name}-state"));
    Member {
        identity,
        file,
        state,
    }
}

/// Pins the roster the portal lists now in the member's state directory, as the
/// member does by confirming it in the desk.
pub async fn confirm(app: &TestApp, m: &Member) {
    confirm_at(&app.base, m).await;
}

/// The same for the portal at `base` (a proxy in front of it, say).
pub async fn confirm_at(base: &str, m: &Member) {
    let portal = Portal::new(base, m.identity.clone()).unwrap();
    portal.sign_in().await.expect("the member signs in");
    let roster = portal.roster().await.unwrap();
    PinStore::new(&m.state)
        .save(portal.origin(), roster)
        .unwrap();
}

pub fn reseal_command(app: &TestApp, m: &Member) -> Command {
    reseal_command_at(&app.base, m)
}

/// `meldpunt reseal` against the portal at `base`.
pub fn reseal_command_at(base: &str, m: &Member) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_meldpunt"));
    c.args(["reseal", "--portal", base])
        .arg("--identity")
        .arg(&m.file)
        .arg("--state-dir")
        .arg(&m.state)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null());
    c
}

pub fn reseal(app: &TestApp, m: &Member) -> std::process::Output {
    reseal_command(app, m).output().unwrap()
}

/// Every stored ciphertext as read straight from the database: messages, and the
/// claimed files with their chunks joined (pending uploads are no file yet).
pub async fn stored(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let pool = app.db().await;
    let mut out = Vec::new();
    for r in sqlx::query("select case_id, seq, ciphertext from messages order by case_id, seq")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        let (case, seq): (String, i64) = (r.get(0), r.get(1));
        out.push((format!("message {case}/{seq}"), r.get(2)));
    }
    let ids: Vec<String> =
        sqlx::query_scalar("select id from attachments where case_id is not null order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    for id in ids {
        let chunks: Vec<Vec<u8>> = sqlx::query_scalar(
            "select data from attachment_chunks where attachment_id = $1 order by idx",
        )
        .bind(&id)
        .fetch_all(&pool)
        .await
        .unwrap();
        out.push((format!("file {id}"), chunks.concat()));
    }
    pool.close().await;
    out
}

/// Whether Debian's `age -d -i` opens the bytes with this identity.
pub fn age_opens(dir: &Path, identity: &Identity, ciphertext: &[u8]) -> bool {
    let key = identity_file(dir, "age-cli.key", identity);
    let file = dir.join("age-cli.age");
    std::fs::write(&file, ciphertext).unwrap();
    Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

pub fn opens(identity: &Identity, ciphertext: &[u8]) -> bool {
    crypto::open_raw(ciphertext, identity).is_ok()
}

/// Signs in through the API as the desk does: the session token, or the status.
pub async fn token(app: &TestApp, identity: &Identity) -> Result<String, u16> {
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/api/v1/sign-in/challenge", app.base))
        .json(&json!({ "recipient": identity.to_public().to_string() }))
        .send()
        .await
        .unwrap();
    let challenge: Value = r.json().await.unwrap();
    let id = challenge["challenge"].as_str().unwrap().to_owned();
    let sealed = B64.decode(challenge["sealed"].as_str().unwrap()).unwrap();
    let origin = sign_in::origin_of(&app.base).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let answer = sign_in::open_and_answer(&sealed, identity, &id, &origin, now).unwrap();
    let r = client
        .post(format!("{}/api/v1/sign-in/answer", app.base))
        .json(&json!({ "challenge": id, "answer": answer }))
        .send()
        .await
        .unwrap();
    match r.status().as_u16() {
        200 => Ok(r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()),
        s => Err(s),
    }
}

pub async fn put(app: &TestApp, token: Option<&str>, path: &str, body: Vec<u8>) -> u16 {
    let mut r = reqwest::Client::new()
        .put(format!("{}{path}", app.base))
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status().as_u16()
}

/// `PUT /api/v1/cases/{case}/messages` with these replacements (seq, age file).
pub async fn put_messages(
    app: &TestApp,
    token: Option<&str>,
    case: &str,
    items: &[(i64, &[u8])],
) -> u16 {
    use base64::Engine;
    let messages: Vec<Value> = items
        .iter()
        .map(|(seq, b)| serde_json::json!({"seq": seq, "ciphertext": base64::engine::general_purpose::STANDARD.encode(b)}))
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "messages": messages })).unwrap();
    put_json(app, token, &format!("/api/v1/cases/{case}/messages"), body).await
}

/// A PUT with a JSON body as given.
pub async fn put_json(app: &TestApp, token: Option<&str>, path: &str, body: Vec<u8>) -> u16 {
    let mut r = reqwest::Client::new()
        .put(format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status().as_u16()
}

pub async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut r = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub fn succeeded(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "reseal failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A report with a text file, a committee reply and a note (written by `writer`),
/// and a follow-up of the reporter: (pickup code, file bytes).
pub async fn conversation(app: &TestApp, writer: &Member, what: &str) -> (String, Vec<u8>) {
    let file = format!("minutes of the meeting about {what}\n").repeat(2000);
    let code = app
        .submit_code_with_files(
            "/en",
            what,
            [file_part("minutes.txt", file.as_bytes().to_vec())],
        )
        .await;
    let portal = Portal::new(&app.base, writer.identity.clone()).unwrap();
    portal.sign_in().await.unwrap();
    let pinned = PinStore::new(&writer.state)
        .load(portal.origin())
        .unwrap()
        .expect("the writer confirmed the roster")
        .entries;
    let id = portal.cases().await.unwrap().remove(0).id;
    portal
        .write(
            &id,
            &format!("Reply about {what}"),
            MessageKind::Reply,
            vec![],
            &pinned,
        )
        .await
        .unwrap();
    portal
        .write(
            &id,
            &format!("Note about {what}"),
            MessageKind::Note,
            vec![],
            &pinned,
        )
        .await
        .unwrap();
    let cookie = app.sign_in("/en", &code).await;
    let thread = app.get("/en/thread", Some(&cookie)).await.html();
    let r = app
        .post_form(
            "/en/thread",
            &[
                ("form_token".into(), form_token(&thread)),
                ("text".into(), format!("Follow-up about {what}")),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    (code, file.into_bytes())
}

pub fn attr_all(html: &scraper::Html, selector: &str, name: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_owned))
        .collect()
}
