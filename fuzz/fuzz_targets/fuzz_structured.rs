//! Mutated corpus findings (swapped types, dropped and duplicated keys, huge and odd
//! numbers, deep nesting, long strings, invalid UTF-8) in every payload shape, with random
//! options: the invariants hold, the record count is exact, and a second call gives the
//! same bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| secmap_fuzz::fuzz_structured(data));
