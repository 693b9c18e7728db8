//! UCloud API signature, as ucloud-sdk-go computes it: SHA-1 over the parameters sorted by key,
//! concatenated as `key` + `value` with no encoding, followed by the private key.
//!
//! Pure: no clock, no HTTP, no Terraform. Callers flatten arrays to `Key.N` (0-based) beforehand.

use crate::cloud::digest::sha1_hex;

/// Lowercase hex `Signature` for `params` (all parameters including `PublicKey` and, with STS,
/// `SecurityToken`; excluding `Signature` itself).
pub fn signature(params: &[(String, String)], private_key: &str) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    // Byte order, like Go's sort.Strings; a stable sort keeps repeated keys in the caller's order.
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut src = String::new();
    for (k, v) in sorted {
        src.push_str(k);
        src.push_str(v);
    }
    src.push_str(private_key);
    sha1_hex(src.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC_KEY: &str = "ucloudsomeone@example.com1296235120854146120";
    const PRIVATE_KEY: &str = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn create_uhost() -> Vec<(String, String)> {
        pairs(&[
            ("Action", "CreateUHostInstance"),
            ("CPU", "2"),
            ("ChargeType", "Month"),
            ("DiskSpace", "10"),
            ("ImageId", "f43736e1-65a5-4bea-ad2e-8a46e18883c2"),
            ("LoginMode", "Password"),
            ("Memory", "2048"),
            ("Name", "Host01"),
            ("Password", "VUNsb3VkLmNu"),
            ("Quantity", "1"),
            ("Region", "cn-bj2"),
            ("Zone", "cn-bj2-04"),
            ("PublicKey", PUBLIC_KEY),
        ])
    }

    #[test]
    fn official_vectors() {
        let doc = create_uhost();

        let mut backends = pairs(&[
            ("Action", "AllocateBackendBatch"),
            ("PublicKey", PUBLIC_KEY),
        ]);
        for (i, v) in ["foo", "bar", "42"].iter().cycle().take(12).enumerate() {
            backends.push((format!("Backends.{i}"), v.to_string()));
        }

        let mut sts = create_uhost();
        sts.push(("SecurityToken".into(), "some_stoken".into()));

        let cases = [
            (doc, "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"),
            (backends, "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3"),
            (sts, "170c480ad176a247b324eb92a2cfe536aacfbd04"),
        ];
        for (params, want) in cases {
            assert_eq!(signature(&params, PRIVATE_KEY), want);
        }
    }

    #[test]
    fn input_order_does_not_matter() {
        let mut params = create_uhost();
        params.reverse();
        assert_eq!(
            signature(&params, PRIVATE_KEY),
            "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"
        );
    }
}
