//! Small administration commands: members (and their notification addresses),
//! keys, the audit chain; backup and restore are in `backup.rs`.

use std::path::Path;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::config::{AuditCommand, KeygenArgs, MemberCommand};
use crate::crypto::{self, Identity, Recipient};
use crate::identity::{self, IdentityError};
use crate::storage::{Outcome, Storage, StorageError};

mod backup;
mod sealed;
pub use backup::{backup, restore};

/// Why an administration command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The database refused or is unavailable.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// An identity file could not be read, opened or written.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The command was used wrongly; the text says how.
    #[error("{0}")]
    Usage(String),
    /// Verification found the audit chain broken.
    #[error("the audit log is not intact: {0}")]
    AuditBroken(crate::storage::AuditProblem),
    /// The passphrase could not be read from the terminal or file.
    #[error("cannot read the passphrase: {0}")]
    Passphrase(std::io::Error),
}

/// Reads a recipient given as `age1…` or as a file holding exactly one. An identity
/// file is refused: the administrator needs only the public key.
fn recipient_argument(arg: &str) -> Result<Recipient, AdminError> {
    if arg.starts_with("age1") {
        return Recipient::from_str(arg)
            .map_err(|_| AdminError::Usage("not a valid age recipient".into()));
    }
    let text = std::fs::read_to_string(Path::new(arg)).map_err(|e| {
        AdminError::Usage(format!(
            "--recipient is neither age1… nor a readable file: {e}"
        ))
    })?;
    if text.contains("AGE-SECRET-KEY-") {
        return Err(AdminError::Usage(
            "that file holds a SECRET key; give the member's public key (age1…, see `age-keygen -y`)".into(),
        ));
    }
    let mut found =
        crypto::parse_recipients(&text).map_err(|e| AdminError::Usage(e.to_string()))?;
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(AdminError::Usage(format!(
            "the file holds {n} recipients; give exactly one"
        ))),
    }
}

async fn find_member(
    storage: &Storage,
    which: &str,
) -> Result<crate::storage::MemberRow, AdminError> {
    let members = storage.members().await?;
    let matches: Vec<_> = members
        .into_iter()
        .filter(|m| m.id == which || m.name == which || m.recipient == which)
        .collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one")),
        0 => Err(AdminError::Usage(format!(
            "no member with id, name or recipient {which:?}"
        ))),
        _ => Err(AdminError::Usage(format!(
            "{which:?} matches several members; use the id"
        ))),
    }
}

/// A member's name as given to `member add`: 1 to 100 characters, none of them a
/// control or direction character. Names are printed on terminals and written in
/// the audit trail, where such characters could forge or hide lines.
fn member_name(raw: &str) -> Result<String, AdminError> {
    let name = raw.trim();
    let forbidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AdminError::Usage(
            "--name must be 1 to 100 characters".into(),
        ));
    }
    if name.chars().any(forbidden) || crate::protocol::MemberName::parse(name).is_err() {
        return Err(AdminError::Usage(
            "--name may not hold control characters (line breaks, escapes) or direction marks"
                .into(),
        ));
    }
    Ok(name.to_owned())
}

