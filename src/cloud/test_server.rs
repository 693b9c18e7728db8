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

/// Certificates for the TLS tests: a CA of the test's own (trusted by nothing on this machine) and
/// leaves it signs.
pub struct TestCa {
    params: rcgen::CertificateParams,
    key: rcgen::KeyPair,
}

/// A certificate chain and its key, ready for a rustls server.
pub type ServerIdentity = (
    Vec<rustls_pki_types::CertificateDer<'static>>,
    rustls_pki_types::PrivateKeyDer<'static>,
);

fn key_pair() -> rcgen::KeyPair {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap_or_else(|e| panic!("{e}"))
}

fn identity(cert: &rcgen::Certificate, key: &rcgen::KeyPair) -> ServerIdentity {
    (
        vec![cert.der().clone()],
        rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params =
            rcgen::CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| panic!("{e}"));
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "cloudimage test CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        TestCa {
            params,
            key: key_pair(),
        }
    }

    /// A leaf for `names` (DNS names or IP addresses); `expired` makes it valid only in 2000.
    pub fn leaf(&self, names: &[&str], expired: bool) -> ServerIdentity {
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap_or_else(|e| panic!("{e}"));
        if expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2000, 12, 31);
        }
        let key = key_pair();
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        let cert = params
            .signed_by(&key, &issuer)
            .unwrap_or_else(|e| panic!("{e}"));
        identity(&cert, &key)
    }

    /// A self-signed certificate that is its own CA, as `openssl req -x509` makes by default.
    pub fn self_signed_ca(names: &[&str]) -> ServerIdentity {
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap_or_else(|e| panic!("{e}"));
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = key_pair();
        let cert = params.self_signed(&key).unwrap_or_else(|e| panic!("{e}"));
        identity(&cert, &key)
    }
}

/// A TLS server on 127.0.0.1:0 presenting `identity`; a connection whose handshake succeeds gets a
/// minimal HTTP 200 answer. Returns the address and a count of handshakes attempted.
pub async fn tls_server(identity: ServerIdentity) -> (SocketAddr, Arc<Mutex<usize>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_no_client_auth()
        .with_single_cert(identity.0, identity.1)
        .unwrap_or_else(|e| panic!("{e}"));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"));
    let handshakes: Arc<Mutex<usize>> = Arc::default();
    let count = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            *count.lock().unwrap_or_else(|p| p.into_inner()) += 1;
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        )
                        .await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (addr, handshakes)
}

/// A TCP server on 127.0.0.1:0 that records what each connection sends (up to the end of its first
/// header block, at most 64 KiB) and answers it with `reply`, then closes: a plain-http server for TLS
/// clients, or an HTTP proxy that refuses everything.
pub struct RawServer {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl RawServer {
    pub async fn start(reply: &'static [u8]) -> RawServer {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local_addr: {e}"));
        let seen: Arc<Mutex<Vec<u8>>> = Arc::default();
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let mut got = Vec::new();
                    let mut buf = [0u8; 4096];
                    while got.len() < 64 * 1024 {
                        match tcp.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                        // A TLS ClientHello never holds a blank line; an HTTP request head ends with one.
                        if got.first() == Some(&0x16) || got.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    record
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .extend_from_slice(&got);
                    let _ = tcp.write_all(reply).await;
                    let _ = tcp.shutdown().await;
                });
            }
        });
        RawServer { addr, seen }
    }

    /// Everything received so far, as text (lossy).
    pub fn seen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}
