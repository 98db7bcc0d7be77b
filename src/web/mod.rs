//! The public portal: reporter pages, security layers and the router.

pub mod api;
mod error;
pub mod form_token;
mod layout;
mod pages;
mod pickup;
pub mod ratelimit;
pub mod report_form;
pub mod security;
mod session;
pub mod static_files;
mod thread;
pub mod upload;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Extension};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Router, middleware};
use time::OffsetDateTime;
use tower_governor::GovernorLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub use report_form::TextLimits;
pub use session::CookiePolicy;

use crate::crypto::{Recipient, RecipientSet};
use crate::http::assets;
use crate::i18n::Lang;
use crate::storage::{InstallationSecrets, Storage};
use error::WebError;

/// Everything the handlers share.
pub struct AppState {
    pub storage: Storage,
    /// Recipients from the recipients file (e.g. an offline backup key); the active
    /// members' recipients are added at every sealing.
    file_recipients: Vec<Recipient>,
    pub secrets: InstallationSecrets,
    pub cookie: CookiePolicy,
    pub text_limits: TextLimits,
    pub session_idle_secs: i64,
    pub session_max_secs: i64,
    pub form_ttl_secs: i64,
    /// The public origin (scheme://host[:port]) when configured, for the POST check.
    pub public_origin: Option<String>,
    pub member_idle_secs: i64,
    pub challenge_secs: i64,
    pub retention_days: i64,
    pub file_limits: crate::attachments::FileLimits,
    pub spool_dir: Option<std::path::PathBuf>,
    pub max_body_bytes: usize,
}

pub type SharedState = Arc<AppState>;

pub struct StateParts {
    pub storage: Storage,
    pub file_recipients: Vec<Recipient>,
    pub secrets: InstallationSecrets,
    pub cookie: CookiePolicy,
    pub text_limits: TextLimits,
    pub session_idle_secs: i64,
    pub session_max_secs: i64,
    pub form_ttl_secs: i64,
    pub public_origin: Option<String>,
    pub member_idle_secs: i64,
    pub challenge_secs: i64,
    pub retention_days: i64,
    pub file_limits: crate::attachments::FileLimits,
    pub spool_dir: Option<std::path::PathBuf>,
    pub max_body_bytes: usize,
}

impl AppState {
    pub fn new(p: StateParts) -> SharedState {
        Arc::new(Self {
            storage: p.storage,
            file_recipients: p.file_recipients,
            secrets: p.secrets,
            cookie: p.cookie,
            text_limits: p.text_limits,
            session_idle_secs: p.session_idle_secs,
            session_max_secs: p.session_max_secs,
            form_ttl_secs: p.form_ttl_secs,
            public_origin: p.public_origin,
            member_idle_secs: p.member_idle_secs,
            challenge_secs: p.challenge_secs,
            file_limits: p.file_limits,
            spool_dir: p.spool_dir,
            max_body_bytes: p.max_body_bytes,
            retention_days: p.retention_days,
        })
    }

