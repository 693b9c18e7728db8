//! The provider block (SPEC §2): its schema, plan-time validation, and resolution into typed settings
//! with environment-variable fallbacks. Credentials are only checked when a data source needs them.

use std::time::Duration;

use url::Url;

use super::diagnostics::{attr_path, Diagnostic, Diagnostics};
use super::duration;
use crate::cloud::endpoint::{is_plaintext_remote, redact};
use crate::cloud::Region;
use crate::cty::{Type, Value};
use crate::schema::{Attribute, Block, Nesting, Schema};
use crate::secret::Secret;

pub const DEFAULT_MAX_RETRIES: u32 = 3;
pub const MAX_MAX_RETRIES: u32 = 10;
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_BAIDU_REGION: &str = "bj";

/// Looks up an environment variable; injected so tests control the environment.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// An owned environment lookup, kept by the provider for every `ConfigureProvider`.
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Which Tencent Cloud API to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TencentApi {
    /// CVM API 3.0, signed with TC3-HMAC-SHA256.
    #[default]
    V3,
    /// The legacy `image.api.qcloud.com` API, signed with signature v1.
    Legacy,
}

/// HMAC used by the legacy Tencent signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegacySignatureMethod {
    #[default]
    HmacSha256,
    HmacSha1,
}

/// Settings of one cloud, after environment fallbacks. Missing pieces stay `None` until a data source asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudSettings {
    /// Baidu access key, UCloud public key or Tencent secret id: safe to show.
    pub key_id: Option<String>,
    pub secret: Option<Secret>,
    /// Checked against the shape of region names (`cloud::Region`) when it comes from the block.
    pub region: Option<String>,
    /// Why the region from the environment variable cannot be used; reported by reads of this cloud that
    /// do not set their own region, as for the endpoint below.
    pub region_env_error: Option<String>,
    pub endpoint: Option<Url>,
    /// Why the endpoint from the environment variable cannot be used. It is reported by reads of this
    /// cloud only: a stray variable must not break configurations that never call the cloud.
    pub endpoint_env_error: Option<String>,
    /// UCloud only.
    pub project_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    pub max_retries: u32,
    pub request_timeout: Duration,
    pub baidu: CloudSettings,
    pub ucloud: CloudSettings,
    pub tencent: CloudSettings,
    pub tencent_api: TencentApi,
    pub tencent_signature_method: LegacySignatureMethod,
    /// Attributes whose values were unknown when the provider was configured (plan with computed inputs).
    pub unknown: Vec<String>,
}

impl ProviderSettings {
    /// The provider arguments a read on one cloud (`baidu`, `ucloud`, `tencent`) depends on that were not known
    /// when the provider was configured, as paths like `ucloud.region` or `request_timeout`, each once, but
    /// for those of the cloud block named in `unused` (arguments this read takes from elsewhere).
    pub fn unknown_in(&self, block: &str, unused: &[&str]) -> Vec<&str> {
        let mut paths: Vec<&str> = self
            .unknown
            .iter()
            .map(String::as_str)
            .filter(|path| match path.split_once('.') {
                // max_retries and request_timeout shape every read.
                None => true,
                Some((b, name)) => b == block && !unused.contains(&name),
            })
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }
}

/// One cloud block: its name and the names and environment variables of its arguments.
struct CloudBlock {
    name: &'static str,
    title: &'static str,
    key_id: (&'static str, &'static str),
    secret: (&'static str, &'static str),
    region_env: &'static str,
    endpoint_env: &'static str,
    default_endpoint: &'static str,
}

const BAIDU: CloudBlock = CloudBlock {
    name: "baidu",
    title: "Baidu AI Cloud (BCC)",
    key_id: ("access_key", "BAIDUCLOUD_ACCESS_KEY"),
    secret: ("secret_key", "BAIDUCLOUD_SECRET_KEY"),
    region_env: "BAIDUCLOUD_REGION",
    endpoint_env: "CLOUDIMAGE_BAIDU_ENDPOINT",
    default_endpoint: "`https://bcc.<region>.baidubce.com`",
};
const UCLOUD: CloudBlock = CloudBlock {
    name: "ucloud",
    title: "UCloud (UHost)",
    key_id: ("public_key", "UCLOUD_PUBLIC_KEY"),
    secret: ("private_key", "UCLOUD_PRIVATE_KEY"),
    region_env: "UCLOUD_REGION",
    endpoint_env: "CLOUDIMAGE_UCLOUD_ENDPOINT",
    default_endpoint: "`https://api.ucloud.cn`",
};
const TENCENT: CloudBlock = CloudBlock {
    name: "tencent",
    title: "Tencent Cloud (CVM)",
    key_id: ("secret_id", "TENCENTCLOUD_SECRET_ID"),
    secret: ("secret_key", "TENCENTCLOUD_SECRET_KEY"),
    region_env: "TENCENTCLOUD_REGION",
    endpoint_env: "CLOUDIMAGE_TENCENT_ENDPOINT",
    default_endpoint:
        "`https://cvm.tencentcloudapi.com` (v3) or `https://image.api.qcloud.com` (legacy)",
};

