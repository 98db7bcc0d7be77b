//! `meldpunt reseal`: the desk's re-sealing from the command line, with a progress
//! bar on stderr. It seals only to the roster pinned in the desk's state directory
//! and refuses to start while the portal lists another one: a change is confirmed
//! in the desk, where the member sees who joined, left or changed keys.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use super::client::{Portal, PortalError};
use super::pins::{PinError, PinStore};
use super::reseal::{self, Job, Progress};
use crate::config::ResealArgs;
use crate::identity::{self, IdentityError};
use crate::protocol::RosterChange;

/// Why `meldpunt reseal` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    /// The identity file cannot be read or unlocked.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The passphrase could not be read.
    #[error("cannot read the passphrase: {0}")]
    Passphrase(std::io::Error),
    /// The portal refused, lied or cannot be reached.
    #[error(transparent)]
    Portal(#[from] PortalError),
    /// The pinned roster cannot be read.
    #[error(transparent)]
    Pin(#[from] PinError),
    /// No roster was confirmed for this portal in this state directory.
    #[error(
        "no confirmed committee list for this portal in {0}: open the desk with the same --state-dir and confirm the list first"
    )]
    NoPin(String),
    /// The portal lists another roster than the pinned one.
    #[error(
        "the portal's committee list differs from the one you confirmed; confirm the change in the desk (its roster page) first, then run this again"
    )]
    RosterChanged,
}

/// Signs in, checks the roster against the pin, and re-seals with a progress bar.
pub async fn run(args: ResealArgs) -> Result<(), ResealError> {
    let file = identity::read(&args.identity)?;
    let passphrase = match (&args.passphrase_file, file.is_encrypted()) {
        (Some(path), _) => {
            Some(identity::passphrase_from_file(path).map_err(ResealError::Passphrase)?)
        }
        (None, true) => Some(
            identity::prompt_passphrase("Passphrase of your identity: ")
                .map_err(ResealError::Passphrase)?,
        ),
        (None, false) => None,
    };
    let portal = Portal::new(&args.portal, file.unlock(passphrase.as_ref())?)?;
    let dir = crate::config::state_dir(args.state_dir.as_deref());
    let pin = PinStore::new(&dir)
        .load(portal.origin())?
        .ok_or_else(|| ResealError::NoPin(dir.display().to_string()))?;
    portal.sign_in().await?;
    if !RosterChange::between(&pin.entries, &portal.roster().await?).is_empty() {
        return Err(ResealError::RosterChanged);
    }
    let job = Arc::new(Job::default());
    job.begin();
    let ticker = {
        let job = job.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                eprint!("\r{}", bar(&job.progress()));
                let _ = std::io::stderr().flush();
            }
        })
    };
    let result = reseal::run(&portal, &pin.entries, &job).await;
    ticker.abort();
    let p = job.progress();
    eprintln!("\r{}", bar(&p));
    let _ = portal.sign_out().await;
    match result {
        Err(PortalError::RosterMismatch) => Err(ResealError::RosterChanged),
        Err(e) => Err(e.into()),
        Ok(()) => {
            println!(
                "re-sealed {} message(s) and file(s) in {} case(s)",
                p.resealed, p.cases_done
            );
            if p.skipped > 0 {
                println!(
                    "{} were not sealed to your key (from before you joined): another member must re-seal them",
                    p.skipped
                );
            }
            println!(
                "re-sealing stops removed keys from opening what the portal stores, not what \
                 their holders already downloaded or exported"
            );
            Ok(())
        }
    }
}

/// One line: a bar of 30 cells, cases, MiB and the time left.
fn bar(p: &Progress) -> String {
    let frac = if p.bytes_total == 0 {
        if p.cases_total == 0 {
            0.0
        } else {
            p.cases_done as f64 / p.cases_total as f64
        }
    } else {
        p.bytes_done as f64 / p.bytes_total as f64
    };
    let filled = ((frac.clamp(0.0, 1.0)) * 30.0).round() as usize;
    let left = p
        .time_left()
        .map_or_else(|| "—".to_owned(), |d| format!("{} s left", d.as_secs()));
    format!(
        "[{}{}] cases {}/{}  {:.1}/{:.1} MiB  {left}   ",
        "#".repeat(filled),
        "-".repeat(30 - filled),
        p.cases_done,
        p.cases_total,
        p.bytes_done as f64 / 1048576.0,
        p.bytes_total as f64 / 1048576.0,
    )
}
