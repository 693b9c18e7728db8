//! Drives the provider binary the way Terraform's plugin client does: environment, handshake line,
//! AutoMTLS with a pinned client certificate, health, Shutdown, signals.

use crate::support;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use support::{provider_binary, provider_command};
use terraform_provider_cloudimage::server::handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use terraform_provider_cloudimage::server::proto::plugin::grpc_controller_client::GrpcControllerClient;
use terraform_provider_cloudimage::server::proto::{tfplugin5, tfplugin6};
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// A running provider process and what its handshake line said.
struct Plugin {
    child: Child,
    line: String,
    /// The plugin's TMPDIR, where it makes its socket directory: removed after the plugin is killed, so a
    /// test that kills it leaves nothing behind in /tmp.
    _tmp: tempfile::TempDir,
}

impl Plugin {
    fn start(versions: &str, client_cert_pem: Option<&str>) -> Plugin {
        Plugin::start_on(None, versions, client_cert_pem)
    }

    /// Starts the plugin on `network` (`CLOUDIMAGE_PLUGIN_NETWORK`), or on this OS's usual transport.
    fn start_on(network: Option<&str>, versions: &str, client_cert_pem: Option<&str>) -> Plugin {
        let tmp = tempfile::tempdir().expect("TMPDIR for the plugin");
        let mut cmd = provider_command();
        cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env("TMPDIR", tmp.path())
            .env("PLUGIN_PROTOCOL_VERSIONS", versions)
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env_remove("PLUGIN_CLIENT_CERT")
            .env_remove("TF_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(pem) = client_cert_pem {
            cmd.env("PLUGIN_CLIENT_CERT", pem);
        }
        match network {
            Some(network) => cmd.env("CLOUDIMAGE_PLUGIN_NETWORK", network),
            None => cmd.env_remove("CLOUDIMAGE_PLUGIN_NETWORK"),
        };
        let mut child = cmd.spawn().expect("provider starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("handshake line");
        Plugin {
            child,
            line: line.trim_end().to_string(),
            _tmp: tmp,
        }
    }

    fn fields(&self) -> Vec<&str> {
        self.line.split('|').collect()
    }

    fn socket(&self) -> PathBuf {
        PathBuf::from(self.fields()[3])
    }

    /// Where to connect, whichever transport the handshake line names.
    fn dial(&self) -> Dial {
        match self.fields()[2] {
            "unix" => Dial::Unix(self.socket()),
            "tcp" => Dial::Tcp(self.fields()[3].to_string()),
            other => panic!("unknown network {other:?} in {:?}", self.line),
        }
    }

    fn server_cert(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(self.fields()[5])
            .expect("RawStd base64 certificate")
    }

    fn wait_exit(&mut self, within: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.child.try_wait().expect("try_wait").is_some() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection's byte stream, over either transport.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// An address from a handshake line.
#[derive(Debug, Clone)]
enum Dial {
    Unix(PathBuf),
    Tcp(String),
}

impl From<PathBuf> for Dial {
    fn from(path: PathBuf) -> Dial {
        Dial::Unix(path)
    }
}

impl Dial {
    async fn connect(&self) -> std::io::Result<Box<dyn Io>> {
        Ok(match self {
            Dial::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
            Dial::Tcp(addr) => Box::new(tokio::net::TcpStream::connect(addr).await?),
        })
    }
}

async fn plain_channel(dial: impl Into<Dial>) -> Result<Channel, tonic::transport::Error> {
    let dial = dial.into();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let dial = dial.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(dial.connect().await?)) }
        }))
        .await
}

