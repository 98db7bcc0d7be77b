//! Backup and restore (checklist #39): an online backup taken while reports arrive is
//! restored into a new installation in one command; every report there opens with its
//! pickup code and with the committee key, and the backup holds no plaintext.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Options, TestApp, meldpunt};
use meldpunt::crypto;

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
                    "form_token={token}&role=volunteer&concern=other&what=tijdens+de+backup+{n}"
                );
                let r = http
                    .post(format!("{base}/report"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
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
