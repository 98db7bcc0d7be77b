//! PostgreSQL for the tests: which server to use, databases made and dropped per
//! test, and a proxy that can cut the portal off from its database.

use super::*;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which database a test runs against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL from `MELDPUNT_TEST_POSTGRES` (or the local default) when it answers.
    /// Without it the test says it was skipped; under CI a missing server fails.
    pub async fn postgres() -> Option<Backend> {
        let url =
            std::env::var("MELDPUNT_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.into());
        sqlx::any::install_default_drivers();
        match sqlx::AnyPool::connect(&url).await {
            Ok(pool) => {
                pool.close().await;
                Some(Backend::Postgres(url))
            }
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but PostgreSQL at {url} is unreachable: {e}");
                }
                eprintln!(
                    "SKIPPED: PostgreSQL at {url} is unreachable ({e}); set MELDPUNT_TEST_POSTGRES"
                );
                None
            }
        }
    }
}

/// A PostgreSQL database made for one test and dropped when its owner is dropped,
/// also when the test fails. `TestApp` makes one for each app on PostgreSQL; a test
/// makes its own to restore or load a dump into.
pub struct ScratchDatabase {
    admin: String,
    pub name: String,
    /// The URL of the new database, on the server of the admin URL.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `{prefix}_{random hex}` through the `admin` URL.
    pub async fn create(admin: &str, prefix: &str) -> ScratchDatabase {
        let name = format!("{prefix}_{}", crypto::hex(&crypto::random_bytes::<8>()));
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let base = admin.rsplit_once('/').unwrap().0;
        ScratchDatabase {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Dropping runs outside the test's runtime, which may be shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

/// A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL, in the tests) that a
/// test can cut and restore: while it is cut, open connections are dropped and new
/// ones are closed at once.
pub struct CuttableProxy {
    pub port: u16,
    up: Arc<AtomicBool>,
}

impl CuttableProxy {
    /// Starts forwarding to `target` (`host:port`), up.
    pub async fn start(target: String) -> CuttableProxy {
        let up = Arc::new(AtomicBool::new(true));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let switch = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !switch.load(Ordering::SeqCst) {
                    let _ = inbound.shutdown().await;
                    continue;
                }
                let target = target.clone();
                let up = switch.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut ri, mut wi) = inbound.split();
                    let (mut ro, mut wo) = outbound.split();
                    let cut = async {
                        while up.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! {
                        _ = tokio::io::copy(&mut ri, &mut wo) => {}
                        _ = tokio::io::copy(&mut ro, &mut wi) => {}
                        () = cut => {}
                    }
                });
            }
        });
        CuttableProxy { port, up }
    }

    /// Starts a proxy to the server of the PostgreSQL URL `url`.
    pub async fn to_database(url: &str) -> CuttableProxy {
        CuttableProxy::start(pg_target(url)).await
    }

    /// `url` (a `postgres://user@host[:port]/db` URL) reaching its database through
    /// this proxy.
    pub fn database_url(&self, url: &str) -> String {
        let authority = pg_authority(url);
        url.replacen(
            &format!("@{authority}/"),
            &format!("@127.0.0.1:{}/", self.port),
            1,
        )
    }

    /// Drops the open connections and closes new ones until `restore`.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// The `host[:port]` part of a `postgres://user@host[:port]/db` URL.
fn pg_authority(url: &str) -> &str {
    let after_user = url.split_once('@').expect("a user in the URL").1;
    after_user.split_once('/').expect("a database in the URL").0
}

/// The server of a PostgreSQL URL, as `host:port`.
fn pg_target(url: &str) -> String {
    let authority = pg_authority(url);
    if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    }
}
