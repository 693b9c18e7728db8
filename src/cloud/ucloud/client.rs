//! The UCloud image client: `DescribeImage` as a signed form POST (`Action` repeated in the query),
//! offset-paged with `TotalCount` (pages after the first fetched concurrently), cached per identical
//! listing. Takes typed queries, returns typed images or a [`CloudError`]; knows nothing of Terraform.

use std::sync::Arc;

use super::model::{DescribeImageResponse, UCloudImage, UHostImageSet};
use super::sign::signature;
use crate::cloud::budget::{Charged, Footprint};
use crate::cloud::cache::listing_key;
use crate::cloud::context::CloudContext;
use crate::cloud::endpoint::Endpoint;
use crate::cloud::error::{Cloud, CloudError, ErrorKind};
use crate::cloud::http::{ApiCall, HttpRequest, HttpResponse};
use crate::cloud::paging::{collect_offset_pages, OffsetPage};
use crate::cloud::policy::classify;
use crate::cloud::wire::{decode, malformed};
use crate::secret::Secret;

/// The public API endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.ucloud.cn";
/// `Limit` per page: the official provider's page size (the API documents no maximum).
pub const PAGE_SIZE: u32 = 100;
const ACTION: &str = "DescribeImage";
const REQUEST_ID_HEADER: &str = "x-ucloud-request-uuid";

/// UCloud credentials.
#[derive(Debug, Clone)]
pub struct UCloudCredentials {
    pub public_key: String,
    pub private_key: Secret,
}

/// Query of `DescribeImage`; values are sent verbatim in the API's case, `None`/empty not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UCloudImageQuery {
    pub zone: Option<String>,
    pub project_id: Option<String>,
    /// Base, Business, Custom.
    pub image_type: Option<String>,
    /// gpu, app, uhost.
    pub func_type: Option<String>,
    /// Linux, Windows.
    pub os_type: Option<String>,
    pub image_id: Option<String>,
}

impl UCloudImageQuery {
    fn params(&self) -> Vec<(&'static str, String)> {
        [
            ("Zone", &self.zone),
            ("ProjectId", &self.project_id),
            ("ImageType", &self.image_type),
            ("FuncType", &self.func_type),
            ("OsType", &self.os_type),
            ("ImageId", &self.image_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k, v.clone())))
        .collect()
    }
}

/// A client for one region and endpoint; cheap to clone.
#[derive(Debug, Clone)]
pub struct UCloudClient {
    ctx: CloudContext,
    endpoint: Endpoint,
    region: String,
    credentials: Arc<UCloudCredentials>,
}

