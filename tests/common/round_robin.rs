//! A load balancer for the tests: an HTTP proxy in front of several portal
//! instances that sends each request to the next instance in turn (not each
//! connection, since clients keep connections open), and records which one
//! answered what.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

struct Shared {
    upstreams: Vec<String>,
    next: AtomicUsize,
    client: reqwest::Client,
    log: Mutex<Vec<(usize, String, String)>>,
}

pub struct RoundRobin {
    /// The address clients are given as the portal.
    pub base: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl RoundRobin {
    /// A proxy on 127.0.0.1:0 alternating between `upstreams` (base URLs).
    pub async fn start(upstreams: &[&str]) -> RoundRobin {
        let shared = Arc::new(Shared {
            upstreams: upstreams
                .iter()
                .map(|u| u.trim_end_matches('/').to_owned())
                .collect(),
            next: AtomicUsize::new(0),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            log: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(relay)
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        RoundRobin { base, shared, task }
    }

    /// (instance index, method, path) of every request so far, in order.
    pub fn served(&self) -> Vec<(usize, String, String)> {
        self.shared.log.lock().unwrap().clone()
    }

    /// How many requests each instance answered.
    pub fn per_instance(&self) -> Vec<usize> {
        let mut counts = vec![0; self.shared.upstreams.len()];
        for (i, _, _) in self.served() {
            counts[i] += 1;
        }
        counts
    }
}

impl Drop for RoundRobin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let index = shared.next.fetch_add(1, Ordering::SeqCst) % shared.upstreams.len();
    shared
        .log
        .lock()
        .unwrap()
        .push((index, parts.method.to_string(), target.clone()));
    // Host passes unchanged, as a load balancer keeps it: the portal names its
    // origin from it in the committee's sign-in challenge.
    let upstream = &shared.upstreams[index];
    let mut req = shared
        .client
        .request(parts.method.clone(), format!("{upstream}{target}"));
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "connection" | "content-length" | "transfer-encoding"
        ) {
            req = req.header(name, value);
        }
    }
    let Ok(r) = req.body(body.to_vec()).send().await else {
        let mut gone = Response::new(Body::empty());
        *gone.status_mut() = StatusCode::BAD_GATEWAY;
        return gone;
    };
    let status = r.status();
    let headers: Vec<(String, Vec<u8>)> = r
        .headers()
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "content-length" | "transfer-encoding"))
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
    let bytes = r.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in headers {
        response.headers_mut().append(
            HeaderName::try_from(name).unwrap(),
            HeaderValue::from_bytes(&value).unwrap(),
        );
    }
    response
}
