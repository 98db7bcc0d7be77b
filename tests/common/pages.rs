//! Reading what the portal answered: responses, HTML by CSS selector, the forms
//! the tests fill in, and the assertions every page must pass.

use super::*;

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `name=value` part of the session cookie this response sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap().to_owned())
    }
}

/// Text content of the elements matching `css`, whitespace collapsed.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("valid selector");
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn text(html: &Html, css: &str) -> String {
    texts(html, css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element matches {css}"))
}

/// The messages on a reporter's thread page that have a text, in order, as
/// (author label, text).
pub fn thread_messages(html: &Html) -> Vec<(String, String)> {
    let articles = Selector::parse("ol.thread article").unwrap();
    html.select(&articles)
        .filter_map(|a| {
            let inner = Html::parse_fragment(&a.html());
            let body = texts(&inner, "div.message-text");
            body.first()
                .map(|t| (text(&inner, ".message-author"), t.clone()))
        })
        .collect()
}

/// The pickup code on a receipt as one word. Its digits are elements of their own
/// (underlined on screen), so `text` would put spaces inside it.
pub fn pickup_code(html: &Html) -> String {
    let sel = Selector::parse("#pickup-code").expect("valid selector");
    let code: String = html
        .select(&sel)
        .next()
        .expect("the receipt shows a pickup code")
        .text()
        .collect();
    code.trim().to_owned()
}

pub fn attr(html: &Html, css: &str, name: &str) -> Option<String> {
    let sel = Selector::parse(css).expect("valid selector");
    html.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

pub fn form_token(html: &Html) -> String {
    attr(html, "input[name=form_token]", "value").expect("the page has a form token")
}

/// A report with every field filled, as form pairs.
pub fn full_report(what: &str) -> Vec<(String, String)> {
    [
        ("role", "social-worker"),
        ("concern", "shared-with-volunteers"),
        ("concern", "fraud-reporting"),
        ("what", what),
        ("org_kind", "wijkteam"),
        ("municipality", "Utrecht"),
        ("org_name", "Team Noord"),
        ("when", "voorjaar 2026"),
        ("ongoing", "yes"),
        ("affected", "cliënten van het team"),
        ("elsewhere", "leidinggevende"),
        ("hope", "advice"),
        ("contact", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

// Assertions about responses, shared by the hardening tests.

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// Words from library defaults and internals that must never reach a reporter.
pub const LEAKS: &[&str] = &[
    "panic",
    "sqlx",
    "Unable To Extract Key",
    "Too Many Requests!",
    "Failed to buffer",
    "length limit",
];

pub fn only_header<'a>(r: &'a Resp, name: &str) -> Option<&'a str> {
    let all: Vec<_> = r.headers.get_all(name).iter().collect();
    assert!(all.len() <= 1, "{name} is sent {} times", all.len());
    r.header(name)
}

pub fn assert_security_headers(r: &Resp, what: &str) {
    assert_eq!(
        only_header(r, "content-security-policy"),
        Some(CSP),
        "{what}"
    );
    assert_eq!(
        only_header(r, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(
        only_header(r, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(only_header(r, "x-frame-options"), Some("DENY"), "{what}");
    assert!(
        only_header(r, "permissions-policy").is_some_and(|v| !v.trim().is_empty()),
        "{what}: a permissions-policy header"
    );
    assert!(
        r.headers.get("server").is_none(),
        "{what}: no server header"
    );
    assert!(
        r.headers.get("access-control-allow-origin").is_none(),
        "{what}: no CORS header"
    );
}

/// A friendly HTML error page in `lang` with the security headers and no internals.
pub fn assert_friendly_page(r: &Resp, status: u16, lang: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_security_headers(r, what);
    assert_eq!(
        r.header("cache-control"),
        Some("no-store, no-cache"),
        "{what}"
    );
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{what}: an HTML page"
    );
    let page = r.html();
    let headings = texts(&page, "h1");
    assert_eq!(headings.len(), 1, "{what}: one h1, got {headings:?}");
    assert!(!headings[0].is_empty(), "{what}: the h1 says something");
    assert_eq!(attr(&page, "html", "lang").as_deref(), Some(lang), "{what}");
    let lower = r.body.to_lowercase();
    for word in LEAKS {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "{what}: the page mentions {word:?}"
        );
    }
}
