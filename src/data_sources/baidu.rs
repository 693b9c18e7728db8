//! Baidu AI Cloud (BCC): `cloudimage_baidu_images` / `cloudimage_baidu_image` over `GET /v2/image`
//! (SPEC §3.1) and `cloudimage_baidu_spec_images` over `GET /v2/image/getAvailableImagesBySpec` (§3.2).
//! The singular data source with `spec` takes its candidates from the spec API.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;

use super::images::{
    time_value, Attr, ImageFamily, ImageRow, ImageSet, ImageView, Listing, Prefilter, StatusFilter,
};
use super::{args, cloud_errors, credentials};
use crate::cloud::baidu::{
    default_endpoint, BaiduClient, BaiduCredentials, BaiduImage, BaiduImageQuery, BaiduSpecImage,
    BaiduSpecQuery,
};
use crate::cloud::normalize::Facts;
use crate::cloud::Region;
use crate::cty::{Type, Value};
use crate::provider::config::DEFAULT_BAIDU_REGION;
use crate::provider::{attr_path, Diagnostic, Diagnostics, ReadContext};
use crate::schema::Attribute;

/// `imageType` values, in the API's spelling.
pub const IMAGE_TYPES: &[&str] = &[
    "All",
    "System",
    "BbcSystem",
    "Custom",
    "Integration",
    "Sharing",
    "GpuBccSystem",
    "GpuBccCustom",
    "FpgaBccSystem",
    "FpgaBccCustom",
];

/// `cloudimage_baidu_images` and `cloudimage_baidu_image`.
pub struct BaiduImages;

/// `cloudimage_baidu_spec_images`.
pub struct BaiduSpecImages;

/// The states the singular data source keeps unless `status` is given: images that can be launched.
const USABLE: &[&str] = &["Available"];
const DEFAULT_STATUS_STAGE: &str = "status (default \"Available\")";

/// How the spec API's `osName` narrows `os_name` (seed 000: a server-side filter whose examples are
/// `Windows`, `CentOS`, `Ubuntu`).
const SPEC_OS_NAME_NOTE: &str =
    "It is also sent to the API as `osName`, which filters on Baidu's side by the OS name as \
     Baidu spells it (e.g. `Ubuntu`, `CentOS`): list the images without it to see the names.";
const SPEC_OS_NAME_NOTE_SINGULAR: &str =
    "With `spec`, it is also sent to the spec API as `osName`, as in `cloudimage_baidu_spec_images`.";

/// A Baidu client for the data source's region, or the diagnostic explaining what is missing.
fn client(ctx: &ReadContext, config: &Value) -> Result<BaiduClient, Diagnostics> {
    let own_region: &[&str] = if args::non_empty(config, "region").is_some() {
        &["region"]
    } else {
        &[]
    };
    credentials::require_known(&ctx.settings, &credentials::BAIDU, own_region)?;
    let settings = &ctx.settings.baidu;
    let region = match credentials::region(config, settings, &credentials::BAIDU)? {
        Some(region) => region,
        None => Region::parse(DEFAULT_BAIDU_REGION)
            .map_err(|why| Diagnostics::from(Diagnostic::error("Invalid default region", why)))?,
    };
    let (access_key, secret_key) = credentials::require(settings, &credentials::BAIDU)?;
    let endpoint = credentials::endpoint(settings, &default_endpoint(&region), "baidu")?;
    Ok(BaiduClient::new(
        ctx.cloud.clone(),
        endpoint,
        region.as_str(),
        BaiduCredentials {
            access_key,
            secret_key,
        },
    ))
}

