//! Verifies BCE auth v1 the way BCE does: parse `Authorization`, look the access key up, take the
//! signed headers' values from the request as received, recompute with the provider's pure signer
//! and compare. Knows nothing of catalogues or paging.

use axum::http::StatusCode;
use chrono::NaiveDateTime;

use crate::cloud::baidu::sign::{authorization, BceSigningInput};
use crate::mock::credentials::{Cloud, Credentials};
use crate::mock::request::Incoming;

/// How far in the future a timestamp may be before it is refused (clock skew allowance).
pub const MAX_FUTURE_SKEW_SECS: i64 = 15 * 60;

/// Why a request was refused: HTTP status, BCE code, message.
pub type Refusal = (StatusCode, &'static str, String);

/// The access key of a correctly signed request.
pub fn verify(req: &Incoming, creds: &Credentials, now: i64) -> Result<String, Refusal> {
    let header = req.header("authorization").ok_or_else(|| {
        (
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "access denied: no authorization header".to_string(),
        )
    })?;
    let parts: Vec<&str> = header.trim().split('/').collect();
    let malformed = || {
        (
            StatusCode::BAD_REQUEST,
            "InvalidHTTPAuthHeader",
            "the authorization header is malformed".to_string(),
        )
    };
    let [version, ak, ts, exp, signed, sig] = parts.as_slice() else {
        return Err(malformed());
    };
    if *version != "bce-auth-v1" || ak.is_empty() || sig.is_empty() {
        return Err(malformed());
    }
    let exp: u32 = exp.parse().map_err(|_| malformed())?;
    let signed_at = NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| malformed())?
        .and_utc()
        .timestamp();
    let sk = creds.secret(Cloud::Baidu, ak).ok_or_else(|| {
        (
            StatusCode::FORBIDDEN,
            "InvalidAccessKeyId",
            format!("the access key id {ak} does not exist"),
        )
    })?;
    if signed_at + i64::from(exp) < now || signed_at > now + MAX_FUTURE_SKEW_SECS {
        return Err((
            StatusCode::BAD_REQUEST,
            "RequestExpired",
            format!("request has expired: timestamp {ts}, expiration {exp}s"),
        ));
    }
    let headers = signed_headers(req, signed);
    let query = req.query_pairs();
    let input = BceSigningInput {
        method: req.method.as_str(),
        path: &req.path,
        query: &query,
        headers: &headers,
        access_key: ak,
        secret_key: sk.expose(),
        timestamp: ts,
        expiration_secs: exp,
    };
    let expected = authorization(&input);
    let expected_sig = expected.rsplit('/').next().unwrap_or("");
    if !constant_time_eq(expected_sig.as_bytes(), sig.as_bytes()) {
        return Err((
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "the request signature we calculated does not match the signature you provided"
                .to_string(),
        ));
    }
    Ok(ak.to_string())
}

/// The headers named in `signedHeaders`, valued as received; an empty list means BCE's default set
/// (host, content-length, content-type, content-md5 and every `x-bce-*` but `x-bce-request-id`).
fn signed_headers(req: &Incoming, signed: &str) -> Vec<(String, String)> {
    let value = |name: &str| req.header(name).unwrap_or("").to_string();
    if signed.is_empty() {
        req.headers
            .keys()
            .map(|k| k.as_str())
            .filter(|k| {
                matches!(
                    *k,
                    "host" | "content-length" | "content-type" | "content-md5"
                ) || (k.starts_with("x-bce-") && *k != "x-bce-request-id")
            })
            .map(|k| (k.to_string(), value(k)))
            .collect()
    } else {
        signed
            .split(';')
            .filter(|n| !n.is_empty())
            .map(|n| (n.to_ascii_lowercase(), value(n)))
            .collect()
    }
}

/// Compares without an early exit, so timing does not tell how much of a signature was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
