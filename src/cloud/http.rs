//! The one HTTP executor of the cloud layer: a single `reqwest::Client` (rustls), a per-attempt
//! timeout, bounded body reads, retries with backoff, and prompt cancellation.
//!
//! Bodies are bounded twice: each by [`MAX_BODY_BYTES`], and all of them together (with the parsed
//! pages and cached listings they become) by the process's [`ResponseBudget`], charged as the body
//! arrives — before the first byte when a `Content-Length` says how much is coming.
//!
//! Callers pass a `build` closure that signs a fresh [`HttpRequest`] on every attempt (timestamps and
//! nonces must be new) and a `parse` closure that turns an [`HttpResponse`] into a value or a
//! [`CloudError`]; whether to retry is decided by [`super::policy`]. This module knows no cloud's wire
//! format and nothing of Terraform. It never logs URLs' queries, headers or bodies (signatures and ids
//! live there).

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use url::Url;

use super::budget::{mib, parse_reserve, Charge, Charged, Footprint, ResponseBudget};
use super::error::{Cloud, CloudError, ErrorKind};
use super::policy::{backoff_delay, should_retry, BackoffPolicy};

/// Largest response body read into memory: 8 MiB. The largest real pages are well under 1 MiB (1,000
/// Baidu images of about 600 bytes; 100 UCloud or Tencent images of 1–2 KiB), so this leaves a tenfold
/// margin, and a listing's [`super::paging::PAGE_CONCURRENCY`] (16) pages in flight hold at most 128 MiB,
/// half of the [`ResponseBudget`]. A body announced larger is refused unread; a chunked one is cut off
/// when it passes the cap.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Largest `max_retries` accepted (the provider schema enforces the same range).
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// User-tunable HTTP behaviour (provider arguments `max_retries`, `request_timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Retries per request after the first attempt (0–10; larger values are clamped).
    pub max_retries: u32,
    /// Timeout of one attempt, from sending to the last body byte.
    pub request_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            max_retries: 3,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// One request, fully signed, as it will go on the wire.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: reqwest::Method,
    pub url: Url,
    /// Headers in addition to reqwest's own; `Host` here overrides the derived one.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A complete response: status, headers and the (size-capped) body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header's value when it is present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first ~200 characters of the body with control characters replaced, for error messages
    /// about bodies that could not be parsed.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }
}

/// A short, single-line, printable excerpt of `body`.
pub fn excerpt(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_CHARS * 4)]);
    let mut out: String = text
        .chars()
        .take(MAX_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > MAX_CHARS || body.len() > MAX_CHARS * 4 {
        out.push('…');
    }
    if out.trim().is_empty() {
        "<empty body>".to_string()
    } else {
        out
    }
}

/// Identifies one logical API call, for errors and tracing.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub cloud: Cloud,
    /// The API action, e.g. `DescribeImages` or `ListImages`.
    pub action: &'static str,
    /// The credential id (never the secret) the call is signed with.
    pub credential_id: String,
}

impl ApiCall {
    /// A [`CloudError`] for this call.
    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> CloudError {
        CloudError::new(self.cloud, self.action, kind, message)
            .with_credential_id(self.credential_id.clone())
    }
}

/// Sends signed requests with retries; cheap to clone (one connection pool shared by all clones).
#[derive(Debug, Clone)]
pub struct HttpExecutor {
    client: LazyClient,
    settings: HttpSettings,
    backoff: BackoffPolicy,
    cancel: CancellationToken,
    max_body_bytes: usize,
    /// Shared by every clone, and by every executor of the process the provider hands it to.
    budget: ResponseBudget,
}

/// The HTTP client could not be built (TLS roots, resolver...).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot build the http client: {0}")]
pub struct HttpInitError(String);

/// The `reqwest::Client`, built on first use and then shared by every clone. Building it loads TLS roots
/// and starts a connection pool; a provider process that is only asked for schemas or validation (most
/// of the processes Terraform starts) never needs it.
#[derive(Clone)]
struct LazyClient {
    cell: Arc<OnceLock<Result<reqwest::Client, HttpInitError>>>,
    connect_timeout: Duration,
}

impl fmt::Debug for LazyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.cell.get().is_some() {
            "built"
        } else {
            "not built yet"
        };
        write!(f, "LazyClient({state})")
    }
}

