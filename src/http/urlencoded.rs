//! Strict `application/x-www-form-urlencoded` decoding: unlike lossy decoders it
//! refuses invalid UTF-8 (so nothing is silently altered) and bounds the field count.

use percent_encoding::percent_decode;

/// Why a form body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A name or value is not UTF-8 after decoding.
    #[error("the form holds bytes that are not UTF-8")]
    InvalidUtf8,
    /// More fields than allowed.
    #[error("the form has more fields than any of our forms")]
    TooManyFields,
}

/// No form of ours has more fields than this; a body with more is refused.
pub const MAX_FORM_FIELDS: usize = 64;

/// A form's fields as (name, value), in the order sent.
pub type Pairs = Vec<(String, String)>;

fn decode(raw: &[u8]) -> Result<String, FormError> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_decode(&plus_as_space)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| FormError::InvalidUtf8)
}

/// Decodes a body with at most `max_fields` fields.
pub fn parse(body: &[u8], max_fields: usize) -> Result<Pairs, FormError> {
    let mut pairs = Vec::new();
    for part in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if pairs.len() == max_fields {
            return Err(FormError::TooManyFields);
        }
        let (name, value) = match part.iter().position(|b| *b == b'=') {
            Some(at) => (&part[..at], &part[at + 1..]),
            None => (part, &[][..]),
        };
        pairs.push((decode(name)?, decode(value)?));
    }
    Ok(pairs)
}

/// The first value of a field, or "" when absent.
pub fn first<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_repeated_fields() {
        let pairs = parse(b"a=1+2&b=%C3%A9&c=x&c=y&empty=&flag", 10).unwrap();
        assert_eq!(first(&pairs, "a"), "1 2");
        assert_eq!(first(&pairs, "b"), "é");
        assert_eq!(pairs.iter().filter(|(n, _)| n == "c").count(), 2);
        assert_eq!(first(&pairs, "empty"), "");
        assert_eq!(first(&pairs, "flag"), "");
        assert_eq!(first(&pairs, "missing"), "");
    }

    #[test]
    fn refuses_invalid_utf8_and_too_many_fields() {
        assert_eq!(parse(b"a=%FF%FE", 10), Err(FormError::InvalidUtf8));
        assert_eq!(parse(b"a=\xff", 10), Err(FormError::InvalidUtf8));
        assert_eq!(parse(b"a=1&b=2&c=3", 2), Err(FormError::TooManyFields));
    }
}
