//! Fault rules: what to break, for which requests, how many times. Set at start-up (`--fault SPEC`)
//! or at run time (`/_mock/faults`, JSON) and shared by all clouds. This module only chooses a
//! rule for a request; `fault_replies` builds what the rule sends. Knows nothing of catalogues
//! or signatures.

use serde::{Deserialize, Serialize};

use super::api::{Api, Shape};
use super::credentials::Cloud;

/// What a rule does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The cloud's own throttle answer: Baidu 429 + BCE body (`RequestRateLimitExceeded`); UCloud
    /// HTTP 200 + RetCode 2001 (HTTP 429 with `status=429`); Tencent 200 + `RequestLimitExceeded`.
    Throttle,
    /// HTTP `status` (default 503) with the cloud's error body.
    HttpError,
    /// Wait `ms` (default 2000) before answering normally.
    Slow,
    /// The normal answer cut in half (valid HTTP, broken JSON).
    Truncated,
    /// An HTML page with HTTP `status` (default 200), as a misconfigured proxy sends.
    Html,
    /// Valid JSON of the wrong shape (strings for numbers, objects for lists).
    WrongShape,
    /// Half of the normal answer, then the connection is dropped.
    Reset,
    /// A `mib` MiB (default 16) JSON body, streamed with its `Content-Length` (a client can refuse it
    /// unread).
    Oversized,
    /// Like `oversized`, but chunked, without a `Content-Length`: a client finds out only by reading.
    OversizedChunked,
    /// Every page of a listing is a valid answer whose images carry `mib` MiB (default 4) of description
    /// text in all (split evenly; the Baidu spec API, which has no description, gets it in `imageName`),
    /// sent with a `Content-Length`. Pages stay within a body cap while the listing grows past any
    /// memory budget.
    HugePages,
    /// UCloud/Tencent only: every page claims a `TotalCount` of `by` (default 1,000,000) and holds 1
    /// image, as a broken server that ignores `Limit` might.
    AbsurdTotal,
    /// Baidu only: `nextMarker` repeats the page's own marker while `isTruncated` stays true.
    RepeatMarker,
    /// UCloud/Tencent only, pages with `Offset > 0`: `TotalCount` and the listing lose `by` (default
    /// 5) images, as if images were deleted between pages.
    ShrinkTotal,
    /// The cloud's own error envelope whose code, message and request id carry terminal controls (ANSI
    /// clear screen, BEL), CR/LF and a forged `Error:` line, and bidi overrides; the message padded to
    /// `mib` MiB when given (at most 64).
    HostileText,
    /// A valid one-page listing of three images whose ids and names carry [`HostileText`]'s controls
    /// (`mib`: the first name padded to that many MiB, at most 64), as if the catalogue itself were
    /// hostile. Ignores the query.
    ///
    /// [`HostileText`]: FaultKind::HostileText
    HostileNames,
}

impl FaultKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FaultKind::Throttle => "throttle",
            FaultKind::HttpError => "http_error",
            FaultKind::Slow => "slow",
            FaultKind::Truncated => "truncated",
            FaultKind::Html => "html",
            FaultKind::WrongShape => "wrong_shape",
            FaultKind::Reset => "reset",
            FaultKind::Oversized => "oversized",
            FaultKind::OversizedChunked => "oversized_chunked",
            FaultKind::HugePages => "huge_pages",
            FaultKind::AbsurdTotal => "absurd_total",
            FaultKind::RepeatMarker => "repeat_marker",
            FaultKind::ShrinkTotal => "shrink_total",
            FaultKind::HostileText => "hostile_text",
            FaultKind::HostileNames => "hostile_names",
        }
    }

    fn parse(s: &str) -> Option<FaultKind> {
        let all = [
            FaultKind::Throttle,
            FaultKind::HttpError,
            FaultKind::Slow,
            FaultKind::Truncated,
            FaultKind::Html,
            FaultKind::WrongShape,
            FaultKind::Reset,
            FaultKind::Oversized,
            FaultKind::OversizedChunked,
            FaultKind::HugePages,
            FaultKind::AbsurdTotal,
            FaultKind::RepeatMarker,
            FaultKind::ShrinkTotal,
            FaultKind::HostileText,
            FaultKind::HostileNames,
        ];
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        let norm = if norm == "http" {
            "http_error".to_string()
        } else {
            norm
        };
        all.into_iter().find(|k| k.as_str() == norm)
    }
}

/// Which requests a rule applies to: a cloud, or one Tencent API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    #[serde(rename = "baidu")]
    Baidu,
    #[serde(rename = "ucloud")]
    Ucloud,
    #[serde(rename = "tencent")]
    Tencent,
    #[serde(rename = "tencent-legacy")]
    TencentLegacy,
    #[serde(rename = "tencent-v3")]
    TencentV3,
}

