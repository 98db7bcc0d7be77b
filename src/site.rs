//! The site profile: who runs this portal. One TOML file names the organisation,
//! its committee, a contact route for people who do not need to stay anonymous,
//! the controller for the privacy statement and an optional onion address, in Dutch
//! and English. Everything is parsed into types at start-up, and a malformed file
//! stops the portal with the key and line, so no page can show a half-read profile.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::{Lang, Who};

/// The example profile, embedded so the demo and the tests have names to show when
/// no `site.toml` exists. It says on every page that it is an example.
pub const EXAMPLE: &str = include_str!("../site.example.toml");

/// The profile read when `--site` is not given.
pub const DEFAULT_PATH: &str = "site.toml";

/// Why the profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The named file could not be read.
    #[error("cannot read the site profile {path}: {cause}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// The file is not a valid profile.
    #[error("site profile {path}, line {line}, key {key}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line the problem is on (1-based; 0 when the parser gave no place).
        line: usize,
        /// The key, with its table (`contact.email`).
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Who runs the portal, parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// True for the example profile: every page then says it is an example.
    #[serde(default)]
    pub example: bool,
    /// The onion service of this portal, for the `Onion-Location` header.
    pub onion: Option<OnionHost>,
    /// A non-anonymous way to reach the committee.
    #[serde(default)]
    pub contact: Contact,
    /// For the privacy statement.
    pub privacy: Privacy,
    nl: Names,
    en: Names,
}

/// A non-anonymous contact route; each part optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// E-mail address.
    pub email: Option<Email>,
    /// Telephone number.
    pub phone: Option<Phone>,
    /// Postal address, one line.
    pub postal_address: Option<Line>,
}

impl Contact {
    /// Whether any route is given.
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none() && self.postal_address.is_none()
    }
}

/// The controller's address and the data-protection contact's e-mail address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Postal address of the controller.
    pub controller_address: Line,
    /// E-mail address for questions and requests about personal data.
    pub data_protection_email: Email,
}

/// The names in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// The organisation's full name.
    pub organisation: Line,
    /// Its short name.
    pub organisation_short: Line,
    /// The committee's name.
    pub committee: Line,
    /// The controller under the GDPR (usually the organisation).
    pub controller: Line,
    /// Who handles questions about personal data (e.g. the data protection officer).
    pub data_protection_contact: Line,
    /// Extra paragraphs for the landing page.
    #[serde(default)]
    pub landing_paragraphs: Vec<Paragraph>,
}

impl Site {
    /// Reads the profile: the named file, else `site.toml` when it exists, else the
    /// example. A named file that is missing is an error, not the example.
    pub fn load(named: Option<&Path>) -> Result<Site, SiteError> {
        let (path, text) = match named {
            Some(p) => (p.to_owned(), read(p)?),
            None if Path::new(DEFAULT_PATH).exists() => {
                (PathBuf::from(DEFAULT_PATH), read(Path::new(DEFAULT_PATH))?)
            }
            None => {
                tracing::warn!("no site.toml: showing the example profile (site.example.toml)");
                (PathBuf::from("site.example.toml"), EXAMPLE.to_owned())
            }
        };
        Site::parse(&path, &text)
    }

    /// Parses a profile's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Site, SiteError> {
        toml::from_str(text).map_err(|e| {
            let (line, key) = place(text, e.span(), e.message());
            SiteError::Malformed {
                path: path.to_owned(),
                line,
                key,
                message: e.message().trim().to_owned(),
            }
        })
    }

    /// The names in a language.
    pub fn names(&self, lang: Lang) -> &Names {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }

    /// The names the typed texts are filled in with.
    pub fn who(&self, lang: Lang) -> Who<'_> {
        let n = self.names(lang);
        Who {
            organisation: n.organisation.as_str(),
            organisation_short: n.organisation_short.as_str(),
            committee: n.committee.as_str(),
        }
    }
}

