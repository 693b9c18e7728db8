//! What each fault sends, shaped per cloud: throttle and HTTP errors in the cloud's own error
//! envelope, HTML pages, wrong-shape JSON, the byte-level breakages (truncated, reset mid-body,
//! oversized with or without a Content-Length), and hostile but valid listings (huge pages, an absurd
//! TotalCount). Knows nothing of catalogues or signatures.

use axum::body::{Body, Bytes};
use axum::http::StatusCode;

use super::api::Api;
use super::credentials::Cloud;
use super::faults::{FaultKind, FaultRule};
use super::reply::{cloud_error, Reply, ReplyBody};

/// The UCloud throttle RetCode. UCloud documents none; the SDK retries any RetCode ≥ 2000, so the
/// emulator picks one in that range.
pub const UCLOUD_THROTTLE_RETCODE: &str = "2001";
/// The Baidu throttle code (none is documented; 429 carries the meaning).
pub const BAIDU_THROTTLE_CODE: &str = "RequestRateLimitExceeded";

/// A reply that replaces the API's answer entirely, for the kinds that need no catalogue work.
pub fn replacement(rule: &FaultRule, api: Api, request_id: &str) -> Option<Reply> {
    let mut reply = match rule.kind {
        FaultKind::Throttle => throttle(rule, api, request_id),
        FaultKind::HttpError => http_error(rule, api, request_id),
        FaultKind::Html => html(rule.status.unwrap_or(200)),
        FaultKind::Oversized => oversized(rule.mib.unwrap_or(16), true),
        FaultKind::OversizedChunked => oversized(rule.mib.unwrap_or(16), false),
        FaultKind::HostileText => hostile_text(api, rule.mib.unwrap_or(0)),
        FaultKind::HostileNames => hostile_names(api, rule.mib.unwrap_or(0), request_id),
        _ => return None,
    };
    if let Some(secs) = rule.retry_after {
        reply = reply.with_header("retry-after", secs.to_string());
    }
    Some(reply)
}

fn throttle(rule: &FaultRule, api: Api, rid: &str) -> Reply {
    let code = rule.code.as_deref();
    match api.cloud() {
        Cloud::Baidu => cloud_error(
            api,
            status_or(rule.status, StatusCode::TOO_MANY_REQUESTS),
            code.unwrap_or(BAIDU_THROTTLE_CODE),
            "request rate limit exceeded, please retry later",
            rid,
        ),
        Cloud::Ucloud => cloud_error(
            api,
            status_or(rule.status, StatusCode::OK),
            code.unwrap_or(UCLOUD_THROTTLE_RETCODE),
            "request too frequent, please retry later",
            rid,
        ),
        Cloud::Tencent => cloud_error(
            api,
            status_or(rule.status, StatusCode::OK),
            code.unwrap_or("RequestLimitExceeded"),
            "Your current request times equals to `20` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.",
            rid,
        ),
    }
}

fn http_error(rule: &FaultRule, api: Api, rid: &str) -> Reply {
    let status = status_or(rule.status, StatusCode::SERVICE_UNAVAILABLE);
    let default_code = match (api.cloud(), status.as_u16()) {
        (Cloud::Ucloud, _) => "150",
        (_, 502) => "BadGateway",
        (_, 503) => "ServiceUnavailable",
        (_, 504) => "GatewayTimeout",
        _ => "InternalError",
    };
    let message = status
        .canonical_reason()
        .unwrap_or("server error")
        .to_ascii_lowercase();
    cloud_error(
        api,
        status,
        rule.code.as_deref().unwrap_or(default_code),
        &message,
        rid,
    )
}

fn html(status: u16) -> Reply {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{0}</title></head><body><h1>{0}</h1><hr><center>mock-gateway</center></body></html>\n",
        status
    );
    Reply {
        status,
        body: ReplyBody::Bytes(Bytes::from(page), "text/html; charset=utf-8"),
        headers: Vec::new(),
        code: None,
    }
}

