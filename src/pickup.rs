//! The reporter's pickup code: 120 random bits shown as 24 Crockford base32 symbols
//! plus one check symbol, in five groups of five. From the code and the installation
//! salt come the lookup value that finds the case and the reporter's age identity.

use std::fmt;

use zeroize::Zeroizing;

use crate::crypto::{self, Identity, Recipient};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_SYMBOLS: usize = 24;
const SYMBOLS: usize = DATA_SYMBOLS + 1;
/// Nobody types a code this long by accident; longer input is refused before any work.
const MAX_INPUT: usize = 100;

/// A well-formed pickup code. Its Debug output hides the value so it cannot reach a log.
pub struct PickupCode {
    bytes: Zeroizing<[u8; 15]>,
}

/// Why a typed code was refused before the database was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Wrong length or characters outside the alphabet.
    #[error("not shaped like a pickup code")]
    Format,
    /// The check symbol does not match: a typing mistake.
    #[error("the check symbol shows a typing mistake")]
    Typo,
}

/// What the code opens: the lookup value stored with the case and the reporter's key.
pub struct Derived {
    /// The value stored with the case and looked up by.
    pub lookup: [u8; 32],
    /// The reporter's key, which opens their messages.
    pub identity: Identity,
}

impl Derived {
    /// The public side of the reporter's key, which messages are sealed to.
    pub fn recipient(&self) -> Recipient {
        self.identity.to_public()
    }
}

/// Multiplication by x in GF(32) with the polynomial x^5 + x^2 + 1.
fn times_x(v: u8) -> u8 {
    let shifted = v << 1;
    if shifted & 0x20 != 0 {
        shifted ^ 0x25
    } else {
        shifted
    }
}

/// Damm's check over the quasigroup a ∘ b = x·a + b in GF(32): weakly totally
/// anti-symmetric, so every single substitution and every adjacent swap changes the
/// result. A valid code (check symbol included) folds to zero.
fn fold(symbols: &[u8]) -> u8 {
    symbols.iter().fold(0, |acc, s| times_x(acc) ^ s)
}

fn symbol_value(c: u8) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u8)
}

impl PickupCode {
    /// A fresh code from the operating system's random generator.
    pub fn generate() -> Self {
        Self {
            bytes: Zeroizing::new(crypto::random_bytes::<15>()),
        }
    }

    /// The code of these 120 bits (for tests and fixtures).
    pub fn from_bytes(bytes: [u8; 15]) -> Self {
        Self {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// Reads a code as people type it: any case, spaces and dashes anywhere, O for 0,
    /// I and L for 1.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        if input.len() > MAX_INPUT {
            return Err(CodeError::Format);
        }
        let mut symbols = Zeroizing::new(Vec::with_capacity(SYMBOLS));
        for c in input.bytes() {
            if matches!(c, b' ' | b'-' | b'\t' | b'\r' | b'\n') {
                continue;
            }
            symbols.push(symbol_value(c).ok_or(CodeError::Format)?);
        }
        if symbols.len() != SYMBOLS {
            return Err(CodeError::Format);
        }
        if fold(&symbols) != 0 {
            return Err(CodeError::Typo);
        }
        let mut bytes = Zeroizing::new([0u8; 15]);
        let mut acc: u16 = 0;
        let mut bits = 0;
        let mut at = 0;
        for s in &symbols[..DATA_SYMBOLS] {
            acc = (acc << 5) | u16::from(*s);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[at] = (acc >> bits) as u8;
                at += 1;
                acc &= (1 << bits) - 1;
            }
        }
        Ok(Self { bytes })
    }

    fn symbols(&self) -> Zeroizing<[u8; SYMBOLS]> {
        let mut out = Zeroizing::new([0u8; SYMBOLS]);
        let mut acc: u16 = 0;
        let mut bits = 0;
        let mut at = 0;
        for b in self.bytes.iter() {
            acc = (acc << 8) | u16::from(*b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out[at] = ((acc >> bits) & 31) as u8;
                at += 1;
            }
            acc &= (1 << bits) - 1;
        }
        out[DATA_SYMBOLS] = times_x(fold(&out[..DATA_SYMBOLS]));
        out
    }

    /// The code as shown to the reporter: `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`.
    pub fn display(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(29));
        for (i, v) in self.symbols().iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                s.push('-');
            }
            s.push(ALPHABET[usize::from(*v)] as char);
        }
        s
    }

    /// `master = HKDF-SHA256(ikm = code bits, salt = installation salt)`, then the
    /// lookup value and the reporter's age identity as separate expansions.
    pub fn derive(&self, installation_salt: &[u8]) -> Derived {
        let lookup = *crypto::hkdf32(&self.bytes[..], installation_salt, b"meldpunt v1 lookup");
        let secret = crypto::hkdf32(&self.bytes[..], installation_salt, b"meldpunt v1 reporter");
        Derived {
            lookup,
            identity: crypto::identity_from_bytes(&secret),
        }
    }
}

