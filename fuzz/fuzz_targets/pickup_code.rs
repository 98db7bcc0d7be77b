//! The pickup-code parser takes anything typed; a code it accepts must print and
//! parse back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::pickup::PickupCode;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(code) = PickupCode::parse(text) {
        let shown = code.display();
        let again = PickupCode::parse(&shown).expect("a displayed code parses");
        assert_eq!(again.display(), shown);
    }
});
