//! Executor tests against the in-test server: retries, re-signing, timeouts, cancellation, caps.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::cloud::test_server::{Reply, TestServer};

fn executor(max_retries: u32, timeout_ms: u64) -> HttpExecutor {
    HttpExecutor::new(
        HttpSettings {
            max_retries,
            request_timeout: Duration::from_millis(timeout_ms),
        },
        CancellationToken::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .with_backoff(BackoffPolicy {
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
        retry_after_cap: Duration::from_millis(50),
    })
}

fn call() -> ApiCall {
    ApiCall {
        cloud: Cloud::UCloud,
        action: "DescribeImage",
        credential_id: "pubkey".into(),
    }
}

/// A GET to `url`, counting how many times it was built (i.e. signed).
fn builder(url: String, builds: Arc<AtomicU32>) -> impl FnMut() -> Result<HttpRequest, CloudError> {
    move || {
        let n = builds.fetch_add(1, Ordering::SeqCst);
        Ok(HttpRequest {
            method: reqwest::Method::GET,
            url: Url::parse(&url).map_err(|e| call().error(ErrorKind::Config, e.to_string()))?,
            headers: vec![("x-attempt".into(), n.to_string())],
            body: Vec::new(),
        })
    }
}

/// Status 200 → the body as text; otherwise an Api error with the status.
fn parse_text(resp: &HttpResponse) -> Result<String, CloudError> {
    if resp.status == 200 {
        Ok(String::from_utf8_lossy(&resp.body).into_owned())
    } else {
        Err(call()
            .error(ErrorKind::Api, resp.body_excerpt())
            .with_status(resp.status))
    }
}

#[tokio::test]
async fn retries_statuses_and_resigns_every_attempt() {
    // (statuses served in order, max_retries, expected outcome status or Ok, expected requests)
    let cases: &[(&[u16], u32, Option<u16>, usize)] = &[
        (&[200], 3, None, 1),
        (&[503, 502, 200], 3, None, 3),
        (&[500, 504, 429, 200], 3, None, 4),
        (&[503, 503, 503, 503], 2, Some(503), 3),
        (&[400, 200], 3, Some(400), 1),
        (&[501, 200], 3, Some(501), 1),
        (&[503, 200], 0, Some(503), 1),
    ];
    for (statuses, max_retries, want_err, want_requests) in cases {
        let statuses = statuses.to_vec();
        let server = TestServer::start(move |i, _| {
            let status = statuses.get(i).copied().unwrap_or(200);
            Reply::json(status, "ok")
        })
        .await;
        let builds = Arc::new(AtomicU32::new(0));
        let result = executor(*max_retries, 2000)
            .execute(&call(), builder(server.url(), builds.clone()), parse_text)
            .await;
        match want_err {
            None => assert_eq!(result.ok().as_deref(), Some("ok")),
            Some(status) => {
                let err = result.err().unwrap_or_else(|| panic!("expected an error"));
                assert_eq!(err.status(), Some(*status));
                assert_eq!(err.attempts() as usize, *want_requests);
                assert_eq!(err.credential_id(), Some("pubkey"));
            }
        }
        assert_eq!(server.count(), *want_requests);
        assert_eq!(builds.load(Ordering::SeqCst) as usize, *want_requests);
        // Each attempt carried its own freshly built request.
        let attempts: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.header("x-attempt").to_string())
            .collect();
        let expected: Vec<String> = (0..*want_requests).map(|i| i.to_string()).collect();
        assert_eq!(attempts, expected);
    }
}