/// `{"padding":"aaaa…"}` of about `mib` MiB, streamed in 64 KiB chunks from one shared buffer; with
/// its `Content-Length` when `announced`, else chunked.
fn oversized(mib: u64, announced: bool) -> Reply {
    const CHUNK: usize = 64 * 1024;
    const HEAD: &[u8] = b"{\"padding\":\"";
    const TAIL: &[u8] = b"\"}";
    let filler = Bytes::from(vec![b'a'; CHUNK]);
    let chunks = (mib as usize).saturating_mul(1024 * 1024) / CHUNK;
    let head = std::iter::once(Bytes::from_static(HEAD));
    let tail = std::iter::once(Bytes::from_static(TAIL));
    let body = head
        .chain(std::iter::repeat_n(filler, chunks))
        .chain(tail)
        .map(Ok::<_, std::io::Error>);
    let stream = futures_util::stream::iter(body);
    let mut headers = Vec::new();
    if announced {
        let len = HEAD.len() + chunks * CHUNK + TAIL.len();
        headers.push(("content-length", len.to_string()));
    }
    Reply {
        status: StatusCode::OK,
        body: ReplyBody::Stream(Body::from_stream(stream), "application/json"),
        headers,
        code: None,
    }
}

/// What `hostile_text` puts in every text field: an ANSI clear screen and cursor home, a BEL, CR/LF
/// and a forged diagnostic line ([`HOSTILE_FORGED_LINE`]), and a right-to-left override.
pub const HOSTILE_TEXT: &str = "\x1b[2J\x1b[H\x07image service unavailable\r\nError: forged by the cloud\r\n\u{202e}txet desrever\u{202c}";
/// The line `hostile_text` tries to forge.
pub const HOSTILE_FORGED_LINE: &str = "Error: forged by the cloud";

/// The cloud's error envelope with [`HOSTILE_TEXT`] in its code, message and request id (where the
/// envelope has them), the message padded to `mib` MiB with more escapes. Baidu answers 400, UCloud
/// RetCode 230 and Tencent `InvalidParameter…` (legacy: code 4000 with a hostile `codeDesc`), none of
/// which a client retries.
fn hostile_text(api: Api, mib: u64) -> Reply {
    let mut message = HOSTILE_TEXT.to_string();
    let target = (mib as usize).saturating_mul(1 << 20);
    const FILLER: &str = "\x1b[2J\x07 padding padding padding padding padding padding padding.";
    message.reserve(target.saturating_sub(message.len()));
    while message.len() < target {
        message.push_str(FILLER);
    }
    let code = format!("InvalidParameter{HOSTILE_TEXT}");
    let request_id = format!("rid-{HOSTILE_TEXT}");
    let (status, value, logged_code) = match api {
        Api::BaiduImages | Api::BaiduSpecImages => (
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "code": code, "message": message, "requestId": request_id }),
            "InvalidParameter",
        ),
        Api::Ucloud => (
            StatusCode::OK,
            serde_json::json!({ "Action": "DescribeImageResponse", "RetCode": 230, "Message": message }),
            "230",
        ),
        Api::TencentV3 => (
            StatusCode::OK,
            serde_json::json!({
                "Response": { "Error": { "Code": code, "Message": message }, "RequestId": request_id }
            }),
            "InvalidParameter",
        ),
        Api::TencentLegacy => (
            StatusCode::OK,
            serde_json::json!({ "code": 4000, "message": message, "codeDesc": code }),
            "4000",
        ),
    };
    // The request log (and the emulator's own log line) get the printable part of the code only.
    Reply::json(status, &value, Some(logged_code.to_string()))
}

/// The id of image `n` (0, 1, 2) of the `hostile_names` listing.
pub fn hostile_image_id(n: usize) -> String {
    format!("img-{n}{HOSTILE_TEXT}")
}

