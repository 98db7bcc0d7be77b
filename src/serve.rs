//! Start-up of the portal: committee keys (or the demo key), database, secrets,
//! router, listener, housekeeping, graceful shutdown.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderName;

use crate::config::{DEFAULT_RECIPIENTS, ServeArgs};
use crate::crypto::{self, RecipientsError};
use crate::site::{Site, SiteError};
use crate::storage::{Storage, StorageError};
use crate::web::{self, AppState, CookiePolicy, HttpSettings, TextLimits, ratelimit};

/// Why the portal did not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The recipients file exists but cannot be read.
    #[error("cannot read the recipients file {path}: {cause}")]
    ReadRecipients {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// The recipients file holds a line that is not a public recipient.
    #[error("recipients file {path}: {cause}")]
    Recipients {
        /// The file.
        path: PathBuf,
        /// Which line, and what is wrong with it.
        cause: RecipientsError,
    },
    /// Nobody to seal to, and the demo key is not allowed here.
    #[error(
        "no committee recipient: {0} has none and no member is active; add a member with \
         `meldpunt member add` or a public key (age1…) to the file; see keys/README.md"
    )]
    NoRecipients(PathBuf),
    /// The demo identity could not be made.
    #[error("cannot create the demo identity under {path}: {cause}")]
    Demo {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// The demo identity file is not an age identity.
    #[error("the demo identity file {0} is not an age identity")]
    DemoUnreadable(PathBuf),
    /// The site profile is missing or malformed.
    #[error(transparent)]
    Site(#[from] SiteError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A rate limit the limiter cannot represent.
    #[error(transparent)]
    RateLimits(#[from] ratelimit::TooLarge),
    /// The notification settings are incomplete or unusable.
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyConfigError),
    /// The trusted proxy header is not a valid header name.
    #[error("invalid trusted proxy header name")]
    ProxyHeader,
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// Where the committee recipients came from.
enum KeySource {
    Configured,
    Demo(PathBuf),
}

/// Reads the recipients file (an absent file is an empty one).
fn read_recipients_file(path: &Path) -> Result<Vec<crypto::Recipient>, ServeError> {
    match std::fs::read_to_string(path) {
        Ok(text) => crypto::parse_recipients(&text).map_err(|cause| ServeError::Recipients {
            path: path.to_owned(),
            cause,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(cause) => Err(ServeError::ReadRecipients {
            path: path.to_owned(),
            cause,
        }),
    }
}

/// Makes sure someone can read what is stored: recipients in the file, active
/// members, or — only for trying meldpunt out — a demo member whose key is kept
/// next to the server.
async fn check_committee(
    args: &ServeArgs,
    storage: &Storage,
    file_recipients: &[crypto::Recipient],
) -> Result<KeySource, ServeError> {
    // A key next to the server is acceptable only for trying meldpunt out: only with
    // the default recipients file and only when nobody else can reach the portal.
    let demo_allowed =
        args.recipients == Path::new(DEFAULT_RECIPIENTS) && args.listen.ip().is_loopback();
    let demo_path = args.data_dir.join(DEMO_IDENTITY);
    let configured =
        !file_recipients.is_empty() || !storage.active_member_recipients().await?.is_empty();
    if configured && !(demo_allowed && demo_path.exists()) {
        return Ok(KeySource::Configured);
    }
    if !demo_allowed {
        return Err(ServeError::NoRecipients(args.recipients.clone()));
    }
    let identity = demo_identity(&demo_path)?;
    let recipient = identity.to_public().to_string();
    match storage.member_by_recipient(&recipient).await? {
        Some(m) if !m.active => return Ok(KeySource::Configured),
        Some(_) => {}
        None => {
            let id = crypto::hex(&crypto::random_bytes::<16>());
            let today = time::OffsetDateTime::now_utc().date();
            storage.add_member(&id, "Demo", &recipient, today).await?;
        }
    }
    Ok(KeySource::Demo(demo_path))
}

/// File name of the demo identity under the data directory.
pub const DEMO_IDENTITY: &str = "demo-identity.txt";

/// Reads the demo identity, making it on first run (readable by the owner only).
fn demo_identity(path: &Path) -> Result<crypto::Identity, ServeError> {
    let demo_err = |cause| ServeError::Demo {
        path: path.to_owned(),
        cause,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            crypto::parse_identity(&text).ok_or_else(|| ServeError::DemoUnreadable(path.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(demo_err)?;
            }
            let identity = crypto::Identity::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(demo_err)?;
            file.write_all(crypto::identity_file_text(&identity).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(demo_err)?;
            Ok(identity)
        }
        Err(e) => Err(demo_err(e)),
    }
}

fn origin_of(url: &str) -> String {
    if let Some(origin) = crate::protocol::sign_in::origin_of(url) {
        return origin;
    }
    let lower = url.trim_end_matches('/').to_ascii_lowercase();
    match lower.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or("")),
        None => lower,
    }
}

/// Told to whoever started the portal, once it listens.
pub struct Started {
    /// The address it listens on (port 0 resolved).
    pub addr: SocketAddr,
    /// The demo identity file, when the portal runs as a local demonstration.
    pub demo_identity: Option<PathBuf>,
}

/// Runs the portal until Ctrl-C or SIGTERM; `started` hears where it listens.
pub async fn run(
    args: ServeArgs,
    started: Option<tokio::sync::oneshot::Sender<Started>>,
) -> Result<(), ServeError> {
    crate::attachments::isolate::use_own_executable(args.cleaner.cleaner_memory_mib);
    // First, so a malformed profile stops the start before anything is touched.
    let site = Site::load(args.site.as_deref())?;
    let file_recipients = read_recipients_file(&args.recipients)?;
    let storage = Storage::connect(&args.database_url).await?;
    tracing::debug!("database connected and migrated");
    let source = check_committee(&args, &storage, &file_recipients).await?;
    let notifier = args.notify.notifier()?;
    let secrets = storage.installation_secrets().await?;
    tracing::trace!(
        file_recipients = file_recipients.len(),
        "committee recipients checked"
    );
    let trusted_header = args
        .trusted_proxy_header
        .as_deref()
        .map(|h| HeaderName::try_from(h.to_ascii_lowercase()).map_err(|_| ServeError::ProxyHeader))
        .transpose()?;
    let limits = ratelimit::Limits::new(&ratelimit::RateSettings {
        burst: args.rate_burst,
        period: Duration::from_millis(args.rate_period_ms.max(1)),
        global_burst: args.global_rate_burst,
        global_period: Duration::from_millis(args.global_rate_period_ms.max(1)),
        trusted_header,
        ipv6_prefix: args.rate_ipv6_prefix,
        shared: args.shared_limits,
    })?;
    let state = Arc::new(AppState {
        storage: storage.clone(),
        file_recipients,
        secrets,
        cookie: CookiePolicy {
            secure: args.secure_context(),
        },
        text_limits: TextLimits {
            long: args.max_text_chars,
            short: args.max_short_chars,
        },
        session_idle_secs: args.session_idle_secs,
        session_max_secs: args.session_max_secs,
        form_ttl_secs: args.form_ttl_secs,
        public_origin: args.public_url.as_deref().map(origin_of),
        member_idle_secs: args.member_idle_secs,
        challenge_secs: args.challenge_secs,
        retention_days: args.retention_days,
        file_limits: crate::attachments::FileLimits {
            max_files: args.max_files,
            max_file_bytes: args.max_file_mib * 1024 * 1024,
            max_message_bytes: args.max_message_mib * 1024 * 1024,
        },
        spool_dir: args.spool_dir.clone(),
        max_body_bytes: args.max_body_bytes,
        site,
        ceiling: web::ceiling::Ceiling::new(args.max_reports_per_hour, args.shared_limits),
        known_sets: Default::default(),
    });
    let app = web::router(
        state.clone(),
        &limits,
        &HttpSettings {
            max_body_bytes: args.max_body_bytes,
            max_upload_bytes: usize::try_from(args.max_message_mib * 1024 * 1024)
                .unwrap_or(usize::MAX)
                .saturating_add(2 * 1024 * 1024),
            request_timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
        },
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|cause| ServeError::Bind {
            addr: args.listen,
            cause,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    // Only `meldpunt` without a subcommand listens for the start, and it starts a desk
    // for the demo identity; everyone else is told how to start one.
    let desk_follows = started.is_some() && matches!(source, KeySource::Demo(_));
    announce(addr, &source, args.public_url.as_deref(), desk_follows);
    if let Some(notifier) = notifier {
        println!(
            "member notifications: by e-mail at {:02}:00 UTC, for reporter activity up to the day before",
            notifier.hour
        );
        tokio::spawn(crate::notify::run_daily(storage.clone(), notifier));
    }
    if let Some(tx) = started {
        let demo_identity = match &source {
            KeySource::Demo(path) => Some(path.clone()),
            KeySource::Configured => None,
        };
        let _ = tx.send(Started {
            addr,
            demo_identity,
        });
    }

    let every = Duration::from_secs(args.housekeeping_secs);
    tokio::spawn(housekeeping(state, limits, every));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(ServeError::Serve)
}

fn announce(addr: SocketAddr, source: &KeySource, public_url: Option<&str>, desk_follows: bool) {
    let mut out = std::io::stdout().lock();
    if let KeySource::Demo(path) = source {
        let _ = writeln!(
            out,
            "\n  DEMO MODE: no committee recipient is configured in {DEFAULT_RECIPIENTS}.\n  \
             Reports are sealed to a demo identity kept in {}.\n  \
             A key next to the server is for trying meldpunt out only: never use this for real reports.\n",
            path.display()
        );
    }
    let _ = writeln!(out, "meldpunt portal listening on http://{addr}/");
    if let Some(url) = public_url {
        let _ = writeln!(out, "public address: {url}");
    }
    if !desk_follows {
        let _ = writeln!(out, "{}", desk_hint(addr, source, public_url));
    }
    let _ = out.flush();
}

/// The one line that tells how to open the committee desk against this portal, for
/// when this process does not start one: the demo identity's file when there is one,
/// a placeholder for a member's own identity file otherwise.
fn desk_hint(addr: SocketAddr, source: &KeySource, public_url: Option<&str>) -> String {
    let portal = match public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        // A desk cannot connect to "every address": it asks this machine.
        None if addr.ip().is_unspecified() => {
            let here = SocketAddr::new(
                match addr.ip() {
                    IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
                },
                addr.port(),
            );
            format!("http://{here}")
        }
        None => format!("http://{addr}"),
    };
    let identity = match source {
        KeySource::Demo(path) => shell_word(&path.display().to_string()),
        KeySource::Configured => "YOUR-IDENTITY-FILE".to_owned(),
    };
    format!(
        "to open the committee desk, run: meldpunt desk --identity {identity} --portal {portal}"
    )
}

/// A path as one word a shell reads back unchanged, so the hint can be pasted.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Every cycle (a minute by default): forget idle rate-limit buckets (which hold
/// client addresses in memory), and, when this instance claims the cycle in the
/// database, expired sessions and form nonces, unclaimed files, closed cases past
/// retention and old refusal counts. The claim makes several instances on one
/// database run each cycle's purge once between them.
async fn housekeeping(state: web::SharedState, limits: ratelimit::Limits, every: Duration) {
    let mut tick = tokio::time::interval(every);
    let every_secs = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
    loop {
        tick.tick().await;
        limits.forget_idle();
        let now = state.now();
        let storage = &state.storage;
        let result = async {
            if !storage
                .claim_housekeeping(now.unix_timestamp(), every_secs)
                .await?
            {
                return Ok(0);
            }
            storage
                .purge_expired(now.unix_timestamp(), now.date())
                .await?;
            storage.purge_member_auth(now.unix_timestamp()).await?;
            storage
                .purge_pending_attachments(now.unix_timestamp())
                .await?;
            storage.purge_withdrawals(now.date()).await?;
            storage
                .purge_flood_days(
                    now.date() - time::Duration::days(crate::protocol::MAX_FLOOD_DAYS as i64),
                )
                .await?;
            storage.purge_closed(now.date()).await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "housekeeping failed; will retry");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}
