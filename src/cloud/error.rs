//! `CloudError`: the one error type of the cloud layer, carrying everything a diagnostic needs (cloud,
//! API action, HTTP status, the cloud's error code and message, request id, the credential *id* used)
//! and a [`ErrorKind`] that the retry policy and the provider edge branch on.
//!
//! It never holds a secret, a signature or a signed URL: transport errors are stored without their URL,
//! and only the access key id / public key / secret id is ever recorded. This module knows nothing of
//! Terraform diagnostics; the provider edge words them from the accessors.
//!
//! Its message, code and request id are safe to print by construction: whatever the cloud sent is made
//! one printable line and capped ([`super::untrusted`]) as it is stored, so diagnostics and log lines
//! built from the accessors or from `Display` never carry a terminal escape, a forged line or megabytes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::untrusted;

/// Which cloud an API call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cloud {
    Baidu,
    UCloud,
    Tencent,
}

impl Cloud {
    /// The short lowercase id used in messages, cache keys and logs (`baidu`, `ucloud`, `tencent`).
    pub fn id(&self) -> &'static str {
        match self {
            Cloud::Baidu => "baidu",
            Cloud::UCloud => "ucloud",
            Cloud::Tencent => "tencent",
        }
    }

    /// The vendor's product name, for diagnostic summaries ("Failed to list Tencent Cloud images").
    pub fn display_name(&self) -> &'static str {
        match self {
            Cloud::Baidu => "Baidu AI Cloud",
            Cloud::UCloud => "UCloud",
            Cloud::Tencent => "Tencent Cloud",
        }
    }

    /// What the credential id is called by this cloud, for "which credentials were used" wording.
    pub fn credential_id_name(&self) -> &'static str {
        match self {
            Cloud::Baidu => "access key",
            Cloud::UCloud => "public key",
            Cloud::Tencent => "secret id",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What went wrong, coarsely; drives retries and the wording of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The cloud answered with an error that is not one of the kinds below.
    Api,
    /// Credentials were rejected or lack permission (bad key, bad signature, expired signature, denied).
    Auth,
    /// Rate limited (HTTP 429 or a throttling code).
    Throttled,
    /// Connecting, sending or receiving failed.
    Network,
    /// One attempt exceeded the request timeout.
    Timeout,
    /// The provider was stopped while the call was in flight.
    Cancelled,
    /// The body was not the JSON shape the API documents.
    MalformedResponse,
    /// The pages of a listing did not fit together (repeated marker, changed total, short page).
    Paging,
    /// The response body exceeded the size cap.
    TooLarge,
    /// Reading or keeping the responses would take the provider past its per-process response budget
    /// (`cloud::budget`): too much is being read at once, or one listing is too large.
    OverBudget,
    /// The query cannot be sent as asked (caught before any request).
    InvalidRequest,
    /// The endpoint or HTTP client configuration is unusable.
    Config,
}

impl ErrorKind {
    fn describe(&self) -> &'static str {
        match self {
            ErrorKind::Api => "api error",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::Throttled => "request throttled",
            ErrorKind::Network => "network error",
            ErrorKind::Timeout => "request timed out",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::MalformedResponse => "malformed response",
            ErrorKind::Paging => "inconsistent paging",
            ErrorKind::TooLarge => "response too large",
            ErrorKind::OverBudget => "response budget exceeded",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Config => "invalid configuration",
        }
    }
}

