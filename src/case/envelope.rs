//! What a sealed message holds: the report, a later text, and what it says about
//! its files. The portal, the desk and the tests all read and write this one shape.

use serde::{Deserialize, Serialize};

use super::choices::{Concern, Hope, Ongoing, Role};

/// A report as the reporter filled it in; only ever stored sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub role: Option<Role>,
    pub concerns: Vec<Concern>,
    pub what: String,
    pub org_kind: String,
    pub municipality: String,
    pub org_name: String,
    pub when: String,
    pub ongoing: Option<Ongoing>,
    pub affected: String,
    pub elsewhere: String,
    pub hope: Option<Hope>,
    pub contact: String,
}

/// Who wrote a message, as stored in plaintext for the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Reporter,
    Committee,
    /// Internal note: sealed to the committee only.
    Note,
}

impl AuthorKind {
    pub fn key(self) -> &'static str {
        match self {
            AuthorKind::Reporter => "reporter",
            AuthorKind::Committee => "committee",
            AuthorKind::Note => "note",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Reporter, Self::Committee, Self::Note]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// What a sealed message holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// The first message of a case.
    Report(Report),
    /// Any later message: a reporter's follow-up, a committee reply or note.
    Text { text: String },
}

/// The plaintext inside every ciphertext. The case id and sequence number bind the
/// ciphertext to its row: a blob copied into another case or position fails to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// 1: the first format; 2: a report also carries the reporter's recipient.
    pub v: u32,
    pub case: String,
    pub seq: i64,
    pub body: Body,
    /// The reporter's age recipient, sealed inside the report (version 2) so that a
    /// desk never has to take it from the portal: replies are sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Files sent with the message: their names, types, sizes and hashes exist only here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the message document is not valid: {0}")]
    Json(serde_json::Error),
    #[error("the message belongs to another case or position")]
    Misplaced,
    #[error("unknown message version {0}")]
    Version(u32),
}

impl From<serde_json::Error> for EnvelopeError {
    fn from(e: serde_json::Error) -> Self {
        EnvelopeError::Json(e)
    }
}

impl Envelope {
    /// The current version of the envelope format.
    pub const VERSION: u32 = 2;

    pub fn new(case: &str, seq: i64, body: Body) -> Self {
        Self {
            v: Self::VERSION,
            case: case.to_owned(),
            seq,
            body,
            reporter: None,
            attachments: Vec::new(),
        }
    }

    /// Seals the reporter's recipient into the envelope (the report carries it).
    pub fn with_reporter(mut self, reporter: &crate::crypto::Recipient) -> Self {
        self.reporter = Some(reporter.to_string());
        self
    }

    pub fn with_attachments(mut self, attachments: Vec<AttachmentInfo>) -> Self {
        self.attachments = attachments;
        self
    }

    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(serde_json::to_vec(self).expect("envelopes always serialise"))
    }

    /// Reads a decrypted envelope and checks it belongs where it was found.
    pub fn from_bytes(bytes: &[u8], case: &str, seq: i64) -> Result<Self, EnvelopeError> {
        let env: Envelope = serde_json::from_slice(bytes)?;
        if !(1..=Self::VERSION).contains(&env.v) {
            return Err(EnvelopeError::Version(env.v));
        }
        if env.case != case || env.seq != seq {
            return Err(EnvelopeError::Misplaced);
        }
        Ok(env)
    }
}
/// What a message says about one of its files; sealed with the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub metadata: MetadataNote,
}

/// What happened to a file's metadata, shown to the reporter and the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum MetadataNote {
    /// These kinds of metadata were found and removed.
    Removed { what: Vec<Removed> },
    /// The file was checked and held none of the metadata we remove.
    NothingFound,
    /// A kind of file we cannot check: it may still hold information about its maker.
    NotChecked,
    /// The file could not be read (damaged, encrypted or too complex): stored as received.
    CouldNotCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Removed {
    Exif,
    Xmp,
    Iptc,
    Comments,
    TextChunks,
    Author,
    LastEditor,
    Company,
    DocumentProperties,
    PdfInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_refuses_to_open_in_another_case_or_position() {
        let env = Envelope::new("abc", 2, Body::Text { text: "hi".into() });
        let bytes = env.to_bytes();
        assert_eq!(Envelope::from_bytes(&bytes, "abc", 2).unwrap(), env);
        assert!(matches!(
            Envelope::from_bytes(&bytes, "abd", 2),
            Err(EnvelopeError::Misplaced)
        ));
        assert!(matches!(
            Envelope::from_bytes(&bytes, "abc", 3),
            Err(EnvelopeError::Misplaced)
        ));
    }
}
