//! Credentials and endpoints for a read: present, or a diagnostic that names the provider arguments and
//! the environment variables to set. Only the key id is ever shown, never the secret.

use super::args;
use crate::cloud::endpoint::Endpoint;
use crate::cloud::http::unsendable;
use crate::cloud::Region;
use crate::cty::Value;
use crate::provider::config::{CloudSettings, ProviderSettings};
use crate::provider::{attr_path, Diagnostic, Diagnostics};
use crate::secret::Secret;

/// How one cloud's credentials are named, for the missing-credentials message.
pub struct Names {
    pub title: &'static str,
    pub block: &'static str,
    pub key_id: (&'static str, &'static str),
    pub secret: (&'static str, &'static str),
}

pub const BAIDU: Names = Names {
    title: "Baidu AI Cloud",
    block: "baidu",
    key_id: ("access_key", "BAIDUCLOUD_ACCESS_KEY"),
    secret: ("secret_key", "BAIDUCLOUD_SECRET_KEY"),
};
pub const UCLOUD: Names = Names {
    title: "UCloud",
    block: "ucloud",
    key_id: ("public_key", "UCLOUD_PUBLIC_KEY"),
    secret: ("private_key", "UCLOUD_PRIVATE_KEY"),
};
pub const TENCENT: Names = Names {
    title: "Tencent Cloud",
    block: "tencent",
    key_id: ("secret_id", "TENCENTCLOUD_SECRET_ID"),
    secret: ("secret_key", "TENCENTCLOUD_SECRET_KEY"),
};

/// Fails when arguments of this cloud's provider block were not known when the provider was configured:
/// Terraform reads data sources during plan with the provider as configured then, and neither the
/// environment's value nor a default may stand in for a value the configuration sets.
/// `unused` names arguments of the cloud block this read does not take from the provider (say, `region`
/// when the data source sets its own).
pub fn require_known(
    settings: &ProviderSettings,
    names: &Names,
    unused: &[&str],
) -> Result<(), Diagnostics> {
    let unknown = settings.unknown_in(names.block, unused);
    if unknown.is_empty() {
        return Ok(());
    }
    let listed = unknown
        .iter()
        .map(|p| format!("provider.{p}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (verb, pronoun) = if unknown.len() == 1 {
        ("is", "it depends")
    } else {
        ("are", "they depend")
    };
    Err(Diagnostic::error(
        format!("{} settings not known until apply", names.title),
        format!(
            "This data source calls {}, but {listed} {verb} not known yet: {pronoun} on values Terraform computes during apply. \
             Terraform reads data sources during plan with the provider as configured then, so the provider arguments a read \
             needs must be known at plan time. Use values known at plan time (literals, variables, locals), or leave the \
             arguments out and set their environment variables.",
            names.title
        ),
    )
    .into())
}

/// The key id and secret, or an error naming what to set (or what is wrong with the key id).
pub fn require(settings: &CloudSettings, names: &Names) -> Result<(String, Secret), Diagnostics> {
    match (&settings.key_id, &settings.secret) {
        (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
            if let Some(why) = unsendable(id) {
                // Caught here, with the names to fix, rather than as a header the request cannot carry.
                return Err(Diagnostic::error(
                    format!("Invalid {} {}", names.title, names.key_id.0),
                    format!(
                        "The {} in the provider's {} block (or {}, when the block does not set it) contains {why}. \
                         Key ids are plain ASCII text, so this is not the one the cloud issued, and requests could not carry it. \
                         A value read with file() keeps the file's last line break; trimspace() removes it.",
                        names.key_id.0, names.block, names.key_id.1
                    ),
                )
                .into());
            }
            Ok((id.clone(), secret.clone()))
        }
        (id, secret) => {
            let mut missing = Vec::new();
            if id.as_deref().is_none_or(str::is_empty) {
                missing.push(format!(
                    "{} (environment variable {})",
                    names.key_id.0, names.key_id.1
                ));
            }
            if secret.as_ref().is_none_or(Secret::is_empty) {
                missing.push(format!(
                    "{} (environment variable {})",
                    names.secret.0, names.secret.1
                ));
            }
            Err(Diagnostic::error(
                format!("Missing {} credentials", names.title),
                format!(
                    "This data source calls {} but the provider has no {}. Set them in the provider's {} block, or export {} and {}.",
                    names.title,
                    missing.join(" and "),
                    names.block,
                    names.key_id.1,
                    names.secret.1
                ),
            )
            .into())
        }
    }
}

/// The region a read uses: the data source's own `region`, else the provider's (its block, else the
/// environment); `None` when neither is set. Checked before anything is built from it (validation catches
/// the data source's and the block's at plan time; this catches the environment's and is the last guard).
pub fn region(
    config: &Value,
    settings: &CloudSettings,
    names: &Names,
) -> Result<Option<Region>, Diagnostics> {
    let invalid = |why: String| Diagnostic::error("Invalid region", why);
    if let Some(own) = args::non_empty(config, "region") {
        return Region::parse(own)
            .map(Some)
            .map_err(|why| invalid(why).at(attr_path(&["region"])).into());
    }
    if let Some(why) = &settings.region_env_error {
        return Err(invalid(format!(
            "{why} Fix or unset it (the provider's {} block's region argument, when set, takes precedence).",
            names.block
        ))
        .into());
    }
    match settings.region.as_deref().filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => Region::parse(r)
            .map(Some)
            .map_err(|why| invalid(why).at(attr_path(&[names.block, "region"])).into()),
    }
}

/// The configured endpoint, or `default` for the region.
pub fn endpoint(
    settings: &CloudSettings,
    default: &str,
    block: &str,
) -> Result<Endpoint, Diagnostics> {
    if let Some(why) = &settings.endpoint_env_error {
        return Err(Diagnostic::error(
            "Invalid endpoint",
            format!("{why} Fix or unset it (the provider's {block} block's endpoint argument, when set, takes precedence)."),
        )
        .into());
    }
    let raw = settings.endpoint.as_ref().map(|u| u.as_str().to_string());
    let endpoint = Endpoint::parse(raw.as_deref().unwrap_or(default)).map_err(|e| {
        // `e` quotes the endpoint with any password hidden.
        let detail = match raw {
            Some(_) => format!("The {block} endpoint cannot be used: {e}. Set endpoint in the provider's {block} block (or CLOUDIMAGE_{}_ENDPOINT) to a URL like \"https://host\" or \"http://127.0.0.1:18080\", or unset it for the cloud's default.", block.to_ascii_uppercase()),
            None => format!("The {block} endpoint made from the region cannot be used: {e}. Check the region, or set endpoint in the provider's {block} block."),
        };
        Diagnostics::from(Diagnostic::error("Invalid endpoint", detail).at(attr_path(&[block, "endpoint"])))
    })?;
    if endpoint.is_plaintext_remote() {
        // The cloud layer refuses too; saying it here names the argument to fix.
        return Err(Diagnostic::error(
            "Credentials would be sent over plain http",
            format!(
                "The {block} endpoint {endpoint} uses http:// to a host that is not this machine, so signed requests would cross the network unencrypted. Use https://, or plain http only to a loopback address such as http://127.0.0.1:PORT."
            ),
        )
        .at(attr_path(&[block, "endpoint"]))
        .into());
    }
    Ok(endpoint)
}
