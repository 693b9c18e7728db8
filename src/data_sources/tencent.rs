//! Tencent Cloud CVM: `cloudimage_tencent_images` / `cloudimage_tencent_image` over `DescribeImages`
//! (SPEC §3.4), on API 3.0 or the legacy API as the provider's `tencent { api }` says: the schema,
//! the client for the read and images → attributes. The query and its checks live in
//! `tencent_query`. It must not know how either API is signed, encoded or paged: the client does.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;

use super::images::{time_value, Attr, ImageFamily, ImageView, Listing, Prefilter, StatusFilter};
use super::tencent_query::{check_api, check_plan, query, IMAGE_TYPES};
use super::{args, cloud_errors, credentials};
use crate::cloud::normalize::Facts;
use crate::cloud::tencent::query::{MAX_FILTERS, MAX_FILTER_VALUES};
use crate::cloud::tencent::{
    default_endpoint, SignatureMethod, TencentApi, TencentClient, TencentCredentials, TencentImage,
};
use crate::cty::{Type, Value};
use crate::provider::config::{self, LegacySignatureMethod};
use crate::provider::{attr_path, Diagnostic, Diagnostics, ReadContext};
use crate::schema::{Attribute, Block, Nesting};

/// `cloudimage_tencent_images` and `cloudimage_tencent_image`.
pub struct TencentImages;

/// The provider's API choice in the cloud layer's terms.
fn api(settings: &config::ProviderSettings) -> TencentApi {
    match settings.tencent_api {
        config::TencentApi::V3 => TencentApi::V3,
        config::TencentApi::Legacy => TencentApi::Legacy {
            signature_method: match settings.tencent_signature_method {
                LegacySignatureMethod::HmacSha256 => SignatureMethod::HmacSha256,
                LegacySignatureMethod::HmacSha1 => SignatureMethod::HmacSha1,
            },
        },
    }
}

/// The states the singular data source keeps unless `status` is given: images that can be launched
/// (`USING` is an image in use by instances, still launchable).
const USABLE: &[&str] = &["NORMAL", "USING"];
const DEFAULT_STATUS_STAGE: &str = "status (default \"NORMAL\" or \"USING\")";
/// The `ImageState` values of API 3.0 (the legacy API's `ImageStatus` uses the same words).
const STATES: &[&str] = &[
    "CREATING",
    "NORMAL",
    "CREATEFAILED",
    "USING",
    "SYNCING",
    "IMPORTING",
    "IMPORTFAILED",
];

/// A Tencent client for the data source's region and the provider's API, or what is missing.
fn client(
    ctx: &ReadContext,
    config: &Value,
    api: TencentApi,
) -> Result<TencentClient, Diagnostics> {
    let mut unused = Vec::new();
    if args::non_empty(config, "region").is_some() {
        unused.push("region");
    }
    if api == TencentApi::V3 {
        // Only the legacy API's signature has a method to choose.
        unused.push("signature_method");
    }
    credentials::require_known(&ctx.settings, &credentials::TENCENT, &unused)?;
    let settings = &ctx.settings.tencent;
    let Some(region) =
        credentials::region(config, settings, &credentials::TENCENT)?.map(|r| r.to_string())
    else {
        let diagnostic = Diagnostic::error(
            "Missing Tencent Cloud region",
            format!(
                "Tencent Cloud needs a region (e.g. \"ap-guangzhou\") for every request, but none is set. Set {}`region` \
                 in the provider's tencent block, or export TENCENTCLOUD_REGION.",
                args::data_source_region_hint(config)
            ),
        );
        return Err(if args::has_argument(config, "region") {
            diagnostic.at(attr_path(&["region"])).into()
        } else {
            diagnostic.into()
        });
    };
    let (secret_id, secret_key) = credentials::require(settings, &credentials::TENCENT)?;
    let endpoint = credentials::endpoint(settings, default_endpoint(api), "tencent")?;
    Ok(TencentClient::new(
        ctx.cloud.clone(),
        endpoint,
        region,
        TencentCredentials {
            secret_id,
            secret_key,
        },
        api,
    ))
}

impl ImageView for TencentImage {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn os_name(&self) -> &str {
        &self.os_name
    }
    fn create_time(&self) -> Option<DateTime<Utc>> {
        self.create_time
    }
    fn facts(&self) -> Facts<'_> {
        Facts {
            os_name: &self.os_name,
            image_name: &self.name,
            arch: &self.architecture,
            ..Facts::default()
        }
    }
    /// In `attributes()` order.
    fn values(&self) -> Vec<Value> {
        vec![
            Value::string(self.id.as_str()),
            Value::string(self.name.as_str()),
            Value::string(self.os_name.as_str()),
            Value::string(self.image_type.as_str()),
            Value::string(self.status.as_str()),
            time_value(self.create_time),
            Value::string(self.description.as_str()),
            Value::string(self.creator.as_str()),
            Value::string(self.architecture.as_str()),
            Value::string(self.platform.as_str()),
            self.size.map(Value::number).unwrap_or(Value::Null),
            Value::string(self.source.as_str()),
        ]
    }
}