impl fmt::Debug for PickupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PickupCode(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const FIXED_BYTES: [u8; 15] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

    #[test]
    fn a_fixed_code_displays_as_its_known_vector() {
        let code = PickupCode::from_bytes(FIXED_BYTES);
        assert_eq!(code.display().as_str(), FIXED_DISPLAY);
        let ones = PickupCode::from_bytes([0xff; 15]);
        assert_eq!(ones.display().as_str(), ONES_DISPLAY);
    }

    // Computed independently (Python) when the scheme was fixed.
    const FIXED_DISPLAY: &str = "000G4-0R40M-30E20-9185G-R38ED";
    const ONES_DISPLAY: &str = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZW";

    #[test]
    fn a_fixed_code_derives_its_known_lookup_and_recipient() {
        let code = PickupCode::from_bytes(FIXED_BYTES);
        let derived = code.derive(&[7u8; 32]);
        assert_eq!(crypto::hex(&derived.lookup), FIXED_LOOKUP);
        assert_eq!(derived.recipient().to_string(), FIXED_RECIPIENT);
    }

    // Lookup computed with Python's hmac module; recipient by `age-keygen -y` on the
    // identity Bech32-encoded from the independently computed reporter secret.
    const FIXED_LOOKUP: &str = "c8c9d95e5252f8a5e2fcd6e27644dec90964ccd5f71c7edf3baa87279b925dc0";
    const FIXED_RECIPIENT: &str = "age1l4gpeq8y48c86zcrsut9scfl0p0mjnwt6hgjv86gk0gdfe2yleesgzdaud";

    #[test]
    fn parsing_is_forgiving_about_case_spaces_dashes_and_lookalikes() {
        let code = PickupCode::generate();
        let shown = code.display();
        let messy = format!("  {} ", shown.to_lowercase().replace('-', " "));
        assert_eq!(PickupCode::parse(&messy).unwrap().display(), shown);
        let squashed: String = shown.chars().filter(|c| *c != '-').collect();
        assert_eq!(PickupCode::parse(&squashed).unwrap().display(), shown);
        let lookalikes = shown.replace('0', "o").replace('1', "l");
        assert_eq!(PickupCode::parse(&lookalikes).unwrap().display(), shown);
    }

    #[test]
    fn every_single_substitution_is_caught_as_a_typo() {
        for _ in 0..20 {
            let shown = PickupCode::generate().display();
            let chars: Vec<char> = shown.chars().filter(|c| *c != '-').collect();
            for i in 0..chars.len() {
                for &replacement in ALPHABET {
                    let replacement = replacement as char;
                    if replacement == chars[i] {
                        continue;
                    }
                    let mut typo = chars.clone();
                    typo[i] = replacement;
                    let typed: String = typo.into_iter().collect();
                    assert_eq!(PickupCode::parse(&typed).unwrap_err(), CodeError::Typo);
                }
            }
        }
    }

    #[test]
    fn every_adjacent_swap_is_caught_as_a_typo() {
        for _ in 0..200 {
            let shown = PickupCode::generate().display();
            let chars: Vec<char> = shown.chars().filter(|c| *c != '-').collect();
            for i in 0..chars.len() - 1 {
                if chars[i] == chars[i + 1] {
                    continue;
                }
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let typed: String = swapped.into_iter().collect();
                assert_eq!(PickupCode::parse(&typed).unwrap_err(), CodeError::Typo);
            }
        }
    }

    #[test]
    fn wrong_lengths_and_foreign_characters_are_format_errors() {
        let shown = PickupCode::generate().display();
        assert_eq!(
            PickupCode::parse(&shown[..28]).unwrap_err(),
            CodeError::Format
        );
        assert_eq!(
            PickupCode::parse(&format!("{}0", shown.as_str())).unwrap_err(),
            CodeError::Format
        );
        assert_eq!(
            PickupCode::parse(&shown.replacen(|c: char| c.is_ascii_alphanumeric(), "U", 1))
                .unwrap_err(),
            CodeError::Format
        );
        assert_eq!(PickupCode::parse("").unwrap_err(), CodeError::Format);
        assert_eq!(
            PickupCode::parse(&"A".repeat(1_000_000)).unwrap_err(),
            CodeError::Format
        );
        assert_eq!(
            PickupCode::parse("ÄÄÄÄÄ-ÄÄÄÄÄ").unwrap_err(),
            CodeError::Format
        );
    }

    #[test]
    fn generated_codes_are_unique_and_use_the_whole_alphabet_evenly() {
        const N: usize = 20_000;
        let mut seen = HashSet::new();
        let mut counts = [0usize; 32];
        for _ in 0..N {
            let code = PickupCode::generate();
            let shown = code.display();
            assert_eq!(shown.len(), 29);
            assert!(seen.insert(shown.to_string()));
            for v in &code.symbols()[..DATA_SYMBOLS] {
                counts[usize::from(*v)] += 1;
            }
        }
        // Chi-square with 31 degrees of freedom; 61.1 is the 0.999 quantile, so a
        // correct generator fails this about once in a thousand runs at most.
        let expected = (N * DATA_SYMBOLS) as f64 / 32.0;
        let chi2: f64 = counts
            .iter()
            .map(|c| (*c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 61.1, "chi-square {chi2}");
    }

    #[test]
    fn different_salts_give_unrelated_lookups() {
        let code = PickupCode::from_bytes(FIXED_BYTES);
        let a = code.derive(&[1u8; 32]);
        let b = code.derive(&[2u8; 32]);
        assert_ne!(a.lookup, b.lookup);
        assert_ne!(a.recipient().to_string(), b.recipient().to_string());
    }

    #[test]
    fn debug_output_hides_the_code() {
        let code = PickupCode::generate();
        let shown = code.display();
        let debug = format!("{code:?}");
        assert!(!debug.contains(&shown[..5]));
    }
}
