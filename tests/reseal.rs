//! Re-sealing after committee changes, over the real binary: a member who joins
//! reads the old cases once a member re-sealed them, a departed or replaced key
//! opens nothing stored (checked with Debian's `age` on the database's bytes),
//! uploads for another case, message or file are refused, and a re-seal killed at
//! random moments never leaves a ciphertext that neither set can open.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::reseal::*;
use common::{Desk, TestApp, file_part, texts};
use meldpunt::crypto::{self, Identity, Recipient};
use meldpunt::desk::Portal;
use sqlx::Row;

on_both_databases!(
    async fn a_new_member_reads_old_cases_after_a_reseal_and_a_departed_key_opens_nothing_stored(backend) {
        if !common::age_cli_available() {
            return;
        }
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let b = member(&app, "Bram");
        confirm(&app, &a).await;
        let (code, file) = conversation(&app, &a, "the shared client files").await;

        // C joins: the portal counts the case as sealed to an outdated roster, and
        // A's re-seal refuses to run until A confirmed the new list.
        let c = member(&app, "Cato");
        let ta = token(&app, &a.identity).await.unwrap();
        let (status, count) = get(&app, Some(&ta), "/api/v1/reseal/outdated").await;
        assert_eq!((status, count["cases"].as_u64()), (200, Some(1)));
        let listed = app.member_cli(&["member", "list"]);
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert!(listed.contains("1 case(s) hold messages or files sealed to an earlier roster"), "{listed}");
        assert!(listed.contains("Anna (active): can open every stored case"), "{listed}");
        assert!(listed.contains("Cato (active): cannot open 1 stored case(s) until they are re-sealed"), "{listed}");
        let refused = reseal(&app, &a);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("confirm the change in the desk"));
        confirm(&app, &a).await;
        let out = succeeded(&reseal(&app, &a));
        assert!(out.contains("re-sealed 5 message(s) and file(s) in 1 case(s)"), "{out}");
        assert!(out.contains("not what their holders already downloaded or exported"), "{out}");
        let (_, count) = get(&app, Some(&ta), "/api/v1/reseal/outdated").await;
        assert_eq!(count["cases"].as_u64(), Some(0));

        // C's desk reads every old message and the file.
        let desk = Desk::open(&app.base, &c.file, "en").await;
        let inbox = desk.get("/").await;
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        assert!(!inbox.body.contains("reseal-notice"));
        let link = attr_all(&inbox.html(), "tr.case-row a", "href").remove(0);
        let page = desk.get(&link).await;
        let html = page.html();
        let thread = texts(&html, "#thread .message-text").join("\n");
        for expected in ["the shared client files", "Reply about", "Follow-up about"] {
            assert!(thread.contains(expected), "{expected} in {thread}");
        }
        assert!(texts(&html, "#notes .message-text").join(" ").contains("Note about"));
        let file_link = attr_all(&html, "a[href*='/files/']", "href").remove(0);
        let download = desk.get(&file_link).await;
        assert_eq!(download.status, 200);
        assert_eq!(download.body.as_bytes(), file.as_slice());
        for (what, ct) in stored(&app).await {
            assert!(opens(&c.identity, &ct), "C opens {what}");
        }

        // B leaves; A confirms the change in the desk and re-seals there: B's key
        // opens nothing stored.
        let disabled = app.member_cli(&["member", "disable", "Bram"]);
        assert!(disabled.status.success());
        let listed = String::from_utf8_lossy(&app.member_cli(&["member", "list"]).stdout).into_owned();
        assert!(listed.contains("Bram (disabled): can still open 1 stored case(s) until they are re-sealed"), "{listed}");
        let desk_a = Desk::open(&app.base, &a.file, "en").await;
        let inbox = desk_a.get("/").await;
        assert!(inbox.body.contains("reseal-notice"), "{}", inbox.body);
        let page = desk_a.get("/reseal").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let html = page.html();
        assert!(common::text(&html, "#copies").contains("already downloaded, exported"));
        let started = desk_a.post("/reseal", &html, &[]).await;
        assert_eq!(started.status, 303, "{}", started.body);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let done = loop {
            let p = desk_a.get("/reseal").await;
            assert!(!p.body.contains("reseal-failed"), "{}", p.body);
            if p.body.contains("reseal-done") {
                break p.html();
            }
            assert!(p.body.contains("http-equiv=\"refresh\""), "a running page refreshes itself");
            assert!(std::time::Instant::now() < deadline, "the desk's re-seal did not finish");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(common::text(&done, "#reseal-resealed"), "5");
        assert_eq!(common::text(&done, "#reseal-skipped"), "0");
        let all = stored(&app).await;
        assert_eq!(all.len(), 5, "report, reply, note, follow-up and the file");
        let listed = String::from_utf8_lossy(&app.member_cli(&["member", "list"]).stdout).into_owned();
        assert!(listed.contains("Bram (disabled): can open no stored case"), "{listed}");
        assert!(listed.contains("Cato (active): can open every stored case"), "{listed}");
        for (what, ct) in &all {
            assert!(!age_opens(app.dir.path(), &b.identity, ct), "B's key opens {what}");
            assert!(age_opens(app.dir.path(), &c.identity, ct), "C's key opens {what}");
        }

        // The reporter still reads the whole thread and downloads the file.
        let cookie = app.sign_in("/en", &code).await;
        let thread = app.get("/en/thread", Some(&cookie)).await;
        let page = thread.html();
        let shown = texts(&page, "ol.thread .message-text").join("\n");
        for expected in ["the shared client files", "Reply about", "Follow-up about"] {
            assert!(shown.contains(expected), "{expected} in {shown}");
        }
        assert!(!thread.body.contains("Note about"));
        let href = attr_all(&page, "a[href*='/thread/files/']", "href").remove(0);
        let (status, _, bytes) = app.download(&href, &cookie).await;
        assert_eq!((status, bytes), (200, file));
    }
);