/// A client that trusts exactly the server certificate from the handshake, as go-plugin does, and
/// presents `identity` (certificate + key), or nothing.
async fn tls_channel(
    dial: impl Into<Dial>,
    server_cert: Vec<u8>,
    identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer {
            der: server_cert,
            provider,
        }));
    let mut config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![cert], key)
            .expect("client cert"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let dial = dial.into();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (dial, connector) = (dial.clone(), connector.clone());
            async move {
                let stream = dial.connect().await?;
                let name = ServerName::try_from("localhost").expect("server name");
                let tls = connector.connect(name, stream).await?;
                assert_eq!(
                    tls.get_ref().1.alpn_protocol(),
                    Some(&b"h2"[..]),
                    "server must negotiate h2"
                );
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

#[derive(Debug)]
struct PinnedServer {
    der: Vec<u8>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(
            end_entity.as_ref(),
            self.der.as_slice(),
            "server presents the certificate it announced"
        );
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client certificate like Terraform's: self-signed P-521 ECDSA, CA, CN localhost.
fn terraform_like_client_cert() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "HashiCorp");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).expect("self-signed");
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.pem(), cert.der().clone(), key_der)
}

async fn serving(channel: Channel) -> Result<(), tonic::Status> {
    let reply = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        reply.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    Ok(())
}

#[test]
fn handshake_line_negotiates_the_protocol_version() {
    for (offered, want) in [("5", "5"), ("6", "6"), ("5,6", "6"), ("6,5", "6")] {
        let mut plugin = Plugin::start(offered, None);
        let fields = plugin.fields();
        assert_eq!(fields.len(), 6, "six fields in {:?}", plugin.line);
        assert_eq!(fields[0], "1");
        assert_eq!(fields[1], want, "offered {offered}");
        assert_eq!(fields[2], "unix");
        assert!(PathBuf::from(fields[3]).is_absolute());
        assert_eq!(fields[4], "grpc");
        assert_eq!(fields[5], "", "no certificate without PLUGIN_CLIENT_CERT");
        let socket = plugin.socket();
        let dir_mode = std::fs::metadata(socket.parent().unwrap()).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            dir_mode.permissions().mode() & 0o777,
            0o700,
            "socket directory is private"
        );
        drop(plugin.child.stdin.take());
        plugin.child.kill().unwrap();
    }
}

#[test]
fn over_tcp_the_handshake_line_names_a_loopback_port_in_terraforms_range() {
    let plugin = Plugin::start_on(Some("tcp"), "5,6", None);
    let fields = plugin.fields();
    assert_eq!(fields.len(), 6, "six fields in {:?}", plugin.line);
    assert_eq!(&fields[..3], ["1", "6", "tcp"], "{:?}", plugin.line);
    let addr: std::net::SocketAddr = fields[3].parse().expect("host:port");
    assert!(addr.ip().is_loopback(), "{addr}");
    assert!((10000..=25000).contains(&addr.port()), "{addr}");
    assert_eq!(fields[4], "grpc");
}

#[test]
fn a_bad_transport_setting_is_explained() {
    let mut cmd = provider_command();
    let out = cmd
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("CLOUDIMAGE_PLUGIN_NETWORK", "tcp")
        .env("PLUGIN_MIN_PORT", "25000")
        .env("PLUGIN_MAX_PORT", "10000")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake line");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("PLUGIN_MIN_PORT (25000) is greater than PLUGIN_MAX_PORT (10000)"),
        "{err}"
    );
}

#[tokio::test]
async fn plaintext_serves_health_schema_and_shuts_down_promptly() {
    serves_health_schema_and_shuts_down(None).await;
}

/// The transport Windows uses (go-plugin listens on TCP there), here on any OS.
#[tokio::test]
async fn over_tcp_serves_health_schema_and_shuts_down_promptly() {
    serves_health_schema_and_shuts_down(Some("tcp")).await;
}