/// The provider's configuration schema.
pub fn schema() -> Schema {
    let mut root = Block::new()
        .describe(
            "The `cloudimage` provider finds machine images on Baidu AI Cloud, UCloud and Tencent Cloud. \
             Every argument is optional: a cloud's credentials are needed only when one of its data sources is read.",
        )
        .attr(Attribute::optional("max_retries", Type::Number).describe(format!(
            "Retries per HTTP request on throttling, 5xx and network errors (0–{MAX_MAX_RETRIES}). Default {DEFAULT_MAX_RETRIES}."
        )))
        .attr(Attribute::optional("request_timeout", Type::String).describe(
            "Timeout of each HTTP attempt, as a Go duration such as `\"30s\"` or `\"1m30s\"`. Default `\"30s\"`.",
        ));
    for cloud in [&BAIDU, &UCLOUD, &TENCENT] {
        root = root.block(cloud.name, Nesting::Single, cloud_block(cloud));
    }
    Schema::new(root)
}

fn cloud_block(c: &CloudBlock) -> Block {
    let mut b = Block::new()
        .describe(format!("Credentials and defaults for {}.", c.title))
        .attr(
            Attribute::optional(c.key_id.0, Type::String).describe(format!(
                "{} {}. Falls back to `{}`.",
                c.title,
                c.key_id.0.replace('_', " "),
                c.key_id.1
            )),
        )
        .attr(
            Attribute::optional(c.secret.0, Type::String)
                .sensitive()
                .describe(format!(
                    "{} {} (sensitive). Falls back to `{}`.",
                    c.title,
                    c.secret.0.replace('_', " "),
                    c.secret.1
                )),
        );
    let region_default = if c.name == "baidu" {
        format!(" Default `\"{DEFAULT_BAIDU_REGION}\"`.")
    } else {
        String::new()
    };
    b = b.attr(
        Attribute::optional("region", Type::String).describe(format!(
            "Default region for this cloud's data sources. Falls back to `{}`.{region_default}",
            c.region_env
        )),
    );
    if c.name == "ucloud" {
        b = b.attr(Attribute::optional("project_id", Type::String).describe(
            "UCloud project id sent as `ProjectId` (sub-accounts must set it). Falls back to `UCLOUD_PROJECT_ID`.",
        ));
    }
    if c.name == "tencent" {
        b = b
            .attr(Attribute::optional("api", Type::String).describe(
                "Which API to call: `\"v3\"` (CVM API 3.0, TC3-HMAC-SHA256, the default) or `\"legacy\"` (the `image.api.qcloud.com` API).",
            ))
            .attr(Attribute::optional("signature_method", Type::String).describe(
                "Legacy API only: `\"HmacSHA256\"` (default) or `\"HmacSHA1\"`.",
            ));
    }
    b.attr(Attribute::optional("endpoint", Type::String).describe(format!(
        "API endpoint URL (a bare host means https), e.g. for a proxy or the local emulator. Falls back to `{}`; default {}.",
        c.endpoint_env, c.default_endpoint
    )))
}

/// Validates what can be validated in the provider block without the environment.
pub fn validate(config: &Value) -> Diagnostics {
    resolve(config, &|_| None).1
}

