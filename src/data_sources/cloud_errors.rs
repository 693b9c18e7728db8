//! Cloud-layer errors worded as Terraform diagnostics: the summary says what failed, the detail carries
//! the API action, HTTP status, the cloud's code and message, the request id, and what to do next.

use crate::cloud::error::{Cloud, CloudError, ErrorKind};
use crate::cloud::http::{network_problem, CertificateProblem, NetworkProblem};
use crate::cloud::policy::is_retryable_code;
use crate::provider::Diagnostic;

use super::credentials;

/// `what` completes "Failed to …", e.g. "list images".
pub fn diagnostic(err: &CloudError, what: &str) -> Diagnostic {
    let cloud = err.cloud();
    let summary = match err.kind() {
        ErrorKind::Cancelled => format!(
            "Cancelled while trying to {what} on {}",
            cloud.display_name()
        ),
        _ => format!("Failed to {what} on {}", cloud.display_name()),
    };
    let mut lines = vec![format!("API action: {}", err.action())];
    if let Some(status) = err.status() {
        lines.push(format!("HTTP status: {status}"));
    }
    if let Some(code) = err.code() {
        lines.push(format!("Error code: {code}"));
    }
    if !err.message().is_empty() {
        lines.push(format!("Message: {}", err.message()));
    }
    if let Some(id) = err.request_id() {
        lines.push(format!("Request id: {id}"));
    }
    if err.attempts() > 1 {
        lines.push(format!("Attempts: {}", err.attempts()));
    }
    let hint = match (network_problem(err), err.kind()) {
        (Some(problem), _) => network_hint(problem, cloud),
        (None, kind) => kind_hint(err, kind),
    };
    lines.push(String::new());
    lines.push(hint);
    Diagnostic::error(summary, lines.join("\n"))
}

/// What to do about an error of `kind` that is not a recognised network problem.
fn kind_hint(err: &CloudError, kind: ErrorKind) -> String {
    let cloud = err.cloud();
    match kind {
        ErrorKind::Auth => {
            let used = err
                .credential_id()
                .map(|id| format!("The {} {id:?} was used. ", cloud.credential_id_name()))
                .unwrap_or_default();
            format!("{used}Check the credentials in the provider's {} block or their environment variables, and that the clock of this machine is right.", cloud.id())
        }
        ErrorKind::Throttled => "The cloud kept throttling requests. Retry later, or raise max_retries in the provider block.".to_string(),
        ErrorKind::Timeout => "The cloud did not answer in time. Retry, or raise request_timeout in the provider block.".to_string(),
        ErrorKind::Network => "The cloud could not be reached. Check the endpoint, DNS and proxy settings.".to_string(),
        ErrorKind::Cancelled => "Terraform asked the provider to stop (for example after Ctrl-C), so the read was abandoned.".to_string(),
        ErrorKind::MalformedResponse => {
            "The cloud's answer was not in the shape its API documents, so no partial result was returned. Retry; if it persists, report it with the request id.".to_string()
        }
        ErrorKind::Paging => {
            "The pages of the listing did not fit together (the catalogue may have changed while it was read), so no partial result was returned. Retry; if it persists, report it with the request id.".to_string()
        }
        ErrorKind::OverBudget => over_budget_hint(err),
        ErrorKind::TooLarge => "The cloud's answer was larger than this provider accepts. Narrow the query (for example an image type, zone or filter) so fewer images come back.".to_string(),
        ErrorKind::Config => format!("Check the endpoint in the provider's {} block (or {}) and any proxy settings.", cloud.id(), endpoint_variable(cloud.id())),
        ErrorKind::InvalidRequest => "The query cannot be sent as written. Check this data source's arguments.".to_string(),
        ErrorKind::Api if err.status().is_some_and(|s| s >= 500) || transient_code(err) => {
            let tries = if err.attempts() > 1 { ", on every attempt" } else { "" };
            let what = match err.status() {
                Some(status) if status >= 500 => format!("HTTP {status}"),
                _ => format!("error code {}, which it marks as transient", err.code().unwrap_or_default()),
            };
            format!("The cloud failed on its side ({what}){tries}; the query itself was not rejected. Retry later, or raise max_retries in the provider block; if it persists, report it to the cloud with the request id.")
        }
        ErrorKind::Api if err.status() == Some(404) && err.code().is_none() => format!(
            "The endpoint answered 404 Not Found, so it is probably not this cloud's API. Check the endpoint in the provider's {} block (or {}).",
            cloud.id(),
            endpoint_variable(cloud.id())
        ),
        _ => "The cloud rejected the request; its error code and message above say why. Check this data source's arguments (region, ids, filters) against them.".to_string(),
    }
}