on_both_databases!(
    async fn a_reseal_upload_for_another_case_message_or_file_is_refused(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let file = b"attendance list\n".repeat(100);
        app.submit_code_with_files("/en", "first case", [file_part("a.txt", file.clone())]).await;
        app.submit_code("/en", "second case").await;
        member(&app, "Cato");
        let ta = token(&app, &a.identity).await.unwrap();
        let (status, page) = get(&app, Some(&ta), "/api/v1/reseal/pending").await;
        assert_eq!(status, 200, "{page}");
        let cases = page["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 2);
        let with_file = cases.iter().find(|c| !c["attachments"].as_array().unwrap().is_empty()).unwrap();
        let other = cases.iter().find(|c| c["id"] != with_file["id"]).unwrap();
        let (case1, case2) = (with_file["id"].as_str().unwrap(), other["id"].as_str().unwrap());
        let att = with_file["attachments"][0]["id"].as_str().unwrap();
        assert_eq!(with_file["attachments"][0]["seq"], 1);

        // What the new committee must reach: its roster plus the reporter.
        let pool = app.db().await;
        let reporter: String = sqlx::query_scalar("select reporter_recipient from cases where id = $1")
            .bind(case1).fetch_one(&pool).await.unwrap();
        let before = stored(&app).await;
        let portal = Portal::new(&app.base, a.identity.clone()).unwrap();
        portal.sign_in().await.unwrap();
        let roster: Vec<Recipient> = portal.roster().await.unwrap().iter().map(|e| e.recipient.recipient()).collect();
        let mut to = roster.clone();
        to.push(reporter.parse().unwrap());
        let sealed = crypto::seal_for(b"any padded bytes", &to).unwrap();
        let committee_only = crypto::seal_for(b"any padded bytes", &roster).unwrap();

        // Another case, another message, another or a foreign file, a wrong count.
        // Messages come in one upload per case: one wrong item refuses all of it.
        assert_eq!(put_messages(&app, Some(&ta), case2, &[(2, &sealed)]).await, 404);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(1, &sealed), (2, &sealed)]).await, 404);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(0, &sealed)]).await, 400);
        assert_eq!(put(&app, Some(&ta), &format!("/api/v1/cases/{case2}/messages/1/attachments/{att}"), sealed.clone()).await, 404);
        assert_eq!(put(&app, Some(&ta), &format!("/api/v1/cases/{case1}/messages/2/attachments/{att}"), sealed.clone()).await, 404);
        let unknown = crypto::hex(&crypto::random_bytes::<16>());
        assert_eq!(put(&app, Some(&ta), &format!("/api/v1/cases/{case1}/messages/1/attachments/{unknown}"), sealed.clone()).await, 404);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(1, &committee_only)]).await, 400);
        assert_eq!(put(&app, Some(&ta), &format!("/api/v1/cases/{case1}/messages/1/attachments/{att}"), committee_only).await, 400);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(1, b"not age")]).await, 400);
        // The same message twice, none, more than an upload may hold, not the format.
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(1, &sealed), (1, &sealed)]).await, 400);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[]).await, 400);
        let many: Vec<(i64, &[u8])> = (0..65).map(|_| (1, sealed.as_slice())).collect();
        assert_eq!(put_messages(&app, Some(&ta), case1, &many).await, 400);
        let path = format!("/api/v1/cases/{case1}/messages");
        assert_eq!(put_json(&app, Some(&ta), &path, br#"{"messages":[{"seq":1,"ciphertext":"%%%"}]}"#.to_vec()).await, 400);
        assert_eq!(put(&app, Some(&ta), &path, sealed.clone()).await, 400);
        assert_eq!(stored(&app).await, before, "nothing refused was stored");
        let staged: i64 = sqlx::query_scalar("select count(*) from attachments where case_id is null")
            .fetch_one(&pool).await.unwrap();
        assert_eq!(staged, 0, "a refused file leaves no staged chunks");

        // Without a session, or as an identity that is no member, nothing is listed or replaced.
        let stranger = Identity::generate();
        assert_eq!(token(&app, &stranger).await.err(), Some(401));
        assert_eq!(get(&app, None, "/api/v1/reseal/pending").await.0, 401);
        assert_eq!(get(&app, Some("00"), "/api/v1/reseal/outdated").await.0, 401);
        assert_eq!(put_messages(&app, None, case1, &[(1, &sealed)]).await, 401);
        assert_eq!(put(&app, None, &format!("/api/v1/cases/{case1}/messages/1/attachments/{att}"), sealed.clone()).await, 401);

        // The right message with the right count is taken (the content is the desk's business),
        // and the swap is audited once.
        let audited = || async {
            sqlx::query_scalar::<_, i64>("select count(*) from audit_log where action = 'reseal messages'")
                .fetch_one(&pool).await.unwrap()
        };
        assert_eq!(audited().await, 0);
        assert_eq!(put(&app, Some(&ta), &format!("/api/v1/cases/{case1}/messages/1/attachments/{att}"), sealed.clone()).await, 204);
        assert_eq!(put_messages(&app, Some(&ta), case1, &[(1, &sealed)]).await, 204);
        assert_eq!(audited().await, 1);
        let (_, page) = get(&app, Some(&ta), "/api/v1/reseal/pending").await;
        assert_eq!(page["cases"].as_array().unwrap().len(), 1, "{page}");
        pool.close().await;
    }
);

