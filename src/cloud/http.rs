//! The one HTTP executor of the cloud layer: `reqwest` clients (rustls) built on first use — a direct one
//! for loopback URLs and one with the environment's proxies ([`ProxySettings`]) for the rest — a
//! per-attempt timeout, bounded body reads, retries with backoff, and prompt cancellation. Failures a
//! user can act on (redirects, TLS and certificates, DNS, proxies) are classified as a
//! [`NetworkProblem`].
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
use super::endpoint::is_loopback;
use super::error::{Cloud, CloudError, ErrorKind};
use super::policy::{backoff_delay, should_retry, BackoffPolicy};
use super::untrusted;

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

/// A short, single-line, printable excerpt of `body`: its first 200 characters, line breaks and tabs
/// as spaces (a gateway's HTML reads better that way), every other control or format character escaped
/// ([`untrusted::line`]).
pub fn excerpt(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_CHARS * 4)]);
    let head: String = text
        .chars()
        .take(MAX_CHARS)
        .map(|c| if c.is_ascii_whitespace() { ' ' } else { c })
        .collect();
    // 200 characters escape to at most 9 bytes each, well under the message cap: nothing is cut here.
    let mut out = untrusted::line(&head, untrusted::MESSAGE_CAP);
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

/// The HTTP client could not be built (TLS roots, resolver, an unusable proxy variable...).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot build the http client: {0}")]
pub struct HttpInitError(String);

/// The proxies requests use, read from the environment as curl, hyper-util and Go read it:
/// `HTTPS_PROXY`/`https_proxy` for https URLs and `HTTP_PROXY`/`http_proxy` for http ones, each falling
/// back to `ALL_PROXY`/`all_proxy`; hosts matching `NO_PROXY`/`no_proxy` are reached directly. A proxy is
/// an `http://`, `https://`, `socks4://`, `socks4a://`, `socks5://` or `socks5h://` URL (no scheme means
/// http; SOCKS defaults to port 1080), optionally with `user:password@`. Requests to a loopback host
/// ([`is_loopback`]) never use a proxy, whatever these say. Injected (instead of letting reqwest read the
/// process environment) so the provider and the tests decide what the environment is.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    http: Option<ProxyVar>,
    https: Option<ProxyVar>,
    no_proxy: Option<String>,
}

/// One proxy variable: its name, and the proxy URL it gives (which may hold credentials: never shown)
/// or why the value cannot be used.
#[derive(Clone, PartialEq, Eq)]
struct ProxyVar {
    variable: &'static str,
    url: Result<Url, String>,
}

/// A proxy as messages name it: the variable that set it and its `host:port`, never its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyOrigin {
    pub variable: &'static str,
    pub address: String,
    pub socks: bool,
}

