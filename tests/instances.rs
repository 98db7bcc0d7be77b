//! Several portal instances on one PostgreSQL database behind a load balancer
//! (issue 16): a round-robin proxy sends every request to the other instance, and
//! the reporter's and the committee's journeys work as on one portal; a form is
//! accepted once by any instance; instances started together migrate once; the
//! housekeeping purge runs once per cycle; the global limit and the report ceiling
//! hold across instances with `--shared-limits`.

mod common;

use std::time::Duration;

use common::round_robin::RoundRobin;
use common::{
    Backend, Desk, Options, ScratchDatabase, TestApp, form_token, full_report, identity_file, text,
    texts,
};
use meldpunt::crypto::Identity;

/// The recipients file text both instances read (an offline committee key).
struct Committee {
    recipients: String,
}

impl Committee {
    fn new() -> Committee {
        let offline = Identity::generate();
        Committee {
            recipients: format!("# test committee\n{}\n", offline.to_public()),
        }
    }
}

/// Two instances on one fresh database, started at the same moment.
async fn two_instances(
    admin: &str,
    committee: &Committee,
    extra_args: &[&str],
    global_rate_burst: u32,
    max_reports_per_hour: u32,
) -> (ScratchDatabase, TestApp, TestApp) {
    let db = ScratchDatabase::create(admin, "meldpunt_multi").await;
    let opts = || Options {
        database_url: Some(db.url.clone()),
        recipients_text: Some(committee.recipients.clone()),
        extra_args: extra_args.iter().map(|a| (*a).to_owned()).collect(),
        global_rate_burst,
        max_reports_per_hour,
        ..Options::default()
    };
    let backend = Backend::Postgres(admin.to_owned());
    let (a, b) = tokio::join!(
        TestApp::spawn_with(backend.clone(), opts()),
        TestApp::spawn_with(backend, opts())
    );
    (db, a, b)
}

