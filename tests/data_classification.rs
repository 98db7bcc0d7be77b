//! Checklist #35, the data-classification inventory: every column of the migrated
//! schema, on SQLite and PostgreSQL, is tagged with exactly one class in
//! `meldpunt::storage::inventory::COLUMNS` (with the privacy-statement entry that
//! tells reporters about it), and a
//! column nobody classified (or a classification of a column that is gone) fails the
//! test. A second test runs a real journey and checks that what the columns hold
//! matches their class: dates to the day only (#32), age ciphertext only (#1), no
//! precise time outside the columns that exist for expiry. See docs/security-tests.md.

mod common;

use std::collections::BTreeSet;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::{TestApp, form_token};
use meldpunt::crypto::{self, Identity, Recipient};
use serde_json::{Value, json};
use sqlx::Row;

// The inventory lives in the library (meldpunt::storage::inventory), because the
// privacy statement is rendered from the same list: a column needs a class and a
// statement entry there.
use meldpunt::storage::inventory::Class::*;
use meldpunt::storage::inventory::{COLUMNS, SETTINGS};

const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";

/// Every (table, column) of the migrated database, without sqlx's own table.
async fn schema_columns(pool: &sqlx::AnyPool, sqlite: bool) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    if sqlite {
        let tables: Vec<String> = sqlx::query_scalar(
            "select name from sqlite_master where type = 'table' \
             and name not like 'sqlite_%' and name != '_sqlx_migrations' order by name",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        for table in tables {
            let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
                "pragma table_info(\"{table}\")"
            )))
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(!columns.is_empty(), "table {table} has no columns?");
            for c in columns {
                out.insert((table.clone(), c.get::<String, _>("name")));
            }
        }
    } else {
        let rows = sqlx::query(
            "select table_name::text as t, column_name::text as c from information_schema.columns \
             where table_schema = 'public' and table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        for r in rows {
            out.insert((r.get::<String, _>("t"), r.get::<String, _>("c")));
        }
    }
    out
}

/// What is wrong between the schema and the classification, as a message; `None`
/// when every column is classified exactly once and every classification exists.
fn inventory_problems(actual: &BTreeSet<(String, String)>) -> Option<String> {
    let mut classified = BTreeSet::new();
    let mut twice = Vec::new();
    for c in COLUMNS {
        let (table, column) = (c.table, c.column);
        if !classified.insert((table.to_string(), column.to_string())) {
            twice.push(format!("{table}.{column}"));
        }
    }
    let unclassified: Vec<String> = actual
        .difference(&classified)
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    let vanished: Vec<String> = classified
        .difference(actual)
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    if unclassified.is_empty() && vanished.is_empty() && twice.is_empty() {
        return None;
    }
    let mut msg = String::from(
        "the data-classification inventory (src/storage/inventory.rs, COLUMNS) \
         does not match the schema:\n",
    );
    if !unclassified.is_empty() {
        msg.push_str(&format!(
            "  unclassified columns (tag each Ciphertext, CoarseDate, Public, Secret, \
             Ephemeral or MemberData, and make sure it deserves it): {}\n",
            unclassified.join(", ")
        ));
    }
    if !vanished.is_empty() {
        msg.push_str(&format!(
            "  classified columns that no longer exist (remove them): {}\n",
            vanished.join(", ")
        ));
    }
    if !twice.is_empty() {
        msg.push_str(&format!(
            "  columns classified more than once: {}\n",
            twice.join(", ")
        ));
    }
    Some(msg)
}

on_both_databases!(
    async fn every_column_of_the_schema_is_classified_exactly_once(backend) {
        let app = TestApp::spawn(backend).await;
        let sqlite = app.sqlite_path().is_some();
        let pool = app.db().await;
        let actual = schema_columns(&pool, sqlite).await;
        assert!(actual.len() >= COLUMNS.len() / 2, "found the schema: {actual:?}");
        if let Some(problems) = inventory_problems(&actual) {
            panic!("{problems}");
        }

        // The check bites: a column added behind its back is named, and so is a
        // classified column that disappeared.
        sqlx::query("alter table cases add column reporter_hint text")
            .execute(&pool)
            .await
            .unwrap();
        let mut grown = schema_columns(&pool, sqlite).await;
        let problems = inventory_problems(&grown).expect("a new column is noticed");
        assert!(
            problems.contains("unclassified columns") && problems.contains("cases.reporter_hint"),
            "{problems}"
        );
        grown.remove(&("cases".to_owned(), "purge_on".to_owned()));
        let problems = inventory_problems(&grown).unwrap();
        assert!(
            problems.contains("no longer exist") && problems.contains("cases.purge_on"),
            "{problems}"
        );
        pool.close().await;
    }
);

