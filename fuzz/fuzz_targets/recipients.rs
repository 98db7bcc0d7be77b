//! The recipients-file parser; its errors must never echo a line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::crypto;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = crypto::parse_recipients(text) {
        let message = e.to_string();
        for line in text.lines().map(str::trim).filter(|l| l.len() > 24) {
            assert!(!message.contains(line), "an error message repeats a line");
        }
    }
});