async fn postgres() -> Option<String> {
    match Backend::postgres().await? {
        Backend::Postgres(url) => Some(url),
        Backend::Sqlite => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_started_at_the_same_moment_on_an_empty_database_both_come_up_and_migrate_once()
 {
    let Some(admin) = postgres().await else {
        return;
    };
    let committee = Committee::new();
    let (_db, a, b) = two_instances(&admin, &committee, &[], 10_000, 1_000_000).await;
    for app in [&a, &b] {
        assert_eq!(app.get("/healthz", None).await.status, 200);
    }
    let pool = a.db().await;
    let versions: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations order by version")
            .fetch_all(&pool)
            .await
            .unwrap();
    // From the file names, not their count: numbers are taken per branch, so a
    // branch may lack one that another adds.
    let mut expected: Vec<i64> = std::fs::read_dir("migrations/postgres")
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.split('_').next().unwrap().parse().unwrap()
        })
        .collect();
    expected.sort_unstable();
    assert_eq!(versions, expected, "every migration applied exactly once");
    let secrets: Vec<String> = sqlx::query_scalar("select name from settings order by name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(secrets, ["form_token_key", "installation_salt"]);
    let counters: i64 = sqlx::query_scalar("select count(*) from shared_counters")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(counters, 3);
    pool.close().await;

    // Both made and read the same secrets: a form from one is accepted by the other.
    let form = a.get("/report", None).await;
    let mut pairs = vec![("form_token".to_owned(), form_token(&form.html()))];
    pairs.extend(full_report("gelijktijdig gestart"));
    let receipt = b.post_form("/report", &pairs, None).await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporter_and_the_committee_journeys_work_when_every_request_goes_to_the_other_instance()
 {
    let Some(admin) = postgres().await else {
        return;
    };
    let committee = Committee::new();
    let (_db, a, b) =
        two_instances(&admin, &committee, &["--shared-limits"], 10_000, 1_000_000).await;
    let anna = Identity::generate();
    a.add_member("Anna", &anna.to_public().to_string());
    let anna_file = identity_file(a.dir.path(), "anna.txt", &anna);
    let proxy = RoundRobin::start(&[&a.base, &b.base]).await;
    // The harness's helpers, aimed at the load balancer.
    let mut portal = a;
    let a_base = std::mem::replace(&mut portal.base, proxy.base.clone());

    // Reporter: the form from one instance is sent to the other; signing in, the
    // thread and a follow-up alternate too.
    let code = portal
        .submit_code("/en", "Client files are shared with volunteers.")
        .await;
    let cookie = portal.sign_in("/en", &code).await;
    let thread = portal.get("/en/thread", Some(&cookie)).await;
    assert_eq!(thread.status, 200, "{}", thread.body);
    let page = thread.html();
    let sent = portal
        .post_form(
            "/en/thread",
            &[
                ("form_token".into(), form_token(&page)),
                ("text".into(), "They are from the food bank.".into()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let thread = portal.get("/en/thread", Some(&cookie)).await.html();
    let shown = texts(&thread, "ol.thread .message-text");
    assert!(
        shown
            .iter()
            .any(|t| t == "Client files are shared with volunteers.")
    );
    assert_eq!(
        shown.last().map(String::as_str),
        Some("They are from the food bank.")
    );

    // Committee: sign-in (challenge on one instance, answer on the other), inbox,
    // case, acknowledgement and a reply, each request on the other instance.
    let desk = Desk::open(&proxy.base, &anna_file, "en").await;
    let inbox = desk.get("/").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    let inbox = inbox.html();
    let link = common::attr(&inbox, "tr.case-row a", "href").expect("the case is listed");
    let case = desk.get(&link).await;
    assert_eq!(case.status, 200, "{}", case.body);
    let page = case.html();
    assert!(
        texts(&page, "#thread .message-text")
            .iter()
            .any(|t| t.contains("food bank"))
    );
    let ack = desk.post(&format!("{link}/acknowledge"), &page, &[]).await;
    assert_eq!(ack.status, 303, "{}", ack.body);
    let reply = desk
        .post(
            &format!("{link}/reply"),
            &page,
            &[("text", "Thank you; which team?")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);

    // The reporter reads it, still signed in, whichever instance answers.
    let thread = portal.get("/en/thread", Some(&cookie)).await.html();
    assert_eq!(
        texts(&thread, "ol.thread .message-text")
            .last()
            .map(String::as_str),
        Some("Thank you; which team?")
    );
    assert_eq!(
        text(&thread, "#status"),
        meldpunt::case::Status::Acknowledged.label(meldpunt::i18n::Lang::En.texts())
    );

    // Every request alternated, and both instances answered many.
    let served = proxy.served();
    assert!(served.len() > 20, "{served:?}");
    assert!(served.windows(2).all(|w| w[0].0 != w[1].0));
    let counts = proxy.per_instance();
    assert!(counts.iter().all(|n| *n >= 10), "{counts:?}");
    portal.base = a_base;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_token_used_on_one_instance_is_refused_on_the_other() {
    let Some(admin) = postgres().await else {
        return;
    };
    let committee = Committee::new();
    let (_db, a, b) = two_instances(&admin, &committee, &[], 10_000, 1_000_000).await;
    let form = b.get("/report", None).await;
    let mut pairs = vec![("form_token".to_owned(), form_token(&form.html()))];
    pairs.extend(full_report("eenmaal"));
    assert_eq!(a.post_form("/report", &pairs, None).await.status, 200);
    let replayed = b.post_form("/report", &pairs, None).await;
    assert_eq!(replayed.status, 409, "{}", replayed.body);
    assert!(texts(&replayed.html(), "#pickup-code").is_empty());
    assert_eq!(a.count("cases").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_housekeeping_purge_runs_once_per_cycle_across_two_instances() {
    let Some(admin) = postgres().await else {
        return;
    };
    let committee = Committee::new();
    let (_db, a, _b) = two_instances(
        &admin,
        &committee,
        &["--housekeeping-secs", "2"],
        10_000,
        1_000_000,
    )
    .await;
    let pool = a.db().await;
    // An expired reporter session for the purge to remove.
    sqlx::query("insert into reporter_sessions (id, sealed_state, expires_at) values ($1, $2, 1)")
        .bind(vec![7u8; 32])
        .bind(vec![1u8; 8])
        .execute(&pool)
        .await
        .unwrap();
    let runs = || async {
        let n: i64 =
            sqlx::query_scalar("select used from shared_counters where name = 'housekeeping'")
                .fetch_one(&pool)
                .await
                .unwrap();
        n
    };
    let first = runs().await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let ran = runs().await - first;
    // Ten seconds hold five cycles of two seconds (six at a boundary); both
    // instances ticking on their own would have run about ten.
    assert!((4..=6).contains(&ran), "{ran} purges in five cycles");
    let left: i64 = sqlx::query_scalar("select count(*) from reporter_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the purge ran");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_global_limit_and_the_report_ceiling_hold_across_two_instances() {
    let Some(admin) = postgres().await else {
        return;
    };
    common::away_from_the_hour_boundary().await;
    let committee = Committee::new();

    // The report ceiling: three per hour between both instances.
    let (_db, a, b) = two_instances(&admin, &committee, &["--shared-limits"], 10_000, 3).await;
    for (i, app) in [&a, &b, &a].into_iter().enumerate() {
        app.submit_code("", &format!("melding {i}")).await;
    }
    for app in [&b, &a] {
        let busy = app.submit("", full_report("een te veel")).await;
        assert_eq!(busy.status, 503, "{}", busy.body);
    }
    assert_eq!(a.count("cases").await, 3);
    drop((a, b));

    // The global limit: six POSTs between both instances (per-client limits are
    // high); the seventh is refused with Retry-After, whichever instance gets it.
    let (_db, a, b) = two_instances(&admin, &committee, &["--shared-limits"], 6, 1_000_000).await;
    let wrong_code = [(
        "code".to_owned(),
        "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA".to_owned(),
    )];
    for app in [&a, &b, &a, &b, &a, &b] {
        let r = app.post_form("/pickup", &wrong_code, None).await;
        assert_ne!(r.status, 429, "refused before the limit");
    }
    for app in [&a, &b] {
        let r = app.post_form("/pickup", &wrong_code, None).await;
        assert_eq!(r.status, 429, "{}", r.body);
        assert!(r.header("retry-after").is_some());
    }
    // GETs are not limited.
    assert_eq!(b.get("/report", None).await.status, 200);
}