on_both_databases!(
    async fn a_rekeyed_member_signs_in_only_with_the_new_key_which_reads_everything_after_a_reseal(backend) {
        if !common::age_cli_available() {
            return;
        }
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let b = member(&app, "Bram");
        confirm(&app, &b).await;
        conversation(&app, &b, "the volunteers").await;
        let new_key = Identity::generate();
        let out = app.member_cli(&["member", "rekey", "Anna", "--recipient", &new_key.to_public().to_string()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(token(&app, &a.identity).await.err(), Some(401), "the old key no longer signs in");
        let a2 = unregistered(&app, "Anna2", new_key);
        assert!(token(&app, &a2.identity).await.is_ok());
        let audit = app.audit_verify();
        assert!(audit.status.success());

        confirm(&app, &b).await;
        succeeded(&reseal(&app, &b));
        for (what, ct) in stored(&app).await {
            assert!(!age_opens(app.dir.path(), &a.identity, &ct), "the old key opens {what}");
            assert!(age_opens(app.dir.path(), &a2.identity, &ct), "the new key opens {what}");
        }
    }
);

fn seeded(i: usize) -> (meldpunt::case::Report, meldpunt::i18n::Lang) {
    let report = meldpunt::case::Report {
        what: format!("seeded report {i}"),
        ..meldpunt::case::Report::default()
    };
    (report, meldpunt::i18n::Lang::En)
}

/// Makes `on` the active one of two members and `off` the disabled one, and has
/// the re-sealer confirm the new list.
async fn swap_members(app: &TestApp, on: &str, off: &str, resealer: &Member) {
    assert!(app.member_cli(&["member", "disable", off]).status.success());
    assert!(app.member_cli(&["member", "enable", on]).status.success());
    confirm(app, resealer).await;
}

on_both_databases!(
    async fn a_reseal_killed_at_random_moments_leaves_everything_readable_and_a_restart_finishes(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let b = member(&app, "Bram");
        for i in 0..2 {
            let file = vec![b'x'; 100_000 + i * 1000];
            app.submit_code_with_files("/en", &format!("case {i}"), [file_part("f.bin", file.clone()), file_part("g.bin", file)]).await;
        }
        let committee: Vec<Recipient> = vec![app.committee.to_public(), a.identity.to_public(), b.identity.to_public()];
        common::seed_reports(&app, &committee, (0..40).map(seeded).collect()).await;
        let c = member(&app, "Cato");
        // The two sets are {backup key, A, B} and {backup key, A, C}: whenever a run
        // finishes before it is killed, B and C trade places and the work starts again.
        let mut active = ("Cato", "Bram");
        swap_members(&app, active.0, active.1, &a).await;

        let mut kills = 0;
        let mut finished = 0;
        while kills < 50 {
            let mut child = reseal_command(&app, &a).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            let wait = 10 + u64::from(u16::from_be_bytes(crypto::random_bytes::<2>()) % 300);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "a run that was not killed ends well");
                finished += 1;
                active = (active.1, active.0);
                swap_members(&app, active.0, active.1, &a).await;
                continue;
            }
            // SIGKILL: no chance to finish the ciphertext at hand.
            child.kill().unwrap();
            child.wait().unwrap();
            kills += 1;
            for (what, ct) in stored(&app).await {
                assert!(opens(&b.identity, &ct) || opens(&c.identity, &ct), "after kill {kills}, {what} opens with neither set");
            }
        }
        eprintln!("{kills} kills, {finished} runs finished on their own");
        succeeded(&reseal(&app, &a));
        let all = stored(&app).await;
        assert_eq!(all.len(), 2 + 4 + 40);
        let (new, old) = if active.0 == "Cato" { (&c, &b) } else { (&b, &c) };
        for (what, ct) in all {
            assert!(opens(&new.identity, &ct) && !opens(&old.identity, &ct), "{what} is sealed to the new set");
        }
    }
);

