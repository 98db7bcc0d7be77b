//! The page frame every reporter page shares: language, skip link, header with the
//! language switch and the names from the site profile, main landmark, footer with
//! the privacy statement. No scripts, no external resources.
//!
//! A handler answers with a [`Page`]; the frame around it is drawn by
//! `security::frame`, the one layer that knows the site profile, so no handler can
//! forget it and the error pages made by the layers get the same frame. That layer
//! also adds `Onion-Location`, which belongs on HTML pages only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::i18n::{Lang, PRIVACY_PATH, Texts};
use crate::site::Site;

/// Marks a response whose body is already a finished page, so the error-page layer
/// leaves it alone.
#[derive(Clone, Copy)]
pub struct Rendered;

/// A complete page: status, language, and where the language switch leads (`None`
/// hides it, e.g. on the receipt, where leaving would lose the code).
#[derive(Clone)]
pub struct Page {
    pub status: StatusCode,
    pub lang: Lang,
    pub title: String,
    /// Language-neutral path of this page, such as "/report".
    pub switch_path: Option<&'static str>,
    pub body: Markup,
}

impl Page {
    pub fn new(
        lang: Lang,
        title: impl Into<String>,
        switch_path: Option<&'static str>,
        body: Markup,
    ) -> Self {
        Self {
            status: StatusCode::OK,
            lang,
            title: title.into(),
            switch_path,
            body,
        }
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn render(&self, site: &Site) -> Markup {
        let t = self.lang.texts();
        let lang = self.lang;
        let who = site.who(lang);
        html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (self.title) (t.title_suffix) }
                    link rel="stylesheet" href="/static/style.css";
                    link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                }
                body {
                    a class="skip-link" href="#main" { (t.skip_link) }
                    @if site.example {
                        p class="example-banner" id="example-banner" { (t.example_banner) }
                    }
                    header class="site-header" {
                        div class="site-header-inner" {
                            p class="site-name" { a href=(lang.path("/")) { (t.site_name) } }
                            p class="site-tagline" { ((t.site_tagline)(&who)) }
                            nav aria-label=(t.nav_label) {
                                ul {
                                    li { a href=(lang.path("/")) { (t.nav_home) } }
                                    li { a href=(lang.path("/report")) { (t.nav_report) } }
                                    li { a href=(lang.path("/pickup")) { (t.nav_pickup) } }
                                    @if let Some(path) = self.switch_path {
                                        @let other = lang.other();
                                        li class="lang-switch" {
                                            a href=(other.path(path)) lang=(other.code()) hreflang=(other.code()) {
                                                (t.other_language)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main id="main" tabindex="-1" {
                        (self.body)
                    }
                    footer class="site-footer" {
                        p { (t.footer_privacy) }
                        p { a href=(lang.path(PRIVACY_PATH)) id="privacy-link" { (t.footer_privacy_link) } }
                    }
                }
            }
        }
    }
}

/// A page waiting for its frame: [`frame`] draws it.
#[derive(Clone)]
struct Unframed(Page);

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(Rendered);
        response.extensions_mut().insert(Unframed(self));
        response
    }
}

/// The page a handler answered with, taken out of its response to be drawn in its
/// frame (see `security::frame`).
pub(super) fn take_page(response: &mut Response) -> Option<Page> {
    response
        .extensions_mut()
        .remove::<Unframed>()
        .map(|Unframed(page)| page)
}

/// A simple page with a title, one paragraph and a link home; used for errors and
/// notices.
pub fn message_page(lang: Lang, status: StatusCode, title: &str, text: &str) -> Page {
    let t = lang.texts();
    Page::new(
        lang,
        title,
        Some("/"),
        html! {
            h1 { (title) }
            p { (text) }
            p { a href=(lang.path("/")) { (t.back_home) } }
        },
    )
    .status(status)
}

/// A form that could not be read (bad characters, a damaged or altered form).
pub fn bad_request(lang: Lang) -> Response {
    let t = lang.texts();
    message_page(
        lang,
        StatusCode::BAD_REQUEST,
        t.bad_request_title,
        t.bad_request_text,
    )
    .into_response()
}

/// A form that was sent before: what it submitted was stored once, then.
pub fn already_sent(lang: Lang) -> Response {
    let t = lang.texts();
    message_page(
        lang,
        StatusCode::CONFLICT,
        t.form_already_sent_title,
        t.form_already_sent_text,
    )
    .into_response()
}

/// A field's error, marked so that it reads as an error in linear order too.
pub fn field_error(t: &Texts, id: &str, message: Markup) -> Markup {
    html! {
        p class="field-error" id=(id) {
            span class="error-prefix" { (t.error_prefix) } " " (message)
        }
    }
}

/// The summary of problems above a form, each linked to the field it is about
/// (`(field id, message)`); nothing when there are none. `autofocus` moves focus to
/// it without JavaScript so screen readers announce it first.
pub fn error_summary(t: &Texts, problems: &[(&str, &str)]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus
                aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (t.error_summary_title) }
                ul {
                    @for (field, message) in problems {
                        li { a href={ "#" (field) } { (message) } }
                    }
                }
            }
        }
    }
}
