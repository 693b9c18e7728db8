//! The UCloud `DescribeImage` API (seed 002, and the request fields of ucloud-sdk-python3's
//! `DescribeImageRequestSchema`: `ImageIds.N`, `PriceSet`): POST form or GET query at `/`,
//! Offset/Limit paging, errors as HTTP 200 + `RetCode`. Knows nothing of faults other than the
//! `shrink_total` count its context carries.

pub mod auth;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::catalogue::{self, UCloudRecord, UCLOUD_DEFAULT_PROJECT, UCLOUD_REGIONS};
use super::context::Ctx;
use super::reply::{cloud_error, Reply};
use super::request::param;
use super::shapes::Shapes;

/// Default `Limit`.
pub const DEFAULT_LIMIT: u64 = 20;
/// Largest page served. UCloud documents no maximum; the official Terraform provider pages by 100,
/// so the emulator clamps larger `Limit`s to 100 (a client that stops on a short page instead of
/// reading `TotalCount` is caught).
pub const MAX_LIMIT: u64 = 100;

const MISSING_ACTION: &str = "160";
const ACTION_NOT_FOUND: &str = "161";
const MISSING_PARAMS: &str = "220";
const PARAMS_ERROR: &str = "230";

/// Answers a UCloud request.
pub fn handle(ctx: &Ctx) -> Reply {
    let api = ctx.shape.api;
    let err = |code: &str, msg: &str| cloud_error(api, StatusCode::OK, code, msg, ctx.request_id);
    let params = ctx.req.params();
    let action = param(&params, "Action").unwrap_or("");
    if action.is_empty() {
        return err(MISSING_ACTION, "MISSING_ACTION");
    }
    if let Err((code, msg)) = auth::verify(&params, ctx.creds) {
        return err(code, &msg);
    }
    if action != "DescribeImage" {
        return err(ACTION_NOT_FOUND, &format!("Action [{action}] not found"));
    }
    match describe_image(ctx, &params) {
        Ok(v) => Reply::json(StatusCode::OK, &v, None),
        Err((code, msg)) => err(code, &msg),
    }
}

fn describe_image(ctx: &Ctx, params: &[(String, String)]) -> Result<Value, (&'static str, String)> {
    let p = |k: &str| param(params, k).filter(|v| !v.is_empty());
    let not_available = |k: &str| (PARAMS_ERROR, format!("Params [{k}] not available"));
    let region = p("Region").ok_or((MISSING_PARAMS, "Missing params [Region]".to_string()))?;
    let zones = UCLOUD_REGIONS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, z)| *z)
        .ok_or_else(|| not_available("Region"))?;
    let zone = p("Zone");
    if zone.is_some_and(|z| !zones.contains(&z)) {
        return Err(not_available("Zone"));
    }
    let project = p("ProjectId").unwrap_or(UCLOUD_DEFAULT_PROJECT);
    let image_type = p("ImageType");
    if image_type.is_some_and(|t| !matches!(t, "Base" | "Business" | "Custom")) {
        return Err(not_available("ImageType"));
    }
    // An invalid FuncType is ignored, as documented.
    let func_type = p("FuncType").filter(|f| matches!(*f, "gpu" | "app" | "uhost"));
    let os_type = p("OsType");
    if os_type.is_some_and(|t| !matches!(t, "Linux" | "Windows")) {
        return Err(not_available("OsType"));
    }
    let image_id = p("ImageId");
    // `ImageIds.N` (0-based, as the SDKs encode lists): only these images.
    let image_ids: Vec<&str> = params
        .iter()
        .filter(|(k, _)| {
            k.strip_prefix("ImageIds.")
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    let offset = number(p("Offset"), 0).ok_or_else(|| not_available("Offset"))?;
    let limit = number(p("Limit"), DEFAULT_LIMIT).ok_or_else(|| not_available("Limit"))?;
    let limit = if limit == 0 {
        DEFAULT_LIMIT
    } else {
        limit.min(MAX_LIMIT)
    };
    let prices = match p("PriceSet") {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(not_available("PriceSet")),
    };

    let mut images: Vec<&UCloudRecord> = catalogue::ucloud()
        .iter()
        .filter(|r| r.region == region)
        .filter(|r| r.project.is_none_or(|owner| owner == project))
        .filter(|r| zone.is_none_or(|z| r.zone.is_none_or(|rz| rz == z)))
        .filter(|r| image_type.is_none_or(|t| r.image_type == t))
        .filter(|r| func_type.is_none_or(|f| r.func_type == f))
        .filter(|r| os_type.is_none_or(|t| r.os_type == t))
        .filter(|r| image_id.is_none_or(|id| r.image_id == id))
        .filter(|r| image_ids.is_empty() || image_ids.contains(&r.image_id.as_str()))
        .collect();
    let shrink = ctx.shrink_by().min(images.len());
    images.truncate(images.len() - shrink);
    let total = images.len();
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(limit as usize).min(total);
    let set: Vec<Value> = images[start..end]
        .iter()
        .map(|r| image_set(r, zone, prices, ctx.shapes))
        .collect();
    Ok(json!({
        "RetCode": 0,
        "Action": "DescribeImageResponse",
        "TotalCount": total,
        "ImageSet": set,
    }))
}

/// A non-negative integer parameter; absent → `default`; anything else → `None`.
fn number(raw: Option<&str>, default: u64) -> Option<u64> {
    match raw {
        None => Some(default),
        Some(v) => v.parse::<u64>().ok(),
    }
}

/// `UHostImageSet` with every field of the seed and of ucloud-sdk-python3's `UHostImageSetSchema`
/// (`DataSnapshotIds`, `Tag`), and `PriceSet` (`BasePriceSet`: `ChargeType`, `Price`, `OriginalPrice`,
/// floats in yuan) when the request asked for prices. With [`Shapes::Real`], two fields no client
/// knows come along.
pub fn image_set(
    r: &UCloudRecord,
    requested_zone: Option<&str>,
    prices: bool,
    shapes: Shapes,
) -> Value {
    let mut v = json!({
        "Zone": r.zone.or(requested_zone).unwrap_or(""),
        "ImageId": r.image_id,
        "ImageName": r.image_name,
        "OsType": r.os_type,
        "OsName": r.os_name,
        "ImageType": r.image_type,
        "Features": r.features,
        "FuncType": r.func_type,
        "IntegratedSoftware": r.integrated_software,
        "Vendor": r.vendor,
        "Links": r.links,
        "State": r.state,
        "ImageDescription": r.image_description,
        "CreateTime": r.create_time,
        "ImageSize": r.image_size,
        "MinimalCPU": r.minimal_cpu,
        "MaintainEol": r.maintain_eol,
        "SupportedGPUTypes": r.supported_gpu_types,
        "SceneCategories": r.scene_categories,
        "PrimarySoftware": r.primary_software,
        "DataSnapshotIds": r.data_snapshot_ids,
        "Tag": r.tag,
    });
    let Some(obj) = v.as_object_mut() else {
        return v;
    };
    if prices {
        let set: Vec<Value> = r
            .prices
            .iter()
            .map(|(charge, price, original)| {
                json!({ "ChargeType": charge, "Price": price, "OriginalPrice": original })
            })
            .collect();
        obj.insert("PriceSet".into(), Value::Array(set));
    }
    if shapes.real() {
        obj.insert("ImageAttribute".into(), json!({ "BootMode": "UEFI" }));
        obj.insert(
            "HotplugFeature".into(),
            Value::Bool(r.features.contains(&"HotPlug")),
        );
    }
    v
}
