//! The desk as a committee member triages with it: hundreds of open cases with
//! columns decrypted on the desk, search, filters, sorting, opening a case by its
//! reference, unread counts per member, a history of actions, confirmations and
//! errors in the desk's language, templates, a preview, and pages whose headings
//! skip no level. Real portal, real desks, real databases.

mod common;

use std::time::Instant;

use common::{
    Desk, Resp, TestApp, assert_heading_order, assert_security_headers, attr, identity_file,
    location, seed_reports, text, texts,
};
use meldpunt::case::{Concern, Report};
use meldpunt::crypto::Identity;
use meldpunt::i18n::Lang;

const MUNICIPALITIES: [&str; 5] = ["Zwolle", "Utrecht", "Groningen", "Almere", "Deventer"];
const NEEDLE: &str = "de kookclub van de buurtkamer kreeg het hele dossier";

/// The report of seeded case `n`: its concern, municipality and language follow
/// from `n`; case 317 alone holds the needle phrase.
fn report(n: usize) -> (Report, Lang) {
    let what = if n == 317 {
        format!("Een vrijwilliger vertelde dat {NEEDLE}.\nDat was in maart.")
    } else {
        format!("Melding {n}: het wijkteam deelde gegevens.\nMeer uitleg volgt.")
    };
    let report = Report {
        concerns: vec![Concern::ALL[n % Concern::ALL.len()]],
        what,
        municipality: MUNICIPALITIES[n % MUNICIPALITIES.len()].to_owned(),
        ..Report::default()
    };
    (
        report,
        if n.is_multiple_of(4) {
            Lang::En
        } else {
            Lang::Nl
        },
    )
}

/// The inbox column `class` of every row, in the order shown.
fn column(page: &scraper::Html, class: &str) -> Vec<String> {
    texts(page, &format!("tr.case-row td.{class}"))
}

fn references(page: &scraper::Html) -> Vec<String> {
    texts(page, "tr.case-row td:first-child")
}

