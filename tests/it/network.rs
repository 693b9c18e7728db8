//! A hostile network under real Terraform (1.0.3 and 0.14.6): proxy variables that must not capture a
//! local endpoint, SOCKS5 proxies, endpoints carrying passwords, and the servers that answer in the
//! wrong way (plain http where TLS was expected, untrusted or misnamed certificates, redirects, refusing
//! proxies). Everything listens on 127.0.0.1; names that are not local (`emulator.test`, an address in
//! 2001:db8::/32) only ever reach a local SOCKS server, which maps them to a local TLS front.

use crate::support;

use support::clouds::{TENCENT_REGION, UCLOUD_PROJECT, UCLOUD_REGION};
use support::net::{Net, TestCa};
use support::{output, Emulator, Workspace, ALL_TERRAFORMS};
use terraform_provider_cloudimage::mock::credentials::{
    BAIDU_AK, BAIDU_SK, TENCENT_ID, TENCENT_KEY, UCLOUD_PRIVATE, UCLOUD_PUBLIC,
};

/// Every variable a proxy can be set by.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A provider block with one endpoint per cloud (`None` leaves the cloud out) and no retries.
fn provider(baidu: Option<&str>, ucloud: Option<&str>, tencent: Option<&str>) -> String {
    let mut out = String::from("provider \"cloudimage\" {\n  max_retries = 0\n");
    if let Some(url) = baidu {
        out.push_str(&format!(
            "  baidu {{\n    access_key = \"{BAIDU_AK}\"\n    secret_key = \"{BAIDU_SK}\"\n    endpoint = \"{url}\"\n  }}\n"
        ));
    }
    if let Some(url) = ucloud {
        out.push_str(&format!(
            "  ucloud {{\n    public_key = \"{UCLOUD_PUBLIC}\"\n    private_key = \"{UCLOUD_PRIVATE}\"\n    region = \"{UCLOUD_REGION}\"\n    project_id = \"{UCLOUD_PROJECT}\"\n    endpoint = \"{url}\"\n  }}\n"
        ));
    }
    if let Some(url) = tencent {
        out.push_str(&format!(
            "  tencent {{\n    secret_id = \"{TENCENT_ID}\"\n    secret_key = \"{TENCENT_KEY}\"\n    region = \"{TENCENT_REGION}\"\n    endpoint = \"{url}\"\n  }}\n"
        ));
    }
    out.push_str("}\n");
    out
}

/// A plural data source of `cloud` with its count as an output.
fn read(cloud: &str) -> String {
    format!(
        "data \"cloudimage_{cloud}_images\" \"{cloud}\" {{}}\noutput \"{cloud}\" {{ value = data.cloudimage_{cloud}_images.{cloud}.total_count }}\n"
    )
}

fn plan(ws: &Workspace, env: &[(&str, &str)]) -> support::Run {
    ws.run_with(&["plan", "-no-color", "-input=false"], env)
}

/// Whitespace runs as one space: Terraform wraps diagnostics to its idea of the terminal's width.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The run failed, and its output holds every needle (compared without line wrapping).
#[track_caller]
fn fails_with(run: &support::Run, needles: &[&str]) {
    let all = flat(&run.combined());
    assert!(!run.success, "terraform unexpectedly succeeded:\n{all}");
    for needle in needles {
        assert!(
            all.contains(&flat(needle)),
            "output lacks {needle:?}:\n{}",
            run.combined()
        );
    }
}

/// Issue "Hostile world" §1: with every proxy variable pointing at a proxy, requests to the emulator
/// on 127.0.0.1 and on `localhost.` go straight to it; the proxy sees no byte (no signed header, no
/// signed query string).
#[test]
fn loopback_endpoints_never_go_through_a_proxy() {
    let emulator = Emulator::start();
    let net = Net::start();
    let proxy =
        net.recorder(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let port = emulator.server.addr().port();
    // `localhost.`: the trailing dot keeps the resolver from trying search domains first.
    let config = format!(
        "{}{}{}",
        provider(
            Some(&emulator.url()),
            Some(&format!("http://localhost.:{port}")),
            None
        ),
        read("baidu"),
        read("ucloud")
    );
    let proxy_url = proxy.url();
    let mut env: Vec<(&str, &str)> = PROXY_VARIABLES
        .iter()
        .map(|v| (*v, &proxy_url[..]))
        .collect();
    env.push(("NO_PROXY", "example.com"));
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        let outputs = {
            ws.run_with(
                &["apply", "-no-color", "-input=false", "-auto-approve"],
                &env,
            )
            .assert_ok();
            let out = ws.run(&["output", "-no-color", "-json"]);
            out.assert_ok();
            serde_json::from_str::<serde_json::Value>(&out.stdout).expect("outputs")
        };
        assert!(
            output(&outputs, "baidu").as_u64() > Some(0),
            "{tf:?}: {outputs}"
        );
        assert!(
            output(&outputs, "ucloud").as_u64() > Some(0),
            "{tf:?}: {outputs}"
        );
        assert!(emulator.count("ListImages") > 0 && emulator.count("DescribeImage") > 0);
        assert_eq!(proxy.seen(), "", "{tf:?}: the proxy was used");
    }
}

