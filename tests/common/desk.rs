//! The committee's desk as a real `meldpunt desk` process, and identity files.

use super::*;

/// A committee member's desk: the real `meldpunt desk` process on 127.0.0.1:0.
pub struct Desk {
    /// The desk's address with this launch's random path prefix (no trailing slash).
    pub base: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// The random path prefix, e.g. `/d-0123…`.
    pub prefix: String,
    pub cookie: String,
    pub launch_url: String,
    pub dir: tempfile::TempDir,
    child: Child,
    pub client: reqwest::Client,
}

impl Desk {
    /// Starts a desk for `identity_file` against the portal; does not open it yet.
    pub async fn start(portal: &str, identity_file: &Path, lang: &str) -> Desk {
        Desk::start_with(portal, identity_file, lang, &[]).await
    }

    /// Starts a desk with extra command-line arguments; does not open it yet.
    pub async fn start_with(
        portal: &str,
        identity_file: &Path,
        lang: &str,
        extra: &[&str],
    ) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
            .args([
                "desk",
                "--portal",
                portal,
                "--listen",
                "127.0.0.1:0",
                "--lang",
                lang,
            ])
            .arg("--identity")
            .arg(identity_file)
            .arg("--export-dir")
            .arg(dir.path().join("exports"))
            .arg("--state-dir")
            .arg(dir.path().join("state"))
            .args(extra)
            .env("RUST_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("stdout.log")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
            .spawn()
            .unwrap();
        let mut desk = Desk {
            base: String::new(),
            origin: String::new(),
            prefix: String::new(),
            cookie: String::new(),
            launch_url: String::new(),
            dir,
            child,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out =
                std::fs::read_to_string(desk.dir.path().join("stdout.log")).unwrap_or_default();
            if let Some(line) = out
                .lines()
                .find(|l| l.contains("open the desk in your browser: "))
            {
                desk.launch_url = line.split(": ").nth(1).unwrap().trim().to_owned();
                desk.base = desk.launch_url.split("/?").next().unwrap().to_owned();
                let after_scheme = &desk.base["http://".len()..];
                let slash = after_scheme.find('/').expect("a path prefix");
                desk.origin = desk.base[..("http://".len() + slash)].to_owned();
                desk.prefix = after_scheme[slash..].to_owned();
                break;
            }
            if let Some(status) = desk.child.try_wait().unwrap() {
                panic!("desk exited early with {status}: {}", desk.stderr());
            }
            assert!(Instant::now() < deadline, "desk did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        desk
    }

    /// Starts a desk, opens it with the launch link and confirms the committee
    /// roster the portal lists, as a member who checked the fingerprint would.
    pub async fn open(portal: &str, identity_file: &Path, lang: &str) -> Desk {
        let desk = Desk::open_unconfirmed(portal, identity_file, lang).await;
        desk.confirm_roster().await;
        desk
    }

    /// Confirms the roster the desk's roster page shows, when it asks.
    pub async fn confirm_roster(&self) {
        let page = self.get("/roster").await;
        if page.status != 200 {
            return;
        }
        let html = page.html();
        if attr(&html, "#confirm-roster", "id").is_none() {
            return;
        }
        let shown = attr(&html, "input[name=shown]", "value").expect("the form names the list");
        let r = self.post("/roster", &html, &[("shown", &shown)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
    }

    /// Starts a desk and opens it with the launch link, keeping the cookie; the
    /// roster is left unconfirmed.
    pub async fn open_unconfirmed(portal: &str, identity_file: &Path, lang: &str) -> Desk {
        let mut desk = Desk::start(portal, identity_file, lang).await;
        desk.launch().await;
        desk
    }

    /// Opens a started desk with its launch link and keeps the session cookie.
    pub async fn launch(&mut self) {
        let r = self.client.get(&self.launch_url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        self.cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// The URL of a desk path: relative to the prefix (`/case/…`), or a link taken
    /// from a page, which already carries it.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with(&self.prefix) {
            format!("{}{path}", self.origin)
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// A desk path as the desk's pages and redirects name it.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    pub async fn get(&self, path: &str) -> Resp {
        let r = self
            .client
            .get(self.url(path))
            .header("cookie", &self.cookie);
        into_resp(r.send().await.unwrap()).await
    }

    /// POSTs a form, adding the CSRF token from `page`.
    pub async fn post(&self, path: &str, page: &Html, pairs: &[(&str, &str)]) -> Resp {
        let csrf = attr(page, "input[name=csrf]", "value").expect("the page has a csrf token");
        let mut body = format!("csrf={}", urlencode(&csrf));
        for (k, v) in pairs {
            body.push_str(&format!("&{}={}", urlencode(k), urlencode(v)));
        }
        let r = self
            .client
            .post(self.url(path))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        into_resp(r.send().await.unwrap()).await
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes an identity in age-keygen's format (unencrypted) to a file.
pub fn identity_file(dir: &Path, name: &str, identity: &Identity) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "# test identity\n{}\n",
            identity.to_string().expose_secret()
        ),
    )
    .unwrap();
    path
}

/// Runs `meldpunt keygen` with a small work factor: a passphrase-protected identity
/// file in `dir`, and the recipient it printed.
pub fn keygen(dir: &Path, passphrase: &str) -> (PathBuf, String) {
    let key = dir.join("member.age");
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, format!("{passphrase}\n")).unwrap();
    let out = meldpunt(&[
        "keygen",
        "--out",
        key.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
        "--work-factor",
        "10",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let recipient = printed
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .expect("keygen prints the public key")
        .to_owned();
    (key, recipient)
}

/// Stores reports straight into the portal's database, sealed as the portal seals
/// a submission (to `committee` and the reporter, with the reporter's key and
/// language inside): hundreds of cases in seconds, without the form's rate limits.
/// Returns the case ids in order.
pub async fn seed_reports(
    app: &TestApp,
    committee: &[crypto::Recipient],
    reports: Vec<(case::Report, meldpunt::i18n::Lang)>,
) -> Vec<String> {
    use meldpunt::case::{AuthorKind, Body, Envelope};
    use meldpunt::pickup::PickupCode;
    use meldpunt::storage::{FormNonce, NewCase, NewMessage};
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let set = crypto::RecipientSet::new(committee.to_vec()).unwrap();
    let salt = storage.installation_secrets().await.unwrap().salt;
    let today = time::OffsetDateTime::now_utc().date();
    let mut ids = Vec::with_capacity(reports.len());
    for (report, lang) in reports {
        let derived = PickupCode::generate().derive(&salt);
        let id = crypto::hex(&crypto::random_bytes::<16>());
        let reporter = derived.recipient();
        let env = Envelope::new(&id, 1, Body::Report(report))
            .with_reporter(&reporter)
            .with_lang(lang);
        let ct = crypto::seal(&env.to_bytes(), &set, Some(&reporter)).unwrap();
        let nonce = crypto::random_bytes::<16>();
        let reference = case::new_reference();
        let recipient = reporter.to_string();
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
        ids.push(id);
    }
    ids
}

/// The levels of a page's headings in document order; fails the test when one
/// skips a level on the way down (an h4 right under an h2) or the first is no h1.
pub fn assert_heading_order(html: &Html, what: &str) {
    let sel = Selector::parse("h1, h2, h3, h4, h5, h6").unwrap();
    let levels: Vec<u8> = html
        .select(&sel)
        .map(|h| h.value().name()[1..].parse().unwrap())
        .collect();
    assert_eq!(
        levels.first(),
        Some(&1),
        "{what}: starts with an h1: {levels:?}"
    );
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{what}: an h{} follows an h{} ({levels:?})",
            pair[1],
            pair[0]
        );
    }
}

/// Where a redirect leads.
pub fn location(r: &Resp) -> String {
    r.header("location").expect("a redirect").to_owned()
}
