//! The Baidu BCC image APIs: `GET /v2/image` (seed 001) and
//! `GET /v2/image/getAvailableImagesBySpec` (seed 000), with BCE's marker paging and error shape.
//! Knows nothing of faults other than the `repeat_marker` flag its context carries.

pub mod auth;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::api::Api;
use super::catalogue::rng::rfc3339_z;
use super::catalogue::{self, BaiduRecord, BAIDU_IMAGE_TYPES};
use super::context::Ctx;
use super::reply::{cloud_error, Reply};
use super::request::param;
use super::shapes::Shapes;

/// `maxKeys` of `GET /v2/image`: default and maximum (larger values are clamped, as echoed back).
pub const LIST_MAX_KEYS: usize = 1000;
/// `maxKeys` of the spec API: default 10, maximum 100.
pub const SPEC_DEFAULT_KEYS: usize = 10;
pub const SPEC_MAX_KEYS: usize = 100;

/// Answers a Baidu request (after faults that replace the answer were ruled out).
pub fn handle(ctx: &Ctx) -> Reply {
    let api = ctx.shape.api;
    let err = |status: StatusCode, code: &str, msg: &str| {
        cloud_error(api, status, code, msg, ctx.request_id)
    };
    if ctx.req.method != Method::GET {
        return err(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "only GET is allowed on this resource",
        );
    }
    if let Err((status, code, msg)) = auth::verify(ctx.req, ctx.creds, ctx.now) {
        return err(status, code, &msg);
    }
    let query = ctx.req.query_pairs();
    let q = |k: &str| param(&query, k).filter(|v| !v.is_empty());
    let result = match api {
        Api::BaiduSpecImages => spec_images(ctx, q("spec"), q("osName"), q("marker"), q("maxKeys")),
        _ => list_images(
            ctx,
            q("imageType"),
            q("imageName"),
            q("marker"),
            q("maxKeys"),
        ),
    };
    match result {
        Ok(value) => Reply::json(StatusCode::OK, &value, None),
        Err((code, msg)) => err(StatusCode::BAD_REQUEST, code, &msg),
    }
}

type Invalid = (&'static str, String);

fn list_images(
    ctx: &Ctx,
    ty: Option<&str>,
    name: Option<&str>,
    marker: Option<&str>,
    max: Option<&str>,
) -> Result<Value, Invalid> {
    let ty = match ty {
        None => "All",
        Some(t) => BAIDU_IMAGE_TYPES
            .iter()
            .copied()
            .find(|known| known.eq_ignore_ascii_case(t))
            .ok_or((
                "InvalidParameterValue",
                format!(
                    "imageType {t} is not one of {}",
                    BAIDU_IMAGE_TYPES.join(", ")
                ),
            ))?,
    };
    let max_keys = max_keys(max, LIST_MAX_KEYS, LIST_MAX_KEYS)?;
    let images: Vec<&BaiduRecord> = catalogue::baidu()
        .iter()
        .filter(|r| ty == "All" || r.image_type == ty)
        .filter(|r| name.is_none_or(|n| r.name.contains(n)))
        .collect();
    let (page, next) = marker_page(&images, |r| &r.id, marker, max_keys, ctx.repeat_marker())?;
    let echo = marker.or(page.first().map(|r| r.id.as_str()));
    let images: Vec<Value> = page.iter().map(|r| image_model(r, ctx.shapes)).collect();
    Ok(envelope(echo, max_keys, next, images))
}

fn spec_images(
    ctx: &Ctx,
    spec: Option<&str>,
    os: Option<&str>,
    marker: Option<&str>,
    max: Option<&str>,
) -> Result<Value, Invalid> {
    let spec = spec.ok_or(("MissingParameter", "spec is required".to_string()))?;
    let max_keys = max_keys(max, SPEC_DEFAULT_KEYS, SPEC_MAX_KEYS)?;
    let images = catalogue::baidu_spec_images(spec).ok_or((
        "InvalidParameterValue",
        format!("spec {spec} does not exist"),
    ))?;
    let images: Vec<&BaiduRecord> = images
        .into_iter()
        .filter(|r| os.is_none_or(|o| r.os_name.eq_ignore_ascii_case(o)))
        .collect();
    let (page, next) = marker_page(&images, |r| &r.id, marker, max_keys, ctx.repeat_marker())?;
    let echo = marker.or(page.first().map(|r| r.id.as_str()));
    let images: Vec<Value> = page.iter().map(|r| system_image_model(r)).collect();
    Ok(envelope(echo, max_keys, next, images))
}

fn max_keys(raw: Option<&str>, default: usize, max: usize) -> Result<usize, Invalid> {
    match raw {
        None => Ok(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok((n as u64).min(max as u64) as usize),
            _ => Err((
                "InvalidParameterValue",
                format!("maxKeys {v} must be a positive integer"),
            )),
        },
    }
}

/// The page starting at `marker` (an image id; absent = the start) and the next page's marker.
/// With `repeat` (fault), `nextMarker` names this page again.
fn marker_page<'a, T>(
    items: &'a [T],
    id: fn(&T) -> &str,
    marker: Option<&str>,
    max: usize,
    repeat: bool,
) -> Result<(&'a [T], Option<String>), Invalid> {
    let start = match marker {
        None => 0,
        Some(m) => items
            .iter()
            .position(|r| id(r) == m)
            .ok_or(("InvalidParameterValue", format!("marker {m} is not valid")))?,
    };
    let end = start.saturating_add(max).min(items.len());
    let page = &items[start..end];
    let next = if end < items.len() {
        if repeat {
            Some(
                marker
                    .map(str::to_string)
                    .or_else(|| page.first().map(|r| id(r).to_string()))
                    .unwrap_or_default(),
            )
        } else {
            Some(id(&items[end]).to_string())
        }
    } else {
        None
    };
    Ok((page, next))
}