/// Whether the resolver answers an address literal without asking a DNS server: hickory does, unless
/// resolv.conf sets `ndots` above 4 (as Kubernetes does), when it first tries the search domains.
fn literals_resolve_locally() -> bool {
    let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    !conf
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("ndots:"))
        .any(|n| n.parse::<u32>().map_or(true, |n| n > 4))
}

/// Issue "Hostile world" §2: `ALL_PROXY=socks5h://…` and `HTTPS_PROXY=socks5://…` carry the requests
/// (a SOCKS server maps every destination to a TLS front of the emulator, whose certificate is trusted
/// through `SSL_CERT_FILE`). socks5h leaves names to the proxy; socks5 resolves them here, so its run
/// uses an address literal only. A refusing HTTP proxy is named, with its variable.
#[test]
fn socks5_proxies_carry_requests_and_refusals_name_the_proxy() {
    let emulator = Emulator::start();
    let net = Net::start();
    let ca = TestCa::new();
    let front = net.tls_front(
        ca.leaf(&["emulator.test", "192.0.2.10"]),
        emulator.server.addr(),
    );
    let socks = net.socks5(front);
    let refusing =
        net.recorder(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let dir = tempfile::tempdir().expect("dir");
    let ca_file = dir.path().join("ca.pem");
    ca.write_pem(&ca_file);
    let ca_file = ca_file.to_str().expect("utf-8 path");
    let by_name = format!(
        "{}{}{}",
        provider(
            Some("https://emulator.test"),
            Some("https://192.0.2.10"),
            None
        ),
        read("baidu"),
        read("ucloud")
    );
    let by_address = format!(
        "{}{}",
        provider(None, Some("https://192.0.2.10"), None),
        read("ucloud")
    );
    let mut runs = vec![(
        &by_name,
        ("ALL_PROXY", format!("socks5h://{}", socks.addr)),
        vec!["192.0.2.10:443", "emulator.test:443"],
    )];
    if literals_resolve_locally() {
        runs.push((
            &by_address,
            ("HTTPS_PROXY", format!("socks5://{}", socks.addr)),
            vec!["192.0.2.10:443"],
        ));
    } else {
        eprintln!("skipping socks5:// (local resolution): resolv.conf sets ndots above 4");
    }
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &by_name);
        ws.init();
        for (config, (variable, proxy), want) in &runs {
            ws.write_config(config);
            emulator.server.clear();
            let before = socks.targets().len();
            plan(&ws, &[(variable, proxy), ("SSL_CERT_FILE", ca_file)]).assert_ok();
            assert!(
                emulator.count("DescribeImage") > 0,
                "{tf:?} {variable}: the emulator saw no request"
            );
            let mut targets = socks.targets()[before..].to_vec();
            targets.sort();
            targets.dedup();
            assert_eq!(&targets, want, "{tf:?} {variable}");
        }
        ws.write_config(&by_name);
        let run = plan(
            &ws,
            &[("HTTPS_PROXY", &refusing.url()), ("SSL_CERT_FILE", ca_file)],
        );
        fails_with(
            &run,
            &[
                &format!(
                    "the proxy {} (set by HTTPS_PROXY) refused to connect to emulator.test:443",
                    refusing.addr
                ),
                "Check that the proxy set by HTTPS_PROXY lets this machine connect to emulator.test:443, or add the host to NO_PROXY",
            ],
        );
        assert!(
            !run.combined().contains("tunnel error"),
            "{}",
            run.combined()
        );
    }
    assert!(refusing
        .seen()
        .contains("CONNECT emulator.test:443 HTTP/1.1"));
}

