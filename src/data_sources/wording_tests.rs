//! Pins the exact wording of the diagnostics users meet most: cloud errors of every kind, missing
//! credentials, and the plan-time checks of the provider block and of data-source arguments. Each says
//! what failed, why, and what to do; a change here should be a deliberate edit of this table.

use crate::cloud::error::{Cloud, CloudError, ErrorKind};
use crate::cty::Value;
use crate::provider::config::{self, CloudSettings};
use crate::provider::{Diagnostic, Diagnostics};
use crate::secret::Secret;

use super::{args, cloud_errors, credentials};

fn only(diags: Diagnostics) -> Diagnostic {
    assert_eq!(diags.0.len(), 1, "expected one diagnostic, got {diags:?}");
    diags.0.into_iter().next().expect("one diagnostic")
}

fn cloud_error(kind: ErrorKind) -> CloudError {
    CloudError::new(Cloud::Tencent, "DescribeImages", kind, "the message")
        .with_status(400)
        .with_code("TheCode")
        .with_request_id(Some("req-1".into()))
        .with_credential_id("AKIDexample")
}

const HEADER: &str = "API action: DescribeImages\nHTTP status: 400\nError code: TheCode\nMessage: the message\nRequest id: req-1\n\n";

#[test]
fn cloud_errors_say_what_failed_why_and_what_to_do() {
    let failed = "Failed to list images on Tencent Cloud";
    let cases: &[(ErrorKind, &str, &str)] = &[
        (ErrorKind::Auth, failed, "The secret id \"AKIDexample\" was used. Check the credentials in the provider's tencent block or their environment variables, and that the clock of this machine is right."),
        (ErrorKind::Throttled, failed, "The cloud kept throttling requests. Retry later, or raise max_retries in the provider block."),
        (ErrorKind::Timeout, failed, "The cloud did not answer in time. Retry, or raise request_timeout in the provider block."),
        (ErrorKind::Network, failed, "The cloud could not be reached. Check the endpoint, DNS and proxy settings."),
        (ErrorKind::Cancelled, "Cancelled while trying to list images on Tencent Cloud", "Terraform asked the provider to stop (for example after Ctrl-C), so the read was abandoned."),
        (ErrorKind::MalformedResponse, failed, "The cloud's answer was not in the shape its API documents, so no partial result was returned. Retry; if it persists, report it with the request id."),
        (ErrorKind::Paging, failed, "The pages of the listing did not fit together (the catalogue may have changed while it was read), so no partial result was returned. Retry; if it persists, report it with the request id."),
        (ErrorKind::TooLarge, failed, "The cloud's answer was larger than this provider accepts. Narrow the query (for example an image type, zone or filter) so fewer images come back."),
        (ErrorKind::Config, failed, "Check the endpoint in the provider's tencent block (or CLOUDIMAGE_TENCENT_ENDPOINT) and any proxy settings."),
        (ErrorKind::InvalidRequest, failed, "The query cannot be sent as written. Check this data source's arguments."),
        (ErrorKind::Api, failed, "The cloud rejected the request; its error code and message above say why. Check this data source's arguments (region, ids, filters) against them."),
    ];
    for (kind, summary, hint) in cases {
        let d = cloud_errors::diagnostic(&cloud_error(*kind), "list images");
        assert_eq!(
            (&d.summary[..], &d.detail[..]),
            (*summary, &format!("{HEADER}{hint}")[..]),
            "{kind:?}"
        );
    }
}

#[test]
fn server_errors_are_not_blamed_on_the_arguments() {
    let err = CloudError::new(
        Cloud::UCloud,
        "DescribeImage",
        ErrorKind::Api,
        "service unavailable",
    )
    .with_status(503)
    .with_code("150")
    .with_attempts(3);
    let d = cloud_errors::diagnostic(&err, "list images");
    assert_eq!(
        d.detail,
        "API action: DescribeImage\nHTTP status: 503\nError code: 150\nMessage: service unavailable\nAttempts: 3\n\n\
         The cloud failed on its side (HTTP 503), on every attempt; the query itself was not rejected. Retry later, or raise \
         max_retries in the provider block; if it persists, report it to the cloud with the request id."
    );
}

