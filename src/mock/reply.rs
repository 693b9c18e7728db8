//! What an emulated API answers, before it becomes an HTTP response: status, body, extra headers and
//! the error code for the request log; plus each cloud's error envelope. Knows nothing of
//! catalogues, signatures or faults.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::Api;
use super::credentials::Cloud;

/// The body of a reply.
pub enum ReplyBody {
    /// Bytes with a content type.
    Bytes(Bytes, &'static str),
    /// A streamed body (faults: reset mid-body, oversized).
    Stream(Body, &'static str),
}

/// The content type of JSON answers, unless the API sends another (see [`json_content_type`]).
pub const JSON: &str = "application/json;charset=UTF-8";

/// The Content-Type of an API's JSON answers. Tencent sends exactly `application/json`, which is what
/// tencentcloud-sdk-python requires before it reads `Response.Error` (under any other type an error
/// reply passes for an empty success). Baidu sends `application/json;charset=UTF-8` (the response
/// samples of seeds 000 and 001); UCloud's SDKs decode whatever comes.
pub fn json_content_type(api: Api) -> &'static str {
    match api.cloud() {
        Cloud::Tencent => "application/json",
        Cloud::Baidu | Cloud::Ucloud => JSON,
    }
}

/// One answer of an emulated API.
pub struct Reply {
    pub status: StatusCode,
    pub body: ReplyBody,
    pub headers: Vec<(&'static str, String)>,
    /// The cloud's error code (`SignatureDoesNotMatch`, `171`, `AuthFailure.SignatureFailure`, …),
    /// `None` on success; for the request log.
    pub code: Option<String>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: StatusCode, value: &serde_json::Value, code: Option<String>) -> Reply {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        Reply {
            status,
            body: ReplyBody::Bytes(Bytes::from(bytes), JSON),
            headers: Vec::new(),
            code,
        }
    }

    /// The same answer, its JSON content type the one `api` sends (other content types are kept).
    pub fn json_for(mut self, api: Api) -> Reply {
        let (ReplyBody::Bytes(_, ct) | ReplyBody::Stream(_, ct)) = &mut self.body;
        if *ct == JSON {
            *ct = json_content_type(api);
        }
        self
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// The body bytes when they are in memory.
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.body {
            ReplyBody::Bytes(b, _) => Some(b),
            ReplyBody::Stream(..) => None,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let (body, ct) = match self.body {
            ReplyBody::Bytes(b, ct) => (Body::from(b), ct),
            ReplyBody::Stream(s, ct) => (s, ct),
        };
        let mut resp = (self.status, body).into_response();
        let headers = resp.headers_mut();
        headers.insert("content-type", HeaderValue::from_static(ct));
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        resp
    }
}

/// The request-id header each cloud sends (`None`: Tencent puts it in the body only).
pub fn request_id_header(cloud: Cloud) -> Option<&'static str> {
    match cloud {
        Cloud::Baidu => Some("x-bce-request-id"),
        Cloud::Ucloud => Some("X-UCLOUD-REQUEST-UUID"),
        Cloud::Tencent => None,
    }
}

/// An error in the API's own envelope:
/// Baidu `status` + `{"code","message","requestId"}`;
/// UCloud `status` (200 for API errors) + `{"Action","RetCode","Message"}` (`code` must be numeric);
/// Tencent `status` (200 for API errors) + `{"Response":{"Error":{"Code","Message"},"RequestId"}}`.
pub fn cloud_error(
    api: Api,
    status: StatusCode,
    code: &str,
    message: &str,
    request_id: &str,
) -> Reply {
    let value = match api.cloud() {
        Cloud::Baidu => {
            serde_json::json!({ "code": code, "message": message, "requestId": request_id })
        }
        Cloud::Ucloud => serde_json::json!({
            "Action": "DescribeImageResponse",
            "RetCode": code.parse::<i64>().unwrap_or(230),
            "Message": message,
        }),
        Cloud::Tencent => serde_json::json!({
            "Response": { "Error": { "Code": code, "Message": message }, "RequestId": request_id }
        }),
    };
    Reply::json(status, &value, Some(code.to_string()))
}
