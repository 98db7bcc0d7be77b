//! The recipients-file parser; its errors hold nothing from the file but a line
//! number (a line may be a secret key).
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::crypto::{self, RecipientsError};

/// A message with its digits removed: what is left must be a fixed template.
fn shape(message: &str) -> String {
    message.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = crypto::parse_recipients(text) {
        let templates = [
            RecipientsError::SecretKey(0),
            RecipientsError::Malformed(0),
            RecipientsError::Duplicate(0),
        ]
        .map(|t| shape(&t.to_string()));
        assert!(templates.contains(&shape(&e.to_string())), "an error message carries input");
    }
});