#[test]
fn transient_codes_and_wrong_endpoints_get_their_own_advice() {
    let busy = CloudError::new(Cloud::UCloud, "DescribeImage", ErrorKind::Api, "busy")
        .with_status(200)
        .with_code("2001")
        .with_attempts(2);
    let d = cloud_errors::diagnostic(&busy, "list images");
    assert!(
        d.detail.ends_with("The cloud failed on its side (error code 2001, which it marks as transient), on every attempt; the query itself was not rejected. Retry later, or raise max_retries in the provider block; if it persists, report it to the cloud with the request id."),
        "{}",
        d.detail
    );
    let missing = CloudError::new(
        Cloud::Baidu,
        "ListImages",
        ErrorKind::Api,
        "<html>not found</html>",
    )
    .with_status(404);
    let d = cloud_errors::diagnostic(&missing, "list images");
    assert!(
        d.detail.ends_with("The endpoint answered 404 Not Found, so it is probably not this cloud's API. Check the endpoint in the provider's baidu block (or CLOUDIMAGE_BAIDU_ENDPOINT)."),
        "{}",
        d.detail
    );
}

#[test]
fn cloud_errors_count_attempts_and_never_show_more_than_the_key_id() {
    let d = cloud_errors::diagnostic(
        &cloud_error(ErrorKind::Throttled).with_attempts(4),
        "list images",
    );
    assert!(d.detail.contains("\nAttempts: 4\n"), "{}", d.detail);
}

#[test]
fn missing_credentials_name_the_arguments_and_variables() {
    let with = |id: Option<&str>, secret: Option<&str>| CloudSettings {
        key_id: id.map(str::to_string),
        secret: secret.map(Secret::new),
        ..Default::default()
    };
    let cases: &[(CloudSettings, &credentials::Names, &str, &str)] = &[
        (with(None, None), &credentials::BAIDU, "Missing Baidu AI Cloud credentials",
         "This data source calls Baidu AI Cloud but the provider has no access_key (environment variable BAIDUCLOUD_ACCESS_KEY) and secret_key (environment variable BAIDUCLOUD_SECRET_KEY). Set them in the provider's baidu block, or export BAIDUCLOUD_ACCESS_KEY and BAIDUCLOUD_SECRET_KEY."),
        (with(Some("pub"), None), &credentials::UCLOUD, "Missing UCloud credentials",
         "This data source calls UCloud but the provider has no private_key (environment variable UCLOUD_PRIVATE_KEY). Set them in the provider's ucloud block, or export UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY."),
        (with(None, Some("sk")), &credentials::TENCENT, "Missing Tencent Cloud credentials",
         "This data source calls Tencent Cloud but the provider has no secret_id (environment variable TENCENTCLOUD_SECRET_ID). Set them in the provider's tencent block, or export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY."),
    ];
    for (settings, names, summary, detail) in cases {
        let d = only(credentials::require(settings, names).expect_err("missing"));
        assert_eq!((&d.summary[..], &d.detail[..]), (*summary, *detail));
    }
}

#[test]
fn provider_block_errors_point_at_the_argument_and_say_how_to_fix_it() {
    let block =
        |name: &str, fields: Vec<(&str, Value)>| Value::object([(name, Value::object(fields))]);
    let cases: Vec<(Value, &str, &str)> = vec![
        (Value::object([("max_retries", Value::number(11))]), "Invalid max_retries",
         "max_retries must be a whole number from 0 to 10, got 11. Use 0 to never retry, or leave it out for the default (3)."),
        (Value::object([("request_timeout", Value::string("30"))]), "Invalid request_timeout",
         "request_timeout sets how long one HTTP attempt may take, but \"30\" is missing a unit (ns, us, ms, s, m, h, d). Write a Go-style duration such as \"30s\", \"1m30s\" or \"500ms\"."),
        (Value::object([("request_timeout", Value::string("0s"))]), "Invalid request_timeout",
         "request_timeout must be longer than zero, or every request would time out at once. Write e.g. \"30s\", or leave it out for the default."),
        (block("tencent", vec![("api", Value::string("V2"))]), "Invalid Tencent Cloud API",
         "api must be \"v3\" (CVM API 3.0) or \"legacy\" (image.api.qcloud.com), got \"V2\"."),
        (block("tencent", vec![("api", Value::string("legacy")), ("signature_method", Value::string("MD5"))]), "Invalid signature method",
         "signature_method must be \"HmacSHA256\" or \"HmacSHA1\", got \"MD5\"."),
        (block("baidu", vec![("endpoint", Value::string("ftp://example.com"))]), "Invalid endpoint",
         "\"ftp://example.com\" must use http or https, e.g. \"https://example.com\"."),
    ];
    for (config, summary, detail) in cases {
        let d = only(config::validate(&config));
        assert_eq!((&d.summary[..], &d.detail[..]), (summary, detail));
        assert!(d.path.is_some(), "{summary} points at its argument");
    }
}