/// `{marker, isTruncated, nextMarker (absent on the last page), maxKeys, images}`. `marker` echoes the
/// request's, or names the page's first image when the request had none (as the samples of seeds 000
/// and 001 do); an empty answer to a request without one echoes an empty marker.
fn envelope(
    marker: Option<&str>,
    max_keys: usize,
    next: Option<String>,
    images: Vec<Value>,
) -> Value {
    let mut v = json!({
        "marker": marker.unwrap_or(""),
        "isTruncated": next.is_some(),
        "maxKeys": max_keys,
        "images": images,
    });
    if let (Some(next), Some(obj)) = (next, v.as_object_mut()) {
        obj.insert("nextMarker".into(), Value::String(next));
    }
    v
}

/// `ImageModel` (seed 001) with every field of bce-sdk-go's model and the BCC API appendix:
/// `specialVersion`, `package`, `encrypted`, `minDiskGb`, the deprecated `diskSize` and
/// `ephemeralSize`, `shareToUserNumLimit`, `sharedToUserNum` and the data-disk `snapshots`
/// (`SnapshotModel`). With [`Shapes::Real`], an absent description is `desc: null` (as seed 001's
/// sample), the snapshots' times are `null`, and two fields no client knows come along.
pub fn image_model(r: &BaiduRecord, shapes: Shapes) -> Value {
    let real = shapes.real();
    let snapshots: Vec<Value> = r
        .snapshots
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "sizeInGB": s.size_in_gb,
                "createTime": if real { Value::Null } else { json!(rfc3339_z(s.created)) },
                "status": "Available",
                "createMethod": "manual",
                "volumeId": s.volume_id,
                "desc": if real { Value::Null } else { json!("") },
                "expireTime": if real { Value::Null } else { json!("") },
                "package": true,
                "templateId": r.id,
                "insnapId": "",
                "encrypted": r.encrypted,
            })
        })
        .collect();
    let desc = match r.desc.as_deref() {
        Some("") | None if real => Value::Null,
        other => json!(other),
    };
    let mut v = json!({
        "id": r.id,
        "createTime": r.create_time,
        "name": r.name,
        "type": r.image_type,
        "osType": r.os_type,
        "osVersion": r.os_version,
        "osName": r.os_name,
        "osBuild": r.os_build,
        "osArch": r.os_arch,
        "osLang": r.os_lang,
        "status": r.status,
        "desc": desc,
        "specialVersion": r.special_version,
        "package": r.package,
        "encrypted": r.encrypted,
        "minDiskGb": r.min_size_gib,
        "diskSize": r.min_size_gib,
        "ephemeralSize": 0,
        "shareToUserNumLimit": r.share_to_user_num_limit,
        "sharedToUserNum": r.shared_to_user_num,
        "snapshots": snapshots,
    });
    if let (true, Some(obj)) = (real, v.as_object_mut()) {
        obj.insert("imageVersion".into(), Value::Null);
        obj.insert("bootMode".into(), json!({ "uefi": false }));
    }
    v
}

/// `SystemImageModel` (seed 000).
pub fn system_image_model(r: &BaiduRecord) -> Value {
    json!({
        "imageId": r.id,
        "imageName": r.name,
        "osType": r.os_type,
        "osVersion": r.os_version,
        "osArch": r.os_arch,
        "osName": r.os_name,
        "osLang": r.os_lang,
        "minSizeInGiB": r.min_size_gib,
    })
}
