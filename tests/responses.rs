//! What every response says about itself (checklist #5, #12, #13, #25, #27, #29):
//! security headers on redirects too, the cross-origin and indexing headers with their
//! values, methods outside the allow-list, robots.txt, the pickup code never in a URL,
//! and stored sizes that do not follow the length of a report.

mod common;

use common::{
    Backend, Options, Resp, TestApp, assert_friendly_page, assert_security_headers, attr,
    form_token, full_report,
};
use reqwest::Method;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn request(app: &TestApp, method: Method, path: &str) -> Resp {
    let r = app
        .client
        .request(method, format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Resp {
        status,
        headers,
        body: r.text().await.unwrap(),
    }
}

fn assert_isolation_headers(r: &Resp, what: &str) {
    assert_eq!(
        r.header("cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        r.header("cross-origin-resource-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        r.header("cross-origin-embedder-policy"),
        Some("require-corp"),
        "{what}"
    );
    assert_eq!(
        r.header("permissions-policy"),
        Some("camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_carry_the_same_security_headers_as_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app.submit_code("", "melding").await;
    let signed_in = app
        .post_form("/pickup", &pairs(&[("code", &code)]), None)
        .await;
    let no_session = app.get("/thread", None).await;
    let en_slash = app.get("/en/", None).await;
    for (r, what) in [
        (&signed_in, "303 after sign-in"),
        (&no_session, "303 to pickup without a session"),
        (&en_slash, "308 from /en/"),
    ] {
        assert!((300..400).contains(&r.status), "{what}: {}", r.status);
        assert_security_headers(r, what);
        assert_isolation_headers(r, what);
        assert_eq!(
            r.header("cache-control"),
            Some("no-store, no-cache"),
            "{what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_isolation_and_indexing_headers_have_their_values() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/",
        "/en",
        "/report",
        "/pickup",
        "/static/style.css",
        "/nope",
        "/healthz",
    ] {
        let r = app.get(path, None).await;
        assert_isolation_headers(&r, path);
        // Plain HTTP (the local demo): no HSTS, which a browser would ignore anyway.
        assert!(r.header("strict-transport-security").is_none(), "{path}");
        let robots = r.header("x-robots-tag");
        if path == "/" || path == "/en" {
            assert_eq!(
                robots,
                Some("nofollow"),
                "{path}: the landing page may be listed"
            );
        } else {
            assert_eq!(robots, Some("noindex, nofollow"), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_every_response_asks_for_https_for_two_years() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            extra_args: vec!["--public-url".into(), "https://meldpunt.example".into()],
            ..Options::default()
        },
    )
    .await;
    for path in ["/", "/report", "/nope", "/static/style.css"] {
        let r = app.get(path, None).await;
        assert_eq!(
            r.header("strict-transport-security"),
            Some("max-age=63072000"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_allows_only_the_two_landing_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.get("/robots.txt", None).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines,
        ["User-agent: *", "Allow: /$", "Allow: /en$", "Disallow: /"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_and_wrong_methods_on_api_routes_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for name in ["PROPFIND", "FOO", "BREW", "M-SEARCH"] {
        let method = Method::from_bytes(name.as_bytes()).unwrap();
        for path in ["/", "/report", "/pickup", "/thread"] {
            let r = request(&app, method.clone(), path).await;
            assert_friendly_page(&r, 405, "nl", &format!("{name} {path}"));
            assert!(
                r.header("allow").is_some(),
                "{name} {path}: an Allow header"
            );
        }
    }
    for (method, path) in [
        (Method::GET, "/api/v1/sign-out"),
        (Method::DELETE, "/api/v1/cases"),
        (
            Method::PUT,
            "/api/v1/cases/0123456789abcdef0123456789abcdef/status",
        ),
        (Method::GET, "/api/v1/sign-in/challenge"),
        (Method::from_bytes(b"PROPFIND").unwrap(), "/api/v1/members"),
    ] {
        let r = request(&app, method.clone(), path).await;
        assert_eq!(r.status, 405, "{method} {path}");
        assert!(r.header("allow").is_some(), "{method} {path}");
        assert_security_headers(&r, path);
        assert!(!r.body.to_lowercase().contains("axum"), "{path}");
    }
    // OPTIONS is no CORS pre-flight: nothing allows another origin.
    let r = app
        .client
        .request(Method::OPTIONS, format!("{}/api/v1/cases", app.base))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(r.headers().get("access-control-allow-methods").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pickup_form_that_is_not_utf8_gets_a_friendly_page_and_no_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (lang, path) in [("nl", "/pickup"), ("en", "/en/pickup")] {
        let r = app
            .post_raw(path, b"code=\xff\xfe\xc3\x28ABCDE".to_vec(), None, &[])
            .await;
        assert_friendly_page(&r, 400, lang, path);
        assert!(r.headers.get("set-cookie").is_none());
    }
    assert_eq!(app.count("reporter_sessions").await, 0);
}

on_both_databases!(
    async fn the_code_is_shown_once_and_never_in_an_address_a_header_or_another_page(backend) {
        let app = TestApp::spawn(backend).await;
        let receipt = app.submit("", full_report("melding")).await;
        assert_eq!(receipt.status, 200);
        assert_eq!(receipt.header("cache-control"), Some("no-store, no-cache"));
        let code = common::pickup_code(&receipt.html());
        let spellings = [
            code.clone(),
            code.replace('-', ""),
            code.to_lowercase(),
            code.replace('-', "").to_lowercase(),
        ];
        let leaks = |what: &str, hay: &str| {
            for s in &spellings {
                assert!(!hay.contains(s.as_str()), "the code is in {what}");
            }
        };
        let mut seen: Vec<Resp> = Vec::new();
        let pickup = app.get("/pickup", None).await;
        assert_eq!(attr(&pickup.html(), "input#code", "autocomplete").as_deref(), Some("off"));
        let signed_in = app.post_form("/pickup", &pairs(&[("code", &code)]), None).await;
        let cookie = signed_in.session_cookie().unwrap();
        seen.push(signed_in);
        // Every page a reporter reaches from here, with and without the session.
        for path in [
            "/", "/en", "/report", "/en/report", "/pickup", "/en/pickup", "/thread", "/en/thread",
            "/thread?sent=1", "/robots.txt", "/nope",
        ] {
            seen.push(app.get(path, Some(&cookie)).await);
            seen.push(app.get(path, None).await);
        }
        let thread = app.get("/thread", Some(&cookie)).await;
        let sent = app
            .post_form(
                "/thread",
                &pairs(&[("form_token", &form_token(&thread.html())), ("text", "aanvulling")]),
                Some(&cookie),
            )
            .await;
        assert_eq!(sent.status, 303);
        seen.push(sent);
        seen.push(app.post_form("/sign-out", &[], Some(&cookie)).await);
        for r in &seen {
            leaks("a body", &r.body);
            for (name, value) in &r.headers {
                leaks(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
            let page = r.html();
            for css in ["a[href]", "form[action]", "link[href]", "img[src]"] {
                let sel = scraper::Selector::parse(css).unwrap();
                for e in page.select(&sel) {
                    for v in [e.value().attr("href"), e.value().attr("action"), e.value().attr("src")]
                        .into_iter()
                        .flatten()
                    {
                        leaks("an address", v);
                    }
                }
            }
        }
        leaks("the logs", &(app.stderr() + &app.stdout()));
    }
);

/// The length of an age file after its header. The header's own length varies at
/// random (the age library adds a "grease" stanza of random size), which blurs
/// lengths further but is not what hides them: the padded payload is.
fn payload_len(age_file: &[u8]) -> usize {
    let mac_line = age_file
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("an age header");
    let end = mac_line
        + 1
        + age_file[mac_line + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .expect("the MAC line ends");
    age_file.len() - end - 1
}

on_both_databases!(
    async fn stored_sizes_do_not_follow_the_length_of_a_report(backend) {
        let app = TestApp::spawn(backend).await;
        for what in ["x", &"Het wijkteam deelt dossiers met vrijwilligers. ".repeat(4)] {
            app.submit_code("", what).await;
        }
        let sizes: Vec<usize> = app
            .stored_messages()
            .await
            .iter()
            .map(|(_, _, _, c)| payload_len(c))
            .collect();
        assert_eq!(sizes.len(), 2);
        assert_eq!(sizes[0], sizes[1], "a 1-character and a 196-character report look alike");
        // A report that is much longer lands in a larger bucket, as it must.
        app.submit_code("", &"lang ".repeat(1000)).await;
        let longest = app
            .stored_messages()
            .await
            .iter()
            .map(|(_, _, _, c)| payload_len(c))
            .max()
            .unwrap();
        assert!(longest > sizes[0]);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_panics_gives_the_friendly_500_page_and_the_portal_goes_on() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            panic_route: true,
            ..Options::default()
        },
    )
    .await;
    let r = app.get("/test/panic", None).await;
    assert_friendly_page(&r, 500, "nl", "a panic");
    assert!(
        !r.body.contains("quoted-7f3a9c"),
        "the panic's message is not shown"
    );
    assert!(!app.stderr().contains("quoted-7f3a9c"), "nor logged");
    assert!(
        app.stderr().contains("internal error at"),
        "where it happened is logged"
    );
    assert_eq!(app.get("/", None).await.status, 200, "the portal goes on");
    // Without the switch the route does not exist.
    let plain = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(plain.get("/test/panic", None).await.status, 404);
}
