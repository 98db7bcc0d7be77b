//! The metadata strippers on hostile files: errors are fine, panics and runaway
//! memory are not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::attachments::strip;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let mut out = Vec::new();
    let _ = match selector % 5 {
        0 => strip::jpeg(rest.to_vec(), &mut out).map(|_| ()),
        1 => strip::png(rest.to_vec(), &mut out).map(|_| ()),
        2 => strip::webp(rest.to_vec(), &mut out).map(|_| ()),
        3 => strip::pdf(rest.to_vec(), &mut out, 1 << 24).map(|_| ()),
        _ => strip::ooxml(std::io::Cursor::new(rest), &mut out, strip::BOUNDS).map(|_| ()),
    };
});
