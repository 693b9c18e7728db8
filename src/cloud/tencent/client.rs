//! The Tencent CVM image client: `DescribeImages` on API 3.0 (POST JSON, TC3-HMAC-SHA256) or on the
//! legacy API (POST form to `/v2/index.php`, signature v1), signed afresh on every attempt (timestamp,
//! nonce), offset-paged with `TotalCount`, cached per identical listing. Both APIs' response and error
//! shapes are accepted. Knows nothing of Terraform.

use std::sync::Arc;

use super::model::{Envelope, TencentImage, WireImage};
use super::query::{TencentApi, TencentImageQuery};
use super::sign_tc3::{self, Tc3Input};
use super::sign_v1;
use crate::cloud::budget::{Charged, Footprint};
use crate::cloud::cache::listing_key;
use crate::cloud::context::CloudContext;
use crate::cloud::endpoint::Endpoint;
use crate::cloud::error::{Cloud, CloudError, ErrorKind};
use crate::cloud::http::{ApiCall, HttpRequest, HttpResponse};
use crate::cloud::paging::{collect_offset_pages, OffsetPage};
use crate::cloud::policy::classify;
use crate::cloud::untrusted;
use crate::cloud::wire::{body_request_id, decode, malformed};
use crate::secret::Secret;

/// API 3.0 endpoint.
pub const DEFAULT_V3_ENDPOINT: &str = "https://cvm.tencentcloudapi.com";
/// Legacy API endpoint (seed 003).
pub const DEFAULT_LEGACY_ENDPOINT: &str = "https://image.api.qcloud.com";
/// `Limit` per page (the documented maximum).
pub const PAGE_SIZE: u32 = 100;
const ACTION: &str = "DescribeImages";
const VERSION: &str = "2017-03-12";
const SERVICE: &str = "cvm";
const LEGACY_PATH: &str = "/v2/index.php";
const JSON_CONTENT_TYPE: &str = "application/json";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The default endpoint of `api`.
pub fn default_endpoint(api: TencentApi) -> &'static str {
    match api {
        TencentApi::V3 => DEFAULT_V3_ENDPOINT,
        TencentApi::Legacy { .. } => DEFAULT_LEGACY_ENDPOINT,
    }
}

/// Tencent Cloud credentials.
#[derive(Debug, Clone)]
pub struct TencentCredentials {
    pub secret_id: String,
    pub secret_key: Secret,
}

/// A client for one region, endpoint and API; cheap to clone.
#[derive(Debug, Clone)]
pub struct TencentClient {
    ctx: CloudContext,
    endpoint: Endpoint,
    region: String,
    credentials: Arc<TencentCredentials>,
    api: TencentApi,
}

