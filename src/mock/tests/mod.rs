//! In-process tests: reqwest against a [`MockServer`], every request signed with the provider's own
//! pure signers, one file per API plus faults and the control API. `Client` is the one helper per
//! boundary; knobs (`Sign`) let a test break one thing at a time.

mod baidu;
mod control;
mod faults;
mod tencent_legacy;
mod tencent_v3;
mod ucloud;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::credentials::{
    BAIDU_AK, BAIDU_SK, TENCENT_ID, TENCENT_KEY, UCLOUD_PRIVATE, UCLOUD_PUBLIC,
};
use super::{MockConfig, MockServer};
use crate::cloud::baidu::sign::{authorization as bce_authorization, BceSigningInput};
use crate::cloud::tencent::sign_tc3::{authorization as tc3_authorization, Tc3Input};
use crate::cloud::tencent::sign_v1::{signature as v1_signature, SignatureMethod};
use crate::cloud::ucloud::sign::signature as ucloud_signature;

/// How to sign: which key pair, what time offset, and deliberate breakage.
#[derive(Clone)]
pub struct Sign {
    pub id: String,
    pub secret: String,
    /// Seconds added to "now" for the signature's timestamp.
    pub skew: i64,
    /// Sign for this host instead of the one sent.
    pub host: Option<String>,
    /// Omit the signature entirely.
    pub unsigned: bool,
}

impl Sign {
    pub fn with(id: &str, secret: &str) -> Sign {
        Sign {
            id: id.into(),
            secret: secret.into(),
            skew: 0,
            host: None,
            unsigned: false,
        }
    }
    pub fn baidu() -> Sign {
        Sign::with(BAIDU_AK, BAIDU_SK)
    }
    pub fn ucloud() -> Sign {
        Sign::with(UCLOUD_PUBLIC, UCLOUD_PRIVATE)
    }
    pub fn tencent() -> Sign {
        Sign::with(TENCENT_ID, TENCENT_KEY)
    }
    pub fn skew(mut self, secs: i64) -> Sign {
        self.skew = secs;
        self
    }
    pub fn host(mut self, host: &str) -> Sign {
        self.host = Some(host.into());
        self
    }
    pub fn unsigned(mut self) -> Sign {
        self.unsigned = true;
        self
    }
}

/// An HTTP answer: status, headers and the body parsed as JSON (`Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

/// Request parameters as a test writes them.
pub type Params<'a> = &'a [(&'a str, &'a str)];
/// Owned list of request parameters.
pub type ParamVec<'a> = Vec<(&'a str, &'a str)>;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A client for one running emulator.
pub struct Client {
    pub http: reqwest::Client,
    pub server: MockServer,
}

impl Client {
    pub async fn start() -> Client {
        Client::start_with(MockConfig::default()).await
    }

    pub async fn start_with(config: MockConfig) -> Client {
        let server = MockServer::start(config).await.expect("mock starts");
        Client {
            http: reqwest::Client::new(),
            server,
        }
    }

    fn host(&self) -> String {
        self.server.addr().to_string()
    }

    /// Signed Baidu GET of `path` with `query`.
    pub async fn baidu(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.baidu_signed(path, query, &Sign::baidu()).await
    }

    pub async fn baidu_signed(&self, path: &str, query: &[(&str, &str)], sign: &Sign) -> Answer {
        let ts = chrono::DateTime::from_timestamp(now() + sign.skew, 0)
            .expect("valid time")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let host = sign.host.clone().unwrap_or_else(|| self.host());
        let headers = pairs(&[("host", &host), ("x-bce-date", &ts)]);
        let q = pairs(query);
        let auth = bce_authorization(&BceSigningInput {
            method: "GET",
            path,
            query: &q,
            headers: &headers,
            access_key: &sign.id,
            secret_key: &sign.secret,
            timestamp: &ts,
            expiration_secs: 1800,
        });
        let mut req = self
            .http
            .get(format!("{}{path}", self.server.url()))
            .query(&q)
            .header("x-bce-date", &ts);
        if !sign.unsigned {
            req = req.header("authorization", auth);
        }
        answer(req.send().await.expect("request sent")).await
    }

    /// Signed UCloud POST form (Action also repeated in the query, as the SDK does).
    pub async fn ucloud(&self, params: &[(&str, &str)]) -> Answer {
        self.ucloud_signed(params, &Sign::ucloud()).await
    }

