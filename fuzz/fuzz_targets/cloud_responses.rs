//! libFuzzer target for every cloud API's response decoding (`cloud::fuzzing::decode_page`): the first
//! byte picks the API, the next two the HTTP status (mod 600), the rest is the body. Whatever the bytes,
//! the decoder returns images or an error — a panic is the failure libFuzzer reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_cloudimage::cloud::fuzzing::{decode_page, ResponseApi};

fuzz_target!(|data: &[u8]| {
    let [selector, hi, lo, body @ ..] = data else {
        return;
    };
    let api = ResponseApi::ALL[usize::from(*selector) % ResponseApi::ALL.len()];
    let status = (u16::from(*hi) << 8 | u16::from(*lo)) % 600;
    let _ = decode_page(api, status, Some("fuzz-request-id"), body);
});