/// What to do about a network problem the message above names.
fn network_hint(problem: &NetworkProblem, cloud: Cloud) -> String {
    let endpoint = format!(
        "the endpoint in the provider's {} block (or {})",
        cloud.id(),
        endpoint_variable(cloud.id())
    );
    match problem {
        NetworkProblem::Redirect { .. } => format!(
            "A redirect means this is not the cloud's API: either the endpoint is wrong, or this network sends requests to a proxy or a sign-in page (captive portal). Check {endpoint}; on such a network, sign in, or set HTTPS_PROXY to its proxy."
        ),
        NetworkProblem::NotTls { host_port, loopback: true } => format!(
            "If it serves plain http, write the endpoint as http://{host_port} (an endpoint without a scheme means https); otherwise check its port. That is {endpoint}."
        ),
        NetworkProblem::NotTls { .. } => format!(
            "Check the port in {endpoint}: credentials go to another machine over https only (an endpoint without a scheme means https), so it must be the server's https port."
        ),
        NetworkProblem::UntrustedCertificate { .. } => format!(
            "If your network uses its own certificate authority (a TLS-inspecting proxy, a private endpoint), point SSL_CERT_FILE at a PEM file holding it, or SSL_CERT_DIR at a directory of them. Either replaces this machine's list of trusted authorities, so include any public ones still needed. Otherwise check {endpoint}."
        ),
        NetworkProblem::BadCertificate { why: CertificateProblem::NotYetValid, .. } => format!(
            "Check this machine's clock and time zone, then {endpoint}."
        ),
        NetworkProblem::BadCertificate { why: CertificateProblem::WrongName, .. } => format!(
            "Check the host name in {endpoint}: the server's certificate is for other names (an IP address or an alias of the host fails this way). Behind a TLS-inspecting proxy, its certificate is the one presented."
        ),
        NetworkProblem::BadCertificate { .. } => format!(
            "The server's certificate cannot be fixed on this machine: check that {endpoint} names the right server. Behind a TLS-inspecting proxy, its certificate is the one presented."
        ),
        NetworkProblem::UnresolvedHost { .. } => format!(
            "Check the host name in {endpoint} (or the region it is made from), and that this machine's DNS resolves names. Where only a proxy can resolve them, set HTTPS_PROXY (socks5h:// for a SOCKS proxy)."
        ),
        NetworkProblem::ProxyRefused { proxy, status: Some(407), .. } => format!(
            "The proxy wants credentials: give them in {}, as http://user:password@host:port, or ask its administrators for access.",
            proxy.variable
        ),
        NetworkProblem::ProxyRefused { proxy, target, .. } => format!(
            "Check that the proxy set by {} lets this machine connect to {target}, or add the host to NO_PROXY to connect to it directly.",
            proxy.variable
        ),
        NetworkProblem::ProxyUnreachable { proxy, .. } => format!(
            "Check {}: the proxy's host and port, and that it is running; unset it to connect directly.",
            proxy.variable
        ),
        NetworkProblem::UnsendableHeader { credential: Some(_), .. } => {
            let names = credential_names(cloud);
            format!(
                "Check {} in the provider's {} block, or {} when the block does not set it: a key id is plain ASCII text. A value read with file() keeps the file's last line break; trimspace() removes it.",
                names.key_id.0, names.block, names.key_id.1
            )
        }
        NetworkProblem::UnsendableHeader { .. } => "Check this data source's arguments and the provider's settings for line breaks or non-ASCII text: a value read with file() keeps the file's last line break; trimspace() removes it.".to_string(),
    }
}

fn credential_names(cloud: Cloud) -> &'static credentials::Names {
    match cloud {
        Cloud::Baidu => &credentials::BAIDU,
        Cloud::UCloud => &credentials::UCLOUD,
        Cloud::Tencent => &credentials::TENCENT,
    }
}

/// A code the cloud's SDK retries as a passing failure (e.g. UCloud's RetCode >= 2000).
fn transient_code(err: &CloudError) -> bool {
    err.code()
        .is_some_and(|code| is_retryable_code(err.cloud(), code))
}

/// The environment variable that sets a cloud's endpoint, e.g. `CLOUDIMAGE_BAIDU_ENDPOINT`.
fn endpoint_variable(cloud_id: &str) -> String {
    format!("CLOUDIMAGE_{}_ENDPOINT", cloud_id.to_ascii_uppercase())
}

/// What to do when a read would take the provider past its response budget: narrow the query with the
/// filters this API applies on the server (client-side filters such as `name_regex` do not shrink what
/// is read), or read fewer large listings at once.
fn over_budget_hint(err: &CloudError) -> String {
    let narrow = match (err.cloud().id(), err.action()) {
        ("baidu", "GetAvailableImagesBySpec") => "set `os_name` (sent as osName)",
        ("baidu", _) => "set `image_type` (for example \"System\") or `image_name` (sent as imageType and imageName)",
        ("ucloud", _) => "set `image_type`, `os_type`, `func_type`, `zone` or `image_id` (sent to DescribeImage)",
        ("tencent", _) => "set `image_type`, `image_ids`, `instance_type` or `filter` blocks such as image-name or platform (sent to DescribeImages)",
        _ => "set the data source's server-side filters",
    };
    format!(
        "The provider keeps at most this much cloud response data in memory at once (the answers being read and the listings kept for other data sources), so that a huge or broken answer cannot exhaust memory. Narrow the query so the cloud returns fewer images: {narrow}; `name_regex` and the other client-side filters do not reduce what is read, and `cloudimage_images` sends none (read this cloud through its own data source instead). If several large listings are read at once, a lower `terraform -parallelism` helps. If the answer should not be this large, report it with the request id."
    )
}
