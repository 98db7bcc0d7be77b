//! The committee API's bodies (both directions: the desk parses the portal's
//! answers as untrusted), the sign-in challenge text and the sealed envelope.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::case::Envelope;
use meldpunt::protocol::sign_in::Challenge;
use meldpunt::protocol::{
    AnswerRequest, AssignRequest, CaseDetail, CaseInfo, ChallengeRequest, HistoryEntry,
    MemberInfo, NotifySettings, RosterEntry, SignedIn, StatusRequest, WithdrawalInfo,
};
use meldpunt::notify::EmailAddress;

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
    let _ = serde_json::from_slice::<Vec<WithdrawalInfo>>(data);
    let _ = serde_json::from_slice::<SignedIn>(data);
    // Both sides parse the address in it again.
    if let Ok(NotifySettings { email: Some(e) }) = serde_json::from_slice(data) {
        let _ = EmailAddress::parse(&e);
    }
    let _ = Challenge::parse(data);
    let _ = Envelope::from_bytes(data, "case", 1);
});
