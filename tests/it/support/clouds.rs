//! The five cloud APIs the provider calls and the fault kinds the emulator injects, as tables shared by
//! the fault matrix, the soak and the secret-hygiene tests: for each API, the provider block and a data
//! source that lists through it (several pages where the catalogue has them), in JSON (gRPC) and HCL
//! (Terraform).

use terraform_provider_cloudimage::mock::credentials::{
    BAIDU_AK, BAIDU_SK, TENCENT_ID, TENCENT_KEY, UCLOUD_PRIVATE, UCLOUD_PUBLIC,
};

pub const UCLOUD_REGION: &str = "cn-bj2";
pub const TENCENT_REGION: &str = "ap-guangzhou";
pub const UCLOUD_PROJECT: &str = "org-mockdefault";
/// A spec with more than one page (100) of images.
pub const BAIDU_SPEC: &str = "bcc.g5.c2m8";

/// How an API pages, which decides the paging faults that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    Marker,
    Offset,
}

/// One cloud API and a data source that reads through it.
#[derive(Debug, Clone, Copy)]
pub struct CloudApi {
    pub label: &'static str,
    /// The emulator's fault target (`mock::Target`) and action.
    pub target: &'static str,
    pub action: &'static str,
    /// The cloud's name in diagnostics.
    pub display: &'static str,
    pub data_source: &'static str,
    pub paging: Paging,
    /// Request ids travel in a response header (else only inside the JSON body).
    pub header_request_id: bool,
}

pub const APIS: [CloudApi; 5] = [
    CloudApi {
        label: "baidu-list",
        target: "baidu",
        action: "ListImages",
        display: "Baidu AI Cloud",
        data_source: "cloudimage_baidu_images",
        paging: Paging::Marker,
        header_request_id: true,
    },
    CloudApi {
        label: "baidu-spec",
        target: "baidu",
        action: "GetAvailableImagesBySpec",
        display: "Baidu AI Cloud",
        data_source: "cloudimage_baidu_spec_images",
        paging: Paging::Marker,
        header_request_id: true,
    },
    CloudApi {
        label: "ucloud",
        target: "ucloud",
        action: "DescribeImage",
        display: "UCloud",
        data_source: "cloudimage_ucloud_images",
        paging: Paging::Offset,
        header_request_id: true,
    },
    CloudApi {
        label: "tencent-v3",
        target: "tencent-v3",
        action: "DescribeImages",
        display: "Tencent Cloud",
        data_source: "cloudimage_tencent_images",
        paging: Paging::Offset,
        header_request_id: false,
    },
    CloudApi {
        label: "tencent-legacy",
        target: "tencent-legacy",
        action: "DescribeImages",
        display: "Tencent Cloud",
        data_source: "cloudimage_tencent_images",
        paging: Paging::Offset,
        header_request_id: false,
    },
];

/// Every secret the configurations below carry.
pub const SECRETS: [&str; 3] = [BAIDU_SK, UCLOUD_PRIVATE, TENCENT_KEY];

impl CloudApi {
    fn tencent_api(&self) -> &'static str {
        if self.label == "tencent-legacy" {
            "legacy"
        } else {
            "v3"
        }
    }

    /// The data source's configuration (JSON; absent attributes are null).
    pub fn config(&self) -> serde_json::Value {
        match self.label {
            "baidu-spec" => serde_json::json!({ "spec": BAIDU_SPEC }),
            _ => serde_json::json!({}),
        }
    }

    /// The data source's body in HCL.
    pub fn hcl_body(&self) -> String {
        match self.label {
            "baidu-spec" => format!("spec = \"{BAIDU_SPEC}\""),
            _ => String::new(),
        }
    }
}

/// A provider block (JSON) configuring all three clouds against `url`, Tencent on `tencent_api`.
pub fn provider_config(
    url: &str,
    tencent_api: &str,
    max_retries: u32,
    timeout: &str,
) -> serde_json::Value {
    serde_json::json!({
        "max_retries": max_retries,
        "request_timeout": timeout,
        "baidu": { "access_key": BAIDU_AK, "secret_key": BAIDU_SK, "endpoint": url },
        "ucloud": {
            "public_key": UCLOUD_PUBLIC, "private_key": UCLOUD_PRIVATE, "region": UCLOUD_REGION,
            "project_id": UCLOUD_PROJECT, "endpoint": url
        },
        "tencent": {
            "secret_id": TENCENT_ID, "secret_key": TENCENT_KEY, "region": TENCENT_REGION,
            "endpoint": url, "api": tencent_api
        },
    })
}

/// The provider block for `api`.
pub fn provider_for(
    api: &CloudApi,
    url: &str,
    max_retries: u32,
    timeout: &str,
) -> serde_json::Value {
    provider_config(url, api.tencent_api(), max_retries, timeout)
}

/// Two provider blocks in HCL: the default (Tencent API 3.0) and alias `legacy` (legacy API).
pub fn providers_hcl(url: &str, max_retries: u32, timeout: &str) -> String {
    let block = |api: &str, alias: &str| {
        format!(
            r#"
provider "cloudimage" {{
  {alias}
  max_retries     = {max_retries}
  request_timeout = "{timeout}"
  baidu {{
    access_key = "{BAIDU_AK}"
    secret_key = "{BAIDU_SK}"
    endpoint   = "{url}"
  }}
  ucloud {{
    public_key  = "{UCLOUD_PUBLIC}"
    private_key = "{UCLOUD_PRIVATE}"
    region      = "{UCLOUD_REGION}"
    project_id  = "{UCLOUD_PROJECT}"
    endpoint    = "{url}"
  }}
  tencent {{
    secret_id  = "{TENCENT_ID}"
    secret_key = "{TENCENT_KEY}"
    region     = "{TENCENT_REGION}"
    endpoint   = "{url}"
    api        = "{api}"
  }}
}}
"#
        )
    };
    format!(
        "{}{}",
        block("v3", ""),
        block("legacy", "alias = \"legacy\"")
    )
}

