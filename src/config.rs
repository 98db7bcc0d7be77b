//! Command line and environment: one clap struct per role; every flag is also an
//! environment variable so a service manager can configure it without arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand};

mod admin;
pub use admin::{
    AuditCommand, BackupArgs, DbArgs, ExportArgs, KeygenArgs, MemberCommand, ResealArgs,
    RestoreArgs,
};

/// meldpunt: a confidential reporting portal for concerns about professional
/// secrecy and privacy in social work.
///
/// Without a subcommand it runs `serve` with its defaults: on a fresh checkout that is
/// a local demonstration on http://127.0.0.1:8080 with SQLite under data/.
#[derive(Debug, Parser)]
#[command(name = "meldpunt", version, about, long_about)]
pub struct Cli {
    /// The role to run; none runs the portal with its defaults (the local demo).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The roles and commands of the one binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the public portal: reporter pages and the committee API.
    // Boxed: its flags (with the notification settings) outweigh every other command's.
    Serve(Box<ServeArgs>),
    /// Run the committee desk on this computer: unlock your identity, read and answer cases.
    Desk(DeskArgs),
    /// Make a new committee identity, encrypted with a passphrase; prints its public key.
    Keygen(KeygenArgs),
    /// Add, list, disable, enable or re-key committee members (run on the server).
    #[command(subcommand)]
    Member(MemberCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Export a case as plain .age files plus a manifest, through the committee API.
    Export(ExportArgs),
    /// Re-seal what the portal stores for an earlier committee list to the list you
    /// confirmed in your desk (after a member joined, left or changed keys); can be
    /// stopped (Ctrl-C) and run again to resume.
    Reseal(ResealArgs),
    /// Write a consistent copy of a SQLite database while the portal runs.
    Backup(BackupArgs),
    /// Restore a SQLite backup as the database of a new installation.
    Restore(RestoreArgs),
    /// Internal: the child process that removes metadata from one file.
    #[command(hide = true)]
    CleanFile(crate::attachments::isolate::CleanFileArgs),
}

/// The file cleaner's limits, the same flag for the portal and the desk.
#[derive(Debug, Clone, Args)]
pub struct CleanerArgs {
    /// Address space (MiB) of the child process that removes metadata from a file;
    /// a hostile file that needs more is stored as received, with a warning.
    #[arg(long, env = "MELDPUNT_CLEANER_MEMORY_MIB", default_value_t = crate::attachments::isolate::DEFAULT_MEMORY_MIB,
          value_parser = clap::value_parser!(u64).range(64..=65_536))]
    pub cleaner_memory_mib: u64,
}

/// `meldpunt desk`.
#[derive(Debug, Clone, Args)]
pub struct DeskArgs {
    /// The portal's base URL.
    #[arg(long, env = "MELDPUNT_PORTAL", default_value = "http://127.0.0.1:8080")]
    pub portal: String,
    /// Your identity file (from `meldpunt keygen`, or age-keygen, optionally `age -p`).
    #[arg(long, env = "MELDPUNT_IDENTITY")]
    pub identity: PathBuf,
    /// Where the desk listens; only loopback addresses are accepted.
    #[arg(long, env = "MELDPUNT_DESK_LISTEN", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Directory exports are written to.
    #[arg(long, env = "MELDPUNT_EXPORT_DIR", default_value = "exports")]
    pub export_dir: PathBuf,
    /// Language of the desk: nl or en.
    #[arg(long, env = "MELDPUNT_DESK_LANG", default_value = "nl")]
    pub lang: String,
    /// Where the desk keeps the committee rosters you confirmed, one file per portal
    /// (default: $XDG_STATE_HOME/meldpunt or ~/.local/state/meldpunt).
    #[arg(long, env = "MELDPUNT_DESK_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// Time zone of the times the desk shows, e.g. Europe/Amsterdam (default: this
    /// computer's, from TZ or /etc/localtime; UTC when neither can be read).
    #[arg(long, env = "MELDPUNT_DESK_TIME_ZONE")]
    pub time_zone: Option<String>,
    /// Limits of the child process that cleans files.
    #[command(flatten)]
    pub cleaner: CleanerArgs,
    /// Lock the identity again after this many seconds without a request.
    #[arg(long, env = "MELDPUNT_DESK_LOCK_AFTER_SECS", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub lock_after_secs: u64,
}

impl DeskArgs {
    /// The state directory: the flag, or the XDG state directory.
    pub fn state_dir(&self) -> PathBuf {
        state_dir(self.state_dir.as_deref())
    }
}

