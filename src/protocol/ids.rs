//! Identifiers and short fields the portal sends, parsed before anything uses them:
//! a hostile portal cannot slip a path, a URL or markup into the desk through them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a field from the other side was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {0}")]
pub struct InvalidField(pub &'static str);

macro_rules! hex_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses 32 lowercase hexadecimal digits, the only form the portal makes.
            pub fn parse(s: &str) -> Result<Self, InvalidField> {
                if s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidField($what))
                }
            }

            /// The id as text (safe in a URL path and a file name).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidField;
            fn try_from(s: String) -> Result<Self, InvalidField> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

hex_id!(
    /// A case's row id.
    CaseId,
    "case id"
);
hex_id!(
    /// An attachment's row id.
    AttachmentId,
    "attachment id"
);
hex_id!(
    /// A committee member's row id.
    MemberId,
    "member id"
);

/// A case reference as members say it, `MP-` and six characters of the reference
/// alphabet (see `case::new_reference`). Safe as a directory name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    /// Parses `MP-XXXXXX`; anything else (a path, `..`, markup) is refused.
    pub fn parse(s: &str) -> Result<Self, InvalidField> {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        match s.strip_prefix("MP-") {
            Some(rest) if rest.len() == 6 && rest.bytes().all(|b| ALPHABET.contains(&b)) => {
                Ok(Self(s.to_owned()))
            }
            _ => Err(InvalidField("case reference")),
        }
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reference {
    type Error = InvalidField;
    fn try_from(s: String) -> Result<Self, InvalidField> {
        Self::parse(&s)
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> String {
        r.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A member's name as the portal lists it: 1 to 100 characters, no control or
/// direction-override characters (they could disguise one name as another).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberName(String);

impl MemberName {
    /// Parses a name; the admin command applies the same rule when adding a member.
    pub fn parse(s: &str) -> Result<Self, InvalidField> {
        let n = s.chars().count();
        let bad = s.chars().any(|c| {
            c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        });
        if (1..=100).contains(&n) && !bad && s.trim() == s {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidField("member name"))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MemberName {
    type Error = InvalidField;
    fn try_from(s: String) -> Result<Self, InvalidField> {
        Self::parse(&s)
    }
}

impl From<MemberName> for String {
    fn from(n: MemberName) -> String {
        n.0
    }
}

impl fmt::Display for MemberName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An age X25519 recipient (`age1…`), kept in its canonical text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecipientText(String);

impl RecipientText {
    /// Parses a recipient; only the X25519 kind meldpunt uses is accepted.
    pub fn parse(s: &str) -> Result<Self, InvalidField> {
        use std::str::FromStr;
        crate::crypto::Recipient::from_str(s)
            .map(|r| Self(r.to_string()))
            .map_err(|_| InvalidField("age recipient"))
    }

    /// The recipient, ready to seal to.
    pub fn recipient(&self) -> crate::crypto::Recipient {
        use std::str::FromStr;
        crate::crypto::Recipient::from_str(&self.0).expect("checked when parsed")
    }

    /// The recipient as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RecipientText {
    type Error = InvalidField;
    fn try_from(s: String) -> Result<Self, InvalidField> {
        Self::parse(&s)
    }
}

impl From<RecipientText> for String {
    fn from(r: RecipientText) -> String {
        r.0
    }
}

impl fmt::Display for RecipientText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_exactly_32_lowercase_hex_digits() {
        assert!(CaseId::parse("0123456789abcdef0123456789abcdef").is_ok());
        for bad in [
            "",
            "../../etc",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcde",
            "/0123456789abcdef0123456789abcde",
        ] {
            assert!(CaseId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn references_refuse_paths_and_markup() {
        assert!(Reference::parse("MP-7K2Q9X").is_ok());
        for bad in [
            "../x",
            "/tmp/x",
            "MP-7K2Q9",
            "MP-7K2Q9XX",
            "MP-<b>12",
            "MP-7K2Q9I",
            "mp-7k2q9x",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn member_names_refuse_controls_and_direction_overrides() {
        assert!(MemberName::parse("Anna de Vries").is_ok());
        for bad in ["", " x", "a\nb", "a\u{202E}b", &"x".repeat(101)] {
            assert!(MemberName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
