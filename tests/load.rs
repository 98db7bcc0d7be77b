//! Load and soak: 64 concurrent clients mix submissions, pickups and follow-ups for a
//! set time (`MELDPUNT_SOAK_SECS`, 10 s by default). No server error, no "database
//! is locked", and memory stays flat.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{TestApp, form_token, full_report, text, urlencode};

fn soak_secs() -> u64 {
    std::env::var("MELDPUNT_SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    server_errors: AtomicU64,
    reports: AtomicU64,
    follow_ups: AtomicU64,
    /// Every code shown; a duplicate would make two reports share one.
    codes: std::sync::Mutex<std::collections::HashSet<String>>,
}

fn form_body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn one_client(base: String, until: Instant, tally: Arc<Tally>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let note = |status: reqwest::StatusCode| {
        if status.is_server_error() {
            tally.server_errors.fetch_add(1, Ordering::Relaxed);
        } else {
            tally.ok.fetch_add(1, Ordering::Relaxed);
        }
    };
    let post = |path: String, body: String, cookie: Option<String>| {
        let mut r = http
            .post(format!("{base}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let mut code: Option<String> = None;
    let mut round = 0u64;
    while Instant::now() < until {
        round += 1;
        match (round % 3, &code) {
            (0, Some(c)) => {
                // Pick up, read the thread, follow up.
                let r = post("/pickup".into(), format!("code={}", urlencode(c)), None)
                    .await
                    .unwrap();
                note(r.status());
                let cookie = r
                    .headers()
                    .get("set-cookie")
                    .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
                let Some(cookie) = cookie else { continue };
                let t = http
                    .get(format!("{base}/thread"))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                note(t.status());
                let body = t.text().await.unwrap();
                let token = form_token(&scraper::Html::parse_document(&body));
                let pairs = vec![
                    ("form_token".to_owned(), token),
                    ("text".to_owned(), format!("aanvulling {round}")),
                ];
                let f = post("/thread".into(), form_body(&pairs), Some(cookie))
                    .await
                    .unwrap();
                note(f.status());
                if f.status() == 303 {
                    tally.follow_ups.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ => {
                let form = http.get(format!("{base}/report")).send().await.unwrap();
                note(form.status());
                let body = form.text().await.unwrap();
                let token = form_token(&scraper::Html::parse_document(&body));
                let mut pairs = vec![("form_token".to_owned(), token)];
                pairs.extend(full_report(&format!("melding {round}")));
                let r = post("/report".into(), form_body(&pairs), None)
                    .await
                    .unwrap();
                note(r.status());
                if r.status() == 200 {
                    let body = r.text().await.unwrap();
                    let shown = text(&scraper::Html::parse_document(&body), "#pickup-code");
                    tally.reports.fetch_add(1, Ordering::Relaxed);
                    let fresh = tally.codes.lock().unwrap().insert(shown.clone());
                    assert!(fresh, "a pickup code was shown twice");
                    code.get_or_insert(shown);
                }
            }
        }
    }
}

on_both_databases!(
    async fn sixty_four_clients_get_no_server_error_and_memory_stays_flat(backend) {
        let app = TestApp::spawn(backend).await;
        let secs = soak_secs();
        let started = Instant::now();
        let until = started + Duration::from_secs(secs);
        let tally = Arc::new(Tally::default());
        let clients: Vec<_> = (0..64).map(|_| tokio::spawn(one_client(app.base.clone(), until, tally.clone()))).collect();
        tokio::time::sleep(Duration::from_secs(secs / 3)).await;
        let rss_early = rss_kib(app.pid());
        for c in clients {
            c.await.expect("a client ran to the end");
        }
        let rss_end = rss_kib(app.pid());
        let ok = tally.ok.load(Ordering::Relaxed);
        let errors = tally.server_errors.load(Ordering::Relaxed);
        eprintln!(
            "soak {secs}s, 64 clients: {ok} answers, {errors} server errors, RSS {} → {} KiB, {} cases",
            rss_early,
            rss_end,
            app.count("cases").await
        );
        assert_eq!(errors, 0, "no server error under load");
        // Every success is a row, and nothing was stored that no client was told of.
        let reports = tally.reports.load(Ordering::Relaxed);
        let follow_ups = tally.follow_ups.load(Ordering::Relaxed);
        assert_eq!(app.count("cases").await as u64, reports, "cases = receipts");
        assert_eq!(
            app.count("messages").await as u64,
            reports + follow_ups,
            "messages = receipts + follow-ups sent"
        );
        assert_eq!(tally.codes.lock().unwrap().len() as u64, reports, "no code twice");
        assert!(ok > 64, "the clients made progress");
        assert!(!app.stderr().contains("database is locked"));
        assert!(!app.stderr().contains("request failed"), "{}", app.stderr());
        // Flat: what grows after the first third is caches settling, not a leak.
        assert!(rss_end < rss_early + 32 * 1024, "RSS grew from {rss_early} to {rss_end} KiB");
    }
);
