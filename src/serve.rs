//! Start-up of the portal: committee keys (or the demo key), database, secrets,
//! router, listener, housekeeping, graceful shutdown.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::HeaderName;

use crate::config::{DEFAULT_RECIPIENTS, ServeArgs};
use crate::crypto::{self, RecipientSet, RecipientsError};
use crate::storage::{Storage, StorageError};
use crate::web::{self, AppState, CookiePolicy, HttpSettings, StateParts, TextLimits, ratelimit};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot read the recipients file {path}: {source}")]
    ReadRecipients {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("recipients file {path}: {source}")]
    Recipients {
        path: PathBuf,
        source: RecipientsError,
    },
    #[error(
        "no committee recipient in {0}: add the public key (age1…) of at least one committee member; \
         see keys/README.md"
    )]
    NoRecipients(PathBuf),
    #[error("cannot create the demo identity under {path}: {source}")]
    Demo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the demo identity file {0} is not an age identity")]
    DemoUnreadable(PathBuf),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("invalid trusted proxy header name")]
    ProxyHeader,
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// Where the committee recipients came from.
enum KeySource {
    File(PathBuf),
    Demo(PathBuf),
}

fn load_committee(args: &ServeArgs) -> Result<(RecipientSet, KeySource), ServeError> {
    let path = &args.recipients;
    let recipients = match std::fs::read_to_string(path) {
        Ok(text) => crypto::parse_recipients(&text).map_err(|source| ServeError::Recipients {
            path: path.clone(),
            source,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(ServeError::ReadRecipients {
                path: path.clone(),
                source,
            });
        }
    };
    if !recipients.is_empty() {
        let set =
            RecipientSet::new(recipients).map_err(|_| ServeError::NoRecipients(path.clone()))?;
        return Ok((set, KeySource::File(path.clone())));
    }
    // A key next to the server is only acceptable for trying meldpunt out: only with
    // the default recipients file and only when nobody else can reach the portal.
    if path != Path::new(DEFAULT_RECIPIENTS) || !args.listen.ip().is_loopback() {
        return Err(ServeError::NoRecipients(path.clone()));
    }
    let demo_path = args.data_dir.join("demo-identity.txt");
    let identity = demo_identity(&demo_path)?;
    let set = RecipientSet::new(vec![identity.to_public()])
        .map_err(|_| ServeError::DemoUnreadable(demo_path.clone()))?;
    Ok((set, KeySource::Demo(demo_path)))
}

/// Reads the demo identity, making it on first run (readable by the owner only).
fn demo_identity(path: &Path) -> Result<crypto::Identity, ServeError> {
    let demo_err = |source| ServeError::Demo {
        path: path.to_owned(),
        source,
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
    let lower = url.trim_end_matches('/').to_ascii_lowercase();
    match lower.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or("")),
        None => lower,
    }
}

pub async fn run(args: ServeArgs) -> Result<(), ServeError> {
    let (committee, source) = load_committee(&args)?;
    let storage = Storage::connect(&args.database_url).await?;
    tracing::debug!("database connected and migrated");
    let secrets = storage.installation_secrets().await?;
    tracing::trace!(
        fingerprint = committee.fingerprint(),
        "committee recipient set loaded"
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
    });
    let state = AppState::new(StateParts {
        storage: storage.clone(),
        committee,
        secrets,
        cookie: CookiePolicy {
            secure: args.secure_context(),
        },
        text_limits: TextLimits {
            long: args.max_text_chars,
            short: args.max_short_chars,
        },
        session_idle_secs: i64::try_from(args.session_idle_secs).unwrap_or(i64::MAX / 2),
        form_ttl_secs: i64::try_from(args.form_ttl_secs).unwrap_or(i64::MAX / 2),
        public_origin: args.public_url.as_deref().map(origin_of),
    });
    let app = web::router(
        state.clone(),
        &limits,
        &HttpSettings {
            max_body_bytes: args.max_body_bytes,
            request_timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
        },
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    announce(addr, &source, args.public_url.as_deref());

    tokio::spawn(housekeeping(state, limits));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(ServeError::Serve)
}

fn announce(addr: SocketAddr, source: &KeySource, public_url: Option<&str>) {
    let mut out = std::io::stdout().lock();
    if let KeySource::Demo(path) = source {
        let _ = writeln!(
            out,
            "\n  DEMO MODE: no committee recipient is configured in {DEFAULT_RECIPIENTS}.\n  \
             Reports are sealed to a demo identity kept in {}.\n  \
             A key next to the server is for trying meldpunt out only: never use this for real reports.\n",
            path.display()
        );
    } else if let KeySource::File(path) = source {
        let _ = writeln!(out, "committee recipients: {}", path.display());
    }
    let _ = writeln!(out, "meldpunt portal listening on http://{addr}/");
    if let Some(url) = public_url {
        let _ = writeln!(out, "public address: {url}");
    }
    let _ = out.flush();
}

/// Every minute: forget expired sessions and form nonces, and idle rate-limit
/// buckets (which hold client addresses in memory).
async fn housekeeping(state: web::SharedState, limits: ratelimit::Limits) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.now();
        if let Err(e) = state
            .storage
            .purge_expired(now.unix_timestamp(), now.date())
            .await
        {
            tracing::warn!(error = %e, "housekeeping failed; will retry");
        }
        limits.forget_idle();
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