fn assert_desk_page(r: &Resp, what: &str) {
    assert_security_headers(r, what);
    let cache = r.header("cache-control").unwrap_or("");
    assert!(
        cache.split(',').any(|d| d.trim() == "no-store"),
        "{what}: {cache}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_with_500_cases_searches_filters_sorts_and_opens_a_case_by_its_reference() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
    let t0 = Instant::now();
    let ids = seed_reports(
        &app,
        &[anna.to_public(), app.committee.to_public()],
        (0..500).map(report).collect(),
    )
    .await;
    eprintln!("seeded 500 cases in {:.2} s", t0.elapsed().as_secs_f64());
    let desk = Desk::open(&app.base, &anna_file, "nl").await;

    // The first inbox opens every report once; the second uses what the desk keeps in memory.
    let t1 = Instant::now();
    let inbox = desk.get("/").await;
    let first_load = t1.elapsed();
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert_desk_page(&inbox, "inbox");
    let t2 = Instant::now();
    let again = desk.get("/").await;
    let second_load = t2.elapsed();
    eprintln!(
        "inbox of 500 cases: first load {:.2} s, second {:.2} s",
        first_load.as_secs_f64(),
        second_load.as_secs_f64()
    );
    let page = again.html();
    assert_eq!(references(&page).len(), 500);
    assert_eq!(text(&page, "#shown-count"), "500 van 500 meldingen getoond");
    // Columns decrypted on the desk: concern, municipality, first line, language.
    let volunteers = Concern::ALL[0].label(Lang::Nl.texts());
    let row_of = |page: &scraper::Html, reference: &str, class: &str| {
        text(
            page,
            &format!("tr[data-reference=\"{reference}\"] td.{class}"),
        )
    };
    let storage = meldpunt::storage::Storage::connect(&app.database_url)
        .await
        .unwrap();
    let reference_of = |id: &str| {
        let storage = &storage;
        let id = id.to_owned();
        async move { storage.case_by_id(&id).await.unwrap().unwrap().reference }
    };
    let ref0 = reference_of(&ids[0]).await;
    assert_eq!(row_of(&page, &ref0, "concern"), volunteers);
    assert_eq!(row_of(&page, &ref0, "municipality"), "Zwolle");
    assert_eq!(
        row_of(&page, &ref0, "first-line"),
        "Melding 0: het wijkteam deelde gegevens."
    );
    assert_eq!(row_of(&page, &ref0, "language"), "Engels");
    let ref1 = reference_of(&ids[1]).await;
    assert_eq!(row_of(&page, &ref1, "language"), "Nederlands");

    // A phrase from one report finds that report and no other.
    let needle_ref = reference_of(&ids[317]).await;
    let found = desk
        .get(&format!(
            "/?q={}",
            common::urlencode(&format!("\"{NEEDLE}\""))
        ))
        .await
        .html();
    assert_eq!(references(&found), vec![needle_ref.clone()]);
    assert_eq!(text(&found, "#shown-count"), "1 van 500 meldingen getoond");
    let words = desk.get("/?q=KOOKCLUB+buurtkamer").await.html();
    assert_eq!(references(&words), vec![needle_ref.clone()]);
    assert!(references(&desk.get("/?q=bestaatniet").await.html()).is_empty());

    // Filter by kind of concern: exactly the cases of that kind, each showing it.
    let by_concern = desk
        .get(&format!("/?concern={}", Concern::ALL[0].key()))
        .await
        .html();
    let expected = (0..500usize)
        .filter(|n| n.is_multiple_of(Concern::ALL.len()))
        .count();
    assert_eq!(references(&by_concern).len(), expected);
    assert!(
        column(&by_concern, "concern")
            .iter()
            .all(|c| c == volunteers)
    );
    // Filters combine with the search.
    let both = desk
        .get(&format!("/?concern={}&q=Zwolle", Concern::ALL[0].key()))
        .await
        .html();
    let expected = (0..500)
        .filter(|n: &usize| {
            n.is_multiple_of(Concern::ALL.len()) && n.is_multiple_of(MUNICIPALITIES.len())
        })
        .count();
    assert_eq!(references(&both).len(), expected);

    // Sort by municipality, both ways; by reference, descending.
    let asc = column(
        &desk.get("/?sort=municipality").await.html(),
        "municipality",
    );
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    assert_eq!(asc.first().map(String::as_str), Some("Almere"));
    let desc_page = desk.get("/?sort=municipality&dir=desc").await.html();
    let desc = column(&desc_page, "municipality");
    assert_eq!(desc.first().map(String::as_str), Some("Zwolle"));
    assert_eq!(
        attr(&desc_page, "th[aria-sort]", "aria-sort").as_deref(),
        Some("descending")
    );
    let refs = references(&desk.get("/?sort=reference&dir=desc").await.html());
    let mut want = refs.clone();
    want.sort();
    want.reverse();
    assert_eq!(refs, want);
    // A column header's link sorts by it and keeps the filters.
    let header_link = attr(&found, "th a[href*=\"sort=municipality\"]", "href").unwrap();
    assert!(header_link.contains("q=%22"), "{header_link}");

    // The reference in the URL opens the case; the field takes it typed loosely.
    let by_ref = desk.get(&format!("/case/{needle_ref}")).await;
    assert_eq!(by_ref.status, 200, "{}", by_ref.body);
    assert_eq!(text(&by_ref.html(), "h1"), format!("Melding {needle_ref}"));
    assert!(by_ref.body.contains(NEEDLE));
    let loose = needle_ref.trim_start_matches("MP-").to_lowercase();
    let go = desk
        .get(&format!("/go?reference={}", common::urlencode(&loose)))
        .await;
    assert_eq!(go.status, 303);
    assert_eq!(location(&go), desk.path(&format!("/case/{}", ids[317])));
    let unknown = desk.get("/go?reference=MP-000000").await;
    assert_eq!(unknown.status, 404);
    let page = unknown.html();
    assert_eq!(
        attr(&page, "#error-summary a", "href").as_deref(),
        Some("#reference")
    );
    assert_eq!(
        attr(&page, "#reference", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(desk.get("/case/MP-000000").await.status, 404);

    // The decrypted columns and the search stay in the desk's memory: no file of the
    // desk (state, exports, logs) or of the portal (database, WAL, logs) holds the
    // phrase searched for, a municipality or a first line.
    let mut files = Vec::new();
    for dir in [desk.dir.path(), app.dir.path()] {
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    files.push(path);
                }
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("meldpunt.db")),
        "{files:?}"
    );
    for file in &files {
        for needle in [
            NEEDLE,
            "kookclub",
            "Deventer",
            "het wijkteam deelde gegevens",
        ] {
            assert!(
                !common::file_contains(file, needle.as_bytes()),
                "{needle} found in {}",
                file.display()
            );
        }
    }
}

on_both_databases!(
    async fn one_member_reading_a_case_leaves_the_other_members_unread_count(backend) {
        let app = TestApp::spawn(backend).await;
        let (anna, bert) = (Identity::generate(), Identity::generate());
        app.add_member("Anna", &anna.to_public().to_string());
        app.add_member("Bert", &bert.to_public().to_string());
        let code = app.submit_code("/en", "Our team shares client files with volunteers.").await;
        let desk_a = Desk::open(&app.base, &identity_file(app.dir.path(), "a.txt", &anna), "en").await;
        let desk_b = Desk::open(&app.base, &identity_file(app.dir.path(), "b.txt", &bert), "en").await;
        let unread = |page: scraper::Html| column(&page, "unread");
        assert_eq!(unread(desk_a.get("/").await.html()), vec!["1"]);
        assert_eq!(unread(desk_b.get("/").await.html()), vec!["1"]);

        // Anna reads the case: her count drops, Bert's stays.
        let inbox = desk_a.get("/").await.html();
        let link = attr(&inbox, "tr.case-row td a", "href").unwrap();
        assert_eq!(desk_a.get(&link).await.status, 200);
        assert_eq!(unread(desk_a.get("/").await.html()), vec!["0"]);
        assert_eq!(unread(desk_b.get("/").await.html()), vec!["1"]);

        // The reporter writes again: one new for Anna, two for Bert.
        let cookie = app.sign_in("/en", &code).await;
        let thread = app.get("/en/thread", Some(&cookie)).await.html();
        let answered = app
            .post_form(
                "/en/thread",
                &[("form_token".into(), common::form_token(&thread)), ("text".into(), "And the food bank.".into())],
                Some(&cookie),
            )
            .await;
        assert_eq!(answered.status, 303);
        assert_eq!(unread(desk_a.get("/").await.html()), vec!["1"]);
        assert_eq!(unread(desk_b.get("/").await.html()), vec!["2"]);
        // Bert reads it all; Anna's new message stays unread for her.
        let link_b = attr(&desk_b.get("/").await.html(), "tr.case-row td a", "href").unwrap();
        assert_eq!(desk_b.get(&link_b).await.status, 200);
        assert_eq!(unread(desk_b.get("/").await.html()), vec!["0"]);
        assert_eq!(unread(desk_a.get("/").await.html()), vec!["1"]);
        // The portal keeps the marks, one row per member and case, nothing more.
        assert_eq!(app.count("member_reads").await, 2);
    }
);

on_both_databases!(
    async fn the_history_shows_actions_in_the_members_language_and_time_not_page_views(backend) {
        let app = TestApp::spawn(backend).await;
        let anna = Identity::generate();
        app.add_member("Anna", &anna.to_public().to_string());
        app.submit_code("", "Het wijkteam deelt dossiers met vrijwilligers.").await;
        let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
        let mut desk = Desk::start_with(&app.base, &anna_file, "nl", &["--time-zone", "Europe/Amsterdam"]).await;
        desk.launch().await;
        desk.confirm_roster().await;
        let inbox = desk.get("/").await.html();
        let link = attr(&inbox, "tr.case-row td a", "href").unwrap();
        for _ in 0..5 {
            assert_eq!(desk.get(&link).await.status, 200);
        }
        let page = desk.get(&link).await.html();
        assert_eq!(text(&page, "#history-empty"), "Nog geen acties.");
        let ack = desk.post(&format!("{link}/acknowledge"), &page, &[]).await;
        assert_eq!(ack.status, 303);
        let reply = desk.post(&format!("{link}/reply"), &page, &[("text", "Welke vrijwilligers?"), ("action", "send")]).await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let close = desk
            .post(&format!("{link}/status"), &page, &[("status", "closed"), ("reason", "out-of-scope")])
            .await;
        assert_eq!(close.status, 303, "{}", close.body);
        let page = desk.get(&location(&close)).await.html();
        assert_eq!(text(&page, "#notice"), "Melding afgesloten.");
        let actions = texts(&page, "#history .history-action");
        assert_eq!(
            actions,
            vec!["Status gewijzigd in Bevestigd", "Antwoord verstuurd", "Status gewijzigd in Afgesloten"]
        );
        let times = texts(&page, "#history .history-time");
        assert!(times.iter().all(|t| t.ends_with(" CET") || t.ends_with(" CEST")), "{times:?}");
        assert!(texts(&page, "#history li").iter().all(|l| l.contains("Anna: ")));
        // The page views are still in the portal's audit log, only not in the history.
        let pool = app.db().await;
        let reads: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'read'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(reads >= 6, "{reads}");
        // Statistics in Dutch write numbers the Dutch way.
        let stats = desk.get("/stats").await.html();
        assert_eq!(texts(&stats, "#time-to-ack td")[1], "0,0");
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_confirms_itself_under_a_new_url_and_errors_point_at_their_field_in_the_desks_language()
 {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    app.submit_code("/en", "The team shares client files with volunteers.")
        .await;
    let desk = Desk::open(
        &app.base,
        &identity_file(app.dir.path(), "anna.txt", &anna),
        "nl",
    )
    .await;
    let inbox = desk.get("/").await.html();
    let link = attr(&inbox, "tr.case-row td a", "href").unwrap();
    let page = desk.get(&link).await.html();
    // Deadline labels begin with a capital.
    assert!(text(&inbox, "tr.case-row td:nth-child(4)").starts_with("Bevestigen uiterlijk "));

    // Two actions: two redirects to two different URLs, each page saying what happened.
    let note = desk
        .post(
            &format!("{link}/note"),
            &page,
            &[("text", "Eerst het team bellen.")],
        )
        .await;
    assert_eq!(note.status, 303);
    assert_desk_page(&note, "303 after a note");
    let ack = desk.post(&format!("{link}/acknowledge"), &page, &[]).await;
    assert_eq!(ack.status, 303);
    assert_ne!(location(&note), location(&ack));
    let after = desk.get(&location(&note)).await;
    assert_desk_page(&after, "the page after a note");
    assert_eq!(text(&after.html(), "#notice"), "Notitie toegevoegd.");
    assert_eq!(
        text(&after.html(), "textarea#note"),
        "",
        "the typed note is gone once stored"
    );
    assert_eq!(
        text(&desk.get(&location(&ack)).await.html(), "#notice"),
        "Ontvangst bevestigd."
    );

    // Closing without a reason: the problem in Dutch, at the reason field, linked from a summary.
    let page = desk.get(&link).await.html();
    let r = desk
        .post(
            &format!("{link}/status"),
            &page,
            &[("status", "closed"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert_desk_page(&r, "422");
    let page = r.html();
    assert_heading_order(&page, "case page with an error");
    assert_eq!(text(&page, "#error-summary h2"), "Er is een probleem");
    assert_eq!(
        attr(&page, "#error-summary a", "href").as_deref(),
        Some("#reason")
    );
    assert_eq!(
        attr(&page, "select#reason", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        attr(&page, "select#reason", "aria-describedby")
            .unwrap()
            .contains("reason-error")
    );
    assert_eq!(
        text(&page, "#reason-error"),
        "Kies een reden om de melding af te sluiten."
    );
    assert_eq!(
        attr(&page, "select#new-status option[selected]", "value").as_deref(),
        Some("closed")
    );
    assert!(!r.body.contains("needs a reason") && !r.body.contains("refused"));

    // An empty reply is refused at the reply field; the note typed elsewhere is not lost.
    let r = desk
        .post(
            &format!("{link}/reply"),
            &page,
            &[("text", "   "), ("action", "send")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        attr(&r.html(), "#error-summary a", "href").as_deref(),
        Some("#reply")
    );
    assert_eq!(
        attr(&r.html(), "textarea#reply", "aria-invalid").as_deref(),
        Some("true")
    );

    // A preview shows the reply as the English-speaking reporter will see it, and sends nothing.
    let before = app.count("messages").await;
    let typed = "Which volunteers? <b>Names</b> of roles only.";
    let r = desk
        .post(
            &format!("{link}/reply"),
            &page,
            &[("text", typed), ("action", "preview")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let preview = r.html();
    assert_heading_order(&preview, "case page with a preview");
    assert_eq!(text(&preview, "#preview .message-author"), "The committee");
    assert_eq!(
        attr(&preview, "#preview article", "lang").as_deref(),
        Some("en")
    );
    assert_eq!(text(&preview, "#preview .message-text"), typed);
    assert_eq!(text(&preview, "textarea#reply"), typed);
    assert_eq!(app.count("messages").await, before);
    let sent = desk
        .post(
            &format!("{link}/reply"),
            &preview,
            &[("text", typed), ("action", "send")],
        )
        .await;
    assert_eq!(sent.status, 303);
    assert_eq!(
        text(&desk.get(&location(&sent)).await.html(), "#notice"),
        "Antwoord verstuurd. De melder kan het lezen met de ophaalcode."
    );
    assert_eq!(app.count("messages").await, before + 1);

    // Templates live in a file in the state directory; an edit shows up at once.
    let file = desk.dir.path().join("state/reply-templates.txt");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("## Ontvangst bevestigen")
    );
    std::fs::write(&file, "## Vraag naar data\nWanneer gebeurde dit?\n").unwrap();
    let page = desk.get(&format!("{link}?template=0")).await.html();
    assert_eq!(
        texts(&page, "select#template option"),
        vec!["Vraag naar data"]
    );
    assert_eq!(text(&page, "textarea#reply"), "Wanneer gebeurde dit?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_desk_page_skips_a_heading_level() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let code = app
        .submit_code_with_files(
            "/en",
            "A report with a file.",
            vec![common::file_part("note.txt", b"hello".to_vec())],
        )
        .await;
    let _ = code;
    let desk = Desk::open(
        &app.base,
        &identity_file(app.dir.path(), "anna.txt", &anna),
        "nl",
    )
    .await;
    let inbox = desk.get("/").await;
    let link = attr(&inbox.html(), "tr.case-row td a", "href").unwrap();
    let case = desk.get(&link).await;
    assert!(
        case.body.contains("note.txt"),
        "the case page lists the file"
    );
    for (what, path) in [
        ("inbox", "/".to_owned()),
        ("inbox, searched", "/?q=nothing-matches".to_owned()),
        ("unknown reference", "/go?reference=MP-000000".to_owned()),
        ("case", link.clone()),
        ("statistics", "/stats".to_owned()),
        ("roster", "/roster".to_owned()),
        ("not found", "/no-such-page".to_owned()),
    ] {
        let r = desk.get(&path).await;
        assert_desk_page(&r, what);
        assert_heading_order(&r.html(), what);
    }
}
