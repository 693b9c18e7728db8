//! The one handler behind every cloud request: read the body (capped), classify the request by
//! shape, apply latency and faults, run the API's handler, stamp the request id, log, answer.
//! Knows no cloud's parameters or signatures: it only routes to the modules that do.

use std::sync::Arc;
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{classify, Api, Shape};
use super::context::Ctx;
use super::fault_replies;
use super::faults::FaultKind;
use super::log::{without_signature, LoggedRequest};
use super::reply::{cloud_error, request_id_header};
use super::request::{param, Incoming, MAX_BODY_BYTES};
use super::state::Shared;
use super::{baidu, tencent, ucloud};

/// Default delay of a `slow` fault.
const DEFAULT_SLOW_MS: u64 = 2000;

/// Axum fallback: every request that is not under `/_mock/`.
pub async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let path = percent_encoding::percent_decode_str(parts.uri.path())
        .decode_utf8_lossy()
        .into_owned();
    let req = Incoming {
        method: parts.method,
        path,
        raw_query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts.headers,
        body,
    };
    let Some(shape) = classify(&req) else {
        // Only Baidu's API is routed by path, so an unknown path gets BCE's error envelope
        // ({code, message, requestId}; bce-python-sdk reads all three), as the BCC error page shows.
        let request_id = shared.next_request_id();
        let message = format!(
            "The resource you requested does not exist: {} {}",
            req.method, req.path
        );
        return cloud_error(
            Api::BaiduImages,
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            &message,
            &request_id,
        )
        .with_header("x-bce-request-id", request_id.clone())
        .into_response();
    };
    let request_id = shared.next_request_id();
    let (latency, fault) = {
        let mut faults = shared.faults();
        (faults.latency_ms, faults.take(&shape))
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if let Some(f) = fault.as_ref().filter(|f| f.kind == FaultKind::Slow) {
        tokio::time::sleep(Duration::from_millis(f.ms.unwrap_or(DEFAULT_SLOW_MS))).await;
    }

    let reply = match fault
        .as_ref()
        .and_then(|f| fault_replies::replacement(f, shape.api, &request_id))
    {
        Some(r) => r,
        None => {
            let ctx = Ctx {
                req: &req,
                shape: &shape,
                request_id: &request_id,
                now: chrono::Utc::now().timestamp(),
                creds: &shared.creds,
                fault: fault.as_ref(),
                shapes: shared.shapes,
            };
            let reply = match shape.api {
                Api::BaiduImages | Api::BaiduSpecImages => baidu::handle(&ctx),
                Api::Ucloud => ucloud::handle(&ctx),
                Api::TencentLegacy => tencent::legacy::handle(&ctx),
                Api::TencentV3 => tencent::v3::handle(&ctx),
            };
            match fault.as_ref().map(|f| f.kind) {
                Some(FaultKind::Truncated) => fault_replies::truncated(reply),
                Some(FaultKind::Reset) => fault_replies::reset(reply),
                Some(FaultKind::WrongShape) => fault_replies::wrong_shape(shape.api, &request_id),
                Some(FaultKind::HugePages | FaultKind::AbsurdTotal) => match fault.as_ref() {
                    Some(f) => fault_replies::hostile_listing(f, shape.api, reply),
                    None => reply,
                },
                _ => reply,
            }
        }
    };
    let mut reply = reply.json_for(shape.api);
    if let Some(name) = request_id_header(shape.api.cloud()) {
        reply.headers.push((name, request_id.clone()));
    }

    let entry = LoggedRequest {
        seq: 0,
        cloud: shape.api.cloud().as_str().to_string(),
        api: shape.api,
        action: shape.action.clone(),
        method: req.method.to_string(),
        path: req.path.clone(),
        params: logged_params(&req, &shape),
        credential: credential_id(&req, &shape),
        status: reply.status.as_u16(),
        code: reply.code.clone(),
        request_id: request_id.clone(),
        fault: fault.as_ref().map(|f| f.kind.as_str().to_string()),
    };
    tracing::info!(
        cloud = %entry.cloud, action = %entry.action, status = entry.status,
        code = entry.code.as_deref().unwrap_or(""), fault = entry.fault.as_deref().unwrap_or(""),
        request_id = %request_id, "mock request"
    );
    shared.log().push(entry);
    reply.into_response()
}

/// Parameters as the API saw them, without `Signature`.
fn logged_params(req: &Incoming, shape: &Shape) -> Vec<(String, String)> {
    match shape.api {
        Api::BaiduImages | Api::BaiduSpecImages => req.query_pairs(),
        Api::Ucloud | Api::TencentLegacy => without_signature(&req.params()),
        // TC3 over POST carries a JSON body; TC3 over GET and signature v1 carry pairs.
        Api::TencentV3 if req.method == Method::POST && req.form_pairs().is_empty() => {
            let mut p = tencent::v3::flatten(&req.body);
            if let Some(region) = req.header("x-tc-region") {
                p.push(("Region".into(), region.to_string()));
            }
            p
        }
        Api::TencentV3 => {
            let mut p = without_signature(&req.params());
            if let Some(region) = req.header("x-tc-region") {
                p.push(("Region".into(), region.to_string()));
            }
            p
        }
    }
}

/// The key id the request claims (not verified), for the log.
fn credential_id(req: &Incoming, shape: &Shape) -> Option<String> {
    match shape.api {
        Api::BaiduImages | Api::BaiduSpecImages => req
            .header("authorization")
            .and_then(|a| a.split('/').nth(1))
            .map(str::to_string),
        Api::Ucloud => param(&req.params(), "PublicKey").map(str::to_string),
        Api::TencentLegacy => param(&req.params(), "SecretId").map(str::to_string),
        Api::TencentV3 => req
            .header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split('/').next())
            .map(str::to_string)
            .or_else(|| param(&req.params(), "SecretId").map(str::to_string)),
    }
}
