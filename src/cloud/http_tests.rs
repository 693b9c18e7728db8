//! Executor tests against the in-test server: retries, re-signing, timeouts, cancellation, caps.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::cloud::test_server::{Reply, TestServer};

fn executor(max_retries: u32, timeout_ms: u64) -> HttpExecutor {
    HttpExecutor::new(
        HttpSettings {
            max_retries,
            request_timeout: Duration::from_millis(timeout_ms),
        },
        CancellationToken::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .with_backoff(BackoffPolicy {
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
        retry_after_cap: Duration::from_millis(50),
    })
}

fn call() -> ApiCall {
    ApiCall {
        cloud: Cloud::UCloud,
        action: "DescribeImage",
        credential_id: "pubkey".into(),
    }
}

/// A GET to `url`, counting how many times it was built (i.e. signed).
fn builder(url: String, builds: Arc<AtomicU32>) -> impl FnMut() -> Result<HttpRequest, CloudError> {
    move || {
        let n = builds.fetch_add(1, Ordering::SeqCst);
        Ok(HttpRequest {
            method: reqwest::Method::GET,
            url: Url::parse(&url).map_err(|e| call().error(ErrorKind::Config, e.to_string()))?,
            headers: vec![("x-attempt".into(), n.to_string())],
            body: Vec::new(),
        })
    }
}

/// Status 200 → the body as text; otherwise an Api error with the status.
fn parse_text(resp: &HttpResponse) -> Result<String, CloudError> {
    if resp.status == 200 {
        Ok(String::from_utf8_lossy(&resp.body).into_owned())
    } else {
        Err(call()
            .error(ErrorKind::Api, resp.body_excerpt())
            .with_status(resp.status))
    }
}

#[tokio::test]
async fn retries_statuses_and_resigns_every_attempt() {
    // (statuses served in order, max_retries, expected outcome status or Ok, expected requests)
    let cases: &[(&[u16], u32, Option<u16>, usize)] = &[
        (&[200], 3, None, 1),
        (&[503, 502, 200], 3, None, 3),
        (&[500, 504, 429, 200], 3, None, 4),
        (&[503, 503, 503, 503], 2, Some(503), 3),
        (&[400, 200], 3, Some(400), 1),
        (&[501, 200], 3, Some(501), 1),
        (&[503, 200], 0, Some(503), 1),
    ];
    for (statuses, max_retries, want_err, want_requests) in cases {
        let statuses = statuses.to_vec();
        let server = TestServer::start(move |i, _| {
            let status = statuses.get(i).copied().unwrap_or(200);
            Reply::json(status, "ok")
        })
        .await;
        let builds = Arc::new(AtomicU32::new(0));
        let result = executor(*max_retries, 2000)
            .execute(&call(), builder(server.url(), builds.clone()), parse_text)
            .await;
        match want_err {
            None => assert_eq!(result.ok().as_deref(), Some("ok")),
            Some(status) => {
                let err = result.err().unwrap_or_else(|| panic!("expected an error"));
                assert_eq!(err.status(), Some(*status));
                assert_eq!(err.attempts() as usize, *want_requests);
                assert_eq!(err.credential_id(), Some("pubkey"));
            }
        }
        assert_eq!(server.count(), *want_requests);
        assert_eq!(builds.load(Ordering::SeqCst) as usize, *want_requests);
        // Each attempt carried its own freshly built request.
        let attempts: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.header("x-attempt").to_string())
            .collect();
        let expected: Vec<String> = (0..*want_requests).map(|i| i.to_string()).collect();
        assert_eq!(attempts, expected);
    }
}

