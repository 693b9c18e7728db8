//! Pure decisions about failed calls: which [`ErrorKind`] a cloud's error code means, whether a failure
//! is worth retrying, and how long to wait before the next attempt (exponential backoff, full jitter,
//! `Retry-After` honoured but capped).
//!
//! No IO, no clock, no randomness of its own (the caller passes a uniform sample), so every decision is
//! a table-driven unit test. Code lists come from CLOUD-FACTS §B5; this module knows nothing of HTTP
//! clients or Terraform.

use std::time::Duration;

use super::error::{Cloud, CloudError, ErrorKind};

/// Backoff timing. Defaults: base 200 ms, cap 5 s, `Retry-After` capped at 10 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Upper bound of the first retry's delay; doubles per retry.
    pub base: Duration,
    /// Upper bound of any jittered delay.
    pub cap: Duration,
    /// Upper bound of a server-requested `Retry-After` wait.
    pub retry_after_cap: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(10),
        }
    }
}

/// Environment variables that tune [`BackoffPolicy`] (milliseconds). Meant for tests and soak runs
/// against the local emulator, where waiting the production 200 ms–5 s per retry only slows the
/// run down; users have no reason to set them.
pub const BACKOFF_BASE_ENV: &str = "CLOUDIMAGE_BACKOFF_BASE_MS";
/// See [`BACKOFF_BASE_ENV`].
pub const BACKOFF_CAP_ENV: &str = "CLOUDIMAGE_BACKOFF_CAP_MS";
/// Upper bound for either variable, so a typo cannot stall every retry for hours.
const MAX_BACKOFF_ENV_MS: u64 = 60_000;

impl BackoffPolicy {
    /// The default policy with `base`/`cap` replaced by [`BACKOFF_BASE_ENV`]/[`BACKOFF_CAP_ENV`]
    /// when `env` has them as whole milliseconds (at most 60 000); anything else is ignored. A base
    /// above the cap is lowered to the cap.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> BackoffPolicy {
        let ms = |name: &str| {
            env(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&n| n <= MAX_BACKOFF_ENV_MS)
                .map(Duration::from_millis)
        };
        let mut policy = BackoffPolicy::default();
        if let Some(cap) = ms(BACKOFF_CAP_ENV) {
            policy.cap = cap;
        }
        if let Some(base) = ms(BACKOFF_BASE_ENV) {
            policy.base = base;
        }
        policy.base = policy.base.min(policy.cap);
        policy
    }
}

/// The delay before retry number `retry` (0 for the first retry). `unit` is a uniform sample in
/// `[0, 1)`; out-of-range samples are clamped. A server's `Retry-After` wins over the jittered
/// delay, but never beyond `retry_after_cap`.
pub fn backoff_delay(
    policy: &BackoffPolicy,
    retry: u32,
    retry_after: Option<Duration>,
    unit: f64,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(policy.retry_after_cap);
    }
    // 2^retry saturates long before u32 overflow matters; the cap bounds the result anyway.
    let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
    let ceiling = policy.base.saturating_mul(factor).min(policy.cap);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ceiling.mul_f64(unit)
}

/// HTTP statuses that are transient whatever the body says.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether `err` is worth another attempt (the attempt budget is the caller's business).
pub fn should_retry(err: &CloudError) -> bool {
    match err.kind() {
        ErrorKind::Cancelled
        | ErrorKind::InvalidRequest
        | ErrorKind::Config
        | ErrorKind::Paging
        | ErrorKind::TooLarge
        | ErrorKind::OverBudget => false,
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Throttled => true,
        _ => {
            err.status().is_some_and(is_retryable_status)
                || err
                    .code()
                    .is_some_and(|code| is_retryable_code(err.cloud(), code))
        }
    }
}

/// The cloud's transient error codes (retried even on HTTP 200).
pub fn is_retryable_code(cloud: Cloud, code: &str) -> bool {
    match cloud {
        // bce-sdk-go retries InternalError (500) and RequestExpired (the request is re-signed with a
        // fresh timestamp on each attempt, so a retry can succeed).
        Cloud::Baidu => matches!(
            code,
            "InternalError" | "RequestExpired" | "ServiceUnavailable"
        ),
        // ucloud-sdk-go retries every RetCode >= 2000.
        Cloud::UCloud => code.parse::<i64>().is_ok_and(|n| n >= 2000),
        Cloud::Tencent => {
            code.starts_with("RequestLimitExceeded")
                || code == "InternalError"
                || code.starts_with("InternalError.")
                || matches!(
                    code,
                    "ResourceUnavailable" | "ResourceBusy" | "ClientError.NetworkError"
                )
                // Legacy numeric codes: 4400 quota/rate exceeded, 4500 replayed nonce (a retry
                // sends a new one), 6000 internal server error.
                || matches!(code, "4400" | "4500" | "6000")
        }
    }
}

