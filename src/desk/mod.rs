//! The committee desk: a local web app on 127.0.0.1 that holds the member's
//! identity, fetches ciphertext from the portal, decrypts and renders it, and
//! seals replies and notes before they leave this computer.

mod case_actions;
mod case_page;
mod case_view;
mod client;
mod error;
mod export;
mod history;
mod inbox;
mod layout;
mod left_out;
mod notify_page;
mod pages;
pub mod pins;
pub mod reseal;
mod reseal_api;
pub mod reseal_cli;
mod reseal_page;
mod reseal_plan;
mod reseal_texts;
mod roster_page;
mod sealing;
mod session;
mod stats;
mod summary;
mod templates;
mod texts;
mod trust_texts;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tokio::sync::RwLock;

pub use client::{Portal, PortalError, acceptable_portal_url};
pub use export::{ExportError, export_case};
pub use sealing::{Opened, ReporterKey, open_message, reporter_key};
pub use texts::DeskTexts;
pub use trust_texts::TrustTexts;

use crate::config::DeskArgs;
use crate::crypto;
use crate::i18n::Lang;
use crate::identity::{self, IdentityError, IdentityFile};
use session::Sessions;

/// Why the desk could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The listen address is not a loopback address.
    #[error("the desk listens on loopback only (127.0.0.1 or ::1), not {0}")]
    NotLoopback(SocketAddr),
    /// The identity file cannot be read or holds no usable identity.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The listener failed while the desk was serving (or its port was unknown).
    #[error("the desk stopped: {0}")]
    Serve(#[source] std::io::Error),
    /// The language is neither nl nor en.
    #[error("unknown language {0:?}; use nl or en")]
    Lang(String),
    /// The portal's URL is not acceptable (see [`acceptable_portal_url`]).
    #[error(transparent)]
    Portal(#[from] PortalError),
}

/// Everything one launch of the desk holds: the portal, the identity, the
/// browser sessions and the launch's random path prefix.
pub struct DeskState {
    portal_url: String,
    /// The portal's origin as this desk knows it; pins and challenges name it.
    origin: String,
    identity_file: IdentityFile,
    /// The signed-in portal client; `None` while the identity is locked.
    portal: RwLock<Option<Arc<Portal>>>,
    /// Every path of this launch starts with it (`/d-` and 32 hex digits): a
    /// cookie scoped to it is not sent to other local services.
    prefix: String,
    sessions: Sessions,
    /// Key of the forms' CSRF tokens.
    csrf_key: [u8; 32],
    /// When a request last came in; the identity locks after `lock_after`.
    last_activity: std::sync::Mutex<Instant>,
    lock_after: Duration,
    port: u16,
    export_dir: PathBuf,
    lang: Lang,
    pins: pins::PinStore,
    /// Where the pins and the reply templates are kept.
    state_dir: PathBuf,
    /// The reports' inbox columns, decrypted; in memory only, dropped on lock.
    summaries: summary::Summaries,
    /// The zone history times are shown in; `None` shows UTC.
    time_zone: Option<tz::TimeZone>,
    /// Counts actions, so every redirect after one has a URL of its own.
    actions: std::sync::atomic::AtomicU64,
    /// The re-seal run of this desk, if one was started.
    reseal: Arc<reseal::Job>,
}

/// The desk's state as the handlers share it.
pub type SharedDesk = Arc<DeskState>;

impl DeskState {
    /// The desk's own texts in its language.
    pub fn texts(&self) -> &'static DeskTexts {
        match self.lang {
            Lang::Nl => &texts::NL,
            Lang::En => &texts::EN,
        }
    }

    /// Texts about the roster, the reporter's key and the lock.
    pub fn trust_texts(&self) -> &'static TrustTexts {
        match self.lang {
            Lang::Nl => &trust_texts::NL,
            Lang::En => &trust_texts::EN,
        }
    }

    /// The token every form must carry: random per launch, so only a page this
    /// desk served can know it.
    pub fn csrf(&self) -> String {
        crypto::hex(&crypto::hmac_tag(&self.csrf_key, &[b"meldpunt desk csrf"]))
    }

    /// A path of this desk: `path` (starting with `/`) under the launch's prefix.
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// The signed-in portal client; `None` while the identity is locked.
    pub async fn portal(&self) -> Option<Arc<Portal>> {
        self.portal.read().await.clone()
    }

    /// Forgets the unlocked identity (and ends the portal session): after an idle
    /// time and on sign-out. The key's memory is wiped when the last user of the
    /// client lets go of it.
    pub async fn lock(&self) {
        // A locked desk holds no unlocked identity, so a re-seal run ends too.
        self.reseal.stop();
        self.summaries.clear();
        if let Some(portal) = self.portal.write().await.take() {
            let _ = portal.sign_out().await;
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let port = self.port;
        [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
        .iter()
        .any(|h| h == host)
    }

    /// Notes a request; true when the idle time had passed and the identity must
    /// be locked first.
    fn touch(&self) -> bool {
        let mut last = self.last_activity.lock().expect("not poisoned");
        let idle = last.elapsed() >= self.lock_after;
        *last = Instant::now();
        idle
    }
}

/// Only this desk's own pages, opened through the launch link, may drive it: the
/// Host must be the loopback address (against DNS rebinding), the path must carry
/// this launch's random prefix, the launch link works once and is traded for a
/// session cookie scoped to the prefix, and no request may come from another site.
async fn guard(State(state): State<SharedDesk>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !state.host_allowed(host) {
        return with_headers((StatusCode::MISDIRECTED_REQUEST, "wrong host").into_response());
    }
    let path = request.uri().path();
    let inside = path
        .strip_prefix(state.prefix.as_str())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if !inside {
        return with_headers(StatusCode::NOT_FOUND.into_response());
    }
    if let Some(site) = request.headers().get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return with_headers(layout::forbidden(&state));
    }
    // The stylesheet and icon are public and harmless: the "open the desk with the
    // link" page a visitor without the session cookie sees can then be styled.
    if path.starts_with(&state.href("/static/")) && request.method() == axum::http::Method::GET {
        return with_headers(next.run(request).await);
    }
    if let Some(query) = request.uri().query()
        && let Some(token) = query.split('&').find_map(|p| p.strip_prefix("launch="))
    {
        let Some(cookie) = state.sessions.launch(token) else {
            return with_headers(layout::forbidden(&state));
        };
        println!(
            "the desk's link was used and no longer works; to open the desk in another browser: {}",
            launch_url(&state)
        );
        // Always to the desk's own start page: nothing from the request decides
        // where the browser goes next.
        let mut r = Redirect::to(&state.href("/")).into_response();
        r.headers_mut().insert(
            header::SET_COOKIE,
            HeaderValue::try_from(cookie).expect("hex cookie"),
        );
        return with_headers(r);
    }
    let session = crate::http::cookie(request.headers(), session::COOKIE);
    if !session.is_some_and(|v| state.sessions.valid(v)) {
        return with_headers(layout::forbidden(&state));
    }
    if state.touch() {
        state.lock().await;
    }
    let response = next.run(request).await;
    with_headers(response)
}

