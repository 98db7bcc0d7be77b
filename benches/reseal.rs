//! Benchmark (not a test): re-sealing 1,000 cases of 5 messages and 100 MiB of
//! files after a member joins. Starts the release binary on a fresh SQLite
//! database, seeds the cases straight into it (sealed as the portal seals them),
//! adds a member, and times `meldpunt reseal` with the peak RSS of the command and
//! of the portal (VmHWM from /proc). The floor, in the same run: age decrypting and
//! encrypting the same ciphertexts in this process alone, with no HTTP and no
//! database.
//!
//! Run: `cargo bench --bench reseal`. Figures go into BENCHMARKS.md by hand.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use meldpunt::case::{AttachmentInfo, AuthorKind, Body, Envelope, MetadataNote, Report};
use meldpunt::crypto::{self, Identity, Recipient, RecipientSet};
use meldpunt::pickup::PickupCode;
use meldpunt::storage::{FormNonce, NewCase, NewMessage, Outcome, Storage};

const CASES: usize = 1000;
const MESSAGES: i64 = 5;
const FILES: usize = 100;
const FILE_BYTES: u64 = 1_000_000;

/// Kills a child process by its id when dropped, unless disarmed (set to `None`)
/// before the child is waited for (after that its id may belong to another).
struct KillOnDrop(Option<u32>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

fn proc_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn meldpunt(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn key_file(dir: &std::path::Path, name: &str, id: &Identity) -> std::path::PathBuf {
    use age::secrecy::ExposeSecret;
    let path = dir.join(name);
    std::fs::write(&path, format!("{}\n", id.to_string().expose_secret())).unwrap();
    path
}

/// A file's padded content sealed as an age stream, in 256 KiB chunk rows.
fn sealed_file(i: usize, to: &[Recipient]) -> (Vec<u8>, [u8; 32]) {
    use std::io::Write;
    let mut content: Vec<u8> = (0..FILE_BYTES)
        .map(|b| (b as usize * 31 + i) as u8)
        .collect();
    let sha = crypto::sha256(&content);
    content.resize(meldpunt::attachments::padded_size(FILE_BYTES) as usize, 0);
    let enc = age::Encryptor::with_recipients(to.iter().map(|r| r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(&content).unwrap();
    w.finish().unwrap();
    (out, sha)
}

async fn seed(storage: &Storage, committee: &RecipientSet) {
    let salt = storage.installation_secrets().await.unwrap().salt;
    let today = time::OffsetDateTime::now_utc().date();
    for n in 0..CASES {
        let derived = PickupCode::generate().derive(&salt);
        let id = crypto::hex(&crypto::random_bytes::<16>());
        let reporter = derived.recipient();
        let mut all: Vec<Recipient> = committee.recipients().to_vec();
        all.push(reporter.clone());
        let mut files = Vec::new();
        if n < FILES {
            let file_id = crypto::hex(&crypto::random_bytes::<16>());
            let (sealed, sha) = sealed_file(n, &all);
            storage
                .begin_attachment(&file_id, &id, i64::MAX)
                .await
                .unwrap();
            let chunks: Vec<Vec<u8>> = sealed.chunks(256 * 1024).map(<[u8]>::to_vec).collect();
            storage.add_chunks(&file_id, 0, chunks).await.unwrap();
            files.push(AttachmentInfo {
                id: file_id,
                name: format!("file-{n}.bin"),
                content_type: "application/octet-stream".into(),
                size: FILE_BYTES,
                sha256: crypto::hex(&sha),
                metadata: MetadataNote::NotChecked,
            });
        }
        let report = Report {
            what: format!("benchmark report {n} ").repeat(20),
            ..Report::default()
        };
        let env = Envelope::new(&id, 1, Body::Report(report))
            .with_reporter(&reporter)
            .with_attachments(files.clone());
        let ct = crypto::seal(&env.to_bytes(), committee, Some(&reporter)).unwrap();
        let ids: Vec<String> = files.iter().map(|f| f.id.clone()).collect();
        let recipient = reporter.to_string();
        // A reference taken already (rare) is a conflict: draw another, as the portal does.
        loop {
            let reference = meldpunt::case::new_reference();
            let nonce = crypto::random_bytes::<16>();
            let case = NewCase {
                id: &id,
                reference: &reference,
                lookup: &derived.lookup,
                reporter_recipient: &recipient,
                received_on: today,
                feedback_due_on: meldpunt::case::feedback_by(today, None),
                first_message: NewMessage {
                    seq: 1,
                    author_kind: AuthorKind::Reporter,
                    member_id: None,
                    written_on: today,
                    recipients_fp: committee.fingerprint(),
                    ciphertext: &ct,
                    attachments: &ids,
                },
                excluded: &[],
            };
            let form = FormNonce {
                nonce: &nonce,
                forget_on: today,
            };
            if storage.insert_case(&case, &form).await.unwrap() == Outcome::Stored {
                break;
            }
        }
        for seq in 2..=MESSAGES {
            let kind = if seq == 3 {
                AuthorKind::Note
            } else {
                AuthorKind::Committee
            };
            let text = format!("message {seq} of case {n} ").repeat(10);
            let env = Envelope::new(&id, seq, Body::Text { text });
            let to = (kind != AuthorKind::Note).then_some(&reporter);
            let ct = crypto::seal(&env.to_bytes(), committee, to).unwrap();
            let m = NewMessage {
                seq,
                author_kind: kind,
                member_id: None,
                written_on: today,
                recipients_fp: committee.fingerprint(),
                ciphertext: &ct,
                attachments: &[],
            };
            storage.append_message(&id, &m, None).await.unwrap();
        }
    }
}

/// age alone on the same ciphertexts: open each message and seal it again, and
/// re-seal each file stream to a sink, one after the other in this process.
async fn floor(storage_url: &str, opener: &Identity, to: &[Recipient]) -> (Duration, u64) {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(storage_url).await.unwrap();
    let messages: Vec<Vec<u8>> = sqlx::query("select ciphertext from messages")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let ids: Vec<String> = sqlx::query_scalar("select id from attachments")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut files = Vec::new();
    for id in ids {
        let chunks: Vec<Vec<u8>> = sqlx::query_scalar(
            "select data from attachment_chunks where attachment_id = $1 order by idx",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        files.push(chunks.concat());
    }
    let bytes = messages
        .iter()
        .chain(files.iter())
        .map(|c| c.len() as u64)
        .sum();
    let t0 = Instant::now();
    for ct in &messages {
        let plain = crypto::open(ct, opener).unwrap();
        let _ = crypto::seal_for(&plain, to).unwrap();
    }
    for ct in &files {
        crypto::reseal_stream(&ct[..], std::io::sink(), opener, to, FILE_BYTES).unwrap();
    }
    (t0.elapsed(), bytes)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (backup, a, b, c) = (
        Identity::generate(),
        Identity::generate(),
        Identity::generate(),
        Identity::generate(),
    );
    let recipients = dir.path().join("committee.txt");
    std::fs::write(&recipients, format!("{}\n", backup.to_public())).unwrap();
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    for (name, id) in [("Anna", &a), ("Bram", &b)] {
        meldpunt(&[
            "member",
            "add",
            "--database-url",
            &db,
            "--name",
            name,
            "--recipient",
            &id.to_public().to_string(),
        ]);
    }
    let committee =
        RecipientSet::new(vec![backup.to_public(), a.to_public(), b.to_public()]).unwrap();
    let storage = Storage::connect(&db).await.unwrap();
    let t0 = Instant::now();
    seed(&storage, &committee).await;
    println!(
        "seeded {CASES} cases of {MESSAGES} messages and {FILES} files of {FILE_BYTES} bytes in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    let portal_log = dir.path().join("portal.log");
    let mut portal = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db])
        .arg("--recipients")
        .arg(&recipients)
        .args(["--rate-burst", "100000", "--global-rate-burst", "100000"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&portal_log).unwrap())
        .spawn()
        .unwrap();
    let portal_pid = portal.id();
    // Stopped with the benchmark, also when an assertion fails.
    let mut portal_guard = KillOnDrop(Some(portal_pid));
    let mut out = std::io::BufReader::new(portal.stdout.take().unwrap());
    let base = loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        if let Some(url) = line.trim().strip_prefix("meldpunt portal listening on ") {
            break url.trim_end_matches('/').to_owned();
        }
    };
    meldpunt(&[
        "member",
        "add",
        "--database-url",
        &db,
        "--name",
        "Cato",
        "--recipient",
        &c.to_public().to_string(),
    ]);
    let state = dir.path().join("state");
    let client = meldpunt::desk::Portal::new(&base, a.clone()).unwrap();
    client.sign_in().await.unwrap();
    let roster = client.roster().await.unwrap();
    let new_set: Vec<Recipient> = roster.iter().map(|e| e.recipient.recipient()).collect();
    meldpunt::desk::pins::PinStore::new(&state)
        .save(client.origin(), roster)
        .unwrap();
    client.sign_out().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let portal_idle = proc_kib(portal_pid, "VmRSS:").unwrap();

    let key = key_file(dir.path(), "anna.key", &a);
    let portal_cpu_before = cpu_secs(portal_pid).unwrap_or(0.0);
    let t0 = Instant::now();
    let mut run = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["reseal", "--portal", &base])
        .arg("--identity")
        .arg(&key)
        .arg("--state-dir")
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("reseal.log")).unwrap())
        .spawn()
        .unwrap();
    let pid = run.id();
    let mut cli_peak = 0;
    let mut cli_cpu = 0.0f64;
    while run.try_wait().unwrap().is_none() {
        cli_peak = cli_peak.max(proc_kib(pid, "VmHWM:").unwrap_or(0));
        cli_cpu = cli_cpu.max(cpu_secs(pid).unwrap_or(0.0));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = t0.elapsed();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut run.stdout.take().unwrap(), &mut said).unwrap();
    let complaint = std::fs::read_to_string(dir.path().join("reseal.log")).unwrap_or_default();
    // The progress bar redraws with carriage returns; the last line says why it stopped.
    let why = complaint
        .rsplit(['\r', '\n'])
        .find(|l| !l.trim().is_empty());
    assert!(
        run.wait().unwrap().success(),
        "{said} {}\nportal log:\n{}",
        why.unwrap_or(""),
        std::fs::read_to_string(&portal_log).unwrap_or_default()
    );
    let portal_peak = proc_kib(portal_pid, "VmHWM:").unwrap();
    let portal_cpu = cpu_secs(portal_pid).unwrap_or(0.0) - portal_cpu_before;
    portal_guard.0 = None;
    let _ = portal.kill();
    let _ = portal.wait();

    let (floor_time, bytes) = floor(&db, &c, &new_set).await;
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("meldpunt reseal: {}", said.lines().next().unwrap_or(""));
    println!(
        "re-seal of {mib:.1} MiB stored: {:.2} s, {:.1} MiB/s",
        took.as_secs_f64(),
        mib / took.as_secs_f64()
    );
    println!(
        "peak RSS of meldpunt reseal: {:.1} MiB",
        cli_peak as f64 / 1024.0
    );
    println!(
        "CPU time during the run: meldpunt reseal {cli_cpu:.2} s (last sample, up to 20 ms early), portal {portal_cpu:.2} s"
    );
    println!(
        "portal: idle RSS {:.1} MiB, peak {:.1} MiB, growth {:.1} MiB",
        portal_idle as f64 / 1024.0,
        portal_peak as f64 / 1024.0,
        portal_peak.saturating_sub(portal_idle) as f64 / 1024.0
    );
    println!(
        "floor, age decrypt + encrypt of the same ciphertexts alone: {:.2} s, {:.1} MiB/s",
        floor_time.as_secs_f64(),
        mib / floor_time.as_secs_f64()
    );
    println!(
        "re-seal speed / floor speed: {:.0} %",
        100.0 * floor_time.as_secs_f64() / took.as_secs_f64()
    );
}