#[tokio::test]
async fn per_attempt_timeout_is_retried_then_reported() {
    // The server would answer after a minute: only the 100 ms timeout can end this quickly, however busy
    // the machine is.
    let server = TestServer::start(|_, _| Reply::json(200, "late").delayed(60_000)).await;
    let started = Instant::now();
    let err = executor(1, 100)
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected a timeout"));
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn cancellation_returns_promptly() {
    let server = TestServer::start(|_, _| Reply::json(200, "late").delayed(120_000)).await;
    let exec = executor(3, 120_000);
    let token = exec.cancel_token().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = Instant::now();
    let err = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected cancellation"));
    assert!(err.is_cancelled());
    assert!(started.elapsed() < Duration::from_secs(60));
    // Already cancelled: no request at all.
    let before = server.count();
    let err = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected cancellation"));
    assert!(err.is_cancelled());
    assert_eq!(server.count(), before);
}

#[tokio::test]
async fn cancellation_interrupts_backoff() {
    let server = TestServer::start(|_, _| Reply::json(503, "busy")).await;
    let exec = executor(5, 2000).with_backoff(BackoffPolicy {
        base: Duration::from_secs(3600),
        cap: Duration::from_secs(3600),
        retry_after_cap: Duration::from_secs(3600),
    });
    let token = exec.cancel_token().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = Instant::now();
    let result = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    // A 1 h jittered sleep may draw ~0; then further attempts happen until the token fires. Uninterrupted,
    // the sleeps would almost surely take far longer than the bound.
    assert!(result
        .err()
        .is_some_and(|e| e.is_cancelled() || e.status() == Some(503)));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn retry_after_wins_over_backoff_and_is_capped() {
    let server = TestServer::start(|i, _| {
        if i == 0 {
            Reply::json(429, "slow down").header("retry-after", "3600")
        } else {
            Reply::json(200, "ok")
        }
    })
    .await;
    // Backoff alone would wait up to 1 h; Retry-After (1 h) is capped at 50 ms.
    let exec = executor(2, 2000).with_backoff(BackoffPolicy {
        base: Duration::from_secs(3600),
        cap: Duration::from_secs(3600),
        retry_after_cap: Duration::from_millis(50),
    });
    let started = Instant::now();
    let got = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

#[tokio::test]
async fn body_over_the_cap_is_too_large() {
    let server = TestServer::start(|_, _| Reply::json(200, "x".repeat(5000))).await;
    let err = executor(3, 2000)
        .with_max_body_bytes(1024)
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected too large"));
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert_eq!(server.count(), 1, "too large is not retried");
}

#[tokio::test]
async fn connection_refused_is_a_retried_network_error() {
    // Bind then drop to get a port nobody listens on.
    let addr = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}"))
    };
    let builds = Arc::new(AtomicU32::new(0));
    let err = executor(2, 2000)
        .execute(
            &call(),
            builder(format!("http://{addr}/?Signature=abc"), builds.clone()),
            parse_text,
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("expected a network error"));
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(builds.load(Ordering::SeqCst), 3);
    // The signed URL never reaches the error text; where it went does.
    let text = format!("{err} {err:?}");
    assert!(!text.contains("Signature=abc"), "{text}");
    assert!(
        err.message()
            .starts_with(&format!("request to http://{addr} failed: ")),
        "{}",
        err.message()
    );
}

#[test]
fn retry_after_parsing() {
    let cases = [
        ("120", Some(Duration::from_secs(120))),
        (" 0 ", Some(Duration::ZERO)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", Some(Duration::ZERO)), // in the past
        ("soon", None),
        ("-5", None),
    ];
    for (raw, want) in cases {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static(raw));
        assert_eq!(parse_retry_after(&h), want, "{raw}");
    }
    assert_eq!(parse_retry_after(&HeaderMap::new()), None);
}

#[test]
fn excerpts_are_short_and_printable() {
    assert_eq!(excerpt(b""), "<empty body>");
    assert_eq!(excerpt(b"<html>\n<h1>502</h1>"), "<html> <h1>502</h1>");
    let long = excerpt("é".repeat(1000).as_bytes());
    assert_eq!(long.chars().count(), 201);
    assert!(long.ends_with('…'));
    assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
    // Line breaks are spaces; terminal controls and bidi overrides are escaped, not passed on.
    assert_eq!(
        excerpt(b"\x1b[2J\x07oops\r\nError: forged"),
        "\\u{1b}[2J\\u{7}oops  Error: forged"
    );
    assert_eq!(excerpt("a\u{202e}b".as_bytes()), "a\\u{202e}b");
    let escapes = excerpt(&[0x1b; 10_000]);
    assert!(escapes.len() < 2048 && escapes.ends_with('…'), "{escapes}");
}

#[test]
fn header_request_ids_are_printable_and_short() {
    let id = |value: &[u8]| {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_bytes(value).unwrap());
        header_request_id(&h)
    };
    let long = "r".repeat(300);
    let cases: &[(&[u8], Option<&str>)] = &[
        (b"5f2c-aa01", Some("5f2c-aa01")),
        (b"  padded  ", Some("padded")),
        (b"tab\tinside", Some("tab\\tinside")),
        (b"", None),
        (long.as_bytes(), None),
        // Not visible ASCII: not text to HeaderValue::to_str, so no id.
        (b"caf\xc3\xa9", None),
    ];
    for (value, want) in cases {
        assert_eq!(
            id(value).as_deref(),
            *want,
            "{}",
            String::from_utf8_lossy(value)
        );
    }
}