impl LazyClient {
    fn new(settings: &HttpSettings) -> Self {
        LazyClient {
            cell: Arc::new(OnceLock::new()),
            connect_timeout: settings.request_timeout.min(Duration::from_secs(10)),
        }
    }

    fn get(&self) -> Result<&reqwest::Client, &HttpInitError> {
        self.cell
            .get_or_init(|| build_client(self.connect_timeout))
            .as_ref()
    }
}

fn build_client(connect_timeout: Duration) -> Result<reqwest::Client, HttpInitError> {
    reqwest::Client::builder()
        .tls_backend_rustls()
        .user_agent(concat!(
            "terraform-provider-cloudimage/",
            env!("CARGO_PKG_VERSION")
        ))
        // Signed API requests are never redirected: a redirect would change what was signed.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| HttpInitError(error_chain(&e.without_url())))
}

impl HttpExecutor {
    /// Builds the shared client now, so a broken TLS setup fails here. `cancel` is cancelled by
    /// StopProvider: every call in flight then returns promptly with [`ErrorKind::Cancelled`],
    /// dropping its connection.
    pub fn new(settings: HttpSettings, cancel: CancellationToken) -> Result<Self, HttpInitError> {
        let executor = Self::lazy(settings, cancel);
        executor.client.get().map_err(Clone::clone)?;
        Ok(executor)
    }

    /// Like [`HttpExecutor::new`], but the client is built by the first request (whose call then fails
    /// with [`ErrorKind::Config`] if it cannot be). The provider uses this: `ConfigureProvider` runs in
    /// processes that never read anything.
    pub fn lazy(settings: HttpSettings, cancel: CancellationToken) -> Self {
        let settings = HttpSettings {
            max_retries: settings.max_retries.min(MAX_RETRIES_LIMIT),
            ..settings
        };
        HttpExecutor {
            client: LazyClient::new(&settings),
            settings,
            backoff: BackoffPolicy::default(),
            cancel,
            max_body_bytes: MAX_BODY_BYTES,
            budget: ResponseBudget::default(),
        }
    }

    /// The same executor charging `budget` (the provider passes one budget to all its configurations).
    pub fn with_budget(mut self, budget: ResponseBudget) -> Self {
        self.budget = budget;
        self
    }

    pub fn budget(&self) -> &ResponseBudget {
        &self.budget
    }