    /// The recipient set new messages are sealed to: the active members and the
    /// recipients file, read at every sealing so a member change made by another
    /// process or instance applies at once. Without any recipient nothing is accepted.
    pub async fn committee(&self) -> Result<RecipientSet, WebError> {
        let mut all = self.file_recipients.clone();
        for r in self.storage.active_member_recipients().await? {
            let parsed = Recipient::from_str(&r).map_err(|_| WebError::BadStoredRecipient)?;
            if !all.iter().any(|x| x.to_string() == parsed.to_string()) {
                all.push(parsed);
            }
        }
        RecipientSet::new(all).map_err(|_| WebError::NoRecipients)
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Settings of the HTTP layers around the handlers.
pub struct HttpSettings {
    pub max_body_bytes: usize,
    /// Largest body of a form with files: the files plus room for the text fields.
    pub max_upload_bytes: usize,
    pub request_timeout: Duration,
}

/// Reporter pages. The two forms that take files get a body limit sized for them;
/// their handlers bound every field and file themselves while reading.
fn reporter_pages(upload_limit: usize) -> Router<SharedState> {
    let with_files = || DefaultBodyLimit::max(upload_limit);
    Router::new()
        .route("/", get(pages::landing))
        .route(
            "/report",
            get(pages::report_form)
                .post(pages::submit_report)
                .layer(with_files()),
        )
        .route("/pickup", get(pickup::pickup_form).post(pickup::pickup))
        .route(
            "/thread",
            get(thread::show)
                .post(thread::follow_up)
                .layer(with_files()),
        )
        .route("/thread/files/{id}", get(thread::download))
        .route("/sign-out", post(thread::sign_out))
}

/// Debug builds only, and only when asked: a route that panics, so the tests can
/// show what a reporter sees when a handler fails that way. A release build has no
/// such route whatever its environment says.
fn test_routes(router: Router<SharedState>) -> Router<SharedState> {
    #[cfg(debug_assertions)]
    if std::env::var_os("MELDPUNT_TEST_PANIC_ROUTE").is_some() {
        return router.route("/test/panic", get(panics));
    }
    router
}

#[cfg(debug_assertions)]
async fn panics() -> StatusCode {
    panic!("a test panic quoting a secret: quoted-7f3a9c")
}

/// Committee API routes that need a signed-in member; they count against the
/// global cap but not the per-client one (a member at work makes many requests).
fn committee_api() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/sign-out", post(api::sign_out))
        .route("/api/v1/members", get(api::members))
        .route("/api/v1/cases", get(api::list_cases))
        .route("/api/v1/cases/{id}", get(api::case_detail))
        .route("/api/v1/cases/{id}/messages", post(api::post_message))
        .route("/api/v1/cases/{id}/status", post(api::set_status))
        .route("/api/v1/cases/{id}/assign", post(api::assign))
        .route("/api/v1/cases/{id}/read", post(api::mark_read))
        .route("/api/v1/cases/{id}/exported", post(api::exported))
        .route("/api/v1/cases/{id}/history", get(api::history))
        .route(
            "/api/v1/cases/{id}/attachments",
            post(api::upload_attachment),
        )
        .route(
            "/api/v1/cases/{id}/attachments/{attachment}",
            get(api::download_attachment),
        )
}

/// The whole portal. Layers, from the outside in: security headers, error pages,
/// timeout, body limit, cross-site check; then on the reporter pages and the
/// sign-in routes the per-client limit and the global limit on POST, and on the
/// committee API the global limit only.
pub fn router(state: SharedState, limits: &ratelimit::Limits, http: &HttpSettings) -> Router {
    // The per-client limit is checked first: a request it refuses must not use up
    // the global cap, or one client could lock everyone else out.
    let global = GovernorLayer::new(limits.global.clone());
    let per_client_limited = Router::new()
        .merge(reporter_pages(http.max_upload_bytes).layer(Extension(Lang::Nl)))
        .nest(
            "/en",
            reporter_pages(http.max_upload_bytes).layer(Extension(Lang::En)),
        )
        .route("/api/v1/sign-in/challenge", post(api::challenge))
        .route("/api/v1/sign-in/answer", post(api::answer))
        .layer(global.clone())
        .layer(GovernorLayer::new(limits.per_client.clone()));
    let routes = Router::new()
        .merge(per_client_limited)
        .merge(committee_api().layer(global))
        .route("/en/", get(|| async { Redirect::permanent("/en") }))
        .route("/static/style.css", get(assets::stylesheet))
        .route("/static/favicon.svg", get(assets::favicon))
        .route("/favicon.ico", get(assets::favicon))
        .route("/robots.txt", get(static_files::robots))
        .route("/healthz", get(static_files::health));
    test_routes(routes)
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(from_fn_with_state(
            state.clone(),
            security::same_origin_posts,
        ))
        .layer(DefaultBodyLimit::max(http.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            http.request_timeout,
        ))
        // A panicking handler would otherwise drop the connection: the reporter gets
        // the friendly 500 page instead, and the panic's message goes nowhere.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        ))
        .layer(middleware::from_fn(security::error_pages))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}