// ---- Hostile networks: proxies, TLS, DNS, redirects, header values ----------------------------------

use crate::cloud::test_server::{tls_server, RawServer, TestCa};

const REFUSE_502: &[u8] =
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// A proxy environment with these variables only.
fn proxies(vars: &[(&str, &str)]) -> ProxySettings {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ProxySettings::from_env(&move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

/// No retries, and the given proxies.
fn proxied(vars: &[(&str, &str)]) -> HttpExecutor {
    executor(0, 5000).with_proxies(proxies(vars))
}

/// The error of one GET to `url`.
async fn failure(exec: &HttpExecutor, url: &str) -> CloudError {
    exec.execute(
        &call(),
        builder(url.to_string(), Arc::default()),
        parse_text,
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("{url}: expected an error"))
}

fn problem(err: &CloudError) -> NetworkProblem {
    network_problem(err)
        .cloned()
        .unwrap_or_else(|| panic!("unclassified: {}", err.message()))
}

#[test]
fn proxy_variables_are_read_like_curl_and_go() {
    let origin = |settings: &ProxySettings, url: &str| {
        settings
            .origin_for(&Url::parse(url).unwrap_or_else(|e| panic!("{e}")))
            .map(|o| (o.variable, o.address, o.socks))
    };
    let https = "https://api.example/";
    type Vars = &'static [(&'static str, &'static str)];
    /// The variable, the proxy's address and whether it is SOCKS.
    type Want = Option<(&'static str, &'static str, bool)>;
    let cases: &[(Vars, Want)] = &[
        (&[], None),
        (
            &[("HTTPS_PROXY", "http://u:pw@10.1.1.1:3128")],
            Some(("HTTPS_PROXY", "10.1.1.1:3128", false)),
        ),
        (
            &[("https_proxy", "proxy.corp")],
            Some(("https_proxy", "proxy.corp:80", false)),
        ),
        (
            &[("HTTPS_PROXY", ""), ("https_proxy", "p2:1")],
            Some(("https_proxy", "p2:1", false)),
        ),
        (
            &[("ALL_PROXY", "socks5h://s.corp")],
            Some(("ALL_PROXY", "s.corp:1080", true)),
        ),
        (
            &[
                ("ALL_PROXY", "socks5://s:9"),
                ("HTTPS_PROXY", "https://h:8443"),
            ],
            Some(("HTTPS_PROXY", "h:8443", false)),
        ),
        // HTTP_PROXY is for http URLs only.
        (&[("HTTP_PROXY", "http://h:1")], None),
        // A CGI process may have HTTP_PROXY from a request header (httpoxy): no variable is trusted.
        (
            &[("REQUEST_METHOD", "GET"), ("HTTPS_PROXY", "http://h:1")],
            None,
        ),
    ];
    for (vars, want) in cases {
        let settings = proxies(vars);
        assert_eq!(
            origin(&settings, https),
            want.map(|(v, a, s)| (v, a.to_string(), s)),
            "{vars:?}"
        );
        // Loopback endpoints never have a proxy.
        assert_eq!(origin(&settings, "http://127.0.0.1:1/"), None, "{vars:?}");
        assert_eq!(
            origin(&settings, "https://emu.localhost/"),
            None,
            "{vars:?}"
        );
        assert!(!format!("{settings:?}").contains("pw"), "{settings:?}");
    }
    let http = proxies(&[("HTTP_PROXY", "http://h:1"), ("ALL_PROXY", "http://a:2")]);
    assert_eq!(
        origin(&http, "http://api.example/"),
        Some(("HTTP_PROXY", "h:1".into(), false))
    );
    assert_eq!(
        origin(&http, https),
        Some(("ALL_PROXY", "a:2".into(), false))
    );
}

#[tokio::test]
async fn unusable_proxy_variables_are_named_without_their_value() {
    for (value, why) in [
        (
            "ftp://user:pw@proxy.corp:21",
            "uses ftp://, which is not a proxy scheme",
        ),
        ("http://user:pw@[::1", "is not a URL"),
    ] {
        let err = failure(&proxied(&[("HTTPS_PROXY", value)]), "https://api.example/").await;
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.message()
                .contains(&format!("the proxy variable HTTPS_PROXY {why}")),
            "{}",
            err.message()
        );
        assert!(!format!("{err} {err:?}").contains("pw"), "{err:?}");
    }
}

#[tokio::test]
async fn loopback_requests_never_use_a_proxy() {
    let proxy = RawServer::start(REFUSE_502).await;
    let server = TestServer::start(|_, _| Reply::json(200, "ok")).await;
    let url = format!("http://{}", proxy.addr);
    let vars: Vec<(&str, &str)> = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"]
        .into_iter()
        .map(|v| (v, url.as_str()))
        .collect();
    let exec = proxied(&vars);
    for target in [
        format!("http://{}/?Signature=abc", server.addr),
        format!("http://localhost.:{}/", server.addr.port()),
    ] {
        let got = exec
            .execute(&call(), builder(target.clone(), Arc::default()), parse_text)
            .await;
        assert_eq!(got.ok().as_deref(), Some("ok"), "{target}");
    }
    assert_eq!(server.count(), 2);
    assert_eq!(proxy.seen(), "", "the proxy saw a request");
    // Only the direct client was built.
    let debug = format!("{:?}", exec.client);
    assert!(
        debug.starts_with("LazyClient(direct built, proxied not built yet"),
        "{debug}"
    );
}

#[tokio::test]
async fn other_hosts_go_through_the_proxy_and_its_refusal_is_named() {
    let proxy = RawServer::start(REFUSE_502).await;
    let url = format!("http://user:pw@{}", proxy.addr);
    let err = failure(
        &proxied(&[("HTTPS_PROXY", &url)]),
        "https://example.invalid/",
    )
    .await;
    assert!(
        proxy
            .seen()
            .starts_with("CONNECT example.invalid:443 HTTP/1.1\r\n"),
        "{}",
        proxy.seen()
    );
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(
        err.message(),
        format!(
            "request to https://example.invalid failed: the proxy {} (set by HTTPS_PROXY) refused to connect to example.invalid:443",
            proxy.addr
        )
    );
    assert!(matches!(
        problem(&err),
        NetworkProblem::ProxyRefused { status: None, .. }
    ));
    assert!(!format!("{err} {err:?}").contains("pw@"), "{err:?}");

    let wants_auth = RawServer::start(
        b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    let url = format!("http://{}", wants_auth.addr);
    let err = failure(&proxied(&[("ALL_PROXY", &url)]), "https://example.invalid/").await;
    assert!(
        err.message().ends_with(&format!(
            "the proxy {} (set by ALL_PROXY) refused to connect to example.invalid:443: it answered HTTP 407 Proxy Authentication Required",
            wants_auth.addr
        )),
        "{}",
        err.message()
    );

    // Nobody listens there.
    let closed = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}"))
    };
    for scheme in ["http", "socks5h"] {
        let url = format!("{scheme}://{closed}");
        let err = failure(
            &proxied(&[("https_proxy", &url)]),
            "https://example.invalid/",
        )
        .await;
        assert_eq!(
            err.message(),
            format!(
                "request to https://example.invalid failed: the proxy {closed} (set by https_proxy) could not be reached: connection refused"
            ),
            "{scheme}"
        );
    }
}

