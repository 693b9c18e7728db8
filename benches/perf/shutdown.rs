//! Figure 2: `Shutdown` RPC → process exit, measured the way Terraform's plugin client ends a
//! provider: handshake with `PLUGIN_CLIENT_CERT` set, connect (TLS pinned to the announced
//! certificate when there is one), ask for the schema, call `GRPCController.Shutdown`, close the
//! connection, wait for the process. The clock runs from sending `Shutdown` to the process being
//! reaped (polled every 0.1 ms).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_cloudimage::server::handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use terraform_provider_cloudimage::server::proto::plugin::grpc_controller_client::GrpcControllerClient;
use terraform_provider_cloudimage::server::proto::plugin::Empty;
use terraform_provider_cloudimage::server::proto::{tfplugin5, tfplugin6};
use tonic::transport::{Channel, Endpoint};

/// Terraform's kind of client certificate: self-signed P-521, CN localhost. Returns (PEM, DER, key).
pub fn client_identity() -> Result<(String, CertificateDer<'static>, PrivateKeyDer<'static>), String>
{
    let key =
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).map_err(|e| e.to_string())?;
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.pem(), cert.der().clone(), key_der))
}

/// Trusts exactly the certificate the plugin announced, as go-plugin does.
#[derive(Debug)]
struct Pinned {
    der: Vec<u8>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the announced certificate".into(),
            ))
        }
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

async fn connect(
    network: &str,
    address: &str,
    server_cert: Option<Vec<u8>>,
    identity: (CertificateDer<'static>, PrivateKeyDer<'static>),
) -> Result<Channel, String> {
    let (network, address) = (network.to_string(), address.to_string());
    let tls = match server_cert {
        Some(der) => {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Pinned { der, provider }))
                .with_client_auth_cert(vec![identity.0], identity.1)
                .map_err(|e| e.to_string())?;
            config.alpn_protocols = vec![b"h2".to_vec()];
            Some(tokio_rustls::TlsConnector::from(Arc::new(config)))
        }
        None => None,
    };
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (network, address, tls) = (network.clone(), address.clone(), tls.clone());
            async move {
                let io: Box<dyn IoStream> = if network == "unix" {
                    Box::new(tokio::net::UnixStream::connect(&address).await?)
                } else {
                    Box::new(tokio::net::TcpStream::connect(&address).await?)
                };
                let io: Box<dyn IoStream> = match tls {
                    Some(c) => {
                        let name =
                            ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                        Box::new(c.connect(name, io).await?)
                    }
                    None => io,
                };
                Ok::<_, std::io::Error>(TokioIo::new(io))
            }
        }))
        .await
        .map_err(|e| e.to_string())
}

/// A provider process, killed if a run ends early.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> IoStream for T {}

/// One start → schema → Shutdown → exit cycle; returns the Shutdown → exit time.
async fn once(
    binary: &str,
    pem: &str,
    identity: &(CertificateDer<'static>, PrivateKeyDer<'static>),
) -> Result<Duration, String> {
    let mut child = Running(
        Command::new(binary)
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", pem)
            .env_remove("TF_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{binary}: {e}"))?,
    );
    let mut line = String::new();
    // Kept open until the process is gone: a closed pipe must not be what ends it.
    let mut stdout = BufReader::new(child.0.stdout.take().ok_or("no stdout")?);
    stdout.read_line(&mut line).map_err(|e| e.to_string())?;
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    if fields.len() < 5 {
        return Err(format!("bad handshake line {line:?}"));
    }
    let cert = fields
        .get(5)
        .filter(|c| !c.is_empty())
        .map(|c| base64::engine::general_purpose::STANDARD_NO_PAD.decode(c.trim_end_matches('=')))
        .transpose()
        .map_err(|e| e.to_string())?;
    let channel = connect(
        fields[2],
        fields[3],
        cert,
        (identity.0.clone(), identity.1.clone_key()),
    )
    .await?;
    if fields[1] == "6" {
        tfplugin6::provider_client::ProviderClient::new(channel.clone())
            .get_provider_schema(tfplugin6::get_provider_schema::Request {})
            .await
            .map_err(|e| e.to_string())?;
    } else {
        tfplugin5::provider_client::ProviderClient::new(channel.clone())
            .get_schema(tfplugin5::get_provider_schema::Request {})
            .await
            .map_err(|e| e.to_string())?;
    }
    let started = Instant::now();
    // go-plugin ignores the answer (an exiting plugin may not send one) and closes the connection.
    let _ = GrpcControllerClient::new(channel).shutdown(Empty {}).await;
    let deadline = started + Duration::from_secs(5);
    let exited = loop {
        if child.0.try_wait().map_err(|e| e.to_string())?.is_some() {
            break Instant::now();
        }
        if Instant::now() > deadline {
            return Err(format!("{binary} did not exit within 5 s of Shutdown"));
        }
        // Fine-grained polling: the figure is in milliseconds.
        std::thread::sleep(Duration::from_micros(100));
    };
    drop(stdout);
    Ok(exited.saturating_duration_since(started))
}

/// Runs figure 2 for each binary and returns `{binary: {median_ms, max_ms}}`.
pub fn run(binaries: &[(String, String)], runs: usize) -> Result<serde_json::Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (pem, der, key) = client_identity()?;
    let identity = (der, key);
    let mut out = serde_json::Map::new();
    for (name, binary) in binaries {
        let mut times = Vec::new();
        for _ in 0..runs {
            let d = runtime.block_on(once(binary, &pem, &identity))?;
            times.push(d.as_secs_f64() * 1000.0);
        }
        let max = times.iter().cloned().fold(0.0, f64::max);
        out.insert(
            name.clone(),
            serde_json::json!({ "median_ms": crate::median(&mut times), "max_ms": max, "runs": runs }),
        );
    }
    Ok(serde_json::Value::Object(out))
}