impl ProxySettings {
    /// Reads the proxy variables through `env` (empty values count as unset, as in Go).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> ProxySettings {
        // As curl and hyper-util do: in a CGI process `HTTP_PROXY` can come from a request's `Proxy`
        // header (httpoxy), so no proxy variable is trusted there.
        if env("REQUEST_METHOD").is_some() {
            return ProxySettings::default();
        }
        let first = |names: [&'static str; 2]| {
            names.into_iter().find_map(|name| {
                env(name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (name, v))
            })
        };
        let var = |(variable, value): (&'static str, String)| ProxyVar {
            variable,
            url: parse_proxy(&value),
        };
        let all = first(["ALL_PROXY", "all_proxy"]);
        ProxySettings {
            http: first(["HTTP_PROXY", "http_proxy"])
                .or_else(|| all.clone())
                .map(var),
            https: first(["HTTPS_PROXY", "https_proxy"]).or(all).map(var),
            no_proxy: first(["NO_PROXY", "no_proxy"]).map(|(_, v)| v),
        }
    }

    /// The process environment's proxy variables.
    pub fn from_process_env() -> ProxySettings {
        Self::from_env(&|name| std::env::var(name).ok())
    }

    /// No proxy variable is set.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// The proxy a request to `url` is sent through, unless `NO_PROXY` exempts its host (for messages
    /// about a failure that only a proxy produces, so `NO_PROXY` cannot have applied).
    pub fn origin_for(&self, url: &Url) -> Option<ProxyOrigin> {
        if is_loopback(url) {
            return None;
        }
        let var = match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }?;
        let proxy = var.url.as_ref().ok()?;
        let default_port = match proxy.scheme() {
            "https" => 443,
            "http" => 80,
            _ => 1080,
        };
        Some(ProxyOrigin {
            variable: var.variable,
            address: format!(
                "{}:{}",
                proxy.host_str().unwrap_or("?"),
                proxy.port().unwrap_or(default_port)
            ),
            socks: proxy.scheme().starts_with("socks"),
        })
    }

    /// reqwest's form, `NO_PROXY` applied to each; an unusable value fails naming its variable.
    fn reqwest_proxies(&self) -> Result<Vec<reqwest::Proxy>, HttpInitError> {
        let no_proxy = || {
            self.no_proxy
                .as_deref()
                .and_then(reqwest::NoProxy::from_string)
        };
        let mut out = Vec::new();
        for (var, https) in [(&self.http, false), (&self.https, true)] {
            let Some(var) = var else { continue };
            let unusable = |why: &str| {
                HttpInitError(format!(
                    "the proxy variable {} {why}. Fix it, or unset it to connect directly",
                    var.variable
                ))
            };
            let url = var.url.as_ref().map_err(|why| unusable(why))?;
            // reqwest's error would quote the URL, credentials included: only say that it failed.
            let proxy = if https {
                reqwest::Proxy::https(url.as_str())
            } else {
                reqwest::Proxy::http(url.as_str())
            }
            .map_err(|_| unusable("is not a proxy URL this provider can use"))?;
            out.push(proxy.no_proxy(no_proxy()));
        }
        Ok(out)
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |var: &Option<ProxyVar>| {
            var.as_ref().map(|v| match &v.url {
                Ok(url) => format!(
                    "{} ({}://{}:{})",
                    v.variable,
                    url.scheme(),
                    url.host_str().unwrap_or("?"),
                    url.port().map(|p| p.to_string()).unwrap_or_default()
                ),
                Err(_) => format!("{} (unusable)", v.variable),
            })
        };
        f.debug_struct("ProxySettings")
            .field("http", &shown(&self.http))
            .field("https", &shown(&self.https))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// A proxy variable's value as a URL, or why it is not one (never quoting it: it may hold a password).
fn parse_proxy(value: &str) -> Result<Url, String> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| {
        "is not a URL (write it like http://proxy.example:3128 or socks5h://proxy.example:1080)"
            .to_string()
    })?;
    if !matches!(
        url.scheme(),
        "http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h"
    ) {
        return Err(format!(
            "uses {}://, which is not a proxy scheme (use http://, https://, socks5:// or socks5h://)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".to_string());
    }
    Ok(url)
}

/// The `reqwest::Client`s, each built on first use and then shared by every clone: one that never uses a
/// proxy (for loopback URLs, and for every URL when no proxy variable is set) and one with the proxies.
/// Building one loads TLS roots and starts a connection pool; a provider process that is only asked for
/// schemas or validation (most of the processes Terraform starts) never builds either, and one whose
/// requests all go to a local emulator never builds the proxied one.
#[derive(Clone)]
struct LazyClient {
    direct: Arc<OnceLock<Result<reqwest::Client, HttpInitError>>>,
    proxied: Arc<OnceLock<Result<reqwest::Client, HttpInitError>>>,
    proxies: Arc<ProxySettings>,
    connect_timeout: Duration,
}

impl fmt::Debug for LazyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = |cell: &OnceLock<_>| {
            if cell.get().is_some() {
                "built"
            } else {
                "not built yet"
            }
        };
        write!(
            f,
            "LazyClient(direct {}, proxied {}, {:?})",
            state(&self.direct),
            state(&self.proxied),
            self.proxies
        )
    }
}

