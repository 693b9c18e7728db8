//! Helpers shared by the three wire models: decoding a body into a serde struct (a failure becomes a
//! `MalformedResponse` error with a short excerpt), lenient scalar deserializers for fields that
//! clouds send sometimes as numbers and sometimes as strings, and timestamp parsing.
//! Knows no particular cloud and nothing of Terraform.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::{CloudError, ErrorKind};
use super::untrusted;

/// The most of a decoding error quoted in a `MalformedResponse` message.
const WHAT_CAP: usize = 256;

/// A text field of a listed image. Ids, types, versions and states (up to 24 bytes) are stored inline,
/// without an allocation each: a listing holds thousands of images for the provider process's life.
pub type Text = compact_str::CompactString;

/// An optional wire string as a [`Text`], empty when absent.
pub fn text(s: Option<String>) -> Text {
    s.map(Text::from).unwrap_or_default()
}
use super::http::{ApiCall, HttpResponse};

/// Decodes `resp.body` as JSON into `T`, or a `MalformedResponse` error naming what was wrong and
/// quoting the start of the body.
pub fn decode<T: DeserializeOwned>(call: &ApiCall, resp: &HttpResponse) -> Result<T, CloudError> {
    serde_json::from_slice(&resp.body).map_err(|e| malformed(call, resp, &e.to_string()))
}

/// A `MalformedResponse` error for `resp`, with `what` and a body excerpt. `what` may quote the body (a
/// serde error names the string it did not expect), so it is neutralised and kept short.
pub fn malformed(call: &ApiCall, resp: &HttpResponse, what: &str) -> CloudError {
    call.error(
        ErrorKind::MalformedResponse,
        format!(
            "unexpected {} response ({}); body starts: {}",
            call.action,
            untrusted::line(what, WHAT_CAP),
            resp.body_excerpt()
        ),
    )
    .with_status(resp.status)
    .with_request_id(body_request_id(&resp.body))
}

/// A request id quoted in a body that could not be decoded (`"RequestId": "…"` or `"requestId": "…"`,
/// as Tencent and Baidu write them), so even a cut or misshapen answer can be traced. Only ids made
/// of letters, digits, `-`, `_` and `.` (at most 128) are taken.
pub fn body_request_id(body: &[u8]) -> Option<String> {
    // The legacy Tencent API writes `RequestID`.
    const KEYS: [&[u8]; 3] = [b"\"RequestId\"", b"\"requestId\"", b"\"RequestID\""];
    for key in KEYS {
        let mut from = 0;
        while let Some(pos) = find(&body[from..], key) {
            let after = from + pos + key.len();
            if let Some(id) = quoted_value(&body[after..]) {
                return Some(id);
            }
            from = after;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `<ws>:<ws>"value"` at the start of `rest`.
fn quoted_value(rest: &[u8]) -> Option<String> {
    let mut i = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[i] != b':' {
        return None;
    }
    i += 1;
    i += rest[i..].iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[i] != b'"' {
        return None;
    }
    let value = &rest[i + 1..];
    let end = value.iter().position(|&b| b == b'"')?;
    let id = &value[..end];
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| String::from_utf8_lossy(id).into_owned())
}

/// A string field that may be absent, null, a string, a number or a bool (rendered as text).
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// An integer field that may be absent, null, a number or a numeric string.
pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("number {n} is not an integer"))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{s:?} is not an integer"))),
        Some(other) => Err(D::Error::custom(format!(
            "expected an integer, got {other}"
        ))),
    }
}

/// A boolean field that may be absent, null, a bool or the strings "true"/"false".
pub fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(D::Error::custom(format!("expected a boolean, got {other}"))),
    }
}

