//! API endpoints: a `url::Url` plus the exact `Host` header value the request carries and is signed
//! for. A bare host means https; a non-default port stays in the Host header (signatures cover it).
//! Knows nothing of any particular cloud beyond parsing.

use std::fmt;

use url::Url;

/// Why an endpoint string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("endpoint {0:?} is not a valid url")]
    Invalid(String),
    #[error("endpoint {0:?} must use http or https")]
    Scheme(String),
    #[error("endpoint {0:?} has no host")]
    NoHost(String),
    #[error("endpoint {0:?} must not carry credentials, a query or a fragment")]
    Extra(String),
}

/// A parsed API endpoint.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    url: Url,
    host_header: String,
}

impl Endpoint {
    /// Parses `https://host`, `http://127.0.0.1:18080` or a bare `host[:port]` (https).
    pub fn parse(raw: &str) -> Result<Self, EndpointError> {
        let trimmed = raw.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| EndpointError::Invalid(raw.into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EndpointError::Scheme(raw.into()));
        }
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => return Err(EndpointError::NoHost(raw.into())),
        };
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(EndpointError::Extra(raw.into()));
        }
        // `Url::port` is None for the scheme's default port, which is exactly when the Host
        // header omits it.
        let host_header = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        Ok(Endpoint { url, host_header })
    }

    /// The base URL (scheme, host, port and any path prefix).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `Host` header value: host, plus `:port` when the port is not the scheme's default.
    pub fn host_header(&self) -> &str {
        &self.host_header
    }

    /// True when requests to this endpoint would carry signed credentials in clear text over the
    /// network: `http://` to anything but a loopback host. Loopback stays allowed for local emulators
    /// and TLS-terminating sidecars on the same machine.
    pub fn is_plaintext_remote(&self) -> bool {
        is_plaintext_remote(&self.url)
    }

    /// The URL for an absolute API `path` (such as `/v2/image`) under this endpoint.
    pub fn join_path(&self, path: &str) -> Url {
        let mut url = self.url.clone();
        let base = self.url.path().trim_end_matches('/');
        url.set_path(&format!("{base}{path}"));
        url
    }
}

/// `http://` to a host that is not `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_plaintext_remote(url: &Url) -> bool {
    if url.scheme() != "http" {
        return false;
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    !loopback
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.url)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Without the trailing slash Url adds to an empty path.
        f.write_str(self.url.as_str().trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_remote_table() {
        let cases = [
            ("https://bcc.bj.baidubce.com", false),
            ("bcc.bj.baidubce.com", false),
            ("http://127.0.0.1:18080", false),
            ("http://127.8.9.10", false),
            ("http://localhost:8080", false),
            ("http://LOCALHOST.", false),
            ("http://emu.localhost", false),
            ("http://[::1]:9000", false),
            ("http://api.ucloud.cn", true),
            ("http://10.0.0.5:8080", true),
            ("http://[2001:db8::1]", true),
            ("http://localhost.example.com", true),
            ("http://0.0.0.0", true),
        ];
        for (raw, want) in cases {
            let e = Endpoint::parse(raw).expect(raw);
            assert_eq!(e.is_plaintext_remote(), want, "{raw}");
        }
    }

    #[test]
    fn parse_table() {
        let cases = [
            (
                "bcc.bj.baidubce.com",
                "https://bcc.bj.baidubce.com",
                "bcc.bj.baidubce.com",
            ),
            (
                "https://api.ucloud.cn",
                "https://api.ucloud.cn",
                "api.ucloud.cn",
            ),
            (
                "https://api.ucloud.cn:443/",
                "https://api.ucloud.cn",
                "api.ucloud.cn",
            ),
            (
                "http://127.0.0.1:18080",
                "http://127.0.0.1:18080",
                "127.0.0.1:18080",
            ),
            ("http://localhost:80", "http://localhost", "localhost"),
            ("127.0.0.1:8443", "https://127.0.0.1:8443", "127.0.0.1:8443"),
            ("http://[::1]:9000", "http://[::1]:9000", "[::1]:9000"),
            (
                " https://x.example/prefix ",
                "https://x.example/prefix",
                "x.example",
            ),
        ];
        for (raw, display, host) in cases {
            let ep = Endpoint::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(ep.to_string(), display, "{raw}");
            assert_eq!(ep.host_header(), host, "{raw}");
        }
    }

    #[test]
    fn rejects() {
        for raw in [
            "",
            "ftp://x.example",
            "http://",
            "https://user:pw@x.example",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "http://exa mple.com",
        ] {
            assert!(Endpoint::parse(raw).is_err(), "{raw:?} accepted");
        }
    }

    #[test]
    fn join_path_keeps_prefix() {
        let ep = Endpoint::parse("http://127.0.0.1:1/mock/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ep.join_path("/v2/image").as_str(),
            "http://127.0.0.1:1/mock/v2/image"
        );
        let ep = Endpoint::parse("https://bcc.bj.baidubce.com").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ep.join_path("/v2/image").path(), "/v2/image");
    }
}