impl LazyClient {
    fn new(settings: &HttpSettings, proxies: ProxySettings) -> Self {
        LazyClient {
            direct: Arc::default(),
            proxied: Arc::default(),
            proxies: Arc::new(proxies),
            connect_timeout: settings.request_timeout.min(Duration::from_secs(10)),
        }
    }

    /// The client for a request to `url`.
    fn get(&self, url: &Url) -> Result<&reqwest::Client, &HttpInitError> {
        if self.proxies.is_empty() || is_loopback(url) {
            self.direct
                .get_or_init(|| build_client(self.connect_timeout, None))
                .as_ref()
        } else {
            self.proxied
                .get_or_init(|| build_client(self.connect_timeout, Some(&self.proxies)))
                .as_ref()
        }
    }

    /// The proxy a request to `url` goes through, when the failure is one only a proxy causes.
    fn proxy_for(&self, url: &Url) -> Option<ProxyOrigin> {
        self.proxies.origin_for(url)
    }

    /// Builds every client a request could need now.
    fn build_now(&self) -> Result<(), HttpInitError> {
        let probe = |url: &str| Url::parse(url).map_err(|e| HttpInitError(e.to_string()));
        self.get(&probe("http://127.0.0.1/")?)
            .map_err(Clone::clone)?;
        self.get(&probe("https://cloud.invalid/")?)
            .map_err(Clone::clone)?;
        Ok(())
    }
}

/// `proxies: None` builds a client that never uses a proxy.
fn build_client(
    connect_timeout: Duration,
    proxies: Option<&ProxySettings>,
) -> Result<reqwest::Client, HttpInitError> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .user_agent(concat!(
            "terraform-provider-cloudimage/",
            env!("CARGO_PKG_VERSION")
        ))
        // Signed API requests are never redirected: a redirect would change what was signed.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout);
    // Either way reqwest never reads the proxy variables itself.
    match proxies {
        None => builder = builder.no_proxy(),
        Some(proxies) => {
            let list = proxies.reqwest_proxies()?;
            if list.is_empty() {
                builder = builder.no_proxy();
            }
            for proxy in list {
                builder = builder.proxy(proxy);
            }
        }
    }
    builder
        .build()
        .map_err(|e| HttpInitError(error_chain(&e.without_url())))
}

impl HttpExecutor {
    /// Builds the shared client now, so a broken TLS setup fails here. `cancel` is cancelled by
    /// StopProvider: every call in flight then returns promptly with [`ErrorKind::Cancelled`],
    /// dropping its connection.
    pub fn new(settings: HttpSettings, cancel: CancellationToken) -> Result<Self, HttpInitError> {
        let executor = Self::lazy(settings, cancel);
        executor.client.build_now()?;
        Ok(executor)
    }

    /// Like [`HttpExecutor::new`], but the client is built by the first request (whose call then fails
    /// with [`ErrorKind::Config`] if it cannot be). The provider uses this: `ConfigureProvider` runs in
    /// processes that never read anything. Proxies come from the process environment until
    /// [`HttpExecutor::with_proxies`] says otherwise.
    pub fn lazy(settings: HttpSettings, cancel: CancellationToken) -> Self {
        let settings = HttpSettings {
            max_retries: settings.max_retries.min(MAX_RETRIES_LIMIT),
            ..settings
        };
        HttpExecutor {
            client: LazyClient::new(&settings, ProxySettings::from_process_env()),
            settings,
            backoff: BackoffPolicy::default(),
            cancel,
            max_body_bytes: MAX_BODY_BYTES,
            budget: ResponseBudget::default(),
        }
    }

