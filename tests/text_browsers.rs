//! Issue 14: the reporter's pages in real text browsers. Lynx and w3m run in a tmux
//! pane (they need a terminal) against the real portal on SQLite; the tests press keys
//! as a reporter would and read the screen as the reporter sees it. What lynx sends is
//! then read back from the database: the stored report must hold exactly the answers
//! given, and a sign-out must end the session row.
//!
//! Two things went wrong in lynx before the forms were changed for it: the sign-out
//! form had no fields, so lynx sent it as a GET (405) and the session stayed alive;
//! and lynx marked the first option of a radio group with none checked as chosen, so
//! a report went out with answers the reporter never picked. A third showed up here:
//! lynx ignores `Cache-Control: no-store` and, after sign-out, showed the thread again
//! from its memory cache; the portal now also sends `no-cache`, which lynx honours.
//!
//! Lynx is driven with its fields numbered and text fields that need activation
//! (`-number_fields -tna`): typing a number and `g` moves to that field, and no key
//! meant as a command lands in a text field. The numbers are read off the screen
//! next to the label the reporter reads. w3m is driven by searching for a label and
//! pressing Enter on what the cursor lands on.
//!
//! Without lynx, w3m or tmux the tests say SKIPPED; with CI=true that is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use meldpunt::case::{Body, Concern, Envelope, Report, Role};
use meldpunt::crypto;
use meldpunt::i18n::{Lang, Texts};
use meldpunt::pickup::PickupCode;

/// How long a page may take to appear on the screen.
const PAGE_WAIT: Duration = Duration::from_secs(20);

