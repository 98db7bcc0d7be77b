//! The fuzz run: the two portals, the connections that send random requests to
//! them, the keeper that signs the member in and watches the servers, and the checks
//! and report at the end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::common::{Backend, Options};
use crate::generate::Gen;
use crate::samples::samples;
use crate::state::Settings;
use crate::target::Target;
use crate::wire::{SHOWN, UNSURE_GRACE, run_connection, shown};

async fn worker(targets: Arc<Vec<Arc<Target>>>, seed: u64, until: Instant, stop: Arc<AtomicBool>) {
    let mut rng = StdRng::seed_from_u64(seed);
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        let t = if targets.len() > 1 && rng.random_bool(1.0 / 6.0) {
            targets[1].clone()
        } else {
            targets[0].clone()
        };
        let (reqs, pipelined) = Gen::new(&mut rng, &t).script();
        run_connection(&t, reqs, pipelined, &stop).await;
    }
}

/// Signs the member in again every second (the fuzzer signs out and closes
/// cases), and watches the server's process and output.
async fn keeper(targets: Arc<Vec<Arc<Target>>>, until: Instant, stop: Arc<AtomicBool>) {
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        for t in targets.iter() {
            if !t.alive() {
                t.tally.lock().unwrap().fail(
                    "the server process is gone".into(),
                    &[],
                    "noticed by the watcher".into(),
                );
                stop.store(true, Ordering::SeqCst);
            }
            t.check_logs(None);
            if t.refresh {
                t.refresh_member().await;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn summary(t: &Target, secs: f64, rss_before: u64) -> String {
    let tally = t.tally.lock().unwrap();
    let mut classes = [0u64; 6];
    for (status, n) in &tally.statuses {
        classes[usize::from(status / 100).min(5)] += n;
    }
    let statuses: Vec<String> = tally
        .statuses
        .iter()
        .map(|(s, n)| format!("{s}×{n}"))
        .collect();
    let rss = t.rss_kib();
    format!(
        "[{}] {} requests on {} connections ({} pipelined) in {secs:.1} s: {:.0} requests/s\n  \
         answers: 1xx {} 2xx {} 3xx {} 4xx {} 5xx {}\n  \
         statuses: {}\n  \
         no answer: closed {}, reset {}, malformed {}, cut off {}, connect errors {}; \
         unclear framing (our side closed after {UNSURE_GRACE:?}): {}\n  \
         server RSS {} MiB before, {} MiB after",
        t.name,
        tally.requests,
        tally.connections,
        tally.pipelined,
        tally.requests as f64 / secs,
        classes[1],
        classes[2],
        classes[3],
        classes[4],
        classes[5],
        statuses.join(" "),
        tally.closed,
        tally.resets,
        tally.malformed,
        tally.truncated,
        tally.connect_errors,
        tally.unsure,
        rss_before / 1024,
        rss / 1024,
    )
}

/// Distinct ERROR and WARN lines of the server's output, without their timestamps.
fn logged_errors(t: &Target) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in t.app.stderr().lines().chain(t.app.stdout().lines()) {
        if !(line.contains(" ERROR ") || line.contains(" WARN ")) {
            continue;
        }
        let without_time = line.split_once(' ').map_or(line, |(_, rest)| rest).trim();
        *out.entry(without_time.to_owned()).or_default() += 1;
    }
    out
}

pub async fn fuzz(backend: Backend) {
    let settings = Settings::from_env();
    let db = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres(_) => "postgres",
    };
    eprintln!(
        "http fuzz on {db}: seed {} (MELDPUNT_HTTP_FUZZ_SEED), {} s (MELDPUNT_HTTP_FUZZ_SECS), \
         {} connections (MELDPUNT_HTTP_FUZZ_WORKERS)",
        settings.seed, settings.secs, settings.workers
    );
    let samples = Arc::new(samples());
    let open = Options {
        // 10^8 per minute: out of the way. (10^9 makes governor overflow at start-up,
        // see the rate-burst regression test in http_fuzz.rs.)
        rate_burst: 100_000_000,
        global_rate_burst: 100_000_000,
        extra_args: [
            "--max-files",
            "3",
            "--max-file-mib",
            "1",
            "--max-message-mib",
            "2",
        ]
        .map(String::from)
        .to_vec(),
        ..Options::default()
    };
    let strict = Options {
        rate_burst: 10,
        global_rate_burst: 120,
        extra_args: vec!["--public-url".into(), "https://meldpunt.example".into()],
        ..Options::default()
    };
    let main = Target::start("open limits", backend.clone(), open, samples.clone(), true).await;
    let mut limited = Target::start("default bursts, https", backend, strict, samples, false).await;
    limited.cookie_name = "__Host-meldpunt";
    let targets = Arc::new(vec![Arc::new(main), Arc::new(limited)]);
    let rss_before: Vec<u64> = targets.iter().map(|t| t.rss_kib()).collect();

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let until = started + Duration::from_secs(settings.secs);
    let mut tasks = Vec::new();
    for i in 0..settings.workers {
        let seed = settings
            .seed
            .wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        tasks.push(tokio::spawn(worker(
            targets.clone(),
            seed,
            until,
            stop.clone(),
        )));
    }
    let keeper = tokio::spawn(keeper(targets.clone(), until, stop.clone()));
    for t in tasks {
        t.await.expect("a fuzzing connection does not panic");
    }
    keeper.await.expect("the keeper does not panic");
    let secs = started.elapsed().as_secs_f64();

    // After the run: alive, no panic in the output, healthy, and still working.
    for t in targets.iter() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        t.check_logs(None);
        let alive = t.alive();
        let health = if alive {
            t.app.get("/healthz", None).await.status
        } else {
            0
        };
        let mut tally = t.tally.lock().unwrap();
        if !alive {
            tally.fail(
                "the server process is gone after the run".into(),
                &[],
                String::new(),
            );
        } else if health != 200 {
            tally.fail(
                format!("/healthz answers {health} after the run"),
                &[],
                String::new(),
            );
        }
    }
    let main = &targets[0];
    if main.alive() {
        let code = main
            .app
            .submit_code("/en", "A normal report after the fuzzing.")
            .await;
        let cookie = main.app.sign_in("", &code).await;
        let thread = main.app.get("/thread", Some(&cookie)).await;
        if thread.status != 200 || !thread.body.contains("A normal report after the fuzzing.") {
            main.tally.lock().unwrap().fail(
                format!(
                    "a report after the run cannot be read back ({})",
                    thread.status
                ),
                &[],
                thread.body.clone(),
            );
        }
    }

    let dump = std::env::var("MELDPUNT_HTTP_FUZZ_DUMP").ok();
    let mut failed = Vec::new();
    for (t, before) in targets.iter().zip(rss_before) {
        eprintln!("http fuzz on {db} {}", summary(t, secs, before));
        let errors = logged_errors(t);
        if !errors.is_empty() {
            eprintln!("  the server logged these errors (without their time):");
            for (line, n) in &errors {
                eprintln!("    ×{n} {}", line.chars().take(600).collect::<String>());
            }
        }
        if std::env::var("MELDPUNT_HTTP_FUZZ_ROUTES").is_ok_and(|v| v == "1") {
            for (label, statuses) in &t.tally.lock().unwrap().by_route {
                let s: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
                eprintln!("    {label}: {}", s.join(" "));
            }
        }
        let tally = t.tally.lock().unwrap();
        for (i, f) in tally.failures.iter().enumerate() {
            if let Some(dir) = &dump {
                // The whole request, for reproducing what the report cuts at 2 KiB.
                let name = format!("{db}-{}-{i}.http", t.name.replace([' ', ','], "_"));
                let path = std::path::Path::new(dir).join(name);
                std::fs::create_dir_all(dir).unwrap();
                std::fs::write(&path, &f.request).unwrap();
                eprintln!("  wrote {} ({})", path.display(), f.what);
            }
            failed.push(format!(
                "[{db}, {}] {} (×{})\n--- request ---\n{}\n--- detail ---\n{}\n",
                t.name,
                f.what,
                f.count,
                shown(&f.request),
                f.detail.chars().take(SHOWN).collect::<String>()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "http fuzz on {db} with MELDPUNT_HTTP_FUZZ_SEED={} found {} problem(s):\n\n{}",
        settings.seed,
        failed.len(),
        failed.join("\n")
    );
}