impl ImageFamily for BaiduImages {
    fn plural_name(&self) -> &'static str {
        "cloudimage_baidu_images"
    }

    fn singular_name(&self) -> Option<&'static str> {
        Some("cloudimage_baidu_image")
    }

    fn description(&self) -> &'static str {
        "Lists the images of a Baidu AI Cloud (BCC) account — public, custom, integration, shared, GPU and FPGA images \
         — through `GET /v2/image`, every page of it."
    }

    fn arguments(&self, singular: bool) -> Vec<Attribute> {
        let mut out = vec![
            Attribute::optional("image_type", Type::String).describe(format!(
                "Image type sent as `imageType` (case-insensitive): {}. Default `All`.",
                IMAGE_TYPES
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Attribute::optional("image_name", Type::String).describe(
                "Server-side filter: images whose name contains this text (`imageName`).",
            ),
            Attribute::optional("status", Type::String).describe(format!(
                "Keeps images in this state (client-side, case-insensitive), e.g. `Available`, `Creating`, `CreateFailed`, \
                 `NotAvailable`. {}",
                if singular {
                    "Default `Available`, so the image found can be launched. Cannot be combined with `spec`."
                } else {
                    "Default: any state."
                }
            )),
        ];
        if singular {
            out.push(Attribute::optional("spec", Type::String).describe(
                "An instance spec such as `bcc.g5.c2m8`: when set, candidates are the public images that run on it \
                 (`getAvailableImagesBySpec`), as in `cloudimage_baidu_spec_images`. Cannot be combined with `image_type`, \
                 `image_name` or `status`; that API returns no creation times, so `most_recent` needs `most_recent_by = \"version\"`.",
            ));
        }
        out
    }

    fn attributes(&self) -> Vec<Attr> {
        vec![
            Attr::string("id", "image id, e.g. `m-nky7qeom`"),
            Attr::string("name", "image name"),
            Attr::string("type", "image type (System, Custom, …)"),
            Attr::string("os_type", "OS type, e.g. `linux`"),
            Attr::string("os_version", "OS version as Baidu reports it"),
            Attr::string("os_name", "OS name, e.g. `Ubuntu`"),
            Attr::string("os_build", "OS build"),
            Attr::string(
                "os_arch",
                "architecture as Baidu reports it, e.g. `x86_64 (64bit)`",
            ),
            Attr::string("status", "image status, e.g. `Available`"),
            Attr::string("create_time", "creation time (RFC 3339)"),
            Attr::string("description", "image description"),
        ]
    }

    fn validate(&self, config: &Value, singular: bool, diags: &mut Diagnostics) {
        args::enumerated(config, "image_type", IMAGE_TYPES, diags);
        args::check_not_blank(
            config,
            "status",
            "Name a state such as \"Available\", or leave status out.",
            diags,
        );
        if singular {
            let why = "the spec API takes only a spec and an OS name.";
            args::check_conflict(config, "spec", "image_type", why, diags);
            args::check_conflict(config, "spec", "image_name", why, diags);
            args::check_conflict(
                config,
                "spec",
                "status",
                "the spec API lists only images that can run on the spec, without their state.",
                diags,
            );
            let by = config.get("most_recent_by");
            let by_version = by
                .and_then(Value::as_str)
                .is_some_and(|b| b.eq_ignore_ascii_case("version"));
            if args::is_known_set(config, "spec")
                && args::bool(config, "most_recent") == Some(true)
                && by.is_none_or(Value::is_known)
                && !by_version
            {
                diags.push(
                    Diagnostic::error(
                        "most_recent with spec needs most_recent_by = \"version\"",
                        "The spec API (getAvailableImagesBySpec) returns no creation times, so there is no newest image by date. \
                         Set most_recent_by = \"version\" to pick the highest OS version, or narrow the filters (name_regex, os_name).",
                    )
                    .at(attr_path(&["most_recent"])),
                );
            }
        }
    }

    fn has_create_time(&self, config: &Value) -> bool {
        !args::is_known_set(config, "spec")
    }

    fn os_name_note(&self, singular: bool) -> Option<&'static str> {
        singular.then_some(SPEC_OS_NAME_NOTE_SINGULAR)
    }

    fn list<'a>(
        &'a self,
        ctx: &'a ReadContext,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Listing, Diagnostics>> {
        Box::pin(async move {
            let client = client(ctx, config)?;
            if let Some(spec) = args::non_empty(config, "spec") {
                // The singular data source shows spec images with the list API's attributes, and asks as
                // `cloudimage_baidu_spec_images` does (os_name goes to the API as osName too).
                return spec_listing(
                    &client,
                    spec,
                    args::non_empty(config, "os_name"),
                    |images| Arc::new(SpecAsListImages(images)),
                )
                .await;
            }
            let mut diags = Diagnostics::new();
            let query = BaiduImageQuery {
                image_type: args::enumerated(config, "image_type", IMAGE_TYPES, &mut diags)
                    .map(str::to_string),
                image_name: args::non_empty(config, "image_name").map(str::to_string),
            };
            let images = client
                .list_images(&query)
                .await
                .map_err(|e| Diagnostics::from(cloud_errors::diagnostic(&e, "list images")))?;
            let status = StatusFilter::from_config(config, USABLE, DEFAULT_STATUS_STAGE);
            let (rows, prefilter) =
                Prefilter::apply(images, status.as_ref().map(|s| s.stage), |i| {
                    status.as_ref().is_none_or(|s| s.keeps(&i.status))
                });
            Ok(Listing {
                rows,
                region: client.region().to_string(),
                query: format!(
                    "imageType={}&imageName={}{}",
                    query.image_type.as_deref().unwrap_or("All"),
                    query.image_name.as_deref().unwrap_or(""),
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

/// Both Baidu image APIs describe the OS with the same fields; neither gives an EOL date.
fn os_facts<'a>(
    os_name: &'a str,
    name: &'a str,
    os_version: &'a str,
    os_arch: &'a str,
) -> Facts<'a> {
    Facts {
        os_name,
        image_name: name,
        os_version,
        arch: os_arch,
        eol: "",
    }
}

impl ImageView for BaiduImage {
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
        os_facts(&self.os_name, &self.name, &self.os_version, &self.os_arch)
    }
    /// In `attributes()` order.
    fn values(&self) -> Vec<Value> {
        vec![
            Value::string(self.id.as_str()),
            Value::string(self.name.as_str()),
            Value::string(self.image_type.as_str()),
            Value::string(self.os_type.as_str()),
            Value::string(self.os_version.as_str()),
            Value::string(self.os_name.as_str()),
            Value::string(self.os_build.as_str()),
            Value::string(self.os_arch.as_str()),
            Value::string(self.status.as_str()),
            time_value(self.create_time),
            Value::string(self.description.as_str()),
        ]
    }
}

/// Spec images presented with the list API's attributes (the singular data source with `spec`).
struct SpecAsListImages(Arc<Vec<BaiduSpecImage>>);

impl ImageSet for SpecAsListImages {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn image(&self, index: usize) -> &dyn ImageView {
        &self.0[index]
    }
    fn values(&self, index: usize) -> Vec<Value> {
        spec_row_as_image(&self.0[index].values())
    }
}

/// Maps a spec-image row (spec attribute order) to the list API's attribute order.
fn spec_row_as_image(spec: &[Value]) -> Vec<Value> {
    let get = |i: usize| spec.get(i).cloned().unwrap_or_else(|| Value::string(""));
    let empty = || Value::string("");
    // spec order: id, name, os_type, os_version, os_arch, os_name, os_lang, min_size_in_gib
    vec![
        get(0),
        get(1),
        empty(),
        get(2),
        get(3),
        get(5),
        empty(),
        get(4),
        empty(),
        empty(),
        empty(),
    ]
}

async fn spec_listing(
    client: &BaiduClient,
    spec: &str,
    os_name: Option<&str>,
    as_set: fn(Arc<Vec<BaiduSpecImage>>) -> Arc<dyn ImageSet>,
) -> Result<Listing, Diagnostics> {
    let query = BaiduSpecQuery {
        spec: spec.to_string(),
        os_name: os_name.map(str::to_string),
    };
    let images = client
        .list_images_by_spec(&query)
        .await
        .map_err(|e| Diagnostics::from(cloud_errors::diagnostic(&e, "list images for a spec")))?;
    Ok(Listing {
        rows: ImageRow::all(as_set(images)),
        region: client.region().to_string(),
        query: format!(
            "spec={}&osName={}",
            query.spec,
            query.os_name.as_deref().unwrap_or("")
        ),
        prefilter: None,
    })
}

impl ImageView for BaiduSpecImage {
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
        None
    }
    fn facts(&self) -> Facts<'_> {
        os_facts(&self.os_name, &self.name, &self.os_version, &self.os_arch)
    }
    /// In `BaiduSpecImages::attributes()` order.
    fn values(&self) -> Vec<Value> {
        vec![
            Value::string(self.id.as_str()),
            Value::string(self.name.as_str()),
            Value::string(self.os_type.as_str()),
            Value::string(self.os_version.as_str()),
            Value::string(self.os_arch.as_str()),
            Value::string(self.os_name.as_str()),
            Value::string(self.os_lang.as_str()),
            self.min_size_in_gib
                .map(Value::number)
                .unwrap_or(Value::Null),
        ]
    }
}

impl ImageFamily for BaiduSpecImages {
    fn plural_name(&self) -> &'static str {
        "cloudimage_baidu_spec_images"
    }

    fn singular_name(&self) -> Option<&'static str> {
        None
    }

    fn description(&self) -> &'static str {
        "Lists the public Baidu AI Cloud images that can run on one instance spec \
         (`GET /v2/image/getAvailableImagesBySpec`), every page of it, in the API's order."
    }

    fn arguments(&self, _singular: bool) -> Vec<Attribute> {
        vec![Attribute::required("spec", Type::String)
            .describe("Instance spec, e.g. `bcc.g5.c2m8` or `bcc.gn5.c8m32.1v100`.")]
    }

    fn attributes(&self) -> Vec<Attr> {
        vec![
            Attr::string("id", "image id"),
            Attr::string("name", "image name"),
            Attr::string("os_type", "OS type, e.g. `linux`"),
            Attr::string("os_version", "OS version"),
            Attr::string("os_arch", "architecture as Baidu reports it"),
            Attr::string("os_name", "OS name, e.g. `CentOS`"),
            Attr::string("os_lang", "OS language, e.g. `ENG`"),
            Attr::number(
                "min_size_in_gib",
                "smallest system disk for this image, in GiB",
            ),
        ]
    }

    fn validate(&self, config: &Value, _singular: bool, diags: &mut Diagnostics) {
        args::check_not_blank(
            config,
            "spec",
            "Name an instance spec, e.g. \"bcc.g5.c2m8\".",
            diags,
        );
    }

    fn has_create_time(&self, _config: &Value) -> bool {
        false
    }

    fn os_name_note(&self, _singular: bool) -> Option<&'static str> {
        Some(SPEC_OS_NAME_NOTE)
    }

    fn list<'a>(
        &'a self,
        ctx: &'a ReadContext,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Listing, Diagnostics>> {
        Box::pin(async move {
            let client = client(ctx, config)?;
            // os_name goes to the API too (osName); the shared substring filter then applies as everywhere.
            spec_listing(
                &client,
                args::string(config, "spec").unwrap_or_default(),
                args::non_empty(config, "os_name"),
                |images| images,
            )
            .await
        })
    }
}
