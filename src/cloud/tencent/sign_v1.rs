//! Tencent Cloud signature v1 (the legacy `*.api.qcloud.com/v2/index.php` scheme, also accepted by
//! API 3.0 hosts): HMAC over `METHOD + host + path + "?" + sorted raw k=v pairs`, base64-encoded.
//!
//! Pure: the timestamp and nonce are ordinary parameters chosen by the caller. No HTTP, no Terraform.

use base64::Engine as _;

use crate::cloud::digest::{hmac_sha1, hmac_sha256};

/// The HMAC used for a v1 signature; also sent as the signed `SignatureMethod` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    HmacSha1,
    HmacSha256,
}

impl SignatureMethod {
    /// The wire value of the `SignatureMethod` parameter.
    pub fn param_value(&self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HmacSHA1",
            SignatureMethod::HmacSha256 => "HmacSHA256",
        }
    }
}

/// The string that is HMAC-ed: `METHOD host path ? k=v&...` with keys sorted and values unencoded.
pub fn string_to_sign(method: &str, host: &str, path: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let query = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("{}{host}{path}?{query}", method.to_ascii_uppercase())
}

/// Base64 `Signature` for `params` (everything sent, `SignatureMethod` included, `Signature`
/// excluded). `host` is the Host header actually sent (with `:port` when non-default). The caller
/// URL-encodes the result when sending it.
pub fn signature(
    method: &str,
    host: &str,
    path: &str,
    params: &[(String, String)],
    secret_key: &str,
    alg: SignatureMethod,
) -> String {
    let src = string_to_sign(method, host, path, params);
    let mac = match alg {
        SignatureMethod::HmacSha1 => hmac_sha1(secret_key.as_bytes(), src.as_bytes()),
        SignatureMethod::HmacSha256 => hmac_sha256(secret_key.as_bytes(), src.as_bytes()),
    };
    base64::engine::general_purpose::STANDARD.encode(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn official_doc_vector() {
        let params = pairs(&[
            ("Action", "DescribeInstances"),
            ("InstanceIds.0", "ins-09dx96dg"),
            ("Limit", "20"),
            ("Nonce", "11886"),
            ("Offset", "0"),
            ("Region", "ap-guangzhou"),
            ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            ("Timestamp", "1465185768"),
            ("Version", "2017-03-12"),
        ]);
        assert_eq!(
            string_to_sign("GET", "cvm.tencentcloudapi.com", "/", &params),
            "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20\
             &Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE\
             &Timestamp=1465185768&Version=2017-03-12"
        );
        assert_eq!(
            signature(
                "GET",
                "cvm.tencentcloudapi.com",
                "/",
                &params,
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                SignatureMethod::HmacSha1
            ),
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        );
    }

    #[test]
    fn python_sdk_vectors() {
        let common = |alg: SignatureMethod| {
            pairs(&[
                ("SecretId", "secretIdFoo"),
                ("Region", "ap-guangzhou"),
                ("SignatureMethod", alg.param_value()),
                ("Nonce", "1290303896666895346"),
                ("Timestamp", "1512393162"),
                ("Action", "DescribeInstances"),
                ("Version", "2017-03-12"),
            ])
        };
        let cases = [
            (
                "POST",
                SignatureMethod::HmacSha1,
                "p3n+pxBqF5JGZtDSxoVn5tGngf0=",
            ),
            (
                "GET",
                SignatureMethod::HmacSha1,
                "5HAq1BOKNLEE2/uauWnp6Zv9Z3c=",
            ),
            (
                "POST",
                SignatureMethod::HmacSha256,
                "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=",
            ),
        ];
        for (method, alg, want) in cases {
            let got = signature(
                method,
                "cvm.api.qcloud.com",
                "/v2/index.php",
                &common(alg),
                "secretKeyBar",
                alg,
            );
            assert_eq!(got, want, "{method} {alg:?}");
        }
    }

    #[test]
    fn param_values() {
        assert_eq!(SignatureMethod::HmacSha1.param_value(), "HmacSHA1");
        assert_eq!(SignatureMethod::HmacSha256.param_value(), "HmacSHA256");
    }
}