impl TencentClient {
    pub fn new(
        ctx: CloudContext,
        endpoint: Endpoint,
        region: impl Into<String>,
        credentials: TencentCredentials,
        api: TencentApi,
    ) -> Self {
        TencentClient {
            ctx,
            endpoint,
            region: region.into(),
            credentials: Arc::new(credentials),
            api,
        }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn api(&self) -> TencentApi {
        self.api
    }

    /// Every image matching `query` (all pages), in the API's order. An invalid query (see
    /// [`TencentImageQuery::validate`]) fails with [`ErrorKind::InvalidRequest`] before any request.
    pub async fn list_images(
        &self,
        query: &TencentImageQuery,
    ) -> Result<Arc<Vec<TencentImage>>, CloudError> {
        let call = self.call();
        if self.region.trim().is_empty() {
            return Err(call.error(ErrorKind::InvalidRequest, "region is required"));
        }
        query
            .validate(self.api)
            .map_err(|e| call.error(ErrorKind::InvalidRequest, e.to_string()))?;
        let mut key_params = query.form_params();
        key_params.push(("api".into(), self.api.id().into()));
        let key = listing_key(
            Cloud::Tencent,
            &self.endpoint,
            &self.region,
            &self.credentials.secret_id,
            ACTION,
            &key_params,
        );
        let this = self.clone();
        let query = query.clone();
        let images = self
            .ctx
            .cache
            .get_or_fetch_charged(&key, move || async move {
                collect_offset_pages(
                    &call,
                    PAGE_SIZE,
                    this.ctx.page_concurrency,
                    |offset, limit| this.fetch_page(&call, &query, offset, limit),
                )
                .await
            })
            .await?;
        // Shared, not copied: every reader of the same listing holds the one cached copy.
        Ok(images)
    }

    fn call(&self) -> ApiCall {
        ApiCall {
            cloud: Cloud::Tencent,
            action: ACTION,
            credential_id: self.credentials.secret_id.clone(),
        }
    }

    async fn fetch_page(
        &self,
        call: &ApiCall,
        query: &TencentImageQuery,
        offset: u64,
        limit: u32,
    ) -> Result<Charged<OffsetPage<TencentImage>>, CloudError> {
        match self.api {
            TencentApi::V3 => {
                let body = query.json_body(offset, limit).to_string().into_bytes();
                let build = || Ok(self.v3_request(&body));
                self.ctx
                    .http
                    .execute_charged(call, build, |r| parse_page(call, r))
                    .await
            }
            TencentApi::Legacy { signature_method } => {
                let mut params = query.form_params();
                params.push(("Offset".into(), offset.to_string()));
                params.push(("Limit".into(), limit.to_string()));
                let build = || Ok(self.legacy_request(&params, signature_method));
                self.ctx
                    .http
                    .execute_charged(call, build, |r| parse_page(call, r))
                    .await
            }
        }
    }

    fn v3_request(&self, body: &[u8]) -> HttpRequest {
        let timestamp = self.ctx.clock.now().timestamp();
        let host = self.endpoint.host_header();
        let auth = sign_tc3::authorization(&Tc3Input {
            method: "POST",
            host,
            canonical_query: "",
            content_type: JSON_CONTENT_TYPE,
            payload: body,
            service: SERVICE,
            timestamp,
            secret_id: &self.credentials.secret_id,
            secret_key: self.credentials.secret_key.expose(),
        });
        HttpRequest {
            method: reqwest::Method::POST,
            url: self.endpoint.join_path("/"),
            headers: vec![
                ("host".into(), host.into()),
                ("content-type".into(), JSON_CONTENT_TYPE.into()),
                ("authorization".into(), auth),
                ("x-tc-action".into(), ACTION.into()),
                ("x-tc-version".into(), VERSION.into()),
                ("x-tc-timestamp".into(), timestamp.to_string()),
                ("x-tc-region".into(), self.region.clone()),
            ],
            body: body.to_vec(),
        }
    }

    fn legacy_request(
        &self,
        business: &[(String, String)],
        method: sign_v1::SignatureMethod,
    ) -> HttpRequest {
        let url = self.endpoint.join_path(LEGACY_PATH);
        let path = percent_encoding::percent_decode_str(url.path())
            .decode_utf8_lossy()
            .into_owned();
        let nonce = rand::random_range(1..=u32::MAX);
        let mut params: Vec<(String, String)> = vec![
            ("Action".into(), ACTION.into()),
            ("Version".into(), VERSION.into()),
            ("Region".into(), self.region.clone()),
            (
                "Timestamp".into(),
                self.ctx.clock.now().timestamp().to_string(),
            ),
            ("Nonce".into(), nonce.to_string()),
            ("SecretId".into(), self.credentials.secret_id.clone()),
            ("SignatureMethod".into(), method.param_value().into()),
        ];
        params.extend(business.iter().cloned());
        let sig = sign_v1::signature(
            "POST",
            self.endpoint.host_header(),
            &path,
            &params,
            self.credentials.secret_key.expose(),
            method,
        );
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .append_pair("Signature", &sig)
            .finish();
        HttpRequest {
            method: reqwest::Method::POST,
            url,
            headers: vec![
                ("host".into(), self.endpoint.host_header().into()),
                ("content-type".into(), FORM_CONTENT_TYPE.into()),
            ],
            body: body.into_bytes(),
        }
    }
}

impl Footprint for TencentImage {
    fn heap_bytes(&self) -> u64 {
        [
            &self.id,
            &self.name,
            &self.os_name,
            &self.image_type,
            &self.status,
            &self.description,
            &self.creator,
            &self.architecture,
            &self.platform,
            &self.source,
        ]
        .iter()
        .map(|t| t.heap_bytes())
        .sum()
    }
}

pub(crate) fn parse_page(
    call: &ApiCall,
    resp: &HttpResponse,
) -> Result<OffsetPage<TencentImage>, CloudError> {
    let envelope: Option<Envelope> = serde_json::from_slice(&resp.body).ok();
    if resp.status != 200 {
        // Like the SDK's ClientError.HttpStatusCodeError, but keep a Response.Error if one came.
        if let Some(err) = envelope
            .as_ref()
            .and_then(|e| response_error(call, resp, e))
        {
            return Err(err);
        }
        let kind = classify(Cloud::Tencent, Some(resp.status), None);
        return Err(call
            .error(kind, resp.body_excerpt())
            .with_status(resp.status));
    }
    let envelope: Envelope = match envelope {
        Some(e) => e,
        None => decode(call, resp)?,
    };
    if let Some(err) = response_error(call, resp, &envelope) {
        return Err(err);
    }
    let Some(body) = envelope.response else {
        return Err(malformed(call, resp, "no Response object"));
    };
    let Some(images) = body.image_set else {
        return Err(malformed(call, resp, "no ImageSet"));
    };
    let mut items = Vec::with_capacity(images.len());
    for wire in images {
        items.push(
            WireImage::into_image(wire)
                .ok_or_else(|| malformed(call, resp, "an image has no ImageId"))?,
        );
    }
    let total_count = match body.total_count {
        Some(n) if n < 0 => return Err(malformed(call, resp, "negative TotalCount")),
        Some(n) => Some(n as u64),
        None => None,
    };
    Ok(OffsetPage {
        items,
        total_count,
        request_id: body_request_id(&resp.body),
    })
}

/// Room kept in a message for " (legacy code N)", N an i64.
const LEGACY_SUFFIX_ROOM: usize = 40;

/// The error carried by either shape: `Response.Error{Code,Message}` + `RequestId`, or the legacy
/// `{"code" != 0, "message", "codeDesc"}`.
fn response_error(call: &ApiCall, resp: &HttpResponse, envelope: &Envelope) -> Option<CloudError> {
    if let Some(body) = &envelope.response {
        let err = body.error.as_ref()?;
        let code = err.code.clone().unwrap_or_default();
        let kind = classify(Cloud::Tencent, Some(resp.status), Some(&code));
        return Some(
            call.error(kind, err.message.clone().unwrap_or_default())
                .with_code(code)
                .with_status(resp.status)
                .with_request_id(body.request_id()),
        );
    }
    let code = envelope.code.filter(|c| *c != 0)?;
    let numeric = code.to_string();
    let desc = envelope.code_desc.clone().filter(|d| !d.is_empty());
    // Classify by the descriptive code first, then by the numeric one (41xx auth, 4400 quota...).
    let kind = match classify(Cloud::Tencent, Some(resp.status), desc.as_deref()) {
        ErrorKind::Api => classify(Cloud::Tencent, Some(resp.status), Some(&numeric)),
        kind => kind,
    };
    let message = envelope.message.clone().unwrap_or_default();
    let message = match &desc {
        // The cloud's text is capped before the suffix is added, so the cap cannot cut the suffix off.
        Some(_) => format!(
            "{} (legacy code {numeric})",
            untrusted::line(&message, untrusted::MESSAGE_CAP - LEGACY_SUFFIX_ROOM)
        ),
        None => message,
    };
    Some(
        call.error(kind, message)
            .with_code(desc.unwrap_or(numeric))
            .with_status(resp.status),
    )
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
