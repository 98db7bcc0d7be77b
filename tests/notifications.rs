//! Content-free notifications to members (issue 15), against a real SMTP server
//! (Debian's python3-aiosmtpd, started by the test; each message it receives is
//! written to a file) and a real database. The daily check is the library's
//! `notify::run_due`, called with an injected time; two tests run the real `serve`
//! binary, which calls it on its own clock.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Options, TestApp};
use meldpunt::notify::{self, DailyRun, EmailAddress, Mailer, Notifier, SmtpServer};
use meldpunt::storage::Storage;
use time::{Date, OffsetDateTime, Time};

const MEMBER_ADDRESS: &str = "lid@example.org";
const SENDER: &str = "meldpunt@example.org";
const SUBJECT: &str = "Nieuwe activiteit op het meldpunt / New activity on the reporting portal";
const BODY: &str = "Er is nieuwe activiteit op het meldpunt. Open de desk om te lezen wat er is.\r\n\
                    \r\n\
                    There is new activity on the reporting portal. Open your desk to read it.";

/// The SMTP test server: aiosmtpd on 127.0.0.1, writing each message it accepts to
/// `NNNN.eml` (its recipients to `NNNN.rcpt`, written first).
struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

const SINK: &str = r#"
import itertools, os, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out, port = sys.argv[1], int(sys.argv[2])
user, password = os.environ.get("SINK_USER"), os.environ.get("SINK_PASSWORD")
counter = itertools.count()

class Sink:
    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        with open(os.path.join(out, "%04d.rcpt" % n), "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        tmp = os.path.join(out, ".%04d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(out, "%04d.eml" % n))
        return "250 accepted"

def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == user \
        and data.password.decode() == password
    return AuthResult(success=ok)

extra = {}
if user:
    extra = dict(authenticator=check, auth_required=True, auth_require_tls=False)
