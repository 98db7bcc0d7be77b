//! What a sealed message holds: the report, a later text, and what it says about
//! its files. The portal, the desk and the tests all read and write this one shape.

use serde::{Deserialize, Serialize};

use super::choices::{Concern, Hope, Ongoing, Role};

/// A report as the reporter filled it in; only ever stored sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Who the reporter is, if they said.
    pub role: Option<Role>,
    /// What the concern is about (one or more).
    pub concerns: Vec<Concern>,
    /// What happened, in their words.
    pub what: String,
    /// The kind of organisation.
    pub org_kind: String,
    /// Where it happened.
    pub municipality: String,
    /// The organisation's name.
    pub org_name: String,
    /// When it happened.
    pub when: String,
    /// Whether it is still going on.
    pub ongoing: Option<Ongoing>,
    /// Who is affected.
    pub affected: String,
    /// Where else it was reported, and what happened there.
    pub elsewhere: String,
    /// What the reporter hopes for.
    pub hope: Option<Hope>,
    /// Contact details, only if the reporter gives up anonymity.
    pub contact: String,
}

/// Who wrote a message, as stored in plaintext for the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    /// The reporter: the report and follow-ups.
    Reporter,
    /// A member's reply, sealed to the committee and the reporter.
    Committee,
    /// Internal note: sealed to the committee only.
    Note,
}

impl AuthorKind {
    /// The value stored in the `author_kind` column.
    pub fn key(self) -> &'static str {
        match self {
            AuthorKind::Reporter => "reporter",
            AuthorKind::Committee => "committee",
            AuthorKind::Note => "note",
        }
    }

    /// The kind stored as `key`, if any.
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
    Text {
        /// What was written, as typed.
        text: String,
    },
}

/// The plaintext inside every ciphertext. The case id and sequence number bind the
/// ciphertext to its row: a blob copied into another case or position fails to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// 1: the first format; 2: a report also carries the reporter's recipient.
    pub v: u32,
    /// The id of the case the message belongs to.
    pub case: String,
    /// The message's position in its case.
    pub seq: i64,
    /// What the message says.
    pub body: Body,
    /// The reporter's age recipient, sealed inside the report (version 2) so that a
    /// desk never has to take it from the portal: replies are sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Files sent with the message: their names, types, sizes and hashes exist only here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentInfo>,
    /// The language the reporter wrote the report in (`nl` or `en`), sealed in so
    /// the desk can show it and preview a reply as the reporter will see it; the
    /// portal keeps no plaintext record of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The committee members the reporter left out (conflicts of interest), by name,
    /// sealed into the report: a desk subtracts them from the pinned roster when it
    /// seals for the case, so a portal that forgets the exclusion is caught.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

/// Why a decrypted message was refused.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// The plaintext is not an envelope.
    #[error("the message document is not valid: {0}")]
    Json(serde_json::Error),
    /// The envelope names another case or position than the row it was found in.
    #[error("the message belongs to another case or position")]
    Misplaced,
    /// A format version this build does not know.
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

    /// An envelope for message `seq` of `case`, without files.
    pub fn new(case: &str, seq: i64, body: Body) -> Self {
        Self {
            v: Self::VERSION,
            case: case.to_owned(),
            seq,
            body,
            reporter: None,
            attachments: Vec::new(),
            lang: None,
            left_out: Vec::new(),
        }
    }

    /// Seals the reporter's language into the envelope (the report carries it).
    pub fn with_lang(mut self, lang: crate::i18n::Lang) -> Self {
        self.lang = Some(lang.code().to_owned());
        self
    }

    /// Seals the names of the members the reporter left out into the report.
    pub fn with_left_out(mut self, names: &[String]) -> Self {
        self.left_out = names.to_vec();
        self
    }

    /// Seals the reporter's recipient into the envelope (the report carries it).
    pub fn with_reporter(mut self, reporter: &crate::crypto::Recipient) -> Self {
        self.reporter = Some(reporter.to_string());
        self
    }

    /// The same envelope listing these files.
    pub fn with_attachments(mut self, attachments: Vec<AttachmentInfo>) -> Self {
        self.attachments = attachments;
        self
    }

    /// The plaintext to seal (wiped from memory when dropped).
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
    /// The attachment row that holds the file's ciphertext.
    pub id: String,
    /// The file name, made safe to show and offer (see `attachments::safe_name`).
    pub name: String,
    /// The type the uploader's browser gave, filtered to safe characters.
    pub content_type: String,
    /// The size after metadata removal, before padding.
    pub size: u64,
    /// SHA-256 of the stored file, in hex.
    pub sha256: String,
    /// What happened to its metadata.
    pub metadata: MetadataNote,
}

/// What happened to a file's metadata, shown to the reporter and the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum MetadataNote {
    /// These kinds of metadata were found and removed.
    Removed {
        /// What was found and removed, each kind once.
        what: Vec<Removed>,
    },
    /// The file was checked and held none of the metadata we remove.
    NothingFound,
    /// A kind of file we cannot check: it may still hold information about its maker.
    NotChecked,
    /// The file could not be read (damaged, encrypted or too complex): stored as received.
    CouldNotCheck,
}

/// A kind of metadata that was found and removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Removed {
    /// EXIF, with any GPS position.
    Exif,
    /// XMP.
    Xmp,
    /// IPTC (Photoshop) data.
    Iptc,
    /// Comments.
    Comments,
    /// PNG text chunks.
    TextChunks,
    /// An Office document's author.
    Author,
    /// Who last edited an Office document.
    LastEditor,
    /// An Office document's company.
    Company,
    /// Other document properties, including custom ones.
    DocumentProperties,
    /// A PDF's Info dictionary.
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