// ---------------------------------------------------------------------------
// A real journey, then what every column holds

async fn into_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn api(app: &TestApp, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{path}", app.base);
    let req = match body {
        Some(b) => app.client.post(url).json(&b),
        None => app.client.get(url),
    };
    into_json(req.bearer_auth(token).send().await.unwrap()).await
}

/// A challenge sealed to `identity`: (challenge id, answer).
async fn challenge(app: &TestApp, identity: &Identity) -> (String, String) {
    let r = app
        .client
        .post(format!("{}/api/v1/sign-in/challenge", app.base))
        .json(&json!({ "recipient": identity.to_public().to_string() }))
        .send()
        .await
        .unwrap();
    let (status, body) = into_json(r).await;
    assert_eq!(status, 200, "{body}");
    let sealed = B64.decode(body["sealed"].as_str().unwrap()).unwrap();
    let answer = meldpunt::protocol::sign_in::open_and_answer(
        &sealed,
        identity,
        body["challenge"].as_str().unwrap(),
        &meldpunt::protocol::sign_in::origin_of(&app.base).unwrap(),
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
    .unwrap();
    (body["challenge"].as_str().unwrap().to_owned(), answer)
}

async fn member_sign_in(app: &TestApp, identity: &Identity) -> String {
    let (id, answer) = challenge(app, identity).await;
    let r = app
        .client
        .post(format!("{}/api/v1/sign-in/answer", app.base))
        .json(&json!({ "challenge": id, "answer": answer }))
        .send()
        .await
        .unwrap();
    let (status, body) = into_json(r).await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Fills every table: two reports (one with a file over a chunk), a reporter
/// follow-up and a still-open reporter session; a member who signs in, leaves a
/// challenge open, acknowledges, replies, assigns, marks read and closes a case;
/// a third report that its reporter withdraws.
async fn journey(app: &TestApp) {
    let anna = Identity::generate();
    let anna_id = app.add_member("Anna", &anna.to_public().to_string());

    let file: Vec<u8> = (0..(1536 * 1024u32))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let code = app
        .submit_code_with_files(
            "",
            "Het wijkteam deelde dossiers.",
            [common::file_part("bijlage.bin", file)],
        )
        .await;
    app.submit_code("", "tekst").await;

    let cookie = app.sign_in("", &code).await;
    let thread = app.get("/thread", Some(&cookie)).await;
    let sent = app
        .post_form(
            "/thread",
            &[
                ("form_token".into(), form_token(&thread.html())),
                ("text".into(), "Ook de gemeente vroeg om gegevens.".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    let token = member_sign_in(app, &anna).await;
    challenge(app, &anna).await; // left unanswered: a live challenge row
    let (status, cases) = api(app, "/api/v1/cases", &token, None).await;
    assert_eq!(status, 200, "{cases}");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let mut with_file = None;
    let mut plain = None;
    for c in cases {
        let id = c["id"].as_str().unwrap().to_owned();
        let (_, detail) = api(app, &format!("/api/v1/cases/{id}"), &token, None).await;
        if detail["messages"].as_array().unwrap().len() == 2 {
            with_file = Some((id, detail));
        } else {
            plain = Some(id);
        }
    }
    let (case_id, detail) = with_file.expect("the case with the follow-up");
    let plain = plain.expect("the plain case");

    let (status, body) = api(
        app,
        &format!("/api/v1/cases/{case_id}/status"),
        &token,
        Some(json!({ "status": "acknowledged" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut everyone: Vec<Recipient> = detail["seal_to"]["committee"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Recipient::from_str(r.as_str().unwrap()).unwrap())
        .collect();
    everyone.push(Recipient::from_str(detail["seal_to"]["reporter"].as_str().unwrap()).unwrap());
    let reply = crypto::seal_for(b"Welke vrijwilligers?", &everyone).unwrap();
    let seq = detail["next_seq"].as_i64().unwrap();
    let r = app
        .client
        .post(format!(
            "{}/api/v1/cases/{case_id}/messages?kind=reply&seq={seq}",
            app.base
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(reply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let (status, _) = api(
        app,
        &format!("/api/v1/cases/{case_id}/assign"),
        &token,
        Some(json!({ "member": anna_id })),
    )
    .await;
    assert_eq!(status, 204);
    let r = app
        .client
        .post(format!("{}/api/v1/cases/{case_id}/read", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (status, body) = api(
        app,
        &format!("/api/v1/cases/{plain}/status"),
        &token,
        Some(json!({ "status": "closed", "reason": "out-of-scope" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A third report, withdrawn by its reporter: what stays is a withdrawal notice.
    let code = app.submit_code("", "ingetrokken").await;
    let cookie = app.sign_in("", &code).await;
    let confirm = app.get("/withdraw", Some(&cookie)).await;
    let withdrawn = app
        .post_form(
            "/withdraw",
            &[
                ("form_token".into(), form_token(&confirm.html())),
                ("confirm".into(), "yes".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    assert_eq!(app.count("withdrawals").await, 1);

    // Anna asks to be notified; tomorrow's daily check claims the day and tries to
    // mail (no SMTP server listens there, so it fails and is kept for the next day).
    let out = app.member_cli(&["member", "notify", "Anna", "--email", "anna@example.org"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let notifier = meldpunt::notify::Notifier {
        mailer: meldpunt::notify::Mailer::new(
            &meldpunt::notify::SmtpServer::PlainLoopback {
                ip: std::net::Ipv4Addr::LOCALHOST.into(),
                port,
            },
            meldpunt::notify::EmailAddress::parse("meldpunt@example.org").unwrap(),
            None,
        )
        .unwrap(),
        hour: 8,
    };
    let tomorrow = time::OffsetDateTime::now_utc().date().next_day().unwrap();
    let storage = meldpunt::storage::Storage::connect(&app.database_url)
        .await
        .unwrap();
    let run = meldpunt::notify::run_due(
        &storage,
        &notifier,
        tomorrow.with_hms(8, 0, 0).unwrap().assume_utc(),
    )
    .await
    .unwrap();
    assert_eq!(run.failed, 1);
    storage.close().await;
}

/// Whether a text is exactly a day, `YYYY-MM-DD`, and a real one.
fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && time::Date::parse(s, &time::format_description::well_known::Iso8601::DATE).is_ok()
}

/// Whether a text holds a time of day (`12:34`), as a timestamp would.
fn has_time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

/// Whether an integer is within a year of now in Unix seconds, milliseconds or
/// microseconds: a precise time stored as a number.
fn looks_like_now(v: i64) -> bool {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let year = 366 * 24 * 3600;
    [1i64, 1_000, 1_000_000]
        .iter()
        .any(|scale| (v - now * scale).abs() < year * scale)
}

/// One stored value, read as the type it has.
enum Stored {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

async fn column_values(pool: &sqlx::AnyPool, table: &str, column: &str) -> Vec<Stored> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("select {column} from {table}")))
        .fetch_all(pool)
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            if let Ok(v) = r.try_get::<Option<i64>, _>(0) {
                v.map_or(Stored::Null, Stored::Int)
            } else if let Ok(v) = r.try_get::<Option<String>, _>(0) {
                v.map_or(Stored::Null, Stored::Text)
            } else if let Ok(v) = r.try_get::<Option<Vec<u8>>, _>(0) {
                v.map_or(Stored::Null, Stored::Bytes)
            } else {
                panic!("{table}.{column} holds a value of an unexpected type")
            }
        })
        .collect()
}

/// Every problem with what the columns hold, one line each.
async fn content_problems(pool: &sqlx::AnyPool) -> Vec<String> {
    let mut problems = Vec::new();
    for c in COLUMNS {
        let (table, column, class) = (&c.table, &c.column, &c.class);
        let at = format!("{table}.{column}");
        let values = column_values(pool, table, column).await;
        let filled = values.iter().filter(|v| !matches!(v, Stored::Null)).count();
        match class {
            CoarseDate => {
                for v in &values {
                    match v {
                        Stored::Null => {}
                        Stored::Text(s) if is_day(s) => {}
                        Stored::Text(s) => problems.push(format!("{at} holds {s:?}, not a day")),
                        Stored::Int(i) => {
                            problems.push(format!("{at} holds the number {i}, not a day"))
                        }
                        Stored::Bytes(_) => problems.push(format!("{at} holds bytes, not a day")),
                    }
                }
                if filled == 0 {
                    problems.push(format!(
                        "{at}: the journey left it empty; the check proved nothing"
                    ));
                }
            }
            Ciphertext if (*table, *column) == ("attachment_chunks", "data") => {
                // One age file per attachment, cut into rows: the first row carries the
                // header, the rest continue its STREAM payload.
                let heads: Vec<Vec<u8>> =
                    sqlx::query_scalar("select data from attachment_chunks where idx = 0")
                        .fetch_all(pool)
                        .await
                        .unwrap();
                for h in &heads {
                    if !h.starts_with(AGE_HEADER) {
                        problems.push(format!("{at}: a first chunk is not age ciphertext"));
                    }
                }
                let orphans: i64 = sqlx::query_scalar(
                    "select count(*) from attachment_chunks c where c.idx > 0 and not exists \
                     (select 1 from attachment_chunks h where h.attachment_id = c.attachment_id \
                     and h.idx = 0)",
                )
                .fetch_one(pool)
                .await
                .unwrap();
                if orphans > 0 {
                    problems.push(format!(
                        "{at}: {orphans} chunks without a first (header) chunk"
                    ));
                }
                let continued: i64 =
                    sqlx::query_scalar("select count(*) from attachment_chunks where idx > 0")
                        .fetch_one(pool)
                        .await
                        .unwrap();
                if heads.is_empty() || continued == 0 {
                    problems.push(format!(
                        "{at}: the journey stored no file of several chunks"
                    ));
                }
            }
            Ciphertext => {
                for v in &values {
                    match v {
                        Stored::Null => {}
                        Stored::Bytes(b) if b.is_empty() || b.starts_with(AGE_HEADER) => {}
                        Stored::Bytes(b) => problems.push(format!(
                            "{at} holds {} bytes that are not age ciphertext",
                            b.len()
                        )),
                        _ => problems.push(format!("{at} holds a non-binary value")),
                    }
                }
                if filled == 0 {
                    problems.push(format!(
                        "{at}: the journey left it empty; the check proved nothing"
                    ));
                }
            }
            Public | Secret => {
                // No precise time where none belongs.
                for v in &values {
                    match v {
                        Stored::Int(i) if looks_like_now(*i) => {
                            problems.push(format!("{at} holds {i}, which looks like a timestamp"))
                        }
                        Stored::Text(s) if has_time_of_day(s) => {
                            problems.push(format!("{at} holds {s:?}, which has a time of day"))
                        }
                        _ => {}
                    }
                }
            }
            Ephemeral | MemberData => {}
        }
    }

    // The settings table is a key-value store: every kind of row is classified too.
    let names: Vec<String> = sqlx::query_scalar("select name from settings order by name")
        .fetch_all(pool)
        .await
        .unwrap();
    for n in &names {
        if !SETTINGS.contains(&n.as_str()) {
            problems.push(format!(
                "settings holds an unclassified row {n:?} (add it to SETTINGS)"
            ));
        }
    }
    // A claimed attachment keeps no precise time and no pending link.
    let claimed_with_time: i64 = sqlx::query_scalar(
        "select count(*) from attachments where case_id is not null \
         and (pending_until is not null or pending_case is not null)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    if claimed_with_time > 0 {
        problems.push(format!(
            "attachments: {claimed_with_time} claimed rows still hold pending_until or pending_case"
        ));
    }
    problems
}

on_both_databases!(
    async fn after_a_real_journey_dates_are_days_and_ciphertext_is_age(backend) {
        let app = TestApp::spawn(backend).await;
        journey(&app).await;
        // Every table was written to, so no check below is vacuous.
        for table in [
            "settings", "cases", "messages", "reporter_sessions", "used_form_tokens", "members",
            "sign_in_challenges", "member_sessions", "audit_log", "attachments", "attachment_chunks",
        ] {
            assert!(app.count(table).await > 0, "the journey left {table} empty");
        }
        let pool = app.db().await;
        let problems = content_problems(&pool).await;
        assert!(
            problems.is_empty(),
            "stored values do not match their class:\n  {}",
            problems.join("\n  ")
        );

        // The check bites: a time of day in a date, plaintext in a ciphertext column
        // and a Unix time in a count are each named.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        sqlx::query("update cases set received_on = received_on || ' 13:37:00'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("update messages set ciphertext = $1 where seq = 1")
            .bind(b"plain text".to_vec())
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("update attachments set chunk_count = $1")
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
        let problems = content_problems(&pool).await.join("\n");
        pool.close().await;
        for expected in [
            "cases.received_on holds",
            "messages.ciphertext holds 10 bytes that are not age ciphertext",
            "attachments.chunk_count holds",
        ] {
            assert!(problems.contains(expected), "{expected:?} is not reported in:\n{problems}");
        }
    }
);

// ---------------------------------------------------------------------------
// Known gaps: hidden columns that no `pragma table_info` or information_schema lists.
// Run them with `cargo test --test data_classification -- --ignored`; they fail today.

/// Checklist #33 and #32 on SQLite. Tables without `WITHOUT ROWID` keep a hidden,
/// increasing `rowid`: the order of the rows in `cases` is the order in which the
/// reports arrived, within a day too, and `messages` keeps the order of all messages
/// across cases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_order_of_cases_does_not_reveal_the_order_of_submission() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let mut submitted = Vec::new();
    for i in 0..8 {
        let code = app.submit_code("", &format!("melding {i}")).await;
        let salt = app.installation_salt().await;
        let derived = meldpunt::pickup::PickupCode::parse(&code)
            .unwrap()
            .derive(&salt);
        submitted.push(derived.lookup.to_vec());
    }
    let pool = app.db().await;
    for table in [
        "cases",
        "messages",
        "attachments",
        "attachment_chunks",
        "used_form_tokens",
        "reporter_sessions",
    ] {
        let hidden = sqlx::query(sqlx::AssertSqlSafe(format!("select rowid from {table}")))
            .fetch_all(&pool)
            .await;
        assert!(hidden.is_err(), "{table} has no hidden rowid");
    }
    // Stored in the order of their random ids: a full scan says nothing about arrival
    // (8 cases, so a false alarm has odds of 1 in 40,320).
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select lookup from cases")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(
        stored != submitted,
        "the stored order is the order of submission"
    );
}

/// Checklist #32 on PostgreSQL. Every row carries the hidden `xmin`, the id of the
/// transaction that wrote it, from one counter for the whole database; the audit log
/// keeps member actions to the second. A reporter's message whose xmin lies between
/// those of two audit entries was written between their `at` times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "known gap: PostgreSQL xmin places reporter rows between timed audit entries (docs/security-tests.md, #32)"]
async fn a_reporter_message_cannot_be_dated_more_precisely_than_its_day() {
    let Some(backend) = common::Backend::postgres().await else {
        return;
    };
    let app = TestApp::spawn(backend).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    member_sign_in(&app, &anna).await;
    app.submit_code("", "tekst").await;
    member_sign_in(&app, &anna).await;
    let pool = app.db().await;
    let window: Option<i64> = sqlx::query_scalar(
        "select min(later.at - earlier.at) from messages m, audit_log earlier, audit_log later \
         where earlier.xmin::text::bigint < m.xmin::text::bigint \
         and m.xmin::text::bigint < later.xmin::text::bigint",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(
        window.is_none_or(|w| w >= 86_400),
        "the audit log dates a reporter's message to within {window:?} seconds"
    );
}
