//! The administrator's commands: members, audit, keys, export, backup and restore
//! (`meldpunt member …` and the others run on the server or a member's computer,
//! not as a service).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::DEFAULT_RECIPIENTS;

/// `meldpunt backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The database to copy.
    #[command(flatten)]
    pub db: DbArgs,
    /// The file to write (must not exist). It holds ciphertext and metadata only.
    #[arg(long)]
    pub out: PathBuf,
}

/// `meldpunt restore`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup file made by `meldpunt backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// Where to restore it (sqlite://PATH; must not exist yet).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/meldpunt.db"
    )]
    pub database_url: String,
}

/// The database a command works on.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database of the portal: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/meldpunt.db"
    )]
    pub database_url: String,
}

/// `meldpunt member …`.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a member; new reports are sealed to their recipient from now on.
    Add {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The member's name as colleagues know it.
        #[arg(long)]
        name: String,
        /// The member's public key (age1…), or a file that holds it.
        #[arg(long)]
        recipient: String,
    },
    /// List members with their id, state and recipient, and the fingerprint of the
    /// committee roster that members confirm in their desk.
    List {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The portal's recipients file (its keys are part of the roster).
        #[arg(long, env = "MELDPUNT_RECIPIENTS", default_value = DEFAULT_RECIPIENTS)]
        recipients: PathBuf,
    },
    /// Disable a member (by id, name or recipient): no sign-in, no new reports sealed to them.
    Disable {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The member, by id, name or recipient.
        member: String,
    },
    /// Replace a member's key (a lost laptop, a new identity made with `meldpunt
    /// keygen`): the old key can no longer sign in and leaves the roster; every
    /// desk asks its member to confirm the change. What is stored stays sealed to
    /// the old key until a member re-seals it (`meldpunt reseal`).
    Rekey {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The member, by id, name or recipient.
        member: String,
        /// The member's new public key (age1…), or a file that holds it.
        #[arg(long)]
        recipient: String,
    },
    /// Enable a disabled member again.
    Enable {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The member, by id, name or recipient.
        member: String,
    },
    /// Tell a member once a day, by e-mail, that there is new activity (never what),
    /// or stop it with --off. The portal sends only with --notify-smtp set.
    #[command(group(clap::ArgGroup::new("how").required(true).args(["email", "off"])))]
    Notify {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
        /// The member, by id, name or recipient.
        member: String,
        /// The address to notify.
        #[arg(long)]
        email: Option<String>,
        /// Stop notifying this member and forget the address.
        #[arg(long)]
        off: bool,
    },
}

/// `meldpunt audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exits non-zero when an entry was altered, removed or reordered.
    Verify {
        /// The portal's database.
        #[command(flatten)]
        db: DbArgs,
    },
}

/// `meldpunt keygen`.
#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// Where to write the new identity file (refuses to overwrite).
    #[arg(long, short)]
    pub out: PathBuf,
    /// scrypt work factor (log2 N); 18 takes about a second on a laptop.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u8).range(10..=22))]
    pub work_factor: u8,
    /// Read the passphrase from the first line of this file instead of the terminal.
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
}

/// `meldpunt export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The portal's base URL.
    #[arg(long, env = "MELDPUNT_PORTAL", default_value = "http://127.0.0.1:8080")]
    pub portal: String,
    /// Your identity file.
    #[arg(long, env = "MELDPUNT_IDENTITY")]
    pub identity: PathBuf,
    /// Read the passphrase from the first line of this file instead of the terminal.
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
    /// The case reference (MP-…).
    #[arg(long)]
    pub case: String,
    /// Directory to write the case into (a subdirectory named after the reference).
    #[arg(long, default_value = "exports")]
    pub out: PathBuf,
}

/// `meldpunt reseal`.
#[derive(Debug, Clone, Args)]
pub struct ResealArgs {
    /// The portal's base URL.
    #[arg(long, env = "MELDPUNT_PORTAL", default_value = "http://127.0.0.1:8080")]
    pub portal: String,
    /// Your identity file.
    #[arg(long, env = "MELDPUNT_IDENTITY")]
    pub identity: PathBuf,
    /// Read the passphrase from the first line of this file instead of the terminal.
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
    /// Your desk's state directory, where the committee list you confirmed is kept
    /// (the same as `meldpunt desk --state-dir`; default: $XDG_STATE_HOME/meldpunt
    /// or ~/.local/state/meldpunt). Nothing is sealed to any other list.
    #[arg(long, env = "MELDPUNT_DESK_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
}
