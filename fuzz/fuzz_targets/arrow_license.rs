//! License payloads from arbitrary bytes: no panic.
#![no_main]

use billsync::vendors::arrow::parse_license_info;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_license_info(text);
    }
});
