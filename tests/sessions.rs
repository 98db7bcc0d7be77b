//! Reporter sessions (checklist #23, #24, #29): the idle and absolute ends, what
//! happens to a follow-up written past them, forms bound to their session, cross-site
//! requests, and a session reaching only its own case.

mod common;

use std::time::Duration;

use common::{Options, Resp, TestApp, form_token, text, texts};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn with_session_limits(backend: common::Backend, idle: u64, max: u64) -> TestApp {
    TestApp::spawn_with(
        backend,
        Options {
            extra_args: vec![
                "--session-idle-secs".into(),
                idle.to_string(),
                "--session-max-secs".into(),
                max.to_string(),
            ],
            ..Options::default()
        },
    )
    .await
}

async fn follow_up(app: &TestApp, cookie: &str, token: &str, message: &str) -> Resp {
    app.post_form(
        "/thread",
        &pairs(&[("form_token", token), ("text", message)]),
        Some(cookie),
    )
    .await
}

async fn messages(app: &TestApp) -> i64 {
    app.count("messages").await
}

fn assert_session_ended_page(r: &Resp, what: &str) {
    assert_eq!(r.status, 200, "{what}: {}", r.body);
    let page = r.html();
    assert_eq!(
        text(&page, "h1"),
        "Je melding ophalen met je code",
        "{what}"
    );
    assert!(
        text(&page, ".notice").starts_with("Je bent niet meer ingelogd."),
        "{what}: {}",
        text(&page, ".notice")
    );
    let cleared = r
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("Max-Age=0"));
    assert!(cleared, "{what}: the cookie is cleared");
}

on_both_databases!(
    async fn a_follow_up_written_after_the_session_ended_comes_back_after_signing_in_again(
        backend
    ) {
        // Three seconds of idle time: short enough to wait out, long enough that a busy
        // machine does not end the new session between sign-in and the follow-up.
        let app = with_session_limits(backend, 3, 3600).await;
        let code = app.submit_code("", "Het wijkteam deelt dossiers.").await;
        let cookie = app.sign_in("", &code).await;
        let token = form_token(&app.get("/thread", Some(&cookie)).await.html());
        let written = "Antwoord op jullie vraag:\nhet ging om drie gezinnen.";
        tokio::time::sleep(Duration::from_millis(4100)).await;

        let r = follow_up(&app, &cookie, &token, written).await;
        assert_session_ended_page(&r, "follow-up after the idle end");
        let page = r.html();
        assert_eq!(text(&page, "label[for=kept-text]"), "Je bericht dat nog niet is verstuurd");
        assert_eq!(text(&page, "textarea#kept-text"), written.replace('\n', " "));
        assert_eq!(messages(&app).await, 1, "nothing was stored");
        assert_eq!(app.count("reporter_sessions").await, 0);

        // A typo in the code keeps the text too.
        let mut typo = code.clone().into_bytes();
        typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
        let typo = String::from_utf8(typo).unwrap();
        let r = app
            .post_form("/pickup", &pairs(&[("code", &typo), ("kept_text", written)]), None)
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(text(&r.html(), "textarea#kept-text"), written.replace('\n', " "));

        // Signing in gives the thread with the text back in the message box, not sent.
        let r = app
            .post_form("/pickup", &pairs(&[("code", &code), ("kept_text", written)]), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.header("location").is_none(), "the text is not carried by a redirect");
        let cookie = r.session_cookie().expect("a new session");
        let page = r.html();
        assert_eq!(text(&page, "h1"), "Je melding en berichten");
        assert!(text(&page, ".notice").starts_with("Je bericht is nog niet verstuurd."));
        let mut shown = Vec::new();
        let sel = scraper::Selector::parse("textarea#followup").unwrap();
        for t in page.select(&sel) {
            shown.push(t.text().collect::<String>());
        }
        assert_eq!(shown, vec![written.to_owned()], "exactly as typed, line break kept");
        assert_eq!(messages(&app).await, 1, "still not sent");

        let r = follow_up(&app, &cookie, &form_token(&page), written).await;
        assert_eq!(r.status, 303);
        assert_eq!(messages(&app).await, 2);
    }
);

on_both_databases!(
    async fn a_follow_up_without_any_session_cookie_is_kept_too(backend) {
        let app = TestApp::spawn(backend).await;
        let r = app
            .post_form("/en/thread", &pairs(&[("text", "written elsewhere")]), None)
            .await;
        assert_eq!(r.status, 200);
        let page = r.html();
        assert_eq!(text(&page, "textarea#kept-text"), "written elsewhere");
        assert_eq!(text(&page, "label[for=kept-text]"), "Your message that has not been sent");
        assert_eq!(messages(&app).await, 0);
    }
);

