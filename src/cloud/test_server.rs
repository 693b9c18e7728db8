//! A tiny in-test HTTP server on 127.0.0.1:0 for the executor and client tests (the full emulator is
//! elsewhere). Each test scripts its own handler; the server records every request it receives.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Response, Uri};
use axum::Router;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    /// Decoded form-body pairs.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

pub type Handler = Arc<dyn Fn(usize, &Seen) -> Reply + Send + Sync>;

/// What the handler answers: status, headers, body, and an optional delay first.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay_ms: u64,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.into().into_bytes(),
            delay_ms: 0,
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
    pub fn delayed(mut self, ms: u64) -> Reply {
        self.delay_ms = ms;
        self
    }
}

/// A running test server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    /// Starts a server whose every request is answered by `handler(index, request)`.
    pub async fn start(
        handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let handler: Handler = Arc::new(handler);
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let seen2 = seen.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let handler = handler.clone();
                let seen = seen2.clone();
                async move {
                    let req = Seen {
                        method,
                        uri,
                        headers,
                        body,
                    };
                    let index = {
                        let mut guard = seen.lock().unwrap_or_else(|p| p.into_inner());
                        guard.push(req.clone());
                        guard.len() - 1
                    };
                    let reply = handler(index, &req);
                    if reply.delay_ms > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(reply.delay_ms)).await;
                    }
                    let mut resp = Response::builder().status(reply.status);
                    for (k, v) in reply.headers {
                        resp = resp.header(k, v);
                    }
                    resp.body(Body::from(reply.body))
                        .unwrap_or_else(|_| Response::new(Body::empty()))
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local_addr: {e}"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
