//! Crash safety: clients submit in a loop while the server is SIGKILLed at random
//! moments and restarted. Every submission whose client saw a pickup code must be
//! there and decrypt; nothing may be half-written. 50 kills per database here;
//! `MELDPUNT_CRASH_KILLS=500 cargo test --test crash_safety` runs a longer round.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{TestApp, form_token, text};
use meldpunt::case::Envelope;
use meldpunt::crypto;
use meldpunt::pickup::PickupCode;
use reqwest::multipart::{Form, Part};
use sqlx::Row;

fn kills() -> usize {
    std::env::var("MELDPUNT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// One client: submits reports (every third one with a file) until the server
/// goes away; records every code it was shown.
async fn client(base: String, n: usize, seen: Arc<Mutex<Vec<String>>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for i in 0.. {
        // After a kill the connection fails: that client's round is over.
        let Ok(form) = http.get(format!("{base}/report")).send().await else {
            return;
        };
        let Ok(form) = form.text().await else { return };
        let token = form_token(&scraper::Html::parse_document(&form));
        let mut body = Form::new()
            .text("form_token", token)
            .text("role", "volunteer")
            .text("concern", "other")
            .text("what", format!("client {n} report {i}"))
            .text("exclusions_complete", "1");
        if i % 3 == 2 {
            body = body.part(
                "files",
                Part::bytes(vec![(n + i) as u8; 300_000]).file_name("bijlage.bin"),
            );
        }
        let Ok(response) = http
            .post(format!("{base}/report"))
            .multipart(body)
            .send()
            .await
        else {
            return;
        };
        if response.status() != 200 {
            eprintln!("client {n}: status {}", response.status());
            continue;
        }
        let Ok(page) = response.text().await else {
            return;
        };
        let html = scraper::Html::parse_document(&page);
        seen.lock().unwrap().push(text(&html, "#pickup-code"));
    }
}

on_both_databases!(
    async fn every_code_a_client_saw_survives_sigkill_and_nothing_is_half_written(backend) {
        let mut app = TestApp::spawn(backend).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut rng_state = u64::from_le_bytes(crypto::random_bytes::<8>()) | 1;
        for _ in 0..kills() {
            let clients: Vec<_> = (0..3)
                .map(|n| tokio::spawn(client(app.base.clone(), n, seen.clone())))
                .collect();
            // Kill only after this round stored something, at a random moment after
            // it, so every round tests a crash with work in flight however slow the
            // machine is.
            let before = seen.lock().unwrap().len();
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while seen.lock().unwrap().len() == before && std::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            rng_state ^= rng_state << 13;
            rng_state ^= rng_state >> 7;
            rng_state ^= rng_state << 17;
            tokio::time::sleep(Duration::from_millis(rng_state % 300)).await;
            app.restart().await;
            for c in clients {
                let _ = c.await;
            }
        }
        let codes = seen.lock().unwrap().clone();
        assert!(codes.len() >= kills(), "the clients got codes between the kills ({})", codes.len());

        let pool = app.db().await;
        let salt = app.installation_salt().await;
        for code in &codes {
            let derived = PickupCode::parse(code).unwrap().derive(&salt);
            let row = sqlx::query("select c.id, m.ciphertext from cases c join messages m on m.case_id = c.id and m.seq = 1 where c.lookup = $1")
                .bind(derived.lookup.to_vec())
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("a case whose code was shown is missing: {e}"));
            let (id, ct): (String, Vec<u8>) = (row.get(0), row.get(1));
            let plain = crypto::open(&ct, &derived.identity).expect("the report decrypts with its code");
            let envelope = Envelope::from_bytes(&plain, &id, 1).unwrap();
            for a in &envelope.attachments {
                let claimed: i64 = sqlx::query_scalar("select count(*) from attachments where id = $1 and case_id = $2")
                    .bind(&a.id)
                    .bind(&id)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(claimed, 1, "a listed file is stored with its case");
            }
        }
        let scalar = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(scalar("select count(*) from cases c where not exists (select 1 from messages m where m.case_id = c.id and m.seq = 1)").await, 0, "no case without its report");
        assert_eq!(scalar("select count(*) from attachment_chunks k where not exists (select 1 from attachments a where a.id = k.attachment_id)").await, 0, "no orphan chunk");
        assert_eq!(scalar("select count(*) from attachments where case_id is null and pending_until is null").await, 0, "every unclaimed attachment can be cleaned up");
        // Claimed attachments are complete: their chunks decrypt to the end.
        if let Some(path) = app.sqlite_path() {
            let check: String = sqlx::query_scalar("pragma integrity_check").fetch_one(&pool).await.unwrap();
            assert_eq!(check, "ok", "{}", path.display());
        }
        pool.close().await;
        assert!(!app.stderr().contains("panicked"));
    }
);