/// Resolves the provider block into settings, applying environment fallbacks.
pub fn resolve(config: &Value, env: Env<'_>) -> (ProviderSettings, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut unknown = Vec::new();
    let mut reader = Reader {
        diags: &mut diags,
        unknown: &mut unknown,
    };

    let max_retries = match reader.number(config, &["max_retries"]) {
        None => DEFAULT_MAX_RETRIES,
        Some(n) => match n.to_i64() {
            Some(n) if (0..=MAX_MAX_RETRIES as i64).contains(&n) => n as u32,
            _ => {
                reader.error(
                    &["max_retries"],
                    "Invalid max_retries",
                    format!(
                        "max_retries must be a whole number from 0 to {MAX_MAX_RETRIES}, got {n}. Use 0 to never retry, or leave it out for the default ({DEFAULT_MAX_RETRIES})."
                    ),
                );
                DEFAULT_MAX_RETRIES
            }
        },
    };
    let request_timeout = match reader.string(config, &["request_timeout"]) {
        None => DEFAULT_REQUEST_TIMEOUT,
        Some(text) => match duration::parse(&text) {
            Ok(d) if !d.is_zero() => d,
            Ok(_) => {
                reader.error(
                    &["request_timeout"],
                    "Invalid request_timeout",
                    "request_timeout must be longer than zero, or every request would time out at once. Write e.g. \"30s\", or leave it out for the default.",
                );
                DEFAULT_REQUEST_TIMEOUT
            }
            Err(why) => {
                reader.error(
                    &["request_timeout"],
                    "Invalid request_timeout",
                    format!("request_timeout sets how long one HTTP attempt may take, but {why}. Write a Go-style duration such as \"30s\", \"1m30s\" or \"500ms\"."),
                );
                DEFAULT_REQUEST_TIMEOUT
            }
        },
    };

    let mut baidu = reader.cloud(config, &BAIDU, env);
    if baidu.region.is_none() {
        baidu.region = Some(DEFAULT_BAIDU_REGION.to_string());
    }
    let ucloud = reader.cloud(config, &UCLOUD, env);
    let tencent = reader.cloud(config, &TENCENT, env);

    // Matched case-insensitively; an error quotes the value as written.
    let tencent_api = match reader.string(config, &["tencent", "api"]).as_deref() {
        None => TencentApi::V3,
        Some(s) if s.eq_ignore_ascii_case("v3") => TencentApi::V3,
        Some(s) if s.eq_ignore_ascii_case("legacy") => TencentApi::Legacy,
        Some(other) => {
            reader.error(&["tencent", "api"], "Invalid Tencent Cloud API", format!(
                "api must be \"v3\" (CVM API 3.0) or \"legacy\" (image.api.qcloud.com), got {other:?}."
            ));
            TencentApi::V3
        }
    };
    let tencent_signature_method = match reader
        .string(config, &["tencent", "signature_method"])
        .as_deref()
    {
        None => LegacySignatureMethod::HmacSha256,
        Some(s) if s.eq_ignore_ascii_case("HmacSHA256") => LegacySignatureMethod::HmacSha256,
        Some(s) if s.eq_ignore_ascii_case("HmacSHA1") => LegacySignatureMethod::HmacSha1,
        Some(other) => {
            reader.error(
                &["tencent", "signature_method"],
                "Invalid signature method",
                format!("signature_method must be \"HmacSHA256\" or \"HmacSHA1\", got {other:?}."),
            );
            LegacySignatureMethod::HmacSha256
        }
    };

    // Only when the API is known to be 3.0: unknown or invalid, it falls back to V3 above.
    let api_is_v3 = config
        .get("tencent")
        .and_then(|t| t.get("api"))
        .is_none_or(|api| {
            api.is_null() || api.as_str().is_some_and(|a| a.eq_ignore_ascii_case("v3"))
        });
    let signature_method_set = config
        .get("tencent")
        .and_then(|t| t.get("signature_method"))
        .is_some_and(|m| !m.is_null());
    if api_is_v3 && signature_method_set {
        reader.diags.push(
            Diagnostic::warning(
                "signature_method has no effect with api = \"v3\"",
                "signature_method chooses the HMAC of the legacy API's signature; API 3.0 always signs with \
                 TC3-HMAC-SHA256. Set api = \"legacy\" to use it, or remove signature_method.",
            )
            .at(attr_path(&["tencent", "signature_method"])),
        );
    }

    let settings = ProviderSettings {
        max_retries,
        request_timeout,
        baidu,
        ucloud,
        tencent,
        tencent_api,
        tencent_signature_method,
        unknown,
    };
    (settings, diags)
}

/// Reads attributes out of the provider block, noting unknowns and recording diagnostics.
struct Reader<'a> {
    diags: &'a mut Diagnostics,
    unknown: &'a mut Vec<String>,
}

