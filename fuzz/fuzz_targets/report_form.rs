//! Form decoding and the report form's parser: any body, in both languages.
#![no_main]
use libfuzzer_sys::fuzz_target;
use meldpunt::http::urlencoded;
use meldpunt::i18n::Lang;
use meldpunt::web::report_form::{Draft, TextLimits};

fuzz_target!(|data: &[u8]| {
    if let Ok(pairs) = urlencoded::parse(data, 64) {
        let draft = Draft::from_pairs(&pairs);
        for lang in [Lang::Nl, Lang::En] {
            let _ = draft.parse(lang, TextLimits { long: 200, short: 20 });
        }
    }
});