async fn serves_health_schema_and_shuts_down(network: Option<&str>) {
    for version in ["5", "6"] {
        let mut plugin = Plugin::start_on(network, version, None);
        let channel = plain_channel(plugin.dial())
            .await
            .expect("plaintext connect");
        serving(channel.clone()).await.expect("health");
        if version == "6" {
            let mut client = tfplugin6::provider_client::ProviderClient::new(channel.clone());
            let schema = client
                .get_provider_schema(tfplugin6::get_provider_schema::Request {})
                .await
                .unwrap()
                .into_inner();
            assert!(schema.provider.and_then(|p| p.block).is_some());
        } else {
            let mut client = tfplugin5::provider_client::ProviderClient::new(channel.clone());
            let schema = client
                .get_schema(tfplugin5::get_provider_schema::Request {})
                .await
                .unwrap()
                .into_inner();
            assert!(schema.provider.and_then(|p| p.block).is_some());
        }
        let dial = plugin.dial();
        let started = Instant::now();
        GrpcControllerClient::new(channel)
            .shutdown(terraform_provider_cloudimage::server::proto::plugin::Empty {})
            .await
            .expect("shutdown answered");
        // How fast is a benchmark figure (BENCHMARKS.md figure 2); here only that it exits, on a machine that
        // may be busy.
        let exited = plugin
            .wait_exit(Duration::from_secs(30))
            .map(|_| started.elapsed());
        let exited = exited.expect("process exits after Shutdown");
        eprintln!("Shutdown to exit: {exited:?}");
        assert!(plugin.child.wait().unwrap().success());
        match dial {
            Dial::Unix(socket) => {
                assert!(!socket.exists(), "socket removed");
                assert!(
                    !socket.parent().unwrap().exists(),
                    "socket directory removed"
                );
            }
            Dial::Tcp(addr) => assert!(
                tokio::net::TcpStream::connect(&addr).await.is_err(),
                "{addr} no longer listens"
            ),
        }
    }
}

#[tokio::test]
async fn automtls_requires_exactly_the_pinned_client_certificate() {
    requires_the_pinned_client_certificate(None).await;
}

#[tokio::test]
async fn over_tcp_automtls_requires_exactly_the_pinned_client_certificate() {
    requires_the_pinned_client_certificate(Some("tcp")).await;
}

async fn requires_the_pinned_client_certificate(network: Option<&str>) {
    let (pem, cert, key) = terraform_like_client_cert();
    let plugin = Plugin::start_on(network, "6", Some(&pem));
    let server_cert = plugin.server_cert();
    assert!(server_cert.len() > 50, "a DER certificate is announced");

    let right = tls_channel(plugin.dial(), server_cert.clone(), Some((cert, key)))
        .await
        .expect("TLS connect");
    serving(right)
        .await
        .expect("the pinned certificate is served");

    let refused = match tls_channel(plugin.dial(), server_cert.clone(), None).await {
        Ok(channel) => serving(channel).await.is_err(),
        Err(_) => true,
    };
    assert!(refused, "a client without a certificate is refused");

    let (_, other_cert, other_key) = terraform_like_client_cert();
    let refused = match tls_channel(plugin.dial(), server_cert, Some((other_cert, other_key))).await
    {
        Ok(channel) => serving(channel).await.is_err(),
        Err(_) => true,
    };
    assert!(refused, "a client with another certificate is refused");

    let plaintext_refused = match plain_channel(plugin.dial()).await {
        Ok(channel) => serving(channel).await.is_err(),
        Err(_) => true,
    };
    assert!(
        plaintext_refused,
        "plaintext is refused when TLS is required"
    );
}

#[tokio::test]
async fn sigint_is_ignored() {
    let mut plugin = Plugin::start("6", None);
    let pid = plugin.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "still running after SIGINT"
    );
    serving(plain_channel(plugin.socket()).await.unwrap())
        .await
        .expect("still serving");
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    assert!(
        plugin.wait_exit(Duration::from_secs(2)).is_some(),
        "SIGTERM ends it"
    );
    assert!(!plugin.socket().exists(), "socket removed on SIGTERM");
}