    /// The same executor with a smaller body cap (tests; the default is [`MAX_BODY_BYTES`]).
    pub fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max.min(MAX_BODY_BYTES);
        self
    }

    /// The same executor with different backoff timing (tests use milliseconds).
    pub fn with_backoff(mut self, backoff: BackoffPolicy) -> Self {
        self.backoff = backoff;
        self
    }

    /// The same connection pool and settings, cancelled by another token.
    pub fn with_cancel_token(&self, cancel: CancellationToken) -> Self {
        HttpExecutor {
            cancel,
            ..self.clone()
        }
    }

    pub fn settings(&self) -> HttpSettings {
        self.settings
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Runs one API call: `build` a freshly signed request, send it, `parse` the response; on a
    /// retryable failure wait (backoff or `Retry-After`) and try again, up to `max_retries` times.
    ///
    /// The body is charged to the budget while it is read and parsed, and given back afterwards: for
    /// values that keep the response's data (pages), use [`HttpExecutor::execute_charged`].
    pub async fn execute<T>(
        &self,
        call: &ApiCall,
        build: impl FnMut() -> Result<HttpRequest, CloudError>,
        parse: impl Fn(&HttpResponse) -> Result<T, CloudError>,
    ) -> Result<T, CloudError> {
        self.execute_measured(call, build, parse, |_| 0)
            .await
            .map(|charged| charged.value)
    }

    /// [`HttpExecutor::execute`] for a value that holds data from the response (a page of images): it
    /// comes back with a charge for its [`Footprint`], which replaces the body's once the body is gone.
    pub async fn execute_charged<T: Footprint>(
        &self,
        call: &ApiCall,
        build: impl FnMut() -> Result<HttpRequest, CloudError>,
        parse: impl Fn(&HttpResponse) -> Result<T, CloudError>,
    ) -> Result<Charged<T>, CloudError> {
        self.execute_measured(call, build, parse, |value: &T| {
            std::mem::size_of::<T>() as u64 + value.heap_bytes()
        })
        .await
    }

    async fn execute_measured<T>(
        &self,
        call: &ApiCall,
        mut build: impl FnMut() -> Result<HttpRequest, CloudError>,
        parse: impl Fn(&HttpResponse) -> Result<T, CloudError>,
        measure: impl Fn(&T) -> u64,
    ) -> Result<Charged<T>, CloudError> {
        let span =
            tracing::debug_span!("cloud_api_call", cloud = %call.cloud, action = call.action);
        async move {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let result = self
                    .attempt(call, &mut build, &parse, &measure, attempt)
                    .instrument(tracing::debug_span!("attempt", attempt))
                    .await;
                let err = match result {
                    Ok(value) => return Ok(value),
                    Err(err) => err.with_attempts(attempt),
                };
                let retries_used = attempt - 1;
                if retries_used >= self.settings.max_retries || !should_retry(&err) {
                    tracing::debug!(attempt, error = %err, "api call failed");
                    return Err(err);
                }
                let delay =
                    backoff_delay(&self.backoff, retries_used, err.retry_after(), rand::random());
                tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %err, "retrying api call");
                tokio::select! {
                    _ = self.cancel.cancelled() => return Err(cancelled(call).with_attempts(attempt)),
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn attempt<T>(
        &self,
        call: &ApiCall,
        build: &mut impl FnMut() -> Result<HttpRequest, CloudError>,
        parse: &impl Fn(&HttpResponse) -> Result<T, CloudError>,
        measure: &impl Fn(&T) -> u64,
        attempt: u32,
    ) -> Result<Charged<T>, CloudError> {
        if self.cancel.is_cancelled() {
            return Err(cancelled(call));
        }
        let request = build()?;
        if super::endpoint::is_plaintext_remote(&request.url) {
            // Signatures, key ids and (for some clouds) request parameters would cross the network in
            // clear text and could be replayed: refuse before anything is sent.
            return Err(call.error(
                ErrorKind::Config,
                format!(
                    "refusing to send credentials over plain http to {}; use an https endpoint (plain http is allowed only to a loopback address such as 127.0.0.1)",
                    request.url.host_str().unwrap_or("?")
                ),
            ));
        }
        let started = Instant::now();
        let sent = tokio::select! {
            _ = self.cancel.cancelled() => Err(cancelled(call)),
            timed = tokio::time::timeout(self.settings.request_timeout, self.send_once(call, request)) => {
                match timed {
                    Ok(result) => result,
                    Err(_) => Err(call.error(
                        ErrorKind::Timeout,
                        format!("no complete response within {:?}", self.settings.request_timeout),
                    )),
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let (response, mut charge) = match sent {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(attempt, elapsed_ms, kind = ?e.kind(), "attempt failed before a response");
                return Err(e);
            }
        };
        // Tencent's API 3.0 sends its request id in the body only (the field is then left out); the other
        // clouds in a header.
        tracing::debug!(
            attempt,
            elapsed_ms,
            status = response.status,
            request_id = header_request_id(&response.headers),
            "attempt got a response"
        );
        let retry_after = parse_retry_after(&response.headers);
        let header_id = header_request_id(&response.headers);
        // What decoding may allocate is charged before it starts, so a body of tiny JSON values cannot
        // expand past the budget while serde builds structs for them.
        if let Err(over) = charge.grow(parse_reserve(&response.body)) {
            return Err(call
                .error(
                    ErrorKind::OverBudget,
                    over.message(&format!(
                        "parsing this {} response",
                        mib(response.body.len() as u64)
                    )),
                )
                .with_status(response.status)
                .with_request_id(header_id));
        }
        let parsed = parse(&response);
        let status = response.status;
        drop(response);
        let value = parsed.map_err(|e| {
            let mut e = e.with_retry_after(retry_after);
            if e.request_id().is_none() {
                e = e.with_request_id(header_id.clone());
            }
            if e.credential_id().is_none() {
                e.with_credential_id(call.credential_id.clone())
            } else {
                e
            }
        })?;
        // The body and the parse reserve are gone; what stays charged is what the value holds.
        charge.resize(measure(&value)).map_err(|over| {
            call.error(
                ErrorKind::OverBudget,
                over.message("keeping this parsed page"),
            )
            .with_status(status)
            .with_request_id(header_id)
        })?;
        Ok(Charged { value, charge })
    }

    /// One exchange; the body comes back with its charge on the budget (its buffer's capacity).
    async fn send_once(
        &self,
        call: &ApiCall,
        req: HttpRequest,
    ) -> Result<(HttpResponse, Charge), CloudError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &req.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                call.error(
                    ErrorKind::InvalidRequest,
                    format!("invalid header name {name:?}"),
                )
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                call.error(
                    ErrorKind::InvalidRequest,
                    format!("invalid value for header {name}"),
                )
            })?;
            headers.insert(name, value);
        }
        let client = self
            .client
            .get()
            .map_err(|e| call.error(ErrorKind::Config, e.to_string()))?;
        // Scheme, host and port only: the rest of a URL may carry signed parameters.
        let origin = req.url.origin().ascii_serialization();
        let mut response = client
            .request(req.method, req.url)
            .headers(headers)
            .body(req.body)
            .send()
            .await
            .map_err(|e| transport_error(call, &origin, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // From here on the server has answered: errors carry its request id when a header has one.
        let request_id = header_request_id(&headers);
        let announced = response.content_length();
        if announced.is_some_and(|n| n > self.max_body_bytes as u64) {
            return Err(too_large(call, status, self.max_body_bytes).with_request_id(request_id));
        }
        let over_budget = |over: super::budget::OverBudget, subject: String| {
            call.error(ErrorKind::OverBudget, over.message(&subject))
                .with_status(status)
                .with_request_id(request_id.clone())
        };
        // An announced body is charged whole before it is read, and refused unread when it cannot fit;
        // the buffer is sized from it (at most the cap), so a large page is not copied through
        // ever-doubling buffers.
        let expected = announced.unwrap_or(0) as usize;
        let mut charge = self
            .budget
            .try_charge(expected as u64)
            .map_err(|over| over_budget(over, format!("a response of {}", mib(expected as u64))))?;
        let mut body = Vec::with_capacity(expected);
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            transport_error(call, &origin, e)
                .with_status(status)
                .with_request_id(request_id.clone())
        })? {
            let needed = body.len() + chunk.len();
            if needed > self.max_body_bytes {
                return Err(too_large(call, status, self.max_body_bytes)
                    .with_request_id(request_id.clone()));
            }
            if needed > body.capacity() {
                // Charged before it is allocated: the growth Vec would choose, within the cap.
                let grown = needed.max(body.capacity() * 2).min(self.max_body_bytes);
                charge.resize(grown as u64).map_err(|over| {
                    over_budget(
                        over,
                        format!("reading this response past {}", mib(body.len() as u64)),
                    )
                })?;
                body.reserve_exact(grown - body.len());
            }
            body.extend_from_slice(&chunk);
        }
        // Whatever the buffer really holds (an allocator may round up; a server may send less).
        let _ = charge.resize(body.capacity() as u64);
        Ok((
            HttpResponse {
                status,
                headers,
                body,
            },
            charge,
        ))
    }
}

