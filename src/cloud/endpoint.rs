//! API endpoints: a `url::Url` plus the exact `Host` header value the request carries and is signed
//! for. A bare host means https; a non-default port stays in the Host header (signatures cover it).
//! Knows nothing of any particular cloud beyond parsing.

use std::fmt;

use url::Url;

/// Why an endpoint string was rejected. Each variant holds the endpoint as written but with any
/// `user:password@` part replaced by `***@` ([`redact`]): these messages end up in diagnostics and logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("endpoint {0:?} is not a valid url")]
    Invalid(String),
    #[error("endpoint {0:?} must use http or https")]
    Scheme(String),
    #[error("endpoint {0:?} has no host")]
    NoHost(String),
    #[error("endpoint {0:?} must not carry a user name or password (requests are signed with the cloud's keys instead)")]
    Credentials(String),
    #[error("endpoint {0:?} must not carry a query or a fragment")]
    Extra(String),
}

/// `raw` with everything between the scheme (or the start) and the last `@` replaced by `***`, so a
/// password in `https://user:secret@host` is never repeated. Deliberately cruder than URL parsing:
/// it must also hide credentials in strings that do not parse (a password holding `/` or `#`), at the
/// cost of also hiding an odd path such as `/a@b`.
pub fn redact(raw: &str) -> String {
    let Some(at) = raw.rfind('@') else {
        return raw.to_string();
    };
    let start = raw
        .find("://")
        .map(|i| i + 3)
        .filter(|&i| i <= at)
        .unwrap_or(0);
    format!("{}***{}", &raw[..start], &raw[at..])
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
        let shown = || redact(raw);
        let url = Url::parse(&with_scheme).map_err(|_| EndpointError::Invalid(shown()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EndpointError::Scheme(shown()));
        }
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => return Err(EndpointError::NoHost(shown())),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::Credentials(shown()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(EndpointError::Extra(shown()));
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

/// `http://` to a host that is not loopback ([`is_loopback`]).
pub fn is_plaintext_remote(url: &Url) -> bool {
    url.scheme() == "http" && !is_loopback(url)
}

/// The URL's host is this machine: `localhost` or a name under `.localhost` (RFC 6761), an address in
/// `127.0.0.0/8`, `::1`, or an IPv4-mapped `::ffff:127.x.y.z`. Requests to such a host never go through a
/// proxy, as Go's `ProxyFromEnvironment` (used by the clouds' own providers) never proxies them.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
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
    fn loopback_table() {
        let cases = [
            ("http://127.0.0.1:18080", true),
            ("https://127.255.0.9", true),
            ("http://localhost", true),
            ("https://Emu.LocalHost.:8443", true),
            ("http://[::1]:9000", true),
            ("http://[::ffff:127.0.0.1]", true),
            ("https://bcc.bj.baidubce.com", false),
            ("https://localhost.example.com", false),
            ("https://notlocalhost", false),
            ("http://10.0.0.5", false),
            ("http://0.0.0.0", false),
            ("http://[::ffff:10.0.0.1]", false),
            ("http://[2001:db8::1]", false),
        ];
        for (raw, want) in cases {
            let url = Url::parse(raw).expect(raw);
            assert_eq!(is_loopback(&url), want, "{raw}");
        }
    }

    #[test]
    fn errors_never_repeat_a_password() {
        let cases = [
            ("https://user:s3cret@x.example", "https://***@x.example"),
            ("user:s3cret@x.example:8443", "***@x.example:8443"),
            ("https://u:pa/s3cret@x.example", "https://***@x.example"),
            (
                "https://u:s3cret@x.example/?a=1",
                "https://***@x.example/?a=1",
            ),
            ("ftp://u:s3cret@x.example", "ftp://***@x.example"),
            ("https://u:s3cret@", "https://***@"),
        ];
        for (raw, shown) in cases {
            assert_eq!(redact(raw), shown, "{raw}");
            let err = Endpoint::parse(raw).expect_err(raw).to_string();
            assert!(!err.contains("s3cret") && !err.contains("user:"), "{err}");
            assert!(err.contains(shown), "{err}");
        }
        assert_eq!(redact("https://x.example/a"), "https://x.example/a");
        assert_eq!(
            Endpoint::parse("https://user:s3cret@x.example").expect_err("userinfo"),
            EndpointError::Credentials("https://***@x.example".into())
        );
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
