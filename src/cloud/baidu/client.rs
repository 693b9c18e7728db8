//! The Baidu BCC image client: `GET /v2/image` and `GET /v2/image/getAvailableImagesBySpec`, signed
//! with BCE auth v1 on every attempt, marker-paged to the end, cached per identical listing.
//! Takes typed queries, returns typed images or a [`CloudError`]; knows nothing of Terraform.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::model::{
    BaiduImage, BaiduSpecImage, ErrorBody, ImageModel, ListResponse, SystemImageModel,
};
use super::sign::{authorization, canonical_query_string, BceSigningInput};
use crate::cloud::budget::{Charged, Footprint};
use crate::cloud::cache::listing_key;
use crate::cloud::context::CloudContext;
use crate::cloud::endpoint::Endpoint;
use crate::cloud::error::{Cloud, CloudError, ErrorKind};
use crate::cloud::http::{ApiCall, HttpRequest, HttpResponse};
use crate::cloud::paging::{collect_marker_pages, MarkerPage};
use crate::cloud::policy::classify;
use crate::cloud::region::Region;
use crate::cloud::wire::{body_request_id, decode, malformed};
use crate::secret::Secret;

/// The provider's default region.
pub const DEFAULT_REGION: &str = "bj";
/// `maxKeys` for `GET /v2/image` (the documented maximum).
pub const LIST_PAGE_SIZE: u32 = 1000;
/// `maxKeys` for `getAvailableImagesBySpec` (the documented maximum).
pub const SPEC_PAGE_SIZE: u32 = 100;
/// The SDK's default signature validity.
const EXPIRATION_SECS: u32 = 1800;
/// The SDK's default (signed) Content-Type.
const CONTENT_TYPE: &str = "application/json;charset=utf-8";

const ACTION_LIST: &str = "ListImages";
const ACTION_BY_SPEC: &str = "GetAvailableImagesBySpec";

/// `https://bcc.{region}.baidubce.com`; a checked [`Region`] cannot choose another host or port.
pub fn default_endpoint(region: &Region) -> String {
    format!("https://bcc.{region}.baidubce.com")
}

/// Baidu AI Cloud credentials.
#[derive(Debug, Clone)]
pub struct BaiduCredentials {
    pub access_key: String,
    pub secret_key: Secret,
}

/// Query of `GET /v2/image`. Values are sent verbatim; `None`/empty is not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BaiduImageQuery {
    /// `imageType`: All, System, BbcSystem, Custom, ... (the API's case).
    pub image_type: Option<String>,
    /// `imageName`: server-side "name contains".
    pub image_name: Option<String>,
}

/// Query of `GET /v2/image/getAvailableImagesBySpec`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BaiduSpecQuery {
    /// `spec` (required), e.g. `bcc.ic4.c1m1`.
    pub spec: String,
    /// `osName`, e.g. `CentOS`.
    pub os_name: Option<String>,
}

/// A client for one region and endpoint; cheap to clone.
#[derive(Debug, Clone)]
pub struct BaiduClient {
    ctx: CloudContext,
    endpoint: Endpoint,
    region: String,
    credentials: Arc<BaiduCredentials>,
}

fn params(pairs: &[(&'static str, Option<&String>)]) -> Vec<(&'static str, String)> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (*k, v.clone())))
        .collect()
}

