//! The go-plugin handshake, as pure functions: the magic-cookie check, protocol negotiation from
//! `PLUGIN_PROTOCOL_VERSIONS`, and the one line printed on stdout. Knows nothing of sockets or TLS.

use base64::Engine;

/// The cookie Terraform (and OpenTofu) put in the environment of every provider process they start.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// What a person who runs the binary by hand sees.
pub const NOT_A_PROGRAM_HINT: &str = "This binary is a plugin. These are not meant to be executed directly. \
Please execute the program that consumes these plugins (terraform or tofu), which will load any plugins \
automatically. To debug the provider, run it with --debug.";

/// The plugin protocol major versions this provider serves, most preferred first.
pub const SUPPORTED_VERSIONS: [u32; 2] = [6, 5];

/// True when the environment carries Terraform's magic cookie.
pub fn cookie_is_valid(value: Option<&str>) -> bool {
    value == Some(MAGIC_COOKIE_VALUE)
}

/// Picks the protocol version to speak: the highest version both sides support.
///
/// `offered` is the client's `PLUGIN_PROTOCOL_VERSIONS` (comma-separated, any order). Like go-plugin, when
/// nothing matches (or the variable is absent) the server answers with its own lowest version and lets the
/// client report the mismatch.
pub fn negotiate(offered: Option<&str>) -> u32 {
    let offered: Vec<u32> = offered
        .unwrap_or("")
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|v| offered.contains(v))
        .unwrap_or(SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.len() - 1])
}

/// Where the plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Unix(std::path::PathBuf),
    Tcp(std::net::SocketAddr),
}

impl Address {
    pub fn network(&self) -> &'static str {
        match self {
            Address::Unix(_) => "unix",
            Address::Tcp(_) => "tcp",
        }
    }

    pub fn to_string_lossy(&self) -> String {
        match self {
            Address::Unix(p) => p.display().to_string(),
            Address::Tcp(a) => a.to_string(),
        }
    }
}

/// The handshake line `CORE|APP|NETWORK|ADDR|grpc|CERT`, without the trailing newline.
///
/// `server_cert_der` is the TLS server certificate (AutoMTLS); it goes out as standard base64 without padding,
/// which is what go-plugin decodes. No sixth "multiplex" field: go-plugin 1.4 (Terraform 1.0) would fold it
/// into the certificate.
pub fn line(version: u32, address: &Address, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "1|{version}|{}|{}|grpc|{cert}",
        address.network(),
        address.to_string_lossy()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_six_and_falls_back_to_five() {
        let cases = [
            (Some("6"), 6),
            (Some("5"), 5),
            (Some("5,6"), 6),
            (Some("6,5"), 6),
            (Some(" 5 , 6 "), 6),
            (Some("4,5"), 5),
            (Some("7"), 5),
            (Some(""), 5),
            (Some("garbage,,"), 5),
            (None, 5),
        ];
        for (offered, want) in cases {
            assert_eq!(negotiate(offered), want, "offered {offered:?}");
        }
    }

    #[test]
    fn cookie_must_match_exactly() {
        assert!(cookie_is_valid(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_is_valid(None));
        assert!(!cookie_is_valid(Some("")));
        assert!(!cookie_is_valid(Some(&MAGIC_COOKIE_VALUE[1..])));
    }

    #[test]
    fn line_has_six_fields_and_unpadded_base64() {
        let addr = Address::Unix("/tmp/x/plugin.sock".into());
        assert_eq!(line(6, &addr, None), "1|6|unix|/tmp/x/plugin.sock|grpc|");
        let l = line(5, &addr, Some(&[1, 2, 3, 4]));
        assert_eq!(l, "1|5|unix|/tmp/x/plugin.sock|grpc|AQIDBA");
        assert_eq!(l.split('|').count(), 6);
    }
}
