//! What the desk trusts and how it guards itself: the committee roster the member
//! pins (first use, a change, sealing to exactly the pin), and the desk's own
//! session (one-time launch link, cookie scoped to a random path, idle lock, no
//! redirect elsewhere, https for a remote portal).

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Desk, TestApp, identity_file, text, texts};
use meldpunt::crypto::{self, Identity};

/// A portal with a backup key in its recipients file, member Anna, one report.
async fn portal_with_anna(backend: common::Backend) -> (TestApp, Identity, std::path::PathBuf) {
    let app = TestApp::spawn(backend).await;
    let anna = Identity::generate();
    app.add_member("Anna", &anna.to_public().to_string());
    let file = identity_file(app.dir.path(), "anna.txt", &anna);
    app.submit_code("/en", "The team shares client files.")
        .await;
    (app, anna, file)
}

/// The roster fingerprint as the administrator sees it with `meldpunt member list`.
fn administrators_fingerprint(app: &TestApp) -> String {
    let recipients = app.dir.path().join("committee.txt");
    let out = app.member_cli(&[
        "member",
        "list",
        "--recipients",
        recipients.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("committee roster fingerprint (members compare it in their desk): ")
        })
        .expect("member list prints the fingerprint")
        .to_owned()
}

fn x25519_stanzas(age_file: &[u8]) -> usize {
    let header_end = age_file.windows(4).position(|w| w == b"\n---").unwrap();
    String::from_utf8_lossy(&age_file[..header_end])
        .lines()
        .filter(|l| l.starts_with("-> X25519 "))
        .count()
}

// ---------------------------------------------------------------------------------
// The pinned roster
// ---------------------------------------------------------------------------------

on_both_databases!(
    async fn the_first_sign_in_shows_the_whole_roster_with_the_administrators_fingerprint(backend) {
        let (app, anna, anna_file) = portal_with_anna(backend).await;
        let desk = Desk::open_unconfirmed(&app.base, &anna_file, "en").await;
        let inbox = desk.get("/").await;
        assert_eq!(inbox.status, 303);
        assert_eq!(inbox.header("location"), Some(desk.path("/roster").as_str()));
        let page = desk.get("/roster").await.html();
        assert_eq!(text(&page, "h1"), "Confirm who can read your messages");
        let keys = texts(&page, "#roster code.recipient");
        assert_eq!(keys.len(), 2, "Anna and the backup key");
        assert!(keys.contains(&anna.to_public().to_string()));
        assert!(keys.contains(&app.committee.to_public().to_string()));
        assert!(texts(&page, "#roster td:first-child").contains(&"Anna".to_owned()));
        assert_eq!(text(&page, "#fingerprint"), administrators_fingerprint(&app));
        // Nothing but the roster page until the member confirms.
        assert_eq!(desk.get("/stats").await.status, 303);
        desk.confirm_roster().await;
        assert_eq!(desk.get("/").await.status, 200);
        let pins: Vec<_> = std::fs::read_dir(desk.dir.path().join("state"))
            .unwrap()
            .filter_map(Result::ok)
            .collect();
        assert_eq!(pins.len(), 1, "one pin for one portal");
        // The roster page now shows the confirmed list.
        let page = desk.get("/roster").await.html();
        assert_eq!(text(&page, "h1"), "Committee");
        assert_eq!(text(&page, "#fingerprint"), administrators_fingerprint(&app));
    }
);

