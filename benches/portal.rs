//! Benchmark (not a test) of the portal against the release binary:
//! - text tip throughput and p50/p99 latency (GET form + POST, as a browser does) at
//!   1, 16 and 64 clients, on SQLite and PostgreSQL (when it answers);
//! - the in-process floor in the same run: sealing a 4 KiB report to the committee
//!   and committing it through the storage layer, no HTTP; tips are reported as a
//!   ratio to it;
//! - pickup → thread of 10 messages, p50/p99;
//! - the desk: inbox with 10,000 cases, and a case page with 20 messages.
//!
//! Run: `cargo bench --bench portal` (`BENCH_SECS` per measurement, default 5;
//! `BENCH_ONLY=sqlite`, `postgres` or `desk` for one part).

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use meldpunt::case::{self, AuthorKind, Body, Envelope, Report};
use meldpunt::crypto::{self, Identity, RecipientSet};
use meldpunt::pickup::PickupCode;
use meldpunt::storage::{FormNonce, NewCase, NewMessage, Storage};

fn secs() -> u64 {
    std::env::var("BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut server = Server {
        child,
        base: String::new(),
    };
    loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        for prefix in [
            "meldpunt portal listening on ",
            "open the desk in your browser: ",
        ] {
            if let Some(url) = line.trim().strip_prefix(prefix) {
                // Dropping `server` kills and waits for the process on every path.
                server.base = url.trim_end_matches('/').to_owned();
                // Read on: the desk prints a fresh link once its launch link is
                // used, and a closed pipe would end it.
                std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
                return server;
            }
        }
        assert!(!line.is_empty(), "the process ended before it listened");
    }
}

fn token(page: &str) -> String {
    let at = page.find("name=\"form_token\" value=\"").unwrap() + 25;
    page[at..at + 112].to_owned()
}