/// The desk's state directory (where its pinned rosters are): `flag` when given,
/// else the XDG state directory. `meldpunt desk` and `meldpunt reseal` share it.
pub fn state_dir(flag: Option<&std::path::Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_owned();
    }
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("meldpunt");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/state/meldpunt"),
        None => PathBuf::from("meldpunt-desk-state"),
    }
}

/// `meldpunt serve`, and `meldpunt` without a subcommand.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Use port 0 to pick a free port (printed at start).
    #[arg(long, env = "MELDPUNT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Site profile (TOML): organisation, committee, contact route, controller,
    /// onion address. Without it, site.toml in the working directory, or else the
    /// example profile, which every page then marks as an example.
    #[arg(long, env = "MELDPUNT_SITE")]
    pub site: Option<PathBuf>,

    /// Database: sqlite://PATH or postgres://USER@HOST/DB. The SQLite file and its
    /// directory are created when missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/meldpunt.db"
    )]
    pub database_url: String,

    /// age recipients file with the committee's public keys (one age1… per line,
    /// # comments allowed). Secret keys in it stop the start-up.
    #[arg(long, env = "MELDPUNT_RECIPIENTS", default_value = DEFAULT_RECIPIENTS)]
    pub recipients: PathBuf,

    /// Directory for the demo identity, made only when no committee recipient is
    /// configured and the portal listens on loopback.
    #[arg(long, env = "MELDPUNT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Public base URL as reporters see it. With https:// or a .onion host the session
    /// cookie gets the strict __Host- name and the Secure attribute.
    #[arg(long, env = "MELDPUNT_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Largest request body in bytes for the text forms.
    #[arg(long, env = "MELDPUNT_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Longest "what happened" text (and follow-up message) in characters.
    #[arg(long, env = "MELDPUNT_MAX_TEXT_CHARS", default_value_t = 20_000)]
    pub max_text_chars: usize,

    /// Longest short field (municipality, organisation, …) in characters.
    #[arg(long, env = "MELDPUNT_MAX_SHORT_CHARS", default_value_t = 500)]
    pub max_short_chars: usize,

    /// Most files a reporter can send with one message.
    #[arg(long, env = "MELDPUNT_MAX_FILES", default_value_t = 10)]
    pub max_files: usize,

    /// Largest single file in MiB.
    #[arg(long, env = "MELDPUNT_MAX_FILE_MIB", default_value_t = 25)]
    pub max_file_mib: u64,

    /// Largest total of the files of one message in MiB.
    #[arg(long, env = "MELDPUNT_MAX_MESSAGE_MIB", default_value_t = 100)]
    pub max_message_mib: u64,

    /// Directory for the encrypted upload spool (default: the system temp directory).
    #[arg(long, env = "MELDPUNT_SPOOL_DIR")]
    pub spool_dir: Option<PathBuf>,

    /// Limits of the child process that cleans files.
    #[command(flatten)]
    pub cleaner: CleanerArgs,

    /// POST requests one client may make in a burst.
    #[arg(long, env = "MELDPUNT_RATE_BURST", default_value_t = 10)]
    pub rate_burst: u32,

    /// Milliseconds after which one more POST is allowed for a client.
    #[arg(long, env = "MELDPUNT_RATE_PERIOD_MS", default_value_t = 6_000)]
    pub rate_period_ms: u64,

    /// POST requests all clients together may make in a burst. Behind Tor every
    /// client arrives from 127.0.0.1, so this cap is what really protects the portal.
    #[arg(long, env = "MELDPUNT_GLOBAL_RATE_BURST", default_value_t = 120)]
    pub global_rate_burst: u32,

    /// Milliseconds after which one more POST is allowed in the global cap.
    #[arg(long, env = "MELDPUNT_GLOBAL_RATE_PERIOD_MS", default_value_t = 100)]
    pub global_rate_period_ms: u64,

    /// Header that a trusted reverse proxy sets to the client address (for example
    /// X-Forwarded-For or X-Real-IP). Without it, rate limits key on the peer address
    /// and forwarded headers are ignored, so they cannot be spoofed.
    #[arg(long, env = "MELDPUNT_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,

    /// IPv6 clients are counted per network of this prefix length (one /64 is what
    /// a single customer usually gets, so a longer prefix gives one attacker many
    /// buckets); IPv4 clients per address.
    #[arg(long, env = "MELDPUNT_RATE_IPV6_PREFIX", default_value_t = 64,
          value_parser = clap::value_parser!(u8).range(16..=128))]
    pub rate_ipv6_prefix: u8,

    /// New reports accepted per clock hour, all clients together; past it the report
    /// form answers "busy, try again later" and the refusal is counted per day for
    /// the committee. Sized for an association: a flood of reports is refused
    /// before it can bury the real ones.
    #[arg(long, env = "MELDPUNT_MAX_REPORTS_PER_HOUR", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_reports_per_hour: u32,

    /// Keep the global rate limit and the report ceiling in the database instead of
    /// in memory, so that several instances on one PostgreSQL database share them.
    /// Costs one database write per POST (two for a new report); per-client limits
    /// stay per instance.
    #[arg(long, env = "MELDPUNT_SHARED_LIMITS")]
    pub shared_limits: bool,

    /// Seconds between housekeeping cycles (purge of expired sessions, unclaimed
    /// files and closed cases past retention). With several instances on one
    /// database one of them runs each cycle.
    #[arg(long, env = "MELDPUNT_HOUSEKEEPING_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub housekeeping_secs: u64,

    /// Seconds a reporter session lives without activity.
    #[arg(
        long,
        env = "MELDPUNT_SESSION_IDLE_SECS",
        default_value_t = 15 * 60,
        value_parser = clap::value_parser!(u64).map(secs)
    )]
    pub session_idle_secs: i64,

    /// Seconds after sign-in at which a reporter session ends however active it is,
    /// which bounds what a copied cookie is worth.
    #[arg(
        long,
        env = "MELDPUNT_SESSION_MAX_SECS",
        default_value_t = 2 * 3600,
        value_parser = clap::value_parser!(u64).map(secs)
    )]
    pub session_max_secs: i64,

    /// Seconds a form may stay open before it must be sent again.
    #[arg(
        long,
        env = "MELDPUNT_FORM_TTL_SECS",
        default_value_t = 4 * 3600,
        value_parser = clap::value_parser!(u64).map(secs)
    )]
    pub form_ttl_secs: i64,

    /// Seconds a committee member's API session lives without activity.
    #[arg(
        long,
        env = "MELDPUNT_MEMBER_IDLE_SECS",
        default_value_t = 30 * 60,
        value_parser = clap::value_parser!(u64).map(secs)
    )]
    pub member_idle_secs: i64,

    /// Seconds a member has to answer a sign-in challenge.
    #[arg(
        long,
        env = "MELDPUNT_CHALLENGE_SECS",
        default_value_t = 120,
        value_parser = clap::value_parser!(u64).map(secs)
    )]
    pub challenge_secs: i64,

    /// Days a closed case is kept before it is deleted (and its code stops working).
    #[arg(
        long,
        env = "MELDPUNT_RETENTION_DAYS",
        default_value_t = 183,
        value_parser = clap::value_parser!(u32).map(i64::from)
    )]
    pub retention_days: i64,

    /// Seconds a request may take in all, so slow clients cannot hold connections
    /// for ever; long enough for the largest upload on a slow line (Tor).
    #[arg(long, env = "MELDPUNT_REQUEST_TIMEOUT_SECS", default_value_t = 600)]
    pub request_timeout_secs: u64,

    /// Members' content-free notifications by e-mail (off unless an SMTP server is set).
    #[command(flatten)]
    pub notify: crate::notify::NotifyArgs,
}

/// The recipients file read when none is named; only with it may the demo key be made.
pub const DEFAULT_RECIPIENTS: &str = "keys/committee.txt";

/// A number of seconds as the `i64` that Unix times are computed in. The flag takes
/// any `u64`; one too large for `i64` becomes `i64::MAX / 2`, so adding it to the
/// time of day cannot overflow.
fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX / 2)
}

impl ServeArgs {
    /// The arguments `meldpunt` runs with when no subcommand is given: defaults,
    /// overridden by environment variables.
    pub fn from_env() -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["meldpunt"]).args
    }

    /// Whether the strict cookie attributes apply: behind TLS or an onion address.
    pub fn secure_context(&self) -> bool {
        match &self.public_url {
            Some(url) => {
                let lower = url.to_ascii_lowercase();
                let host = lower
                    .split_once("://")
                    .map_or(lower.as_str(), |(_, rest)| rest)
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                lower.starts_with("https://") || host.ends_with(".onion")
            }
            None => false,
        }
    }
}
