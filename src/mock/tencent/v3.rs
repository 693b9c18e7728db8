//! Tencent CVM API 3.0 `DescribeImages` at `/`, in each form the API serves (and
//! tencentcloud-sdk-python sends): TC3-HMAC-SHA256 with `X-TC-Action` over POST with a JSON body or
//! GET with the parameters in the query, and signature v1 (`Action`, `SecretId`, `Signature`
//! parameters) over POST form or GET. Parses the wire format and shapes the answer; the rules live in
//! the parent module.

use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::{auth, check_region, legacy, run, ApiError, Flavor, Query, VERSION};
use crate::mock::catalogue::rng::rfc3339_z;
use crate::mock::catalogue::TencentRecord;
use crate::mock::context::Ctx;
use crate::mock::reply::{cloud_error, Reply};
use crate::mock::request::param;
use crate::mock::shapes::Shapes;

const BODY_KEYS: &[&str] = &[
    "ImageIds",
    "Filters",
    "Offset",
    "Limit",
    "InstanceType",
    "DryRun",
];

/// Answers an API 3.0 request.
pub fn handle(ctx: &Ctx) -> Reply {
    match answer(ctx) {
        Ok(v) => Reply::json(StatusCode::OK, &v, None),
        Err((code, msg)) => cloud_error(ctx.shape.api, StatusCode::OK, code, &msg, ctx.request_id),
    }
}

/// The request's action, version, region and business parameters (parsed, but checked only after
/// the others, as before), once its signature checked out.
struct Request {
    action: Option<String>,
    version: Option<String>,
    region: Option<String>,
    query: Result<Query, ApiError>,
}

fn verified(ctx: &Ctx) -> Result<Request, ApiError> {
    let req = ctx.req;
    if req.method != Method::POST && req.method != Method::GET {
        return Err((
            "UnsupportedProtocol",
            "API 3.0 is served over GET and POST only.".into(),
        ));
    }
    let non_empty = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_string);
    if req.header("x-tc-action").is_some() {
        auth::verify_tc3(req, ctx.creds, ctx.now)?;
        let is_form = req.header("content-type").is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        let query = if req.method == Method::GET {
            legacy::parse(&req.query_pairs())
        } else if is_form {
            legacy::parse(&req.form_pairs())
        } else {
            parse(&req.body)
        };
        Ok(Request {
            action: non_empty(req.header("x-tc-action")),
            version: non_empty(req.header("x-tc-version")),
            region: non_empty(req.header("x-tc-region")),
            query,
        })
    } else {
        let params = req.params();
        auth::verify_v1(req, &params, ctx.creds, ctx.now)?;
        Ok(Request {
            action: non_empty(param(&params, "Action")),
            version: non_empty(param(&params, "Version")),
            region: non_empty(param(&params, "Region")),
            query: legacy::parse(&params),
        })
    }
}

fn answer(ctx: &Ctx) -> Result<Value, ApiError> {
    let Request {
        action,
        version,
        region,
        query,
    } = verified(ctx)?;
    match action.as_deref() {
        Some("DescribeImages") => {}
        other => {
            return Err((
                "InvalidAction",
                format!("The action `{}` does not exist.", other.unwrap_or("")),
            ))
        }
    }
    match version.as_deref() {
        None => {
            return Err((
                "MissingParameter",
                "The request is missing a required parameter `Version`.".into(),
            ))
        }
        Some(VERSION) => {}
        Some(other) => {
            return Err((
                "NoSuchVersion",
                format!("The API version `{other}` does not exist."),
            ))
        }
    }
    let region = check_region(region.as_deref())?;
    let page = run(&query?, region, Flavor::V3, ctx.shrink_by())?;
    let set: Vec<Value> = page.images.iter().map(|r| image(r, ctx.shapes)).collect();
    Ok(
        json!({ "Response": { "ImageSet": set, "TotalCount": page.total, "RequestId": ctx.request_id } }),
    )
}