impl ImageFamily for TencentImages {
    fn plural_name(&self) -> &'static str {
        "cloudimage_tencent_images"
    }

    fn singular_name(&self) -> Option<&'static str> {
        Some("cloudimage_tencent_image")
    }

    fn description(&self) -> &'static str {
        "Lists Tencent Cloud CVM images — public, private, shared and marketplace — through `DescribeImages`, every \
         page of it, on the CVM API 3.0 or the legacy API as the provider's `tencent { api }` chooses."
    }

    fn arguments(&self, singular: bool) -> Vec<Attribute> {
        vec![
            Attribute::optional("image_ids", Type::list(Type::String))
                .describe("Image ids sent as `ImageIds.N`. Cannot be combined with `filter` blocks or `image_type`."),
            Attribute::optional("image_type", Type::String).describe(format!(
                "Shorthand for a `filter` named `image-type` with this one value (case-insensitive): {}.",
                IMAGE_TYPES.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
            )),
            Attribute::optional("instance_type", Type::String).describe(
                "Only images that can boot this instance type, e.g. `S5.MEDIUM2` (`InstanceType`; API 3.0 only, an error with `api = \"legacy\"`).",
            ),
            Attribute::optional("status", Type::String).describe(format!(
                "Keeps images in this state (client-side, case-insensitive): {}. {}",
                STATES.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "),
                if singular {
                    "Default `NORMAL` or `USING`, so the image found can be launched."
                } else {
                    "Default: any state."
                }
            )),
        ]
    }

    fn blocks(&self, block: Block) -> Block {
        let filter = Block::new()
            .describe(format!(
                "A server-side filter (`Filters.N`); blocks are AND-ed, values within one are OR-ed. At most {MAX_FILTERS} \
                 filters (with `image_type`) of at most {MAX_FILTER_VALUES} values."
            ))
            .attr(Attribute::required("name", Type::String).describe(
                "Filter name: `image-id`, `image-type`, `image-name` (both APIs); `platform`, `tag-key`, `tag-value`, `tag:<key>` (API 3.0 only).",
            ))
            .attr(Attribute::required("values", Type::list(Type::String)).describe(
                "Values to match, as the DescribeImages document defines each filter: `image-id`, `image-type`, `tag-key`, \
                 `tag-value` and `tag:<key>` match exactly; on API 3.0 `image-name` and `platform` match fuzzily (an image \
                 whose name or platform contains the value matches: `image-name = \"Ubuntu\"` keeps every image with Ubuntu \
                 in its name); on the legacy API `image-name` matches exactly.",
            ));
        block.block("filter", Nesting::List, filter)
    }

    fn attributes(&self) -> Vec<Attr> {
        vec![
            Attr::string("id", "image id, e.g. `img-pmqg1cw7`"),
            Attr::string("name", "image name"),
            Attr::string("os_name", "OS name as the API reports it (legacy: e.g. `centos7.9x86_64`; v3: e.g. `CentOS 7.9 64位`)"),
            Attr::string("type", "image type: `PUBLIC_IMAGE`, `PRIVATE_IMAGE` or `SHARED_IMAGE`"),
            Attr::string("status", "image state, e.g. `NORMAL`"),
            Attr::string(
                "create_time",
                "creation time (RFC 3339); empty when the API does not know it. The legacy API reports public images as \
                 created at `1970-01-01T00:00:00+00:00`, which means unknown, so they have none. On both APIs images \
                 without a creation time are listed after every dated one (by id among themselves), and `most_recent` \
                 picks one of them only when no dated image matches",
            ),
            Attr::string("description", "image description"),
            Attr::string("creator", "creator (v3 `ImageCreator`, legacy `Creator`)"),
            Attr::string("architecture", "`x86_64`, `arm64` or `i386` (legacy: from the OS name suffix); empty when unknown"),
            Attr::string("platform", "OS platform, e.g. `CentOS` (empty on the legacy API)"),
            Attr::number("size", "image size in GB (null on the legacy API)"),
            Attr::string("source", "image source, e.g. `OFFICIAL` (empty on the legacy API)"),
        ]
    }

    fn validate(&self, config: &Value, _singular: bool, diags: &mut Diagnostics) {
        check_plan(config, diags);
        args::enumerated(config, "status", STATES, diags);
    }

    fn has_create_time(&self, _config: &Value) -> bool {
        true
    }

    fn list<'a>(
        &'a self,
        ctx: &'a ReadContext,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Listing, Diagnostics>> {
        Box::pin(async move {
            let mut plan = Diagnostics::new();
            check_plan(config, &mut plan);
            if plan.has_errors() {
                return Err(plan);
            }
            let api = api(&ctx.settings);
            let query = query(config);
            check_api(config, api, &query)?;
            let client = client(ctx, config, api)?;
            let images = client
                .list_images(&query)
                .await
                .map_err(|e| Diagnostics::from(cloud_errors::diagnostic(&e, "list images")))?;
            let params: Vec<String> = query
                .form_params()
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let status = StatusFilter::from_config(config, USABLE, DEFAULT_STATUS_STAGE);
            let (rows, prefilter) =
                Prefilter::apply(images, status.as_ref().map(|s| s.stage), |i| {
                    status.as_ref().is_none_or(|s| s.keeps(&i.status))
                });
            Ok(Listing {
                rows,
                region: client.region().to_string(),
                query: format!(
                    "api={}&{}{}",
                    api.id(),
                    params.join("&"),
                    status
                        .as_ref()
                        .map(StatusFilter::query_suffix)
                        .unwrap_or_default()
                ),
                prefilter,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_images_have_null_size_and_empty_v3_fields() {
        let image = TencentImage {
            id: "img-1".into(),
            name: "n".into(),
            os_name: "centos7.9x86_64".into(),
            image_type: "PUBLIC_IMAGE".into(),
            status: "NORMAL".into(),
            create_time: None,
            description: Default::default(),
            creator: "PUBLIC".into(),
            architecture: "x86_64".into(),
            platform: Default::default(),
            size: None,
            source: Default::default(),
        };
        let values = image.values();
        assert_eq!(values.len(), TencentImages.attributes().len());
        assert_eq!(values[10], Value::Null);
        assert_eq!(values[5], Value::string(""));
    }
}