/// The security headers of every desk answer: the same list as the portal's.
fn with_headers(mut response: Response) -> Response {
    crate::http::security::set_headers(&mut response);
    response
}

/// The desk's routes, every one under the launch's prefix and behind the guard.
pub fn router(state: SharedDesk) -> Router {
    let p = |path: &str| state.href(path);
    Router::new()
        .route(&p(""), get(inbox::inbox))
        .route(&p("/"), get(inbox::inbox))
        .route(&p("/unlock"), get(pages::unlock_form).post(pages::unlock))
        .route(
            &p("/roster"),
            get(roster_page::roster_page).post(roster_page::confirm),
        )
        .route(&p("/go"), get(inbox::go))
        .route(&p("/case/{id}"), get(case_page::case_page))
        .route(
            &p("/case/{id}/acknowledge"),
            post(case_actions::acknowledge),
        )
        .route(&p("/case/{id}/status"), post(case_actions::change_status))
        .route(&p("/case/{id}/assign"), post(case_actions::assign))
        .route(&p("/case/{id}/reply"), post(case_actions::reply))
        .route(&p("/case/{id}/note"), post(case_actions::note))
        .route(&p("/case/{id}/export"), post(case_actions::export))
        .route(
            &p("/case/{id}/files/{attachment}"),
            get(case_actions::download),
        )
        .route(
            &p("/reseal"),
            get(reseal_page::reseal_page).post(reseal_page::start),
        )
        .route(&p("/reseal/stop"), post(reseal_page::stop))
        .route(&p("/stats"), get(stats::stats))
        .route(
            &p("/notifications"),
            get(notify_page::notify_page).post(notify_page::set_notify),
        )
        .route(&p("/sign-out"), post(pages::sign_out))
        .route(
            &p("/static/style.css"),
            get(|| async { crate::http::assets::stylesheet().await }),
        )
        .route(
            &p("/static/favicon.svg"),
            get(|| async { crate::http::assets::favicon().await }),
        )
        .fallback(layout::not_found)
        // Replies may carry files; the handler bounds them while reading.
        .layer(axum::extract::DefaultBodyLimit::max(110 * 1024 * 1024))
        .layer(from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// `meldpunt desk`: prepares the desk, prints the launch link and serves until
/// stopped.
pub async fn run(args: DeskArgs) -> Result<(), DeskError> {
    let (listener, state) = prepare(&args).await?;
    let url = launch_url(&state);
    println!(
        "meldpunt desk for {} listening on 127.0.0.1:{}",
        state.portal_url, state.port
    );
    println!("open the desk in your browser: {url}");
    if state.identity_file.is_encrypted() {
        println!("your identity is locked; the desk asks for the passphrase on its first page");
    }
    serve(listener, state).await
}

/// Binds the loopback listener and reads the identity (unlocked at once when it
/// has no passphrase).
pub async fn prepare(args: &DeskArgs) -> Result<(tokio::net::TcpListener, SharedDesk), DeskError> {
    if !args.listen.ip().is_loopback() {
        return Err(DeskError::NotLoopback(args.listen));
    }
    let lang = match args.lang.as_str() {
        "nl" => Lang::Nl,
        "en" => Lang::En,
        other => return Err(DeskError::Lang(other.to_owned())),
    };
    let origin = acceptable_portal_url(&args.portal)?;
    crate::attachments::isolate::use_own_executable(args.cleaner.cleaner_memory_mib);
    let identity_file = identity::read(&args.identity)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| DeskError::Bind {
            addr: args.listen,
            source,
        })?;
    let port = listener.local_addr().map_err(DeskError::Serve)?.port();
    let portal = match &identity_file {
        IdentityFile::Plain(id) => Some(Arc::new(Portal::new(&args.portal, id.clone())?)),
        IdentityFile::Encrypted(_) => None,
    };
    let prefix = format!("/d-{}", crypto::hex(&crypto::random_bytes::<16>()));
    let state = Arc::new(DeskState {
        portal_url: args.portal.trim_end_matches('/').to_owned(),
        origin,
        identity_file,
        portal: RwLock::new(portal),
        sessions: Sessions::new(&prefix),
        prefix,
        csrf_key: crypto::random_bytes::<32>(),
        last_activity: std::sync::Mutex::new(Instant::now()),
        lock_after: Duration::from_secs(args.lock_after_secs),
        port,
        export_dir: args.export_dir.clone(),
        lang,
        pins: pins::PinStore::new(&args.state_dir()),
        state_dir: args.state_dir(),
        summaries: summary::Summaries::default(),
        time_zone: history::time_zone(args.time_zone.as_deref()),
        actions: std::sync::atomic::AtomicU64::new(0),
        reseal: Arc::new(reseal::Job::default()),
    });
    Ok((listener, state))
}

/// Serves the desk on `listener`, locking the identity after the idle time even
/// when no request comes in.
pub async fn serve(listener: tokio::net::TcpListener, state: SharedDesk) -> Result<(), DeskError> {
    // The identity locks after the idle time even when no request comes to notice.
    let watcher = Arc::downgrade(&state);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let Some(state) = watcher.upgrade() else {
                break;
            };
            let idle =
                state.last_activity.lock().expect("not poisoned").elapsed() >= state.lock_after;
            if idle && state.portal.read().await.is_some() {
                state.lock().await;
            }
        }
    });
    axum::serve(listener, router(state))
        .await
        .map_err(DeskError::Serve)
}

/// The link that opens the desk, once.
pub fn launch_url(state: &DeskState) -> String {
    format!(
        "http://127.0.0.1:{}{}/?launch={}",
        state.port,
        state.prefix,
        state.sessions.current_launch()
    )
}