on_both_databases!(
    async fn a_new_member_is_a_change_that_stops_sealing_until_confirmed_and_then_replies_reach_exactly_the_pin(backend) {
        let (app, anna, anna_file) = portal_with_anna(backend).await;
        let desk = Desk::open(&app.base, &anna_file, "en").await;
        let inbox = desk.get("/").await.html();
        let link = common::attr(&inbox, "tr.case-row a", "href").unwrap();

        let bram = Identity::generate();
        app.add_member("Bram", &bram.to_public().to_string());
        let refused = desk.get(&link).await;
        assert_eq!(refused.status, 303);
        let page = desk.get("/roster").await.html();
        assert_eq!(text(&page, "h1"), "The committee has changed");
        let added = texts(&page, "#roster-added li");
        assert_eq!(added.len(), 1);
        assert!(added[0].contains("Bram") && added[0].contains(&bram.to_public().to_string()));
        let reply = desk.post(&format!("{link}/reply"), &page, &[("text", "Before confirming")]).await;
        assert_eq!(reply.status, 303);
        assert_eq!(reply.header("location"), Some(desk.path("/roster").as_str()));
        assert_eq!(app.stored_messages().await.len(), 1, "nothing was sealed");

        desk.confirm_roster().await;
        let case = desk.get(&link).await.html();
        assert_eq!(text(&case, "#pinned-fingerprint"), administrators_fingerprint(&app));
        let reply = desk.post(&format!("{link}/reply"), &case, &[("text", "After confirming")]).await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let stored = app.stored_messages().await;
        assert_eq!(stored.len(), 2);
        let sealed = &stored[1].3;
        // The pin: backup key, Anna, Bram; plus the reporter.
        assert_eq!(x25519_stanzas(sealed), 4);
        for who in [&anna, &bram, &app.committee] {
            assert!(crypto::open(sealed, who).is_ok());
        }
        assert!(crypto::open(sealed, &Identity::generate()).is_err());

        // A disabled member is a change too.
        let out = app.member_cli(&["member", "disable", "Bram"]);
        assert!(out.status.success());
        assert_eq!(desk.get(&link).await.status, 303);
        let page = desk.get("/roster").await.html();
        assert!(texts(&page, "#roster-removed li")[0].contains("Bram"));
    }
);

