//! Tencent CVM API 3.0 `DescribeImages`: POST `/` with `X-TC-Action`, a JSON body and a
//! TC3-HMAC-SHA256 `Authorization`. Parses the wire format and shapes the answer; the rules live in
//! the parent module.

use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::{auth, check_region, run, ApiError, Flavor, Query, VERSION};
use crate::mock::catalogue::TencentRecord;
use crate::mock::context::Ctx;
use crate::mock::reply::{cloud_error, Reply};

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

fn answer(ctx: &Ctx) -> Result<Value, ApiError> {
    if ctx.req.method != Method::POST {
        return Err((
            "UnsupportedProtocol",
            "The emulator serves API 3.0 as POST application/json only.".into(),
        ));
    }
    auth::verify_tc3(ctx.req, ctx.creds, ctx.now)?;
    let header = |name: &str| ctx.req.header(name).filter(|v| !v.is_empty());
    match header("x-tc-action") {
        Some("DescribeImages") => {}
        other => {
            return Err((
                "InvalidAction",
                format!("The action `{}` does not exist.", other.unwrap_or("")),
            ))
        }
    }
    match header("x-tc-version") {
        None => {
            return Err((
                "MissingParameter",
                "The request is missing a required parameter `X-TC-Version`.".into(),
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
    let region = check_region(header("x-tc-region"))?;
    let query = parse(&ctx.req.body)?;
    let page = run(&query, region, Flavor::V3, ctx.shrink_by())?;
    let set: Vec<Value> = page.images.iter().map(|r| image(r)).collect();
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

/// The API 3.0 `Image` shape.
pub fn image(r: &TencentRecord) -> Value {
    let tags: Vec<Value> = r
        .tags
        .iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    json!({
        "ImageId": r.image_id,
        "OsName": r.os_name,
        "ImageType": r.image_type,
        "CreatedTime": r.created_time,
        "ImageName": r.image_name,
        "ImageDescription": r.image_description,
        "ImageSize": r.image_size,
        "Architecture": r.architecture,
        "ImageState": r.image_state,
        "Platform": r.platform,
        "ImageCreator": r.image_creator,
        "ImageSource": r.image_source,
        "SyncPercent": r.sync_percent,
        "IsSupportCloudinit": r.is_support_cloudinit,
        "SnapshotSet": [],
        "Tags": tags,
    })
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
