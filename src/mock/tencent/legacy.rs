//! Tencent legacy `DescribeImages` at `/v2/index.php` (seed 003): GET query or POST form,
//! `ImageIds.N` / `Filters.N.Name` / `Filters.N.Values.M` (0- or 1-based N), v1 signatures.
//! Parses the wire format and shapes the answer; the rules live in the parent module.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{auth, check_region, run, ApiError, Flavor, Query, VERSION};
use crate::mock::catalogue::TencentRecord;
use crate::mock::context::Ctx;
use crate::mock::reply::{cloud_error, Reply};
use crate::mock::request::param;

/// Common parameters every legacy request may carry besides the business ones.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "RequestClient",
    "Language",
];

/// Answers a legacy request.
pub fn handle(ctx: &Ctx) -> Reply {
    let params = ctx.req.params();
    match answer(ctx, &params) {
        Ok(v) => Reply::json(StatusCode::OK, &v, None),
        Err((code, msg)) => cloud_error(ctx.shape.api, StatusCode::OK, code, &msg, ctx.request_id),
    }
}

fn answer(ctx: &Ctx, params: &[(String, String)]) -> Result<Value, ApiError> {
    auth::verify_v1(ctx.req, params, ctx.creds, ctx.now)?;
    match param(params, "Action") {
        None | Some("") => {
            return Err((
                "MissingParameter",
                "The request is missing a required parameter `Action`.".into(),
            ))
        }
        Some("DescribeImages") => {}
        Some(other) => {
            return Err((
                "InvalidAction",
                format!("The action `{other}` does not exist."),
            ))
        }
    }
    match param(params, "Version") {
        None | Some("") => {
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
    let region = check_region(param(params, "Region"))?;
    let query = parse(params)?;
    let page = run(&query, region, Flavor::Legacy, ctx.shrink_by())?;
    let set: Vec<Value> = page.images.iter().map(|r| image(r)).collect();
    Ok(
        json!({ "Response": { "ImageSet": set, "TotalCount": page.total, "RequestID": ctx.request_id } }),
    )
}

/// Reads the business parameters; unknown ones are `UnknownParameter`, as the API does.
pub fn parse(params: &[(String, String)]) -> Result<Query, ApiError> {
    let mut ids: BTreeMap<u32, String> = BTreeMap::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    let mut values: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut q = Query::default();
    let int = |k: &str, v: &str| {
        v.parse::<i64>().map_err(|_| {
            (
                "InvalidParameterValue",
                format!("{k} `{v}` is not an integer."),
            )
        })
    };
    for (k, v) in params {
        let parts: Vec<&str> = k.split('.').collect();
        let idx = |s: &str| {
            s.parse::<u32>().map_err(|_| {
                (
                    "UnknownParameter",
                    format!("The parameter `{k}` is not recognized."),
                )
            })
        };
        match parts.as_slice() {
            ["Offset"] => q.offset = Some(int(k, v)?),
            ["Limit"] => q.limit = Some(int(k, v)?),
            ["InstanceType"] => q.instance_type = Some(v.clone()),
            ["ImageIds", n] => {
                ids.insert(idx(n)?, v.clone());
            }
            ["Filters", n, "Name"] => {
                names.insert(idx(n)?, v.clone());
            }
            ["Filters", n, "Values", m] => {
                values
                    .entry(idx(n)?)
                    .or_default()
                    .insert(idx(m)?, v.clone());
            }
            [single] if COMMON.contains(single) => {}
            _ => {
                return Err((
                    "UnknownParameter",
                    format!("The parameter `{k}` is not recognized."),
                ))
            }
        }
    }
    if let Some(n) = values.keys().find(|n| !names.contains_key(n)) {
        return Err((
            "MissingParameter",
            format!("The request is missing a required parameter `Filters.{n}.Name`."),
        ));
    }
    q.image_ids = ids.into_values().collect();
    q.filters = names
        .into_iter()
        .map(|(n, name)| {
            (
                name,
                values
                    .remove(&n)
                    .map(|m| m.into_values().collect())
                    .unwrap_or_default(),
            )
        })
        .collect();
    Ok(q)
}

/// What the legacy API reports as the creation time of public images (seed 003's sample): the Unix
/// epoch, i.e. it does not know.
pub const UNKNOWN_TIME: &str = "1970-01-01T00:00:00+00:00";

/// The legacy image shape (seed 003). Public images carry [`UNKNOWN_TIME`], as the seed's sample does.
pub fn image(r: &TencentRecord) -> Value {
    let created = if r.image_type == "PUBLIC_IMAGE" {
        UNKNOWN_TIME
    } else {
        r.created_time.as_str()
    };
    json!({
        "ImageId": r.image_id,
        "ImageOsName": r.legacy_os_name,
        "ImageType": r.image_type,
        "ImageCreateTime": created,
        "ImageStatus": r.image_state,
        "ImageName": r.image_name,
        "ImageDescription": r.image_description,
        "Creator": r.legacy_creator(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn zero_and_one_based_indexes() {
        let zero = parse(&p(&[
            ("Filters.0.Name", "image-type"),
            ("Filters.0.Values.0", "PRIVATE_IMAGE"),
            ("Filters.0.Values.1", "SHARED_IMAGE"),
        ]));
        let one = parse(&p(&[
            ("Filters.1.Name", "image-type"),
            ("Filters.1.Values.1", "PRIVATE_IMAGE"),
            ("Filters.1.Values.2", "SHARED_IMAGE"),
        ]));
        let want = vec![(
            "image-type".to_string(),
            vec!["PRIVATE_IMAGE".to_string(), "SHARED_IMAGE".to_string()],
        )];
        assert_eq!(zero.map(|q| q.filters), Ok(want.clone()));
        assert_eq!(one.map(|q| q.filters), Ok(want));
    }

    #[test]
    fn rejects_unknown_and_orphans() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("Bogus", "1")], "UnknownParameter"),
            (&[("Filters.x.Name", "a")], "UnknownParameter"),
            (&[("Filters.0.Values.0", "a")], "MissingParameter"),
            (&[("Limit", "many")], "InvalidParameterValue"),
        ];
        for (params, code) in cases {
            assert_eq!(
                parse(&p(params)).err().map(|e| e.0),
                Some(*code),
                "{params:?}"
            );
        }
    }
}
