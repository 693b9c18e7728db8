//! One entry point over the response decoders of every cloud API, for fuzz targets and property
//! tests: bytes as the server sent them (status, an optional request-id header, body) in, the number
//! of images or the [`CloudError`] out. It runs exactly the code a real page goes through after the
//! HTTP exchange (envelope, error mapping, wire models, conversion to typed images). Knows nothing of
//! Terraform; performs no IO.

use reqwest::header::{HeaderMap, HeaderValue};

use super::baidu::model::{ImageModel, SystemImageModel};
use super::error::{Cloud, CloudError};
use super::http::{ApiCall, HttpResponse};

/// The response shapes the provider decodes. Tencent's legacy and API 3.0 answers go through one
/// decoder that accepts both envelopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseApi {
    BaiduList,
    BaiduSpec,
    UCloud,
    Tencent,
}

impl ResponseApi {
    /// All shapes, for selectors: `ALL[byte % ALL.len()]`.
    pub const ALL: [ResponseApi; 4] = [
        ResponseApi::BaiduList,
        ResponseApi::BaiduSpec,
        ResponseApi::UCloud,
        ResponseApi::Tencent,
    ];
}

/// Decodes one page as the client would. `Ok` is the number of images on the page.
pub fn decode_page(
    api: ResponseApi,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<usize, CloudError> {
    let (cloud, action) = match api {
        ResponseApi::BaiduList => (Cloud::Baidu, "ListImages"),
        ResponseApi::BaiduSpec => (Cloud::Baidu, "GetAvailableImagesBySpec"),
        ResponseApi::UCloud => (Cloud::UCloud, "DescribeImage"),
        ResponseApi::Tencent => (Cloud::Tencent, "DescribeImages"),
    };
    let call = ApiCall {
        cloud,
        action,
        credential_id: "fuzz".into(),
    };
    let mut headers = HeaderMap::new();
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        for name in ["x-bce-request-id", "x-ucloud-request-uuid"] {
            headers.insert(name, id.clone());
        }
    }
    let resp = HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    };
    match api {
        ResponseApi::BaiduList => {
            super::baidu::client::parse_page(&call, &resp, ImageModel::into_image)
                .map(|p| p.items.len())
        }
        ResponseApi::BaiduSpec => {
            super::baidu::client::parse_page(&call, &resp, SystemImageModel::into_image)
                .map(|p| p.items.len())
        }
        ResponseApi::UCloud => {
            super::ucloud::client::parse_page(&call, &resp).map(|p| p.items.len())
        }
        ResponseApi::Tencent => {
            super::tencent::client::parse_page(&call, &resp).map(|p| p.items.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::ErrorKind;

    /// Regression inputs: each must decode to an error (never a panic), with the right kind.
    #[test]
    fn hostile_pages() {
        let cases: &[(ResponseApi, u16, &[u8], Option<ErrorKind>)] = &[
            (
                ResponseApi::BaiduList,
                200,
                b"",
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::BaiduList,
                200,
                br#"{"images":[{}]}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::BaiduSpec,
                200,
                br#"{"images":[],"isTruncated":false}"#,
                None,
            ),
            (
                ResponseApi::BaiduSpec,
                200,
                br#"{"images":[],"isTruncated":"yes"}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (ResponseApi::BaiduList, 503, b"<html>", Some(ErrorKind::Api)),
            (
                ResponseApi::UCloud,
                200,
                br#"{"RetCode":0,"TotalCount":-1}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::UCloud,
                200,
                br#"{"RetCode":1e400}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::Tencent,
                200,
                br#"{"Response":{}}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::Tencent,
                200,
                br#"{"code":99999999999999999999}"#,
                Some(ErrorKind::MalformedResponse),
            ),
            (
                ResponseApi::Tencent,
                200,
                &[0xff, 0xfe, b'{'],
                Some(ErrorKind::MalformedResponse),
            ),
        ];
        for (api, status, body, want) in cases {
            let got = decode_page(*api, *status, Some("rid-1"), body);
            match want {
                None => assert!(
                    got.is_ok(),
                    "{api:?} {}: {got:?}",
                    String::from_utf8_lossy(body)
                ),
                Some(kind) => {
                    let err = got.expect_err("an error");
                    assert_eq!(
                        err.kind(),
                        *kind,
                        "{api:?} {}: {err}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
    }
}