#[test]
fn without_the_magic_cookie_it_explains_and_exits_1() {
    for cookie in [None, Some("wrong")] {
        let mut cmd = provider_command();
        cmd.env_remove(MAGIC_COOKIE_KEY).stdin(Stdio::null());
        if let Some(c) = cookie {
            cmd.env(MAGIC_COOKIE_KEY, c);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty(), "nothing on stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("This binary is a plugin"), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn version_flag_prints_the_version() {
    let out = provider_command().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "terraform-provider-cloudimage {}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn help_lists_the_flags_and_unknown_flags_fail() {
    let help = provider_command().arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--debug", "--version", "docs [DIR]"] {
        assert!(text.contains(flag), "{flag} missing from:\n{text}");
    }
    let bad = provider_command().arg("--nope").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown argument \"--nope\""));
}

#[tokio::test]
async fn debug_mode_prints_a_reattach_line_and_survives_shutdown() {
    let tmp = tempfile::tempdir().expect("TMPDIR for the plugin");
    let mut child = provider_command()
        .arg("--debug")
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let json = line
        .trim()
        .strip_prefix("TF_REATTACH_PROVIDERS='")
        .and_then(|l| l.strip_suffix('\''))
        .expect(&line);
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let entry = &value["registry.terraform.io/cloudimage/cloudimage"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().unwrap());
    // A failed assertion below must not leave the debug server running.
    let _kill_on_panic = KillOnPanic(child.id());
    let channel = plain_channel(socket.clone()).await.unwrap();
    GrpcControllerClient::new(channel.clone())
        .shutdown(terraform_provider_cloudimage::server::proto::plugin::Empty {})
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "debug server keeps serving after Shutdown"
    );
    serving(channel).await.unwrap();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        child.try_wait().unwrap().is_some(),
        "SIGINT ends debug mode"
    );
    let mut rest = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert!(!socket.exists());
}

/// Kills a process if the test panics while it runs (a passing test stops it itself).
struct KillOnPanic(u32);

impl Drop for KillOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
}

/// A leaf certificate signed by the pinned (CA) certificate: a valid chain to the pinned one, but not
/// the pinned certificate itself.
fn leaf_signed_by(
    ca_params: &rcgen::CertificateParams,
    ca_key: &rcgen::KeyPair,
) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let issuer = rcgen::Issuer::from_params(ca_params, ca_key);
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("P-256 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, &issuer).expect("signed leaf");
    (
        cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

async fn refused(
    dial: impl Into<Dial>,
    server_cert: Vec<u8>,
    identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> bool {
    match tls_channel(dial, server_cert, identity).await {
        Ok(channel) => serving(channel).await.is_err(),
        Err(_) => true,
    }
}

#[tokio::test]
async fn automtls_refuses_valid_certificates_other_than_the_pinned_one() {
    refuses_certificates_other_than_the_pinned_one(None).await;
}

#[tokio::test]
async fn over_tcp_automtls_refuses_valid_certificates_other_than_the_pinned_one() {
    refuses_certificates_other_than_the_pinned_one(Some("tcp")).await;
}

async fn refuses_certificates_other_than_the_pinned_one(network: Option<&str>) {
    let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let ca = params.self_signed(&ca_key).expect("CA");
    let plugin = Plugin::start_on(network, "6", Some(&ca.pem()));
    let server_cert = plugin.server_cert();
    let socket = plugin.dial();

    let pinned = (
        ca.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ca_key.serialize_der())),
    );
    serving(
        tls_channel(socket.clone(), server_cert.clone(), Some(pinned))
            .await
            .expect("TLS connect"),
    )
    .await
    .expect("the pinned certificate with its key is served");

    // Chains to the pinned CA, so a CA-pool verifier would take it; a pin does not.
    let leaf = leaf_signed_by(&params, &ca_key);
    assert!(
        refused(socket.clone(), server_cert.clone(), Some(leaf)).await,
        "a leaf signed by the pinned certificate is refused"
    );
    // Same subject, same key type, freshly generated: refused.
    let (_, twin_cert, twin_key) = terraform_like_client_cert();
    assert!(
        refused(socket, server_cert, Some((twin_cert, twin_key))).await,
        "a look-alike certificate is refused"
    );
}

#[tokio::test]
async fn socket_directory_is_private_and_removed_after_sigterm_with_tls() {
    use std::os::unix::fs::PermissionsExt;
    let (pem, cert, key) = terraform_like_client_cert();
    for client_cert in [None, Some(pem.as_str())] {
        let mut plugin = Plugin::start("6", client_cert);
        let socket = plugin.socket();
        let dir = socket.parent().expect("socket directory").to_path_buf();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "socket directory is 0700");
        let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(entries.len(), 1, "only the socket in its directory");
        // A live connection must not keep the directory alive past SIGTERM.
        let channel = match client_cert {
            None => plain_channel(socket.clone()).await.unwrap(),
            Some(_) => tls_channel(
                socket.clone(),
                plugin.server_cert(),
                Some((cert.clone(), key.clone_key())),
            )
            .await
            .unwrap(),
        };
        serving(channel.clone()).await.unwrap();
        let pid = plugin.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let took = plugin
            .wait_exit(Duration::from_secs(2))
            .expect("SIGTERM ends the plugin");
        assert!(!socket.exists(), "socket removed after SIGTERM");
        assert!(!dir.exists(), "socket directory removed after SIGTERM");
        eprintln!(
            "SIGTERM with a live {} connection: exited in {took:?}",
            if client_cert.is_some() {
                "TLS"
            } else {
                "plaintext"
            }
        );
        drop(channel);
    }
}