/// A SOCKS5 server that accepts the greeting, records the CONNECT request and refuses it (reply 5,
/// "connection refused").
async fn refusing_socks5() -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let seen: Arc<std::sync::Mutex<Vec<u8>>> = Arc::default();
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let mut greeting = [0u8; 3];
            if tcp.read_exact(&mut greeting).await.is_err() {
                continue;
            }
            let _ = tcp.write_all(&[5, 0]).await;
            // VER CMD RSV ATYP, then a domain name (length first) or an address, then the port.
            let mut request = vec![0u8; 5];
            if tcp.read_exact(&mut request).await.is_err() {
                continue;
            }
            let rest = match request[3] {
                1 => 4 - 1 + 2,
                3 => request[4] as usize + 2,
                _ => 16 - 1 + 2,
            };
            let mut tail = vec![0u8; rest];
            if tcp.read_exact(&mut tail).await.is_err() {
                continue;
            }
            request.extend_from_slice(&tail);
            record
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(&request);
            let _ = tcp.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn socks5h_proxies_are_used_and_their_refusal_is_named() {
    let (addr, seen) = refusing_socks5().await;
    let url = format!("socks5h://{addr}");
    let err = failure(&proxied(&[("ALL_PROXY", &url)]), "https://example.invalid/").await;
    // CONNECT (1) to a domain name (3) of 15 bytes, port 443: the name is left to the proxy.
    let mut want = vec![5, 1, 0, 3, 15];
    want.extend_from_slice(b"example.invalid");
    want.extend_from_slice(&443u16.to_be_bytes());
    assert_eq!(*seen.lock().unwrap_or_else(|p| p.into_inner()), want);
    assert_eq!(
        err.message(),
        format!(
            "request to https://example.invalid failed: the proxy {addr} (set by ALL_PROXY) refused to connect to example.invalid:443: the SOCKS server answered \"connection refused\""
        )
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_port_says_so_and_is_not_retried() {
    let plain = RawServer::start(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let err = failure(&executor(3, 5000), &format!("https://{}/", plain.addr)).await;
    assert_eq!(
        err.message(),
        format!(
            "request to https://{0} failed: the server at {0} does not speak TLS (https)",
            plain.addr
        )
    );
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_eq!(
        err.attempts(),
        1,
        "a plain-http server will not start speaking TLS"
    );
    assert!(matches!(
        problem(&err),
        NetworkProblem::NotTls { loopback: true, .. }
    ));
}

#[tokio::test]
async fn untrusted_and_expired_certificates_say_so() {
    let ca = TestCa::new();
    let cases = [
        (TestCa::self_signed_ca(&["127.0.0.1"]), "is not trusted by this machine (it is self-signed or issued by a certificate authority this machine does not know)"),
        (ca.leaf(&["127.0.0.1"], false), "is not trusted by this machine (it is self-signed or issued by a certificate authority this machine does not know)"),
        (ca.leaf(&["127.0.0.1"], true), "has expired"),
    ];
    for (identity, what) in cases {
        let (addr, handshakes) = tls_server(identity).await;
        let err = failure(&executor(2, 5000), &format!("https://{addr}/")).await;
        assert_eq!(
            err.message(),
            format!(
                "request to https://{addr} failed: the certificate of the server at {addr} {what}"
            )
        );
        assert_eq!(err.kind(), ErrorKind::Config);
        assert_eq!(
            *handshakes.lock().unwrap_or_else(|p| p.into_inner()),
            1,
            "not retried"
        );
        for raw in ["CaUsedAsEndEntity", "UnknownIssuer", "Expired"] {
            assert!(!err.message().contains(raw), "{}", err.message());
        }
    }
}

#[tokio::test]
async fn unresolvable_hosts_are_named() {
    // `.invalid` never resolves (RFC 6761): the resolver answers without asking any server, and the
    // final dot keeps it from trying search domains.
    let err = failure(&executor(0, 5000), "https://cloud.example.invalid./").await;
    assert_eq!(
        err.message(),
        "request to https://cloud.example.invalid. failed: the host name cloud.example.invalid. could not be resolved to an address (DNS)"
    );
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(!err.message().contains("AAAA"));
}

#[tokio::test]
async fn redirects_name_their_status_and_target_origin_only() {
    let cases = [
        (
            "https://portal.example:8443/login?session=s3cret#x",
            "HTTP 302 Found, a redirect to https://portal.example:8443;",
        ),
        (
            "/other/path?token=s3cret",
            "HTTP 302 Found, a redirect to http://127.0.0.1:PORT;",
        ),
        ("javascript:alert(1)", "HTTP 302 Found, a redirect;"),
    ];
    for (location, want) in cases {
        let server = TestServer::start(move |_, _| {
            Reply::json(302, "<html>portal s3cret</html>").header("location", location)
        })
        .await;
        let err = failure(&executor(3, 5000), &server.url()).await;
        let want = want.replace("PORT", &server.addr.port().to_string());
        assert!(
            err.message().starts_with(&format!(
                "request to {} failed: the endpoint answered {want} redirects are never followed",
                server.url()
            )),
            "{}",
            err.message()
        );
        assert!(!format!("{err}").contains("s3cret"), "{err}");
        assert_eq!(
            (err.kind(), err.status(), err.attempts()),
            (ErrorKind::Config, Some(302), 1)
        );
        assert_eq!(server.count(), 1, "never followed, never retried");
    }
}

#[tokio::test]
async fn unsendable_header_values_name_the_credential_not_the_value() {
    let server = TestServer::start(|_, _| Reply::json(200, "ok")).await;
    let send = |credential_id: &'static str, header: &'static str, value: &'static str| {
        let url = server.url();
        async move {
            let call = ApiCall {
                cloud: Cloud::Baidu,
                action: "ListImages",
                credential_id: credential_id.into(),
            };
            executor(0, 5000)
                .execute(
                    &call,
                    || {
                        Ok(HttpRequest {
                            method: reqwest::Method::GET,
                            url: Url::parse(&url).unwrap_or_else(|e| panic!("{e}")),
                            headers: vec![(header.into(), value.into())],
                            body: Vec::new(),
                        })
                    },
                    parse_text,
                )
                .await
                .err()
                .unwrap_or_else(|| panic!("expected an error"))
        }
    };
    let err = send("AK\n", "authorization", "bce-auth-v1/AK\n/2019/sig-s3cret").await;
    assert_eq!(
        err.message(),
        "the access key cannot be sent in the authorization header: it contains a line break"
    );
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = send("AK", "x-region", "bj\u{7f}").await;
    assert_eq!(
        err.message(),
        "the x-region header would contain a control character"
    );
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn announced_bodies_that_do_not_fit_the_budget_are_refused_unread() {
    let server = TestServer::start(|_, _| Reply::json(200, "x".repeat(5000))).await;
    let budget = crate::cloud::budget::ResponseBudget::new(4096);
    let err = executor(3, 2000)
        .with_budget(budget.clone())
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected over budget"));
    assert_eq!(err.kind(), ErrorKind::OverBudget);
    assert_eq!(server.count(), 1, "over budget is not retried");
    assert_eq!(
        err.message(),
        "a response of 5 KiB would take the provider past its response budget of 4 KiB (0 KiB already held by reads in flight and cached listings)"
    );
    assert_eq!(err.status(), Some(200));
    assert_eq!(budget.used(), 0);
    assert_eq!(
        budget.peak(),
        0,
        "nothing was charged: the body was never read"
    );
}

#[tokio::test]
async fn charged_values_keep_their_footprint_and_give_back_the_body() {
    // A JSON string of 5000 characters.
    let server =
        TestServer::start(|_, _| Reply::json(200, format!("\"{}\"", "x".repeat(5000)))).await;
    let budget = crate::cloud::budget::ResponseBudget::new(1 << 20);
    let http = executor(0, 2000).with_budget(budget.clone());
    let got = http
        .execute_charged(&call(), builder(server.url(), Arc::default()), |resp| {
            parse_text(resp).map(|s| s[..1000].to_string())
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got.charge.bytes(),
        (std::mem::size_of::<String>() + 1000) as u64
    );
    assert_eq!(budget.used(), got.charge.bytes());
    // Body (5000) and parse reserve (text + scratch + one value) were held at once, then given back.
    assert!(budget.peak() >= 5002 + 3 * 5000, "{}", budget.peak());
    drop(got);
    assert_eq!(budget.used(), 0);
    let plain = http
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    assert_eq!(plain.map(|s| s.len()).ok(), Some(5002));
    assert_eq!(budget.used(), 0, "a plain execute keeps nothing charged");
}

#[tokio::test]
async fn a_body_that_would_expand_past_the_budget_is_not_parsed() {
    // 60 KB of empty objects: a wire struct each would be tens of MB.
    let body = format!("[{}{{}}]", "{},".repeat(20_000));
    let server = TestServer::start(move |_, _| Reply::json(200, body.clone())).await;
    let budget = crate::cloud::budget::ResponseBudget::new(1 << 20);
    let parsed = Arc::new(AtomicU32::new(0));
    let seen = parsed.clone();
    let err = executor(3, 2000)
        .with_budget(budget.clone())
        .execute(
            &call(),
            builder(server.url(), Arc::default()),
            move |resp| {
                seen.fetch_add(1, Ordering::SeqCst);
                parse_text(resp)
            },
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("expected over budget"));
    assert_eq!(err.kind(), ErrorKind::OverBudget);
    assert!(
        err.message()
            .starts_with("parsing this 59 KiB response would take"),
        "{}",
        err.message()
    );
    assert_eq!(parsed.load(Ordering::SeqCst), 0);
    assert_eq!((server.count(), budget.used()), (1, 0));
}