/// An error from calling a cloud API. Boxed so `Result<T, CloudError>` stays small; cheap to clone
/// (concurrent callers of one listing share it).
#[derive(Debug, Clone)]
pub struct CloudError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    cloud: Cloud,
    action: String,
    kind: ErrorKind,
    status: Option<u16>,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    credential_id: Option<String>,
    attempts: u32,
    retry_after: Option<Duration>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl std::error::Error for CloudError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl CloudError {
    /// A new error of `kind` for `action` on `cloud`, with a human message (neutralised and capped at
    /// [`untrusted::MESSAGE_CAP`]: it often quotes the cloud).
    pub fn new(
        cloud: Cloud,
        action: impl Into<String>,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> Self {
        CloudError(Box::new(Inner {
            cloud,
            action: action.into(),
            kind,
            status: None,
            code: None,
            message: untrusted::line(&message.into(), untrusted::MESSAGE_CAP),
            request_id: None,
            credential_id: None,
            attempts: 0,
            retry_after: None,
            source: None,
        }))
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Sets the cloud's own error code (UCloud's numeric RetCode is kept as its decimal string),
    /// neutralised and capped at [`untrusted::CODE_CAP`].
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        let code = code.into();
        self.0.code = (!code.is_empty()).then(|| untrusted::line(&code, untrusted::CODE_CAP));
        self
    }

    /// Sets the request id the cloud answered with, neutralised and capped at
    /// [`untrusted::REQUEST_ID_CAP`]; `None` or an empty id keeps the one already set.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        if let Some(id) = request_id.filter(|s| !s.is_empty()) {
            self.0.request_id = Some(untrusted::line(&id, untrusted::REQUEST_ID_CAP));
        }
        self
    }

    /// Records which credential (the public id, never the secret) the call was signed with.
    pub fn with_credential_id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        self.0.credential_id = (!id.is_empty()).then_some(id);
        self
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    /// Keeps an underlying error. Callers must not pass anything that formats a secret or signed URL
    /// (strip reqwest URLs with `without_url`).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Arc::new(source));
        self
    }

    pub fn cloud(&self) -> Cloud {
        self.0.cloud
    }
    pub fn action(&self) -> &str {
        &self.0.action
    }
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    pub fn message(&self) -> &str {
        &self.0.message
    }
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The access key id / public key / secret id the failing request was signed with.
    pub fn credential_id(&self) -> Option<&str> {
        self.0.credential_id.as_deref()
    }
    /// How many HTTP attempts were made (0 when the error came before any request).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Credentials were rejected or lacked permission: the diagnostic should name the credential id.
    pub fn is_auth(&self) -> bool {
        self.0.kind == ErrorKind::Auth
    }
    pub fn is_throttled(&self) -> bool {
        self.0.kind == ErrorKind::Throttled
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.kind == ErrorKind::Cancelled
    }
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }
    /// The failure is the user's query or configuration, not the cloud or the network.
    pub fn is_user_error(&self) -> bool {
        matches!(self.0.kind, ErrorKind::InvalidRequest | ErrorKind::Config)
    }
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{} {}: {}", e.cloud, e.action, e.kind.describe())?;
        match (&e.code, e.message.is_empty()) {
            (Some(code), false) => write!(f, ": {code}: {}", e.message)?,
            (Some(code), true) => write!(f, ": {code}")?,
            (None, false) => write!(f, ": {}", e.message)?,
            (None, true) => {}
        }
        let mut extras = Vec::new();
        if let Some(status) = e.status {
            extras.push(format!("http status {status}"));
        }
        if let Some(id) = &e.request_id {
            extras.push(format!("request id {id}"));
        }
        if let Some(id) = &e.credential_id {
            extras.push(format!("{} {id}", e.cloud.credential_id_name()));
        }
        if e.attempts > 1 {
            extras.push(format!("after {} attempts", e.attempts));
        }
        if !extras.is_empty() {
            write!(f, " ({})", extras.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_table() {
        let cases = [
            (
                CloudError::new(
                    Cloud::Tencent,
                    "DescribeImages",
                    ErrorKind::Auth,
                    "The provided credentials could not be validated.",
                )
                .with_code("AuthFailure.SignatureFailure")
                .with_status(200)
                .with_request_id(Some("ed93f3cb".into()))
                .with_credential_id("AKIDexample")
                .with_attempts(1),
                "tencent DescribeImages: authentication failed: AuthFailure.SignatureFailure: \
                 The provided credentials could not be validated. \
                 (http status 200, request id ed93f3cb, secret id AKIDexample)",
            ),
            (
                CloudError::new(Cloud::Baidu, "ListImages", ErrorKind::Timeout, "")
                    .with_attempts(4),
                "baidu ListImages: request timed out (after 4 attempts)",
            ),
            (
                CloudError::new(Cloud::UCloud, "DescribeImage", ErrorKind::Api, "")
                    .with_code("230")
                    .with_request_id(Some(String::new())),
                "ucloud DescribeImage: api error: 230",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn cloud_text_is_neutralised_and_capped_as_it_is_stored() {
        let hostile = "\x1b[2J\x07denied\r\nError: forged\u{202e}";
        let huge = "A".repeat(10 << 20);
        let err = CloudError::new(Cloud::Baidu, "ListImages", ErrorKind::Api, hostile)
            .with_code(format!("Code{hostile}"))
            .with_request_id(Some(format!("rid{hostile}")));
        assert_eq!(
            err.message(),
            "\\u{1b}[2J\\u{7}denied\\r\\nError: forged\\u{202e}"
        );
        assert_eq!(
            err.code(),
            Some("Code\\u{1b}[2J\\u{7}denied\\r\\nError: forged\\u{202e}")
        );
        assert!(err.request_id().unwrap().starts_with("rid\\u{1b}[2J"));
        let shown = err.to_string();
        assert!(!shown.chars().any(untrusted::is_dangerous), "{shown:?}");
        assert_eq!(shown.lines().count(), 1);

        // (what is set, its cap)
        let caps: [(CloudError, usize); 3] = [
            (
                CloudError::new(
                    Cloud::Tencent,
                    "DescribeImages",
                    ErrorKind::Api,
                    huge.clone(),
                ),
                untrusted::MESSAGE_CAP,
            ),
            (
                CloudError::new(Cloud::Tencent, "DescribeImages", ErrorKind::Api, "")
                    .with_code(huge.clone()),
                untrusted::CODE_CAP,
            ),
            (
                CloudError::new(Cloud::Tencent, "DescribeImages", ErrorKind::Api, "")
                    .with_request_id(Some(huge.clone())),
                untrusted::REQUEST_ID_CAP,
            ),
        ];
        for (err, cap) in caps {
            let field = [
                err.message(),
                err.code().unwrap_or(""),
                err.request_id().unwrap_or(""),
            ]
            .into_iter()
            .max_by_key(|f| f.len())
            .unwrap();
            assert!(field.len() <= cap, "{} > {cap}", field.len());
            assert!(field.ends_with(" more bytes)"), "{field}");
            assert!(err.to_string().len() < cap + 200);
        }
    }

    #[test]
    fn accessors() {
        let err = CloudError::new(Cloud::UCloud, "DescribeImage", ErrorKind::Auth, "bad")
            .with_credential_id("pub");
        assert!(err.is_auth());
        assert!(!err.is_throttled());
        assert_eq!(err.credential_id(), Some("pub"));
        assert_eq!(err.cloud().display_name(), "UCloud");
        assert!(CloudError::new(Cloud::Baidu, "x", ErrorKind::InvalidRequest, "").is_user_error());
    }
}
