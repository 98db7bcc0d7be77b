//! How a committee member finds the desk: a portal that starts no desk itself
//! (`meldpunt serve`, or a portal with a configured committee) prints the one command
//! that does, and that command, run as printed, opens it; `meldpunt` without a
//! subcommand starts the demo desk itself and needs no hint.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestApp;

/// A process that is killed when the test ends, also when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `meldpunt` with `args` in `dir`, output in `NAME.out` there, none of the
/// caller's `MELDPUNT_*` settings.
fn start_in(dir: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meldpunt"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MELDPUNT_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args)
        .envs(env.iter().copied())
        .env("XDG_STATE_HOME", dir.join("state"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join(format!("{name}.out"))).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .map(Running)
        .unwrap()
}

/// Waits until `NAME.out` holds a line with `needle` and returns the whole output.
async fn output_with(dir: &Path, name: &str, child: &mut Running, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = std::fs::read_to_string(dir.join(format!("{name}.out"))).unwrap_or_default();
        if out.contains(needle) {
            return out;
        }
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "{name} exited: {out}"
        );
        assert!(
            Instant::now() < deadline,
            "{name} never said {needle:?}: {out}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_that_starts_no_desk_prints_the_command_that_does_and_that_command_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let (here, mut children) = (dir.path(), Vec::new());
    // `serve` on a fresh directory: the demo identity seals, but no desk starts.
    children.push(start_in(
        here,
        "serve",
        &["serve", "--listen", "127.0.0.1:0"],
        &[],
    ));
    let out = output_with(here, "serve", &mut children[0], "listening on http://").await;
    let portal = out
        .split("listening on ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    let hint = out
        .lines()
        .find_map(|l| l.strip_prefix("to open the committee desk, run: "))
        .unwrap_or_else(|| panic!("no hint: {out}"));
    let words: Vec<&str> = hint.split_whitespace().collect();
    let portal = portal.trim_end_matches('/');
    let identity = "data/demo-identity.txt";
    assert_eq!(
        words,
        [
            "meldpunt",
            "desk",
            "--identity",
            identity,
            "--portal",
            portal
        ]
    );
    // The command as printed, from where the portal runs, opens the desk.
    children.push(start_in(here, "desk", &words[1..], &[]));
    output_with(
        here,
        "desk",
        &mut children[1],
        "open the desk in your browser: ",
    )
    .await;

    // Without a subcommand the demo starts the desk itself, and needs no hint.
    let other = tempfile::tempdir().unwrap();
    let listen = [("MELDPUNT_LISTEN", "127.0.0.1:0")];
    children.push(start_in(other.path(), "demo", &[], &listen));
    let out = output_with(other.path(), "demo", &mut children[2], "demo desk").await;
    assert!(!out.contains("to open the committee desk"), "{out}");

    // A portal with a configured committee names the member's own identity file.
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let line = format!(
        "meldpunt desk --identity YOUR-IDENTITY-FILE --portal {}",
        app.base
    );
    assert!(app.stdout().contains(&line), "{}", app.stdout());
}
