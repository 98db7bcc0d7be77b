//! Benchmark (not a test): start the release binary on a fresh SQLite database,
//! measure start-up time and idle RSS, then upload 100 MiB (four 25 MiB files of
//! incompressible bytes) through the report form and record the server's peak RSS
//! growth (VmHWM − idle VmRSS, from /proc) and the throughput on loopback.
//!
//! Run: `cargo bench --bench upload`. Figures go into BENCHMARKS.md by hand.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::stream;
use reqwest::multipart::{Form, Part};

const MIB: u64 = 1024 * 1024;
const FILE_MIB: u64 = 25;
const FILES: u64 = 4;

fn proc_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("linux /proc");
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("field present")
}

/// Pseudo-random bytes (xorshift), produced piece by piece so the client holds little.
fn noise(seed: u64, total: u64) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    stream::unfold((seed | 1, total), |(mut x, left)| async move {
        if left == 0 {
            return None;
        }
        let n = left.min(256 * 1024);
        let mut buf = Vec::with_capacity(n as usize);
        while (buf.len() as u64) < n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf.extend_from_slice(&x.to_le_bytes());
        }
        buf.truncate(n as usize);
        Some((Ok(buf), (x, left - n)))
    })
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let committee = meldpunt::crypto::Identity::generate();
    let recipients = dir.path().join("committee.txt");
    std::fs::write(&recipients, format!("{}\n", committee.to_public())).unwrap();
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db])
        .arg("--recipients")
        .arg(&recipients)
        .args(["--rate-burst", "1000", "--global-rate-burst", "1000"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let base = loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        if let Some(url) = line.trim().strip_prefix("meldpunt portal listening on ") {
            break url.trim_end_matches('/').to_owned();
        }
    };
    let startup = started.elapsed();
    let client = reqwest::Client::new();
    // Warm up: one small report, then let the process settle.
    let form = client
        .get(format!("{base}/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = |page: &str| {
        let at = page.find("name=\"form_token\" value=\"").unwrap() + 25;
        page[at..at + 112].to_owned()
    };
    let warm = Form::new()
        .text("form_token", token(&form))
        .text("role", "volunteer")
        .text("concern", "other")
        .text("what", "warm-up");
    assert!(
        client
            .post(format!("{base}/report"))
            .multipart(warm)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = proc_kib(pid, "VmRSS:");
    let idle_hwm = proc_kib(pid, "VmHWM:");

    let form = client
        .get(format!("{base}/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut upload = Form::new()
        .text("form_token", token(&form))
        .text("role", "volunteer")
        .text("concern", "other")
        .text("what", "100 MiB upload benchmark")
        .text("exclusions_complete", "1");
    for i in 0..FILES {
        let bytes = FILE_MIB * MIB;
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(noise(i + 7, bytes)), bytes)
            .file_name(format!("noise-{i}.bin"));
        upload = upload.part("files", part);
    }
    let t0 = Instant::now();
    let response = client
        .post(format!("{base}/report"))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let _ = response.text().await;
    let elapsed = t0.elapsed();
    assert!(status.is_success(), "upload answered {status}");
    let peak = proc_kib(pid, "VmHWM:");
    let total_mib = (FILES * FILE_MIB) as f64;
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "start-up to listening (fresh SQLite, migrations): {:.0} ms",
        startup.as_secs_f64() * 1000.0
    );
    println!(
        "idle RSS after one small report: {:.1} MiB (peak so far {:.1} MiB)",
        idle_rss as f64 / 1024.0,
        idle_hwm as f64 / 1024.0
    );
    println!(
        "upload {total_mib} MiB in {FILES} files: {:.2} s, {:.1} MiB/s",
        elapsed.as_secs_f64(),
        total_mib / elapsed.as_secs_f64()
    );
    println!(
        "peak RSS during upload: {:.1} MiB; growth over idle: {:.1} MiB (target < 32 MiB)",
        peak as f64 / 1024.0,
        (peak.saturating_sub(idle_rss)) as f64 / 1024.0
    );
    let _ = child.kill();
    let _ = child.wait();
    floors(dir.path(), &committee).await;
}

/// What the upload cannot beat, measured in the same run on the same bytes: age
/// STREAM sealing of 100 MiB alone (to the committee and a reporter, as a file is),
/// and writing 100 MiB of chunk rows to a fresh SQLite database alone.
async fn floors(dir: &std::path::Path, committee: &meldpunt::crypto::Identity) {
    use futures::StreamExt;
    use std::io::Write;
    let total = FILES * FILE_MIB * MIB;
    let mut bytes = Vec::with_capacity(total as usize);
    let mut s = Box::pin(noise(99, total));
    while let Some(piece) = s.next().await {
        bytes.extend_from_slice(&piece.unwrap());
    }
    let reporter = meldpunt::crypto::Identity::generate().to_public();
    let recipients = [committee.to_public(), reporter];
    let t0 = Instant::now();
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .unwrap();
    let mut sealed = Vec::with_capacity(bytes.len() + bytes.len() / 1000 + 1024);
    let mut w = encryptor.wrap_output(&mut sealed).unwrap();
    w.write_all(&bytes).unwrap();
    w.finish().unwrap();
    let seal = t0.elapsed();
    let t0 = Instant::now();
    let _ = meldpunt::crypto::sha256(&bytes);
    let hash = t0.elapsed();

    let url = format!("sqlite://{}", dir.join("floor.db").display());
    let storage = meldpunt::storage::Storage::connect(&url).await.unwrap();
    let case = "0123456789abcdef0123456789abcdef";
    let t0 = Instant::now();
    storage
        .begin_attachment(case, case, i64::MAX)
        .await
        .unwrap();
    let mut idx = 0;
    for batch in sealed.chunks(16 * 256 * 1024) {
        let chunks: Vec<Vec<u8>> = batch.chunks(256 * 1024).map(<[u8]>::to_vec).collect();
        let n = chunks.len() as i64;
        storage.add_chunks(case, idx, chunks).await.unwrap();
        idx += n;
    }
    let db = t0.elapsed();
    let mib = total as f64 / MIB as f64;
    println!(
        "floor, age STREAM sealing of {mib} MiB alone: {:.2} s, {:.0} MiB/s",
        seal.as_secs_f64(),
        mib / seal.as_secs_f64()
    );
    println!(
        "floor, SHA-256 of {mib} MiB alone: {:.2} s, {:.0} MiB/s",
        hash.as_secs_f64(),
        mib / hash.as_secs_f64()
    );
    println!(
        "floor, {mib} MiB of chunk rows into SQLite alone (16 per commit): {:.2} s, {:.0} MiB/s",
        db.as_secs_f64(),
        mib / db.as_secs_f64()
    );
}
