//! No outbound network use (checklist #28): in a network namespace that has only a
//! loopback interface, the portal starts, serves the form, stores a report and lets
//! its reporter back in — nothing it does needs to reach another host.

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
code=$(printf '%s' "$receipt" | grep -o '<code>[^<]*</code>' | sed 's/<[^>]*>//g')
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