controller = Controller(Sink(), hostname="127.0.0.1", port=port, **extra)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// Whether aiosmtpd is here for /usr/bin/python3; under CI it must be.
fn aiosmtpd_available() -> bool {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)"
        );
        eprintln!("SKIPPED: python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
    }
    ok
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    /// Starts the server on `port`, requiring `auth` (user, password) when given.
    fn start_on(port: u16, auth: Option<(&str, &str)>) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SINK).unwrap();
        let mails = dir.path().join("mails");
        std::fs::create_dir(&mails).unwrap();
        let mut command = Command::new("/usr/bin/python3");
        command
            .arg(&script)
            .arg(&mails)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some((user, password)) = auth {
            command
                .env("SINK_USER", user)
                .env("SINK_PASSWORD", password);
        }
        let mut child = command.spawn().expect("python3 starts");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP test server started");
        SmtpSink { child, port, dir }
    }

    fn mails(&self) -> Vec<Mail> {
        let dir = self.dir.path().join("mails");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| Mail {
                raw: std::fs::read_to_string(&p).unwrap(),
                recipients: std::fs::read_to_string(p.with_extension("rcpt"))
                    .unwrap()
                    .lines()
                    .map(str::to_owned)
                    .collect(),
            })
            .collect()
    }

    async fn wait_for_mails(&self, n: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= n || Instant::now() > deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One received message as it came over the wire.
struct Mail {
    raw: String,
    recipients: Vec<String>,
}

impl Mail {
    /// The header fields, unfolded, as (lower-case name, value).
    fn headers(&self) -> Vec<(String, String)> {
        let head = self.raw.split("\r\n\r\n").next().unwrap();
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                fields.last_mut().unwrap().1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').unwrap();
                fields.push((name.to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        fields
    }

    fn header(&self, name: &str) -> String {
        let found: Vec<String> = self
            .headers()
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(found.len(), 1, "one {name} header in {}", self.raw);
        found.into_iter().next().unwrap()
    }

    fn body(&self) -> &str {
        self.raw.split_once("\r\n\r\n").unwrap().1
    }

    fn date(&self) -> OffsetDateTime {
        OffsetDateTime::parse(
            &self.header("date"),
            &time::format_description::well_known::Rfc2822,
        )
        .unwrap()
    }
}

/// Checks that a mail is the notification and nothing more: to the member, the fixed
/// subject and text, dated on the hour of `hour` UTC on `day`, and no header that
/// could carry a reference, a count or another time.
fn assert_content_free(mail: &Mail, day: Date, hour: u8, references: &[String]) {
    assert_eq!(mail.recipients, vec![MEMBER_ADDRESS.to_owned()]);
    assert_eq!(mail.header("subject"), SUBJECT);
    // The end of the data may carry line ends of the transfer; the text is fixed.
    assert_eq!(mail.body().trim_end(), BODY, "the one fixed text");
    assert_eq!(
        mail.date(),
        day.with_time(Time::from_hms(hour, 0, 0).unwrap())
            .assume_utc(),
        "dated on the configured hour, not when the reports came in"
    );
    for (name, _) in mail.headers() {
        assert!(
            [
                "from",
                "to",
                "subject",
                "date",
                "message-id",
                "mime-version",
                "content-type",
                "content-transfer-encoding"
            ]
            .contains(&name.as_str()),
            "unexpected header {name}"
        );
    }
    for reference in references {
        assert!(
            !mail.raw.contains(reference.as_str()),
            "{reference} in {}",
            mail.raw
        );
    }
}

fn notifier(port: u16, hour: u8) -> Notifier {
    let server = SmtpServer::parse(&format!("smtp+plain://127.0.0.1:{port}")).unwrap();
    Notifier {
        mailer: Mailer::new(&server, EmailAddress::parse(SENDER).unwrap(), None).unwrap(),
        hour,
    }
}

fn at(day: Date, hour: u8, minute: u8) -> OffsetDateTime {
    day.with_time(Time::from_hms(hour, minute, 0).unwrap())
        .assume_utc()
}

/// Adds a member who asks to be notified at [`MEMBER_ADDRESS`] (today).
fn opt_in(app: &TestApp) {
    let recipient = meldpunt::crypto::Identity::generate()
        .to_public()
        .to_string();
    app.add_member("A. de Vries", &recipient);
    let out = app.member_cli(&["member", "notify", "A. de Vries", "--email", MEMBER_ADDRESS]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every case's reference and id: none may appear in a mail (listed for no member:
/// only the cases matter here, not whose read marks count).
async fn references(storage: &Storage) -> Vec<String> {
    let cases = storage.list_cases("no member").await.unwrap();
    assert!(!cases.is_empty());
    cases
        .into_iter()
        .flat_map(|c| [c.case.reference.to_string(), c.case.id.clone()])
        .collect()
}

/// Moves every reporter message to `day`, as if it had come in then (the portal
/// dates messages itself, by today's date).
async fn date_reporter_messages(app: &TestApp, day: Date) {
    let pool = app.db().await;
    sqlx::query("update messages set written_on = $1 where author_kind = 'reporter'")
        .bind(day.to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

on_both_databases!(
async fn one_mail_comes_at_the_configured_hour_after_a_day_with_three_reports_and_none_on_a_quiet_day(backend) {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), None);
    let app = TestApp::spawn(backend).await;
    opt_in(&app);
    for what in ["Eerste melding", "Tweede melding", "Derde melding"] {
        app.submit_code("", what).await;
    }
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let notifier = notifier(sink.port, 8);
    let today = OffsetDateTime::now_utc().date();
    let tomorrow = today.next_day().unwrap();

    // Today's reports are not told today: the mail covers whole days only.
    let run = notify::run_due(&storage, &notifier, at(today, 8, 30)).await.unwrap();
    assert_eq!(run, DailyRun { sent: 0, quiet: 1, failed: 0 });
    // Tomorrow, not before the hour and not after it...
    for early_or_late in [at(tomorrow, 7, 59), at(tomorrow, 9, 0), at(tomorrow, 23, 0)] {
        let run = notify::run_due(&storage, &notifier, early_or_late).await.unwrap();
        assert_eq!(run, DailyRun::default());
    }
    assert!(sink.mails().is_empty());
    // ...but at it: one mail for the three reports, and only one however often it runs.
    let run = notify::run_due(&storage, &notifier, at(tomorrow, 8, 0)).await.unwrap();
    assert_eq!(run, DailyRun { sent: 1, quiet: 0, failed: 0 });
    for minute in [1, 30, 59] {
        let run = notify::run_due(&storage, &notifier, at(tomorrow, 8, minute)).await.unwrap();
        assert_eq!(run, DailyRun::default());
    }
    let mails = sink.wait_for_mails(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_content_free(&mails[0], tomorrow, 8, &references(&storage).await);

    // The day after is quiet: no mail.
    let day_after = tomorrow.next_day().unwrap();
    let run = notify::run_due(&storage, &notifier, at(day_after, 8, 0)).await.unwrap();
    assert_eq!(run, DailyRun { sent: 0, quiet: 1, failed: 0 });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.mails().len(), 1, "nothing on a quiet day");
    storage.close().await;
}
);

on_both_databases!(
async fn the_mail_is_the_same_for_one_report_as_for_twelve_reports_and_a_follow_up(backend) {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), None);
    let app = TestApp::spawn(backend).await;
    opt_in(&app);
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let notifier = notifier(sink.port, 17);
    let today = OffsetDateTime::now_utc().date();
    let day = |n: i64| today + time::Duration::days(n);

    // Day 0: one report; mailed on day 1.
    let first = app.submit_code("", "Een melding").await;
    notify::run_due(&storage, &notifier, at(day(1), 17, 5)).await.unwrap();
    // Day 1: twelve reports and a follow-up on the first; mailed on day 2.
    for n in 0..12 {
        app.submit_code("", &format!("Melding {n}")).await;
    }
    let cookie = app.sign_in("", &first).await;
    let thread = app.get("/thread", Some(&cookie)).await;
    let sent = app
        .post_form(
            "/thread",
            &[
                ("form_token".into(), common::form_token(&thread.html())),
                ("text".into(), "Nog iets".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303);
    date_reporter_messages(&app, day(1)).await;
    let run = notify::run_due(&storage, &notifier, at(day(2), 17, 5)).await.unwrap();
    assert_eq!(run.sent, 1);
    // Day 2: only the follow-up's kind of activity (a follow-up, no report); day 3.
    let thread = app.get("/thread", Some(&cookie)).await;
    let sent = app
        .post_form(
            "/thread",
            &[
                ("form_token".into(), common::form_token(&thread.html())),
                ("text".into(), "En nog iets".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303);
    let pool = app.db().await;
    sqlx::query("update messages set written_on = $1 where author_kind = 'reporter' and seq = 3")
        .bind(day(2).to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let run = notify::run_due(&storage, &notifier, at(day(3), 17, 5)).await.unwrap();
    assert_eq!(run.sent, 1, "a follow-up alone is activity too");

    let mails = sink.wait_for_mails(3, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 3);
    let references = references(&storage).await;
    for (n, mail) in mails.iter().enumerate() {
        assert_content_free(mail, day(n as i64 + 1), 17, &references);
        assert_eq!(mail.body(), mails[0].body(), "identical bodies");
        assert_eq!(mail.header("subject"), mails[0].header("subject"));
    }
    storage.close().await;
}
);

on_both_databases!(
async fn a_mail_that_fails_is_sent_the_next_day_and_not_sooner(backend) {
    if !aiosmtpd_available() {
        return;
    }
    let port = free_port(); // nothing listens there yet
    let app = TestApp::spawn(backend).await;
    opt_in(&app);
    app.submit_code("", "Een melding terwijl de mailserver uit staat").await;
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let notifier = notifier(port, 6);
    let today = OffsetDateTime::now_utc().date();
    let day = |n: i64| today + time::Duration::days(n);

    let run = notify::run_due(&storage, &notifier, at(day(1), 6, 0)).await.unwrap();
    assert_eq!(run, DailyRun { sent: 0, quiet: 0, failed: 1 });
    // The server comes back within the hour: still nothing today (one attempt a day).
    let sink = SmtpSink::start_on(port, None);
    let run = notify::run_due(&storage, &notifier, at(day(1), 6, 30)).await.unwrap();
    assert_eq!(run, DailyRun::default());
    // The next day the activity it missed is told.
    let run = notify::run_due(&storage, &notifier, at(day(2), 6, 0)).await.unwrap();
    assert_eq!(run, DailyRun { sent: 1, quiet: 0, failed: 0 });
    let mails = sink.wait_for_mails(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_content_free(&mails[0], day(2), 6, &references(&storage).await);
    storage.close().await;
}
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_turned_notifications_off_or_was_disabled_gets_no_mail() {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), None);
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    opt_in(&app);
    let other = meldpunt::crypto::Identity::generate()
        .to_public()
        .to_string();
    app.add_member("B. Jansen", &other);
    let out = app.member_cli(&["member", "notify", "B. Jansen", "--email", "b@example.org"]);
    assert!(out.status.success());
    app.submit_code("", "Een melding").await;
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let notifier = notifier(sink.port, 8);
    let tomorrow = OffsetDateTime::now_utc().date().next_day().unwrap();

    let listed = |app: &TestApp, name: &str| {
        let out = app.member_cli(&["member", "list"]);
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text.lines().find(|l| l.contains(name)).unwrap().to_owned();
        assert!(
            !line.contains("example.org"),
            "the list shows no address: {line}"
        );
        line.ends_with("\tnotified by e-mail")
    };
    assert!(listed(&app, "A. de Vries"));
    let off = app.member_cli(&["member", "notify", "A. de Vries", "--off"]);
    assert!(
        off.status.success(),
        "{}",
        String::from_utf8_lossy(&off.stderr)
    );
    assert!(!listed(&app, "A. de Vries"));
    let disable = app.member_cli(&["member", "disable", "B. Jansen"]);
    assert!(disable.status.success());
    let run = notify::run_due(&storage, &notifier, at(tomorrow, 8, 0))
        .await
        .unwrap();
    assert_eq!(run, DailyRun::default(), "nobody to notify");
    // The address is gone with the opt-out; the audit log says what changed, not the address.
    let pool = app.db().await;
    let addresses: Vec<String> = sqlx::query_scalar("select email from member_notifications")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(addresses, vec!["b@example.org".to_owned()]);
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(actions.iter().any(|a| a == "member notifications on"));
    assert!(actions.iter().any(|a| a == "member notifications off"));
    assert!(!actions.iter().any(|a| a.contains("example.org")));

    // Enabled again, B. is told about the activity they missed.
    let enable = app.member_cli(&["member", "enable", "B. Jansen"]);
    assert!(enable.status.success());
    let run = notify::run_due(&storage, &notifier, at(tomorrow, 8, 1))
        .await
        .unwrap();
    assert_eq!(
        run,
        DailyRun {
            sent: 1,
            quiet: 0,
            failed: 0
        }
    );
    let mails = sink.wait_for_mails(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, vec!["b@example.org".to_owned()]);
    storage.close().await;
}

#[tokio::test]
async fn a_server_that_offers_no_starttls_gets_no_mail_in_the_clear() {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), None);
    let server = SmtpServer::parse(&format!("smtp://127.0.0.1:{}", sink.port)).unwrap();
    let mailer = Mailer::new(
        &server,
        EmailAddress::parse(SENDER).unwrap(),
        Some(("gebruiker".into(), "geheim".into())),
    )
    .unwrap();
    let to = EmailAddress::parse(MEMBER_ADDRESS).unwrap();
    let sent = mailer.send(&to, OffsetDateTime::now_utc()).await;
    let err = sent.expect_err("STARTTLS is required");
    assert_eq!(err.kind(), "client", "refused before sending: {err}");
    assert!(!err.to_string().contains(MEMBER_ADDRESS));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sink.mails().is_empty());
}

/// The current UTC hour, after waiting out the last two minutes of an hour, so a
/// test that starts the portal for "this hour" does not straddle two.
async fn this_hour() -> u8 {
    let now = OffsetDateTime::now_utc();
    if now.minute() >= 58 {
        let left = (60 - u64::from(now.minute())) * 60 - u64::from(now.second());
        tokio::time::sleep(Duration::from_secs(left + 1)).await;
    }
    OffsetDateTime::now_utc().hour()
}

/// A portal sending notifications to `port` at the current hour, with a member who
/// opted in two days ago and three reports from yesterday; started again so its
/// first check (made at start) finds them.
async fn portal_with_yesterdays_reports(port: u16, env: Vec<(String, String)>) -> (TestApp, u8) {
    let hour = this_hour().await;
    let mut app = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            extra_args: vec![
                "--notify-smtp".into(),
                format!("smtp+plain://127.0.0.1:{port}"),
                "--notify-from".into(),
                SENDER.into(),
                "--notify-hour".into(),
                hour.to_string(),
            ],
            env,
            ..Options::default()
        },
    )
    .await;
    opt_in(&app);
    for what in ["Eerste melding", "Tweede melding", "Derde melding"] {
        app.submit_code("", what).await;
    }
    let today = OffsetDateTime::now_utc().date();
    date_reporter_messages(&app, today.previous_day().unwrap()).await;
    let pool = app.db().await;
    sqlx::query("update member_notifications set covered_through = $1")
        .bind((today - time::Duration::days(2)).to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    app.restart().await;
    (app, hour)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_portal_mails_at_its_hour_logging_in_with_credentials_from_the_environment() {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), Some(("meldpunt-smtp", "s3cret-wachtwoord")));
    let env = vec![
        (
            notify::SMTP_USERNAME_ENV.to_owned(),
            "meldpunt-smtp".to_owned(),
        ),
        (
            notify::SMTP_PASSWORD_ENV.to_owned(),
            "s3cret-wachtwoord".to_owned(),
        ),
    ];
    let (app, hour) = portal_with_yesterdays_reports(sink.port, env).await;
    let mails = sink.wait_for_mails(1, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 1, "{}", app.stderr());
    let storage = Storage::connect(&app.database_url).await.unwrap();
    assert_content_free(
        &mails[0],
        OffsetDateTime::now_utc().date(),
        hour,
        &references(&storage).await,
    );
    storage.close().await;
    assert!(
        app.stdout().contains(&format!(
            "member notifications: by e-mail at {hour:02}:00 UTC"
        )),
        "{}",
        app.stdout()
    );
    let logs = format!("{}{}", app.stdout(), app.stderr());
    for secret in [MEMBER_ADDRESS, "s3cret-wachtwoord", "meldpunt-smtp"] {
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_smtp_server_is_down_the_portal_keeps_working_and_logs_no_address() {
    let port = free_port(); // nothing listens there
    let (app, _) = portal_with_yesterdays_reports(port, Vec::new()).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !app.stderr().contains("could not be sent") {
        assert!(
            Instant::now() < deadline,
            "no failure logged: {}",
            app.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The portal answers, takes a report and lets its reporter back in.
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let code = app
        .submit_code("", "Een melding terwijl de mailserver uit staat")
        .await;
    app.sign_in("", &code).await;
    let logs = format!("{}{}", app.stdout(), app.stderr());
    assert!(!logs.contains(MEMBER_ADDRESS), "the address is not logged");
    assert!(
        logs.lines()
            .filter(|l| l.contains("could not be sent"))
            .all(|l| l.contains("reason=\"connection\"")),
        "{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_turns_notifications_on_and_off_from_the_desk() {
    if !aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start_on(free_port(), None);
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let anna = meldpunt::crypto::Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let file = common::identity_file(app.dir.path(), "anna.txt", &anna);
    let desk = common::Desk::open(&app.base, &file, "nl").await;
    let stored = || async {
        let pool = app.db().await;
        let rows: Vec<String> = sqlx::query_scalar("select email from member_notifications")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows
    };

    let page = desk.get("/notifications").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        common::text(&page.html(), "#notify-current"),
        "Je krijgt geen berichten."
    );
    let bad = desk
        .post("/notifications", &page.html(), &[("email", "geen adres")])
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        common::text(&bad.html(), "#error-summary"),
        "Dat is geen geldig e-mailadres."
    );
    assert!(stored().await.is_empty());

    let saved = desk
        .post(
            "/notifications",
            &page.html(),
            &[("email", "anna@example.org")],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        common::text(&saved.html(), "#notify-current"),
        "Berichten gaan naar anna@example.org"
    );
    assert_eq!(stored().await, vec!["anna@example.org".to_owned()]);

    // The portal mails Anna the next day at the hour.
    app.submit_code("", "Een melding").await;
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let tomorrow = OffsetDateTime::now_utc().date().next_day().unwrap();
    let run = notify::run_due(&storage, &notifier(sink.port, 8), at(tomorrow, 8, 0))
        .await
        .unwrap();
    assert_eq!(run.sent, 1);
    let mails = sink.wait_for_mails(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].recipients, vec!["anna@example.org".to_owned()]);
    storage.close().await;

    let page = desk.get("/notifications").await;
    let off = desk
        .post("/notifications", &page.html(), &[("off", "1")])
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(
        common::text(&off.html(), "#notify-current"),
        "Je krijgt geen berichten."
    );
    assert!(stored().await.is_empty(), "the address is gone");

    // Without a member session the API gives nothing away.
    let r = app
        .client
        .get(format!("{}/api/v1/notifications", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = app
        .client
        .post(format!("{}/api/v1/notifications", app.base))
        .json(&serde_json::json!({ "email": "x@example.org" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(stored().await.is_empty());
}