/// A list of strings that may be absent or null (→ empty); non-string items are skipped.
pub fn lenient_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// Parses the timestamp shapes the clouds use: RFC 3339 (`2015-06-17T10:37:02Z`,
/// `1970-01-01T00:00:00+00:00`) or `YYYY-MM-DD HH:MM:SS` (taken as UTC). Anything else is `None`:
/// an odd date should not fail a whole listing.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// Unix seconds → UTC time (`None` when out of range).
pub fn from_unix(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// A creation time as the images' attributes and ordering take it: the Unix epoch itself is how the
/// clouds say they do not know (the legacy Tencent API reports public images as created at
/// `1970-01-01T00:00:00+00:00`, seed 003), so it is `None`, like an absent or unparsable time.
pub fn known_time(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.filter(|t| t.timestamp() != 0)
}

/// `Some(s)` only for a non-empty string.
pub fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_in_broken_bodies() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (
                br#"{"Response":{"ImageSet":"none","RequestId":"mock-0007"}}"#,
                Some("mock-0007"),
            ),
            (
                br#"{"code":"X","requestId" : "ab-12.c_d"} trailing"#,
                Some("ab-12.c_d"),
            ),
            (br#"{"Response":{"ImageSet":[{"Image"#, None),
            (br#"{"RequestId":"#, None),
            (br#"{"RequestId": 17, "requestId": "later"}"#, Some("later")),
            (br#"{"RequestId":"has space"}"#, None),
            (br#"{"RequestId":""}"#, None),
            (b"<html>RequestId</html>", None),
            (b"", None),
        ];
        for (body, want) in cases {
            assert_eq!(
                body_request_id(body).as_deref(),
                *want,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Probe {
        #[serde(default, deserialize_with = "lenient_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "lenient_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "lenient_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "lenient_strings")]
        l: Vec<String>,
    }

    fn probe(json: &str) -> Result<Probe, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn lenient_fields() {
        let ok = |n, s: Option<&str>, b, l: &[&str]| {
            Ok(Probe {
                n,
                s: s.map(str::to_string),
                b,
                l: l.iter().map(|x| x.to_string()).collect(),
            })
        };
        let cases = [
            (r#"{}"#, ok(None, None, None, &[])),
            (
                r#"{"n":null,"s":null,"b":null,"l":null}"#,
                ok(None, None, None, &[]),
            ),
            (
                r#"{"n":20,"s":"x","b":true,"l":["a","b"]}"#,
                ok(Some(20), Some("x"), Some(true), &["a", "b"]),
            ),
            (
                r#"{"n":"20","s":5,"b":"false","l":[1,null,"c"]}"#,
                ok(Some(20), Some("5"), Some(false), &["1", "c"]),
            ),
            (r#"{"n":20.0}"#, ok(Some(20), None, None, &[])),
            (r#"{"n":""}"#, ok(None, None, None, &[])),
        ];
        for (json, want) in cases {
            assert_eq!(probe(json), want, "{json}");
        }
        for bad in [
            r#"{"n":"abc"}"#,
            r#"{"n":1.5}"#,
            r#"{"n":[1]}"#,
            r#"{"b":"yes"}"#,
            r#"{"n":1e300}"#,
        ] {
            assert!(probe(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times() {
        let cases = [
            ("2015-06-17T10:37:02Z", Some(1434537422)),
            ("1970-01-01T00:00:00+00:00", Some(0)),
            ("2019-01-01T08:00:00+08:00", Some(1546300800)),
            ("2019-01-01 00:00:00", Some(1546300800)),
            ("", None),
            ("yesterday", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_time(raw).map(|t| t.timestamp()), want, "{raw}");
        }
        assert_eq!(
            from_unix(1546300800).map(|t| t.to_rfc3339()),
            Some("2019-01-01T00:00:00+00:00".into())
        );
        assert_eq!(from_unix(i64::MAX), None);
        for unknown in [
            "1970-01-01T00:00:00+00:00",
            "1970-01-01T00:00:00Z",
            "1970-01-01 00:00:00",
        ] {
            assert_eq!(known_time(parse_time(unknown)), None, "{unknown}");
        }
        assert_eq!(known_time(from_unix(0)), None);
        assert_eq!(
            known_time(from_unix(1)).map(|t| t.timestamp()),
            Some(1),
            "a second after the epoch is a time"
        );
    }
}
