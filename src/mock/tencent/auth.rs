//! Verifies Tencent signatures from the request as received, with the provider's pure signers:
//! v1 (legacy `Signature` parameter, HmacSHA1/HmacSHA256) and TC3-HMAC-SHA256 (API 3.0
//! `Authorization` header). Knows nothing of catalogues, filters or paging.

use crate::cloud::tencent::sign_tc3::{
    canonical_request_over, signature as tc3_signature, string_to_sign, utc_date, ALGORITHM,
};
use crate::cloud::tencent::sign_v1::{signature, SignatureMethod};
use crate::mock::baidu::auth::constant_time_eq;
use crate::mock::credentials::{Cloud, Credentials};
use crate::mock::request::{param, Incoming};

/// Largest accepted difference between the request's timestamp and the server clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// A refusal: Tencent error code and message.
pub type Refusal = (&'static str, String);

fn missing(name: &str) -> Refusal {
    (
        "MissingParameter",
        format!("The request is missing a required parameter `{name}`."),
    )
}

fn lookup<'a>(creds: &'a Credentials, id: &str) -> Result<&'a str, Refusal> {
    creds.secret(Cloud::Tencent, id).map(|s| s.expose()).ok_or((
        "AuthFailure.SecretIdNotFound",
        "The SecretId is not found, please ensure that your SecretId is correct.".to_string(),
    ))
}

fn check_time(ts: i64, now: i64) -> Result<(), Refusal> {
    if (now - ts).abs() > MAX_SKEW_SECS {
        return Err((
            "AuthFailure.SignatureExpire",
            format!("Signature expired. Timestamp {ts} differs from server time {now} by more than {MAX_SKEW_SECS} seconds."),
        ));
    }
    Ok(())
}

fn mismatch() -> Refusal {
    (
        "AuthFailure.SignatureFailure",
        "The provided credentials could not be validated. Please check your signature is correct."
            .to_string(),
    )
}

/// Legacy v1: the SecretId of a correctly signed request.
pub fn verify_v1(
    req: &Incoming,
    params: &[(String, String)],
    creds: &Credentials,
    now: i64,
) -> Result<String, Refusal> {
    let sig = param(params, "Signature").ok_or_else(|| missing("Signature"))?;
    let id = param(params, "SecretId").ok_or_else(|| missing("SecretId"))?;
    let ts = param(params, "Timestamp").ok_or_else(|| missing("Timestamp"))?;
    param(params, "Nonce").ok_or_else(|| missing("Nonce"))?;
    let key = lookup(creds, id)?;
    let ts: i64 = ts.parse().map_err(|_| {
        (
            "InvalidParameterValue",
            format!("Timestamp {ts} is not a unix time"),
        )
    })?;
    check_time(ts, now)?;
    let alg = match param(params, "SignatureMethod") {
        None | Some("HmacSHA1") => SignatureMethod::HmacSha1,
        Some("HmacSHA256") => SignatureMethod::HmacSha256,
        Some(other) => {
            return Err((
                "InvalidParameterValue",
                format!("SignatureMethod {other} is not supported"),
            ))
        }
    };
    let signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    let expected = signature(
        req.method.as_str(),
        req.host(),
        &req.path,
        &signed,
        key,
        alg,
    );
    if !constant_time_eq(expected.as_bytes(), sig.as_bytes()) {
        return Err(mismatch());
    }
    Ok(id.to_string())
}

/// API 3.0 TC3-HMAC-SHA256: the SecretId of a correctly signed request.
pub fn verify_tc3(req: &Incoming, creds: &Credentials, now: i64) -> Result<String, Refusal> {
    let invalid = || {
        (
            "AuthFailure.InvalidAuthorization",
            "Authorization header is not a valid TC3-HMAC-SHA256 header.".to_string(),
        )
    };
    let header = req.header("authorization").ok_or_else(invalid)?;
    let rest = header.trim().strip_prefix(ALGORITHM).ok_or_else(invalid)?;
    let (mut credential, mut signed_headers, mut sig) = (None, None, None);
    for item in rest.split(',') {
        match item.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => sig = Some(v),
            _ => return Err(invalid()),
        }
    }
    let (Some(credential), Some(signed_headers), Some(sig)) = (credential, signed_headers, sig)
    else {
        return Err(invalid());
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [id, date, service, "tc3_request"] = scope.as_slice() else {
        return Err(invalid());
    };
    let key = lookup(creds, id)?;
    let ts = req
        .header("x-tc-timestamp")
        .ok_or_else(|| missing("X-TC-Timestamp"))?;
    let ts: i64 = ts.parse().map_err(|_| {
        (
            "InvalidParameterValue",
            format!("X-TC-Timestamp {ts} is not a unix time"),
        )
    })?;
    check_time(ts, now)?;
    // The canonical request is rebuilt from whatever SignedHeaders names; the signing document requires
    // content-type and host among them.
    let names: Vec<String> = signed_headers
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let named = |n: &str| names.iter().any(|x| x == n);
    if !named("content-type") || !named("host") || *date != utc_date(ts) || *service != "cvm" {
        return Err(mismatch());
    }
    let values: Vec<String> = names
        .iter()
        .map(|n| req.header(n).unwrap_or("").trim().to_string())
        .collect();
    // Values as sent (what the SDKs sign), then lower-cased (what the signing document describes).
    for lower in [false, true] {
        let headers: Vec<(&str, String)> = names
            .iter()
            .zip(&values)
            .map(|(n, v)| (n.as_str(), if lower { v.to_lowercase() } else { v.clone() }))
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let canonical =
            canonical_request_over(req.method.as_str(), &req.raw_query, &headers, &req.body);
        let expected = tc3_signature(key, ts, service, &string_to_sign(ts, service, &canonical));
        if constant_time_eq(expected.as_bytes(), sig.as_bytes()) {
            return Ok(id.to_string());
        }
    }
    Err(mismatch())
}
