//! UCloud UHost: `cloudimage_ucloud_images` / `cloudimage_ucloud_image` over `DescribeImage` (SPEC §3.3).
//! Turns arguments into a [`UCloudImageQuery`] (enumerations in the API's spelling), applies the
//! client-side `status` filter and maps images to attribute values. It knows nothing of signing, paging
//! or the wire format: those are the client's.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;

use super::images::{is_singular, time_value, Attr, ImageFamily, ImageView, Listing, Prefilter};
use super::{args, cloud_errors, credentials};
use crate::cloud::normalize::Facts;
use crate::cloud::ucloud::{
    UCloudClient, UCloudCredentials, UCloudImage, UCloudImageQuery, DEFAULT_ENDPOINT,
};
use crate::cty::{Type, Value};
use crate::provider::{Diagnostic, Diagnostics, ReadContext};
use crate::schema::Attribute;

/// `ImageType` values, in the API's spelling.
pub const IMAGE_TYPES: &[&str] = &["Base", "Business", "Custom"];
/// `FuncType` values, in the API's spelling.
pub const FUNC_TYPES: &[&str] = &["gpu", "app", "uhost"];
/// `OsType` values, in the API's spelling.
pub const OS_TYPES: &[&str] = &["Linux", "Windows"];
/// `State` values (filtered client-side), in the API's spelling.
pub const STATUSES: &[&str] = &["Available", "Making", "Unavailable", "Copying"];
/// The status the singular data source keeps when none is given: only usable images.
const SINGULAR_DEFAULT_STATUS: &str = "Available";
/// How a miss explanation names the default status filter.
const DEFAULT_STATUS_STAGE: &str = "status (default \"Available\")";

/// `cloudimage_ucloud_images` and `cloudimage_ucloud_image`.
pub struct UCloudImages;

fn ticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A UCloud client for the data source's region, or the diagnostic explaining what is missing.
fn client(ctx: &ReadContext, config: &Value) -> Result<UCloudClient, Diagnostics> {
    let unused: Vec<&str> = ["region", "project_id"]
        .into_iter()
        .filter(|name| args::non_empty(config, name).is_some())
        .collect();
    credentials::require_known(&ctx.settings, &credentials::UCLOUD, &unused)?;
    let settings = &ctx.settings.ucloud;
    let (public_key, private_key) = credentials::require(settings, &credentials::UCLOUD)?;
    // UCloud has no default region: every request must name one.
    let region = credentials::region(config, settings, &credentials::UCLOUD)?
        .map(|r| r.to_string())
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Missing UCloud region",
                format!(
                    "UCloud needs a region (e.g. \"cn-bj2\") for every request, but none is set. Set {}`region` in the \
                     provider's ucloud block, or export UCLOUD_REGION.",
                    args::data_source_region_hint(config)
                ),
            ))
        })?;
    let endpoint = credentials::endpoint(settings, DEFAULT_ENDPOINT, "ucloud")?;
    Ok(UCloudClient::new(
        ctx.cloud.clone(),
        endpoint,
        region,
        UCloudCredentials {
            public_key,
            private_key,
        },
    ))
}

/// The status to keep: the argument in the API's spelling, or the singular default.
fn status_filter(config: &Value, singular: bool) -> Option<&'static str> {
    let mut ignored = Diagnostics::new();
    match args::enumerated(config, "status", STATUSES, &mut ignored) {
        Some(s) => Some(s),
        None if singular && !args::is_set(config, "status") => Some(SINGULAR_DEFAULT_STATUS),
        None => None,
    }
}

/// The request for this configuration; enumerations were validated at plan time. The argument
/// `project_id` wins over the provider's.
fn query(config: &Value, provider_project: Option<&str>) -> UCloudImageQuery {
    let mut ignored = Diagnostics::new();
    let mut enumerated = |name: &str, allowed: &[&'static str]| {
        args::enumerated(config, name, allowed, &mut ignored).map(str::to_string)
    };
    UCloudImageQuery {
        image_type: enumerated("image_type", IMAGE_TYPES),
        func_type: enumerated("func_type", FUNC_TYPES),
        os_type: enumerated("os_type", OS_TYPES),
        zone: args::non_empty(config, "zone").map(str::to_string),
        project_id: args::non_empty(config, "project_id")
            .map(str::to_string)
            .or_else(|| {
                provider_project
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
            }),
        image_id: args::non_empty(config, "image_id").map(str::to_string),
    }
}

/// The query in a canonical form for the stable id (fixed order, empty for unset).
fn canonical(query: &UCloudImageQuery, status: Option<&str>) -> String {
    let get = |v: &Option<String>| v.clone().unwrap_or_default();
    format!(
        "Zone={}&ProjectId={}&ImageType={}&FuncType={}&OsType={}&ImageId={}&State={}",
        get(&query.zone),
        get(&query.project_id),
        get(&query.image_type),
        get(&query.func_type),
        get(&query.os_type),
        get(&query.image_id),
        status.unwrap_or("")
    )
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(Value::string).collect())
}

