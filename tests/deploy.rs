//! Deployment files are tested, not only written (issue 16): the packaged systemd
//! unit and the backup units of docs/deploy/ pass `systemd-analyze verify` and have an
//! exposure of at most 2.0 in `systemd-analyze security`; the portal and its file
//! cleaner make no system call that the unit's filter takes away; the Tor fragment,
//! the Caddy and the nginx configurations pass their tools' own checks and point
//! at the packaged listen address; the backup units' commands copy a running
//! portal's database and the copy restores. Each tool is a Debian package; where
//! one is missing the test prints `SKIPPED: …`, and with `CI=true` it fails.
//! The install test of the package itself is packaging/test-deb.sh (run by CI).

#[path = "deploy/backups.rs"]
mod backups;
mod common;
#[path = "deploy/proxy.rs"]
mod proxy;
#[path = "deploy/syscalls.rs"]
mod syscalls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The unit cargo-deb packages (Cargo.toml's `systemd-units` takes it from
/// packaging/) and the backup units of docs/deploy/.
const UNITS: [&str; 3] = [
    "packaging/meldpunt.service",
    "docs/deploy/meldpunt-backup.service",
    "docs/deploy/meldpunt-pg-backup.service",
];

/// Whether `cmd` runs; when not, skipped loudly, or a failure with `CI=true`.
pub fn tool(cmd: &str, args: &[&str], package: &str) -> bool {
    let ok = Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but `{cmd}` is missing (apt-get install {package})"
        );
        eprintln!("SKIPPED: `{cmd}` is not installed (apt-get install {package})");
    }
    ok
}

/// A file of the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the tool runs")
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The values of `key=` lines in a unit or environment file, in order.
pub fn values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(str::trim)
        .collect()
}

/// The listen address of the packaged configuration.
fn packaged_listen() -> String {
    let env = read("packaging/meldpunt.env");
    let listen = values(&env, "MELDPUNT_LISTEN");
    assert_eq!(listen.len(), 1, "one MELDPUNT_LISTEN line");
    listen[0].to_owned()
}

/// `systemd-analyze security --offline=true` on `unit`: its overall exposure.
fn exposure(unit: &Path) -> f64 {
    let out = run(Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(unit));
    let text = both(&out);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level for"))
        .unwrap_or_else(|| panic!("no overall exposure in:\n{text}"));
    let number = line
        .rsplit_once(": ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no number in {line:?}"));
    number
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {line:?}"))
}

