//! Domain types: the report a reporter writes, the sealed message envelope, the case
//! statuses and the deadlines of EU Directive 2019/1937 as the Dutch Wbk applies them.

mod choices;
mod envelope;
mod workflow;

pub use choices::{CloseReason, Concern, Hope, Ongoing, Role, Status};
pub use envelope::{
    AttachmentInfo, AuthorKind, Body, Envelope, EnvelopeError, MetadataNote, Removed, Report,
};
pub use workflow::{
    ACKNOWLEDGE_DAYS, FEEDBACK_MONTHS, TransitionError, Urgency, Workflow, acknowledge_by,
    add_months, feedback_by, next_deadline, transition, urgency,
};

/// A short random reference members use to talk about a case, e.g. `MP-7K2Q9X`.
/// It says nothing about order or time; uniqueness is enforced by the database.
pub fn new_reference() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = u32::from_be_bytes(crate::crypto::random_bytes::<4>());
    let mut out = String::from("MP-");
    for i in 0..6 {
        out.push(ALPHABET[((bits >> (i * 5)) & 31) as usize] as char);
    }
    out
}
