//! The packaged unit's system call filter against what the portal really calls: the
//! portal is started under `strace -f`, takes a report with a PNG (so the metadata
//! cleaner's child process runs: setrlimit, no_new_privs, parsing), and every
//! system call seen, in the portal and in the child, must be one the filter keeps.
//! systemd is not PID 1 where the tests run, so the filter is computed from the
//! unit's `SystemCallFilter=` lines with `systemd-analyze syscall-filter`.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use flate2::Crc;
use meldpunt::i18n::Lang;

use crate::common::{form_token, full_report, text};
use crate::{repo, tool, values};

/// The system calls of one `@group` or name, with nested groups expanded.
fn expand(item: &str, out: &mut BTreeSet<String>) {
    let Some(group) = item.strip_prefix('@') else {
        out.insert(item.to_owned());
        return;
    };
    let listing = Command::new("systemd-analyze")
        .args(["syscall-filter", "--no-pager"])
        .arg(format!("@{group}"))
        .output()
        .expect("systemd-analyze runs");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let members: Vec<&str> = listing
        .lines()
        .skip_while(|l| l.trim() != format!("@{group}"))
        .skip(1)
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert!(!members.is_empty(), "systemd knows @{group}");
    for member in members {
        expand(member, out);
    }
}

/// What a unit's `SystemCallFilter=` lines allow: the first line is an allow list
/// (that is how meldpunt's unit starts), later `~` lines take calls away.
fn allowed_by(unit: &str) -> BTreeSet<String> {
    let lines = values(unit, "SystemCallFilter");
    assert!(
        lines.first().is_some_and(|l| !l.starts_with('~')),
        "the filter starts with an allow list: {lines:?}"
    );
    let mut allowed = BTreeSet::new();
    for line in lines {
        let (deny, items) = match line.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let mut these = BTreeSet::new();
        for item in items.split_whitespace() {
            expand(item, &mut these);
        }
        if deny {
            allowed.retain(|s| !these.contains(s));
        } else {
            allowed.extend(these);
        }
    }
    allowed
}

/// The names of the system calls in an `strace -f` log.
fn called(trace: &str) -> BTreeSet<String> {
    trace
        .lines()
        .filter_map(|l| {
            let call = l.split_once(' ')?.1.trim_start();
            let name = &call[..call.find('(')?];
            let plain = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            plain.then(|| name.to_owned())
        })
        .collect()
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A 1×1 grey PNG with a text chunk that the cleaner removes.
fn png_with_text() -> Vec<u8> {
    let mut idat = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    idat.write_all(&[0, 0]).unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    png_chunk(&mut out, b"tEXt", b"Author\0deploy test");
    png_chunk(&mut out, b"IDAT", &idat.finish().unwrap());
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Starts the portal under strace, sends a report with a PNG, checks the cleaner
/// removed its text chunk, stops the portal and returns the trace.
fn traced_report_with_a_file(dir: &std::path::Path) -> String {
    let committee = meldpunt::crypto::Identity::generate();
    let recipients = dir.join("committee.txt");
    std::fs::write(&recipients, format!("{}\n", committee.to_public())).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let trace = dir.join("trace.txt");
    let mut strace = Command::new("strace");
    strace.args(["-f", "-qq", "-o"]).arg(&trace);
    // The unit runs the portal as its own user, never as root; as root, SQLite
    // would hand its journal files to the database's owner (fchown).
    if as_root() {
        strace.args(["-u", "nobody"]);
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    }
    let mut strace = strace
        .arg(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("db/meldpunt.db").display()))
        .arg("--recipients")
        .arg(&recipients)
        .arg("--spool-dir")
        .arg(dir)
        .env("MALLOC_ARENA_MAX", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace starts");
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let note = runtime.block_on(async {
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..400 {
            if http.get(format!("{base}/healthz")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(up, "the portal started under strace");
        let form = http.get(format!("{base}/report")).send().await.unwrap();
        let form = scraper::Html::parse_document(&form.text().await.unwrap());
        let mut body = reqwest::multipart::Form::new().text("form_token", form_token(&form));
        for (k, v) in full_report("traced with a file") {
            body = body.text(k, v);
        }
        let png = reqwest::multipart::Part::bytes(png_with_text())
            .file_name("photo.png")
            .mime_str("image/png")
            .unwrap();
        let receipt = http
            .post(format!("{base}/report"))
            .multipart(body.part("files", png))
            .send()
            .await
            .unwrap();
        assert_eq!(receipt.status(), 200);
        let page = scraper::Html::parse_document(&receipt.text().await.unwrap());
        let code = text(&page, "#pickup-code");
        let shown = code.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(shown, 29, "a code is shown");
        text(&page, ".file-note")
    });
    let children = std::fs::read_to_string(format!(
        "/proc/{}/task/{}/children",
        strace.id(),
        strace.id()
    ))
    .unwrap_or_default();
    for pid in children.split_whitespace() {
        let _ = Command::new("kill").arg(pid).status();
    }
    let _ = strace.wait();
    let texts = Lang::Nl.texts();
    assert!(
        note.starts_with(texts.meta_removed),
        "the cleaner's child ran and removed the text chunk: {note:?}"
    );
    std::fs::read_to_string(&trace).expect("strace wrote its log")
}

#[test]
fn the_portal_and_its_file_cleaner_make_no_system_call_the_unit_filters_out() {
    if !tool("systemd-analyze", &["--version"], "systemd")
        || !tool("strace", &["-qq", "-e", "trace=none", "true"], "strace")
    {
        return;
    }
    let unit = std::fs::read_to_string(repo("packaging/meldpunt.service")).unwrap();
    let allowed = allowed_by(&unit);
    // The filter computed here takes away what the unit says it does.
    assert!(allowed.contains("read") && allowed.contains("prlimit64"));
    for gone in [
        "mount",
        "setuid",
        "setrlimit",
        "sched_setaffinity",
        "reboot",
    ] {
        assert!(!allowed.contains(gone), "{gone} is filtered out");
    }

    let dir = tempfile::tempdir().unwrap();
    let trace = traced_report_with_a_file(dir.path());
    let seen = called(&trace);
    // The child was traced too: it limits itself before it reads the file.
    for child_call in ["execve", "prlimit64", "prctl"] {
        assert!(seen.contains(child_call), "{child_call} seen: {seen:?}");
    }
    let refused: Vec<&String> = seen.difference(&allowed).collect();
    eprintln!(
        "{} distinct system calls seen, all allowed: {}",
        seen.len(),
        refused.is_empty()
    );
    assert!(
        refused.is_empty(),
        "the unit's filter refuses system calls the portal makes: {refused:?}"
    );
}