on_both_databases!(
    async fn a_file_stream_swapped_in_the_database_is_not_resealed_under_the_other_files_id(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let (one, two) = (b"first file\n".repeat(5000), b"other file\n".repeat(5000));
        app.submit_code_with_files("/en", "two files", [file_part("one.txt", one), file_part("two.txt", two)]).await;
        let c = member(&app, "Cato");
        confirm(&app, &a).await;

        // The portal (here: its database) hands the desk each file's stream under
        // the other's id: both open with A's key, but neither is the file its
        // message describes.
        let pool = app.db().await;
        let ids: Vec<String> = sqlx::query_scalar("select id from attachments order by id").fetch_all(&pool).await.unwrap();
        let mut streams = Vec::new();
        for id in &ids {
            let chunks: Vec<(i64, Vec<u8>)> = sqlx::query("select idx, data from attachment_chunks where attachment_id = $1 order by idx")
                .bind(id).fetch_all(&pool).await.unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
            streams.push(chunks);
        }
        for (id, chunks) in ids.iter().zip(streams.iter().rev()) {
            sqlx::query("delete from attachment_chunks where attachment_id = $1").bind(id).execute(&pool).await.unwrap();
            for (idx, data) in chunks {
                sqlx::query("insert into attachment_chunks (attachment_id, idx, data) values ($1, $2, $3)")
                    .bind(id).bind(idx).bind(data).execute(&pool).await.unwrap();
            }
        }
        pool.close().await;
        let before = stored(&app).await;

        let out = reseal(&app, &a);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("does not understand"));
        let after = stored(&app).await;
        assert_eq!(after, before, "nothing was re-sealed");
        assert!(after.iter().all(|(_, ct)| !opens(&c.identity, ct)));
    }
);

/// The portal's answer with its JSON rewritten by `f`.
fn edited(
    upstream: Option<common::tamper::Answer>,
    f: impl FnOnce(&mut serde_json::Value),
) -> common::tamper::Answer {
    let mut a = upstream.expect("forwarded");
    let mut v = a.value();
    f(&mut v);
    a.body = serde_json::to_vec(&v).unwrap();
    a
}