/// The kind of an error the cloud reported with `status` and `code`.
pub fn classify(cloud: Cloud, status: Option<u16>, code: Option<&str>) -> ErrorKind {
    if let Some(code) = code {
        if is_auth_code(cloud, code) {
            return ErrorKind::Auth;
        }
        if is_throttle_code(cloud, code) {
            return ErrorKind::Throttled;
        }
    }
    match status {
        Some(429) => ErrorKind::Throttled,
        Some(401 | 403) => ErrorKind::Auth,
        _ => ErrorKind::Api,
    }
}

fn is_auth_code(cloud: Cloud, code: &str) -> bool {
    match cloud {
        Cloud::Baidu => matches!(
            code,
            "AccessDenied"
                | "InvalidAccessKeyId"
                | "InvalidHTTPAuthHeader"
                | "SignatureDoesNotMatch"
                | "RequestExpired"
                | "InvalidSessionToken"
        ),
        // 171: "Signature VerifyAC Error" (bad key pair or signature).
        Cloud::UCloud => code == "171",
        Cloud::Tencent => {
            code.starts_with("AuthFailure")
                || code.starts_with("UnauthorizedOperation")
                // Legacy numeric codes: 41xx authentication/authorisation, 4200 expired, 4300 denied.
                || code.parse::<i64>().is_ok_and(|n| (4100..4200).contains(&n) || n == 4200 || n == 4300)
        }
    }
}

