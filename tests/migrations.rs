//! Migrations from every released schema (checklist #40). Each released schema has a
//! fixture set under `tests/fixtures/schema-N/`: a SQLite database and a PostgreSQL
//! plain-SQL dump with cases in several statuses, replies, a note, a file, a member and
//! audit entries, made by the generator at the end of this file. The current binary
//! must start on each (running the migrations to head), let every reporter in with
//! their code, show the same texts, and open every message with the fixture's committee
//! key. A migration file that belongs to a released schema must never change.
//!
//! How to add a fixture set at a release: tests/fixtures/README.md.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use common::{
    Backend, Desk, Options, ScratchDatabase, TestApp, file_part, identity_file, text, texts,
};
use meldpunt::case::{CloseReason, Status};
use meldpunt::crypto::{self, Identity};
use meldpunt::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The schema the generator writes a fixture set for: the schema of the release being
/// made. Raise it when a release brings migrations that the newest set does not have.
const CURRENT_SCHEMA: u32 = 1;

const SQLITE_FILE: &str = "meldpunt.db";
const POSTGRES_FILE: &str = "meldpunt.pg.sql";
const MIGRATION_HASHES: &str = "migrations.sha256";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// What a fixture set holds and what the tests expect of it (`fixture.json`).
#[derive(Debug, Serialize, Deserialize)]
struct Fixture {
    schema: u32,
    release: String,
    /// Says that the keys below are for these tests only.
    warning: String,
    /// The committee's key (in the recipients file): opens every message. TEST ONLY.
    /// Kept as the raw X25519 secret in hex rather than as `AGE-SECRET-KEY-1…`, so
    /// secret scanners do not take these published test keys for leaked ones.
    committee_secret_hex: String,
    committee_recipient: String,
    member: FixtureMember,
    sqlite: BackendFixture,
    postgres: BackendFixture,
}

