//! The site profile (site.toml): every reporter page takes the organisation's names
//! from it and none from the example; a malformed profile stops the start with the
//! key and the line; texts state the configured numbers; Onion-Location appears on
//! HTML pages only, and only when the profile names an onion service; the privacy
//! statement lists every entry and class of the data inventory in both languages.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Backend, Options, Resp, TestApp, attr, text, texts};
use meldpunt::i18n::{Lang, PRIVACY_PATH};
use meldpunt::storage::inventory;

/// 55 base32 letters and the version letter `d`, then `.onion`.
const ONION: &str = "zeldzaamzeldzaamzeldzaamzeldzaamzeldzaamzeldzaamzeldzaad.onion";

const PROFILE: &str = r#"
onion = "zeldzaamzeldzaamzeldzaamzeldzaamzeldzaamzeldzaamzeldzaad.onion"

[contact]
email = "vertrouwelijk@zeldzaam-kw.example"

[privacy]
controller_address = "Kwartelweg 9, 9999 ZZ Ergens"
data_protection_email = "fg@zeldzaam-kw.example"

[nl]
organisation = "Genootschap Zeldzaam Kwartel"
organisation_short = "GZKW"
committee = "Toetsingsraad Kwartel"
controller = "Genootschap Zeldzaam Kwartel"
data_protection_contact = "de privacyfunctionaris van het Genootschap"
landing_paragraphs = ["Een eigen alinea van het Genootschap Zeldzaam Kwartel."]

[en]
organisation = "Rare Quail Society"
organisation_short = "RQS"
committee = "Quail Review Board"
controller = "Rare Quail Society"
data_protection_contact = "the privacy officer of the Society"
"#;

/// Strings of the example profile (site.example.toml) that must not show through.
const EXAMPLE_STRINGS: &[&str] = &[
    "Voorbeeldvereniging",
    "VVSW",
    "Onderzoekscommissie Beroepsgeheim",
    "Example Association",
    "EASW",
    "Committee on Professional Secrecy",
    "voorbeeld.example",
    "example-banner",
];

fn write_profile(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

async fn spawn_with_profile(path: &Path, extra: &[&str]) -> TestApp {
    let mut extra_args: Vec<String> = vec!["--site".into(), path.display().to_string()];
    extra_args.extend(extra.iter().map(|s| s.to_string()));
    TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            extra_args,
            ..Default::default()
        },
    )
    .await
}