    /// The same settings with these proxies, and clients not built yet (any built before are dropped).
    pub fn with_proxies(mut self, proxies: ProxySettings) -> Self {
        self.client = LazyClient::new(&self.settings, proxies);
        self
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
        let url = request.url.clone();
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
        if is_redirect(response.status) {
            // Never followed and never parsed: the body of a redirect is a proxy's or a portal's page.
            return Err(redirect_error(call, &url, &response));
        }
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
            let value =
                HeaderValue::from_str(value).map_err(|_| unsendable_header(call, &name, value))?;
            headers.insert(name, value);
        }
        let client = self
            .client
            .get(&req.url)
            .map_err(|e| call.error(ErrorKind::Config, e.to_string()))?;
        // For errors, which show its origin only: the rest of a URL may carry signed parameters.
        let url = req.url.clone();
        let mut response = client
            .request(req.method, req.url)
            .headers(headers)
            .body(req.body)
            .send()
            .await
            .map_err(|e| transport_error(call, &url, self.client.proxy_for(&url), e))?;
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
            transport_error(call, &url, self.client.proxy_for(&url), e)
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
/// still be traced by the cloud's support. A value longer than [`untrusted::REQUEST_ID_CAP`] is no id
/// and is skipped; a header may still hold a tab, which comes back escaped.
pub fn header_request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= untrusted::REQUEST_ID_CAP)
            .map(|v| untrusted::line(v, untrusted::REQUEST_ID_CAP))
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

/// What went wrong on the wire, in terms a user can act on. A [`CloudError`] that one explains carries it
/// as its source (a [`NetworkFailure`]; see [`network_problem`]), so the provider edge can word the advice
/// while the message says what happened. Built only from our own knowledge of the request (its URL, the
/// proxy settings) and from the fixed texts and types of our dependencies' errors: never from text the
/// server or proxy sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetworkProblem {
    /// The endpoint answered 3xx. `target` is the origin (scheme://host:port) of its `Location`, when
    /// that is a usable URL.
    Redirect { status: u16, target: Option<String> },
    /// A TLS handshake got an answer that is not TLS (a plain-http server, most likely).
    NotTls { host_port: String, loopback: bool },
    /// The server's certificate chains to no root this machine trusts (self-signed, private CA).
    UntrustedCertificate { host_port: String },
    /// The server's certificate was rejected for another reason.
    BadCertificate {
        host_port: String,
        why: CertificateProblem,
    },
    /// The endpoint's host name did not resolve to an address.
    UnresolvedHost { host: String },
    /// The proxy did not open a connection to `target` (`host:port`); `status` is its HTTP answer when
    /// known, `reason` a SOCKS server's reply.
    ProxyRefused {
        proxy: ProxyOrigin,
        target: String,
        status: Option<u16>,
        reason: Option<String>,
    },
    /// The proxy itself could not be reached.
    ProxyUnreachable { proxy: ProxyOrigin, reason: String },
    /// A header value holds bytes HTTP cannot carry; `credential` names the credential id it holds
    /// (e.g. "access key") when that is where they are.
    UnsendableHeader {
        header: String,
        credential: Option<&'static str>,
        why: &'static str,
    },
}

/// Why a certificate other than an untrusted one was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    Expired,
    NotYetValid,
    WrongName,
    /// rustls' name for the error, e.g. `BadSignature`.
    Other(String),
}