#[derive(Debug, Serialize, Deserialize)]
struct FixtureMember {
    name: String,
    /// The member's key, for the desk, as the committee's. TEST ONLY.
    secret_hex: String,
    recipient: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BackendFixture {
    file: String,
    cases: Vec<FixtureCase>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FixtureCase {
    reference: String,
    code: String,
    /// The language the reporter used: "nl" or "en".
    lang: String,
    status: String,
    #[serde(default)]
    close_reason: Option<String>,
    /// "What happened" of the report.
    report: String,
    /// The messages after the report, as the reporter sees them.
    thread: Vec<FixtureMessage>,
    /// An internal note, which the reporter never sees.
    #[serde(default)]
    note: Option<String>,
    /// A file sent with the report.
    #[serde(default)]
    attachment: Option<FixtureFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FixtureMessage {
    /// "reporter" or "committee".
    author: String,
    text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FixtureFile {
    name: String,
    bytes: usize,
    sha256: String,
}

/// Every fixture set, oldest schema first.
fn fixture_sets() -> Vec<(u32, PathBuf)> {
    let mut sets: Vec<(u32, PathBuf)> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .filter_map(|e| {
            let path = e.unwrap().path();
            let n = path
                .file_name()?
                .to_str()?
                .strip_prefix("schema-")?
                .parse()
                .ok()?;
            Some((n, path))
        })
        .collect();
    sets.sort();
    assert!(
        !sets.is_empty(),
        "no fixture set under tests/fixtures (schema-N)"
    );
    sets
}

fn read_fixture(dir: &Path) -> Fixture {
    let path = dir.join("fixture.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of a set's `migrations.sha256` (sha256sum format): hash and the path
/// under `migrations/`, e.g. `sqlite/0001_settings.sql`.
fn released_migrations(dir: &Path) -> Vec<(String, String)> {
    let path = dir.join(MIGRATION_HASHES);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (hash, file) = l
                .split_once("  ")
                .unwrap_or_else(|| panic!("{}: not `HASH  PATH`: {l}", path.display()));
            (hash.to_owned(), file.to_owned())
        })
        .collect()
}

/// The version number of a migration file name (`0003_messages.sql` → 3).
fn version_of(file_name: &str) -> i64 {
    file_name
        .split('_')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{file_name} does not start with a version number"))
}

/// The migration files of one backend as they are now, by version.
fn current_migrations(backend: &str) -> BTreeMap<i64, String> {
    std::fs::read_dir(migrations_dir().join(backend))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .map(|n| (version_of(&n), n))
        .collect()
}

fn backend_key(backend: &Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres(_) => "postgres",
    }
}

fn lang_of(key: &str) -> Lang {
    match key {
        "en" => Lang::En,
        _ => Lang::Nl,
    }
}

fn prefix_of(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "/en",
        Lang::Nl => "",
    }
}

fn identity(secret_hex: &str) -> Identity {
    let bytes: [u8; 32] = crypto::unhex(secret_hex)
        .and_then(|b| b.try_into().ok())
        .expect("the fixture holds a 32-byte secret in hex");
    crypto::identity_from_bytes(&bytes)
}

/// The raw secret of an identity, in hex (the data part of its Bech32 encoding).
fn secret_of(identity: &Identity) -> String {
    let encoded = identity.to_string().expose_secret().to_lowercase();
    let (_, bytes) = bech32::decode(&encoded).expect("an age identity is Bech32");
    crypto::hex(&bytes)
}

async fn query_versions(url: &str) -> Vec<i64> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    versions
}

/// The reporter's view of a case: status, the report's "what happened", the messages
/// after it as (author label, text), the attached files as (name, href), the page.
struct ReporterView {
    status: String,
    case_status: Vec<String>,
    what: String,
    messages: Vec<(String, String)>,
    files: Vec<(String, String)>,
    body: String,
}

async fn reporter_view(app: &TestApp, prefix: &str, cookie: &str) -> ReporterView {
    let page = app.get(&format!("{prefix}/thread"), Some(cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.html();
    let messages = common::thread_messages(&html);
    let links = scraper::Selector::parse("li.file a[download]").unwrap();
    let files = texts(&html, "li.file .file-name")
        .into_iter()
        .zip(
            html.select(&links)
                .map(|a| a.value().attr("href").unwrap().to_owned()),
        )
        .collect();
    ReporterView {
        status: text(&html, "#status"),
        case_status: texts(&html, "#case-status dd"),
        what: texts(&html, "dl.report-summary dd")[2].clone(),
        messages,
        files,
        body: page.body,
    }
}

/// The cases in a desk's inbox as (reference, link).
async fn inbox(desk: &Desk) -> Vec<(String, String)> {
    let page = desk.get("/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.html();
    let rows = scraper::Selector::parse("tr.case-row").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    html.select(&rows)
        .map(|row| {
            (
                row.value().attr("data-reference").unwrap().to_owned(),
                row.select(&link)
                    .next()
                    .unwrap()
                    .value()
                    .attr("href")
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect()
}

on_both_databases!(
    /// Start-up migrates each released fixture to head; every code signs in and shows
    /// its thread and file; every message opens with the fixture's committee key; the
    /// audit chain verifies; the member signs in; a new report can be submitted.
    async fn every_released_schema_migrates_to_head_with_all_its_reports_readable(backend) {
        for (n, dir) in fixture_sets() {
            eprintln!("schema-{n}");
            migrate_fixture_set(&backend, &dir).await;
        }
    }
);

async fn migrate_fixture_set(backend: &Backend, dir: &Path) {
    let fixture = read_fixture(dir);
    let key = backend_key(backend);
    let expected = match backend {
        Backend::Sqlite => &fixture.sqlite,
        Backend::Postgres(_) => &fixture.postgres,
    };
    let committee = identity(&fixture.committee_secret_hex);
    let member = identity(&fixture.member.secret_hex);
    let schema = format!("schema {} ({})", fixture.schema, fixture.release);
    let mut released: Vec<i64> = released_migrations(dir)
        .iter()
        .filter_map(|(_, f)| f.strip_prefix(&format!("{key}/")).map(version_of))
        .collect();
    released.sort_unstable();

    // A copy of the fixture: a SQLite file in a temporary directory, or the dump loaded
    // into a new PostgreSQL database.
    let home = tempfile::tempdir().unwrap();
    let mut scratch = None;
    let url = match backend {
        Backend::Sqlite => {
            let copy = home.path().join("meldpunt.db");
            std::fs::copy(dir.join(&expected.file), &copy).unwrap();
            format!("sqlite://{}", copy.display())
        }
        Backend::Postgres(admin) => {
            let db =
                ScratchDatabase::create(admin, &format!("meldpunt_schema{}", fixture.schema)).await;
            let out = tokio::process::Command::new("psql")
                .args([
                    "--no-psqlrc",
                    "--quiet",
                    "--set",
                    "ON_ERROR_STOP=1",
                    "--single-transaction",
                ])
                .arg(format!("--dbname={}", db.url))
                .arg(format!("--file={}", dir.join(&expected.file).display()))
                .output()
                .await
                .expect("psql runs (postgresql-client)");
            assert!(
                out.status.success(),
                "loading {} failed: {}",
                expected.file,
                String::from_utf8_lossy(&out.stderr)
            );
            let url = db.url.clone();
            scratch = Some(db);
            url
        }
    };
    assert_eq!(
        query_versions(&url).await,
        released,
        "the {key} fixture of {schema} holds exactly the migrations its {MIGRATION_HASHES} names"
    );

    // The current binary starts on it: the migrations run at start-up.
    let app = TestApp::spawn_with(
        backend.clone(),
        Options {
            database_url: Some(url.clone()),
            recipients_text: Some(format!(
                "# fixture committee key\n{}\n",
                fixture.committee_recipient
            )),
            ..Default::default()
        },
    )
    .await;
    let head: Vec<i64> = current_migrations(key).into_keys().collect();
    assert_eq!(
        query_versions(&url).await,
        head,
        "{schema} was migrated to head on {key}"
    );

    // Every code signs in and shows its thread, status and file, never the note.
    for case in &expected.cases {
        let lang = lang_of(&case.lang);
        let t = lang.texts();
        let prefix = prefix_of(lang);
        let cookie = app.sign_in(prefix, &case.code).await;
        let view = reporter_view(&app, prefix, &cookie).await;
        let status = Status::from_key(&case.status).expect("a known status");
        assert_eq!(view.status, status.label(t), "{}: status", case.reference);
        if let Some(reason) = &case.close_reason {
            let reason = CloseReason::from_key(reason).expect("a known close reason");
            assert!(
                view.case_status.iter().any(|d| d == reason.label(t)),
                "{}: close reason",
                case.reference
            );
        }
        assert_eq!(view.what, case.report, "{}: the report", case.reference);
        let thread: Vec<(String, String)> = case
            .thread
            .iter()
            .map(|m| {
                let author = if m.author == "reporter" {
                    t.author_you
                } else {
                    t.author_committee
                };
                (author.to_owned(), m.text.clone())
            })
            .collect();
        assert_eq!(view.messages, thread, "{}: the thread", case.reference);
        if let Some(note) = &case.note {
            assert!(
                !view.body.contains(note.as_str()),
                "{}: the reporter never sees the note",
                case.reference
            );
        }
        match &case.attachment {
            Some(file) => {
                assert_eq!(view.files.len(), 1, "{}: one file", case.reference);
                assert_eq!(view.files[0].0, file.name);
                let (status, _, bytes) = app.download(&view.files[0].1, &cookie).await;
                assert_eq!(status, 200, "{}", view.files[0].1);
                assert_eq!(bytes.len(), file.bytes, "{}: file size", case.reference);
                assert_eq!(
                    crypto::hex(&crypto::sha256(&bytes)),
                    file.sha256,
                    "{}: file content",
                    case.reference
                );
            }
            None => assert!(view.files.is_empty(), "{}: no file", case.reference),
        }
    }

    // Every stored message, and every file, opens with the fixture's committee key.
    let pool = app.db().await;
    let messages: Vec<Vec<u8>> = sqlx::query_scalar("select ciphertext from messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    let files = common::stored_files(&pool).await;
    pool.close().await;
    let stored: usize = expected
        .cases
        .iter()
        .map(|c| 1 + c.thread.len() + usize::from(c.note.is_some()))
        .sum();
    assert_eq!(
        messages.len(),
        stored,
        "every message of the fixture is there"
    );
    for ct in &messages {
        assert!(
            crypto::open(ct, &committee).is_ok(),
            "a message opens with the committee key"
        );
    }
    let with_files = expected
        .cases
        .iter()
        .filter(|c| c.attachment.is_some())
        .count();
    assert_eq!(files.len(), with_files);
    for f in &files {
        assert!(
            crypto::open_raw(f, &committee).is_ok(),
            "a file opens with the committee key"
        );
    }

    // The audit chain of the old schema verifies after the migration…
    let audit = app.audit_verify();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    // …the member signs in on the desk, which lists every case and reads the note…
    let member_file = identity_file(home.path(), "member.txt", &member);
    let desk = Desk::open(&app.base, &member_file, "en").await;
    let listed = inbox(&desk).await;
    let mut references: Vec<&str> = listed.iter().map(|(r, _)| r.as_str()).collect();
    references.sort_unstable();
    let mut want: Vec<&str> = expected
        .cases
        .iter()
        .map(|c| c.reference.as_str())
        .collect();
    want.sort_unstable();
    assert_eq!(references, want);
    // …and opens every case: sealed before the report carried the reporter's key
    // (envelope version 2), each says that key could not be verified.
    for case in &expected.cases {
        let link = &listed.iter().find(|(r, _)| *r == case.reference).unwrap().1;
        let page = desk.get(link).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let html = page.html();
        assert!(
            shows(&html, "#reporter-key-unverified"),
            "{}: a legacy case says its reporter key is unverified",
            case.reference
        );
        assert!(
            !shows(&html, "#reporter-key"),
            "{}: a legacy case does not claim a verified reporter key",
            case.reference
        );
        if let Some(note) = &case.note {
            assert_eq!(
                texts(&html, "#notes .message-text"),
                vec![note.clone()],
                "{}: the note",
                case.reference
            );
        }
    }
    drop(desk);
    // …and appending to the migrated chain keeps it intact.
    let audit = app.audit_verify();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );

    // A new report can be submitted and read back, sealed to the committee.
    let code = app
        .submit_code("/en", "A new report after the migration")
        .await;
    let cookie = app.sign_in("/en", &code).await;
    assert_eq!(
        reporter_view(&app, "/en", &cookie).await.what,
        "A new report after the migration"
    );
    let all = app.stored_messages().await;
    assert_eq!(all.len(), stored + 1);
    assert!(all.iter().all(|m| crypto::open(&m.3, &committee).is_ok()));
    // On the desk the new case's reporter key comes from inside the sealed report:
    // verified, without the legacy notice.
    let desk = Desk::open(&app.base, &member_file, "en").await;
    let listed = inbox(&desk).await;
    assert_eq!(listed.len(), want.len() + 1);
    let (reference, link) = listed
        .iter()
        .find(|(r, _)| !want.contains(&r.as_str()))
        .expect("the new case is listed");
    let page = desk.get(link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.html();
    assert!(
        shows(&html, "#reporter-key"),
        "{reference}: a new case has a verified reporter key"
    );
    assert!(
        !shows(&html, "#reporter-key-unverified"),
        "{reference}: a new case is not marked unverified"
    );
    drop(desk);
    drop(app);
    drop(scratch);
}

/// Whether a page has an element matching `css`.
fn shows(html: &scraper::Html, css: &str) -> bool {
    let selector = scraper::Selector::parse(css).unwrap();
    html.select(&selector).next().is_some()
}

/// A migration that belongs to a released schema must stay byte for byte as released:
/// installations have run it already and will not run an edited one again.
#[test]
fn a_migration_that_belongs_to_a_released_schema_is_never_edited() {
    let mut problems = Vec::new();
    for (_, dir) in fixture_sets() {
        let fixture = read_fixture(&dir);
        let schema = format!("schema {} ({})", fixture.schema, fixture.release);
        let released = released_migrations(&dir);
        for (want, file) in &released {
            match std::fs::read(migrations_dir().join(file)) {
                Err(e) => problems.push(format!(
                    "migrations/{file} belongs to released {schema} but cannot be read ({e}); \
                     never remove or rename a released migration: add a new migration instead"
                )),
                Ok(bytes) => {
                    let got = crypto::hex(&crypto::sha256(&bytes));
                    if &got != want {
                        problems.push(format!(
                            "migrations/{file} belongs to released {schema} and was edited \
                             (sha256 {got}, released {want}); undo the edit and add a new \
                             migration instead"
                        ));
                    }
                }
            }
        }
        // A new migration numbered among the released ones would run out of order.
        for backend in ["sqlite", "postgres"] {
            let newest = released
                .iter()
                .filter_map(|(_, f)| f.strip_prefix(&format!("{backend}/")).map(version_of))
                .max()
                .unwrap_or_else(|| panic!("{schema} lists no {backend} migration"));
            for (version, name) in current_migrations(backend).range(..=newest) {
                let file = format!("{backend}/{name}");
                if !released.iter().any(|(_, f)| *f == file) {
                    problems.push(format!(
                        "migrations/{file} (version {version}) is numbered among the released \
                         migrations of {schema}; number it after {newest} (add a new migration \
                         instead)"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each fixture set has all its files, stays small, and says its keys are test-only.
#[test]
fn every_fixture_set_is_complete_small_and_marked_test_only() {
    for (n, dir) in fixture_sets() {
        let fixture = read_fixture(&dir);
        assert_eq!(
            fixture.schema,
            n,
            "{}: fixture.json names its schema",
            dir.display()
        );
        let mut total = 0;
        for file in [
            &fixture.sqlite.file,
            &fixture.postgres.file,
            "fixture.json",
            "README.md",
            MIGRATION_HASHES,
        ] {
            let meta = std::fs::metadata(dir.join(file))
                .unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()));
            total += meta.len();
        }
        assert!(
            total < 1 << 20,
            "schema-{n} is {total} bytes; keep a fixture set well under 1 MiB"
        );
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(
            readme.contains("TEST-ONLY"),
            "schema-{n}/README.md says the keys are test-only"
        );
        assert!(fixture.warning.contains("TEST-ONLY"));
        assert_eq!(
            identity(&fixture.committee_secret_hex)
                .to_public()
                .to_string(),
            fixture.committee_recipient
        );
        assert_eq!(
            identity(&fixture.member.secret_hex).to_public().to_string(),
            fixture.member.recipient
        );
        for cases in [&fixture.sqlite.cases, &fixture.postgres.cases] {
            assert!(cases.len() >= 3, "schema-{n} has several cases");
            assert!(
                cases.iter().any(|c| c.attachment.is_some()),
                "schema-{n} has a file"
            );
            assert!(
                cases.iter().any(|c| c.note.is_some()),
                "schema-{n} has a note"
            );
            assert!(
                cases
                    .iter()
                    .any(|c| c.thread.iter().any(|m| m.author == "committee"))
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// The generator. Run it once per release that brings new migrations (see
// tests/fixtures/README.md): `cargo test --test migrations -- --ignored generate`.
// ---------------------------------------------------------------------------------

const MEMBER_NAME: &str = "Fixture Anna";

/// The file sent with the first report: text and every byte value.
fn fixture_file() -> Vec<u8> {
    let mut bytes = "Verslag van het teamoverleg (fixture)\n"
        .as_bytes()
        .to_vec();
    bytes.extend((0..2_048u32).map(|i| (i * 7 % 256) as u8));
    bytes
}

struct Planned {
    lang: Lang,
    report: &'static str,
    file: Option<&'static str>,
}

const PLAN: [Planned; 4] = [
    Planned {
        lang: Lang::Nl,
        report: "Fixture 1: het wijkteam deelt cliëntdossiers met vrijwilligers van de voedselbank.",
        file: Some("verslag-overleg.bin"),
    },
    Planned {
        lang: Lang::En,
        report: "Fixture 2: municipal staff without a care role asked for client files.",
        file: None,
    },
    Planned {
        lang: Lang::Nl,
        report: "Fixture 3: druk om cliënten te melden voor fraude.",
        file: None,
    },
    Planned {
        lang: Lang::En,
        report: "Fixture 4: the team records far more about clients than it needs.",
        file: None,
    },
];

async fn case_link(desk: &Desk, reference: &str) -> String {
    inbox(desk)
        .await
        .into_iter()
        .find(|(r, _)| r == reference)
        .expect("the case is in the inbox")
        .1
}

/// Posts one of the desk's case forms (with the CSRF token of the case page).
async fn act(desk: &Desk, link: &str, action: &str, pairs: &[(&str, &str)]) {
    let page = desk.get(link).await.html();
    let r = desk.post(&format!("{link}/{action}"), &page, pairs).await;
    assert_eq!(r.status, 303, "{action}: {}", r.body);
}

/// Fills one database through the real portal and desk; returns the cases as the
/// tests will expect them.
async fn fill(app: &TestApp, member: &Identity) -> Vec<FixtureCase> {
    let member_id = app.add_member(MEMBER_NAME, &member.to_public().to_string());
    let member_file = identity_file(app.dir.path(), "member.txt", member);
    let desk = Desk::open(&app.base, &member_file, "en").await;
    let mut cases = Vec::new();
    for plan in &PLAN {
        let prefix = prefix_of(plan.lang);
        let (code, attachment) = match plan.file {
            Some(name) => {
                let bytes = fixture_file();
                let code = app
                    .submit_code_with_files(prefix, plan.report, [file_part(name, bytes.clone())])
                    .await;
                let file = FixtureFile {
                    name: name.to_owned(),
                    bytes: bytes.len(),
                    sha256: crypto::hex(&crypto::sha256(&bytes)),
                };
                (code, Some(file))
            }
            None => (app.submit_code(prefix, plan.report).await, None),
        };
        let known: Vec<String> = cases
            .iter()
            .map(|c: &FixtureCase| c.reference.clone())
            .collect();
        let reference = inbox(&desk)
            .await
            .into_iter()
            .map(|(r, _)| r)
            .find(|r| !known.contains(r))
            .expect("the new case is in the inbox");
        cases.push(FixtureCase {
            reference,
            code,
            lang: match plan.lang {
                Lang::En => "en".into(),
                Lang::Nl => "nl".into(),
            },
            status: Status::Received.key().into(),
            close_reason: None,
            report: plan.report.into(),
            thread: Vec::new(),
            note: None,
            attachment,
        });
    }
    let say = |case: &mut FixtureCase, author: &str, text: &str| {
        case.thread.push(FixtureMessage {
            author: author.into(),
            text: text.into(),
        });
    };

    // 1: acknowledged, asked, noted, answered by the reporter, under review, assigned.
    let l = case_link(&desk, &cases[0].reference).await;
    act(&desk, &l, "acknowledge", &[]).await;
    let reply = "Dank voor je melding. Welke vrijwilligers kregen de dossiers?";
    act(&desk, &l, "reply", &[("text", reply)]).await;
    say(&mut cases[0], "committee", reply);
    let note = "Interne notitie: toestemmingsformulieren van het team opvragen.";
    act(&desk, &l, "note", &[("text", note)]).await;
    cases[0].note = Some(note.into());
    let answer = "Twee vrijwilligers van de voedselbank, sinds maart.";
    let cookie = app.sign_in("", &cases[0].code).await;
    let thread = app.get("/thread", Some(&cookie)).await.html();
    let r = app
        .post_form(
            "/thread",
            &[
                ("form_token".into(), common::form_token(&thread)),
                ("text".into(), answer.into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    say(&mut cases[0], "reporter", answer);
    act(
        &desk,
        &l,
        "status",
        &[("status", Status::UnderReview.key()), ("reason", "")],
    )
    .await;
    cases[0].status = Status::UnderReview.key().into();
    act(&desk, &l, "assign", &[("member", &member_id)]).await;

    // 2: acknowledged and asked; waiting for the reporter.
    let l = case_link(&desk, &cases[1].reference).await;
    act(&desk, &l, "acknowledge", &[]).await;
    let reply = "Thank you. Which department asked for the files?";
    act(&desk, &l, "reply", &[("text", reply)]).await;
    say(&mut cases[1], "committee", reply);
    act(
        &desk,
        &l,
        "status",
        &[("status", Status::WaitingForReporter.key()), ("reason", "")],
    )
    .await;
    cases[1].status = Status::WaitingForReporter.key().into();

    // 3: received, untouched.

    // 4: answered and closed (kept for 100 years: the generator runs the portal with
    // --retention-days 36500, so the case is not purged before the tests read it).
    let l = case_link(&desk, &cases[3].reference).await;
    act(&desk, &l, "acknowledge", &[]).await;
    let reply = "This is outside what we can look into, so we are closing the case.";
    act(&desk, &l, "reply", &[("text", reply)]).await;
    say(&mut cases[3], "committee", reply);
    act(
        &desk,
        &l,
        "status",
        &[
            ("status", Status::Closed.key()),
            ("reason", CloseReason::OutOfScope.key()),
        ],
    )
    .await;
    cases[3].status = Status::Closed.key().into();
    cases[3].close_reason = Some(CloseReason::OutOfScope.key().into());
    drop(desk);
    let audit = app.audit_verify();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    cases
}

fn readme(fixture: &Fixture, migrations: &[(String, String)]) -> String {
    let mut s = format!(
        "# Fixture set: schema {n} ({release})\n\n\
         **TEST-ONLY KEYS.** The committee identity and the member identity below (also in\n\
         `fixture.json`) were made by the generator for this fixture set alone and are\n\
         published here on purpose. They protect nothing but the invented reports in these\n\
         files. Never put their public keys in a real installation's recipients file or\n\
         members.\n\n\
         Made on {date} by `cargo test --test migrations -- --ignored generate` (the\n\
         generator at the end of `tests/migrations.rs`), with the migrations of {release}.\n\
         A released fixture set is never regenerated; see `../README.md`.\n\n\
         | file | what |\n|---|---|\n\
         | `{sqlite}` | SQLite database (a `meldpunt backup` copy) |\n\
         | `{pg}` | PostgreSQL database, `pg_dump --no-owner --no-privileges` (plain SQL) |\n\
         | `fixture.json` | pickup codes, expected texts and the keys, read by `tests/migrations.rs` |\n\
         | `{hashes}` | sha256 of each migration file of this schema |\n\n\
         Check the migrations by hand: `cd migrations && sha256sum -c ../tests/fixtures/schema-{n}/{hashes}`\n\
         ({count} files).\n\n\
         ## Keys (TEST-ONLY)\n\n\
         Each key is given as its raw 32-byte X25519 secret in hex (the data part of the\n\
         `AGE-SECRET-KEY-1…` encoding), so secret scanners do not flag published test keys;\n\
         the tests turn them into age identities with `crypto::identity_from_bytes`.\n\n\
         - Committee (in the recipients file; opens every message): `{committee}`\n  \
           public key `{committee_pub}`\n\
         - Member \"{member}\" (for the desk): `{member_secret}`\n  public key `{member_pub}`\n\n\
         ## Cases\n\n\
         | backend | reference | pickup code | language | status | contents |\n|---|---|---|---|---|---|\n",
        n = fixture.schema,
        release = fixture.release,
        date = time::OffsetDateTime::now_utc().date(),
        sqlite = fixture.sqlite.file,
        pg = fixture.postgres.file,
        hashes = MIGRATION_HASHES,
        count = migrations.len(),
        committee = fixture.committee_secret_hex,
        committee_pub = fixture.committee_recipient,
        member = fixture.member.name,
        member_secret = fixture.member.secret_hex,
        member_pub = fixture.member.recipient,
    );
    for (backend, set) in [
        ("SQLite", &fixture.sqlite),
        ("PostgreSQL", &fixture.postgres),
    ] {
        for c in &set.cases {
            let mut contents = vec![format!("report: {}", c.report)];
            contents.extend(c.thread.iter().map(|m| format!("{}: {}", m.author, m.text)));
            if let Some(note) = &c.note {
                contents.push(format!("internal note: {note}"));
            }
            if let Some(f) = &c.attachment {
                contents.push(format!("file {} ({} bytes)", f.name, f.bytes));
            }
            let status = match &c.close_reason {
                Some(r) => format!("{} ({r})", c.status),
                None => c.status.clone(),
            };
            s.push_str(&format!(
                "| {backend} | {} | `{}` | {} | {status} | {} |\n",
                c.reference,
                c.code,
                c.lang,
                contents.join("<br>")
            ));
        }
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes tests/fixtures/schema-N; run by hand at a release (tests/fixtures/README.md)"]
async fn generate_fixtures_for_the_current_schema() {
    let dir = fixtures_dir().join(format!("schema-{CURRENT_SCHEMA}"));
    assert!(
        !dir.join("fixture.json").exists()
            || std::env::var("MELDPUNT_REGENERATE_FIXTURES").is_ok_and(|v| v == "1"),
        "{} exists: a released fixture set is never regenerated. For a new release raise \
         CURRENT_SCHEMA in tests/migrations.rs; to remake a set not yet released, set \
         MELDPUNT_REGENERATE_FIXTURES=1",
        dir.display()
    );
    let Some(postgres) = Backend::postgres().await else {
        panic!("the generator needs PostgreSQL (MELDPUNT_TEST_POSTGRES)");
    };
    std::fs::create_dir_all(&dir).unwrap();
    let committee = Identity::generate();
    let member = Identity::generate();
    let options = || Options {
        recipients_text: Some(format!(
            "# fixture committee key (TEST-ONLY)\n{}\n",
            committee.to_public()
        )),
        extra_args: vec!["--retention-days".into(), "36500".into()],
        ..Default::default()
    };

    let app = TestApp::spawn_with(Backend::Sqlite, options()).await;
    let sqlite_cases = fill(&app, &member).await;
    let out_file = dir.join(SQLITE_FILE);
    let _ = std::fs::remove_file(&out_file);
    let out = common::meldpunt(&[
        "backup",
        "--database-url",
        &app.database_url,
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(app);
    // A rollback journal, so that opening the committed file in place (say, with the
    // sqlite3 shell) leaves no -wal and -shm files beside it; meldpunt turns WAL on.
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", out_file.display()))
        .await
        .unwrap();
    sqlx::query("pragma journal_mode = delete")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let app = TestApp::spawn_with(postgres, options()).await;
    let postgres_cases = fill(&app, &member).await;
    let out = tokio::process::Command::new("pg_dump")
        .args(["--no-owner", "--no-privileges", "--file"])
        .arg(dir.join(POSTGRES_FILE))
        .arg(&app.database_url)
        .output()
        .await
        .expect("pg_dump runs (postgresql-client)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(app);

    let mut migrations = Vec::new();
    for backend in ["sqlite", "postgres"] {
        for name in current_migrations(backend).into_values() {
            let file = format!("{backend}/{name}");
            let bytes = std::fs::read(migrations_dir().join(&file)).unwrap();
            migrations.push((crypto::hex(&crypto::sha256(&bytes)), file));
        }
    }
    let hashes: String = migrations
        .iter()
        .map(|(h, f)| format!("{h}  {f}\n"))
        .collect();
    std::fs::write(dir.join(MIGRATION_HASHES), hashes).unwrap();

    let fixture = Fixture {
        schema: CURRENT_SCHEMA,
        release: format!("meldpunt {}", env!("CARGO_PKG_VERSION")),
        warning: "TEST-ONLY keys, made for this fixture set and published with it; never use them for real reports".into(),
        committee_secret_hex: secret_of(&committee),
        committee_recipient: committee.to_public().to_string(),
        member: FixtureMember {
            name: MEMBER_NAME.into(),
            secret_hex: secret_of(&member),
            recipient: member.to_public().to_string(),
        },
        sqlite: BackendFixture { file: SQLITE_FILE.into(), cases: sqlite_cases },
        postgres: BackendFixture { file: POSTGRES_FILE.into(), cases: postgres_cases },
    };
    std::fs::write(
        dir.join("fixture.json"),
        serde_json::to_string_pretty(&fixture).unwrap() + "\n",
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), readme(&fixture, &migrations)).unwrap();
    eprintln!("wrote {}", dir.display());
}
