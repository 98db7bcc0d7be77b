//! The public portal: reporter pages, security layers and the router.

mod error;
pub mod form_token;
mod layout;
mod pages;
pub mod ratelimit;
mod report_form;
mod security;
mod session;
mod static_files;
mod thread;
pub mod urlencoded;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Extension};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Router, middleware};
use time::OffsetDateTime;
use tower_governor::GovernorLayer;
use tower_http::timeout::TimeoutLayer;

pub use report_form::TextLimits;
pub use session::CookiePolicy;

use crate::crypto::RecipientSet;
use crate::i18n::Lang;
use crate::storage::{InstallationSecrets, Storage};

/// No form of ours has more fields than this; a body with more is refused.
pub const MAX_FORM_FIELDS: usize = 64;

/// Everything the handlers share.
pub struct AppState {
    pub storage: Storage,
    committee: RwLock<RecipientSet>,
    pub secrets: InstallationSecrets,
    pub cookie: CookiePolicy,
    pub text_limits: TextLimits,
    pub session_idle_secs: i64,
    pub form_ttl_secs: i64,
    /// The public origin (scheme://host[:port]) when configured, for the POST check.
    pub public_origin: Option<String>,
}

pub type SharedState = Arc<AppState>;

pub struct StateParts {
    pub storage: Storage,
    pub committee: RecipientSet,
    pub secrets: InstallationSecrets,
    pub cookie: CookiePolicy,
    pub text_limits: TextLimits,
    pub session_idle_secs: i64,
    pub form_ttl_secs: i64,
    pub public_origin: Option<String>,
}

impl AppState {
    pub fn new(p: StateParts) -> SharedState {
        Arc::new(Self {
            storage: p.storage,
            committee: RwLock::new(p.committee),
            secrets: p.secrets,
            cookie: p.cookie,
            text_limits: p.text_limits,
            session_idle_secs: p.session_idle_secs,
            form_ttl_secs: p.form_ttl_secs,
            public_origin: p.public_origin,
        })
    }

    /// The recipient set new messages are sealed to.
    pub fn committee(&self) -> RecipientSet {
        self.committee
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Settings of the HTTP layers around the handlers.
pub struct HttpSettings {
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

fn reporter_pages() -> Router<SharedState> {
    Router::new()
        .route("/", get(pages::landing))
        .route(
            "/report",
            get(pages::report_form).post(pages::submit_report),
        )
        .route("/pickup", get(thread::pickup_form).post(thread::pickup))
        .route("/thread", get(thread::show).post(thread::follow_up))
        .route("/sign-out", post(thread::sign_out))
}

/// The whole portal. Layers, from the outside in: security headers, error pages,
/// timeout, global and per-client rate limits on POST, body limit, cross-site check.
pub fn router(state: SharedState, limits: &ratelimit::Limits, http: &HttpSettings) -> Router {
    Router::new()
        .merge(reporter_pages().layer(Extension(Lang::Nl)))
        .nest("/en", reporter_pages().layer(Extension(Lang::En)))
        .route("/en/", get(|| async { Redirect::permanent("/en") }))
        .route("/static/style.css", get(static_files::stylesheet))
        .route("/static/favicon.svg", get(static_files::favicon))
        .route("/favicon.ico", get(static_files::favicon))
        .route("/robots.txt", get(static_files::robots))
        .route("/healthz", get(static_files::health))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(from_fn_with_state(
            state.clone(),
            security::same_origin_posts,
        ))
        .layer(DefaultBodyLimit::max(http.max_body_bytes))
        .layer(GovernorLayer::new(limits.per_client.clone()))
        .layer(GovernorLayer::new(limits.global.clone()))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            http.request_timeout,
        ))
        .layer(middleware::from_fn(security::error_pages))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}