/// A data source `name` reading through `api`, with an output of its ids.
pub fn data_source_hcl(api: &CloudApi, name: &str) -> String {
    let provider = if api.label == "tencent-legacy" {
        "provider = cloudimage.legacy\n"
    } else {
        ""
    };
    format!(
        "data \"{ds}\" \"{name}\" {{\n{provider}{body}\n}}\noutput \"{name}\" {{ value = data.{ds}.{name}.ids }}\n",
        ds = api.data_source,
        body = api.hcl_body()
    )
}

/// How the provider is expected to treat a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Retried: a fault that clears within `max_retries` yields the right answer.
    Retryable,
    /// Reported at once (retrying cannot help or would repeat a bad answer).
    Fatal,
}

/// One fault variant: a label, the emulator rule (without `cloud`/`action`/`times`), its class.
#[derive(Debug, Clone)]
pub struct Fault {
    pub label: &'static str,
    pub rule: serde_json::Value,
    pub class: Class,
    /// Only for APIs with this paging.
    pub only: Option<Paging>,
    /// The fault leaves the provider without a response it can read (so no status, code or id): a
    /// timeout, or a reset that hyper turns into a dropped connection before the headers are flushed.
    pub no_response: bool,
    /// The answer's body carries the cloud's JSON envelope (and so a request id in it).
    pub enveloped: bool,
}

/// The emulator's fault kinds (`mock::FaultKind`), with HTTP 500/502/503/504 and an HTML page from a
/// failing gateway as separate variants. `slow_ms` must exceed the provider's request timeout.
pub fn faults(slow_ms: u64) -> Vec<Fault> {
    use serde_json::json;
    let f = |label, rule, class, only, no_response, enveloped| Fault {
        label,
        rule,
        class,
        only,
        no_response,
        enveloped,
    };
    vec![
        f(
            "throttle",
            json!({"kind": "throttle"}),
            Class::Retryable,
            None,
            false,
            true,
        ),
        f(
            "http_500",
            json!({"kind": "http_error", "status": 500}),
            Class::Retryable,
            None,
            false,
            true,
        ),
        f(
            "http_502",
            json!({"kind": "http_error", "status": 502}),
            Class::Retryable,
            None,
            false,
            true,
        ),
        f(
            "http_503",
            json!({"kind": "http_error", "status": 503}),
            Class::Retryable,
            None,
            false,
            true,
        ),
        f(
            "http_504",
            json!({"kind": "http_error", "status": 504}),
            Class::Retryable,
            None,
            false,
            true,
        ),
        f(
            "slow",
            json!({"kind": "slow", "ms": slow_ms}),
            Class::Retryable,
            None,
            true,
            false,
        ),
        f(
            "reset",
            json!({"kind": "reset"}),
            Class::Retryable,
            None,
            true,
            false,
        ),
        f(
            "html_502",
            json!({"kind": "html", "status": 502}),
            Class::Retryable,
            None,
            false,
            false,
        ),
        f(
            "truncated",
            json!({"kind": "truncated"}),
            Class::Fatal,
            None,
            false,
            false,
        ),
        f(
            "html_200",
            json!({"kind": "html"}),
            Class::Fatal,
            None,
            false,
            false,
        ),
        f(
            "wrong_shape",
            json!({"kind": "wrong_shape"}),
            Class::Fatal,
            None,
            false,
            true,
        ),
        // Over the 8 MiB body cap: announced (refused unread), and chunked (cut off while read).
        f(
            "oversized",
            json!({"kind": "oversized", "mib": 9}),
            Class::Fatal,
            None,
            false,
            false,
        ),
        f(
            "oversized_chunked",
            json!({"kind": "oversized_chunked", "mib": 9}),
            Class::Fatal,
            None,
            false,
            false,
        ),
        // Valid pages of 6 MiB each: over a response budget of HOSTILE_BUDGET_MIB by the second page
        // (the provider must run with `CLOUDIMAGE_RESPONSE_BUDGET_MIB` set to it).
        f(
            "huge_pages",
            json!({"kind": "huge_pages", "mib": 6}),
            Class::Fatal,
            None,
            false,
            false,
        ),
        f(
            "repeat_marker",
            json!({"kind": "repeat_marker"}),
            Class::Fatal,
            Some(Paging::Marker),
            false,
            true,
        ),
        f(
            "shrink_total",
            json!({"kind": "shrink_total"}),
            Class::Fatal,
            Some(Paging::Offset),
            false,
            true,
        ),
        f(
            "absurd_total",
            json!({"kind": "absurd_total"}),
            Class::Fatal,
            Some(Paging::Offset),
            false,
            true,
        ),
    ]
}

/// The response budget (MiB, `CLOUDIMAGE_RESPONSE_BUDGET_MIB`) under which the `huge_pages` fault
/// above fails every listing: a page's body and parse fit, two pages do not. Fault-free listings of
/// the emulator peak at a few MiB.
pub const HOSTILE_BUDGET_MIB: &str = "16";

/// The emulator rule for `fault` on `api`, used `times` times (None: always).
pub fn rule(fault: &Fault, api: &CloudApi, times: Option<u32>) -> serde_json::Value {
    let mut rule = fault.rule.clone();
    rule["cloud"] = api.target.into();
    rule["action"] = api.action.into();
    if let Some(t) = times {
        rule["times"] = t.into();
    }
    rule
}