#[test]
fn signature_method_without_the_legacy_api_is_a_warning() {
    let tencent = |fields: Vec<(&str, Value)>| Value::object([("tencent", Value::object(fields))]);
    let d = only(config::validate(&tencent(vec![(
        "signature_method",
        Value::string("HmacSHA1"),
    )])));
    assert_eq!(
        d.summary,
        "signature_method has no effect with api = \"v3\""
    );
    assert!(d.path.is_some());
    assert!(config::validate(&tencent(vec![
        ("api", Value::string("legacy")),
        ("signature_method", Value::string("HmacSHA1")),
    ]))
    .0
    .is_empty());
    // An API not known yet may be the legacy one: no warning.
    assert!(config::validate(&tencent(vec![
        ("api", Value::Unknown),
        ("signature_method", Value::string("HmacSHA1")),
    ]))
    .0
    .is_empty());
}

#[test]
fn argument_checks_list_what_is_allowed() {
    let config = Value::object([
        ("image_type", Value::string("linux")),
        ("name_regex", Value::string("(")),
        ("a", Value::string("x")),
        ("b", Value::string("y")),
    ]);
    let mut diags = Diagnostics::new();
    args::enumerated(&config, "image_type", &["Base", "Custom"], &mut diags);
    args::check_regex(&config, "name_regex", &mut diags);
    args::check_conflict(&config, "a", "b", "a already names the images.", &mut diags);
    let got: Vec<(&str, &str)> = diags
        .0
        .iter()
        .map(|d| (&d.summary[..], &d.detail[..]))
        .collect();
    assert_eq!(
        got[0],
        (
            "Invalid image_type",
            "\"linux\" is not a valid image_type. Use one of: \"Base\", \"Custom\"."
        )
    );
    assert_eq!(got[1].0, "Invalid name_regex");
    assert!(
        got[1]
            .1
            .starts_with("\"(\" is not a valid regular expression (Rust regex syntax):\n"),
        "{}",
        got[1].1
    );
    assert_eq!(
        got[2],
        (
            "Conflicting arguments a and b",
            "a and b cannot be used together: a already names the images."
        )
    );
}

