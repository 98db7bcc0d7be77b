//! The flood guard (issue 16): a ceiling of new reports per clock hour. Past it the
//! report form answers a "busy" page in the reporter's language with Retry-After,
//! nothing of the report is stored and its form token stays unused; the committee
//! sees how many reports were refused per day, in the desk's statistics.

mod common;

use common::{
    Desk, Options, TestApp, file_part, form_token, full_report, identity_file, text, texts,
};
use meldpunt::crypto::Identity;

fn assert_busy(r: &common::Resp, lang: &str, title: &str) {
    common::assert_friendly_page(r, 503, lang, "the busy page");
    assert_eq!(text(&r.html(), "h1"), title);
    let wait: u64 = r
        .header("retry-after")
        .expect("a Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
}

on_both_databases!(
    async fn the_report_after_the_ceiling_gets_the_busy_page_in_both_languages_stores_nothing_and_the_desk_shows_the_count(backend) {
        common::away_from_the_hour_boundary().await;
        let mut app = TestApp::spawn_with(
            backend,
            Options {
                max_reports_per_hour: 2,
                ..Options::default()
            },
        )
        .await;
        app.submit_code("", "eerste melding").await;
        app.submit_code("/en", "second report").await;
        let stored = [
            app.count("cases").await,
            app.count("messages").await,
            app.count("used_form_tokens").await,
        ];
        assert_eq!(stored, [2, 2, 2]);

        // The third report, in Dutch with a 4 MiB file: the busy page, not a
        // connection reset while the file is still being sent.
        let busy = app
            .submit_with_files("", "derde melding", [file_part("foto.jpg", vec![0x55; 4 << 20])])
            .await;
        assert_busy(&busy, "nl", "Druk: probeer het later opnieuw");
        assert!(text(&busy.html(), "main p").contains("niet opgeslagen"), "{}", busy.body);

        // In English, with a form whose token is kept for later.
        let form = app.get("/en/report", None).await;
        let mut pairs = vec![("form_token".to_owned(), form_token(&form.html()))];
        pairs.extend(full_report("fourth report"));
        let busy = app.post_form("/en/report", &pairs, None).await;
        assert_busy(&busy, "en", "Busy: please try again later");

        // Nothing half-stored: no case, message, file or used token came of either.
        let after = [
            app.count("cases").await,
            app.count("messages").await,
            app.count("used_form_tokens").await,
        ];
        assert_eq!(after, stored);
        assert_eq!(app.count("attachments").await, 0);
        assert_eq!(app.count("attachment_chunks").await, 0);

        // Counted per day, and nothing finer.
        let pool = app.db().await;
        let days: Vec<(String, i64)> = sqlx::query_as("select day, refused from flood_days")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        let today = time::OffsetDateTime::now_utc().date().to_string();
        assert_eq!(days, vec![(today, 2)]);

        // The committee sees the count in the desk's statistics.
        let anna = Identity::generate();
        app.add_member("Anna", &anna.to_public().to_string());
        let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
        let desk = Desk::open(&app.base, &anna_file, "en").await;
        let stats = desk.get("/stats").await;
        assert_eq!(stats.status, 200, "{}", stats.body);
        let page = stats.html();
        assert_eq!(texts(&page, "#flood-days td"), vec!["2"]);
        assert_eq!(texts(&page, "#flood-days th").len(), 1);

        // The refused form was not used up: once the hour's count is gone (here by
        // a restart, as the count of one instance lives in memory) it is accepted.
        app.restart().await;
        let retried = app.post_form("/en/report", &pairs, None).await;
        assert_eq!(retried.status, 200, "{}", retried.body);
        assert!(!text(&retried.html(), "#pickup-code").is_empty());
        assert_eq!(app.count("cases").await, 3);
    }
);

/// The desk reads the count as untrusted input: a portal that sends a negative
/// count, or days out of order, gets the statistics page refused, not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_refuses_a_flood_count_that_does_not_parse() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
    let proxy = common::tamper::TamperProxy::start(&app.base).await;
    let desk = Desk::open(&proxy.base, &anna_file, "en").await;
    let shown = desk.get("/stats").await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    for forged in [
        serde_json::json!([{ "day": "2026-01-02", "refused": -5 }]),
        serde_json::json!([
            { "day": "2026-01-03", "refused": 1 },
            { "day": "2026-01-02", "refused": 1 }
        ]),
        serde_json::json!([{ "day": "2026-01-02 13:37", "refused": 1 }]),
        serde_json::json!([{ "day": "2026-01-02", "refused": "<script>" }]),
    ] {
        proxy.set_rule(move |sent, answer| {
            if sent.target.starts_with("/api/v1/flood-days") {
                common::tamper::Answer::json(200, &forged)
            } else {
                answer.expect("forwarded")
            }
        });
        let refused = desk.get("/stats").await;
        assert_ne!(
            refused.status, 200,
            "forged counts were shown: {}",
            refused.body
        );
        assert!(texts(&refused.html(), "#flood-days").is_empty());
    }
}
