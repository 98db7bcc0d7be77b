//! After a journey with random canaries in every field and header, neither the
//! database (with its WAL), nor the logs at trace level, nor any file the server
//! wrote contains a canary, the pickup code or the session token.

mod common;

use std::path::Path;

use common::{TestApp, form_token};
use meldpunt::crypto;

fn canary(tag: &str) -> String {
    format!("{tag}{}", crypto::hex(&crypto::random_bytes::<16>()))
}

/// The 15 random bytes behind a displayed code (Crockford base32, check symbol last).
fn code_bytes(code: &str) -> [u8; 15] {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let symbols: Vec<u8> = code.bytes().filter(|b| *b != b'-').take(24).collect();
    let mut bits: u128 = 0;
    for s in symbols {
        let v = ALPHABET
            .iter()
            .position(|a| *a == s)
            .expect("Crockford symbol");
        bits = (bits << 5) | v as u128;
    }
    let mut out = [0u8; 15];
    out.copy_from_slice(&bits.to_be_bytes()[1..]);
    let back = meldpunt::pickup::PickupCode::from_bytes(out);
    assert_eq!(back.display().as_str(), code, "the decoding is right");
    out
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

/// Greps the server's own files (tables, indexes, WAL, free space) after a
/// checkpoint: what was never sent in plaintext cannot be there, even as dead rows.
/// Possible only where the test can read the data directory (root on this machine
/// kind, as in CI).
async fn scan_postgres_data_directory(app: &TestApp, secrets: &[String]) {
    let pool = app.db().await;
    // A planted marker in plain text proves the scan finds what is there.
    let marker = canary("planted");
    sqlx::query("create table scan_probe (v text)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into scan_probe values ($1)")
        .bind(&marker)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("checkpoint").execute(&pool).await.unwrap();
    let row = sqlx::query("select setting from pg_settings where name = 'data_directory'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let dir: String = sqlx::Row::get(&row, 0);
    if std::fs::read_dir(&dir).is_err() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but the PostgreSQL data directory cannot be read"
        );
        eprintln!("SKIPPED: the PostgreSQL data directory is not readable here");
        return;
    }
    let grep = |needles: &[String]| {
        let patterns = app.dir.path().join("patterns.txt");
        std::fs::write(&patterns, needles.join("\n")).unwrap();
        let out = std::process::Command::new("grep")
            .args(["-r", "-l", "-a", "-F", "-f"])
            .arg(&patterns)
            .arg(&dir)
            .output()
            .unwrap();
        std::fs::remove_file(&patterns).unwrap();
        out
    };
    assert_eq!(
        grep(&[marker]).status.code(),
        Some(0),
        "the planted marker is found"
    );
    sqlx::query("drop table scan_probe")
        .execute(&pool)
        .await
        .unwrap();
    let out = grep(secrets);
    // grep: 0 = found, 1 = not found, 2 = trouble.
    assert_eq!(
        out.status.code(),
        Some(1),
        "a secret in the PostgreSQL data directory: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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
        let (ua, xff, lang, real_ip) =
            (canary("ua"), canary("xff"), canary("lang"), canary("realip"));
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
                &[
                    ("user-agent", &ua),
                    ("x-forwarded-for", &xff),
                    ("accept-language", &lang),
                    ("x-real-ip", &real_ip),
                ],
            )
            .await;
        assert_eq!(receipt.status, 200);
        secrets.extend([ua, xff, lang, real_ip]);
        let code = common::pickup_code(&receipt.html());
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
        // Neither the code's bytes nor an unkeyed hash of it, in any common spelling.
        let bytes = code_bytes(&code);
        let mut binary: Vec<Vec<u8>> = vec![bytes.to_vec()];
        for form in [code.clone(), code.replace('-', "")] {
            binary.push(crypto::sha256(form.as_bytes()).to_vec());
        }
        binary.push(crypto::sha256(&bytes).to_vec());
        for b in binary.clone() {
            secrets.push(crypto::hex(&b));
            secrets.push(crypto::hex(&b).to_uppercase());
        }

        // pg_dump prints binary columns as hex: a secret that leaked into one would
        // show only that way.
        let hexed: Vec<String> = secrets.iter().map(|s| crypto::hex(s.as_bytes())).collect();
        secrets.extend(hexed);

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
            scan_postgres_data_directory(&app, &secrets).await;
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
            // The server holds no secret key outside demo mode.
            assert!(
                !common::file_contains(path, b"AGE-SECRET-KEY-"),
                "a secret key in {}",
                path.file_name().unwrap().to_string_lossy()
            );
            for b in &binary {
                assert!(
                    !common::file_contains(path, b),
                    "the code's bytes or a hash of them in {}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
            // The database holds no client address (every client here is 127.0.0.1;
            // the logs name the listening address, so only the database is checked).
            let is_db = path.extension().is_some_and(|e| e == "db" || e == "sql")
                || path.to_string_lossy().ends_with("-wal");
            if is_db {
                assert!(
                    !common::file_contains(path, b"127.0.0.1"),
                    "a client address in {}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
            // Named by position in the list, never by any part of its value.
            for (i, s) in secrets.iter().enumerate() {
                assert!(
                    !common::file_contains(path, s.as_bytes()),
                    "secret #{i} was found in {}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
        }
    }
);