// ---------------------------------------------------------------------------------
// The desk's own session
// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_launch_link_works_once_and_its_cookie_is_another_value_scoped_to_a_random_path() {
    let (app, _, anna_file) = portal_with_anna(common::Backend::Sqlite).await;
    let desk = Desk::start(&app.base, &anna_file, "en").await;
    let prefix = desk.prefix.clone();
    assert!(prefix.starts_with("/d-") && prefix.len() == 35, "{prefix}");
    assert!(prefix[3..].bytes().all(|b| b.is_ascii_hexdigit()));
    let token = desk.launch_url.split("launch=").nth(1).unwrap().to_owned();

    let r = desk.client.get(&desk.launch_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("{prefix}/").as_str());
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("meldpunt_desk=")
        .unwrap();
    assert_ne!(value, token);
    let attrs: Vec<&str> = cookie.split("; ").skip(1).collect();
    assert!(
        attrs.contains(&format!("Path={prefix}").as_str()),
        "{cookie}"
    );
    assert!(
        attrs.contains(&"HttpOnly") && attrs.contains(&"SameSite=Strict"),
        "{cookie}"
    );
    assert!(attrs.iter().any(|a| a.starts_with("Max-Age=")), "{cookie}");

    // The link is used up; the desk printed a new one, which works once too.
    let again = desk.client.get(&desk.launch_url).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 403);
    let stdout = std::fs::read_to_string(desk.dir.path().join("stdout.log")).unwrap();
    let fresh = stdout
        .lines()
        .find_map(|l| l.split("in another browser: ").nth(1))
        .expect("a fresh link is printed");
    assert!(!fresh.contains(&token));
    assert_eq!(
        desk.client
            .get(fresh)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        desk.client
            .get(fresh)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );

    // Nothing answers outside the prefix, whatever the cookie.
    let outside = desk
        .client
        .get(format!("{}/", desk.origin))
        .header("cookie", format!("meldpunt_desk={value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_cookie_is_useless_to_another_local_port() {
    let (app, _, anna_file) = portal_with_anna(common::Backend::Sqlite).await;
    let first = Desk::open(&app.base, &anna_file, "en").await;
    let second = Desk::open(&app.base, &anna_file, "en").await;
    assert_ne!(first.prefix, second.prefix);
    assert_eq!(first.get("/").await.status, 200);
    // The first desk's cookie, sent to the second desk (another port on 127.0.0.1,
    // as a browser would send it to any local service on a matching path).
    let r = second
        .client
        .get(format!("{}{}/", second.origin, second.prefix))
        .header("cookie", &first.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = second
        .client
        .get(format!("{}{}/", second.origin, first.prefix))
        .header("cookie", &first.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_identity_locks_after_the_idle_time_and_the_portal_session_ends() {
    let (app, _, anna_file) = portal_with_anna(common::Backend::Sqlite).await;
    let mut desk = Desk::start_with(&app.base, &anna_file, "en", &["--lock-after-secs", "2"]).await;
    desk.launch().await;
    desk.confirm_roster().await;
    assert_eq!(desk.get("/").await.status, 200);
    assert_eq!(app.count("member_sessions").await, 1);

    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(
        app.count("member_sessions").await,
        0,
        "locking signed out of the portal"
    );
    let locked = desk.get("/").await;
    assert_eq!(locked.status, 303);
    assert_eq!(
        locked.header("location"),
        Some(desk.path("/unlock").as_str())
    );
    let page = desk.get("/unlock").await.html();
    assert!(text(&page, "main p").contains("locked"));
    let unlocked = desk.post("/unlock", &page, &[]).await;
    assert_eq!(unlocked.status, 303, "{}", unlocked.body);
    assert_eq!(desk.get("/").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_redirects_nowhere_but_its_own_start_page() {
    let (app, _, anna_file) = portal_with_anna(common::Backend::Sqlite).await;
    let desk = Desk::start(&app.base, &anna_file, "en").await;
    let token = desk.launch_url.split("launch=").nth(1).unwrap().to_owned();
    // A path that would be protocol-relative outside the prefix: not the desk's.
    let r = desk
        .client
        .get(format!("{}//evil.example/x?launch={token}", desk.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // Inside the prefix, the launch always lands on the start page.
    let r = desk
        .client
        .get(format!("{}//evil.example/x?launch={token}", desk.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("{}/", desk.prefix).as_str()
    );
}

#[test]
fn a_remote_portal_over_plain_http_is_refused_by_the_desk_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let key = identity_file(dir.path(), "k.txt", &Identity::generate());
    for args in [
        vec!["desk", "--portal", "http://meldpunt.example", "--identity"],
        vec![
            "export",
            "--case",
            "MP-000000",
            "--portal",
            "http://meldpunt.example",
            "--identity",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
            .args(&args)
            .arg(&key)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("https://"),
            "{:?}",
            out
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_desk_answer_carries_the_security_headers_whatever_its_status() {
    let (app, _, anna_file) = portal_with_anna(common::Backend::Sqlite).await;
    let desk = Desk::open(&app.base, &anna_file, "en").await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answers = [
        (200, plain.get(desk.url("/")).header("cookie", &desk.cookie)),
        (
            303,
            plain
                .get(desk.url("/unlock"))
                .header("cookie", &desk.cookie),
        ),
        (403, plain.get(desk.url("/"))),
        (404, plain.get(format!("{}/elsewhere", desk.origin))),
        (
            404,
            plain
                .get(desk.url("/no-such-page"))
                .header("cookie", &desk.cookie),
        ),
        (
            421,
            plain
                .get(desk.url("/"))
                .header("host", "evil.example")
                .header("cookie", &desk.cookie),
        ),
    ];
    for (status, request) in answers {
        let r = request.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        let h = r.headers();
        for name in [
            "content-security-policy",
            "referrer-policy",
            "x-content-type-options",
            "x-frame-options",
            "cache-control",
        ] {
            assert!(h.contains_key(name), "{status}: no {name}");
        }
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
}