impl BaiduClient {
    pub fn new(
        ctx: CloudContext,
        endpoint: Endpoint,
        region: impl Into<String>,
        credentials: BaiduCredentials,
    ) -> Self {
        BaiduClient {
            ctx,
            endpoint,
            region: region.into(),
            credentials: Arc::new(credentials),
        }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// Every image of the account matching `query` (all pages), in the API's order.
    pub async fn list_images(
        &self,
        query: &BaiduImageQuery,
    ) -> Result<Arc<Vec<BaiduImage>>, CloudError> {
        let params = params(&[
            ("imageType", query.image_type.as_ref()),
            ("imageName", query.image_name.as_ref()),
        ]);
        self.cached_listing(
            ACTION_LIST,
            "/v2/image",
            params,
            LIST_PAGE_SIZE,
            ImageModel::into_image,
        )
        .await
    }

    /// Every public image that can run on `query.spec` (all pages), in the API's order.
    pub async fn list_images_by_spec(
        &self,
        query: &BaiduSpecQuery,
    ) -> Result<Arc<Vec<BaiduSpecImage>>, CloudError> {
        if query.spec.trim().is_empty() {
            return Err(self
                .call(ACTION_BY_SPEC)
                .error(ErrorKind::InvalidRequest, "spec is required"));
        }
        let params = params(&[
            ("spec", Some(&query.spec)),
            ("osName", query.os_name.as_ref()),
        ]);
        self.cached_listing(
            ACTION_BY_SPEC,
            "/v2/image/getAvailableImagesBySpec",
            params,
            SPEC_PAGE_SIZE,
            SystemImageModel::into_image,
        )
        .await
    }

    fn call(&self, action: &'static str) -> ApiCall {
        ApiCall {
            cloud: Cloud::Baidu,
            action,
            credential_id: self.credentials.access_key.clone(),
        }
    }

    async fn cached_listing<W, T>(
        &self,
        action: &'static str,
        path: &'static str,
        params: Vec<(&'static str, String)>,
        page_size: u32,
        convert: fn(W) -> Option<T>,
    ) -> Result<Arc<Vec<T>>, CloudError>
    where
        W: DeserializeOwned + Send + 'static,
        T: Clone + Footprint + Send + Sync + 'static,
    {
        let key = listing_key(
            Cloud::Baidu,
            &self.endpoint,
            &self.region,
            &self.credentials.access_key,
            action,
            &params,
        );
        let this = self.clone();
        let images = self
            .ctx
            .cache
            .get_or_fetch_charged(&key, move || async move {
                let call = this.call(action);
                collect_marker_pages(&call, |marker| {
                    this.fetch_page(&call, path, &params, marker, page_size, convert)
                })
                .await
            })
            .await?;
        // Shared, not copied: every reader of the same listing holds the one cached copy.
        Ok(images)
    }

    async fn fetch_page<W: DeserializeOwned, T: Footprint>(
        &self,
        call: &ApiCall,
        path: &str,
        params: &[(&'static str, String)],
        marker: Option<String>,
        page_size: u32,
        convert: fn(W) -> Option<T>,
    ) -> Result<Charged<MarkerPage<T>>, CloudError> {
        let mut query: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(m) = marker {
            query.push(("marker".into(), m));
        }
        query.push(("maxKeys".into(), page_size.to_string()));
        let mut url = self.endpoint.join_path(path);
        // Sent exactly as canonicalised, so what is signed is what the server decodes.
        url.set_query(Some(&canonical_query_string(&query)));
        let signed_path = percent_encoding::percent_decode_str(url.path())
            .decode_utf8_lossy()
            .into_owned();
        let build = || {
            let timestamp = self
                .ctx
                .clock
                .now()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            let mut headers = vec![
                ("host".to_string(), self.endpoint.host_header().to_string()),
                ("content-type".to_string(), CONTENT_TYPE.to_string()),
                ("x-bce-date".to_string(), timestamp.clone()),
            ];
            let auth = authorization(&BceSigningInput {
                method: "GET",
                path: &signed_path,
                query: &query,
                headers: &headers,
                access_key: &self.credentials.access_key,
                secret_key: self.credentials.secret_key.expose(),
                timestamp: &timestamp,
                expiration_secs: EXPIRATION_SECS,
            });
            headers.push(("authorization".to_string(), auth));
            Ok(HttpRequest {
                method: reqwest::Method::GET,
                url: url.clone(),
                headers,
                body: Vec::new(),
            })
        };
        self.ctx
            .http
            .execute_charged(call, build, |resp| parse_page(call, resp, convert))
            .await
    }
}

/// One page: the typed images and the paging envelope, or the BCE error.
pub(crate) fn parse_page<W: DeserializeOwned, T>(
    call: &ApiCall,
    resp: &HttpResponse,
    convert: fn(W) -> Option<T>,
) -> Result<MarkerPage<T>, CloudError> {
    if !(200..300).contains(&resp.status) {
        return Err(api_error(call, resp));
    }
    let page: ListResponse<W> = decode(call, resp)?;
    let Some(images) = page.images else {
        // Some gateways answer 200 with an error body.
        if let Ok(ErrorBody { code: Some(_), .. }) = serde_json::from_slice::<ErrorBody>(&resp.body)
        {
            return Err(api_error(call, resp));
        }
        return Err(malformed(call, resp, "no images field"));
    };
    let mut items = Vec::with_capacity(images.len());
    for wire in images {
        items.push(convert(wire).ok_or_else(|| malformed(call, resp, "an image has no id"))?);
    }
    Ok(MarkerPage {
        items,
        is_truncated: page.is_truncated.unwrap_or(false),
        next_marker: page.next_marker,
        request_id: resp
            .header("x-bce-request-id")
            .map(str::to_string)
            .or_else(|| body_request_id(&resp.body)),
    })
}

impl Footprint for BaiduImage {
    fn heap_bytes(&self) -> u64 {
        [
            &self.id,
            &self.name,
            &self.image_type,
            &self.os_type,
            &self.os_version,
            &self.os_name,
            &self.os_build,
            &self.os_arch,
            &self.status,
            &self.description,
        ]
        .iter()
        .map(|t| t.heap_bytes())
        .sum()
    }
}

impl Footprint for BaiduSpecImage {
    fn heap_bytes(&self) -> u64 {
        [
            &self.id,
            &self.name,
            &self.os_type,
            &self.os_version,
            &self.os_arch,
            &self.os_name,
            &self.os_lang,
        ]
        .iter()
        .map(|t| t.heap_bytes())
        .sum()
    }
}

/// A BCE error: `{"code","message","requestId"}` when present, else the SDK's status mapping.
fn api_error(call: &ApiCall, resp: &HttpResponse) -> CloudError {
    let body: Option<ErrorBody> = serde_json::from_slice(&resp.body).ok();
    let header_id = resp.header("x-bce-request-id").map(str::to_string);
    let (code, message, body_id) = match body {
        Some(b) => (b.code, b.message, b.request_id),
        None => (None, None, None),
    };
    let code = code.filter(|c| !c.is_empty()).or_else(|| {
        match resp.status {
            400 => Some("InvalidHTTPRequest"),
            403 => Some("AccessDenied"),
            412 => Some("PreconditionFailed"),
            500 => Some("InternalError"),
            _ => None,
        }
        .map(str::to_string)
    });
    let message = message
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| resp.body_excerpt());
    let kind = classify(Cloud::Baidu, Some(resp.status), code.as_deref());
    let mut err = call.error(kind, message).with_status(resp.status);
    if let Some(code) = code {
        err = err.with_code(code);
    }
    err.with_request_id(header_id.or(body_id))
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
