//! What the reporter's pages promise, in Dutch and English, read from the HTML the
//! real portal serves: the receipt says the code is shown only once and when a
//! closed report is deleted; the landing page names the two protected routes with
//! their web addresses and does not promise an anonymity nobody can give; no page a
//! reporter meets speaks of a "session".

mod common;

use common::{Options, Resp, TestApp, attr, form_token, full_report, pickup_code, text, texts};
use meldpunt::i18n::{Lang, PRIVACY_PATH};
use scraper::Selector;

async fn spawn() -> TestApp {
    TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            extra_args: vec!["--retention-days".into(), "45".into()],
            ..Options::default()
        },
    )
    .await
}

/// Everything a reader sees of a page: its title and the text of its body.
fn visible(r: &Resp) -> String {
    texts(&r.html(), "title, body").join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_says_the_code_is_shown_only_once_and_when_a_closed_report_is_deleted() {
    let app = spawn().await;
    for (lang, once, retention) in [
        (Lang::Nl, "maar één keer", "45 dagen"),
        (Lang::En, "only once", "45 days"),
    ] {
        let t = lang.texts();
        let receipt = app.submit(lang.prefix(), full_report("Over de code")).await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let page = receipt.html();
        let said = text(&page, "main p.warning#code-shown-once strong");
        assert_eq!(said, t.receipt_shown_once, "{}", lang.code());
        assert!(said.contains(once), "{}: {said}", lang.code());
        let kept = text(&page, "main p#retention");
        assert!(kept.contains(retention), "{}: {kept}", lang.code());
        // The warning comes right after the code, before anything else is read.
        let after_code = texts(&page, "div.pickup-code-box + p");
        assert_eq!(after_code, [said], "{}", lang.code());
        assert!(!pickup_code(&page).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landing_page_links_both_protected_routes_by_their_web_address_and_loads_nothing_from_them()
 {
    let app = spawn().await;
    for lang in [Lang::Nl, Lang::En] {
        let landing = app.get(&lang.path("/"), None).await;
        assert_eq!(landing.status, 200);
        let page = landing.html();
        for url in [
            "https://www.huisvoorklokkenluiders.nl",
            "https://www.autoriteitpersoonsgegevens.nl",
        ] {
            let css = format!("main #not-whistleblower ul.referrals a[href=\"{url}\"]");
            assert_eq!(
                text(&page, &css),
                url.trim_start_matches("https://"),
                "{}: the address is the link's visible text",
                lang.code()
            );
        }
        // A link loads nothing until it is followed; nothing the page loads by itself
        // comes from another site.
        let loaded = Selector::parse("[src], link[href], form[action]").unwrap();
        for element in page.select(&loaded) {
            let v = element.value();
            let target = v.attr("src").or(v.attr("href")).or(v.attr("action"));
            assert!(
                target.is_some_and(|t| t.starts_with('/') && !t.starts_with("//")),
                "{}: {:?} loads from elsewhere",
                lang.code(),
                element.html()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_anonymity_text_says_what_the_portal_does_and_promises_no_more() {
    let app = spawn().await;
    for (lang, promise, says) in [
        (
            Lang::Nl,
            "blijft anoniem",
            ["IP-adressen", "privévenster", "Tor Browser", "werk"],
        ),
        (
            Lang::En,
            "stay anonymous",
            ["IP addresses", "private window", "Tor Browser", "work"],
        ),
    ] {
        let t = lang.texts();
        let landing = app.get(&lang.path("/"), None).await;
        let page = landing.html();
        let section = text(&page, "main #anonymity section");
        let numbers = meldpunt::i18n::Numbers {
            session_idle_secs: 900,
            session_max_secs: 7200,
            retention_days: 45,
            acknowledge_days: 7,
            feedback_months: 3,
        };
        assert!(
            section.starts_with((t.landing_anonymity)(&numbers).heading),
            "{}: {section}",
            lang.code()
        );
        for s in says {
            assert!(
                section.contains(s),
                "{}: says {s:?}: {section}",
                lang.code()
            );
        }
        let all = visible(&landing).to_lowercase();
        assert!(
            !all.contains(promise),
            "{}: promises {promise:?}",
            lang.code()
        );
    }
}

/// Every page a reporter meets, in `lang`, as (name, response).
async fn reporter_pages(app: &TestApp, lang: Lang) -> Vec<(&'static str, Resp)> {
    let p = |path: &str| lang.path(path);
    let mut pages = vec![
        ("landing", app.get(&p("/"), None).await),
        ("form", app.get(&p("/report"), None).await),
        ("sign-in", app.get(&p("/pickup"), None).await),
        ("privacy", app.get(&p(PRIVACY_PATH), None).await),
    ];
    let token = form_token(&pages[1].1.html());
    let errors = app
        .post_form(&p("/report"), &[("form_token".into(), token)], None)
        .await;
    assert_eq!(errors.status, 422);
    pages.push(("form with errors", errors));
    let refused = app
        .post_form(&p("/pickup"), &[("code".into(), "ABC".into())], None)
        .await;
    pages.push(("refused code", refused));
    let receipt = app.submit(lang.prefix(), full_report("Over woorden")).await;
    let code = pickup_code(&receipt.html());
    pages.push(("receipt", receipt));
    let cookie = app.sign_in(lang.prefix(), &code).await;
    pages.push(("thread", app.get(&p("/thread"), Some(&cookie)).await));
    pages.push(("withdraw", app.get(&p("/withdraw"), Some(&cookie)).await));
    let out = [("sign_out".into(), "1".into())];
    let signed_out = app.post_form(&p("/sign-out"), &out, Some(&cookie)).await;
    pages.push(("signed out", signed_out));
    let ended = app.get(&p("/thread"), Some(&cookie)).await;
    pages.push(("signed out, then the thread", ended));
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reporter_page_speaks_of_a_session_in_either_language() {
    let app = spawn().await;
    for (lang, jargon) in [(Lang::Nl, "sessie"), (Lang::En, "session")] {
        let pages = reporter_pages(&app, lang).await;
        assert_eq!(pages.len(), 11);
        for (name, r) in &pages {
            assert!(
                r.status < 400 || r.status == 422,
                "{} {name}: {}",
                lang.code(),
                r.status
            );
            let shown = visible(r);
            assert!(!shown.is_empty(), "{} {name}", lang.code());
            assert!(
                !shown.to_lowercase().contains(jargon),
                "{} {name} says {jargon:?}: {shown}",
                lang.code()
            );
        }
        // The thread after signing out is the sign-in page, saying why.
        let ended = &pages[10].1;
        let notice = text(&ended.html(), "main .notice");
        assert!(notice.contains("15 min"), "{notice}");
        assert_eq!(
            attr(&ended.html(), "main form", "action"),
            Some(lang.path("/pickup"))
        );
    }
}

/// The checks above read the parsed page, so markup cannot hide or fake a word.
#[test]
fn visible_text_leaves_out_attributes_and_reads_the_title() {
    let r = Resp {
        status: 200,
        headers: Default::default(),
        body: "<html><head><title>Kop</title></head><body><p class=\"sessie\">x</p></body></html>"
            .into(),
    };
    let shown = visible(&r);
    assert!(shown.contains("Kop") && shown.contains('x'));
    assert!(!shown.contains("sessie"));
}
