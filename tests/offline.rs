//! No outbound network use (checklist #28): in a network namespace that has only a
//! loopback interface, the portal starts, serves the form, stores a report and lets
//! its reporter back in — nothing it does needs to reach another host. Under strace
//! it makes no network call of its own on SQLite, and only its database connections
//! on PostgreSQL. That holds with a member waiting for a notification mail, as long
//! as no SMTP server is configured; with one, the trace shows that connection.

use std::process::Command;

#[test]
fn the_portal_works_in_a_network_namespace_with_only_loopback() {
    let can_unshare = Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !can_unshare {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but `unshare -n` is not possible here (needs root)"
        );
        eprintln!("SKIPPED: cannot make a network namespace here (needs root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let committee = meldpunt::crypto::Identity::generate();
    std::fs::write(
        dir.path().join("committee.txt"),
        format!("{}\n", committee.to_public()),
    )
    .unwrap();
    // Everything below runs inside the namespace; the script prints what it saw.
    let script = r#"
set -eu
ip link set lo up
"$BIN" serve --listen 127.0.0.1:18931 --database-url "sqlite://$DIR/db.sqlite" \
    --recipients "$DIR/committee.txt" >"$DIR/out.log" 2>"$DIR/err.log" &
pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18931/ && break; sleep 0.1; done
form=$(curl -sf http://127.0.0.1:18931/report)
token=$(printf '%s' "$form" | grep -o 'name="form_token" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{112\}')
receipt=$(curl -sf -X POST http://127.0.0.1:18931/report \
    --data "form_token=$token&role=volunteer&concern=other&what=offline")
code=$(printf '%s' "$receipt" | tr -d '\n' | grep -o '<code>.*</code>' | sed 's/<[^>]*>//g')
pickup=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:18931/pickup --data "code=$code")
echo "interfaces: $(ip -brief link | wc -l)"
echo "code-length: ${#code}"
echo "pickup: $pickup"
kill $pid
"#;
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .env("BIN", env!("CARGO_BIN_EXE_meldpunt"))
        .env("DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("interfaces: 1"),
        "only loopback exists: {stdout}"
    );
    assert!(
        stdout.contains("code-length: 29"),
        "a report was stored and its code shown: {stdout}"
    );
    assert!(
        stdout.contains("pickup: 303"),
        "the code opens the thread: {stdout}"
    );
    let log = std::fs::read_to_string(dir.path().join("err.log")).unwrap_or_default();
    assert!(!log.contains("request failed"), "{log}");
}

/// The connect/sendto/sendmsg calls that name an IP address, from an strace log.
fn network_calls(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter(|l| {
            ["connect(", "sendto(", "sendmsg("]
                .iter()
                .any(|c| l.contains(c))
                && (l.contains("AF_INET") || l.contains("sin_port") || l.contains("sin6_port"))
        })
        .map(str::to_owned)
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `serve` under strace for a short journey and returns the trace; `extra`
/// are more arguments for `serve`.
fn traced_journey(database_url: &str, dir: &std::path::Path, extra: &[String]) -> String {
    let committee = meldpunt::crypto::Identity::generate();
    let recipients = dir.join("committee.txt");
    std::fs::write(&recipients, format!("{}\n", committee.to_public())).unwrap();
    let port = free_port();
    let trace = dir.join("trace.txt");
    let mut strace = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .arg("--recipients")
        .arg(&recipients)
        .args(extra)
        .env("MELDPUNT_DATA_DIR", dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("strace starts");
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let code = runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut up = false;
        for _ in 0..200 {
            if http.get(format!("{base}/healthz")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(up, "the portal started under strace");
        let form = http.get(format!("{base}/report")).send().await.unwrap();
        let page = scraper::Html::parse_document(&form.text().await.unwrap());
        let sel = scraper::Selector::parse("input[name=form_token]").unwrap();
        let token = page
            .select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap()
            .to_owned();
        let receipt = http
            .post(format!("{base}/report"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "form_token={token}&role=volunteer&concern=other&what=traced"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(receipt.status(), 200);
        let page = scraper::Html::parse_document(&receipt.text().await.unwrap());
        let sel = scraper::Selector::parse("#pickup-code").unwrap();
        let code: String = page.select(&sel).next().unwrap().text().collect();
        let pickup = http
            .post(format!("{base}/pickup"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("code={}", code.trim()))
            .send()
            .await
            .unwrap();
        pickup.status().as_u16()
    });
    assert_eq!(code, 303, "the code opens the thread");
    // Stop the traced server (strace's child), then strace itself ends.
    let children = std::fs::read_to_string(format!(
        "/proc/{}/task/{}/children",
        strace.id(),
        strace.id()
    ))
    .unwrap_or_default();
    for pid in children.split_whitespace() {
        let _ = Command::new("kill").arg(pid).status();
    }
    let _ = strace.wait();
    std::fs::read_to_string(&trace).expect("strace wrote its log")
}

fn strace_available() -> bool {
    let ok = Command::new("strace")
        .args(["-qq", "-e", "trace=none", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but strace is missing or cannot trace here"
        );
        eprintln!("SKIPPED: strace is not available");
    }
    ok
}

#[test]
fn the_portal_on_sqlite_opens_no_network_connection_of_its_own() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/db.sqlite", dir.path().display());
    // A notification is due in this hour, but no SMTP server is configured.
    let hour = notification_due(&url);
    let trace = traced_journey(&url, dir.path(), &["--notify-hour".into(), hour]);
    let calls = network_calls(&trace);
    assert!(calls.is_empty(), "outbound network calls: {calls:#?}");
}

/// Prepares the database at `url` so that a notification mail is due now: a member
/// who opted in two days ago and a reporter message from yesterday. Returns the
/// current UTC hour (after waiting out an hour's last two minutes), for `--notify-hour`.
fn notification_due(url: &str) -> String {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
            .args(args)
            .args(["--database-url", url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let member = meldpunt::crypto::Identity::generate()
        .to_public()
        .to_string();
    run(&["member", "add", "--name", "Lid", "--recipient", &member]);
    run(&["member", "notify", "Lid", "--email", "lid@example.org"]);
    let now = time::OffsetDateTime::now_utc();
    if now.minute() >= 58 {
        let left = (60 - u64::from(now.minute())) * 60 - u64::from(now.second());
        std::thread::sleep(std::time::Duration::from_secs(left + 1));
    }
    let now = time::OffsetDateTime::now_utc();
    let yesterday = now.date().previous_day().unwrap().to_string();
    let before = (now.date() - time::Duration::days(2)).to_string();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        sqlx::query(
            "insert into cases (id, reference, lookup, reporter_recipient, status, \
             received_on, feedback_due_on, last_activity_on) \
             values ($1, 'MP-OFFLN1', $2, 'age1unused', 'received', $3, $3, $3)",
        )
        .bind("0123456789abcdef0123456789abcdef")
        .bind(vec![1u8; 32])
        .bind(&yesterday)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "insert into messages (case_id, seq, author_kind, written_on, recipients_fp, ciphertext) \
             values ($1, 1, 'reporter', $2, 'unused', $3)",
        )
        .bind("0123456789abcdef0123456789abcdef")
        .bind(&yesterday)
        .bind(vec![0u8; 16])
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("update member_notifications set covered_through = $1")
            .bind(&before)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    now.hour().to_string()
}

/// The control for the test above: the same due notification with an SMTP server
/// configured (where nothing listens) shows up in the trace as a connection to it,
/// and as nothing else.
#[test]
fn with_an_smtp_server_configured_the_portal_connects_to_it_and_nowhere_else() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/db.sqlite", dir.path().display());
    let hour = notification_due(&url);
    let port = free_port();
    let trace = traced_journey(
        &url,
        dir.path(),
        &[
            "--notify-hour".into(),
            hour,
            "--notify-smtp".into(),
            format!("smtp+plain://127.0.0.1:{port}"),
            "--notify-from".into(),
            "meldpunt@example.org".into(),
        ],
    );
    let calls = network_calls(&trace);
    assert!(!calls.is_empty(), "the mail attempt is seen");
    let target = format!("sin_port=htons({port})");
    let elsewhere: Vec<&String> = calls.iter().filter(|l| !l.contains(&target)).collect();
    assert!(
        elsewhere.is_empty(),
        "connections other than the SMTP server: {elsewhere:#?}"
    );
}

#[test]
fn the_portal_on_postgresql_connects_only_to_its_database() {
    if !strace_available() {
        return;
    }
    let url = std::env::var("MELDPUNT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let reachable = std::net::TcpStream::connect("127.0.0.1:5432").is_ok();
    if !url.contains("127.0.0.1:5432") || !reachable {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but PostgreSQL is not at 127.0.0.1:5432"
        );
        eprintln!("SKIPPED: no local PostgreSQL");
        return;
    }
    // A database of its own, so the journey starts from an empty schema.
    let name = format!(
        "meldpunt_strace_{}",
        meldpunt::crypto::hex(&meldpunt::crypto::random_bytes::<6>())
    );
    let psql = |sql: &str| {
        let out = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "test",
                "-qAtc",
                sql,
            ])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    psql(&format!("create database {name}"));
    let dir = tempfile::tempdir().unwrap();
    let trace = traced_journey(
        &format!("postgres://postgres@127.0.0.1:5432/{name}"),
        dir.path(),
        &[],
    );
    psql(&format!("drop database {name} with (force)"));
    let calls = network_calls(&trace);
    assert!(
        !calls.is_empty(),
        "the database connections are seen: the trace works"
    );
    let elsewhere: Vec<&String> = calls
        .iter()
        .filter(|l| !(l.contains("sin_port=htons(5432)") && l.contains("inet_addr(\"127.0.0.1\")")))
        .collect();
    assert!(
        elsewhere.is_empty(),
        "connections other than the database: {elsewhere:#?}"
    );
}