/// Reads the JSON body; unknown keys are `UnknownParameter`, wrong types `InvalidParameter`.
pub fn parse(body: &[u8]) -> Result<Query, ApiError> {
    let bad = |what: &str| ("InvalidParameter", format!("{what} is malformed."));
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|_| bad("The JSON body"))?
    };
    let obj = value.as_object().ok_or_else(|| bad("The JSON body"))?;
    if let Some(k) = obj.keys().find(|k| !BODY_KEYS.contains(&k.as_str())) {
        return Err((
            "UnknownParameter",
            format!("The parameter `{k}` is not recognized."),
        ));
    }
    let strings = |v: &Value, what: &str| -> Result<Vec<String>, ApiError> {
        v.as_array()
            .ok_or_else(|| bad(what))?
            .iter()
            .map(|s| s.as_str().map(str::to_string).ok_or_else(|| bad(what)))
            .collect()
    };
    let int = |k: &str| -> Result<Option<i64>, ApiError> {
        obj.get(k)
            .map(|v| v.as_i64().ok_or_else(|| bad(k)))
            .transpose()
    };
    let mut q = Query {
        offset: int("Offset")?,
        limit: int("Limit")?,
        ..Query::default()
    };
    if let Some(ids) = obj.get("ImageIds") {
        q.image_ids = strings(ids, "ImageIds")?;
    }
    if let Some(filters) = obj.get("Filters") {
        for f in filters.as_array().ok_or_else(|| bad("Filters"))? {
            let name = f
                .get("Name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("Filters.Name"))?;
            let values = strings(f.get("Values").unwrap_or(&Value::Null), "Filters.Values")?;
            q.filters.push((name.to_string(), values));
        }
    }
    if let Some(t) = obj.get("InstanceType") {
        q.instance_type = Some(t.as_str().ok_or_else(|| bad("InstanceType"))?.to_string());
    }
    Ok(q)
}

/// The API 3.0 `Image` shape: every field of tencentcloud-sdk-python-cvm's `Image` model. With
/// [`Shapes::Real`], absent optional members are `null` (public images' `SyncPercent` and
/// `SnapshotSet`, empty `Tags`, no `ImageFamily`, Windows images' `IsSupportCloudinit`,
/// `CdcCacheStatus`), custom images' times are spelled with `Z`, and two fields no client knows yet
/// come along.
pub fn image(r: &TencentRecord, shapes: Shapes) -> Value {
    let real = shapes.real();
    let public = r.image_type == "PUBLIC_IMAGE";
    let tags: Vec<Value> = r
        .tags
        .iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    let snapshots: Vec<Value> = if public {
        Vec::new()
    } else {
        vec![json!({
            "SnapshotId": format!("snap-{}", &r.image_id[4..]),
            "DiskUsage": "SYSTEM_DISK",
            "DiskSize": r.image_size,
        })]
    };
    let null_if = |absent: bool, v: Value| if real && absent { Value::Null } else { v };
    let mut v = json!({
        "ImageId": r.image_id,
        "OsName": r.os_name,
        "ImageType": r.image_type,
        "CreatedTime": if real && !public { rfc3339_z(r.created) } else { r.created_time.clone() },
        "ImageName": r.image_name,
        "ImageDescription": r.image_description,
        "ImageSize": r.image_size,
        "Architecture": r.architecture,
        "ImageState": r.image_state,
        "Platform": r.platform,
        "ImageCreator": r.image_creator,
        "ImageSource": r.image_source,
        "SyncPercent": null_if(public, json!(r.sync_percent)),
        "IsSupportCloudinit": null_if(r.platform == "Windows", json!(r.is_support_cloudinit)),
        "SnapshotSet": null_if(snapshots.is_empty(), Value::Array(snapshots)),
        "Tags": null_if(tags.is_empty(), Value::Array(tags)),
        "LicenseType": r.license_type,
        "ImageFamily": null_if(r.image_family.is_empty(), json!(r.image_family)),
        "ImageDeprecated": r.image_deprecated,
        "CdcCacheStatus": null_if(true, json!("")),
    });
    if let (true, Some(obj)) = (real, v.as_object_mut()) {
        obj.insert("BootModes".into(), json!(["UEFI", "Legacy BIOS"]));
        obj.insert(
            "Extensions".into(),
            json!({ "Source": null, "Revision": 3 }),
        );
    }
    v
}

/// The body flattened to legacy-style pairs (`Filters.0.Name`, …) for the request log.
pub fn flatten(body: &[u8]) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(&join(prefix, k), v, out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&join(prefix, &i.to_string()), v, out)),
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    fn join(prefix: &str, k: &str) -> String {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        walk("", &v, &mut out);
    }
    out.truncate(256);
    out
}