#[test]
fn network_problems_say_what_happened_and_what_to_do() {
    use crate::cloud::http::{CertificateProblem, NetworkFailure, NetworkProblem, ProxyOrigin};
    let proxy = ProxyOrigin {
        variable: "HTTPS_PROXY",
        address: "10.0.0.1:3128".into(),
        socks: false,
    };
    let at = "bcc.bj.baidubce.com:443".to_string();
    let endpoint = "the endpoint in the provider's baidu block (or CLOUDIMAGE_BAIDU_ENDPOINT)";
    let cases: Vec<(NetworkProblem, String, String)> = vec![
        (
            NetworkProblem::Redirect { status: 301, target: Some("https://portal.example".into()) },
            "the endpoint answered HTTP 301 Moved Permanently, a redirect to https://portal.example; redirects are never followed, since each request is signed for the host it is sent to".into(),
            format!("A redirect means this is not the cloud's API: either the endpoint is wrong, or this network sends requests to a proxy or a sign-in page (captive portal). Check {endpoint}; on such a network, sign in, or set HTTPS_PROXY to its proxy."),
        ),
        (
            NetworkProblem::NotTls { host_port: "127.0.0.1:8080".into(), loopback: true },
            "the server at 127.0.0.1:8080 does not speak TLS (https)".into(),
            format!("If it serves plain http, write the endpoint as http://127.0.0.1:8080 (an endpoint without a scheme means https); otherwise check its port. That is {endpoint}."),
        ),
        (
            NetworkProblem::NotTls { host_port: "10.0.0.9:80".into(), loopback: false },
            "the server at 10.0.0.9:80 does not speak TLS (https)".into(),
            format!("Check the port in {endpoint}: credentials go to another machine over https only (an endpoint without a scheme means https), so it must be the server's https port."),
        ),
        (
            NetworkProblem::UntrustedCertificate { host_port: at.clone() },
            "the certificate of the server at bcc.bj.baidubce.com:443 is not trusted by this machine (it is self-signed or issued by a certificate authority this machine does not know)".into(),
            format!("If your network uses its own certificate authority (a TLS-inspecting proxy, a private endpoint), point SSL_CERT_FILE at a PEM file holding it, or SSL_CERT_DIR at a directory of them. Either replaces this machine's list of trusted authorities, so include any public ones still needed. Otherwise check {endpoint}."),
        ),
        (
            NetworkProblem::BadCertificate { host_port: at.clone(), why: CertificateProblem::Expired },
            "the certificate of the server at bcc.bj.baidubce.com:443 has expired".into(),
            format!("The server's certificate cannot be fixed on this machine: check that {endpoint} names the right server. Behind a TLS-inspecting proxy, its certificate is the one presented."),
        ),
        (
            NetworkProblem::BadCertificate { host_port: at.clone(), why: CertificateProblem::NotYetValid },
            "the certificate of the server at bcc.bj.baidubce.com:443 is not valid yet (or this machine's clock is wrong)".into(),
            format!("Check this machine's clock and time zone, then {endpoint}."),
        ),
        (
            NetworkProblem::BadCertificate { host_port: at.clone(), why: CertificateProblem::WrongName },
            "the certificate of the server at bcc.bj.baidubce.com:443 was issued for another host name".into(),
            format!("Check the host name in {endpoint}: the server's certificate is for other names (an IP address or an alias of the host fails this way). Behind a TLS-inspecting proxy, its certificate is the one presented."),
        ),
        (
            NetworkProblem::UnresolvedHost { host: "bcc.nowhere.baidubce.com".into() },
            "the host name bcc.nowhere.baidubce.com could not be resolved to an address (DNS)".into(),
            format!("Check the host name in {endpoint} (or the region it is made from), and that this machine's DNS resolves names. Where only a proxy can resolve them, set HTTPS_PROXY (socks5h:// for a SOCKS proxy)."),
        ),
        (
            NetworkProblem::ProxyRefused { proxy: proxy.clone(), target: at.clone(), status: None, reason: None },
            "the proxy 10.0.0.1:3128 (set by HTTPS_PROXY) refused to connect to bcc.bj.baidubce.com:443".into(),
            "Check that the proxy set by HTTPS_PROXY lets this machine connect to bcc.bj.baidubce.com:443, or add the host to NO_PROXY to connect to it directly.".into(),
        ),
        (
            NetworkProblem::ProxyRefused { proxy: proxy.clone(), target: at.clone(), status: Some(407), reason: None },
            "the proxy 10.0.0.1:3128 (set by HTTPS_PROXY) refused to connect to bcc.bj.baidubce.com:443: it answered HTTP 407 Proxy Authentication Required".into(),
            "The proxy wants credentials: give them in HTTPS_PROXY, as http://user:password@host:port, or ask its administrators for access.".into(),
        ),
        (
            NetworkProblem::ProxyUnreachable { proxy: proxy.clone(), reason: "connection refused".into() },
            "the proxy 10.0.0.1:3128 (set by HTTPS_PROXY) could not be reached: connection refused".into(),
            "Check HTTPS_PROXY: the proxy's host and port, and that it is running; unset it to connect directly.".into(),
        ),
        (
            NetworkProblem::UnsendableHeader { header: "authorization".into(), credential: Some("access key"), why: "a line break" },
            "the access key cannot be sent in the authorization header: it contains a line break".into(),
            "Check access_key in the provider's baidu block, or BAIDUCLOUD_ACCESS_KEY when the block does not set it: a key id is plain ASCII text. A value read with file() keeps the file's last line break; trimspace() removes it.".into(),
        ),
    ];
    for (problem, message, hint) in cases {
        assert_eq!(problem.to_string(), message);
        let err = CloudError::new(
            Cloud::Baidu,
            "ListImages",
            ErrorKind::Network,
            message.clone(),
        )
        .with_source(NetworkFailure::new(problem));
        let d = cloud_errors::diagnostic(&err, "list images");
        assert_eq!(
            d.detail,
            format!("API action: ListImages\nMessage: {message}\n\n{hint}")
        );
    }
}