impl NetworkProblem {
    /// The kind a call failing this way gets: what will not change by retrying in a moment is not retried.
    fn kind(&self) -> ErrorKind {
        match self {
            NetworkProblem::Redirect { .. }
            | NetworkProblem::NotTls { .. }
            | NetworkProblem::UntrustedCertificate { .. }
            | NetworkProblem::BadCertificate { .. } => ErrorKind::Config,
            NetworkProblem::UnsendableHeader { .. } => ErrorKind::InvalidRequest,
            NetworkProblem::UnresolvedHost { .. }
            | NetworkProblem::ProxyRefused { .. }
            | NetworkProblem::ProxyUnreachable { .. } => ErrorKind::Network,
        }
    }
}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkProblem::Redirect { status, target } => {
                let reason = reqwest::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                let to = target
                    .as_ref()
                    .map(|t| format!(" to {t}"))
                    .unwrap_or_default();
                write!(f, "the endpoint answered HTTP {status}{reason}, a redirect{to}; redirects are never followed, since each request is signed for the host it is sent to")
            }
            NetworkProblem::NotTls { host_port, .. } => {
                write!(f, "the server at {host_port} does not speak TLS (https)")
            }
            NetworkProblem::UntrustedCertificate { host_port } => write!(
                f,
                "the certificate of the server at {host_port} is not trusted by this machine (it is self-signed or issued by a certificate authority this machine does not know)"
            ),
            NetworkProblem::BadCertificate { host_port, why } => {
                write!(f, "the certificate of the server at {host_port} ")?;
                match why {
                    CertificateProblem::Expired => f.write_str("has expired"),
                    CertificateProblem::NotYetValid => {
                        f.write_str("is not valid yet (or this machine's clock is wrong)")
                    }
                    CertificateProblem::WrongName => {
                        f.write_str("was issued for another host name")
                    }
                    CertificateProblem::Other(name) => write!(f, "was rejected ({name})"),
                }
            }
            NetworkProblem::UnresolvedHost { host } => {
                write!(f, "the host name {host} could not be resolved to an address (DNS)")
            }
            NetworkProblem::ProxyRefused {
                proxy,
                target,
                status,
                reason,
            } => {
                write!(
                    f,
                    "the proxy {} (set by {}) refused to connect to {target}",
                    proxy.address, proxy.variable
                )?;
                if let Some(status) = status {
                    let reason = reqwest::StatusCode::from_u16(*status)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("");
                    write!(f, ": it answered HTTP {status} {reason}")?;
                } else if let Some(reason) = reason {
                    write!(f, ": {reason}")?;
                }
                Ok(())
            }
            NetworkProblem::ProxyUnreachable { proxy, reason } => write!(
                f,
                "the proxy {} (set by {}) could not be reached: {reason}",
                proxy.address, proxy.variable
            ),
            NetworkProblem::UnsendableHeader {
                header,
                credential: Some(credential),
                why,
            } => write!(
                f,
                "the {credential} cannot be sent in the {header} header: it contains {why}"
            ),
            NetworkProblem::UnsendableHeader {
                header,
                credential: None,
                why,
            } => write!(f, "the {header} header would contain {why}"),
        }
    }
}

/// A [`NetworkProblem`] with the transport error behind it (when there is one), as a
/// [`CloudError`]'s source.
#[derive(Debug)]
pub struct NetworkFailure {
    pub problem: NetworkProblem,
    source: Option<reqwest::Error>,
}

impl NetworkFailure {
    /// A failure with no transport error behind it (a redirect, a header; tests).
    pub fn new(problem: NetworkProblem) -> Self {
        NetworkFailure {
            problem,
            source: None,
        }
    }
}

impl fmt::Display for NetworkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for NetworkFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The network problem `err` was classified as, if any.
pub fn network_problem(err: &CloudError) -> Option<&NetworkProblem> {
    std::error::Error::source(err)?
        .downcast_ref::<NetworkFailure>()
        .map(|f| &f.problem)
}

fn with_problem(call: &ApiCall, message: String, problem: NetworkProblem) -> CloudError {
    call.error(problem.kind(), message)
        .with_source(NetworkFailure::new(problem))
}

/// 3xx but 304 (never asked for: no request is conditional).
fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status) && status != 304
}

/// A redirect, naming where it points to by origin only: a `Location` may carry a session or a token.
fn redirect_error(call: &ApiCall, url: &Url, response: &HttpResponse) -> CloudError {
    let target = response
        .header("location")
        .and_then(|location| url.join(location.trim()).ok())
        .filter(|target| matches!(target.scheme(), "http" | "https") && target.has_host())
        .map(|target| target.origin().ascii_serialization())
        .filter(|origin| origin.len() <= 300);
    let problem = NetworkProblem::Redirect {
        status: response.status,
        target,
    };
    let origin = url.origin().ascii_serialization();
    with_problem(
        call,
        format!("request to {origin} failed: {problem}"),
        problem,
    )
    .with_status(response.status)
    .with_request_id(header_request_id(&response.headers))
}

