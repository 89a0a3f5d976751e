//! The strict scanner must never panic, and must accept exactly what serde_json accepts (up to its depth).
#![no_main]

use billsync::readers::json_scan::validate_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = validate_document(text, "fuzz").is_ok();
    // Beyond 100 levels the two depth limits differ slightly; compare only below that.
    let shallow = text.bytes().filter(|b| *b == b'[' || *b == b'{').count() < 100;
    if shallow {
        let theirs = serde_json::from_str::<serde_json::Value>(text).is_ok();
        assert_eq!(ours, theirs, "scanner and serde_json disagree on {text:?}");
    }
});