/// Response headers in which the clouds (and common gateways) return a request id: Baidu
/// `x-bce-request-id`, UCloud `X-UCLOUD-REQUEST-UUID`, Tencent `X-TC-RequestId`, generic `x-request-id`.
const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-bce-request-id",
    "x-ucloud-request-uuid",
    "x-tc-requestid",
    "x-request-id",
];

/// The request id from the response headers, so errors found in the body (or while reading it) can
/// still be traced by the cloud's support.
pub fn header_request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 256)
            .map(str::to_string)
    })
}

fn cancelled(call: &ApiCall) -> CloudError {
    call.error(ErrorKind::Cancelled, "the provider is stopping")
}

fn too_large(call: &ApiCall, status: u16, max: usize) -> CloudError {
    call.error(
        ErrorKind::TooLarge,
        format!("response body exceeds {max} bytes"),
    )
    .with_status(status)
}

/// A failure to exchange a request with `origin` (scheme://host:port), naming it: "a bare host means https"
/// is easy to miss when the server speaks plain http.
fn transport_error(call: &ApiCall, origin: &str, e: reqwest::Error) -> CloudError {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    // The URL may carry signed query parameters: never keep it.
    let e = e.without_url();
    let message = format!("request to {origin} failed: {}", error_chain(&e));
    call.error(kind, message).with_source(e)
}

/// "outer: inner: innermost", so "connection refused" is visible without the Debug form.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(inner) = cur {
        let s = inner.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = inner.source();
    }
    parts.join(": ")
}

/// `Retry-After` as a delay: delta-seconds, or an HTTP date (relative to now).
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
    let delta = when.signed_duration_since(chrono::Utc::now());
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