#[tokio::test]
async fn per_attempt_timeout_is_retried_then_reported() {
    let server = TestServer::start(|_, _| Reply::json(200, "late").delayed(2000)).await;
    let started = Instant::now();
    let err = executor(1, 100)
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected a timeout"));
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn cancellation_returns_promptly() {
    let server = TestServer::start(|_, _| Reply::json(200, "late").delayed(10_000)).await;
    let exec = executor(3, 30_000);
    let token = exec.cancel_token().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = Instant::now();
    let err = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected cancellation"));
    assert!(err.is_cancelled());
    assert!(started.elapsed() < Duration::from_secs(1));
    // Already cancelled: no request at all.
    let before = server.count();
    let err = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected cancellation"));
    assert!(err.is_cancelled());
    assert_eq!(server.count(), before);
}

#[tokio::test]
async fn cancellation_interrupts_backoff() {
    let server = TestServer::start(|_, _| Reply::json(503, "busy")).await;
    let exec = executor(5, 2000).with_backoff(BackoffPolicy {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(30),
        retry_after_cap: Duration::from_secs(30),
    });
    let token = exec.cancel_token().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = Instant::now();
    let result = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    // A 30 s jittered sleep may draw ~0; then further attempts happen until the token fires.
    assert!(result
        .err()
        .is_some_and(|e| e.is_cancelled() || e.status() == Some(503)));
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_wins_over_backoff_and_is_capped() {
    let server = TestServer::start(|i, _| {
        if i == 0 {
            Reply::json(429, "slow down").header("retry-after", "3600")
        } else {
            Reply::json(200, "ok")
        }
    })
    .await;
    // Backoff alone would wait up to 30 s; Retry-After (1 h) is capped at 50 ms.
    let exec = executor(2, 2000).with_backoff(BackoffPolicy {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(30),
        retry_after_cap: Duration::from_millis(50),
    });
    let started = Instant::now();
    let got = exec
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn body_over_the_cap_is_too_large() {
    let server = TestServer::start(|_, _| Reply::json(200, "x".repeat(5000))).await;
    let err = executor(3, 2000)
        .with_max_body_bytes(1024)
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected too large"));
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert_eq!(server.count(), 1, "too large is not retried");
}

#[tokio::test]
async fn connection_refused_is_a_retried_network_error() {
    // Bind then drop to get a port nobody listens on.
    let addr = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}"))
    };
    let builds = Arc::new(AtomicU32::new(0));
    let err = executor(2, 2000)
        .execute(
            &call(),
            builder(format!("http://{addr}/?Signature=abc"), builds.clone()),
            parse_text,
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("expected a network error"));
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(builds.load(Ordering::SeqCst), 3);
    // The signed URL never reaches the error text; where it went does.
    let text = format!("{err} {err:?}");
    assert!(!text.contains("Signature=abc"), "{text}");
    assert!(
        err.message()
            .starts_with(&format!("request to http://{addr} failed: ")),
        "{}",
        err.message()
    );
}

#[test]
fn retry_after_parsing() {
    let cases = [
        ("120", Some(Duration::from_secs(120))),
        (" 0 ", Some(Duration::ZERO)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", Some(Duration::ZERO)), // in the past
        ("soon", None),
        ("-5", None),
    ];
    for (raw, want) in cases {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static(raw));
        assert_eq!(parse_retry_after(&h), want, "{raw}");
    }
    assert_eq!(parse_retry_after(&HeaderMap::new()), None);
}

#[test]
fn excerpts_are_short_and_printable() {
    assert_eq!(excerpt(b""), "<empty body>");
    assert_eq!(excerpt(b"<html>\n<h1>502</h1>"), "<html> <h1>502</h1>");
    let long = excerpt("é".repeat(1000).as_bytes());
    assert_eq!(long.chars().count(), 201);
    assert!(long.ends_with('…'));
    assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
}

#[tokio::test]
async fn announced_bodies_that_do_not_fit_the_budget_are_refused_unread() {
    let server = TestServer::start(|_, _| Reply::json(200, "x".repeat(5000))).await;
    let budget = crate::cloud::budget::ResponseBudget::new(4096);
    let err = executor(3, 2000)
        .with_budget(budget.clone())
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await
        .err()
        .unwrap_or_else(|| panic!("expected over budget"));
    assert_eq!(err.kind(), ErrorKind::OverBudget);
    assert_eq!(server.count(), 1, "over budget is not retried");
    assert_eq!(
        err.message(),
        "a response of 5 KiB would take the provider past its response budget of 4 KiB (0 KiB already held by reads in flight and cached listings)"
    );
    assert_eq!(err.status(), Some(200));
    assert_eq!(budget.used(), 0);
    assert_eq!(
        budget.peak(),
        0,
        "nothing was charged: the body was never read"
    );
}

#[tokio::test]
async fn charged_values_keep_their_footprint_and_give_back_the_body() {
    // A JSON string of 5000 characters.
    let server =
        TestServer::start(|_, _| Reply::json(200, format!("\"{}\"", "x".repeat(5000)))).await;
    let budget = crate::cloud::budget::ResponseBudget::new(1 << 20);
    let http = executor(0, 2000).with_budget(budget.clone());
    let got = http
        .execute_charged(&call(), builder(server.url(), Arc::default()), |resp| {
            parse_text(resp).map(|s| s[..1000].to_string())
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got.charge.bytes(),
        (std::mem::size_of::<String>() + 1000) as u64
    );
    assert_eq!(budget.used(), got.charge.bytes());
    // Body (5000) and parse reserve (text + scratch + one value) were held at once, then given back.
    assert!(budget.peak() >= 5002 + 3 * 5000, "{}", budget.peak());
    drop(got);
    assert_eq!(budget.used(), 0);
    let plain = http
        .execute(&call(), builder(server.url(), Arc::default()), parse_text)
        .await;
    assert_eq!(plain.map(|s| s.len()).ok(), Some(5002));
    assert_eq!(budget.used(), 0, "a plain execute keeps nothing charged");
}

#[tokio::test]
async fn a_body_that_would_expand_past_the_budget_is_not_parsed() {
    // 60 KB of empty objects: a wire struct each would be tens of MB.
    let body = format!("[{}{{}}]", "{},".repeat(20_000));
    let server = TestServer::start(move |_, _| Reply::json(200, body.clone())).await;
    let budget = crate::cloud::budget::ResponseBudget::new(1 << 20);
    let parsed = Arc::new(AtomicU32::new(0));
    let seen = parsed.clone();
    let err = executor(3, 2000)
        .with_budget(budget.clone())
        .execute(
            &call(),
            builder(server.url(), Arc::default()),
            move |resp| {
                seen.fetch_add(1, Ordering::SeqCst);
                parse_text(resp)
            },
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("expected over budget"));
    assert_eq!(err.kind(), ErrorKind::OverBudget);
    assert!(
        err.message()
            .starts_with("parsing this 59 KiB response would take"),
        "{}",
        err.message()
    );
    assert_eq!(parsed.load(Ordering::SeqCst), 0);
    assert_eq!((server.count(), budget.used()), (1, 0));
}