impl ImageView for UCloudImage {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn os_name(&self) -> &str {
        &self.os_name
    }
    /// A zero (or negative) CreateTime means "unknown", not 1970.
    fn create_time(&self) -> Option<DateTime<Utc>> {
        self.create_time.filter(|t| t.timestamp() > 0)
    }
    fn facts(&self) -> Facts<'_> {
        // UCloud marks arm64 images with a feature flag; everything else is x86_64.
        let arch = if self.features.iter().any(|f| f == "Aarch64_Type") {
            "arm64"
        } else {
            "x86_64"
        };
        Facts {
            os_name: &self.os_name,
            image_name: &self.name,
            arch,
            eol: &self.maintain_eol,
            ..Facts::default()
        }
    }
    /// In `attributes()` order.
    fn values(&self) -> Vec<Value> {
        vec![
            Value::string(self.id.as_str()),
            Value::string(self.name.as_str()),
            Value::string(self.zone.as_str()),
            Value::string(self.image_type.as_str()),
            Value::string(self.os_type.as_str()),
            Value::string(self.os_name.as_str()),
            Value::string(self.func_type.as_str()),
            strings(&self.features),
            Value::string(self.integrated_software.as_str()),
            Value::string(self.vendor.as_str()),
            Value::string(self.links.as_str()),
            Value::string(self.status.as_str()),
            Value::string(self.description.as_str()),
            time_value(self.create_time()),
            Value::number(self.size),
            Value::string(self.minimal_cpu.as_str()),
            Value::string(self.maintain_eol.as_str()),
            strings(&self.supported_gpu_types),
            strings(&self.scene_categories),
            Value::string(self.primary_software.as_str()),
        ]
    }
}

