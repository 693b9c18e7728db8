//! Tencent Cloud API 3.0 `TC3-HMAC-SHA256` signing, as tencentcloud-sdk-go computes it: canonical
//! request → string to sign → HMAC key chain (date, service, `tc3_request`) → hex signature.
//!
//! Pure: the timestamp is an input and the clock is never read. The SDKs sign exactly
//! `content-type;host`, and so does [`authorization`]; the signing document requires those two and
//! allows more (its own example adds `x-tc-action`), which [`canonical_request_over`] builds for a
//! server that must check whatever `SignedHeaders` names. No HTTP, no Terraform.

use chrono::DateTime;

use crate::cloud::digest::{hmac_sha256, sha256_hex};

/// The algorithm name, first token of the header and of the string to sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers every TC3 request signs.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// Everything that goes into one TC3 signature.
#[derive(Debug, Clone, Copy)]
pub struct Tc3Input<'a> {
    /// `POST` or `GET`.
    pub method: &'a str,
    /// The Host header actually sent (with `:port` when non-default).
    pub host: &'a str,
    /// The encoded query string as sent (empty for POST).
    pub canonical_query: &'a str,
    /// The Content-Type header as sent.
    pub content_type: &'a str,
    /// The request body as sent (empty for GET).
    pub payload: &'a [u8],
    /// Service name, e.g. `cvm`.
    pub service: &'a str,
    /// Unix seconds, also sent as `X-TC-Timestamp`.
    pub timestamp: i64,
    pub secret_id: &'a str,
    /// Only ever used as HMAC key material.
    pub secret_key: &'a str,
}

/// The full `Authorization` header value.
pub fn authorization(input: &Tc3Input) -> String {
    let sts = string_to_sign(input.timestamp, input.service, &canonical_request(input));
    let sig = signature(input.secret_key, input.timestamp, input.service, &sts);
    format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={SIGNED_HEADERS}, Signature={sig}",
        input.secret_id,
        credential_scope(input.timestamp, input.service)
    )
}

/// `METHOD\n/\nquery\ncontent-type:..\nhost:..\n\ncontent-type;host\nhex(sha256(payload))`.
pub fn canonical_request(input: &Tc3Input) -> String {
    canonical_request_over(
        input.method,
        input.canonical_query,
        &[("content-type", input.content_type), ("host", input.host)],
        input.payload,
    )
}

/// The canonical request over any signed headers, given as `(name, value)` in `SignedHeaders` order:
/// `METHOD\n/\nquery\nname:value\n…\n\nname;…\nhex(sha256(payload))`. Names are lower-cased and values
/// trimmed here; lower-casing the values too, as the signing document asks, is the caller's choice (the
/// SDKs send them lower-case already and do not change them).
pub fn canonical_request_over(
    method: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    payload: &[u8],
) -> String {
    let mut canonical_headers = String::new();
    let mut names = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
        names.push(name);
    }
    format!(
        "{}\n/\n{canonical_query}\n{canonical_headers}\n{}\n{}",
        method.to_ascii_uppercase(),
        names.join(";"),
        sha256_hex(payload)
    )
}

/// `TC3-HMAC-SHA256\n{ts}\n{scope}\nhex(sha256(canonical_request))`.
pub fn string_to_sign(timestamp: i64, service: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}\n{}",
        credential_scope(timestamp, service),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// `hex(HMAC(kSign, string_to_sign))` where kSign is derived from the secret, the UTC date of
/// `timestamp` and `service`.
pub fn signature(secret_key: &str, timestamp: i64, service: &str, string_to_sign: &str) -> String {
    let date = utc_date(timestamp);
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    hex::encode(hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

/// `{date}/{service}/tc3_request`.
pub fn credential_scope(timestamp: i64, service: &str) -> String {
    format!("{}/{service}/tc3_request", utc_date(timestamp))
}

/// The UTC calendar date (`YYYY-MM-DD`) of a unix timestamp. A timestamp outside chrono's range
/// cannot come from a real clock; it maps to the epoch date (the server will reject the signature)
/// rather than panicking.
pub fn utc_date(timestamp: i64) -> String {
    DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "1970-01-01".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const SK: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const HOST: &str = "cvm.tencentcloudapi.com";
    // The doc's payload contains literal `\u` escapes, not the decoded characters.
    const POST_PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn post(secret_key: &str) -> Tc3Input<'_> {
        Tc3Input {
            method: "POST",
            host: HOST,
            canonical_query: "",
            content_type: "application/json; charset=utf-8",
            payload: POST_PAYLOAD.as_bytes(),
            service: "cvm",
            timestamp: 1551113065,
            secret_id: ID,
            secret_key,
        }
    }

    fn get() -> Tc3Input<'static> {
        Tc3Input {
            method: "GET",
            host: HOST,
            canonical_query: "Limit=10&Offset=0",
            content_type: "application/x-www-form-urlencoded",
            payload: b"",
            service: "cvm",
            timestamp: 1539084154,
            secret_id: ID,
            secret_key: SK,
        }
    }

    #[test]
    fn post_vector_stage_by_stage() {
        let input = post(SK);
        assert_eq!(
            sha256_hex(input.payload),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let cr = canonical_request(&input);
        assert_eq!(
            sha256_hex(cr.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let sts = string_to_sign(input.timestamp, "cvm", &cr);
        assert_eq!(
            sts,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            signature(SK, input.timestamp, "cvm", &sts),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn authorization_vectors() {
        let masked = "Gu5t9xGARNpq86cd98joQYCN3*******";
        let cases = [
            (
                post(SK),
                "2019-02-25",
                "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
            ),
            (
                post(masked),
                "2019-02-25",
                "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
            ),
            (
                get(),
                "2018-10-09",
                "5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474",
            ),
        ];
        for (input, date, sig) in cases {
            assert_eq!(
                authorization(&input),
                format!(
                    "TC3-HMAC-SHA256 Credential={ID}/{date}/cvm/tc3_request, \
                     SignedHeaders=content-type;host, Signature={sig}"
                )
            );
        }
    }

    #[test]
    fn get_vector_canonical_request() {
        let cr = canonical_request(&get());
        assert_eq!(
            sha256_hex(cr.as_bytes()),
            "91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7"
        );
    }

    #[test]
    fn more_signed_headers() {
        // The signing document's own example signs x-tc-action too, its value lower-cased.
        let input = post(SK);
        let cr = canonical_request_over(
            "POST",
            "",
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("host", HOST),
                ("x-tc-action", "describeinstances"),
            ],
            input.payload,
        );
        assert_eq!(
            cr,
            format!(
                "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:{HOST}\n\
                 x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n{}",
                sha256_hex(input.payload)
            )
        );
        assert_eq!(
            canonical_request_over(
                "post",
                "",
                &[("content-type", input.content_type), ("host", HOST)],
                input.payload
            ),
            canonical_request(&input)
        );
    }

    #[test]
    fn dates_are_utc_and_out_of_range_is_safe() {
        // 1551113065 is 2019-02-25 16:44 UTC but already 2019-02-26 in UTC+8: the date must be UTC.
        assert_eq!(utc_date(1551113065), "2019-02-25");
        assert_eq!(utc_date(1551052800), "2019-02-25");
        assert_eq!(utc_date(1551052800 - 1), "2019-02-24");
        assert_eq!(utc_date(i64::MAX), "1970-01-01");
    }
}
