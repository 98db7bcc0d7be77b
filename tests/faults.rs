//! Faults: with the disk full or the database unreachable a submission gets a clear
//! 503 page and never a pickup code; once the database is back the portal recovers
//! without a restart.

mod common;

use std::time::Duration;

use common::{Backend, Options, TestApp, form_token, full_report};

/// Sends a report and returns the answer's status and whether it shows a code.
async fn try_report(app: &TestApp, what: &str) -> (u16, bool, String) {
    let form = app.get("/report", None).await;
    if form.status != 200 {
        return (form.status, false, form.body);
    }
    let mut pairs = vec![("form_token".to_owned(), form_token(&form.html()))];
    pairs.extend(full_report(what));
    let r = app.post_form("/report", &pairs, None).await;
    let shows_code = r
        .html()
        .select(&scraper::Selector::parse("#pickup-code").unwrap())
        .next()
        .is_some();
    (r.status, shows_code, r.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_a_clear_503_and_the_portal_recovers_when_space_returns() {
    let mount = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        // Room for a new database with its 32 KiB pages and WAL, and little more.
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(mount.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but a tmpfs cannot be mounted (the disk-full test needs root)"
        );
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
    let _unmount = Unmount(mount.path().to_owned());
    let db = mount.path().join("meldpunt.db");
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            database_url: Some(format!("sqlite://{}", db.display())),
            ..Default::default()
        },
    )
    .await;
    let (status, _, _) = try_report(&app, "Tijdens een storing").await;
    assert_eq!(status, 200);

    // Fill the disk, then report.
    let filler = mount.path().join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 16 * 1024 * 1024]);
    let mut saw_503 = false;
    let canary = format!(
        "diskcanary{}",
        meldpunt::crypto::hex(&meldpunt::crypto::random_bytes::<8>())
    );
    for _ in 0..5 {
        let (status, shows_code, body) = try_report(&app, &canary).await;
        assert!(
            !shows_code || status == 200,
            "a code is shown only for a stored report"
        );
        if status == 503 {
            assert!(!shows_code);
            assert!(!body.to_lowercase().contains("sqlite") && !body.contains("database is full"));
            saw_503 = true;
            break;
        }
    }
    assert!(saw_503, "a full disk answers 503");
    assert!(
        !app.stderr().contains(&canary) && !app.stdout().contains(&canary),
        "no content in the logs"
    );
    assert_eq!(
        app.get("/healthz", None).await.status,
        200,
        "reads still work"
    );

    // Space returns: the same process stores again.
    std::fs::remove_file(&filler).unwrap();
    let (status, shows_code, _) = try_report(&app, "Tijdens een storing").await;
    assert_eq!((status, shows_code), (200, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_gives_a_clear_503_and_the_portal_recovers_without_restart() {
    let Some(Backend::Postgres(admin)) = Backend::postgres().await else {
        return;
    };
    // A fresh database for this test, reached only through the proxy.
    let probe = TestApp::spawn(Backend::Postgres(admin.clone())).await;
    let (proxy, app) = probe.spawn_through_proxy(Options::default()).await;
    assert_eq!(try_report(&app, "Tijdens een storing").await.0, 200);

    proxy.cut();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = app.get("/healthz", None).await;
    assert_eq!(r.status, 503);
    common::assert_security_headers(&r, "503 health check");
    // A server error is a friendly page with every header too (checklist #25, #26).
    let code = meldpunt::pickup::PickupCode::generate()
        .display()
        .to_string();
    let r = app
        .post_form("/en/pickup", &[("code".into(), code)], None)
        .await;
    common::assert_friendly_page(&r, 503, "en", "pickup while the database is away");
    assert!(r.headers.get("set-cookie").is_none());
    // The failure is logged (trace level here), but never what was being stored.
    let canary = format!(
        "faultcanary{}",
        meldpunt::crypto::hex(&meldpunt::crypto::random_bytes::<8>())
    );
    let (status, shows_code, body) = try_report(&app, &canary).await;
    assert!(
        app.stderr().contains("request failed"),
        "the failure is logged"
    );
    assert!(!app.stderr().contains(&canary) && !app.stdout().contains(&canary));
    assert_eq!(status, 503, "{body}");
    assert!(!shows_code);
    let page = scraper::Html::parse_document(&body);
    assert_eq!(common::texts(&page, "h1").len(), 1);
    assert!(!body.contains("sqlx") && !body.contains("connection"));

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if try_report(&app, "Tijdens een storing").await.1 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered,
        "the same process stores again once the database is back"
    );
    drop(probe);
}
