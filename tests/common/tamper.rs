//! A compromised portal, as the desk meets it: an HTTP proxy between a real desk and
//! a real portal that records every request the desk sends and can rewrite any
//! answer (or answer by itself) before the desk sees it.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

/// A request the desk sent through the proxy.
#[derive(Clone, Debug)]
pub struct Sent {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub body: Vec<u8>,
}

/// An answer as the proxy will give it to the desk.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the body in 64 KiB pieces without a length, as a streaming server would.
    pub chunked: bool,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(value).unwrap(),
            chunked: false,
        }
    }

    /// The body as JSON (panics when it is not).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON answer")
    }
}

/// What the attacker does to an answer: gets the desk's request and the portal's
/// answer (`None` when the rule chose not to forward), returns what the desk gets.
pub type Rule = Box<dyn FnMut(&Sent, Option<Answer>) -> Answer + Send>;

/// Decides, before forwarding, whether the portal sees the request at all.
pub type Forward = Box<dyn Fn(&Sent) -> bool + Send + Sync>;

struct Shared {
    upstream: String,
    client: reqwest::Client,
    log: Mutex<Vec<Sent>>,
    rule: Mutex<Option<Rule>>,
    forward: Mutex<Option<Forward>>,
}

pub struct TamperProxy {
    /// The address the desk is given as its portal.
    pub base: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl TamperProxy {
    /// A proxy on 127.0.0.1:0 in front of the portal at `upstream`.
    pub async fn start(upstream: &str) -> TamperProxy {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            log: Mutex::new(Vec::new()),
            rule: Mutex::new(None),
            forward: Mutex::new(None),
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
        TamperProxy { base, shared, task }
    }

    /// Rewrites answers from now on.
    pub fn set_rule(&self, rule: impl FnMut(&Sent, Option<Answer>) -> Answer + Send + 'static) {
        *self.shared.rule.lock().unwrap() = Some(Box::new(rule));
    }

    /// Keeps some requests from the portal (the rule then answers them alone).
    pub fn set_forward(&self, forward: impl Fn(&Sent) -> bool + Send + Sync + 'static) {
        *self.shared.forward.lock().unwrap() = Some(Box::new(forward));
    }

    /// Passes everything through unchanged again.
    pub fn clear(&self) {
        *self.shared.rule.lock().unwrap() = None;
        *self.shared.forward.lock().unwrap() = None;
    }

    /// Every request the desk sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Age files the desk uploaded: message bodies and files.
    pub fn uploads(&self) -> Vec<Sent> {
        self.sent()
            .into_iter()
            .filter(|s| {
                s.method == "POST"
                    && (s.target.contains("/messages") || s.target.ends_with("/attachments"))
            })
            .collect()
    }

    /// Forgets what was recorded.
    pub fn forget(&self) {
        self.shared.log.lock().unwrap().clear();
    }
}

impl Drop for TamperProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let sent = Sent {
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        body: body.to_vec(),
    };
    shared.log.lock().unwrap().push(sent.clone());
    let forward = shared
        .forward
        .lock()
        .unwrap()
        .as_ref()
        .is_none_or(|f| f(&sent));
    let upstream = if forward {
        Some(forward_to_portal(&shared, &parts, &sent).await)
    } else {
        None
    };
    let answer = {
        let mut rule = shared.rule.lock().unwrap();
        match (rule.as_mut(), upstream) {
            (Some(rule), upstream) => rule(&sent, upstream),
            (None, Some(a)) => a,
            (None, None) => Answer::json(502, &serde_json::json!({ "error": "withheld" })),
        }
    };
    let mut response = if answer.chunked {
        let pieces: Vec<Result<Bytes, std::io::Error>> = answer
            .body
            .chunks(64 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        Response::new(Body::from_stream(futures::stream::iter(pieces)))
    } else {
        Response::new(Body::from(answer.body))
    };
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap();
    for (name, value) in answer.headers {
        response.headers_mut().append(
            HeaderName::try_from(name).unwrap(),
            HeaderValue::try_from(value).unwrap(),
        );
    }
    response
}

/// The portal's answer to the desk's request. A GET whose connection broke is
/// sent once more (a pooled connection can close just as it is reused); when the
/// portal still cannot be reached the desk gets a 599 that names the cause, rather
/// than a proxy task that panics and a desk that sees only a broken connection.
async fn forward_to_portal(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    sent: &Sent,
) -> Answer {
    let mut last_error = String::new();
    let tries = if parts.method == axum::http::Method::GET {
        2
    } else {
        1
    };
    for _ in 0..tries {
        let mut req = shared.client.request(
            parts.method.clone(),
            format!("{}{}", shared.upstream, sent.target),
        );
        for (name, value) in &parts.headers {
            if !matches!(
                name.as_str(),
                "connection" | "content-length" | "transfer-encoding"
            ) {
                req = req.header(name, value);
            }
        }
        let r = match req.body(sent.body.clone()).send().await {
            Ok(r) => r,
            Err(e) => {
                last_error = format!("{e:?}");
                continue;
            }
        };
        let status = r.status().as_u16();
        let headers = r
            .headers()
            .iter()
            .filter(|(n, _)| !matches!(n.as_str(), "content-length" | "transfer-encoding"))
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        match r.bytes().await {
            Ok(body) => {
                return Answer {
                    status,
                    headers,
                    body: body.to_vec(),
                    chunked: false,
                };
            }
            Err(e) => last_error = format!("{e:?}"),
        }
    }
    eprintln!(
        "tamper proxy: {} {} failed: {last_error}",
        sent.method, sent.target
    );
    Answer::json(
        599,
        &serde_json::json!({ "error": format!("tamper proxy could not reach the portal: {last_error}") }),
    )
}