/// The name of image `n` of the `hostile_names` listing before padding (only image 0 is padded).
pub fn hostile_image_name(n: usize) -> String {
    format!("Ubuntu 22.04 {n} {HOSTILE_TEXT}")
}

/// A valid listing of three usable Ubuntu 22.04 x86_64 images (created 2024-01-01..03) whose ids and
/// names carry [`HOSTILE_TEXT`]; the first name padded to `mib` MiB with more escapes.
fn hostile_names(api: Api, mib: u64, request_id: &str) -> Reply {
    let target = (mib as usize).saturating_mul(1 << 20);
    let image = |n: usize| {
        let id = hostile_image_id(n);
        let mut name = hostile_image_name(n);
        while n == 0 && name.len() < target {
            name.push_str("\u{202e}\x1b[2J padding padding padding padding padding padding.");
        }
        let day = n + 1;
        match api {
            Api::BaiduImages => serde_json::json!({
                "id": id, "name": name, "type": "System", "osType": "linux", "osName": "Ubuntu",
                "osVersion": "22.04", "osArch": "x86_64 (64bit)", "status": "Available",
                "createTime": format!("2024-01-0{day}T00:00:00Z"),
            }),
            Api::BaiduSpecImages => serde_json::json!({
                "imageId": id, "imageName": name, "osType": "linux", "osName": "Ubuntu",
                "osVersion": "22.04", "osArch": "x86_64 (64bit)",
            }),
            Api::Ucloud => serde_json::json!({
                "ImageId": id, "ImageName": name, "OsType": "Linux", "OsName": "Ubuntu 22.04 64位",
                "ImageType": "Base", "State": "Available", "CreateTime": 1_704_067_200 + 86_400 * n as i64,
            }),
            Api::TencentLegacy | Api::TencentV3 => serde_json::json!({
                "ImageId": id, "ImageName": name, "ImageType": "PUBLIC_IMAGE", "OsName": "Ubuntu Server 22.04 LTS 64bit",
                "ImageState": "NORMAL", "Architecture": "x86_64", "Platform": "Ubuntu",
                "CreatedTime": format!("2024-01-0{day}T00:00:00Z"), "ImageCreator": "PUBLIC",
            }),
        }
    };
    let images: Vec<serde_json::Value> = (0..3).map(image).collect();
    let value = match api.cloud() {
        Cloud::Baidu => {
            serde_json::json!({ "marker": "", "isTruncated": false, "maxKeys": 1000, "images": images })
        }
        Cloud::Ucloud => serde_json::json!({
            "Action": "DescribeImageResponse", "RetCode": 0, "TotalCount": 3, "ImageSet": images
        }),
        Cloud::Tencent => serde_json::json!({
            "Response": { "ImageSet": images, "TotalCount": 3, "RequestId": request_id }
        }),
    };
    Reply::json(StatusCode::OK, &value, None)
}

/// `huge_pages` and `absurd_total`: the API's normal answer, still valid JSON of the right shape, made
/// hostile. Error answers (and anything that is not a listing page) pass unchanged.
pub fn hostile_listing(rule: &FaultRule, api: Api, mut reply: Reply) -> Reply {
    let Some(bytes) = reply.bytes().filter(|_| reply.status == StatusCode::OK) else {
        return reply;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return reply;
    };
    let changed = match rule.kind {
        FaultKind::HugePages => huge_page(&mut value, api, rule.mib.unwrap_or(4)),
        FaultKind::AbsurdTotal => absurd_total(&mut value, api, rule.by.unwrap_or(1_000_000)),
        _ => false,
    };
    if changed {
        // A full body, so the response carries its Content-Length.
        let ct = match reply.body {
            ReplyBody::Bytes(_, ct) | ReplyBody::Stream(_, ct) => ct,
        };
        let body = serde_json::to_vec(&value).unwrap_or_default();
        reply.body = ReplyBody::Bytes(Bytes::from(body), ct);
    }
    reply
}