const TIP: &str = "role=volunteer&concern=other&what=";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// `clients` loops of GET form + POST report for `secs()`; returns (tips/s, p50, p99).
async fn tips(base: &str, clients: usize) -> (f64, f64, f64) {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(secs());
    let what = "x".repeat(3000);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (base, latencies, what) = (base.to_owned(), latencies.clone(), what.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                while Instant::now() < until {
                    let t0 = Instant::now();
                    let form = http
                        .get(format!("{base}/report"))
                        .send()
                        .await
                        .unwrap()
                        .text()
                        .await
                        .unwrap();
                    let body = format!("form_token={}&{TIP}{what}", token(&form));
                    let r = http
                        .post(format!("{base}/report"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    let _ = r.bytes().await;
                    latencies.lock().unwrap().push(t0.elapsed());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    (
        l.len() as f64 / elapsed,
        percentile(&l, 0.5),
        percentile(&l, 0.99),
    )
}

/// The floor: seal a 4 KiB report to the committee and commit case + message.
async fn floor(url: &str, committee: &RecipientSet) -> f64 {
    let storage = Storage::connect(url).await.unwrap();
    let secrets = storage.installation_secrets().await.unwrap();
    let report = Report {
        what: "x".repeat(4096),
        ..Report::default()
    };
    let until = Instant::now() + Duration::from_secs(secs());
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < until {
        seed_case(&storage, committee, &secrets.salt, report.clone()).await;
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Submit, add 9 follow-ups, then time pickup (POST code) + GET thread.
async fn pickup(base: &str) -> (f64, f64) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{base}/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let receipt = http
        .post(format!("{base}/report"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("form_token={}&{TIP}pickup", token(&form)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The code's digits are marked up one by one: take the element's text.
    let html = scraper::Html::parse_document(&receipt);
    let selector = scraper::Selector::parse("#pickup-code code").unwrap();
    let code: String = html.select(&selector).next().unwrap().text().collect();
    let sign_in = || async {
        let r = http
            .post(format!("{base}/pickup"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("code={code}"))
            .send()
            .await
            .unwrap();
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    let cookie = sign_in().await;
    for i in 0..9 {
        let page = http
            .get(format!("{base}/thread"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        http.post(format!("{base}/thread"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("form_token={}&text=follow-up+{i}", token(&page)))
            .send()
            .await
            .unwrap();
    }
    let mut l = Vec::new();
    let until = Instant::now() + Duration::from_secs(secs());
    while Instant::now() < until {
        let t0 = Instant::now();
        let cookie = sign_in().await;
        let page = http
            .get(format!("{base}/thread"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        l.push(t0.elapsed());
        assert!(page.matches("message-reporter").count() >= 10);
    }
    l.sort();
    (percentile(&l, 0.5), percentile(&l, 0.99))
}

/// Seals a report to `set` (and the reporter) and commits it as a new case, as the
/// portal does for a submission; returns the case id and the reporter's recipient.
async fn seed_case(
    storage: &Storage,
    set: &RecipientSet,
    salt: &[u8],
    report: Report,
) -> (String, crypto::Recipient) {
    let today = time::OffsetDateTime::now_utc().date();
    let derived = PickupCode::generate().derive(salt);
    let id = crypto::hex(&crypto::random_bytes::<16>());
    let env = Envelope::new(&id, 1, Body::Report(report)).with_reporter(&derived.recipient());
    let ct = crypto::seal(&env.to_bytes(), set, Some(&derived.recipient())).unwrap();
    let nonce = crypto::random_bytes::<16>();
    let reference = case::new_reference();
    let recipient = derived.recipient().to_string();
    let new_case = NewCase {
        id: &id,
        reference: &reference,
        lookup: &derived.lookup,
        reporter_recipient: &recipient,
        received_on: today,
        feedback_due_on: case::feedback_by(today, None),
        first_message: NewMessage {
            seq: 1,
            author_kind: AuthorKind::Reporter,
            member_id: None,
            written_on: today,
            recipients_fp: set.fingerprint(),
            ciphertext: &ct,
            attachments: &[],
        },
        excluded: &[],
    };
    let form = FormNonce {
        nonce: &nonce,
        forget_on: today,
    };
    storage.insert_case(&new_case, &form).await.unwrap();
    (id, derived.recipient())
}

async fn backend(name: &str, url: &str) {
    if std::env::var("BENCH_ONLY").is_ok_and(|only| only != name) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let committee = Identity::generate();
    let recipients = dir.path().join("committee.txt");
    std::fs::write(&recipients, format!("{}\n", committee.to_public())).unwrap();
    let set = RecipientSet::new(vec![committee.to_public()]).unwrap();
    let floor_ops = floor(url, &set).await;
    println!("[{name}] in-process floor (seal 4 KiB + commit): {floor_ops:.0} reports/s");
    let server = start(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        url,
        "--recipients",
        recipients.to_str().unwrap(),
        "--rate-burst",
        "1000000",
        "--rate-period-ms",
        "1",
        "--global-rate-burst",
        "1000000",
        "--global-rate-period-ms",
        "1",
        "--max-reports-per-hour",
        "4000000000",
    ]);
    for clients in [1, 16, 64] {
        let (rate, p50, p99) = tips(&server.base, clients).await;
        println!(
            "[{name}] tips, {clients:>2} clients: {rate:7.1}/s ({:.2} of floor), p50 {p50:.1} ms, p99 {p99:.1} ms",
            rate / floor_ops
        );
    }
    let (p50, p99) = pickup(&server.base).await;
    println!("[{name}] pickup + thread of 10 messages: p50 {p50:.2} ms, p99 {p99:.2} ms");
}

async fn desk() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("desk.db").display());
    let member = Identity::generate();
    let id_file = dir.path().join("member.txt");
    std::fs::write(
        &id_file,
        format!(
            "{}\n",
            age::secrecy::ExposeSecret::expose_secret(&member.to_string())
        ),
    )
    .unwrap();
    let recipients = dir.path().join("committee.txt");
    std::fs::write(&recipients, "# members only\n").unwrap();
    let storage = Storage::connect(&url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    storage
        .add_member(
            &crypto::hex(&crypto::random_bytes::<16>()),
            "Bench",
            &member.to_public().to_string(),
            today,
        )
        .await
        .unwrap();
    let set = RecipientSet::new(vec![member.to_public()]).unwrap();
    let secrets = storage.installation_secrets().await.unwrap();
    let t0 = Instant::now();
    let mut big_case = String::new();
    for n in 0..10_000 {
        let report = Report {
            what: format!("case {n}"),
            ..Report::default()
        };
        let (id, reporter) = seed_case(&storage, &set, &secrets.salt, report).await;
        if n == 0 {
            for seq in 2..=20 {
                let env = Envelope::new(
                    &id,
                    seq,
                    Body::Text {
                        text: "y".repeat(2000),
                    },
                );
                let ct = crypto::seal(&env.to_bytes(), &set, Some(&reporter)).unwrap();
                let message = NewMessage {
                    seq,
                    author_kind: AuthorKind::Reporter,
                    member_id: None,
                    written_on: today,
                    recipients_fp: set.fingerprint(),
                    ciphertext: &ct,
                    attachments: &[],
                };
                storage.append_message(&id, &message, None).await.unwrap();
            }
            big_case = id;
        }
    }
    println!(
        "[desk] seeded 10,000 cases in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let portal = start(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &url,
        "--recipients",
        recipients.to_str().unwrap(),
    ]);
    // The roster confirmed beforehand, as a member does on first use.
    let state = dir.path().join("state");
    let client = meldpunt::desk::Portal::new(&portal.base, member.clone()).unwrap();
    client.sign_in().await.unwrap();
    let roster = client.roster().await.unwrap();
    meldpunt::desk::pins::PinStore::new(&state)
        .save(client.origin(), roster)
        .unwrap();
    client.sign_out().await.unwrap();
    let desk = start(&[
        "desk",
        "--portal",
        &portal.base,
        "--identity",
        id_file.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--state-dir",
        state.to_str().unwrap(),
    ]);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let launch = http.get(&desk.base).send().await.unwrap();
    let cookie = launch.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let origin = desk.base.split("/?").next().unwrap().to_owned();
    // Each page fetched `times` times, whole; the sorted times and the last body.
    let timed = |url: String, times: usize| {
        let (http, cookie) = (http.clone(), cookie.clone());
        async move {
            let mut took = Vec::with_capacity(times);
            let mut body = String::new();
            for _ in 0..times {
                let t0 = Instant::now();
                let r = http
                    .get(&url)
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                body = r.text().await.unwrap();
                assert_eq!(status, 200, "{body}");
                took.push(t0.elapsed());
            }
            took.sort();
            (took, body)
        }
    };
    let (inbox, body) = timed(format!("{origin}/"), 5).await;
    assert!(body.matches("case-row").count() >= 10_000);
    let (case_page, _) = timed(format!("{origin}/case/{big_case}"), 20).await;
    println!(
        "[desk] inbox of 10,000 cases: median {:.0} ms",
        percentile(&inbox, 0.5)
    );
    println!(
        "[desk] case with 20 messages: median {:.1} ms, p99 {:.1} ms",
        percentile(&case_page, 0.5),
        percentile(&case_page, 0.99)
    );
}

#[tokio::main]
async fn main() {
    println!(
        "machine: {} cores; {} s per measurement",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        secs()
    );
    let dir = tempfile::tempdir().unwrap();
    backend(
        "sqlite",
        &format!("sqlite://{}", dir.path().join("bench.db").display()),
    )
    .await;
    let pg_admin = std::env::var("MELDPUNT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    sqlx::any::install_default_drivers();
    match sqlx::AnyPool::connect(&pg_admin).await {
        Ok(pool) => {
            let name = format!(
                "meldpunt_bench_{}",
                crypto::hex(&crypto::random_bytes::<4>())
            );
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&pool)
                .await
                .unwrap();
            let url = format!("{}/{name}", pg_admin.rsplit_once('/').unwrap().0);
            backend("postgres", &url).await;
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database {name} with (force)"
            )))
            .execute(&pool)
            .await;
        }
        Err(e) => println!("[postgres] skipped: {e}"),
    }
    if std::env::var("BENCH_ONLY").is_ok_and(|only| only != "desk") {
        return;
    }
    desk().await;
}
