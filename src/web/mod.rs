//! The public portal: reporter pages, security layers and the router.

pub mod api;
pub mod ceiling;
mod cookie;
mod error;
mod follow_up;
pub mod form_token;
mod layout;
mod pages;
mod pickup;
mod privacy;
pub mod ratelimit;
pub mod report_form;
pub mod security;
mod session;
mod sign_in;
mod state;
pub mod static_files;
mod thread;
pub mod upload;
mod withdraw;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Extension};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post, put};
use axum::{Router, middleware};
use tower::util::Either;
use tower_governor::GovernorLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub use cookie::CookiePolicy;
pub use report_form::TextLimits;
pub use state::{AppState, SharedState};

use crate::http::assets;
use crate::i18n::Lang;

/// Settings of the HTTP layers around the handlers.
pub struct HttpSettings {
    /// Largest body of a form without files.
    pub max_body_bytes: usize,
    /// Largest body of a form with files: the files plus room for the text fields.
    pub max_upload_bytes: usize,
    /// Longest a request may take.
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
                .post(follow_up::follow_up)
                .layer(with_files()),
        )
        .route("/thread/files/{id}", get(thread::download))
        .route("/sign-out", post(thread::sign_out))
        .route("/withdraw", get(withdraw::confirm).post(withdraw::withdraw))
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
        .route(crate::protocol::paths::ROSTER, get(api::roster))
        .route(
            crate::protocol::paths::NOTIFICATIONS,
            get(api::notifications).post(api::set_notifications),
        )
        .route("/api/v1/cases", get(api::list_cases))
        .route(crate::protocol::paths::REPORTS, post(api::reports))
        .route(
            crate::protocol::paths::WITHDRAWALS,
            get(api::list_withdrawals),
        )
        .route(crate::protocol::paths::FLOOD_DAYS, get(api::flood_days))
        .route(crate::protocol::paths::LEFT_OUT, get(api::left_out))
        .route("/api/v1/cases/{id}", get(api::case_detail))
        .route(
            crate::protocol::reseal::routes::MESSAGES,
            post(api::post_message).put(api::replace_messages),
        )
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
        .route(crate::protocol::reseal::OUTDATED, get(api::outdated))
        .route(crate::protocol::reseal::PENDING, get(api::pending))
        .route(
            crate::protocol::reseal::routes::ATTACHMENT,
            put(api::replace_attachment),
        )
}

/// The whole portal. Layers, from the outside in: security headers, error pages,
/// timeout, body limit, cross-site check; then on the reporter pages and the
/// sign-in routes the per-client limit and the global limit on POST, and on the
/// committee API the global limit only.
pub fn router(state: SharedState, limits: &ratelimit::Limits, http: &HttpSettings) -> Router {
    // The per-client limit is checked first: a request it refuses must not use up
    // the global cap, or one client could lock everyone else out.
    let global = match limits.shared {
        None => Either::Left(GovernorLayer::new(limits.global.clone())),
        Some(rate) => Either::Right(from_fn_with_state(
            (state.storage.clone(), rate),
            ratelimit::shared_global,
        )),
    };
    let per_client_limited = Router::new()
        .merge(
            reporter_pages(http.max_upload_bytes)
                .route("/privacyverklaring", get(privacy::show))
                .layer(Extension(Lang::Nl)),
        )
        .nest(
            "/en",
            reporter_pages(http.max_upload_bytes)
                .route(crate::i18n::PRIVACY_PATH, get(privacy::show))
                .layer(Extension(Lang::En)),
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
        .layer(middleware::from_fn(run_to_completion))
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
        .layer(from_fn_with_state(state.clone(), security::frame))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}

/// Runs each handler to its end even when the client goes away or the timeout
/// answers first. A handler dropped halfway through a database transaction leaves
/// it to be rolled back whenever the pool next touches that connection; on
/// PostgreSQL its row locks (the audit chain's head, a member's session) meanwhile
/// stall every request that needs them. A panic is passed on to the panic layer.
async fn run_to_completion(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
