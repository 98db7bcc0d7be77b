//! The committee API's bodies (both directions: the desk parses the portal's
//! answers as untrusted), the sign-in challenge text and the sealed envelope.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::case::Envelope;
use meldpunt::protocol::sign_in::Challenge;
use meldpunt::protocol::{
    AnswerRequest, AssignRequest, CaseDetail, CaseInfo, ChallengeRequest, FloodDay, HistoryEntry,
    MemberInfo, RosterEntry, SignedIn, StatusRequest,
};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<ChallengeRequest>(data);
    let _ = serde_json::from_slice::<AnswerRequest>(data);
    let _ = serde_json::from_slice::<StatusRequest>(data);
    let _ = serde_json::from_slice::<AssignRequest>(data);
    let _ = serde_json::from_slice::<Vec<CaseInfo>>(data);
    let _ = serde_json::from_slice::<CaseDetail>(data);
    let _ = serde_json::from_slice::<Vec<MemberInfo>>(data);
    let _ = serde_json::from_slice::<Vec<RosterEntry>>(data);
    let _ = serde_json::from_slice::<Vec<HistoryEntry>>(data);
    let _ = serde_json::from_slice::<Vec<FloodDay>>(data);
    let _ = serde_json::from_slice::<SignedIn>(data);
    let _ = Challenge::parse(data);
    let _ = Envelope::from_bytes(data, "case", 1);
});