#[test]
fn the_packaged_unit_and_the_backup_units_have_an_exposure_of_at_most_2_0() {
    if !tool("systemd-analyze", &["--version"], "systemd") {
        return;
    }
    // The file tested is the file packaged.
    let manifest = read("Cargo.toml");
    let units = values(&manifest, "systemd-units");
    assert!(
        units.len() == 1 && units[0].contains(r#"unit-scripts = "packaging/""#),
        "cargo-deb takes the unit from packaging/: {units:?}"
    );
    for unit in UNITS {
        let level = exposure(&repo(unit));
        eprintln!("{unit}: exposure {level}");
        assert!(level <= 2.0, "{unit}: exposure {level} is above 2.0");
    }
    // The same reading of a unit without any hardening finds it exposed, so the
    // number above is read from the right place.
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.service");
    std::fs::write(&bare, "[Service]\nExecStart=/usr/bin/meldpunt serve\n").unwrap();
    assert!(exposure(&bare) > 9.0, "an unhardened unit is exposed");
}

/// A file-system root for `systemd-analyze verify --root`: this system's units,
/// meldpunt's binary at /usr/bin/meldpunt, /bin/sh, and `units` in /etc/systemd/system.
fn verify_root(units: &[(&str, String)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let at = |p: &str| root.path().join(p);
    for dir in ["usr/bin", "bin", "etc/systemd/system", "usr/lib/systemd"] {
        std::fs::create_dir_all(at(dir)).unwrap();
    }
    let system = ["/usr/lib/systemd/system", "/lib/systemd/system"]
        .into_iter()
        .find(|d| Path::new(d).join("sysinit.target").exists())
        .expect("this system's units");
    let copied = run(Command::new("cp")
        .args(["-a", system])
        .arg(at("usr/lib/systemd/system")));
    assert!(copied.status.success(), "{}", both(&copied));
    std::fs::copy(env!("CARGO_BIN_EXE_meldpunt"), at("usr/bin/meldpunt")).unwrap();
    std::fs::copy("/bin/sh", at("bin/sh")).unwrap();
    for (name, text) in units {
        std::fs::write(at(&format!("etc/systemd/system/{name}")), text).unwrap();
    }
    root
}

fn verify(root: &Path, names: &[&str]) -> Output {
    run(Command::new("systemd-analyze")
        .args(["verify", "--no-pager", "--man=false"])
        .arg(format!("--root={}", root.display()))
        .args(names))
}

#[test]
fn the_packaged_unit_and_the_backup_units_and_timers_pass_systemd_analyze_verify() {
    if !tool("systemd-analyze", &["--version"], "systemd") {
        return;
    }
    let files = [
        "packaging/meldpunt.service",
        "docs/deploy/meldpunt-backup.service",
        "docs/deploy/meldpunt-backup.timer",
        "docs/deploy/meldpunt-pg-backup.service",
        "docs/deploy/meldpunt-pg-backup.timer",
    ];
    let units: Vec<(&str, String)> = files
        .iter()
        .map(|f| (f.rsplit('/').next().unwrap(), read(f)))
        .collect();
    let names: Vec<&str> = units.iter().map(|(n, _)| *n).collect();
    let root = verify_root(&units);
    let out = verify(root.path(), &names);
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(both(&out).trim(), "", "verify has nothing to say");

    // A misspelt setting is reported, so silence above means the units were read.
    let broken = read("packaging/meldpunt.service").replace(
        "ProtectSystem=strict",
        "ProtectSystem=strict\nProtectSytem=strict",
    );
    let root = verify_root(&[("meldpunt.service", broken)]);
    let out = verify(root.path(), &["meldpunt.service"]);
    assert!(
        both(&out).contains("ProtectSytem"),
        "verify names the unknown setting: {}",
        both(&out)
    );
}

#[test]
fn the_torrc_fragment_passes_tor_verify_config_with_the_pow_defence_and_no_exit() {
    if !tool("tor", &["--version"], "tor") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let defaults = dir.path().join("defaults");
    std::fs::write(&defaults, "").unwrap();
    let tor = |what: &[&str]| {
        run(Command::new("tor")
            .args(what)
            .arg("--defaults-torrc")
            .arg(&defaults)
            .arg("-f")
            .arg(repo("docs/deploy/torrc"))
            .arg("--DataDirectory")
            .arg(dir.path().join("data")))
    };
    let out = tor(&["--verify-config"]);
    assert!(out.status.success(), "{}", both(&out));
    assert!(
        both(&out).contains("Configuration was valid"),
        "{}",
        both(&out)
    );

    // What Tor read, option by option (only those that differ from its defaults).
    let out = tor(&["--dump-config", "short"]);
    let dumped = String::from_utf8_lossy(&out.stdout);
    let options: Vec<(&str, &str)> = dumped.lines().filter_map(|l| l.split_once(' ')).collect();
    let option = |name: &str| -> Vec<&str> {
        options
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .collect()
    };
    assert_eq!(option("HiddenServicePoWDefensesEnabled"), ["1"]);
    assert_eq!(option("HiddenServicePoWQueueRate").len(), 1);
    assert_eq!(option("HiddenServicePoWQueueBurst").len(), 1);
    assert_eq!(option("SocksPort"), ["0"]);
    assert_eq!(option("ExitPolicy"), ["reject *:*"]);
    assert_eq!(option("ExitRelay"), ["0"]);
    // The onion's port 80 reaches the portal where the package makes it listen.
    assert_eq!(
        option("HiddenServicePort"),
        [format!("80 {}", packaged_listen()).as_str()]
    );
}

#[test]
fn the_caddy_configuration_validates_and_sets_hsts_and_the_trusted_header() {
    if !tool("caddy", &["version"], "caddy") {
        return;
    }
    let caddyfile = repo("docs/deploy/Caddyfile");
    let out = run(Command::new("caddy")
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile));
    assert!(out.status.success(), "{}", both(&out));

    // The configuration as Caddy understands it (JSON), not as it is spelt.
    let out = run(Command::new("caddy")
        .args(["adapt", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile));
    assert!(out.status.success(), "{}", both(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let routes = &json["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0]["routes"][0];
    let handlers = routes["handle"].as_array().expect("handlers");
    let headers = handlers
        .iter()
        .find(|h| h["handler"] == "headers")
        .expect("a headers handler");
    assert_eq!(
        headers["response"]["set"]["Strict-Transport-Security"][0],
        "max-age=63072000; includeSubDomains"
    );
    let proxy = handlers
        .iter()
        .find(|h| h["handler"] == "reverse_proxy")
        .expect("a reverse proxy");
    assert_eq!(proxy["upstreams"][0]["dial"], packaged_listen().as_str());
    // Set (not added to): whatever the client sent is replaced.
    assert_eq!(
        proxy["headers"]["request"]["set"]["X-Real-Ip"][0],
        "{http.request.remote.host}"
    );
    assert!(
        !handlers.iter().any(|h| h["handler"] == "encode"),
        "no compression"
    );
}

#[test]
fn the_nginx_configuration_passes_nginx_t_with_its_certificate_paths_filled_in() {
    if !tool("nginx", &["-v"], "nginx") || !tool("openssl", &["version"], "openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = |p: &str| dir.path().join(p);
    let made = run(Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=meldpunt.example.org", "-keyout"])
        .arg(at("privkey.pem"))
        .arg("-out")
        .arg(at("fullchain.pem")));
    assert!(made.status.success(), "{}", both(&made));
    // Only the certificate directory differs from the file as shipped.
    let site = read("docs/deploy/nginx.conf");
    let certs = "/etc/letsencrypt/live/meldpunt.example.org/";
    assert_eq!(site.matches(certs).count(), 2, "two certificate paths");
    let here = format!("{}/", dir.path().display());
    std::fs::write(at("site.conf"), site.replace(certs, &here)).unwrap();
    let temp = |name: &str| format!("{name}_temp_path {};", at(name).display());
    let main = format!(
        "pid {};\nevents {{}}\nhttp {{\n{}\n{}\n{}\n{}\n{}\ninclude {};\n}}\n",
        at("nginx.pid").display(),
        temp("client_body"),
        temp("proxy"),
        temp("fastcgi"),
        temp("uwsgi"),
        temp("scgi"),
        at("site.conf").display()
    );
    std::fs::write(at("nginx.conf"), main).unwrap();
    let out = run(Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(at("nginx.conf"))
        .args(["-e", "stderr"]));
    assert!(out.status.success(), "{}", both(&out));
    assert!(both(&out).contains("test is successful"), "{}", both(&out));

    // The proxy's target, header and buffering, as directives of the location.
    let directives: Vec<&str> = site
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let has = |d: &str| directives.contains(&d);
    assert!(has(&format!("proxy_pass http://{};", packaged_listen())));
    assert!(has("proxy_set_header X-Real-IP $remote_addr;"));
    assert!(has("proxy_request_buffering off;") && has("proxy_buffering off;"));
    assert!(has(
        r#"add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;"#
    ));
}

#[test]
fn the_packaged_environment_names_the_header_the_proxies_set_and_paths_the_unit_may_write() {
    let env = read("packaging/meldpunt.env");
    let unit = read("packaging/meldpunt.service");
    // Commented out until a proxy is set up, but then exactly this header.
    let header: Vec<&str> = env
        .lines()
        .filter_map(|l| l.strip_prefix("#MELDPUNT_TRUSTED_PROXY_HEADER="))
        .collect();
    assert_eq!(header, ["X-Real-IP"]);
    let writable: Vec<&str> = values(&unit, "ReadWritePaths")
        .iter()
        .flat_map(|v| v.split_whitespace())
        .collect();
    let database = values(&env, "DATABASE_URL");
    let db_path = database[0].strip_prefix("sqlite://").expect("SQLite");
    let spool = values(&env, "MELDPUNT_SPOOL_DIR");
    for path in [db_path, spool[0], values(&env, "MELDPUNT_DATA_DIR")[0]] {
        assert!(
            writable.iter().any(|w| Path::new(path).starts_with(w)),
            "{path} is writable under the unit ({writable:?})"
        );
    }
    assert_eq!(values(&unit, "Environment"), ["MALLOC_ARENA_MAX=2"]);
    assert_eq!(values(&unit, "CapabilityBoundingSet"), [""]);
}