impl Target {
    fn parse(s: &str) -> Option<Target> {
        match s.trim().to_ascii_lowercase().as_str() {
            "baidu" => Some(Target::Baidu),
            "ucloud" => Some(Target::Ucloud),
            "tencent" => Some(Target::Tencent),
            "tencent-legacy" | "legacy" => Some(Target::TencentLegacy),
            "tencent-v3" | "v3" => Some(Target::TencentV3),
            _ => None,
        }
    }

    fn matches(&self, api: Api) -> bool {
        match self {
            Target::Baidu => api.cloud() == Cloud::Baidu,
            Target::Ucloud => api.cloud() == Cloud::Ucloud,
            Target::Tencent => api.cloud() == Cloud::Tencent,
            Target::TencentLegacy => api == Api::TencentLegacy,
            Target::TencentV3 => api == Api::TencentV3,
        }
    }
}

/// One fault rule. Absent selectors match everything; `times` absent means always.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<Target>,
    /// Exact action: `ListImages`, `GetAvailableImagesBySpec`, `DescribeImage`, `DescribeImages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Apply to the next N matching requests; absent = every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// `http_error` / `html` / UCloud `throttle`: the HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `slow`: delay in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// `oversized`, `oversized_chunked`: body size in MiB; `huge_pages`: description text per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mib: Option<u64>,
    /// `shrink_total`: how many images vanish; `absurd_total`: the `TotalCount` claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<u64>,
    /// `throttle` / `http_error`: the error code to send instead of the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `throttle` / `http_error`: a `Retry-After` header, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Upper bounds that keep a rule from hurting the machine running the tests.
const MAX_SLOW_MS: u64 = 600_000;
const MAX_OVERSIZED_MIB: u64 = 1024;
/// `hostile_text` and `hostile_names` build their padded text in memory.
const MAX_HOSTILE_MIB: u64 = 64;

/// A rule that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultError {
    #[error("unknown fault kind {0:?}")]
    UnknownKind(String),
    #[error("unknown fault option {0:?}")]
    UnknownKey(String),
    #[error("bad value {value:?} for fault option {key}")]
    BadValue { key: String, value: String },
    #[error("{0}")]
    Invalid(String),
    #[error("invalid fault json: {0}")]
    Json(String),
}

impl FaultRule {
    /// A rule of `kind` matching everything, always.
    pub fn new(kind: FaultKind) -> FaultRule {
        FaultRule {
            kind,
            cloud: None,
            action: None,
            times: None,
            status: None,
            ms: None,
            mib: None,
            by: None,
            code: None,
            retry_after: None,
        }
    }