/// Checks one page: the names of its language in the header, the privacy link, and
/// nothing of the example profile.
fn check_page(r: &Resp, lang: Lang, what: &str) {
    let (organisation, committee) = match lang {
        Lang::Nl => ("Genootschap Zeldzaam Kwartel", "Toetsingsraad Kwartel"),
        Lang::En => ("Rare Quail Society", "Quail Review Board"),
    };
    let page = r.html();
    let tagline = text(&page, ".site-tagline");
    assert!(
        tagline.contains(organisation) && tagline.contains(committee),
        "{what}: {tagline}"
    );
    assert_eq!(
        attr(&page, "footer a#privacy-link", "href").as_deref(),
        Some(lang.path(PRIVACY_PATH).as_str()),
        "{what}: the footer links the privacy statement"
    );
    for s in EXAMPLE_STRINGS {
        assert!(!r.body.contains(s), "{what} shows {s:?} of the example");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reporter_page_in_both_languages_shows_the_names_from_the_profile_and_none_of_the_example()
 {
    let (_keep, path) = write_profile(PROFILE);
    let app = spawn_with_profile(&path, &[]).await;
    for lang in [Lang::Nl, Lang::En] {
        let p = lang.prefix();
        let mut pages = Vec::new();
        for path in ["/", "/report", "/pickup", "/no-such-page"] {
            pages.push((path.to_owned(), app.get(&lang.path(path), None).await));
        }
        let privacy = app.get(&lang.path(PRIVACY_PATH), None).await;
        assert_eq!(privacy.status, 200);
        pages.push(("privacy".to_owned(), privacy));
        let receipt = app.submit(p, common::full_report("Over de namen")).await;
        assert_eq!(receipt.status, 200);
        let code = text(&receipt.html(), "#pickup-code");
        pages.push(("receipt".to_owned(), receipt));
        let cookie = app.sign_in(p, &code).await;
        for path in ["/thread", "/withdraw"] {
            let r = app.get(&lang.path(path), Some(&cookie)).await;
            assert_eq!(r.status, 200, "{path}");
            pages.push((path.to_owned(), r));
        }
        for (what, r) in &pages {
            check_page(r, lang, &format!("{} {what}", lang.code()));
        }

        // The landing page: who we are, the profile's own paragraph and the contact
        // route, which is the profile's e-mail address.
        let landing = pages[0].1.html();
        let short = match lang {
            Lang::Nl => "GZKW",
            Lang::En => "RQS",
        };
        assert!(pages[0].1.body.contains(short));
        assert_eq!(
            attr(&landing, "#contact a", "href").as_deref(),
            Some("mailto:vertrouwelijk@zeldzaam-kw.example")
        );
        if lang == Lang::Nl {
            assert_eq!(
                text(&landing, ".site-paragraph"),
                "Een eigen alinea van het Genootschap Zeldzaam Kwartel."
            );
        } else {
            assert!(texts(&landing, ".site-paragraph").is_empty());
        }
        // The privacy statement names the controller and where questions go.
        let privacy = &pages[4].1.body;
        assert!(privacy.contains("Kwartelweg 9, 9999 ZZ Ergens"));
        assert!(privacy.contains("fg@zeldzaam-kw.example"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_profile_every_page_says_it_shows_the_example() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/",
        "/en/report",
        "/pickup",
        "/privacyverklaring",
        "/en/nothing",
    ] {
        let r = app.get(path, None).await;
        assert!(
            attr(&r.html(), "#example-banner", "id").is_some(),
            "{path} says it is an example"
        );
        assert!(r.body.contains("site.example.toml"), "{path}");
    }
}

/// Runs `meldpunt serve` with a profile; it must stop by itself.
fn serve_with_profile(dir: &Path, profile: &Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["serve", "--listen", "127.0.0.1:0", "--recipients"])
        .arg(dir.join("committee.txt"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("db/meldpunt.db").display()))
        .arg("--site")
        .arg(profile)
        .env_remove("DATABASE_URL")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the portal started with a malformed profile");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_malformed_profile_stops_the_start_naming_the_key_and_the_line() {
    let cases = [
        // A value that is not what its key holds.
        (
            PROFILE.replace("vertrouwelijk@zeldzaam-kw.example", "geen adres"),
            "geen adres",
            "key contact.email",
        ),
        // A key the profile does not know (a typo).
        (
            PROFILE.replace("committee = \"Quail", "commitee = \"Quail"),
            "commitee",
            "key en.commitee",
        ),
        // An onion address that is not one.
        (
            PROFILE.replace(ONION, "example.onion"),
            "example.onion",
            "key onion",
        ),
    ];
    for (text, marker, key) in cases {
        let line = text.lines().position(|l| l.contains(marker)).unwrap() + 1;
        let (dir, path) = write_profile(&text);
        std::fs::write(dir.path().join("committee.txt"), "").unwrap();
        let out = serve_with_profile(dir.path(), &path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{key}: {stderr}");
        assert!(
            stderr.contains(&format!("line {line}")) && stderr.contains(key),
            "{key} on line {line}: {stderr}"
        );
        assert!(
            !dir.path().join("db").exists(),
            "the profile is read before the database is touched"
        );
    }
    // A missing key: named with its table.
    let (dir, path) =
        write_profile(&PROFILE.replace("committee = \"Toetsingsraad Kwartel\"\n", ""));
    let out = serve_with_profile(dir.path(), &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("key nl.committee"), "{stderr}");
    // A named profile that does not exist is an error, not the example.
    let out = serve_with_profile(dir.path(), &dir.path().join("absent.toml"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.toml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_texts_state_the_configured_retention_session_lengths_and_file_limits() {
    let (_keep, path) = write_profile(PROFILE);
    let app = spawn_with_profile(
        &path,
        &[
            "--retention-days",
            "45",
            "--session-idle-secs",
            "1200",
            "--session-max-secs",
            "10800",
            "--max-files",
            "4",
            "--max-file-mib",
            "7",
            "--max-message-mib",
            "21",
        ],
    )
    .await;
    let expect: [(Lang, &str, &[&str]); 8] = [
        (
            Lang::Nl,
            "/",
            &[
                "45 dagen",
                "20 minuten",
                "na 3 uur",
                "Binnen 7 dagen",
                "Binnen 3 maanden",
            ],
        ),
        (
            Lang::En,
            "/",
            &[
                "45 more days",
                "20 minutes",
                "after 3 hours",
                "Within 7 days",
                "Within 3 months",
            ],
        ),
        (Lang::Nl, "/pickup", &["20 minuten", "na 3 uur"]),
        (Lang::En, "/pickup", &["20 minutes", "after 3 hours"]),
        (
            Lang::Nl,
            "/report",
            &["Hoogstens 4 bestanden, elk hoogstens 7 MB, samen hoogstens 21 MB."],
        ),
        (Lang::En, "/report", &["4 files", "7 MB", "21 MB"]),
        (
            Lang::Nl,
            PRIVACY_PATH,
            &["nog 45 dagen", "20 minuten", "na 3 uur"],
        ),
        (
            Lang::En,
            PRIVACY_PATH,
            &["45 more days", "20 minutes", "after 3 hours"],
        ),
    ];
    for (lang, path, wanted) in expect {
        let r = app.get(&lang.path(path), None).await;
        assert_eq!(r.status, 200);
        let shown = texts(&r.html(), "main").join(" ");
        for w in wanted {
            assert!(
                shown.contains(w),
                "{} {path} says {w:?}: {shown}",
                lang.code()
            );
        }
        // None of the defaults shows through.
        for default in [
            "183",
            "15 min",
            "2 uur",
            "2 hours",
            "10 bestanden",
            "10 files",
            "25 MB",
        ] {
            assert!(
                !shown.contains(default),
                "{} {path} says {default:?}",
                lang.code()
            );
        }
    }
    // The unknown-code page says how long a closed report is kept.
    let unknown = meldpunt::pickup::PickupCode::generate().display();
    let r = app
        .post_form(
            "/pickup",
            &[("code".into(), unknown.as_str().to_owned())],
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(text(&r.html(), ".field-error").contains("45 dagen"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onion_location_is_on_html_pages_only_and_only_when_the_profile_names_an_onion_service() {
    let (_keep, path) = write_profile(PROFILE);
    let app = spawn_with_profile(&path, &[]).await;
    for page in [
        "/",
        "/en/report",
        "/privacyverklaring",
        "/en/privacy",
        "/pickup",
        "/nowhere",
    ] {
        let r = app.get(page, None).await;
        assert_eq!(
            r.header("onion-location"),
            Some(format!("http://{ONION}{page}").as_str()),
            "{page}"
        );
    }
    // Not on assets, not on the API, not on the health check.
    for other in [
        "/static/style.css",
        "/static/favicon.svg",
        "/robots.txt",
        "/healthz",
        "/api/v1/cases",
    ] {
        let r = app.get(other, None).await;
        assert_eq!(r.header("onion-location"), None, "{other}");
    }
    // Not on a download: a reporter's file is streamed, not a page.
    let code = app
        .submit_code_with_files(
            "",
            "Met een bestand",
            [common::file_part("a.txt", b"bestand".to_vec())],
        )
        .await;
    let cookie = app.sign_in("", &code).await;
    let thread = app.get("/thread", Some(&cookie)).await;
    let href = attr(&thread.html(), "li.file a[download]", "href").expect("a download link");
    let (status, headers, _) = app.download(&href, &cookie).await;
    assert_eq!(status, 200);
    assert!(headers.get("onion-location").is_none());
    // Not when the page was already asked for on the onion service.
    let r = app
        .client
        .get(format!("{}/", app.base))
        .header("host", ONION)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("onion-location").is_none());

    // The example profile names no onion service: no header at all.
    let plain = TestApp::spawn(Backend::Sqlite).await;
    for page in ["/", "/en/report"] {
        assert_eq!(plain.get(page, None).await.header("onion-location"), None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_statement_lists_every_entry_and_class_of_the_data_inventory_in_both_languages()
{
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Every column of the inventory is told about under some entry.
    let entries = inventory::statements();
    for c in inventory::COLUMNS {
        assert!(entries.contains(&c.statement));
    }
    for lang in [Lang::Nl, Lang::En] {
        let p = lang.texts().privacy;
        // Reached through the footer of the landing page.
        let landing = app.get(&lang.path("/"), None).await.html();
        let href = attr(&landing, "footer a#privacy-link", "href").unwrap();
        let r = app.get(&href, None).await;
        assert_eq!(r.status, 200);
        let page = r.html();
        assert_eq!(text(&page, "h1"), p.title);
        let listed = texts(&page, "ul.stored > li");
        assert_eq!(listed.len(), entries.len(), "one item per entry");
        for s in &entries {
            let item = text(&page, &format!("li#stored-{}", s.key()));
            assert!(item.contains(s.text(&p.stored)), "{s:?}: {item}");
            for class in inventory::classes_of(*s) {
                assert!(
                    item.contains(class.text(&p.stored)),
                    "{s:?} {class:?}: {item}"
                );
            }
        }
        let all = texts(&page, "main").join(" ");
        for not_stored in p.not_stored {
            assert!(all.contains(not_stored), "{not_stored}");
        }
        assert!(all.contains("183"), "the configured retention");
        assert_eq!(
            attr(&page, "a#ap-link", "href").as_deref(),
            Some("https://www.autoriteitpersoonsgegevens.nl")
        );
        // The language switch leads to the statement in the other language.
        let other = lang.other();
        assert_eq!(
            attr(&page, "li.lang-switch a", "href").as_deref(),
            Some(other.path(PRIVACY_PATH).as_str())
        );
        assert!(attr(&page, "main form", "method").is_none());
    }
}