impl Reader<'_> {
    fn lookup<'v>(&mut self, config: &'v Value, path: &[&str]) -> Option<&'v Value> {
        let mut v = config;
        for name in path {
            if v.is_unknown() {
                self.unknown.push(path.join("."));
                return None;
            }
            v = v.get(name)?;
        }
        if v.is_unknown() {
            self.unknown.push(path.join("."));
            return None;
        }
        (!v.is_null()).then_some(v)
    }

    fn string(&mut self, config: &Value, path: &[&str]) -> Option<String> {
        self.lookup(config, path)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    fn number(&mut self, config: &Value, path: &[&str]) -> Option<crate::cty::Number> {
        self.lookup(config, path)
            .and_then(|v| v.as_number())
            .cloned()
    }

    fn error(&mut self, path: &[&str], summary: &str, detail: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(summary, detail).at(attr_path(path)));
    }

    fn cloud(&mut self, config: &Value, cloud: &CloudBlock, env: Env<'_>) -> CloudSettings {
        let setting = |reader: &mut Self, attr: &str, env_name: Option<&str>| {
            let unknown_before = reader.unknown.len();
            let configured = reader
                .string(config, &[cloud.name, attr])
                .filter(|s| !s.is_empty());
            if reader.unknown.len() > unknown_before {
                // Set, but not known until apply: the environment's value would be a different setting
                // (plan and apply could even use different credentials). Reads report it instead.
                return None;
            }
            configured.or_else(|| env_name.and_then(env))
        };
        let key_id = setting(self, cloud.key_id.0, Some(cloud.key_id.1));
        let secret = setting(self, cloud.secret.0, Some(cloud.secret.1)).map(Secret::new);
        let mut region_env_error = None;
        let region = match setting(self, "region", None) {
            Some(text) => match Region::parse(&text) {
                Ok(_) => Some(text),
                Err(why) => {
                    self.error(&[cloud.name, "region"], "Invalid region", why);
                    None
                }
            },
            // Unknown until apply: the environment's value must not stand in for it.
            None if self
                .unknown
                .iter()
                .any(|p| *p == format!("{}.region", cloud.name)) =>
            {
                None
            }
            None => env(cloud.region_env).and_then(|text| match Region::parse(&text) {
                Ok(_) => Some(text),
                Err(why) => {
                    region_env_error = Some(format!(
                        "The environment variable {} is not a usable region: {why}",
                        cloud.region_env
                    ));
                    None
                }
            }),
        };
        let project_id = if cloud.name == "ucloud" {
            setting(self, "project_id", Some("UCLOUD_PROJECT_ID"))
        } else {
            None
        };
        let mut endpoint_env_error = None;
        let from_block = setting(self, "endpoint", None);
        let endpoint = match from_block {
            Some(text) => match parse_endpoint(&text) {
                Ok(url) => Some(url),
                // No attribute path when the value may hold a password: Terraform would print the
                // source line under the message (or the value of the variable it came from).
                Err(why) if text.contains('@') => {
                    self.diags.push(Diagnostic::error(
                        "Invalid endpoint",
                        format!("In the provider's {} block, endpoint {why}", cloud.name),
                    ));
                    None
                }
                Err(why) => {
                    self.error(&[cloud.name, "endpoint"], "Invalid endpoint", why);
                    None
                }
            },
            None if self
                .unknown
                .iter()
                .any(|p| *p == format!("{}.endpoint", cloud.name)) =>
            {
                None
            }
            None => env(cloud.endpoint_env).and_then(|text| match parse_endpoint(&text) {
                // Refused here rather than by the read, so the message names the variable.
                Ok(url) if is_plaintext_remote(&url) => {
                    endpoint_env_error = Some(format!(
                        "The environment variable {} is {:?}, plain http to a host that is not this machine: signed requests would cross the network unencrypted. Use https://, or plain http only to a loopback address such as http://127.0.0.1:PORT.",
                        cloud.endpoint_env,
                        url.as_str().trim_end_matches('/')
                    ));
                    None
                }
                Ok(url) => Some(url),
                Err(why) => {
                    endpoint_env_error = Some(format!(
                        "The environment variable {} is not a usable endpoint: {why}",
                        cloud.endpoint_env
                    ));
                    None
                }
            }),
        };
        CloudSettings {
            key_id,
            secret,
            region,
            region_env_error,
            endpoint,
            endpoint_env_error,
            project_id,
        }
    }
}

/// Parses an endpoint: a URL, or a bare host (meaning https). Messages quote it with any
/// `user:password@` part hidden.
pub fn parse_endpoint(text: &str) -> Result<Url, String> {
    let shown = redact(text);
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| format!("{shown:?} is not a valid URL: {e}. Write it like \"https://host\", \"https://host:8443\" or \"http://127.0.0.1:18080\"."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{shown:?} must use http or https, e.g. \"https://{}\".",
            url.host_str().unwrap_or("host")
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown:?} has no host. Write it like \"https://host\", \"https://host:8443\" or \"http://127.0.0.1:18080\"."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{shown:?} carries a user name or password, which this provider never sends: requests are signed with the cloud's keys. Remove the user:password@ part."
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{shown:?} must not have a query or fragment: give the scheme, host and port only."
        ));
    }
    Ok(url)
}