#[test]
fn plugin_exits_and_cleans_up_when_terraform_is_killed() {
    // `sh` stands in for Terraform: it starts the plugin, reports its pid, and is then SIGKILLed.
    let mut parent = Command::new("sh")
        .args([
            "-c",
            &format!(
                "{}'{}' & echo $! >&2; wait",
                support::provider_runner()
                    .map(|r| format!("'{}' ", r.display()))
                    .unwrap_or_default(),
                provider_binary().display()
            ),
        ])
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let mut pid = String::new();
    BufReader::new(parent.stderr.as_mut().expect("stderr"))
        .read_line(&mut pid)
        .expect("plugin pid");
    let mut line = String::new();
    BufReader::new(parent.stdout.as_mut().expect("stdout"))
        .read_line(&mut line)
        .expect("handshake line");
    let socket = PathBuf::from(line.trim_end().split('|').nth(3).expect("address"));
    assert!(socket.exists(), "serving at {socket:?}");
    parent.kill().expect("SIGKILL the parent");
    parent.wait().expect("reaped");
    let killed = Instant::now();
    let proc_dir = PathBuf::from(format!("/proc/{}", pid.trim()));
    // The orphan is re-parented to init (or a subreaper), which reaps it once it exits.
    let gone = |p: &PathBuf| {
        std::fs::read_to_string(p.join("stat"))
            .map(|s| s.split_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
            .unwrap_or(true)
    };
    while !gone(&proc_dir) && killed.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(gone(&proc_dir), "the orphaned plugin exits");
    assert!(!socket.exists(), "socket removed");
    assert!(
        !socket.parent().unwrap().exists(),
        "socket directory removed"
    );
    eprintln!(
        "orphaned plugin exited {:?} after its parent was killed",
        killed.elapsed()
    );
}

/// A provider over the transport, TLS and configuration Terraform uses, configured against the emulator:
/// what a binary built for another OS (the Windows one under Wine, the arm64 one under qemu) is checked
/// with, as well as the host's own.
struct ConfiguredPlugin {
    plugin: Plugin,
    channel: Channel,
    emulator: terraform_provider_cloudimage::mock::MockServer,
}

impl ConfiguredPlugin {
    async fn start(
        network: Option<&str>,
        emulator: terraform_provider_cloudimage::mock::MockConfig,
    ) -> ConfiguredPlugin {
        let emulator = terraform_provider_cloudimage::mock::MockServer::start(emulator)
            .await
            .expect("emulator starts");
        let (pem, cert, key) = terraform_like_client_cert();
        let plugin = Plugin::start_on(network, "6", Some(&pem));
        let channel = tls_channel(plugin.dial(), plugin.server_cert(), Some((cert, key)))
            .await
            .expect("TLS connect with the pinned certificate");
        let mut client = support::grpc::Client::new(channel.clone());
        let schema = client
            .get_provider_schema(tfplugin6::get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema")
            .into_inner();
        assert!(
            schema
                .data_source_schemas
                .contains_key("cloudimage_tencent_images"),
            "the schema lists the data sources"
        );
        let config = support::clouds::provider_config(&emulator.url(), "v3", 1, "60s");
        let diags = support::grpc::configure_with(&mut client, config).await;
        assert!(diags.is_empty(), "{diags:?}");
        ConfiguredPlugin {
            plugin,
            channel,
            emulator,
        }
    }

    async fn read_tencent_images(&self) -> support::grpc::Read {
        let ty = support::grpc::data_source_type("cloudimage_tencent_images");
        let mut client = support::grpc::Client::new(self.channel.clone());
        support::grpc::read_with(
            &mut client,
            &ty,
            "cloudimage_tencent_images",
            serde_json::json!({}),
        )
        .await
    }

    /// The controller's Shutdown; the process must then exit on its own.
    async fn shutdown(mut self) {
        GrpcControllerClient::new(self.channel.clone())
            .shutdown(terraform_provider_cloudimage::server::proto::plugin::Empty {})
            .await
            .expect("Shutdown answered");
        assert!(
            self.plugin.wait_exit(Duration::from_secs(30)).is_some(),
            "the provider exits after Shutdown"
        );
    }
}

#[tokio::test]
async fn over_tcp_with_automtls_reads_a_data_source_from_the_emulator() {
    let plugin = ConfiguredPlugin::start(Some("tcp"), Default::default()).await;
    let read = plugin.read_tencent_images().await;
    assert!(read.errors().is_empty(), "{:?}", read.diags);
    let ids = read.ids().expect("ids in the state");
    assert!(!ids.is_empty(), "the emulator's images are listed");
    plugin.shutdown().await;
}

/// Ctrl-C reaches the provider too (the terminal sends it to the whole process group; Windows sends
/// CTRL_C_EVENT to every process on the console): it cancels the reads in flight, as StopProvider
/// does, and the provider stays up for Terraform's Shutdown.
#[tokio::test]
async fn ctrl_c_cancels_a_read_in_flight_and_the_provider_keeps_serving() {
    let emulator = terraform_provider_cloudimage::mock::MockConfig {
        faults: terraform_provider_cloudimage::mock::FaultConfig {
            latency_ms: 120_000,
            rules: Vec::new(),
        },
        ..Default::default()
    };
    let plugin = Arc::new(ConfiguredPlugin::start(None, emulator).await);
    let read = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.read_tencent_images().await }
    });
    // Until the provider has asked the emulator (which holds every answer for two minutes).
    let port = plugin.emulator.addr().port();
    let deadline = Instant::now() + Duration::from_secs(60);
    while support::established_to(port) == 0 {
        assert!(
            Instant::now() < deadline,
            "the read never reached the emulator"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = plugin.plugin.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let read = tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("Ctrl-C ends the read long before the emulator answers")
        .expect("read task");
    assert!(read.state.is_none(), "no state: {:?}", read.diags);
    assert!(
        read.diags
            .iter()
            .any(|d| d.error && d.summary.starts_with("Cancelled")),
        "{:?}",
        read.diags
    );
    serving(plugin.channel.clone())
        .await
        .expect("still serving after Ctrl-C");
    let plugin = Arc::into_inner(plugin).expect("the read task is done");
    plugin.shutdown().await;
}