on_both_databases!(
    async fn a_portal_that_adds_a_key_to_a_case_or_repeats_a_case_in_the_listing_gets_nothing_resealed(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        app.submit_code("/en", "first case").await;
        app.submit_code("/en", "second case").await;
        member(&app, "Cato");
        let proxy = common::tamper::TamperProxy::start(&app.base).await;
        confirm_at(&proxy.base, &a).await;
        let puts = |proxy: &common::tamper::TamperProxy| proxy.sent().into_iter().filter(|s| s.method == "PUT").count();

        // An attacker's key added to each case's seal list.
        let attacker = Identity::generate().to_public().to_string();
        proxy.set_rule(move |sent, upstream| {
            let case = sent.method == "GET" && sent.target.starts_with("/api/v1/cases/") && sent.target.len() == "/api/v1/cases/".len() + 32;
            if case {
                let key = attacker.clone();
                edited(upstream, move |v| v["seal_to"]["committee"].as_array_mut().unwrap().push(serde_json::json!(key)))
            } else {
                upstream.expect("forwarded")
            }
        });
        let out = reseal_command_at(&proxy.base, &a).output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("differs from the one you confirmed"));
        assert_eq!(puts(&proxy), 0, "nothing was uploaded");

        // The listing names a case twice (a portal that would keep the desk busy forever).
        proxy.set_rule(|sent, upstream| {
            if sent.target.starts_with("/api/v1/reseal/pending") {
                edited(upstream, |v| {
                    let first = v["cases"][0].clone();
                    v["cases"].as_array_mut().unwrap().push(first);
                })
            } else {
                upstream.expect("forwarded")
            }
        });
        let out = reseal_command_at(&proxy.base, &a).output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("does not understand"));
        assert_eq!(puts(&proxy), 0, "nothing was uploaded");

        // Untampered, the same run re-seals both cases.
        proxy.clear();
        let out = reseal_command_at(&proxy.base, &a).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(puts(&proxy), 2);
    }
);

/// Polls the desk's re-seal page until the run is no longer under way.
async fn settled(desk: &Desk) -> scraper::Html {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let p = desk.get("/reseal").await;
        assert!(!p.body.contains("reseal-failed"), "{}", p.body);
        if p.body.contains("reseal-done") || p.body.contains("reseal-stopped") {
            return p.html();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the desk's re-seal did not settle"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_both_databases!(
    async fn a_reseal_stopped_on_the_desk_page_resumes_where_it_stopped(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let committee: Vec<Recipient> = vec![app.committee.to_public(), a.identity.to_public()];
        common::seed_reports(&app, &committee, (0..120).map(seeded).collect()).await;
        let c = member(&app, "Cato");
        let desk = Desk::open(&app.base, &a.file, "en").await;
        let page = desk.get("/reseal").await.html();
        assert_eq!(common::text(&page, "#outdated strong"), "120");
        let started = desk.post("/reseal", &page, &[]).await;
        assert_eq!(started.status, 303);
        // Stopped once some cases are done (or, on a fast machine, at the end).
        let running = loop {
            let page = desk.get("/reseal").await.html();
            let cases = common::text(&page, "#reseal-cases");
            if cases.split(" / ").next().is_some_and(|n| n != "0") || page.select(&scraper::Selector::parse("#reseal-done").unwrap()).next().is_some() {
                break page;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let stop = desk.post("/reseal/stop", &running, &[]).await;
        assert_eq!(stop.status, 303);
        let stopped = settled(&desk).await;
        let done_first: usize = stored(&app).await.iter().filter(|(_, ct)| opens(&c.identity, ct)).count();
        eprintln!("the first run re-sealed {done_first} of 120 before it stopped");
        if common::text(&stopped, "#reseal-progress").contains("Stopped") {
            assert!(done_first < 120, "stopped before the end");
            assert!(stopped.select(&scraper::Selector::parse("#reseal-start").unwrap()).next().is_some());
        }
        // Started again, it lists only what is left and finishes.
        let again = desk.post("/reseal", &stopped, &[]).await;
        assert_eq!(again.status, 303);
        let finished = settled(&desk).await;
        assert!(finished.select(&scraper::Selector::parse("#reseal-done").unwrap()).next().is_some());
        assert_eq!(common::text(&finished, "#reseal-resealed"), (120 - done_first).to_string());
        assert!(stored(&app).await.iter().all(|(_, ct)| opens(&c.identity, ct)));
    }
);

on_both_databases!(
    async fn two_members_resealing_at_the_same_time_both_finish(backend) {
        let app = TestApp::spawn(backend).await;
        let a = member(&app, "Anna");
        let b = member(&app, "Bram");
        let committee: Vec<Recipient> = vec![app.committee.to_public(), a.identity.to_public(), b.identity.to_public()];
        common::seed_reports(&app, &committee, (0..150).map(seeded).collect()).await;
        for i in 0..6 {
            let file = vec![b'y'; 200_000 + i * 10];
            app.submit_code_with_files("/en", &format!("with files {i}"), [file_part("a.bin", file.clone()), file_part("b.bin", file)]).await;
        }
        let c = member(&app, "Cato");
        confirm(&app, &a).await;
        confirm(&app, &b).await;
        let first = reseal_command(&app, &a).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let second = reseal_command(&app, &b).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        for run in [first, second] {
            let out = run.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(stored(&app).await.iter().all(|(_, ct)| opens(&c.identity, ct)));
    }
);
