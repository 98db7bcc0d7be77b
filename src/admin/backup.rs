//! `meldpunt backup` and `meldpunt restore`: a consistent SQLite copy while the
//! portal runs, and its installation as a new database.

use super::AdminError;
use crate::storage::Storage;

fn sqlite_file(url: &str) -> Result<std::path::PathBuf, AdminError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            AdminError::Usage(
                "backup and restore handle SQLite; for PostgreSQL use pg_dump --format=custom and pg_restore".into(),
            )
        })?;
    Ok(std::path::PathBuf::from(
        rest.split('?').next().unwrap_or(rest),
    ))
}

/// `meldpunt backup`: a consistent copy while the portal keeps running.
pub async fn backup(args: crate::config::BackupArgs) -> Result<(), AdminError> {
    sqlite_file(&args.db.database_url)?;
    if args.out.exists() {
        return Err(AdminError::Usage(format!(
            "{} exists already; not overwriting",
            args.out.display()
        )));
    }
    let out = args
        .out
        .to_str()
        .ok_or_else(|| AdminError::Usage("the backup path is not valid UTF-8".into()))?;
    let storage = Storage::connect(&args.db.database_url).await?;
    storage.backup_into(out).await?;
    storage.close().await;
    let copy = Storage::open(&format!("sqlite://{out}")).await?;
    let (cases, messages) = copy.counts().await?;
    let intact = copy.integrity_ok().await?;
    copy.close().await;
    if !intact {
        return Err(AdminError::Usage(
            "the backup failed its integrity check".into(),
        ));
    }
    println!("backup written to {out}: {cases} cases, {messages} messages (ciphertext only)");
    Ok(())
}

/// `meldpunt restore`: checks a backup and installs it as a new database, migrated
/// to this version. Refuses to overwrite an existing database.
pub async fn restore(args: crate::config::RestoreArgs) -> Result<(), AdminError> {
    let target = sqlite_file(&args.database_url)?;
    if target.exists() {
        return Err(AdminError::Usage(format!(
            "{} exists already; restore into a new installation (move the old file away first)",
            target.display()
        )));
    }
    let from = args
        .from
        .to_str()
        .ok_or_else(|| AdminError::Usage("the backup path is not valid UTF-8".into()))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| AdminError::Usage(e.to_string()))?;
    }
    // Work on a copy under a temporary name (the backup itself is never opened for
    // writing) and rename it only once it checks out.
    let partial = target.with_extension("restoring");
    std::fs::copy(&args.from, &partial)
        .map_err(|e| AdminError::Usage(format!("cannot copy the backup: {e}")))?;
    let copy = Storage::open(&format!("sqlite://{}", partial.display())).await?;
    let intact = copy.integrity_ok().await?;
    copy.close().await;
    if !intact {
        let _ = std::fs::remove_file(&partial);
        return Err(AdminError::Usage(
            "the backup failed its integrity check; nothing was restored".into(),
        ));
    }
    std::fs::rename(&partial, &target)
        .map_err(|e| AdminError::Usage(format!("cannot install the backup: {e}")))?;
    let storage = Storage::connect(&args.database_url).await?;
    let (cases, messages) = storage.counts().await?;
    println!(
        "restored {} from {from}: {cases} cases, {messages} messages; start the portal with this database",
        target.display()
    );
    Ok(())
}
