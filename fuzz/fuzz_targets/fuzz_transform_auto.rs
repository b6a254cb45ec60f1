//! Raw bytes → `transform("auto", ...)`, under the default and tight options; every
//! invariant of `secmap_fuzz::check` holds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| secmap_fuzz::fuzz_raw("auto", data));