fn is_throttle_code(cloud: Cloud, code: &str) -> bool {
    match cloud {
        // BCE documents no throttling code; 429 is classified from the status.
        Cloud::Baidu => false,
        Cloud::UCloud => false,
        Cloud::Tencent => code.starts_with("RequestLimitExceeded") || code == "4400",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(cloud: Cloud, kind: ErrorKind, status: Option<u16>, code: Option<&str>) -> CloudError {
        let mut e = CloudError::new(cloud, "Test", kind, "m");
        if let Some(s) = status {
            e = e.with_status(s);
        }
        if let Some(c) = code {
            e = e.with_code(c);
        }
        e
    }

    #[test]
    fn retry_decisions() {
        use Cloud::*;
        use ErrorKind::*;
        type Case = (Cloud, ErrorKind, Option<u16>, Option<&'static str>, bool);
        let cases: &[Case] = &[
            (Baidu, Network, None, None, true),
            (Baidu, Timeout, None, None, true),
            (
                Tencent,
                Throttled,
                Some(200),
                Some("RequestLimitExceeded"),
                true,
            ),
            (Baidu, Cancelled, None, None, false),
            (Baidu, InvalidRequest, None, None, false),
            (Baidu, Paging, None, None, false),
            (Baidu, TooLarge, Some(200), None, false),
            (Baidu, Api, Some(429), None, true),
            (Baidu, Api, Some(500), Some("InternalError"), true),
            (Baidu, Api, Some(502), None, true),
            (Baidu, Api, Some(503), None, true),
            (Baidu, Api, Some(504), None, true),
            (Baidu, Api, Some(501), None, false),
            (Baidu, Api, Some(404), Some("NoSuchKey"), false),
            (Baidu, Auth, Some(400), Some("RequestExpired"), true),
            (Baidu, Auth, Some(403), Some("SignatureDoesNotMatch"), false),
            (Baidu, MalformedResponse, Some(502), None, true),
            (Baidu, MalformedResponse, Some(200), None, false),
            (UCloud, Api, Some(200), Some("2000"), true),
            (UCloud, Api, Some(200), Some("15010"), true),
            (UCloud, Api, Some(200), Some("230"), false),
            (UCloud, Auth, Some(200), Some("171"), false),
            (Tencent, Api, Some(200), Some("InternalError"), true),
            (Tencent, Api, Some(200), Some("InternalError.Unknown"), true),
            (Tencent, Api, Some(200), Some("ResourceUnavailable"), true),
            (Tencent, Api, Some(200), Some("ResourceBusy"), true),
            (Tencent, Api, Some(200), Some("InvalidFilter"), false),
            (Tencent, Api, Some(200), Some("6000"), true),
            (Tencent, Api, Some(200), Some("4000"), false),
            (
                Tencent,
                Auth,
                Some(200),
                Some("AuthFailure.SignatureFailure"),
                false,
            ),
        ];
        for (cloud, kind, status, code, want) in cases {
            assert_eq!(
                should_retry(&err(*cloud, *kind, *status, *code)),
                *want,
                "{cloud} {kind:?} {status:?} {code:?}"
            );
        }
    }

    #[test]
    fn classification() {
        use Cloud::*;
        use ErrorKind::*;
        let cases: &[(Cloud, Option<u16>, Option<&str>, ErrorKind)] = &[
            (Baidu, Some(403), Some("AccessDenied"), Auth),
            (Baidu, Some(400), Some("InvalidHTTPAuthHeader"), Auth),
            (Baidu, Some(403), None, Auth),
            (Baidu, Some(429), None, Throttled),
            (Baidu, Some(500), Some("InternalError"), Api),
            (UCloud, Some(200), Some("171"), Auth),
            (UCloud, Some(200), Some("230"), Api),
            (
                Tencent,
                Some(200),
                Some("AuthFailure.SecretIdNotFound"),
                Auth,
            ),
            (
                Tencent,
                Some(200),
                Some("UnauthorizedOperation.PermissionDenied"),
                Auth,
            ),
            (
                Tencent,
                Some(200),
                Some("RequestLimitExceeded.UinLimitExceeded"),
                Throttled,
            ),
            (Tencent, Some(200), Some("4100"), Auth),
            (Tencent, Some(200), Some("4400"), Throttled),
            (Tencent, Some(200), Some("InvalidFilter"), Api),
        ];
        for (cloud, status, code, want) in cases {
            assert_eq!(classify(*cloud, *status, *code), *want, "{cloud} {code:?}");
        }
    }

    #[test]
    fn backoff_from_env() {
        let ms = Duration::from_millis;
        let d = BackoffPolicy::default();
        type Vars = &'static [(&'static str, &'static str)];
        let cases: &[(Vars, Duration, Duration)] = &[
            (&[], d.base, d.cap),
            (&[(BACKOFF_BASE_ENV, "5")], ms(5), d.cap),
            (
                &[(BACKOFF_BASE_ENV, "5"), (BACKOFF_CAP_ENV, "40")],
                ms(5),
                ms(40),
            ),
            (&[(BACKOFF_CAP_ENV, "50")], ms(50), ms(50)),
            (&[(BACKOFF_BASE_ENV, "soon")], d.base, d.cap),
            (&[(BACKOFF_BASE_ENV, "-1")], d.base, d.cap),
            (&[(BACKOFF_BASE_ENV, "99999999")], d.base, d.cap),
        ];
        for (vars, base, cap) in cases {
            let env = |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            };
            let p = BackoffPolicy::from_env(&env);
            assert_eq!((p.base, p.cap), (*base, *cap), "{vars:?}");
            assert_eq!(p.retry_after_cap, d.retry_after_cap);
        }
    }

    #[test]
    fn backoff_table() {
        let p = BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            retry_after_cap: Duration::from_millis(3000),
        };
        let ms = Duration::from_millis;
        let cases = [
            (0, None, 0.0, ms(0)),
            (0, None, 0.5, ms(50)),
            (1, None, 0.5, ms(100)),
            (2, None, 0.999, ms(400).mul_f64(0.999)),
            (5, None, 0.5, ms(500)),    // 3.2 s capped at 1 s
            (200, None, 0.5, ms(500)),  // huge retry counts do not overflow
            (0, None, 7.0, ms(100)),    // clamped sample
            (0, None, f64::NAN, ms(0)), // nonsense sample
            (0, Some(ms(2000)), 0.5, ms(2000)),
            (3, Some(ms(60_000)), 0.5, ms(3000)),
        ];
        for (retry, after, unit, want) in cases {
            assert_eq!(
                backoff_delay(&p, retry, after, unit),
                want,
                "{retry} {after:?} {unit}"
            );
        }
    }
}
