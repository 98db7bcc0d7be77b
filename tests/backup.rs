//! Backup and restore (checklist #39): an online backup taken while reports arrive is
//! restored into a new installation (SQLite: `meldpunt backup` / `meldpunt restore`;
//! PostgreSQL: `pg_dump --format=custom` / `pg_restore`); every report there opens with
//! its pickup code and with the committee key, and the backup holds no plaintext.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::{
    Desk, Options, ScratchDatabase, TestApp, file_part, identity_file, meldpunt, text, texts,
};
use meldpunt::crypto::{self, Identity};
use sqlx::Row;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_into_a_new_installation_in_one_command() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let canary = format!("backupcanary{}", crypto::hex(&crypto::random_bytes::<8>()));
    let mut codes = Vec::new();
    for i in 0..3 {
        codes.push(app.submit_code("", &format!("{canary} melding {i}")).await);
    }
    // Reports keep arriving while the backup is taken.
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (base, writing) = (app.base.clone(), writing.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0;
            while writing.load(Ordering::SeqCst) {
                short_report(&http, &base, &format!("tijdens de backup {n}")).await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let backup = app.dir.path().join("nightly.db");
    let out = meldpunt(&[
        "backup",
        "--database-url",
        &app.database_url,
        "--out",
        backup.to_str().unwrap(),
    ]);
    writing.store(false, Ordering::SeqCst);
    let written_meanwhile = writer.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written_meanwhile > 0, "reports arrived during the backup");
    assert!(
        !common::file_contains(&backup, canary.as_bytes()),
        "the backup holds no plaintext"
    );

    // One command restores it on a "new server"; a second restore onto it is refused.
    let new_home = tempfile::tempdir().unwrap();
    let restored = format!(
        "sqlite://{}",
        new_home.path().join("data/meldpunt.db").display()
    );
    let out = meldpunt(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--database-url",
        &restored,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = meldpunt(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--database-url",
        &restored,
    ]);
    assert!(!again.status.success());

    // Every report is there and opens with the committee key…
    let pool = {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&restored).await.unwrap()
    };
    let cts: Vec<Vec<u8>> = sqlx::query_scalar("select ciphertext from messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(cts.len() >= 3);
    for ct in &cts {
        assert!(crypto::open(ct, &app.committee).is_ok());
    }
    // …and a portal on the restored database lets reporters in with their codes.
    let new_app = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            database_url: Some(restored.clone()),
            recipients_text: Some(format!("{}\n", app.committee.to_public())),
            ..Default::default()
        },
    )
    .await;
    for (i, code) in codes.iter().enumerate() {
        let cookie = new_app.sign_in("", code).await;
        let thread = new_app.get("/thread", Some(&cookie)).await;
        let what = common::texts(&thread.html(), "dl.report-summary dd");
        assert!(
            what.iter().any(|w| w == &format!("{canary} melding {i}")),
            "report {i} reads back"
        );
    }
}

