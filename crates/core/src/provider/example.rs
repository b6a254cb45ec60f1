//! Bundled example payloads, embedded without the files' insignificant whitespace: the
//! examples are a tenth of the component, and the indentation of pretty-printed JSON a
//! third of them. Done in `const fn`s, so no build script and no file list to keep.

/// Embeds the JSON file at `$path` (as `include_str!` resolves it) without whitespace
/// outside strings: the same JSON values, byte for byte inside every string and number.
macro_rules! minified_json {
    ($path:literal) => {{
        const SRC: &[u8] = include_str!($path).as_bytes();
        const BYTES: [u8; $crate::provider::example::minified_len(SRC)] =
            $crate::provider::example::minify(SRC);
        const TEXT: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("a bundled example is not UTF-8"),
        };
        TEXT
    }};
}
pub(crate) use minified_json;

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Calls `keep(i)` for every byte of `json` that is inside a string or not whitespace.
macro_rules! for_each_kept {
    ($json:expr, |$i:ident| $keep:expr) => {{
        let json = $json;
        let (mut $i, mut in_string, mut escaped) = (0, false, false);
        while $i < json.len() {
            let b = json[$i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                $keep;
            } else if !is_space(b) {
                in_string = b == b'"';
                $keep;
            }
            $i += 1;
        }
    }};
}

/// The length of `json` without whitespace outside strings.
pub(crate) const fn minified_len(json: &[u8]) -> usize {
    let mut n = 0;
    for_each_kept!(json, |_i| n += 1);
    n
}

/// `json` without whitespace outside strings; `N` is [`minified_len`].
pub(crate) const fn minify<const N: usize>(json: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut n = 0;
    for_each_kept!(json, |i| {
        out[n] = json[i];
        n += 1;
    });
    out
}

#[cfg(test)]
mod tests {
    use super::{minified_len, minify};

    #[test]
    fn whitespace_goes_outside_strings_only() {
        const SRC: &[u8] = b"{\n  \"a b\": [ 1 , 2.50e3 ],\r\n\t\"q\\\" \\\\\": \" x \" }\n";
        const OUT: [u8; minified_len(SRC)] = minify(SRC);
        assert_eq!(
            std::str::from_utf8(&OUT).unwrap(),
            r#"{"a b":[1,2.50e3],"q\" \\":" x "}"#
        );
    }

    #[test]
    fn every_example_is_one_line_of_json() {
        for p in crate::provider::providers() {
            for e in p.examples {
                assert!(!e.payload.contains('\n'), "{}", e.name);
                let v: serde_json::Value = serde_json::from_str(e.payload).expect(e.name);
                assert!(!v.is_null(), "{}", e.name);
            }
        }
    }
}