#[test]
fn key_ids_that_cannot_be_sent_are_named_at_plan_time() {
    for (id, why) in [
        ("AKIDexample\n", "a line break"),
        ("AKID\u{1b}x", "a control character"),
        ("AKIDé", "non-ASCII text"),
    ] {
        let settings = CloudSettings {
            key_id: Some(id.to_string()),
            secret: Some(Secret::new("never shown")),
            ..Default::default()
        };
        let d = only(credentials::require(&settings, &credentials::TENCENT).expect_err(id));
        assert_eq!(d.summary, "Invalid Tencent Cloud secret_id");
        assert_eq!(
            d.detail,
            format!(
                "The secret_id in the provider's tencent block (or TENCENTCLOUD_SECRET_ID, when the block does not set it) contains {why}. \
                 Key ids are plain ASCII text, so this is not the one the cloud issued, and requests could not carry it. \
                 A value read with file() keeps the file's last line break; trimspace() removes it."
            )
        );
    }
}

#[test]
fn endpoints_with_a_password_are_refused_without_repeating_it() {
    let config = Value::object([(
        "baidu",
        Value::object([("endpoint", Value::string("https://me:s3cret@bcc.example"))]),
    )]);
    let d = only(config::validate(&config));
    assert_eq!(
        (&d.summary[..], &d.detail[..]),
        (
            "Invalid endpoint",
            "In the provider's baidu block, endpoint \"https://***@bcc.example\" carries a user name or password, which this provider never sends: requests are signed with the cloud's keys. Remove the user:password@ part."
        )
    );
    // No attribute path: Terraform would print the configuration line, password included.
    assert!(d.path.is_none());

    let env = |name: &str| {
        (name == "CLOUDIMAGE_UCLOUD_ENDPOINT").then(|| "me:s3cret@api.example".to_string())
    };
    let (settings, diags) = config::resolve(&Value::object([] as [(&str, Value); 0]), &env);
    assert!(diags.0.is_empty(), "{diags:?}");
    let d = only(
        credentials::endpoint(&settings.ucloud, "https://api.ucloud.cn", "ucloud")
            .expect_err("refused"),
    );
    assert_eq!(
        d.detail,
        "The environment variable CLOUDIMAGE_UCLOUD_ENDPOINT is not a usable endpoint: \"***@api.example\" carries a user name or password, which this provider never sends: requests are signed with the cloud's keys. Remove the user:password@ part. Fix or unset it (the provider's ucloud block's endpoint argument, when set, takes precedence)."
    );
    assert!(!format!("{settings:?}").contains("s3cret"));

    let env = |name: &str| {
        (name == "CLOUDIMAGE_TENCENT_ENDPOINT").then(|| "http://10.0.0.5:8080".to_string())
    };
    let (settings, _) = config::resolve(&Value::object([] as [(&str, Value); 0]), &env);
    let d = only(
        credentials::endpoint(
            &settings.tencent,
            "https://cvm.tencentcloudapi.com",
            "tencent",
        )
        .expect_err("refused"),
    );
    assert!(
        d.detail.starts_with("The environment variable CLOUDIMAGE_TENCENT_ENDPOINT is \"http://10.0.0.5:8080\", plain http to a host that is not this machine: signed requests"),
        "{}",
        d.detail
    );
}

#[test]
fn over_budget_states_the_budget_and_the_server_side_filters_of_each_api() {
    let over = crate::cloud::budget::OverBudget {
        limit: 256 << 20,
        in_use: 250 << 20,
        wanted: 7 << 20,
    };
    let cases = [
        (
            Cloud::Baidu,
            "ListImages",
            "set `image_type` (for example \"System\") or `image_name`",
        ),
        (
            Cloud::Baidu,
            "GetAvailableImagesBySpec",
            "set `os_name` (sent as osName)",
        ),
        (
            Cloud::UCloud,
            "DescribeImage",
            "set `image_type`, `os_type`, `func_type`, `zone` or `image_id`",
        ),
        (
            Cloud::Tencent,
            "DescribeImages",
            "set `image_type`, `image_ids`, `instance_type` or `filter` blocks",
        ),
    ];
    for (cloud, action, narrow) in cases {
        let err = CloudError::new(
            cloud,
            action,
            ErrorKind::OverBudget,
            over.message("a response of 7 MiB"),
        );
        let d = cloud_errors::diagnostic(&err, "list images");
        assert!(
            d.summary.starts_with("Failed to list images on "),
            "{}",
            d.summary
        );
        assert!(
            d.detail.contains("Message: a response of 7 MiB would take the provider past its response budget of 256 MiB (250 MiB already held by reads in flight and cached listings)"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains(narrow), "{action}: {}", d.detail);
        assert!(d
            .detail
            .contains("`name_regex` and the other client-side filters do not reduce what is read"));
    }
}
