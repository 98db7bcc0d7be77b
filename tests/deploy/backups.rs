//! The backup units of docs/deploy/ run what their `ExecStart=` says: the shell line
//! is taken from the unit as systemd would hand it to `/bin/sh` (`$$` and `%%`
//! unescaped) and run with the variables systemd sets (`STATE_DIRECTORY`) and the
//! environment file's `DATABASE_URL`, against a running portal. The copy it leaves
//! is restored the way the README says, and a report's pickup code opens its thread
//! on the restored database.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, Options, ScratchDatabase, TestApp, meldpunt, text, texts};
use crate::{repo, tool, values};

/// The shell script of a unit's one `ExecStart=/bin/sh -c '…'`, unescaped.
fn exec_start_script(unit_path: &str) -> String {
    let unit = std::fs::read_to_string(repo(unit_path)).unwrap();
    let lines = values(&unit, "ExecStart");
    assert_eq!(lines.len(), 1, "{unit_path}: one ExecStart");
    let quoted = lines[0]
        .strip_prefix("/bin/sh -c '")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{unit_path}: ExecStart is /bin/sh -c '…'"));
    quoted.replace("$$", "$").replace("%%", "%")
}

/// Runs a backup unit's script into `state` for the database at `url`; returns the
/// one file it wrote.
fn run_backup_unit(unit_path: &str, url: &str, state: &Path) -> PathBuf {
    std::fs::create_dir_all(state).unwrap();
    // An old copy, which the unit's clean-up deletes (older than 14 days).
    let ext = if unit_path.ends_with("pg-backup.service") {
        "dump"
    } else {
        "db"
    };
    let old = state.join(format!("meldpunt-20000101T000000Z.{ext}"));
    std::fs::write(&old, b"old").unwrap();
    let touched = Command::new("touch")
        .args(["-d", "2000-01-01"])
        .arg(&old)
        .status()
        .unwrap();
    assert!(touched.success());
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_meldpunt")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(exec_start_script(unit_path))
        .env("PATH", path)
        .env("STATE_DIRECTORY", state)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{unit_path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !old.exists(),
        "{unit_path}: a copy older than 14 days is deleted"
    );
    let mut written: Vec<PathBuf> = std::fs::read_dir(state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "one new copy: {written:?}");
    written.remove(0)
}

/// Signs in on `app` with `code` and returns what the thread's report summary says.
async fn report_on(app: &TestApp, code: &str) -> Vec<String> {
    let cookie = app.sign_in("", code).await;
    let thread = app.get("/thread", Some(&cookie)).await;
    assert_eq!(thread.status, 200);
    texts(&thread.html(), "dl.report-summary dd")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_backup_unit_copies_a_running_portal_and_the_copy_restores() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let code = app.submit_code("", "Bewaard in de nachtelijke kopie").await;
    let state = app.dir.path().join("meldpunt-backups");
    let copy = run_backup_unit(
        "docs/deploy/meldpunt-backup.service",
        &app.database_url,
        &state,
    );
    let name = copy.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("meldpunt-") && name.ends_with("Z.db"),
        "{name}"
    );

    // The README's restore: one command into a new installation's database.
    let restored = format!(
        "sqlite://{}",
        app.dir.path().join("restored/meldpunt.db").display()
    );
    let out = meldpunt(&[
        "restore",
        "--from",
        copy.to_str().unwrap(),
        "--database-url",
        &restored,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            database_url: Some(restored),
            ..Default::default()
        },
    )
    .await;
    let summary = report_on(&new, &code).await;
    assert!(
        summary
            .iter()
            .any(|s| s == "Bewaard in de nachtelijke kopie"),
        "the report reads back: {summary:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgresql_backup_unit_dumps_a_running_portal_and_the_dump_restores() {
    let Some(backend) = common::Backend::postgres().await else {
        return;
    };
    if !tool("pg_dump", &["--version"], "postgresql-client") {
        return;
    }
    let common::Backend::Postgres(admin) = backend.clone() else {
        unreachable!("Backend::postgres gives a PostgreSQL backend")
    };
    let app = TestApp::spawn(backend.clone()).await;
    let receipt = app
        .submit("", common::full_report("Bewaard in de nachtelijke dump"))
        .await;
    let code = text(&receipt.html(), "#pickup-code");
    let state = app.dir.path().join("meldpunt-backups");
    let dump = run_backup_unit(
        "docs/deploy/meldpunt-pg-backup.service",
        &app.database_url,
        &state,
    );
    assert!(dump.to_string_lossy().ends_with("Z.dump"), "{dump:?}");

    // The README's restore: pg_restore into a new, empty database.
    let target = ScratchDatabase::create(&admin, "meldpunt_deploy").await;
    let out = Command::new("pg_restore")
        .args(["--exit-on-error", "--single-transaction", "--no-owner"])
        .args(["--no-privileges", "--dbname", &target.url])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = TestApp::spawn_with(
        backend,
        Options {
            database_url: Some(target.url.clone()),
            ..Default::default()
        },
    )
    .await;
    let summary = report_on(&new, &code).await;
    assert!(
        summary
            .iter()
            .any(|s| s == "Bewaard in de nachtelijke dump"),
        "the report reads back: {summary:?}"
    );
}
