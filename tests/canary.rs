//! After a journey with random canaries in every field and header, neither the
//! database (with its WAL), nor the logs at trace level, nor any file the server
//! wrote contains a canary, the pickup code or the session token.

mod common;

use std::path::Path;

use common::{TestApp, form_token, text};
use meldpunt::crypto;

fn canary(tag: &str) -> String {
    format!("{tag}{}", crypto::hex(&crypto::random_bytes::<16>()))
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

on_both_databases!(
    async fn no_canary_code_or_token_reaches_the_database_or_the_logs(backend) {
        let app = TestApp::spawn(backend).await;
        let fields = [
            "what", "org_kind", "municipality", "org_name", "when", "affected", "elsewhere", "contact",
        ];
        let mut secrets: Vec<String> = Vec::new();
        let form = app.get("/report", None).await;
        let mut pairs = vec![
            ("form_token".to_owned(), form_token(&form.html())),
            ("role".to_owned(), "volunteer".to_owned()),
            ("concern".to_owned(), "other".to_owned()),
        ];
        for f in fields {
            let c = canary(f);
            pairs.push((f.to_owned(), format!("<script>{c}</script>")));
            secrets.push(c);
        }
        let (ua, xff, lang) = (canary("ua"), canary("xff"), canary("lang"));
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", common::urlencode(k), common::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let receipt = app
            .post_raw(
                "/report",
                body.into_bytes(),
                None,
                &[("user-agent", &ua), ("x-forwarded-for", &xff), ("accept-language", &lang)],
            )
            .await;
        assert_eq!(receipt.status, 200);
        secrets.extend([ua, xff, lang]);
        let code = text(&receipt.html(), "#pickup-code");
        let cookie = app.sign_in("", &code).await;
        let thread = app.get("/thread", Some(&cookie)).await;
        // Reporter input is shown as text: no element from it, no script at all.
        assert!(thread.html().select(&scraper::Selector::parse("script").unwrap()).next().is_none());
        let follow = canary("followup");
        let sent = app
            .post_form(
                "/thread",
                &[("form_token".into(), form_token(&thread.html())), ("text".into(), follow.clone())],
                Some(&cookie),
            )
            .await;
        assert_eq!(sent.status, 303);
        secrets.push(follow);
        let shown = app.get("/thread?sent=1", Some(&cookie)).await;
        for s in &secrets[..fields.len()] {
            assert!(shown.body.contains(s.as_str()), "the thread shows what was sent");
        }
        // Unread sessions must be gone too: sign out before scanning.
        let token = cookie.split_once('=').unwrap().1.to_owned();
        app.post_form("/sign-out", &[], Some(&cookie)).await;

        secrets.push(code.clone());
        secrets.push(code.replace('-', ""));
        secrets.push(code.to_lowercase());
        secrets.push(token);

        let mut scanned = files_under(app.dir.path());
        if let common::Backend::Postgres(_) = app.backend {
            let dump = app.dir.path().join("pg_dump.sql");
            let out = std::process::Command::new("pg_dump")
                .arg(&app.database_url)
                .output()
                .expect("pg_dump runs (postgresql-client)");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            std::fs::write(&dump, &out.stdout).unwrap();
            assert!(out.stdout.len() > 1000, "the dump holds the tables");
            scanned.push(dump);
        } else {
            let db = app.sqlite_path().unwrap();
            assert!(scanned.contains(&db));
            assert!(scanned.iter().any(|p| p.to_string_lossy().ends_with("-wal")));
        }
        // The logs were really captured at trace level, so their silence means something.
        assert!(app.stderr().contains("TRACE"), "trace-level logging is on");
        for path in &scanned {
            if path.ends_with("committee.txt") || path.ends_with("committee-identity.txt") {
                continue;
            }
            for s in &secrets {
                assert!(
                    !common::file_contains(path, s.as_bytes()),
                    "a secret ({}…) was found in {}",
                    &s[..4],
                    path.file_name().unwrap().to_string_lossy()
                );
            }
        }
    }
);
