//! BCE authentication v1 (the `Authorization: bce-auth-v1/...` header), as bce-sdk-go computes it.
//!
//! Pure: every input, including the timestamp, is passed in; the clock is never read. Each stage is a
//! public function tested against Baidu's published vector, so a mismatch says which stage broke.
//! This module knows nothing of HTTP clients, retries or Terraform.

use crate::cloud::digest::hmac_sha256;

/// Everything that goes into one BCE signature.
#[derive(Debug, Clone, Copy)]
pub struct BceSigningInput<'a> {
    /// HTTP method, e.g. `GET` (upper-cased before signing).
    pub method: &'a str,
    /// Raw (not percent-encoded) path, e.g. `/v2/image`.
    pub path: &'a str,
    /// Decoded query pairs, in any order.
    pub query: &'a [(String, String)],
    /// Exactly the headers to sign (names in any case).
    pub headers: &'a [(String, String)],
    pub access_key: &'a str,
    /// The secret access key; only ever used as HMAC key material.
    pub secret_key: &'a str,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`, normally equal to the `x-bce-date` header.
    pub timestamp: &'a str,
    /// Validity window in seconds (the SDK default is 1800).
    pub expiration_secs: u32,
}

/// The full `Authorization` header value:
/// `bce-auth-v1/{ak}/{ts}/{exp}/{signedHeaders}/{signature}`.
pub fn authorization(input: &BceSigningInput) -> String {
    let prefix = auth_prefix(input.access_key, input.timestamp, input.expiration_secs);
    let key = signing_key(input.secret_key, &prefix);
    let (_, signed_headers) = canonical_headers(input.headers);
    let sig = signature(&key, &canonical_request(input));
    format!("{prefix}/{signed_headers}/{sig}")
}

/// `bce-auth-v1/{ak}/{ts}/{exp}`: the first half of the header and the message of the signing key.
pub fn auth_prefix(access_key: &str, timestamp: &str, expiration_secs: u32) -> String {
    format!("bce-auth-v1/{access_key}/{timestamp}/{expiration_secs}")
}

/// `hex(HMAC-SHA256(sk, prefix))`. BCE uses this lowercase hex *string* as the next key.
pub fn signing_key(secret_key: &str, auth_prefix: &str) -> String {
    hex::encode(hmac_sha256(secret_key.as_bytes(), auth_prefix.as_bytes()))
}

