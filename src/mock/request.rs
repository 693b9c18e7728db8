//! A received HTTP request reduced to what the emulated APIs look at: method, path, raw query,
//! headers and a size-capped body, plus parsing helpers (query/form pairs, Host). Knows nothing of
//! any cloud.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

/// Largest request body the emulator reads (Tencent's own limit for v1 POST bodies is 1 MB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub method: Method,
    /// Percent-decoded path.
    pub path: String,
    /// The query string exactly as received (no leading `?`).
    pub raw_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Incoming {
    /// First value of a header as text (names are case-insensitive); `None` if absent or not UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The Host header as received (HTTP/1.1 always carries it).
    pub fn host(&self) -> &str {
        self.header("host").unwrap_or("")
    }

    /// Decoded query pairs in received order (`+` is a space, as in forms).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        parse_pairs(self.raw_query.as_bytes())
    }

    /// Decoded `application/x-www-form-urlencoded` body pairs; empty unless the body is a form.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        let is_form = self
            .header("content-type")
            .map(|ct| {
                ct.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
            .unwrap_or(false);
        if is_form {
            parse_pairs(&self.body)
        } else {
            Vec::new()
        }
    }

    /// The parameters a form-style API (UCloud, Tencent legacy) sees: for POST, the form body plus
    /// any query parameter whose key the body lacks (SDKs repeat `Action` in the query, and that copy
    /// is not part of what was signed); for other methods, the query.
    pub fn params(&self) -> Vec<(String, String)> {
        if self.method == Method::POST {
            let mut params = self.form_pairs();
            for (k, v) in self.query_pairs() {
                if !params.iter().any(|(pk, _)| *pk == k) {
                    params.push((k, v));
                }
            }
            params
        } else {
            self.query_pairs()
        }
    }
}

/// Decodes `k=v&k2=v2`; malformed escapes are kept literally (lossy, never an error).
pub fn parse_pairs(input: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(input)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of the first pair named `key`.
pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(method: Method, query: &str, ct: Option<&str>, body: &str) -> Incoming {
        let mut headers = HeaderMap::new();
        if let Some(ct) = ct {
            headers.insert("content-type", ct.parse().expect("static header"));
        }
        Incoming {
            method,
            path: "/".into(),
            raw_query: query.into(),
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn post_form_wins_over_query_copy() {
        let r = incoming(
            Method::POST,
            "Action=DescribeImage&Extra=1",
            Some("application/x-www-form-urlencoded"),
            "Action=DescribeImage&Region=cn-bj2&Name=a%2Bb+c",
        );
        let p = r.params();
        assert_eq!(p.iter().filter(|(k, _)| k == "Action").count(), 1);
        assert_eq!(param(&p, "Name"), Some("a+b c"));
        assert_eq!(param(&p, "Extra"), Some("1"));
    }

    #[test]
    fn json_body_is_not_a_form() {
        let r = incoming(Method::POST, "", Some("application/json"), "a=b");
        assert!(r.form_pairs().is_empty());
    }

    #[test]
    fn get_uses_query() {
        let r = incoming(Method::GET, "A=1&B=%E6%B5%8B", None, "");
        assert_eq!(
            r.params(),
            vec![("A".into(), "1".into()), ("B".into(), "测".into())]
        );
    }
}
