//! Driving lynx and w3m for the text-browser tests: each runs in its own tmux server
//! (they need a terminal), keys are sent as a reporter would press them, and the
//! screen is read back as the reporter sees it. What was typed or read that is
//! secret (report text, pickup code) is blanked in any failure message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a page may take to appear on the screen.
const PAGE_WAIT: Duration = Duration::from_secs(20);

/// Whether `tool` runs here; a missing tool skips the test, or fails it under CI.
pub fn available(test: &str, tool: &str, version_flag: &str) -> bool {
    let ok = Command::new(tool)
        .arg(version_flag)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but `{tool}` is missing (apt-get install {tool})"
        );
        eprintln!("SKIPPED: {test}: `{tool}` is not installed (apt-get install {tool})");
    }
    ok
}

/// A text browser running in its own tmux server, in a pane tall enough that a
/// whole page fits on one screen.
pub struct Terminal {
    socket: PathBuf,
    /// What was typed or read off the screen that must not reach the test output:
    /// the report's text and the pickup code. Screens are printed with these removed.
    secrets: Vec<String>,
}

impl Terminal {
    pub fn start(dir: &Path, env: &[(&str, String)], command: &[String]) -> Terminal {
        let socket = dir.join("tmux.sock");
        let mut tmux = Command::new("tmux");
        tmux.arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "tb"])
            .args(["-x", "150", "-y", "400"]);
        for (k, v) in env {
            tmux.arg("-e").arg(format!("{k}={v}"));
        }
        let out = tmux.arg("--").args(command).output().expect("tmux runs");
        assert!(out.status.success(), "tmux started: {}", stderr(&out));
        Terminal {
            socket,
            secrets: Vec::new(),
        }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {:?}: {}", args[0], stderr(&out));
        out
    }

    /// Presses keys, in tmux's names (`Enter`, `Tab`, `Down`, a single character).
    pub fn press(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", "-t", "tb", key]);
        }
    }

    /// Types text literally into whatever has the focus; the text is kept out of
    /// anything printed.
    pub fn type_secret(&mut self, text: &str) {
        self.secrets.push(text.to_owned());
        self.tmux(&["send-keys", "-t", "tb", "-l", text]);
    }

    /// Types text that may be printed (numbers, URLs, labels).
    pub fn type_plain(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "tb", "-l", text]);
    }

    pub fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "tb"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen once it shows `needle`; fails with the screen (secrets removed)
    /// when it does not within `PAGE_WAIT`.
    pub async fn wait_for(&self, step: &str, needle: &str) -> String {
        let deadline = Instant::now() + PAGE_WAIT;
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return self.settled(screen).await;
            }
            assert!(
                Instant::now() < deadline,
                "{step}: the screen does not show {needle:?}:\n{}",
                self.printable(&screen)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The screen once two looks 150 ms apart agree: a page may still be drawing
    /// when its first words show, and keys typed while it loads may be taken as an
    /// interrupt.
    async fn settled(&self, mut screen: String) -> String {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let now = self.screen();
            if now == screen {
                break;
            }
            screen = now;
        }
        screen
    }

    /// The screen without the secrets and without pickup codes, for messages.
    pub fn printable(&self, screen: &str) -> String {
        let mut out = screen.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "[typed text]");
        }
        let words: Vec<String> = out
            .split_inclusive(|c: char| c.is_whitespace())
            .map(|w| {
                let word = w.trim_end();
                match find_code(word) {
                    Some(_) => format!("[code]{}", &w[word.len()..]),
                    None => w.to_owned(),
                }
            })
            .collect();
        words.concat()
    }

    /// Remembers something read off the screen as a secret.
    pub fn keep_secret(&mut self, text: &str) {
        self.secrets.push(text.to_owned());
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The first word on `screen` shaped like a pickup code (five groups of five).
pub fn find_code(screen: &str) -> Option<String> {
    screen
        .split(|c: char| c.is_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
        .find(|w| {
            let groups: Vec<&str> = w.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .map(str::to_owned)
}

/// Lynx's number of the first field or link after `label` on `screen` (lynx shows
/// `[N]` before each when fields are numbered).
pub fn number_after(screen: &str, label: &str) -> u32 {
    let at = screen
        .find(label)
        .unwrap_or_else(|| panic!("the screen shows {label:?}"));
    numbers(&screen[at..])
        .next()
        .unwrap_or_else(|| panic!("a field after {label:?}"))
}

/// Lynx's number of the last field or link before `label` on `screen`, e.g. a
/// checkbox or a button, whose label lynx writes after its number.
pub fn number_before(screen: &str, label: &str) -> u32 {
    let at = screen
        .find(label)
        .unwrap_or_else(|| panic!("the screen shows {label:?}"));
    numbers(&screen[..at])
        .last()
        .unwrap_or_else(|| panic!("a field before {label:?}"))
}

/// Lynx's number of the button labelled `label` (lynx writes `([N]BUTTON) label`).
pub fn button_number(screen: &str, label: &str) -> u32 {
    number_before(screen, &button(label))
}

/// How lynx shows a button labelled `label` after its number.
pub fn button(label: &str) -> String {
    format!("BUTTON) {label}")
}

/// The `[N]` markers in `text`, in order.
fn numbers(text: &str) -> impl Iterator<Item = u32> + '_ {
    text.split('[').skip(1).filter_map(|part| {
        let (digits, _) = part.split_once(']')?;
        digits.parse().ok()
    })
}

/// Lynx in a fresh home with a configuration of our own, so no user or system
/// setting changes the keys.
pub struct Lynx {
    pub term: Terminal,
    _home: tempfile::TempDir,
}

impl Lynx {
    pub fn start(url: &str) -> Lynx {
        let home = tempfile::tempdir().unwrap();
        let cfg = home.path().join("lynx.cfg");
        std::fs::write(
            &cfg,
            "DEFAULT_KEYPAD_MODE:LINKS_AND_FIELDS_ARE_NUMBERED\n\
             ACCEPT_ALL_COOKIES:TRUE\n\
             SET_COOKIES:TRUE\n\
             CHARACTER_SET:utf-8\n\
             ASSUME_CHARSET:utf-8\n",
        )
        .unwrap();
        let cookies = home.path().join("cookies");
        let command: Vec<String> = vec![
            "lynx".into(),
            format!("-cfg={}", cfg.display()),
            "-number_fields".into(),
            "-tna".into(),
            "-nopause".into(),
            "-nocolor".into(),
            "-noreferer".into(),
            "-accept_all_cookies".into(),
            format!("-cookie_file={}", cookies.display()),
            format!("-cookie_save_file={}", cookies.display()),
            "-display_charset=utf-8".into(),
            url.into(),
        ];
        let env = [
            ("HOME", home.path().display().to_string()),
            ("LANG", "C.UTF-8".to_owned()),
            ("LYNX_CFG", cfg.display().to_string()),
        ];
        Lynx {
            term: Terminal::start(home.path(), &env, &command),
            _home: home,
        }
    }

    /// Moves to the field or link numbered `n`.
    pub fn go_to(&self, n: u32) {
        self.term.type_plain(&format!("{n}g"));
        self.term.press(&["Enter"]);
    }

    /// Activates field or link `n` (opens a list, toggles a box, presses a button).
    pub fn activate(&self, n: u32) {
        self.go_to(n);
        self.term.press(&["Enter"]);
    }

    /// Types `text` into the text field numbered `n` and leaves the field. (Lynx
    /// reads keys in order, so what comes next waits for this without a check.)
    pub fn fill(&mut self, n: u32, text: &str) {
        self.activate(n);
        self.term.type_secret(text);
        self.term.press(&["Tab"]);
    }

    /// Ticks the checkbox numbered `n` and waits until it shows as ticked.
    pub async fn tick(&self, n: u32) {
        self.activate(n);
        self.term
            .wait_for("ticking a box", &format!("[{n}][X]"))
            .await;
    }

    /// Picks option `option` (1 = the first) of the list numbered `n`, and waits
    /// until the list shows it with `label`.
    pub async fn choose(&self, n: u32, option: usize, label: &str) {
        self.activate(n);
        // In lynx's option list, the option's number and Enter pick it.
        self.term.type_plain(&option.to_string());
        self.term.press(&["Enter"]);
        self.term
            .wait_for(
                "choosing from a list",
                &format!("[{n}][({option})__{label}"),
            )
            .await;
    }

    /// Opens `url` as if typed after `g`.
    pub fn open(&self, url: &str) {
        self.term.press(&["g"]);
        self.term.type_plain(url);
        self.term.press(&["Enter"]);
    }
}

/// w3m in a fresh home, cookies on. It shows a page's title in its status line, and
/// its search puts the cursor on a label, from where Enter presses a button or Tab
/// reaches the next field.
pub struct W3m {
    pub term: Terminal,
    _home: tempfile::TempDir,
}

impl W3m {
    pub fn start(url: &str) -> W3m {
        let home = tempfile::tempdir().unwrap();
        let command: Vec<String> = ["w3m", "-o", "accept_cookie=1", "-o", "use_cookie=1", url]
            .map(str::to_owned)
            .to_vec();
        let env = [
            ("HOME", home.path().display().to_string()),
            ("LANG", "C.UTF-8".to_owned()),
        ];
        W3m {
            term: Terminal::start(home.path(), &env, &command),
            _home: home,
        }
    }

    /// Waits until the status line names the page titled `title`.
    pub async fn wait_for_page(&self, step: &str, title: &str) {
        self.term.wait_for(step, &format!("Viewing <{title}")).await;
    }

    /// Puts the cursor on the first `text` after it.
    pub fn search(&self, text: &str) {
        self.term.press(&["/"]);
        self.term.type_plain(text);
        self.term.press(&["Enter"]);
    }

    /// Opens `url` with w3m's "go to URL", replacing the address it suggests.
    pub fn open(&self, url: &str) {
        self.term.press(&["U", "C-u"]);
        self.term.type_plain(url);
        self.term.press(&["Enter"]);
    }
}
