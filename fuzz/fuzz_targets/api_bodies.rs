//! The committee API's request bodies and the sealed message envelope.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::case::Envelope;
use meldpunt::web::api::{AnswerRequest, AssignRequest, ChallengeRequest, StatusRequest};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<ChallengeRequest>(data);
    let _ = serde_json::from_slice::<AnswerRequest>(data);
    let _ = serde_json::from_slice::<StatusRequest>(data);
    let _ = serde_json::from_slice::<AssignRequest>(data);
    let _ = Envelope::from_bytes(data, "case", 1);
});