/// Sends a short report (role, concern and `what`) from a client of its own, as the
/// writers that keep reports arriving during a backup do; the receipt page.
async fn short_report(http: &reqwest::Client, base: &str, what: &str) -> String {
    let form = http
        .get(format!("{base}/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::form_token(&scraper::Html::parse_document(&form));
    let body = format!(
        "form_token={token}&role=volunteer&concern=other&what={}",
        common::urlencode(what)
    );
    let r = http
        .post(format!("{base}/report"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

#[test]
fn backup_of_a_postgresql_database_points_to_pg_dump() {
    let out = meldpunt(&[
        "backup",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--out",
        "/tmp/never.db",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

/// The reporter's view of a case: the report's "what happened" and the texts of the
/// messages after it, by author label.
async fn reporter_thread(app: &TestApp, code: &str) -> (String, Vec<(String, String)>, String) {
    let cookie = app.sign_in("", code).await;
    let page = app.get("/thread", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.html();
    let what = texts(&html, "dl.report-summary dd")[2].clone();
    let messages = common::thread_messages(&html);
    (what, messages, cookie)
}

/// A report that arrived while the dump was taken: when its receipt came, its code and
/// its text.
type Arrival = (Instant, String, String);

/// Waits until `enough` says enough reports have arrived (at most a minute).
async fn wait_for(arrived: &Mutex<Vec<Arrival>>, enough: impl Fn(&[Arrival]) -> bool) {
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while !enough(&arrived.lock().unwrap()) {
        assert!(Instant::now() < deadline, "reports stopped arriving");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// PostgreSQL round trip with the commands an operator runs: `pg_dump --format=custom`
/// while reports arrive, `pg_restore` into a new empty database, meldpunt on that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_taken_during_writes_restores_with_pg_restore_into_a_new_database() {
    let Some(backend) = common::Backend::postgres().await else {
        return;
    };
    let common::Backend::Postgres(admin) = backend.clone() else {
        unreachable!("Backend::postgres gives a PostgreSQL backend")
    };
    let app = TestApp::spawn(backend.clone()).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
    let canary = format!(
        "pgbackupcanary{}",
        crypto::hex(&crypto::random_bytes::<8>())
    );

    // Reports, one with a file, and a committee reply and an internal note.
    let mut reports = Vec::new();
    for i in 0..3 {
        let what = format!("{canary} melding {i}");
        reports.push((app.submit_code("", &what).await, what));
    }
    let file: Vec<u8> = format!("{canary} bijlage\n")
        .into_bytes()
        .into_iter()
        .chain((0..5_000u32).map(|n| (n % 251) as u8))
        .collect();
    let with_file = format!("{canary} melding met bijlage");
    let receipt = app
        .submit_with_files("", &with_file, [file_part("verslag.bin", file.clone())])
        .await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    let file_code = text(&receipt.html(), "#pickup-code");
    reports.push((file_code.clone(), with_file));

    let reply = format!("{canary} vraag van de commissie");
    let note = format!("{canary} interne notitie");
    {
        let desk = Desk::open(&app.base, &anna_file, "nl").await;
        let inbox = desk.get("/").await.html();
        let links: Vec<String> = {
            let sel = scraper::Selector::parse("tr.case-row a").unwrap();
            inbox
                .select(&sel)
                .filter_map(|a| a.value().attr("href").map(str::to_owned))
                .collect()
        };
        assert_eq!(links.len(), 4);
        let mut answered = false;
        for link in links {
            let case = desk.get(&link).await.html();
            if !texts(&case, "#thread .message-text").contains(&reports[0].1) {
                continue;
            }
            let r = desk
                .post(&format!("{link}/reply"), &case, &[("text", &reply)])
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
            let r = desk
                .post(&format!("{link}/note"), &case, &[("text", &note)])
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
            answered = true;
        }
        assert!(answered, "the desk found the first report");
    }

    // Reports keep arriving (two writers) while pg_dump runs.
    let writing = Arc::new(AtomicBool::new(true));
    let arrived: Arc<Mutex<Vec<Arrival>>> = Arc::default();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (base, writing, arrived) = (app.base.clone(), writing.clone(), arrived.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut n = 0;
                while writing.load(Ordering::SeqCst) {
                    let what = format!("tijdens de dump {w} {n}");
                    let page = short_report(&http, &base, &what).await;
                    let at = Instant::now();
                    let code = text(&scraper::Html::parse_document(&page), "#pickup-code");
                    arrived.lock().unwrap().push((at, code, what));
                    n += 1;
                }
            })
        })
        .collect();
    wait_for(&arrived, |a| a.len() >= 3).await;
    let dump = app.dir.path().join("meldpunt.dump");
    let dump_started = Instant::now();
    // --compress=0 only so that this test can scan the dump for plaintext.
    let out = tokio::process::Command::new("pg_dump")
        .args(["--format=custom", "--compress=0", "--file"])
        .arg(&dump)
        .arg(&app.database_url)
        .output()
        .await
        .expect("pg_dump runs (postgresql-client)");
    let dump_ended = Instant::now();
    // Let a few more arrive after the dump, then stop.
    wait_for(&arrived, |a| {
        a.iter().filter(|r| r.0 > dump_ended).count() >= 3
    })
    .await;
    writing.store(false, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let arrived = std::mem::take(&mut *arrived.lock().unwrap());
    let before_dump: Vec<_> = arrived.iter().filter(|a| a.0 < dump_started).collect();
    let during_dump = arrived
        .iter()
        .filter(|a| a.0 >= dump_started && a.0 <= dump_ended)
        .count();
    let after_dump = arrived.iter().filter(|a| a.0 > dump_ended).count();
    eprintln!(
        "reports arriving: {} before, {during_dump} during, {after_dump} after pg_dump ({} ms)",
        before_dump.len(),
        (dump_ended - dump_started).as_millis()
    );
    assert!(
        !before_dump.is_empty() && after_dump > 0,
        "reports kept arriving before and after the dump was taken"
    );

    // The dump holds the data (uncompressed, so the scan means something) and no canary,
    // neither as text nor hex-encoded as a bytea column would show it.
    let age_header_hex = crypto::hex(b"age-encryption.org/v1");
    assert!(
        common::file_contains(&dump, age_header_hex.as_bytes()),
        "the dump holds the ciphertext, uncompressed"
    );
    assert!(!common::file_contains(&dump, canary.as_bytes()));
    assert!(!common::file_contains(
        &dump,
        crypto::hex(canary.as_bytes()).as_bytes()
    ));

    // pg_restore into a new, empty database.
    let restored = ScratchDatabase::create(&admin, "meldpunt_restored").await;
    let out = tokio::process::Command::new("pg_restore")
        .args([
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
        ])
        .arg(format!("--dbname={}", restored.url))
        .arg(&dump)
        .output()
        .await
        .expect("pg_restore runs (postgresql-client)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The restored database is a consistent snapshot: every case has its report, and
    // every stored message and file opens with the committee key.
    let pool = sqlx::AnyPool::connect(&restored.url).await.unwrap();
    let cases: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let without_report: i64 = sqlx::query_scalar(
        "select count(*) from cases c where not exists \
         (select 1 from messages m where m.case_id = c.id and m.seq = 1 and m.author_kind = 'reporter')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let messages = sqlx::query("select author_kind, ciphertext from messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    let files = common::stored_files(&pool).await;
    pool.close().await;
    assert_eq!(without_report, 0, "no case without its report");
    let seen_before = (reports.len() + before_dump.len()) as i64;
    assert!(
        (seen_before..=(reports.len() + arrived.len()) as i64).contains(&cases),
        "{cases} cases restored; {seen_before} were acknowledged before the dump"
    );
    assert_eq!(
        messages.len() as i64,
        cases + 2,
        "one report per case, plus the reply and the note"
    );
    for m in &messages {
        let ct: Vec<u8> = m.get(1);
        assert!(
            crypto::open(&ct, &app.committee).is_ok(),
            "a {} message opens with the committee key",
            m.get::<String, _>(0)
        );
    }
    assert_eq!(files.len(), 1);
    let opened = crypto::open_raw(&files[0], &app.committee).expect("the file opens");
    assert_eq!(&opened[..file.len()], &file[..]);

    // A portal on the restored database: every report acknowledged before the dump
    // signs in with its code and shows its text; the reply and the file are there.
    let new_app = TestApp::spawn_with(
        backend.clone(),
        Options {
            database_url: Some(restored.url.clone()),
            recipients_text: Some(format!("{}\n", app.committee.to_public())),
            ..Default::default()
        },
    )
    .await;
    let before_dump: Vec<(String, String)> = before_dump
        .into_iter()
        .map(|(_, code, what)| (code.clone(), what.clone()))
        .collect();
    for (code, what) in reports.iter().chain(&before_dump) {
        let (shown, _, _) = reporter_thread(&new_app, code).await;
        assert_eq!(&shown, what);
    }
    let (_, thread, _) = reporter_thread(&new_app, &reports[0].0).await;
    assert_eq!(
        thread,
        vec![(
            meldpunt::i18n::Lang::Nl.texts().author_committee.to_owned(),
            reply.clone()
        )]
    );
    let (_, _, cookie) = reporter_thread(&new_app, &file_code).await;
    let page = new_app.get("/thread", Some(&cookie)).await.html();
    let href = common::attr(&page, "li.file a[download]", "href").expect("the file is listed");
    let (status, _, downloaded) = new_app.download(&href, &cookie).await;
    assert_eq!(status, 200);
    assert_eq!(downloaded, file, "byte-identical");

    // The audit chain survived, the member signs in and the desk lists every case…
    let audit = new_app.audit_verify();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let desk = Desk::open(&new_app.base, &anna_file, "nl").await;
    let inbox = desk.get("/").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert_eq!(texts(&inbox.html(), "tr.case-row").len() as i64, cases);
    // …and new reports can be submitted there.
    let code = new_app.submit_code("", "na het terugzetten").await;
    let (shown, _, _) = reporter_thread(&new_app, &code).await;
    assert_eq!(shown, "na het terugzetten");
    drop(desk);
    drop(new_app);
    drop(restored);
}