impl ImageFamily for UCloudImages {
    fn plural_name(&self) -> &'static str {
        "cloudimage_ucloud_images"
    }

    fn singular_name(&self) -> Option<&'static str> {
        Some("cloudimage_ucloud_image")
    }

    fn description(&self) -> &'static str {
        "Lists the UCloud UHost images of a region — base, market (business) and the project's custom images — \
         through `DescribeImage`, every page of it."
    }

    fn arguments(&self, singular: bool) -> Vec<Attribute> {
        let status_default = if singular {
            " Default `Available`."
        } else {
            " Default: any status."
        };
        vec![
            Attribute::optional("zone", Type::String)
                .describe("Availability zone sent as `Zone`, e.g. `cn-bj2-02`."),
            Attribute::optional("project_id", Type::String)
                .describe("Project sent as `ProjectId`; overrides the provider's `project_id`."),
            Attribute::optional("image_type", Type::String).describe(format!(
                "Image type sent as `ImageType` (case-insensitive): {}.",
                ticked(IMAGE_TYPES)
            )),
            Attribute::optional("func_type", Type::String).describe(format!(
                "Image function sent as `FuncType` (case-insensitive): {}.",
                ticked(FUNC_TYPES)
            )),
            Attribute::optional("os_type", Type::String).describe(format!(
                "OS type sent as `OsType` (case-insensitive): {}.",
                ticked(OS_TYPES)
            )),
            Attribute::optional("image_id", Type::String)
                .describe("Image id sent as `ImageId`, e.g. `uimage-xxxxxxxx`."),
            Attribute::optional("status", Type::String).describe(format!(
                "Keeps images in this state (client-side, case-insensitive): {}.{status_default}",
                ticked(STATUSES)
            )),
        ]
    }

    fn attributes(&self) -> Vec<Attr> {
        vec![
            Attr::string("id", "image id, e.g. `uimage-xxxxxxxx`"),
            Attr::string("name", "image name"),
            Attr::string(
                "zone",
                "availability zone (for region-wide images, the zone asked, or empty)",
            ),
            Attr::string("type", "image type: Base, Business or Custom"),
            Attr::string("os_type", "OS type: Linux or Windows"),
            Attr::string("os_name", "OS name, e.g. `Ubuntu 22.04 64位`"),
            Attr::string("func_type", "image function: uhost, gpu or app"),
            Attr::strings(
                "features",
                "image features, e.g. `CloudInit`, `NetEnhanced`",
            ),
            Attr::string("integrated_software", "integrated software (market images)"),
            Attr::string("vendor", "vendor (market images)"),
            Attr::string("links", "introduction link (market images)"),
            Attr::string(
                "status",
                "image state: Available, Making, Unavailable or Copying",
            ),
            Attr::string("description", "image description"),
            Attr::string(
                "create_time",
                "creation time (RFC 3339; empty when unknown)",
            ),
            Attr::number("size", "image size in GB"),
            Attr::string("minimal_cpu", "minimal CPU platform, e.g. `Broadwell`"),
            Attr::string(
                "maintain_eol",
                "end of maintenance, as UCloud sends it (`YYYY/MM/DD`)",
            ),
            Attr::strings("supported_gpu_types", "GPU types the image supports"),
            Attr::strings("scene_categories", "scene categories"),
            Attr::string("primary_software", "primary software"),
        ]
    }

    fn validate(&self, config: &Value, _singular: bool, diags: &mut Diagnostics) {
        args::enumerated(config, "image_type", IMAGE_TYPES, diags);
        args::enumerated(config, "func_type", FUNC_TYPES, diags);
        args::enumerated(config, "os_type", OS_TYPES, diags);
        args::enumerated(config, "status", STATUSES, diags);
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
            let client = client(ctx, config)?;
            let query = query(config, ctx.settings.ucloud.project_id.as_deref());
            let status = status_filter(config, is_singular(config));
            let images = client
                .list_images(&query)
                .await
                .map_err(|e| Diagnostics::from(cloud_errors::diagnostic(&e, "list images")))?;
            let label = if args::is_set(config, "status") {
                "status"
            } else {
                DEFAULT_STATUS_STAGE
            };
            let (rows, prefilter) = Prefilter::apply(images, status.map(|_| label), |i| {
                status.is_none_or(|s| i.status == s)
            });
            Ok(Listing {
                rows,
                region: client.region().to_string(),
                query: canonical(&query, status),
                prefilter,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::data_sources::images::ImageRow;

    /// Arguments set in a test configuration (the others are null).
    type Args = &'static [(&'static str, &'static str)];

    fn config(pairs: &[(&str, &str)], singular: bool) -> Value {
        let mut names = vec![
            "zone",
            "project_id",
            "image_type",
            "func_type",
            "os_type",
            "image_id",
            "status",
        ];
        if singular {
            names.push("most_recent");
        }
        Value::object(names.into_iter().map(|n| {
            let v = pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| Value::string(*v))
                .unwrap_or(Value::Null);
            (n, v)
        }))
    }

    #[test]
    fn arguments_become_the_api_query() {
        let some = |s: &str| Some(s.to_string());
        let cases: &[(Args, Option<&str>, UCloudImageQuery)] = &[
            (&[], None, UCloudImageQuery::default()),
            (
                &[],
                Some("org-p"),
                UCloudImageQuery {
                    project_id: some("org-p"),
                    ..Default::default()
                },
            ),
            (
                &[("project_id", "org-a")],
                Some("org-p"),
                UCloudImageQuery {
                    project_id: some("org-a"),
                    ..Default::default()
                },
            ),
            (&[("project_id", "")], Some(""), UCloudImageQuery::default()),
            (
                &[
                    ("image_type", "custom"),
                    ("func_type", "GPU"),
                    ("os_type", "windows"),
                    ("zone", "cn-bj2-02"),
                    ("image_id", "uimage-1"),
                ],
                None,
                UCloudImageQuery {
                    image_type: some("Custom"),
                    func_type: some("gpu"),
                    os_type: some("Windows"),
                    zone: some("cn-bj2-02"),
                    image_id: some("uimage-1"),
                    project_id: None,
                },
            ),
        ];
        for (pairs, provider, want) in cases {
            assert_eq!(
                &query(&config(pairs, false), *provider),
                want,
                "{pairs:?} {provider:?}"
            );
        }
    }

    #[test]
    fn status_defaults_to_available_only_for_the_singular_data_source() {
        let cases: &[(Args, bool, Option<&str>)] = &[
            (&[], false, None),
            (&[], true, Some("Available")),
            (&[("status", "making")], false, Some("Making")),
            (&[("status", "COPYING")], true, Some("Copying")),
        ];
        for (pairs, singular, want) in cases {
            let c = config(pairs, *singular);
            assert_eq!(is_singular(&c), *singular);
            assert_eq!(
                status_filter(&c, *singular),
                *want,
                "{pairs:?} singular={singular}"
            );
        }
    }

    #[test]
    fn rows_carry_every_attribute_and_no_epoch_times() {
        let image = |t: Option<i64>| UCloudImage {
            id: "uimage-1".into(),
            name: "n".into(),
            zone: Default::default(),
            image_type: "Base".into(),
            os_type: "Linux".into(),
            os_name: "Ubuntu".into(),
            func_type: "uhost".into(),
            features: vec!["CloudInit".into()],
            integrated_software: Default::default(),
            vendor: Default::default(),
            links: Default::default(),
            status: "Available".into(),
            description: Default::default(),
            create_time: t.and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
            size: 20,
            minimal_cpu: Default::default(),
            maintain_eol: Default::default(),
            supported_gpu_types: vec![],
            scene_categories: vec![],
            primary_software: Default::default(),
        };
        let cases = [
            (Some(1_546_300_800), "2019-01-01T00:00:00Z"),
            (Some(0), ""),
            (None, ""),
        ];
        for (time, want) in cases {
            let row = ImageRow::all(Arc::new(vec![image(time)])).remove(0);
            let values = row.values();
            assert_eq!(values.len(), UCloudImages.attributes().len());
            let at = UCloudImages
                .attributes()
                .iter()
                .position(|a| a.name == "create_time")
                .unwrap_or(usize::MAX);
            assert_eq!(values.get(at), Some(&Value::string(want)), "{time:?}");
            assert_eq!(row.create_time().is_some(), !want.is_empty());
        }
    }
}
