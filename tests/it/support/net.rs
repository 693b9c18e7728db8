//! Hostile-network fixtures for the Terraform tests, all on 127.0.0.1 and served by one runtime of their
//! own (the tests themselves are plain `#[test]`s running Terraform): a server that records every byte
//! it receives and answers each connection with fixed bytes (a refusing HTTP proxy, a plain-http server,
//! a redirecting one), a SOCKS5 server that maps every destination to one local address, and a TLS front
//! that terminates TLS with a test CA's certificate and relays to a local plain-http server.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The runtime the fixtures run on; dropping it stops them all.
pub struct Net {
    runtime: tokio::runtime::Runtime,
}

impl Net {
    pub fn start() -> Net {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        Net { runtime }
    }

    fn listen(&self) -> (TcpListener, SocketAddr) {
        let listener = self
            .runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        (listener, addr)
    }

    /// A server that records what each connection sends up to the end of its request head (or its
    /// first read, for anything that is not HTTP, such as a TLS ClientHello), answers `reply` and closes.
    pub fn recorder(&self, reply: &'static [u8]) -> Recorder {
        let (listener, addr) = self.listen();
        let seen: Arc<Mutex<Vec<u8>>> = Arc::default();
        let record = seen.clone();
        self.runtime.spawn(async move {
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
                        let http = got.first().is_some_and(u8::is_ascii_uppercase);
                        if !http || got.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    record.lock().expect("lock").extend_from_slice(&got);
                    let _ = tcp.write_all(reply).await;
                    let _ = tcp.shutdown().await;
                });
            }
        });
        Recorder { addr, seen }
    }

    /// A SOCKS5 server (no authentication, CONNECT only) that records each destination as `host:port`
    /// (`[v6]:port` for IPv6) and connects every one of them to `upstream`.
    pub fn socks5(&self, upstream: SocketAddr) -> Socks5 {
        let (listener, addr) = self.listen();
        let targets: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = targets.clone();
        self.runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let _ = socks5_session(tcp, upstream, record).await;
                });
            }
        });
        Socks5 { addr, targets }
    }

    /// A TLS server presenting `identity` that relays each connection to `upstream`.
    pub fn tls_front(&self, identity: Identity, upstream: SocketAddr) -> SocketAddr {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(identity.chain, identity.key)
            .expect("server certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let (listener, addr) = self.listen();
        self.runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        addr
    }
}

/// See [`Net::recorder`].
pub struct Recorder {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    /// Everything received so far (lossy text).
    pub fn seen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().expect("lock")).into_owned()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// See [`Net::socks5`].
pub struct Socks5 {
    pub addr: SocketAddr,
    targets: Arc<Mutex<Vec<String>>>,
}

impl Socks5 {
    /// The destinations asked for so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().expect("lock").clone()
    }
}

async fn socks5_session(
    mut tcp: TcpStream,
    upstream: SocketAddr,
    record: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    tcp.read_exact(&mut head).await?;
    let mut methods = vec![0u8; head[1] as usize];
    tcp.read_exact(&mut methods).await?;
    if head[0] != 5 || !methods.contains(&0) {
        tcp.write_all(&[5, 0xff]).await?;
        return Ok(());
    }
    tcp.write_all(&[5, 0]).await?;
    let mut request = [0u8; 4];
    tcp.read_exact(&mut request).await?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            tcp.read_exact(&mut ip).await?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            tcp.read_exact(&mut len).await?;
            let mut name = vec![0u8; len[0] as usize];
            tcp.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        4 => {
            let mut ip = [0u8; 16];
            tcp.read_exact(&mut ip).await?;
            format!("[{}]", std::net::Ipv6Addr::from(ip))
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    tcp.read_exact(&mut port).await?;
    record
        .lock()
        .expect("lock")
        .push(format!("{host}:{}", u16::from_be_bytes(port)));
    if request[1] != 1 {
        // Command not supported.
        tcp.write_all(&[5, 7, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        return Ok(());
    }
    let mut plain = TcpStream::connect(upstream).await?;
    tcp.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut tcp, &mut plain).await?;
    Ok(())
}

/// A certificate chain and its key.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

/// A certificate authority of the test's own: trusted only where `SSL_CERT_FILE` names its file.
pub struct TestCa {
    params: rcgen::CertificateParams,
    key: rcgen::KeyPair,
    pem: String,
}

fn key_pair() -> rcgen::KeyPair {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key")
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "cloudimage test CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let key = key_pair();
        let pem = params.self_signed(&key).expect("CA").pem();
        TestCa { params, key, pem }
    }

    /// Writes the CA certificate as PEM (what `SSL_CERT_FILE` points at).
    pub fn write_pem(&self, path: &Path) {
        std::fs::write(path, &self.pem).expect("CA file");
    }

    /// A server certificate for `names` (DNS names or IP addresses) signed by this CA.
    pub fn leaf(&self, names: &[&str]) -> Identity {
        let params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        let key = key_pair();
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("leaf");
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        }
    }
}
