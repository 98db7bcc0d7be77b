//! The committee desk: a local web app on 127.0.0.1 that holds the member's
//! identity, fetches ciphertext from the portal, decrypts and renders it, and
//! seals replies and notes before they leave this computer.

mod case_page;
mod client;
mod export;
mod inbox;
mod layout;
mod pages;
mod stats;
mod texts;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tokio::sync::RwLock;

pub use client::{Opened, Portal, PortalError};
pub use export::{ExportError, export_case};
pub use texts::DeskTexts;

use crate::config::DeskArgs;
use crate::crypto;
use crate::i18n::Lang;
use crate::identity::{self, IdentityError, IdentityFile};

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("the desk listens on loopback only (127.0.0.1 or ::1), not {0}")]
    NotLoopback(SocketAddr),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the desk stopped: {0}")]
    Serve(#[source] std::io::Error),
    #[error("unknown language {0:?}; use nl or en")]
    Lang(String),
}

pub struct DeskState {
    portal_url: String,
    identity_file: IdentityFile,
    /// The signed-in portal client; `None` while the identity is locked.
    portal: RwLock<Option<Arc<Portal>>>,
    launch: [u8; 32],
    port: u16,
    export_dir: PathBuf,
    lang: Lang,
}

pub type SharedDesk = Arc<DeskState>;

impl DeskState {
    pub fn texts(&self) -> &'static DeskTexts {
        match self.lang {
            Lang::Nl => &texts::NL,
            Lang::En => &texts::EN,
        }
    }

    /// The token every form must carry: derived from the launch token, so only a
    /// page this desk served can know it.
    pub fn csrf(&self) -> String {
        crypto::hex(&crypto::hmac_tag(&self.launch, &[b"meldpunt desk csrf"]))
    }

    pub async fn portal(&self) -> Option<Arc<Portal>> {
        self.portal.read().await.clone()
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
}

const COOKIE: &str = "meldpunt_desk";

/// Only this desk's own pages, opened through the launch link, may drive it: the
/// Host must be the loopback address (against DNS rebinding), the launch token must
/// come as the printed link or as the cookie it sets, and no request may come from
/// another site.
async fn guard(State(state): State<SharedDesk>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !state.host_allowed(host) {
        return (StatusCode::MISDIRECTED_REQUEST, "wrong host").into_response();
    }
    if let Some(site) = request.headers().get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return layout::forbidden(&state);
    }
    // The stylesheet and icon are public and harmless: the "open the desk with the
    // link" page a visitor without the launch cookie sees can then be styled.
    if request.uri().path().starts_with("/static/") && request.method() == axum::http::Method::GET {
        return next.run(request).await;
    }
    let expected = crypto::hex(&state.launch);
    if let Some(query) = request.uri().query()
        && let Some(token) = query.split('&').find_map(|p| p.strip_prefix("launch="))
    {
        if !crypto::ct_eq(token.as_bytes(), expected.as_bytes()) {
            return layout::forbidden(&state);
        }
        // Trade the token in the URL for a cookie and drop it from the address bar.
        let mut r = Redirect::to(request.uri().path()).into_response();
        let cookie = format!("{COOKIE}={expected}; Path=/; HttpOnly; SameSite=Strict");
        r.headers_mut().insert(
            header::SET_COOKIE,
            HeaderValue::try_from(cookie).expect("hex cookie"),
        );
        return r;
    }
    let has_cookie = crate::http::cookie(request.headers(), COOKIE)
        .is_some_and(|v| crypto::ct_eq(v.as_bytes(), expected.as_bytes()));
    if !has_cookie {
        return layout::forbidden(&state);
    }
    let mut response = next.run(request).await;
    crate::http::security::set_headers(&mut response);
    response
}

pub fn router(state: SharedDesk) -> Router {
    Router::new()
        .route("/", get(inbox::inbox))
        .route("/unlock", get(pages::unlock_form).post(pages::unlock))
        .route("/case/{id}", get(case_page::case_page))
        .route("/case/{id}/acknowledge", post(case_page::acknowledge))
        .route("/case/{id}/status", post(case_page::change_status))
        .route("/case/{id}/assign", post(case_page::assign))
        .route("/case/{id}/reply", post(case_page::reply))
        .route("/case/{id}/note", post(case_page::note))
        .route("/case/{id}/export", post(case_page::export))
        .route("/case/{id}/files/{attachment}", get(case_page::download))
        .route("/stats", get(stats::stats))
        .route("/sign-out", post(pages::sign_out))
        .route(
            "/static/style.css",
            get(|| async { crate::http::assets::stylesheet().await }),
        )
        .route(
            "/static/favicon.svg",
            get(|| async { crate::http::assets::favicon().await }),
        )
        .fallback(layout::not_found)
        // Replies may carry files; the handler bounds them while reading.
        .layer(axum::extract::DefaultBodyLimit::max(110 * 1024 * 1024))
        .layer(from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

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
    let identity_file = identity::read(&args.identity)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| DeskError::Bind {
            addr: args.listen,
            source,
        })?;
    let port = listener.local_addr().map_err(DeskError::Serve)?.port();
    let portal = match &identity_file {
        IdentityFile::Plain(id) => Some(Arc::new(Portal::new(&args.portal, id.clone()))),
        IdentityFile::Encrypted(_) => None,
    };
    let state = Arc::new(DeskState {
        portal_url: args.portal.trim_end_matches('/').to_owned(),
        identity_file,
        portal: RwLock::new(portal),
        launch: crypto::random_bytes::<32>(),
        port,
        export_dir: args.export_dir.clone(),
        lang,
    });
    Ok((listener, state))
}

pub async fn serve(listener: tokio::net::TcpListener, state: SharedDesk) -> Result<(), DeskError> {
    axum::serve(listener, router(state))
        .await
        .map_err(DeskError::Serve)
}

pub fn launch_url(state: &DeskState) -> String {
    format!(
        "http://127.0.0.1:{}/?launch={}",
        state.port,
        crypto::hex(&state.launch)
    )
}
