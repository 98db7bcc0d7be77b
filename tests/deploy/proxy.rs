//! nginx with docs/deploy/nginx.conf, and Caddy with docs/deploy/Caddyfile, really
//! serving the portal: only the listen ports, the portal's address and the
//! certificates are changed (free loopback ports, a certificate made for the test).
//! Through each, HTTPS works, HSTS is sent once although the portal sends it too,
//! and a client cannot pick its own rate-limit bucket by sending `X-Real-IP` itself:
//! the proxy overwrites it. nginx also redirects plain HTTP.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{self, Options, TestApp};
use crate::tool;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Replaces `from` (which must occur `times` times) by `to`.
fn swap(text: String, from: &str, to: &str, times: usize) -> String {
    assert_eq!(text.matches(from).count(), times, "{from:?} in nginx.conf");
    text.replace(from, to)
}

/// A proxy process, stopped when the test ends (also when it fails).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts nginx with the shipped site file in front of `portal` (host:port); returns
/// it with its HTTPS and HTTP ports.
fn start_nginx(dir: &std::path::Path, portal: &str) -> (Running, u16, u16) {
    let at = |p: &str| dir.join(p);
    // A test CA, and a server certificate it signs (rustls refuses a CA as a server).
    let openssl = |args: &[&str]| {
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
            .args(["ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    };
    openssl(&[
        "-subj",
        "/CN=meldpunt test CA",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-subj",
        "/CN=meldpunt.example.org",
        "-addext",
        "subjectAltName=DNS:meldpunt.example.org",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-keyout",
        "privkey.pem",
        "-out",
        "fullchain.pem",
    ]);
    let (https, http) = (free_port(), free_port());
    let site = std::fs::read_to_string(crate::repo("docs/deploy/nginx.conf")).unwrap();
    let site = swap(site, "listen [::]:80;", "", 1);
    let site = swap(site, "listen [::]:443 ssl http2;", "", 1);
    let site = swap(site, "listen 80;", &format!("listen 127.0.0.1:{http};"), 1);
    let site = swap(
        site,
        "listen 443 ssl http2;",
        &format!("listen 127.0.0.1:{https} ssl http2;"),
        1,
    );
    let site = swap(
        site,
        "http://127.0.0.1:8080;",
        &format!("http://{portal};"),
        1,
    );
    let certs = format!("{}/", dir.display());
    let site = swap(
        site,
        "/etc/letsencrypt/live/meldpunt.example.org/",
        &certs,
        2,
    );
    std::fs::write(at("site.conf"), site).unwrap();
    let temp = |name: &str| format!("{name}_temp_path {};\n", at(name).display());
    let main = format!(
        "pid {};\nevents {{}}\nhttp {{\n{}{}{}{}{}include {};\n}}\n",
        at("nginx.pid").display(),
        temp("client_body"),
        temp("proxy"),
        temp("fastcgi"),
        temp("uwsgi"),
        temp("scgi"),
        at("site.conf").display()
    );
    std::fs::write(at("nginx.conf"), main).unwrap();
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(at("nginx.conf"))
        .args(["-e", "stderr", "-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Running(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", https)).is_ok() {
            return (nginx, https, http);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nginx did not listen");
}

/// A pickup attempt with a wrong code, claiming to come from `claimed`.
async fn pickup(client: &reqwest::Client, base: &str, claimed: &str) -> u16 {
    client
        .post(format!("{base}/pickup"))
        .header("x-real-ip", claimed)
        .form(&[("code", "x")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The portal as the package runs it behind a proxy: `--public-url https://…` (so it
/// sends HSTS itself) and the trusted header.
async fn portal_behind_a_proxy() -> TestApp {
    TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            rate_burst: 3,
            extra_args: [
                "--trusted-proxy-header",
                "X-Real-IP",
                "--public-url",
                "https://meldpunt.example.org",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        },
    )
    .await
}

/// A client that trusts `ca` (PEM) and finds meldpunt.example.org on `port`.
fn client_for(ca: &[u8], port: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca).unwrap())
        .resolve(
            "meldpunt.example.org",
            std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        )
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Through the proxy at `base`: HTTPS answers with one HSTS header, and a client's
/// own `X-Real-IP` does not give it a fresh rate-limit bucket.
async fn check_the_front(app: &TestApp, client: &reqwest::Client, base: &str) {
    let mut page = None;
    // A proxy may still be getting its certificate ready.
    for _ in 0..100 {
        match client.get(format!("{base}/")).send().await {
            Ok(r) => {
                page = Some(r);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let page = page.expect("the proxy answers over HTTPS");
    assert_eq!(page.status(), 200);
    let hsts: Vec<_> = page
        .headers()
        .get_all("strict-transport-security")
        .iter()
        .collect();
    assert_eq!(hsts, ["max-age=63072000; includeSubDomains"], "HSTS once");

    // Straight to the portal, the trusted header decides the bucket: a different
    // claimed address each time is never limited. This is what the proxy prevents.
    let plain = reqwest::Client::new();
    for i in 0..5 {
        let status = pickup(&plain, &app.base, &format!("203.0.113.{i}")).await;
        assert_ne!(status, 429, "direct attempt {i}");
    }
    // Through the proxy every claim is replaced by the real peer: the fourth is limited.
    let mut statuses = Vec::new();
    for i in 0..4 {
        statuses.push(pickup(client, base, &format!("198.51.100.{i}")).await);
    }
    assert!(statuses[..3].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(statuses[3], 429, "the claimed addresses were overwritten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_shipped_nginx_configuration_a_client_cannot_choose_its_rate_limit_bucket() {
    if !tool("nginx", &["-v"], "nginx") || !tool("openssl", &["version"], "openssl") {
        return;
    }
    let app = portal_behind_a_proxy().await;
    let portal = app.base.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, https, http) = start_nginx(dir.path(), &portal);
    let ca = std::fs::read(dir.path().join("ca.pem")).unwrap();
    let base = format!("https://meldpunt.example.org:{https}");
    check_the_front(&app, &client_for(&ca, https), &base).await;

    let moved = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{http}/report"))
        .header("host", "meldpunt.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 301);
    assert_eq!(
        moved.headers()["location"],
        "https://meldpunt.example.org/report"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_shipped_caddy_configuration_a_client_cannot_choose_its_rate_limit_bucket() {
    if !tool("caddy", &["version"], "caddy") {
        return;
    }
    let app = portal_behind_a_proxy().await;
    let portal = app.base.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let at = |p: &str| dir.path().join(p);
    let site = std::fs::read_to_string(crate::repo("docs/deploy/Caddyfile")).unwrap();
    let site = swap(
        site,
        "reverse_proxy 127.0.0.1:8080 {",
        &format!("reverse_proxy {portal} {{"),
        1,
    );
    std::fs::write(at("site.Caddyfile"), site).unwrap();
    // Only the global options differ from a server's: ports, and Caddy's own local
    // CA instead of Let's Encrypt, with its files in the test's directory.
    let (https, http) = (free_port(), free_port());
    let wrapper = format!(
        "{{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port {http}\n\t\
         https_port {https}\n\tstorage file_system {}\n}}\nimport {}\n",
        at("data").display(),
        at("site.Caddyfile").display()
    );
    std::fs::write(at("Caddyfile"), wrapper).unwrap();
    let child = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(at("Caddyfile"))
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", at("xdg"))
        .env("XDG_CONFIG_HOME", at("xdg"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("caddy starts");
    let _caddy = Running(child);
    let root = at("data/pki/authorities/local/root.crt");
    for _ in 0..100 {
        if root.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let ca = std::fs::read(&root).expect("Caddy made its local CA");
    let base = format!("https://meldpunt.example.org:{https}");
    check_the_front(&app, &client_for(&ca, https), &base).await;
}