    /// Parses the CLI form `KIND[,key=value...]` (e.g. `throttle,cloud=tencent,times=2`,
    /// `http_error,status=502`, `slow,ms=1500`) or, when it starts with `{`, the JSON form.
    pub fn parse_spec(spec: &str) -> Result<FaultRule, FaultError> {
        let spec = spec.trim();
        if spec.starts_with('{') {
            let rule: FaultRule =
                serde_json::from_str(spec).map_err(|e| FaultError::Json(e.to_string()))?;
            rule.validate()?;
            return Ok(rule);
        }
        let mut parts = spec.split(',');
        let kind_text = parts.next().unwrap_or("");
        let kind = FaultKind::parse(kind_text)
            .ok_or_else(|| FaultError::UnknownKind(kind_text.to_string()))?;
        let mut rule = FaultRule::new(kind);
        for part in parts.filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let (key, value) = (key.trim(), value.trim());
            let bad = || FaultError::BadValue {
                key: key.to_string(),
                value: value.to_string(),
            };
            let num = || value.parse::<u64>().map_err(|_| bad());
            match key {
                "cloud" => rule.cloud = Some(Target::parse(value).ok_or_else(bad)?),
                "action" => rule.action = Some(value.to_string()),
                "times" => rule.times = Some(value.parse().map_err(|_| bad())?),
                "status" => rule.status = Some(value.parse().map_err(|_| bad())?),
                "ms" => rule.ms = Some(num()?),
                "mib" => rule.mib = Some(num()?),
                "by" => rule.by = Some(num()?),
                "code" => rule.code = Some(value.to_string()),
                "retry_after" | "retry-after" => rule.retry_after = Some(num()?),
                _ => return Err(FaultError::UnknownKey(key.to_string())),
            }
        }
        rule.validate()?;
        Ok(rule)
    }

    /// Checks the options make sense for the kind.
    pub fn validate(&self) -> Result<(), FaultError> {
        if let Some(s) = self.status {
            if !(100..=599).contains(&s) {
                return Err(FaultError::Invalid(format!(
                    "status {s} is not an http status"
                )));
            }
        }
        if self.ms.unwrap_or(0) > MAX_SLOW_MS {
            return Err(FaultError::Invalid(format!(
                "ms is capped at {MAX_SLOW_MS}"
            )));
        }
        if matches!(self.kind, FaultKind::HostileText | FaultKind::HostileNames)
            && self.mib.unwrap_or(0) > MAX_HOSTILE_MIB
        {
            return Err(FaultError::Invalid(format!(
                "{}: mib is capped at {MAX_HOSTILE_MIB}",
                self.kind.as_str()
            )));
        }
        if self.mib.unwrap_or(0) > MAX_OVERSIZED_MIB {
            return Err(FaultError::Invalid(format!(
                "mib is capped at {MAX_OVERSIZED_MIB}"
            )));
        }
        match (self.kind, self.cloud) {
            (FaultKind::RepeatMarker, Some(c)) if c != Target::Baidu => Err(FaultError::Invalid(
                "repeat_marker applies to baidu only".into(),
            )),
            (FaultKind::ShrinkTotal, Some(Target::Baidu)) => Err(FaultError::Invalid(
                "shrink_total applies to offset-paged apis only".into(),
            )),
            (FaultKind::AbsurdTotal, Some(Target::Baidu)) => Err(FaultError::Invalid(
                "absurd_total applies to offset-paged apis only".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Whether this rule applies to a request of this shape.
    pub fn matches(&self, shape: &Shape) -> bool {
        let applicable = match self.kind {
            FaultKind::RepeatMarker => shape.api.cloud() == Cloud::Baidu,
            FaultKind::ShrinkTotal => shape.api.offset_paged() && shape.offset.unwrap_or(0) > 0,
            FaultKind::AbsurdTotal => shape.api.offset_paged(),
            _ => true,
        };
        applicable
            && self.cloud.is_none_or(|c| c.matches(shape.api))
            && self.action.as_deref().is_none_or(|a| a == shape.action)
    }
}

/// The fault configuration: a global latency plus ordered rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultConfig {
    /// Added to every cloud request before it is answered.
    #[serde(default)]
    pub latency_ms: u64,
    /// Tried in order; the first match with uses left is applied and uses one up.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultConfig {
    pub fn validate(&self) -> Result<(), FaultError> {
        if self.latency_ms > MAX_SLOW_MS {
            return Err(FaultError::Invalid(format!(
                "latency_ms is capped at {MAX_SLOW_MS}"
            )));
        }
        self.rules.iter().try_for_each(FaultRule::validate)
    }

    /// Picks the rule for a request and uses one of its `times`; exhausted rules are removed.
    pub fn take(&mut self, shape: &Shape) -> Option<FaultRule> {
        let idx = self.rules.iter().position(|r| r.matches(shape))?;
        let rule = self.rules[idx].clone();
        if let Some(t) = self.rules[idx].times.as_mut() {
            *t = t.saturating_sub(1);
            if *t == 0 {
                self.rules.remove(idx);
            }
        }
        Some(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(api: Api, action: &str, offset: Option<u64>) -> Shape {
        Shape {
            api,
            action: action.into(),
            offset,
        }
    }

    #[test]
    fn parses_cli_specs() {
        let cases: &[(&str, Result<FaultRule, FaultError>)] = &[
            ("throttle", Ok(FaultRule::new(FaultKind::Throttle))),
            (
                "throttle,cloud=tencent,times=2",
                Ok(FaultRule {
                    cloud: Some(Target::Tencent),
                    times: Some(2),
                    ..FaultRule::new(FaultKind::Throttle)
                }),
            ),
            (
                "http,status=502",
                Ok(FaultRule {
                    status: Some(502),
                    ..FaultRule::new(FaultKind::HttpError)
                }),
            ),
            (
                "slow,ms=1500",
                Ok(FaultRule {
                    ms: Some(1500),
                    ..FaultRule::new(FaultKind::Slow)
                }),
            ),
            (
                "wrong-shape,cloud=v3",
                Ok(FaultRule {
                    cloud: Some(Target::TencentV3),
                    ..FaultRule::new(FaultKind::WrongShape)
                }),
            ),
            (
                r#"{"kind":"oversized","mib":2}"#,
                Ok(FaultRule {
                    mib: Some(2),
                    ..FaultRule::new(FaultKind::Oversized)
                }),
            ),
            ("explode", Err(FaultError::UnknownKind("explode".into()))),
            ("slow,when=now", Err(FaultError::UnknownKey("when".into()))),
            (
                "slow,ms=soon",
                Err(FaultError::BadValue {
                    key: "ms".into(),
                    value: "soon".into(),
                }),
            ),
            (
                "repeat_marker,cloud=ucloud",
                Err(FaultError::Invalid(
                    "repeat_marker applies to baidu only".into(),
                )),
            ),
            (
                "oversized,mib=999999",
                Err(FaultError::Invalid("mib is capped at 1024".into())),
            ),
            (
                "hostile_text,cloud=tencent,mib=10",
                Ok(FaultRule {
                    cloud: Some(Target::Tencent),
                    mib: Some(10),
                    ..FaultRule::new(FaultKind::HostileText)
                }),
            ),
            (
                "hostile_names,cloud=baidu,mib=1",
                Ok(FaultRule {
                    cloud: Some(Target::Baidu),
                    mib: Some(1),
                    ..FaultRule::new(FaultKind::HostileNames)
                }),
            ),
            (
                "hostile-text,mib=65",
                Err(FaultError::Invalid(
                    "hostile_text: mib is capped at 64".into(),
                )),
            ),
            (
                "huge_pages,cloud=baidu,mib=6",
                Ok(FaultRule {
                    cloud: Some(Target::Baidu),
                    mib: Some(6),
                    ..FaultRule::new(FaultKind::HugePages)
                }),
            ),
            (
                "huge-pages,mib=2000",
                Err(FaultError::Invalid("mib is capped at 1024".into())),
            ),
            (
                "absurd_total,cloud=ucloud,by=5000000",
                Ok(FaultRule {
                    cloud: Some(Target::Ucloud),
                    by: Some(5_000_000),
                    ..FaultRule::new(FaultKind::AbsurdTotal)
                }),
            ),
            (
                "absurd_total,cloud=baidu",
                Err(FaultError::Invalid(
                    "absurd_total applies to offset-paged apis only".into(),
                )),
            ),
            (
                "oversized_chunked,mib=9,times=2",
                Ok(FaultRule {
                    mib: Some(9),
                    times: Some(2),
                    ..FaultRule::new(FaultKind::OversizedChunked)
                }),
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(&FaultRule::parse_spec(spec), want, "{spec}");
        }
        assert!(matches!(
            FaultRule::parse_spec(r#"{"kind":"slow","bogus":1}"#),
            Err(FaultError::Json(_))
        ));
    }

    #[test]
    fn first_match_is_used_up() {
        let mut cfg = FaultConfig {
            latency_ms: 0,
            rules: vec![
                FaultRule {
                    cloud: Some(Target::Baidu),
                    times: Some(2),
                    ..FaultRule::new(FaultKind::Throttle)
                },
                FaultRule {
                    action: Some("DescribeImages".into()),
                    ..FaultRule::new(FaultKind::Slow)
                },
            ],
        };
        let b = shape(Api::BaiduImages, "ListImages", None);
        let t = shape(Api::TencentV3, "DescribeImages", Some(0));
        assert_eq!(cfg.take(&t).map(|r| r.kind), Some(FaultKind::Slow));
        assert_eq!(cfg.take(&b).map(|r| r.kind), Some(FaultKind::Throttle));
        assert_eq!(cfg.take(&b).map(|r| r.kind), Some(FaultKind::Throttle));
        assert_eq!(cfg.take(&b), None);
        assert_eq!(cfg.rules.len(), 1);
        assert_eq!(cfg.take(&t).map(|r| r.kind), Some(FaultKind::Slow));
    }

    #[test]
    fn paging_faults_only_where_they_mean_something() {
        let shrink = FaultRule::new(FaultKind::ShrinkTotal);
        assert!(!shrink.matches(&shape(Api::Ucloud, "DescribeImage", Some(0))));
        assert!(shrink.matches(&shape(Api::Ucloud, "DescribeImage", Some(100))));
        assert!(!shrink.matches(&shape(Api::BaiduImages, "ListImages", None)));
        let repeat = FaultRule::new(FaultKind::RepeatMarker);
        assert!(repeat.matches(&shape(
            Api::BaiduSpecImages,
            "GetAvailableImagesBySpec",
            None
        )));
        assert!(!repeat.matches(&shape(Api::TencentLegacy, "DescribeImages", Some(20))));
        let absurd = FaultRule::new(FaultKind::AbsurdTotal);
        assert!(absurd.matches(&shape(Api::Ucloud, "DescribeImage", Some(0))));
        assert!(absurd.matches(&shape(Api::TencentV3, "DescribeImages", Some(300))));
        assert!(!absurd.matches(&shape(Api::BaiduImages, "ListImages", None)));
        let huge = FaultRule::new(FaultKind::HugePages);
        assert!(huge.matches(&shape(
            Api::BaiduSpecImages,
            "GetAvailableImagesBySpec",
            None
        )));
        assert!(huge.matches(&shape(Api::TencentLegacy, "DescribeImages", Some(0))));
    }
}