/// A header value `HeaderValue` refused: says which bytes, and whether they are in the credential id,
/// never showing the value (a signature may be part of it).
fn unsendable_header(call: &ApiCall, name: &HeaderName, value: &str) -> CloudError {
    let why = unsendable(value).unwrap_or("bytes HTTP headers cannot carry");
    let credential = (!call.credential_id.is_empty()
        && value.contains(&call.credential_id)
        && unsendable(&call.credential_id).is_some())
    .then(|| call.cloud.credential_id_name());
    let problem = NetworkProblem::UnsendableHeader {
        header: name.as_str().to_string(),
        credential,
        why,
    };
    with_problem(call, problem.to_string(), problem)
}

/// What in `text` an HTTP header cannot carry, in words: a line break, another control character, or
/// non-ASCII text. `None` when it has none of them.
pub fn unsendable(text: &str) -> Option<&'static str> {
    if text.contains(['\n', '\r']) {
        Some("a line break")
    } else if text.chars().any(char::is_control) {
        Some("a control character")
    } else if !text.is_ascii() {
        Some("non-ASCII text")
    } else {
        None
    }
}

/// A failure to exchange a request with `url`'s origin (scheme://host:port), naming it: "a bare host
/// means https" is easy to miss when the server speaks plain http. `proxy` is the proxy the request
/// went through, if any.
fn transport_error(
    call: &ApiCall,
    url: &Url,
    proxy: Option<ProxyOrigin>,
    e: reqwest::Error,
) -> CloudError {
    // The URL may carry signed query parameters: never keep it.
    let e = e.without_url();
    let origin = url.origin().ascii_serialization();
    let problem = if e.is_timeout() {
        None
    } else {
        classify(&e, url, proxy)
    };
    match problem {
        Some(problem) => call
            .error(
                problem.kind(),
                format!("request to {origin} failed: {problem}"),
            )
            .with_source(NetworkFailure {
                problem,
                source: Some(e),
            }),
        None => {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Network
            };
            let message = format!("request to {origin} failed: {}", error_chain(&e));
            call.error(kind, message).with_source(e)
        }
    }
}

/// Every error behind `e`, outermost first, including the ones an `io::Error` wraps (its `source()`
/// skips them: rustls' errors travel that way).
fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = vec![e];
    while out.len() < 32 {
        let cur = out[out.len() - 1];
        let next = match cur.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cur.source(),
        };
        match next {
            Some(next) => out.push(next),
            None => break,
        }
    }
    out
}