/// Where a page's images are, per API.
fn image_set(api: Api) -> &'static str {
    match api.cloud() {
        Cloud::Baidu => "/images",
        Cloud::Ucloud => "/ImageSet",
        Cloud::Tencent => "/Response/ImageSet",
    }
}

/// Gives the page's images `mib` MiB of text in all, in their description (the spec API's images,
/// which have none, in their name).
fn huge_page(value: &mut serde_json::Value, api: Api, mib: u64) -> bool {
    let field = match api {
        Api::BaiduImages => "desc",
        Api::BaiduSpecImages => "imageName",
        Api::Ucloud | Api::TencentLegacy | Api::TencentV3 => "ImageDescription",
    };
    let Some(images) = value
        .pointer_mut(image_set(api))
        .and_then(|v| v.as_array_mut())
        .filter(|images| !images.is_empty())
    else {
        return false;
    };
    let share = (mib as usize).saturating_mul(1 << 20) / images.len();
    // Printable, varied text (not one repeated byte), as a long description would be; ASCII, so a byte
    // count is a character count.
    const WORDS: &str = "lorem ipsum dolor sit amet, consectetur adipiscing elit; ";
    let mut text = WORDS.repeat(share / WORDS.len() + 1);
    text.truncate(share);
    for image in images.iter_mut() {
        if let Some(obj) = image.as_object_mut() {
            obj.insert(field.to_string(), serde_json::Value::String(text.clone()));
        }
    }
    true
}

/// Claims a `TotalCount` of `total` and keeps only the page's first image.
fn absurd_total(value: &mut serde_json::Value, api: Api, total: u64) -> bool {
    let total_at = match api.cloud() {
        Cloud::Baidu => return false,
        Cloud::Ucloud => "/TotalCount",
        Cloud::Tencent => "/Response/TotalCount",
    };
    let Some(images) = value
        .pointer_mut(image_set(api))
        .and_then(|v| v.as_array_mut())
    else {
        return false;
    };
    images.truncate(1);
    match value.pointer_mut(total_at) {
        Some(t) => *t = total.into(),
        None => return false,
    }
    true
}

/// Valid JSON in the wrong shape for the API (the status stays 200).
pub fn wrong_shape(api: Api, request_id: &str) -> Reply {
    let value = match api.cloud() {
        Cloud::Baidu => serde_json::json!({
            "marker": 17, "isTruncated": "no", "maxKeys": "1000", "images": { "id": "m-wrong" }
        }),
        Cloud::Ucloud => serde_json::json!({
            "Action": "DescribeImageResponse", "RetCode": "0", "TotalCount": "many", "ImageSet": { "ImageId": 42 }
        }),
        Cloud::Tencent => serde_json::json!({
            "Response": { "ImageSet": "none", "TotalCount": -1, "RequestId": request_id }
        }),
    };
    Reply::json(StatusCode::OK, &value, None)
}

/// The first half of the answer, with a matching Content-Length: the HTTP exchange is complete
/// but the JSON is cut.
pub fn truncated(mut reply: Reply) -> Reply {
    if let ReplyBody::Bytes(b, ct) = &reply.body {
        let cut = b.slice(..b.len() / 2);
        reply.body = ReplyBody::Bytes(cut, ct);
    }
    reply
}

/// The first half of the answer, then the stream fails so the server drops the connection before
/// the body is complete.
pub fn reset(mut reply: Reply) -> Reply {
    if let ReplyBody::Bytes(b, ct) = &reply.body {
        let half = b.slice(..b.len() / 2);
        let len = b.len();
        let parts: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(half),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "mock: connection reset",
            )),
        ];
        reply.body = ReplyBody::Stream(Body::from_stream(futures_util::stream::iter(parts)), ct);
        reply.headers.push(("content-length", len.to_string()));
    }
    reply
}

fn status_or(status: Option<u16>, default: StatusCode) -> StatusCode {
    status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(default)
}
