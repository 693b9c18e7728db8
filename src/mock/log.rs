//! The request log behind `GET /_mock/requests`: one entry per cloud API request (never a control
//! request), bounded so soak tests cannot grow it without limit. Signatures are never recorded.
//! Knows nothing of how requests are answered.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::api::Api;

/// Entries kept; older ones are dropped first.
pub const LOG_CAPACITY: usize = 10_000;
/// Longest parameter value kept in an entry (longer values are cut, marked with `…`).
const MAX_VALUE_CHARS: usize = 256;

/// One logged request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// 1, 2, 3… since start (not reset by `clear`).
    pub seq: u64,
    /// `baidu`, `ucloud` or `tencent`.
    pub cloud: String,
    pub api: Api,
    pub action: String,
    pub method: String,
    pub path: String,
    /// Query/form parameters, or the flattened JSON body of API 3.0 (`Filters.0.Name`, …), in
    /// received order; `Signature` left out.
    pub params: Vec<(String, String)>,
    /// The key id used (`ak`, `PublicKey`, `SecretId`), when one was sent.
    pub credential: Option<String>,
    pub status: u16,
    /// The cloud's error code or RetCode; `None` on success.
    pub code: Option<String>,
    pub request_id: String,
    /// The fault applied, if any (`throttle`, `slow`, …).
    pub fault: Option<String>,
}

/// A bounded FIFO of [`LoggedRequest`].
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    next_seq: u64,
}

impl RequestLog {
    /// Appends an entry (assigning `seq`), dropping the oldest beyond [`LOG_CAPACITY`].
    pub fn push(&mut self, mut entry: LoggedRequest) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        for (_, v) in entry.params.iter_mut() {
            if v.chars().count() > MAX_VALUE_CHARS {
                *v = v
                    .chars()
                    .take(MAX_VALUE_CHARS)
                    .chain(std::iter::once('…'))
                    .collect();
            }
        }
        if self.entries.len() >= LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Drops `Signature` (any case) from logged parameters.
pub fn without_signature(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("signature"))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> LoggedRequest {
        LoggedRequest {
            seq: 0,
            cloud: "ucloud".into(),
            api: Api::Ucloud,
            action: "DescribeImage".into(),
            method: "POST".into(),
            path: "/".into(),
            params: vec![("Long".into(), "x".repeat(1000))],
            credential: None,
            status: 200,
            code: None,
            request_id: "r".into(),
            fault: None,
        }
    }

    #[test]
    fn bounded_numbered_and_truncated() {
        let mut log = RequestLog::default();
        for _ in 0..LOG_CAPACITY + 5 {
            log.push(entry());
        }
        let snap = log.snapshot();
        assert_eq!(snap.len(), LOG_CAPACITY);
        assert_eq!(snap[0].seq, 6);
        assert!(snap[0].params[0].1.chars().count() <= MAX_VALUE_CHARS + 1);
        log.clear();
        log.push(entry());
        assert_eq!(log.snapshot()[0].seq, LOG_CAPACITY as u64 + 6);
    }

    #[test]
    fn signature_is_never_logged() {
        let p = vec![
            ("Signature".to_string(), "abc".to_string()),
            ("A".to_string(), "1".to_string()),
        ];
        assert_eq!(
            without_signature(&p),
            vec![("A".to_string(), "1".to_string())]
        );
    }
}
