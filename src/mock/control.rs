//! The control API under `/_mock/`: read and change faults, read and clear the request log, and a
//! health probe. JSON in, JSON out. Knows nothing of the clouds' APIs.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::faults::{FaultConfig, FaultRule};
use super::state::Shared;

/// The `/_mock/...` routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/_mock/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route(
            "/_mock/faults",
            get(get_faults)
                .put(put_faults)
                .post(post_faults)
                .delete(delete_faults),
        )
        .route("/_mock/requests", get(get_requests).delete(delete_requests))
}

fn bad_request(msg: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": msg })),
    )
        .into_response()
}

/// `GET /_mock/faults`: the current configuration (rules with their remaining `times`).
async fn get_faults(State(s): State<Arc<Shared>>) -> Json<FaultConfig> {
    Json(s.faults().clone())
}

/// `PUT /_mock/faults` with a [`FaultConfig`]: replaces latency and rules.
async fn put_faults(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let cfg: FaultConfig = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return bad_request(format!("invalid fault config: {e}")),
    };
    if let Err(e) = cfg.validate() {
        return bad_request(e.to_string());
    }
    *s.faults() = cfg.clone();
    Json(cfg).into_response()
}

/// `POST /_mock/faults` with one rule or an array of rules: appends them.
async fn post_faults(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let rules: Result<Vec<FaultRule>, _> = if first == Some(&b'[') {
        serde_json::from_slice(&body)
    } else {
        serde_json::from_slice::<FaultRule>(&body).map(|r| vec![r])
    };
    let rules = match rules {
        Ok(r) => r,
        Err(e) => return bad_request(format!("invalid fault rule: {e}")),
    };
    if let Err(e) = rules.iter().try_for_each(FaultRule::validate) {
        return bad_request(e.to_string());
    }
    let mut faults = s.faults();
    faults.rules.extend(rules);
    Json(faults.clone()).into_response()
}

/// `DELETE /_mock/faults`: no latency, no rules.
async fn delete_faults(State(s): State<Arc<Shared>>) -> StatusCode {
    *s.faults() = FaultConfig::default();
    StatusCode::NO_CONTENT
}

/// `GET /_mock/requests`: the log, oldest first.
async fn get_requests(State(s): State<Arc<Shared>>) -> Response {
    Json(s.log().snapshot()).into_response()
}

/// `DELETE /_mock/requests`: empties the log.
async fn delete_requests(State(s): State<Arc<Shared>>) -> StatusCode {
    s.log().clear();
    StatusCode::NO_CONTENT
}