/// `meldpunt member …`: add, list, disable or enable members.
pub async fn member(cmd: MemberCommand) -> Result<(), AdminError> {
    let now = OffsetDateTime::now_utc();
    match cmd {
        MemberCommand::Add {
            db,
            name,
            recipient,
        } => {
            let name = member_name(&name)?;
            let recipient = recipient_argument(recipient.trim())?;
            let storage = Storage::connect(&db.database_url).await?;
            let id = crypto::hex(&crypto::random_bytes::<16>());
            match storage
                .add_member(&id, &name, &recipient.to_string(), now.date())
                .await?
            {
                Outcome::Stored => {
                    storage
                        .audit(now.unix_timestamp(), Some(&id), "member added", None)
                        .await?;
                    println!("added member {name} ({id}) with recipient {recipient}");
                    Ok(())
                }
                _ => Err(AdminError::Usage(
                    "a member with that recipient exists already".into(),
                )),
            }
        }
        MemberCommand::List { db, recipients } => {
            let storage = Storage::connect(&db.database_url).await?;
            let members = storage.members().await?;
            let mut roster: Vec<String> = Vec::new();
            for m in &members {
                let state = if m.active { "active" } else { "disabled" };
                // Whether, not where: the address stays off the terminal.
                let notified = if storage.notify_address(&m.id).await?.is_some() {
                    "\tnotified by e-mail"
                } else {
                    ""
                };
                println!(
                    "{}\t{}\t{}\t{}\tadded {}{notified}",
                    m.id, m.name, state, m.recipient, m.added_on
                );
                if m.active {
                    roster.push(m.recipient.clone());
                }
            }
            let file = match std::fs::read_to_string(&recipients) {
                Ok(text) => crypto::parse_recipients(&text)
                    .map_err(|e| AdminError::Usage(format!("{}: {e}", recipients.display())))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(AdminError::Usage(format!("{}: {e}", recipients.display()))),
            };
            for r in &file {
                println!("-\t(recipients file)\tactive\t{r}");
                roster.push(r.to_string());
            }
            println!(
                "committee roster fingerprint (members compare it in their desk): {}",
                crate::protocol::roster::fingerprint(roster.iter().map(String::as_str))
            );
            print_stale(&storage, &roster, &members).await
        }
        MemberCommand::Rekey {
            db,
            member,
            recipient,
        } => {
            let recipient = recipient_argument(recipient.trim())?;
            let storage = Storage::connect(&db.database_url).await?;
            let m = find_member(&storage, &member).await?;
            match storage.rekey_member(&m.id, &recipient.to_string()).await? {
                Outcome::Stored => {
                    storage
                        .audit(now.unix_timestamp(), Some(&m.id), "member rekeyed", None)
                        .await?;
                    println!(
                        "member rekeyed: {} ({}) now has recipient {recipient}",
                        m.name, m.id
                    );
                    println!(
                        "the old key can no longer sign in; stored messages stay sealed to it until \
                         a member re-seals them (meldpunt reseal, or the desk's re-seal page)"
                    );
                    Ok(())
                }
                _ => Err(AdminError::Usage(
                    "a member with that recipient exists already".into(),
                )),
            }
        }
        MemberCommand::Disable { db, member } => {
            set_active(&db.database_url, &member, false, now).await
        }
        MemberCommand::Enable { db, member } => {
            set_active(&db.database_url, &member, true, now).await
        }
        MemberCommand::Notify {
            db,
            member,
            email,
            off: _,
        } => set_notify(&db.database_url, &member, email.as_deref(), now).await,
    }
}

/// Says how many cases are still sealed to an earlier roster: members who joined
/// since cannot open those, and removed or replaced keys still can.
async fn print_stale(
    storage: &Storage,
    roster: &[String],
    members: &[crate::storage::MemberRow],
) -> Result<(), AdminError> {
    let parsed: Vec<Recipient> = roster
        .iter()
        .filter_map(|r| Recipient::from_str(r).ok())
        .collect();
    let Ok(set) = crypto::RecipientSet::new(parsed) else {
        println!("no recipients: nothing new can be sealed");
        return Ok(());
    };
    let keys: Vec<String> = set.recipients().iter().map(ToString::to_string).collect();
    storage.remember_set(set.fingerprint(), &keys).await?;
    let exclusions = storage.all_exclusions().await?;
    let stale = sealed::stale_cases(storage, &set, members, &exclusions).await?;
    match stale {
        0 => println!(
            "every stored message and file is sealed to this roster: every active member can open them"
        ),
        n => println!(
            "{n} case(s) hold messages or files sealed to an earlier roster: members added \
             since cannot open them, and removed or replaced keys still can, until a member \
             re-seals them (meldpunt reseal, or the desk's re-seal page)"
        ),
    }
    let mut unknown = 0;
    for m in members {
        let (with, without, not_recorded) = storage.cases_by_key(&m.recipient).await?;
        unknown = not_recorded;
        // Cases whose reporter left this member out are never theirs to open.
        let left_out = exclusions.iter().filter(|(_, id)| id == &m.id).count() as i64;
        let without = (without - left_out).max(0);
        let state = if m.active { "active" } else { "disabled" };
        let what = match (m.active, without) {
            (true, 0) if left_out > 0 => "can open every other stored case".to_owned(),
            (true, 0) => "can open every stored case".to_owned(),
            (true, n) => format!("cannot open {n} stored case(s) until they are re-sealed"),
            (false, _) if with == 0 => "can open no stored case".to_owned(),
            (false, _) => format!("can still open {with} stored case(s) until they are re-sealed"),
        };
        if left_out > 0 {
            println!(
                "{} ({state}): {what}; left out of {left_out} case(s) by their reporter, \
                 which no re-seal gives them",
                m.name
            );
        } else {
            println!("{} ({state}): {what}", m.name);
        }
    }
    if unknown > 0 {
        println!(
            "{unknown} case(s) hold ciphertext sealed before this version recorded which keys a \
             set holds: who can open those is not known here"
        );
    }
    Ok(())
}

