//! Pickup codes at the door and single-use form tokens, through the real server.

mod common;

use common::{TestApp, form_token, full_report, text};
use meldpunt::pickup::PickupCode;
use meldpunt::web::form_token::{Purpose, mint};

on_both_databases!(
    async fn wrong_and_unknown_codes_get_the_same_page_and_a_typo_gets_its_own(backend) {
        let app = TestApp::spawn(backend).await;
        // A code whose case no longer exists (removed after closing) ...
        let removed = app.submit_code("", "Wordt verwijderd").await;
        let pool = app.db().await;
        sqlx::query("delete from cases").execute(&pool).await.unwrap();
        pool.close().await;
        let gone = app.post_form("/pickup", &[("code".into(), removed.clone())], None).await;
        // ... and a well-formed code that was never issued.
        let never = PickupCode::generate().display().to_string();
        let unknown = app.post_form("/pickup", &[("code".into(), never.clone())], None).await;
        assert_eq!(gone.status, unknown.status);
        // The same page, but for the typed code shown back to compare.
        assert_eq!(text_value(&gone, "#code"), removed);
        assert_eq!(text_value(&unknown, "#code"), never);
        assert_eq!(gone.body.replace(&removed, ""), unknown.body.replace(&never, ""));
        assert!(gone.session_cookie().is_none());

        // One changed symbol is caught by the check symbol, with its own message.
        let mut chars: Vec<char> = removed.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        let typo_page = app.post_form("/pickup", &[("code".into(), typo)], None).await;
        assert_eq!(typo_page.status, 422);
        assert_ne!(
            text(&typo_page.html(), ".field-error"),
            text(&unknown.html(), ".field-error")
        );
        // Nothing is shaped like a code: a third message.
        let short = app.post_form("/pickup", &[("code".into(), "ABC".into())], None).await;
        assert_eq!(short.status, 422);
        assert_ne!(text(&short.html(), ".field-error"), text(&typo_page.html(), ".field-error"));
        // A refused code comes back only in its own field, to compare; nowhere else.
        for page in [&gone, &unknown, &typo_page] {
            let shown = text_value(page, "#code");
            assert_eq!(page.body.matches(shown.as_str()).count(), 1);
            assert!(!page.body.replace(&shown, "").contains(&removed[..11]));
        }
    }
);

on_both_databases!(
    async fn a_double_submit_of_one_form_creates_one_case(backend) {
        let app = TestApp::spawn(backend).await;
        let form = app.get("/report", None).await;
        let mut pairs = vec![("form_token".to_owned(), form_token(&form.html()))];
        pairs.extend(full_report("Twee keer geklikt"));
        let (a, b) = tokio::join!(
            app.post_form("/report", &pairs, None),
            app.post_form("/report", &pairs, None)
        );
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409]);
        assert_eq!(app.count("cases").await, 1);
        // Sending it again later (back button, replay) is refused too.
        let replay = app.post_form("/report", &pairs, None).await;
        assert_eq!(replay.status, 409);
        assert!(replay.html().select(&scraper::Selector::parse("#pickup-code").unwrap()).next().is_none());
        assert_eq!(app.count("cases").await, 1);
        assert_eq!(app.count("messages").await, 1);
    }
);

on_both_databases!(
    async fn an_expired_form_is_shown_again_with_everything_typed_and_nothing_stored(backend) {
        let app = TestApp::spawn(backend).await;
        let key = app.form_key().await;
        let long_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 5 * 3600;
        let mut pairs = vec![("form_token".to_owned(), mint(&key, Purpose::Report, b"", long_ago))];
        pairs.extend(full_report("Te lang open laten staan"));
        let page = app.post_form("/report", &pairs, None).await;
        assert_eq!(page.status, 422);
        let html = page.html();
        assert!(html.select(&scraper::Selector::parse("#error-summary").unwrap()).next().is_some());
        assert_eq!(text(&html, "textarea#what"), "Te lang open laten staan");
        assert_eq!(common::attr(&html, "input#municipality", "value").unwrap(), "Utrecht");
        assert_eq!(app.count("cases").await, 0);
        // The fresh token on that page works.
        let mut again = vec![("form_token".to_owned(), form_token(&html))];
        again.extend(full_report("Te lang open laten staan"));
        assert_eq!(app.post_form("/report", &again, None).await.status, 200);
        assert_eq!(app.count("cases").await, 1);
    }
);