fn read(path: &Path) -> Result<String, SiteError> {
    std::fs::read_to_string(path).map_err(|cause| SiteError::Read {
        path: path.to_owned(),
        cause,
    })
}

/// The line and the dotted key a parse error is about. The parser points at a
/// value (a bad value) or a table (a missing key, named in the message).
fn place(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> (usize, String) {
    let Some(span) = span else {
        return (0, missing_key(message).unwrap_or_else(|| "?".to_owned()));
    };
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    // The line the error points at counts too: a missing key points at its table.
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let table = text[..line_end]
        .lines()
        .rev()
        .find_map(|l| {
            let l = l.trim();
            (l.starts_with('[') && l.ends_with(']')).then(|| l.trim_matches(['[', ']']).trim())
        })
        .unwrap_or("");
    let this_line = text[..start].rsplit('\n').next().unwrap_or("");
    let key = match (missing_key(message), this_line.split_once('=')) {
        (Some(k), _) => k,
        (None, Some((k, _))) => k.trim().to_owned(),
        (None, None) => text[start..]
            .split(['=', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned(),
    };
    let key = key.trim_matches(['[', ']']).to_owned();
    let full = match table {
        "" => key,
        t if key.starts_with(t) => key,
        t => format!("{t}.{key}"),
    };
    (line, full)
}

/// The key named in "missing field `x`" or "unknown field `x`".
fn missing_key(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    Some(rest.split('`').next()?.to_owned())
}

/// Text of at most `MAX` characters with no control characters, trimmed.
fn checked<const MAX: usize>(s: String, what: &str) -> Result<String, String> {
    let s = s.trim().to_owned();
    if s.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if s.chars().count() > MAX {
        return Err(format!("{what} is longer than {MAX} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{what} holds a control character"));
    }
    Ok(s)
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr, $what:expr, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(String);

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                let s = checked::<$max>(s, $what)?;
                let check: fn(&str) -> bool = $check;
                if check(&s) {
                    Ok(Self(s))
                } else {
                    Err(format!("not a valid {}: {s:?}", $what))
                }
            }
        }

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A name or one-line address.
    Line, 200, "line of text", |_| true
);
text_type!(
    /// A paragraph of the landing page.
    Paragraph, 2000, "paragraph", |_| true
);
text_type!(
    /// An e-mail address: one `@`, a dotted domain, no spaces.
    Email, 254, "e-mail address", |s| {
        let Some((local, domain)) = s.split_once('@') else { return false };
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.contains(char::is_whitespace)
    }
);
text_type!(
    /// A telephone number: digits, spaces, `+`, `-` and brackets, at least six digits.
    Phone, 40, "telephone number", |s| {
        s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            && s.chars().filter(char::is_ascii_digit).count() >= 6
    }
);
text_type!(
    /// A version 3 onion service name: 56 base32 letters ending in `d` (the version
    /// byte), then `.onion`; no scheme, no path.
    OnionHost, 62, "onion address (56 letters a-z and 2-7 ending in d, then .onion)", |s| {
        let Some(name) = s.strip_suffix(".onion") else { return false };
        name.len() == 56
            && name.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
            && name.ends_with('d')
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_profile_parses_and_says_it_is_an_example() {
        let site = Site::parse(Path::new("site.example.toml"), EXAMPLE).unwrap();
        assert!(site.example);
        assert!(site.onion.is_none());
    }

    #[test]
    fn a_bad_value_is_named_by_key_and_line() {
        let text = EXAMPLE.replace(
            "email = \"meldpunt@voorbeeld.example\"",
            "email = \"not an address\"",
        );
        assert_ne!(text, EXAMPLE, "the example has that line");
        let line = text
            .lines()
            .position(|l| l.contains("not an address"))
            .unwrap()
            + 1;
        let e = Site::parse(Path::new("x.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("line {line}")), "{e}");
        assert!(e.contains("key contact.email"), "{e}");
    }
}