/// Whether `tool` runs here; a missing tool skips the test, or fails it under CI.
fn available(test: &str, tool: &str, version_flag: &str) -> bool {
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
struct Terminal {
    socket: PathBuf,
    /// What was typed or read off the screen that must not reach the test output:
    /// the report's text and the pickup code. Screens are printed with these removed.
    secrets: Vec<String>,
}

impl Terminal {
    fn start(dir: &Path, env: &[(&str, String)], command: &[String]) -> Terminal {
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
    fn press(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", "-t", "tb", key]);
        }
    }

    /// Types text literally into whatever has the focus; the text is kept out of
    /// anything printed.
    fn type_secret(&mut self, text: &str) {
        self.secrets.push(text.to_owned());
        self.tmux(&["send-keys", "-t", "tb", "-l", text]);
    }

    /// Types text that may be printed (numbers, URLs, labels).
    fn type_plain(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "tb", "-l", text]);
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "tb"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen once it shows `needle`; fails with the screen (secrets removed)
    /// when it does not within `PAGE_WAIT`.
    async fn wait_for(&self, step: &str, needle: &str) -> String {
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
    fn printable(&self, screen: &str) -> String {
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
    fn keep_secret(&mut self, text: &str) {
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
fn find_code(screen: &str) -> Option<String> {
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
fn number_after(screen: &str, label: &str) -> u32 {
    let at = screen
        .find(label)
        .unwrap_or_else(|| panic!("the screen shows {label:?}"));
    numbers(&screen[at..])
        .next()
        .unwrap_or_else(|| panic!("a field after {label:?}"))
}

/// Lynx's number of the last field or link before `label` on `screen`, e.g. a
/// checkbox or a button, whose label lynx writes after its number.
fn number_before(screen: &str, label: &str) -> u32 {
    let at = screen
        .find(label)
        .unwrap_or_else(|| panic!("the screen shows {label:?}"));
    numbers(&screen[..at])
        .last()
        .unwrap_or_else(|| panic!("a field before {label:?}"))
}

/// Lynx's number of the button labelled `label` (lynx writes `([N]BUTTON) label`).
fn button_number(screen: &str, label: &str) -> u32 {
    number_before(screen, &button(label))
}

/// How lynx shows a button labelled `label` after its number.
fn button(label: &str) -> String {
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
struct Lynx {
    term: Terminal,
    _home: tempfile::TempDir,
}

impl Lynx {
    fn start(url: &str) -> Lynx {
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
    fn go_to(&self, n: u32) {
        self.term.type_plain(&format!("{n}g"));
        self.term.press(&["Enter"]);
    }

    /// Activates field or link `n` (opens a list, toggles a box, presses a button).
    fn activate(&self, n: u32) {
        self.go_to(n);
        self.term.press(&["Enter"]);
    }

    /// Types `text` into the text field numbered `n` and leaves the field. (Lynx
    /// reads keys in order, so what comes next waits for this without a check.)
    fn fill(&mut self, n: u32, text: &str) {
        self.activate(n);
        self.term.type_secret(text);
        self.term.press(&["Tab"]);
    }

    /// Ticks the checkbox numbered `n` and waits until it shows as ticked.
    async fn tick(&self, n: u32) {
        self.activate(n);
        self.term
            .wait_for("ticking a box", &format!("[{n}][X]"))
            .await;
    }

    /// Picks option `option` (1 = the first) of the list numbered `n`, and waits
    /// until the list shows it with `label`.
    async fn choose(&self, n: u32, option: usize, label: &str) {
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
    fn open(&self, url: &str) {
        self.term.press(&["g"]);
        self.term.type_plain(url);
        self.term.press(&["Enter"]);
    }
}

fn stored_report(app_committee: &crypto::Identity, case: &str, ciphertext: &[u8]) -> Report {
    let plain = crypto::open(ciphertext, app_committee).expect("sealed to the committee");
    match Envelope::from_bytes(&plain, case, 1)
        .expect("an envelope")
        .body
    {
        Body::Report(report) => report,
        Body::Text { .. } => panic!("the first message is a report, not a text"),
    }
}

/// What the test writes as the report: plain words and a marker no page holds.
fn report_text(lang: Lang) -> String {
    let mark = crypto::hex(&crypto::random_bytes::<4>());
    match lang {
        Lang::Nl => format!("Het team deelt dossiers met vrijwilligers {mark}"),
        Lang::En => format!("The team shares client files with volunteers {mark}"),
    }
}

/// The report journey in lynx: send the form empty, read the errors, fill in the role,
/// one concern and what happened, leave the optional questions as they are, send.
/// Returns the pickup code as lynx showed it on the receipt.
async fn lynx_reports(lang: Lang, lynx: &mut Lynx) -> (String, Report) {
    let t: &Texts = lang.texts();
    let form = lynx
        .term
        .wait_for("the report form", &button(t.submit_button))
        .await;

    // Sent with no answer at all: the form comes back with an error at each required
    // question, each starting with "Fout:"/"Error:" so it reads as an error.
    lynx.activate(button_number(&form, t.submit_button));
    let errors = lynx
        .term
        .wait_for("the form with errors", t.error_summary_title)
        .await;
    for message in [
        t.err_role_missing,
        t.err_concern_missing,
        t.err_what_missing,
    ] {
        let line = format!("{} {message}", t.error_prefix);
        assert!(
            errors.contains(&line),
            "the error page shows {line:?}:\n{}",
            lynx.term.printable(&errors)
        );
    }
    assert!(
        errors.contains(t.submit_button) && errors.contains(t.what_label),
        "the form is shown again:\n{}",
        lynx.term.printable(&errors)
    );

    let role = Role::Volunteer;
    let concern = Concern::ALL[1];
    let what = report_text(lang);
    // The list's first option is the empty "choose one".
    let option = 2 + Role::ALL.iter().position(|r| *r == role).unwrap();
    lynx.choose(number_after(&errors, t.role_legend), option, role.label(t))
        .await;
    lynx.tick(number_before(&errors, concern.label(t))).await;
    lynx.fill(number_after(&errors, t.what_label), &what);
    lynx.activate(button_number(&errors, t.submit_button));

    let receipt = lynx.term.wait_for("the receipt", t.receipt_title).await;
    let code = find_code(&receipt).expect("the receipt shows a pickup code");
    lynx.term.keep_secret(&code);
    let expected = Report {
        role: Some(role),
        concerns: vec![concern],
        what,
        ..Report::default()
    };
    (code, expected)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lynx_sends_a_report_with_exactly_the_answers_given_after_seeing_the_errors() {
    let name = "lynx_sends_a_report_with_exactly_the_answers_given_after_seeing_the_errors";
    if !available(name, "lynx", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut lynx = Lynx::start(&format!("{}/report", app.base));
    let (code, expected) = lynx_reports(Lang::Nl, &mut lynx).await;

    let messages = app.stored_messages().await;
    assert_eq!(messages.len(), 1, "one message stored");
    let (case, seq, kind, ciphertext) = &messages[0];
    assert_eq!((*seq, kind.as_str()), (1, "reporter"));
    let report = stored_report(&app.committee, case, ciphertext);
    // Compared whole: the optional questions (ongoing, hope) stay unanswered and no
    // text field holds anything the reporter did not type.
    assert!(
        report == expected,
        "the stored report holds exactly the answers given (role {:?}, concerns {:?}, \
         ongoing {:?}, hope {:?}; the text {})",
        report.role,
        report.concerns,
        report.ongoing,
        report.hope,
        if report.what == expected.what {
            "as typed"
        } else {
            "differs"
        },
    );
    assert_eq!(report.ongoing, None);
    assert_eq!(report.hope, None);

    // The code lynx showed is the report's: its reporter key opens the report.
    let salt = app.installation_salt().await;
    let reporter = PickupCode::parse(&code)
        .expect("the code on lynx's screen parses")
        .derive(&salt)
        .identity;
    assert!(crypto::open(ciphertext, &reporter).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lynx_signs_in_with_the_code_from_its_receipt_and_signing_out_ends_the_session() {
    let name = "lynx_signs_in_with_the_code_from_its_receipt_and_signing_out_ends_the_session";
    if !available(name, "lynx", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let lang = Lang::En;
    let t = lang.texts();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut lynx = Lynx::start(&format!("{}{}", app.base, lang.path("/report")));
    let (code, _) = lynx_reports(lang, &mut lynx).await;

    // The code is typed back as it was read off the receipt.
    lynx.open(&format!("{}{}", app.base, lang.path("/pickup")));
    let pickup = lynx
        .term
        .wait_for("the pickup page", &button(t.pickup_button))
        .await;
    lynx.fill(number_after(&pickup, t.code_label), &code);
    lynx.activate(button_number(&pickup, t.pickup_button));
    let thread = lynx
        .term
        .wait_for("the thread", &button(t.signout_button))
        .await;
    assert_eq!(app.count("reporter_sessions").await, 1, "signed in");

    lynx.activate(button_number(&thread, t.signout_button));
    lynx.term.wait_for("signing out", t.signed_out_title).await;
    assert_eq!(
        app.count("reporter_sessions").await,
        0,
        "the session row is gone"
    );

    // The same browser, with whatever cookies it kept, gets the pickup page.
    lynx.open(&format!("{}{}", app.base, lang.path("/thread")));
    let after = lynx
        .term
        .wait_for("the thread after signing out", &button(t.pickup_button))
        .await;
    assert!(
        after.contains(t.pickup_title) && !after.contains(&button(t.signout_button)),
        "the pickup page, not the thread:\n{}",
        lynx.term.printable(&after)
    );
}

/// w3m in a fresh home, cookies on. It shows a page's title in its status line, and
/// its search puts the cursor on a label, from where Enter presses a button or Tab
/// reaches the next field.
struct W3m {
    term: Terminal,
    _home: tempfile::TempDir,
}

impl W3m {
    fn start(url: &str) -> W3m {
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
    async fn wait_for_page(&self, step: &str, title: &str) {
        self.term.wait_for(step, &format!("Viewing <{title}")).await;
    }

    /// Puts the cursor on the first `text` after it.
    fn search(&self, text: &str) {
        self.term.press(&["/"]);
        self.term.type_plain(text);
        self.term.press(&["Enter"]);
    }

    /// Opens `url` with w3m's "go to URL", replacing the address it suggests.
    fn open(&self, url: &str) {
        self.term.press(&["U", "C-u"]);
        self.term.type_plain(url);
        self.term.press(&["Enter"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w3m_signs_in_with_a_code_and_signing_out_ends_the_session() {
    let name = "w3m_signs_in_with_a_code_and_signing_out_ends_the_session";
    if !available(name, "w3m", "-version") || !available(name, "tmux", "-V") {
        return;
    }
    let lang = Lang::Nl;
    let t = lang.texts();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app.submit_code(&lang.path(""), "Melding voor w3m").await;
    let mut w3m = W3m::start(&format!("{}{}", app.base, lang.path("/pickup")));
    w3m.term.keep_secret(&code);
    w3m.wait_for_page("the pickup page", t.pickup_title).await;

    // From the label to the field, Enter opens w3m's line editor for it.
    w3m.search(t.code_label);
    w3m.term.press(&["Tab", "Enter"]);
    w3m.term.wait_for("editing the code field", "TEXT:").await;
    w3m.term.type_secret(&code);
    w3m.term.press(&["Enter"]);
    w3m.search(t.pickup_button);
    w3m.term.press(&["Enter"]);
    w3m.wait_for_page("the thread", t.thread_title).await;
    assert_eq!(app.count("reporter_sessions").await, 1, "signed in");

    w3m.search(t.signout_button);
    w3m.term.press(&["Enter"]);
    w3m.wait_for_page("signing out", t.signed_out_title).await;
    assert_eq!(
        app.count("reporter_sessions").await,
        0,
        "the session row is gone"
    );

    w3m.open(&format!("{}{}", app.base, lang.path("/thread")));
    w3m.wait_for_page("the thread after signing out", t.pickup_title)
        .await;
}