/// BCE's UriEncode: keep `A-Z a-z 0-9 - _ . ~` (and `/` when `encode_slash` is false), percent-encode
/// every other byte of the UTF-8 string with uppercase hex.
pub fn uri_encode(s: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (b == b'/' && !encode_slash);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/` + UriEncode(path without its leading `/`, slashes kept); an empty path is `/`.
pub fn canonical_uri(path: &str) -> String {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    format!("/{}", uri_encode(trimmed, false))
}

/// Encoded `k=v` items (an `authorization` parameter is skipped), sorted as whole strings, joined by `&`.
pub fn canonical_query_string(query: &[(String, String)]) -> String {
    let mut items: Vec<String> = query
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
        .map(|(k, v)| format!("{}={}", uri_encode(k, true), uri_encode(v, true)))
        .collect();
    items.sort();
    items.join("&")
}

/// Returns `(canonical headers, signedHeaders)`: names lower-cased, values trimmed, empty values
/// dropped; entries `UriEncode(name):UriEncode(value)` sorted and joined by `\n`; the sorted names
/// joined by `;`.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut entries: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    let canonical = entries
        .iter()
        .map(|(k, v)| format!("{}:{}", uri_encode(k, true), uri_encode(v, true)))
        .collect::<Vec<_>>();
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    (canonical.join("\n"), names.join(";"))
}

/// `METHOD\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders` (BCE hashes no body).
pub fn canonical_request(input: &BceSigningInput) -> String {
    let (headers, _) = canonical_headers(input.headers);
    format!(
        "{}\n{}\n{}\n{}",
        input.method.to_ascii_uppercase(),
        canonical_uri(input.path),
        canonical_query_string(input.query),
        headers
    )
}

/// `hex(HMAC-SHA256(signing_key, canonical_request))`, the key being the hex string itself.
pub fn signature(signing_key: &str, canonical_request: &str) -> String {
    hex::encode(hmac_sha256(
        signing_key.as_bytes(),
        canonical_request.as_bytes(),
    ))
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

    const AK: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SK: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const TS: &str = "2015-04-27T08:23:49Z";

    /// The official "Generate Authentication String" example (CLOUD-FACTS §B1 #1).
    fn vector_headers() -> Vec<(String, String)> {
        pairs(&[
            ("Host", "bj.bcebos.com"),
            ("Content-Type", "text/plain"),
            ("Content-Length", "8"),
            ("Content-Md5", "NFzcPqhviddjRNnSOGo4rw=="),
            ("x-bce-date", TS),
        ])
    }

    fn vector_query() -> Vec<(String, String)> {
        pairs(&[
            ("partNumber", "9"),
            ("uploadId", "a44cc9bab11cbd156984767aad637851"),
        ])
    }

    fn input<'a>(
        query: &'a [(String, String)],
        headers: &'a [(String, String)],
    ) -> BceSigningInput<'a> {
        BceSigningInput {
            method: "PUT",
            path: "/v1/test/myfolder/readme.txt",
            query,
            headers,
            access_key: AK,
            secret_key: SK,
            timestamp: TS,
            expiration_secs: 1800,
        }
    }

    #[test]
    fn signing_key_matches_official_vector() {
        let prefix = auth_prefix(AK, TS, 1800);
        assert_eq!(prefix, format!("bce-auth-v1/{AK}/{TS}/1800"));
        assert_eq!(
            signing_key(SK, &prefix),
            "1d5ce5f464064cbee060330d973218821825ac6952368a482a592e6615aef479"
        );
    }

    #[test]
    fn canonical_request_matches_official_vector() {
        let (q, h) = (vector_query(), vector_headers());
        assert_eq!(
            canonical_request(&input(&q, &h)),
            "PUT\n/v1/test/myfolder/readme.txt\n\
             partNumber=9&uploadId=a44cc9bab11cbd156984767aad637851\n\
             content-length:8\ncontent-md5:NFzcPqhviddjRNnSOGo4rw%3D%3D\ncontent-type:text%2Fplain\n\
             host:bj.bcebos.com\nx-bce-date:2015-04-27T08%3A23%3A49Z"
        );
    }

    #[test]
    fn authorization_matches_official_vectors() {
        let q = vector_query();
        let all = vector_headers();
        let host_date = pairs(&[("Host", "bj.bcebos.com"), ("x-bce-date", TS)]);
        type Pairs = [(String, String)];
        let cases: &[(&Pairs, &Pairs, &str, &str)] = &[
            // #1: every header of the example signed.
            (
                &q,
                &all,
                "content-length;content-md5;content-type;host;x-bce-date",
                "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e",
            ),
            // #2: only host and x-bce-date signed.
            (
                &q,
                &host_date,
                "host;x-bce-date",
                "1b8de5a23a56eef657c69f94c621e7acd227d049a4ba577f537d5e5cebf0cf32",
            ),
            // #3: no query parameters.
            (
                &[],
                &all,
                "content-length;content-md5;content-type;host;x-bce-date",
                "0558aac491bbef484d3aaa30ac1e65d4ff10daccd351f15c91e922ee4ce72690",
            ),
        ];
        for (query, headers, signed, sig) in cases {
            assert_eq!(
                authorization(&input(query, headers)),
                format!("bce-auth-v1/{AK}/{TS}/1800/{signed}/{sig}")
            );
        }
    }

    #[test]
    fn canonical_query_string_matches_doc_example() {
        let q = pairs(&[("text", ""), ("text1", "测试"), ("text10", "test")]);
        assert_eq!(
            canonical_query_string(&q),
            "text10=test&text1=%E6%B5%8B%E8%AF%95&text="
        );
        // The authorization parameter itself is never signed.
        let q = pairs(&[("b", "1"), ("Authorization", "x"), ("a", "2")]);
        assert_eq!(canonical_query_string(&q), "a=2&b=1");
    }

    #[test]
    fn uri_encoding_table() {
        let cases = [
            ("abcXYZ019-_.~", true, "abcXYZ019-_.~"),
            ("a b", true, "a%20b"),
            ("/v2/image", true, "%2Fv2%2Fimage"),
            ("/v2/image", false, "/v2/image"),
            ("x=y&z", true, "x%3Dy%26z"),
            ("测", true, "%E6%B5%8B"),
        ];
        for (raw, encode_slash, want) in cases {
            assert_eq!(uri_encode(raw, encode_slash), want, "{raw}");
        }
    }

    #[test]
    fn canonical_uri_table() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("/v2/image", "/v2/image"),
            (
                "/v2/image/getAvailableImagesBySpec",
                "/v2/image/getAvailableImagesBySpec",
            ),
            ("/a b/c", "/a%20b/c"),
        ];
        for (path, want) in cases {
            assert_eq!(canonical_uri(path), want, "{path}");
        }
    }

    #[test]
    fn canonical_headers_trims_lowercases_and_drops_empty() {
        let h = pairs(&[
            ("X-Bce-Date", " 2015-04-27T08:23:49Z "),
            ("Host", "bcc.bj.baidubce.com:8443"),
            ("content-md5", "  "),
        ]);
        let (canonical, signed) = canonical_headers(&h);
        assert_eq!(
            canonical,
            "host:bcc.bj.baidubce.com%3A8443\nx-bce-date:2015-04-27T08%3A23%3A49Z"
        );
        assert_eq!(signed, "host;x-bce-date");
    }
}