on_both_databases!(
    async fn a_follow_up_form_sent_twice_adds_one_message(backend) {
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("/en", "Original").await;
        let cookie = app.sign_in("/en", &code).await;
        let thread = app.get("/en/thread", Some(&cookie)).await;
        let pairs = vec![
            ("form_token".to_owned(), form_token(&thread.html())),
            ("text".to_owned(), "Only once".to_owned()),
        ];
        assert_eq!(app.post_form("/en/thread", &pairs, Some(&cookie)).await.status, 303);
        assert_eq!(app.post_form("/en/thread", &pairs, Some(&cookie)).await.status, 409);
        assert_eq!(app.count("messages").await, 2);
        // A report form's token is not accepted for a follow-up: shown again, kept.
        let report_token = form_token(&app.get("/en/report", None).await.html());
        let wrong = app
            .post_form(
                "/en/thread",
                &[("form_token".into(), report_token), ("text".into(), "x".into())],
                Some(&cookie),
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert_eq!(text(&wrong.html(), "textarea#followup"), "x");
        assert_eq!(app.count("messages").await, 2);
    }
);

on_both_databases!(
    async fn an_empty_or_too_long_follow_up_is_shown_again_and_not_stored(backend) {
        let app = TestApp::spawn_with(
            backend,
            common::Options { extra_args: vec!["--max-text-chars".into(), "50".into()], ..Default::default() },
        )
        .await;
        let code = app.submit_code("", "Kort").await;
        let cookie = app.sign_in("", &code).await;
        let thread = app.get("/thread", Some(&cookie)).await;
        let long = "woord ".repeat(20).trim().to_owned();
        let r = app
            .post_form(
                "/thread",
                &[("form_token".into(), form_token(&thread.html())), ("text".into(), long.clone())],
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(text(&r.html(), "textarea#followup"), long);
        let empty = app
            .post_form(
                "/thread",
                &[("form_token".into(), form_token(&r.html())), ("text".into(), "   ".into())],
                Some(&cookie),
            )
            .await;
        assert_eq!(empty.status, 422);
        assert_eq!(app.count("messages").await, 1);
    }
);

fn text_value(r: &common::Resp, css: &str) -> String {
    common::attr(&r.html(), css, "value").unwrap_or_default()
}

/// Every radio group of `html` has exactly one checked option, so no browser picks
/// an answer the reporter did not give (lynx submits the first of a group with none
/// checked); single required choices are selects starting on an empty option.
fn assert_no_unanswered_radio_groups(html: &scraper::Html, what: &str) {
    let radios = scraper::Selector::parse("input[type=radio]").unwrap();
    let mut groups: std::collections::BTreeMap<String, usize> = Default::default();
    for r in html.select(&radios) {
        let name = r.value().attr("name").unwrap_or_default().to_owned();
        let checked = usize::from(r.value().attr("checked").is_some());
        *groups.entry(name).or_default() += checked;
    }
    for (name, checked) in &groups {
        assert_eq!(
            *checked, 1,
            "{what}: radio group {name} has {checked} checked options"
        );
    }
    let selects = scraper::Selector::parse("select[required]").unwrap();
    for s in html.select(&selects) {
        let first = s
            .select(&scraper::Selector::parse("option").unwrap())
            .next()
            .unwrap();
        assert_eq!(
            first.value().attr("value"),
            Some(""),
            "{what}: a required select starts empty"
        );
    }
}

on_both_databases!(
    async fn every_reporter_form_checks_one_option_per_radio_group_and_a_refused_code_stays_in_its_field(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        for lang in ["", "/en"] {
            let form = app.get(&format!("{lang}/report"), None).await;
            assert_no_unanswered_radio_groups(&form.html(), "the report form");
            let role = scraper::Selector::parse("select#role").unwrap();
            assert_eq!(form.html().select(&role).count(), 1, "the role is a select");
            // Sent without any answer: the form comes back, still with no answer given.
            let empty = app.submit(lang, vec![]).await;
            assert_eq!(empty.status, 422);
            assert_no_unanswered_radio_groups(&empty.html(), "the form with errors");
            let prefix = scraper::Selector::parse(".field-error .error-prefix").unwrap();
            assert!(empty.html().select(&prefix).count() >= 3, "each error reads as an error");
            // A neutral answer is no answer: the report is stored without one.
            let mut answers = full_report("neutraal");
            answers.retain(|(k, _)| k != "ongoing" && k != "hope");
            answers.push(("ongoing".into(), String::new()));
            answers.push(("hope".into(), String::new()));
            assert_eq!(app.submit(lang, answers).await.status, 200);

            let code = app.submit_code(lang, "voor de thread").await;
            let cookie = app.sign_in(lang, &code).await;
            let thread = app.get(&format!("{lang}/thread"), Some(&cookie)).await;
            assert_no_unanswered_radio_groups(&thread.html(), "the thread");
            // The sign-out form carries a field, so no browser sends it as a GET.
            let field = scraper::Selector::parse("form.sign-out input[name]").unwrap();
            assert_eq!(thread.html().select(&field).count(), 1);

            let last = if code.ends_with('X') { 'Y' } else { 'X' };
            let typo = format!("{}{last}", &code[..code.len() - 1]);
            let refused = app.post_form(&format!("{lang}/pickup"), &[("code".into(), typo.clone())], None).await;
            assert_eq!(refused.status, 422);
            assert_eq!(text_value(&refused, "#code"), typo, "the typed code is kept");
            assert!(text(&refused.html(), "title").starts_with(if lang.is_empty() { "Er is een probleem" } else { "There is a problem" }));
        }
    }
);