/// Issue "Hostile world" §3: an endpoint with `user:password@` is refused, naming the argument or the
/// variable, and the password appears nowhere in Terraform's output (not even in a source snippet: the
/// block's error has no attribute path for that reason). A key id with a line break (what `file()`
/// returns) is named too, at plan time, before any request.
#[test]
fn endpoint_passwords_are_never_echoed_and_bad_key_ids_are_named() {
    let emulator = Emulator::start();
    let with_password = "https://someone:s3cr3t-pw@bcc.example";
    let block = format!(
        "{}{}",
        provider(Some(with_password), None, None),
        read("baidu")
    );
    let ucloud_key = format!(
        "provider \"cloudimage\" {{\n  ucloud {{\n    public_key = \"{UCLOUD_PUBLIC}\\n\"\n    private_key = \"{UCLOUD_PRIVATE}\"\n    region = \"{UCLOUD_REGION}\"\n    project_id = \"{UCLOUD_PROJECT}\"\n    endpoint = \"{}\"\n  }}\n  baidu {{\n    access_key = \"{BAIDU_AK}\"\n    secret_key = \"{BAIDU_SK}\"\n  }}\n}}\n{}{}",
        emulator.url(),
        read("baidu"),
        read("ucloud")
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &block);
        ws.init();
        let run = plan(&ws, &[]);
        fails_with(&run, &[
            "Invalid endpoint",
            "In the provider's baidu block, endpoint \"https://***@bcc.example\" carries a user name or password",
        ]);
        for leak in ["s3cr3t-pw", "someone"] {
            assert!(!run.combined().contains(leak), "{tf:?}: {}", run.combined());
        }

        ws.write_config(&ucloud_key);
        let run = plan(&ws, &[("CLOUDIMAGE_BAIDU_ENDPOINT", with_password)]);
        fails_with(&run, &[
            "The environment variable CLOUDIMAGE_BAIDU_ENDPOINT is not a usable endpoint: \"https://***@bcc.example\" carries a user name or password",
            "Invalid UCloud public_key",
            "The public_key in the provider's ucloud block (or UCLOUD_PUBLIC_KEY, when the block does not set it) contains a line break.",
        ]);
        for leak in ["s3cr3t-pw", "someone"] {
            assert!(!run.combined().contains(leak), "{tf:?}: {}", run.combined());
        }
        assert_eq!(emulator.count("DescribeImage"), 0, "refused before sending");
    }
}

/// Issue "Hostile world" §4, through Terraform: TLS to a plain-http port, an untrusted certificate, then
/// the same certificate trusted through `SSL_CERT_FILE` (or `SSL_CERT_DIR`) but for another name, and a
/// redirect to a sign-in page. Each says what happened and what to do, in the user's terms.
#[test]
fn wrong_servers_are_explained() {
    let emulator = Emulator::start();
    let net = Net::start();
    let plain =
        net.recorder(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let ca = TestCa::new();
    let front = net.tls_front(ca.leaf(&["emulator.test"]), emulator.server.addr());
    let portal = net.recorder(
        b"HTTP/1.1 302 Found\r\nlocation: https://portal.example/login?session=s3ss10n\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    );
    let dir = tempfile::tempdir().expect("dir");
    let ca_file = dir.path().join("ca.pem");
    ca.write_pem(&ca_file);
    let config = format!(
        "{}{}{}{}",
        provider(
            Some(&format!("https://{}", plain.addr)),
            Some(&format!("https://{front}")),
            Some(&portal.url())
        ),
        read("baidu"),
        read("ucloud"),
        read("tencent")
    );
    let not_tls = [
        format!("the server at {} does not speak TLS (https)", plain.addr),
        format!(
            "If it serves plain http, write the endpoint as http://{} (an endpoint without a scheme means https)",
            plain.addr
        ),
    ];
    let redirect = [
        "the endpoint answered HTTP 302 Found, a redirect to https://portal.example; redirects are never followed",
        "A redirect means this is not the cloud's API",
    ];
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let run = plan(&ws, &[]);
        let untrusted =
            format!("the certificate of the server at {front} is not trusted by this machine");
        let mut want: Vec<&str> = not_tls.iter().map(String::as_str).collect();
        want.extend(redirect);
        want.extend([
            &untrusted[..],
            "point SSL_CERT_FILE at a PEM file holding it, or SSL_CERT_DIR at a directory of them",
        ]);
        fails_with(&run, &want);
        let text = run.combined();
        for stale in [
            "InvalidContentType",
            "UnknownIssuer",
            "s3ss10n",
            "region, ids, filters",
        ] {
            assert!(!text.contains(stale), "{tf:?}: {stale:?} in\n{text}");
        }

        // SSL_CERT_FILE for one release, SSL_CERT_DIR (a directory holding the file) for the other.
        let trust = if tf.version == "1.0.3" {
            ("SSL_CERT_FILE", ca_file.to_str().expect("utf-8"))
        } else {
            ("SSL_CERT_DIR", dir.path().to_str().expect("utf-8"))
        };
        let run = plan(&ws, &[trust]);
        fails_with(&run, &[
            &format!("the certificate of the server at {front} was issued for another host name")[..],
            "Check the host name in the endpoint in the provider's ucloud block (or CLOUDIMAGE_UCLOUD_ENDPOINT)",
        ]);
        assert!(
            !run.combined().contains("NotValidForName"),
            "{}",
            run.combined()
        );
    }
}