    pub async fn ucloud_signed(&self, params: &[(&str, &str)], sign: &Sign) -> Answer {
        let form = self.ucloud_form(params, sign);
        let action: Vec<(String, String)> = form
            .iter()
            .filter(|(k, _)| k == "Action")
            .cloned()
            .collect();
        let req = self
            .http
            .post(self.server.url() + "/")
            .query(&action)
            .form(&form);
        answer(req.send().await.expect("request sent")).await
    }

    pub fn ucloud_form(&self, params: &[(&str, &str)], sign: &Sign) -> Vec<(String, String)> {
        let mut form = pairs(params);
        form.push(("PublicKey".into(), sign.id.clone()));
        if !sign.unsigned {
            let sig = ucloud_signature(&form, &sign.secret);
            form.push(("Signature".into(), sig));
        }
        form
    }

    /// Signed Tencent legacy request (`GET` query or `POST` form) with the common parameters added.
    pub async fn legacy(&self, method: &str, params: &[(&str, &str)]) -> Answer {
        self.legacy_signed(
            method,
            params,
            &Sign::tencent(),
            SignatureMethod::HmacSha256,
        )
        .await
    }

    pub async fn legacy_signed(
        &self,
        method: &str,
        params: &[(&str, &str)],
        sign: &Sign,
        alg: SignatureMethod,
    ) -> Answer {
        let mut all = pairs(&[
            ("Action", "DescribeImages"),
            ("Version", "2017-03-12"),
            ("Region", "ap-guangzhou"),
            ("Nonce", "4711"),
        ]);
        for (k, v) in params {
            all.retain(|(ak, _)| ak != k);
            all.push((k.to_string(), v.to_string()));
        }
        all.retain(|(_, v)| v != "<drop>");
        all.push(("Timestamp".into(), (now() + sign.skew).to_string()));
        all.push(("SecretId".into(), sign.id.clone()));
        if alg == SignatureMethod::HmacSha256 {
            all.push(("SignatureMethod".into(), "HmacSHA256".into()));
        }
        let host = sign.host.clone().unwrap_or_else(|| self.host());
        if !sign.unsigned {
            let sig = v1_signature(method, &host, "/v2/index.php", &all, &sign.secret, alg);
            all.push(("Signature".into(), sig));
        }
        let url = format!("{}/v2/index.php", self.server.url());
        let req = if method == "POST" {
            self.http.post(url).form(&all)
        } else {
            self.http.get(url).query(&all)
        };
        answer(req.send().await.expect("request sent")).await
    }

    /// Signed API 3.0 `DescribeImages` with `body` in `region`.
    pub async fn v3(&self, body: &Value) -> Answer {
        self.v3_signed("ap-guangzhou", "DescribeImages", body, &Sign::tencent())
            .await
    }

    pub async fn v3_signed(&self, region: &str, action: &str, body: &Value, sign: &Sign) -> Answer {
        let payload = body.to_string();
        let ts = now() + sign.skew;
        let host = sign.host.clone().unwrap_or_else(|| self.host());
        let ct = "application/json; charset=utf-8";
        let auth = tc3_authorization(&Tc3Input {
            method: "POST",
            host: &host,
            canonical_query: "",
            content_type: ct,
            payload: payload.as_bytes(),
            service: "cvm",
            timestamp: ts,
            secret_id: &sign.id,
            secret_key: &sign.secret,
        });
        let mut req = self
            .http
            .post(self.server.url() + "/")
            .header("content-type", ct)
            .header("x-tc-action", action)
            .header("x-tc-version", "2017-03-12")
            .header("x-tc-timestamp", ts.to_string())
            .header("x-tc-region", region)
            .body(payload);
        if !sign.unsigned {
            req = req.header("authorization", auth);
        }
        answer(req.send().await.expect("request sent")).await
    }

    /// A raw request to the emulator (control API, unsigned probes).
    pub async fn raw(&self, method: reqwest::Method, path: &str, body: Option<&str>) -> Answer {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.server.url()));
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        answer(req.send().await.expect("request sent")).await
    }
}

/// The string at a JSON pointer (empty when absent).
pub fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The integer at a JSON pointer (-1 when absent).
pub fn n(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(-1)
}

/// The array at a JSON pointer (empty when absent).
pub fn list<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