on_both_databases!(
    async fn a_session_ends_at_its_absolute_lifetime_however_active_it_is(backend) {
        let app = with_session_limits(backend, 3600, 3).await;
        let code = app.submit_code("", "melding").await;
        let cookie = app.sign_in("", &code).await;
        let started = std::time::Instant::now();
        // Kept busy: every request is well inside the idle time.
        while started.elapsed() < Duration::from_millis(2000) {
            let r = app.get("/thread", Some(&cookie)).await;
            assert_eq!(r.status, 200);
            assert_eq!(text(&r.html(), "h1"), "Je melding en berichten");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let r = app.get("/thread", Some(&cookie)).await;
        assert_session_ended_page(&r, "thread after the absolute end");
        assert_eq!(app.count("reporter_sessions").await, 0, "the row is gone");
        // The code still works: a new session begins.
        let again = app.sign_in("", &code).await;
        assert_eq!(text(&app.get("/thread", Some(&again)).await.html(), "h1"), "Je melding en berichten");
    }
);

on_both_databases!(
    async fn the_idle_time_ends_a_session_and_removes_its_row(backend) {
        let app = with_session_limits(backend, 3, 3600).await;
        let code = app.submit_code("", "melding").await;
        let cookie = app.sign_in("", &code).await;
        assert_eq!(app.get("/thread", Some(&cookie)).await.status, 200);
        tokio::time::sleep(Duration::from_millis(4100)).await;
        assert_session_ended_page(&app.get("/thread", Some(&cookie)).await, "idle");
        assert_eq!(app.count("reporter_sessions").await, 0);
    }
);

on_both_databases!(
    async fn a_follow_up_form_from_another_session_is_shown_again_and_not_stored(backend) {
        let app = TestApp::spawn(backend).await;
        let (code_a, code_b) = (
            app.submit_code("", "melding A").await,
            app.submit_code("", "melding B").await,
        );
        let cookie_a = app.sign_in("", &code_a).await;
        let token_a = form_token(&app.get("/thread", Some(&cookie_a)).await.html());
        let cookie_b = app.sign_in("", &code_b).await;

        // A's form sent with B's session.
        let r = follow_up(&app, &cookie_b, &token_a, "van A naar B").await;
        assert_eq!(r.status, 422);
        let page = r.html();
        assert!(text(&page, "#error-summary").contains("van een eerdere keer dat je was ingelogd"));
        assert_eq!(text(&page, "textarea#followup"), "van A naar B");
        // The same for an older session of the same case (signing in again).
        let cookie_a2 = app.sign_in("", &code_a).await;
        let r = follow_up(&app, &cookie_a2, &token_a, "oud formulier").await;
        assert_eq!(r.status, 422);
        assert_eq!(messages(&app).await, 2, "only the two reports");

        // The form of the session itself works.
        let token = form_token(&app.get("/thread", Some(&cookie_a2)).await.html());
        assert_eq!(follow_up(&app, &cookie_a2, &token, "goed").await.status, 303);
        assert_eq!(messages(&app).await, 3);
    }
);

on_both_databases!(
    async fn cross_site_posts_to_thread_and_sign_out_are_refused_and_the_session_lives_on(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("", "melding").await;
        let cookie = app.sign_in("", &code).await;
        let token = form_token(&app.get("/thread", Some(&cookie)).await.html());
        let body = format!("form_token={token}&text=van+een+andere+site");
        for path in ["/thread", "/sign-out", "/en/sign-out", "/pickup"] {
            for headers in [
                &[("sec-fetch-site", "cross-site")][..],
                &[("origin", "https://evil.example")][..],
                &[("sec-fetch-site", "same-site"), ("origin", "https://a.evil.example")][..],
            ] {
                let r = app
                    .post_raw(path, body.clone().into_bytes(), Some(&cookie), headers)
                    .await;
                assert_eq!(r.status, 403, "{path} {headers:?}");
                assert!(r.headers.get("set-cookie").is_none(), "{path}: no cookie change");
            }
        }
        assert_eq!(messages(&app).await, 1);
        assert_eq!(app.count("reporter_sessions").await, 1, "still signed in");
        let r = app.get("/thread", Some(&cookie)).await;
        assert_eq!(text(&r.html(), "h1"), "Je melding en berichten");
        // A same-origin sign-out ends it.
        let r = app
            .post_raw("/sign-out", Vec::new(), Some(&cookie), &[("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(app.count("reporter_sessions").await, 0);
    }
);

fn file_links(page: &scraper::Html) -> Vec<String> {
    let sel = scraper::Selector::parse("li.file a[download]").unwrap();
    page.select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

on_both_databases!(
    async fn a_reporter_session_reaches_only_its_own_case_and_never_the_committee_api(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let file = common::file_part("verslag.txt", b"alleen voor zaak A".to_vec())
            .mime_str("text/plain")
            .unwrap();
        let code_a = app.submit_code_with_files("", "melding met bijlage", [file]).await;
        let code_b = app.submit_code("", "melding B").await;
        let cookie_a = app.sign_in("", &code_a).await;
        let links_a = file_links(&app.get("/thread", Some(&cookie_a)).await.html());
        assert_eq!(links_a.len(), 1);
        let own = app.get(&links_a[0], Some(&cookie_a)).await;
        assert_eq!((own.status, own.body.as_str()), (200, "alleen voor zaak A"));

        let cookie_b = app.sign_in("", &code_b).await;
        let foreign = app.get(&links_a[0], Some(&cookie_b)).await;
        let random = format!("/thread/files/{}", "0".repeat(32));
        let unknown = app.get(&random, Some(&cookie_b)).await;
        assert_eq!(foreign.status, 404, "B cannot fetch A's file");
        assert_eq!(unknown.status, 404);
        assert_eq!(foreign.body, unknown.body, "and cannot tell it exists");
        assert!(!foreign.body.contains("alleen voor zaak A"));
        // Without any session: back to the pickup page, no file.
        let none = app.get(&links_a[0], None).await;
        assert_ne!(none.status, 200);

        // A reporter cookie is no credential for the committee API.
        for path in ["/api/v1/cases", "/api/v1/members"] {
            let r = app.get(path, Some(&cookie_a)).await;
            assert_eq!(r.status, 401, "{path}");
            assert!(!r.body.contains("MP-"), "{path}");
        }
        let thread_b = app.get("/thread", Some(&cookie_b)).await.html();
        assert!(file_links(&thread_b).is_empty());
        assert!(texts(&thread_b, ".message-text").iter().all(|t| !t.contains("zaak A")));
    }
);
