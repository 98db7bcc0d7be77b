//! Benchmark (not a test) of several portal instances on one PostgreSQL database:
//! - text tips per second (GET form + POST, as a browser does) at 16 and 64 clients,
//!   with one instance and with two (client i always talks to instance i mod 2, as a
//!   load balancer that keeps connections does), each without and with
//!   `--shared-limits`;
//! - the cost of the shared global limit itself: one conditional update per POST,
//!   timed in-process, one caller and 16 at once.
//!
//! Run: `cargo bench --bench instances` (`BENCH_SECS` per measurement, default 5).
//! Needs PostgreSQL at `MELDPUNT_TEST_POSTGRES` (default the local test server).

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use meldpunt::crypto::{self, Identity};
use meldpunt::storage::Storage;

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

fn start(url: &str, recipients: &str, shared: bool) -> Server {
    let mut args = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        url,
        "--recipients",
        recipients,
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
    ];
    if shared {
        args.push("--shared-limits");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(&args)
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
        if let Some(url) = line.trim().strip_prefix("meldpunt portal listening on ") {
            server.base = url.trim_end_matches('/').to_owned();
            return server;
        }
        assert!(!line.is_empty(), "the portal ended before it listened");
    }
}

fn token(page: &str) -> String {
    let at = page.find("name=\"form_token\" value=\"").unwrap() + 25;
    page[at..at + 112].to_owned()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// `clients` loops of GET form + POST report for `secs()`, client i on
/// `bases[i % len]`; returns (tips/s, p50 ms, p99 ms).
async fn tips(bases: &[String], clients: usize) -> (f64, f64, f64) {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(secs());
    let what = "x".repeat(3000);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let base = bases[i % bases.len()].clone();
            let (latencies, what) = (latencies.clone(), what.clone());
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
                    let body = format!(
                        "form_token={}&role=volunteer&concern=other&what={what}",
                        token(&form)
                    );
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
    let mut all = latencies.lock().unwrap().clone();
    all.sort();
    (
        all.len() as f64 / elapsed,
        percentile(&all, 0.5),
        percentile(&all, 0.99),
    )
}

/// A fresh database on the server of `admin`; returns its name and URL.
async fn scratch(admin_pool: &sqlx::AnyPool, admin: &str) -> (String, String) {
    let name = format!(
        "meldpunt_bench_{}",
        crypto::hex(&crypto::random_bytes::<4>())
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(admin_pool)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    (name, url)
}

async fn drop_db(admin_pool: &sqlx::AnyPool, name: &str) {
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database {name} with (force)"
    )))
    .execute(admin_pool)
    .await;
}

/// The shared global limit alone: one caller in a loop, then 16 at once.
async fn shared_limit_cost(url: &str) {
    let storage = Storage::connect(url).await.unwrap();
    let n = 2000;
    let now_ms = || {
        i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap()
    };
    let t0 = Instant::now();
    for _ in 0..n {
        let taken = storage.take_shared_rate(now_ms(), 1, 1_000_000).await;
        assert!(taken.unwrap().is_none());
    }
    let one = t0.elapsed().as_secs_f64() / f64::from(n) * 1e6;
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let storage = storage.clone();
            tokio::spawn(async move {
                for _ in 0..n / 16 {
                    let taken = storage.take_shared_rate(now_ms(), 1, 1_000_000).await;
                    assert!(taken.unwrap().is_none());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let rate = f64::from(n / 16 * 16) / t0.elapsed().as_secs_f64();
    println!("[shared limit] one caller: {one:.0} µs per check; 16 callers: {rate:.0} checks/s");
    storage.close().await;
}

#[tokio::main]
async fn main() {
    println!(
        "machine: {} cores; {} s per measurement",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        secs()
    );
    let admin = std::env::var("MELDPUNT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    sqlx::any::install_default_drivers();
    let admin_pool = match sqlx::AnyPool::connect(&admin).await {
        Ok(p) => p,
        Err(e) => {
            println!("[instances] skipped, no PostgreSQL: {e}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let recipients = dir.path().join("committee.txt");
    std::fs::write(
        &recipients,
        format!("{}\n", Identity::generate().to_public()),
    )
    .unwrap();
    let recipients = recipients.to_str().unwrap();
    for (instances, shared) in [(1, false), (1, true), (2, false), (2, true)] {
        let (name, url) = scratch(&admin_pool, &admin).await;
        // Started one after the other so the first migrates alone.
        let servers: Vec<Server> = (0..instances)
            .map(|_| start(&url, recipients, shared))
            .collect();
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
        let label = format!(
            "{instances} instance{}{}",
            if instances > 1 { "s" } else { "" },
            if shared { ", --shared-limits" } else { "" }
        );
        for clients in [16, 64] {
            let (rate, p50, p99) = tips(&bases, clients).await;
            println!(
                "[postgres, {label}] tips, {clients:>2} clients: {rate:7.1}/s, p50 {p50:.1} ms, p99 {p99:.1} ms"
            );
        }
        drop(servers);
        drop_db(&admin_pool, &name).await;
    }
    let (name, url) = scratch(&admin_pool, &admin).await;
    shared_limit_cost(&url).await;
    drop_db(&admin_pool, &name).await;
}