/// Names the failure when it is one a user can act on. Matches our dependencies' types where they are
/// public (rustls, io) and their fixed texts where not (hyper-util's tunnel and SOCKS errors).
fn classify(e: &reqwest::Error, url: &Url, proxy: Option<ProxyOrigin>) -> Option<NetworkProblem> {
    let chain = causes(e);
    let host = url.host_str().unwrap_or("?").to_string();
    let host_port = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
    if let Some(proxy) = proxy {
        let texts: Vec<String> = chain.iter().map(|c| c.to_string()).collect();
        let has = |text: &str| texts.iter().any(|t| t == text);
        let socks = texts
            .iter()
            .find_map(|t| t.strip_prefix("SOCKS error: "))
            .map(str::to_string);
        if has("tunnel error: failed to create underlying connection")
            || socks.as_deref() == Some("failed to create underlying connection")
        {
            return Some(NetworkProblem::ProxyUnreachable {
                reason: unreachable_reason(e, &chain),
                proxy,
            });
        }
        let refused = |status, reason| NetworkProblem::ProxyRefused {
            proxy: proxy.clone(),
            target: host_port.clone(),
            status,
            reason,
        };
        if has("tunnel error: proxy authorization required") {
            return Some(refused(Some(407), None));
        }
        if has("tunnel error: unsuccessful") || has("tunnel error: unexpected end of file") {
            return Some(refused(None, None));
        }
        if let Some(reason) = socks {
            // hyper-util's fixed words for the SOCKS reply ("connection refused", "host unreachable"...).
            let reason = (reason.len() <= 60
                && reason.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
            .then(|| format!("the SOCKS server answered {reason:?}"));
            return Some(refused(None, reason));
        }
        if has("error resolving for socks proxy") {
            // socks5:// resolves the endpoint's name here; socks5h:// would leave it to the proxy.
            return Some(NetworkProblem::UnresolvedHost { host });
        }
    }
    if let Some(tls) = chain.iter().find_map(|c| c.downcast_ref::<rustls::Error>()) {
        return tls_problem(tls, host_port, is_loopback(url));
    }
    if e.is_dns() {
        return Some(NetworkProblem::UnresolvedHost { host });
    }
    None
}

/// Why a proxy could not be reached, in fixed words (an OS error's kind, a DNS failure).
fn unreachable_reason(e: &reqwest::Error, chain: &[&(dyn std::error::Error + 'static)]) -> String {
    if e.is_dns() {
        return "its host name could not be resolved".to_string();
    }
    if let Some(io) = chain
        .iter()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .find(|io| io.raw_os_error().is_some())
    {
        return io.kind().to_string();
    }
    if chain.iter().any(|c| c.is::<rustls::Error>()) {
        return "the TLS handshake with it failed".to_string();
    }
    // hyper-util's SOCKS error keeps the io::Error out of the source chain; its Debug form still
    // names the io::ErrorKind.
    let debug = format!("{:?}", chain[chain.len() - 1]);
    for (kind, words) in [
        ("ConnectionRefused", "connection refused"),
        ("TimedOut", "timed out"),
        ("HostUnreachable", "host unreachable"),
        ("NetworkUnreachable", "network unreachable"),
        ("ConnectionReset", "connection reset"),
        ("PermissionDenied", "permission denied"),
    ] {
        if debug.contains(&format!("kind: {kind}")) {
            return words.to_string();
        }
    }
    "the connection failed".to_string()
}

fn tls_problem(tls: &rustls::Error, host_port: String, loopback: bool) -> Option<NetworkProblem> {
    use rustls::CertificateError as C;
    let bad = |why| NetworkProblem::BadCertificate {
        host_port: host_port.clone(),
        why,
    };
    Some(match tls {
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            NetworkProblem::NotTls {
                host_port,
                loopback,
            }
        }
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => NetworkProblem::UntrustedCertificate { host_port },
            // webpki's word for a self-signed CA certificate presented as the server's own.
            C::Other(other) if format!("{:?}", other.0).contains("CaUsedAsEndEntity") => {
                NetworkProblem::UntrustedCertificate { host_port }
            }
            C::Expired | C::ExpiredContext { .. } => bad(CertificateProblem::Expired),
            C::NotValidYet | C::NotValidYetContext { .. } => bad(CertificateProblem::NotYetValid),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                bad(CertificateProblem::WrongName)
            }
            C::Other(other) => bad(CertificateProblem::Other(leading_name(&format!(
                "{:?}",
                other.0
            )))),
            // Only the variant's name: the context of some (the names a certificate presents) is the
            // server's text.
            other => bad(CertificateProblem::Other(leading_name(&format!(
                "{other:?}"
            )))),
        },
        _ => return None,
    })
}

/// `BadSignature` from `BadSignature`, `Revoked { .. }` or `UnsupportedX(...)`.
fn leading_name(debug: &str) -> String {
    let name: String = debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .take(60)
        .collect();
    if name.is_empty() {
        "unknown reason".to_string()
    } else {
        name
    }
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