/// `member notify`: stores or forgets the member's notification address. The audit
/// log records that it changed, not the address.
async fn set_notify(
    url: &str,
    which: &str,
    email: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), AdminError> {
    let email = email
        .map(|e| {
            crate::notify::EmailAddress::parse(e)
                .map_err(|_| AdminError::Usage("--email is not a valid e-mail address".into()))
        })
        .transpose()?;
    let storage = Storage::connect(url).await?;
    let m = find_member(&storage, which).await?;
    let action = match &email {
        Some(address) => {
            let from = crate::notify::covered_at_opt_in(now.date());
            storage
                .set_notify_address(&m.id, address.as_str(), from)
                .await?;
            "member notifications on"
        }
        None => {
            storage.clear_notify_address(&m.id).await?;
            "member notifications off"
        }
    };
    storage
        .audit(now.unix_timestamp(), Some(&m.id), action, None)
        .await?;
    match email {
        Some(_) => println!(
            "{} ({}) will get one mail a day when there is new activity (the portal sends \
             only with --notify-smtp set)",
            m.name, m.id
        ),
        None => println!("{} ({}) gets no notifications", m.name, m.id),
    }
    Ok(())
}

async fn set_active(
    url: &str,
    which: &str,
    active: bool,
    now: OffsetDateTime,
) -> Result<(), AdminError> {
    let storage = Storage::connect(url).await?;
    let m = find_member(&storage, which).await?;
    storage.set_member_active(&m.id, active).await?;
    let action = if active {
        "member enabled"
    } else {
        "member disabled"
    };
    storage
        .audit(now.unix_timestamp(), Some(&m.id), action, None)
        .await?;
    println!("{action}: {} ({})", m.name, m.id);
    if !active {
        println!(
            "new reports are no longer sealed to {}; their sessions have ended",
            m.name
        );
    }
    Ok(())
}

/// `meldpunt keygen`: makes a passphrase-protected identity and prints its public key.
pub fn keygen(args: KeygenArgs) -> Result<(), AdminError> {
    if args.out.exists() {
        return Err(AdminError::Usage(format!(
            "{} exists already; not overwriting",
            args.out.display()
        )));
    }
    let passphrase = match &args.passphrase_file {
        Some(path) => identity::passphrase_from_file(path).map_err(AdminError::Passphrase)?,
        None => {
            let first = identity::prompt_passphrase("Passphrase for the new identity: ")
                .map_err(AdminError::Passphrase)?;
            let again = identity::prompt_passphrase("The same passphrase again: ")
                .map_err(AdminError::Passphrase)?;
            use age::secrecy::ExposeSecret;
            if first.expose_secret() != again.expose_secret() {
                return Err(AdminError::Usage("the passphrases differ".into()));
            }
            first
        }
    };
    {
        use age::secrecy::ExposeSecret;
        if passphrase.expose_secret().chars().count() < 8 {
            return Err(AdminError::Usage(
                "use a passphrase of at least 8 characters".into(),
            ));
        }
    }
    let identity = Identity::generate();
    identity::write_encrypted(&args.out, &identity, passphrase, args.work_factor)?;
    println!(
        "wrote {} (encrypted with your passphrase)",
        args.out.display()
    );
    println!("public key: {}", identity::recipient_of(&identity));
    println!("give the administrator only this public key; keep the file and a backup of it safe");
    Ok(())
}

/// `meldpunt audit verify`: checks the hash chain of the audit log.
pub async fn audit(cmd: AuditCommand) -> Result<(), AdminError> {
    match cmd {
        AuditCommand::Verify { db } => {
            let storage = Storage::connect(&db.database_url).await?;
            match storage.verify_audit().await? {
                Ok(n) => {
                    println!("audit log intact: {n} entries");
                    Ok(())
                }
                Err(problem) => Err(AdminError::AuditBroken(problem)),
            }
        }
    }
}