impl UCloudClient {
    pub fn new(
        ctx: CloudContext,
        endpoint: Endpoint,
        region: impl Into<String>,
        credentials: UCloudCredentials,
    ) -> Self {
        UCloudClient {
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

    /// Every image of the region matching `query` (all pages), in the API's order.
    pub async fn list_images(
        &self,
        query: &UCloudImageQuery,
    ) -> Result<Arc<Vec<UCloudImage>>, CloudError> {
        let call = self.call();
        if self.region.trim().is_empty() {
            return Err(call.error(ErrorKind::InvalidRequest, "region is required"));
        }
        let params = query.params();
        let key = listing_key(
            Cloud::UCloud,
            &self.endpoint,
            &self.region,
            &self.credentials.public_key,
            ACTION,
            &params,
        );
        let this = self.clone();
        let images = self
            .ctx
            .cache
            .get_or_fetch_charged(&key, move || async move {
                collect_offset_pages(
                    &call,
                    PAGE_SIZE,
                    this.ctx.page_concurrency,
                    |offset, limit| this.fetch_page(&call, &params, offset, limit),
                )
                .await
            })
            .await?;
        // Shared, not copied: every reader of the same listing holds the one cached copy.
        Ok(images)
    }

    fn call(&self) -> ApiCall {
        ApiCall {
            cloud: Cloud::UCloud,
            action: ACTION,
            credential_id: self.credentials.public_key.clone(),
        }
    }

    async fn fetch_page(
        &self,
        call: &ApiCall,
        params: &[(&'static str, String)],
        offset: u64,
        limit: u32,
    ) -> Result<Charged<OffsetPage<UCloudImage>>, CloudError> {
        let mut form: Vec<(String, String)> = vec![
            ("Action".into(), ACTION.into()),
            ("PublicKey".into(), self.credentials.public_key.clone()),
            ("Region".into(), self.region.clone()),
        ];
        form.extend(params.iter().map(|(k, v)| (k.to_string(), v.clone())));
        form.push(("Offset".into(), offset.to_string()));
        form.push(("Limit".into(), limit.to_string()));
        let mut url = self.endpoint.join_path("/");
        url.query_pairs_mut().append_pair("Action", ACTION);
        let build = || {
            let sig = signature(&form, self.credentials.private_key.expose());
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter())
                .append_pair("Signature", &sig)
                .finish();
            Ok(HttpRequest {
                method: reqwest::Method::POST,
                url: url.clone(),
                headers: vec![
                    ("host".into(), self.endpoint.host_header().into()),
                    (
                        "content-type".into(),
                        "application/x-www-form-urlencoded".into(),
                    ),
                    (
                        "u-timestamp-ms".into(),
                        self.ctx.clock.now().timestamp_millis().to_string(),
                    ),
                ],
                body: body.into_bytes(),
            })
        };
        self.ctx
            .http
            .execute_charged(call, build, |resp| parse_page(call, resp))
            .await
    }
}

impl Footprint for UCloudImage {
    fn heap_bytes(&self) -> u64 {
        let texts: u64 = [
            &self.id,
            &self.name,
            &self.zone,
            &self.image_type,
            &self.os_type,
            &self.os_name,
            &self.func_type,
            &self.integrated_software,
            &self.vendor,
            &self.links,
            &self.status,
            &self.description,
            &self.minimal_cpu,
            &self.maintain_eol,
            &self.primary_software,
        ]
        .iter()
        .map(|t| t.heap_bytes())
        .sum();
        texts
            + self.features.heap_bytes()
            + self.supported_gpu_types.heap_bytes()
            + self.scene_categories.heap_bytes()
    }
}

pub(crate) fn parse_page(
    call: &ApiCall,
    resp: &HttpResponse,
) -> Result<OffsetPage<UCloudImage>, CloudError> {
    let request_id = resp.header(REQUEST_ID_HEADER).map(str::to_string);
    if !(200..300).contains(&resp.status) {
        // The SDK's HTTPStatusError. A gateway's body is kept as an excerpt, but when the body is still a
        // UCloud envelope its RetCode and Message say more.
        let envelope = serde_json::from_slice::<DescribeImageResponse>(&resp.body)
            .ok()
            .and_then(|e| Some((e.ret_code.filter(|c| *c != 0)?, e.message?)))
            .filter(|(_, message)| !message.is_empty())
            .map(|(code, message)| (code.to_string(), message));
        let Some((code, message)) = envelope else {
            let kind = classify(Cloud::UCloud, Some(resp.status), None);
            return Err(call
                .error(kind, resp.body_excerpt())
                .with_status(resp.status)
                .with_request_id(request_id));
        };
        let kind = classify(Cloud::UCloud, Some(resp.status), Some(&code));
        return Err(call
            .error(kind, message)
            .with_code(code)
            .with_status(resp.status)
            .with_request_id(request_id));
    }
    let page: DescribeImageResponse = decode(call, resp)?;
    match page.ret_code {
        Some(0) => {}
        Some(code) => {
            let code = code.to_string();
            let kind = classify(Cloud::UCloud, Some(resp.status), Some(&code));
            return Err(call
                .error(kind, page.message.unwrap_or_default())
                .with_code(code)
                .with_status(resp.status)
                .with_request_id(request_id));
        }
        None => return Err(malformed(call, resp, "no RetCode")),
    }
    let images = page.image_set.unwrap_or_default();
    let mut items = Vec::with_capacity(images.len());
    for wire in images {
        items.push(
            UHostImageSet::into_image(wire)
                .ok_or_else(|| malformed(call, resp, "an image has no ImageId"))?,
        );
    }
    let total_count = match page.total_count {
        Some(n) if n < 0 => return Err(malformed(call, resp, "negative TotalCount")),
        Some(n) => Some(n as u64),
        None => None,
    };
    Ok(OffsetPage {
        items,
        total_count,
        request_id,
    })
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
