//! Small JSON text utilities that serde_json does not offer: positions, pointers, nesting
//! depth and whitespace-only minification. All work on text that is already valid JSON
//! (or, for `depth`, on any text, never panicking).

use std::borrow::Cow;

/// Where the last [`position`] was asked for: the text (address and length), the offset,
/// and its 0-based line and column.
#[derive(Clone, Copy)]
struct Cursor {
    text: (usize, usize),
    offset: usize,
    line: usize,
    column: usize,
}

thread_local! {
    static CURSOR: std::cell::Cell<Option<Cursor>> = const { std::cell::Cell::new(None) };
}

/// Forgets the last position: called as each payload is read, so that a new payload at
/// the address of an old one is counted afresh.
pub(crate) fn reset_positions() {
    CURSOR.with(|c| c.set(None));
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
///
/// Rejected records are located in payload order, and each position is counted on from the
/// last one in the same text: counting from the start each time made 100,000 rejections in
/// a one-line 64 MiB array quadratic (terabytes of bytes scanned).
pub(crate) fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let key = (text.as_ptr() as usize, text.len());
    let start = CURSOR
        .with(std::cell::Cell::get)
        .filter(|c| c.text == key && c.offset <= offset)
        .unwrap_or(Cursor {
            text: key,
            offset: 0,
            line: 0,
            column: 0,
        });
    let between = &text[start.offset..offset];
    let (line, column) = match between.rfind('\n') {
        Some(last) => (
            start.line + between.bytes().filter(|&b| b == b'\n').count(),
            between[last + 1..].chars().count(),
        ),
        None => (start.line, start.column + between.chars().count()),
    };
    CURSOR.with(|c| {
        c.set(Some(Cursor {
            text: key,
            offset,
            line,
            column,
        }))
    });
    (clamp_u32(line + 1), clamp_u32(column + 1))
}

/// The 1-based position of a serde_json error in `text`. serde_json reports an error found
/// at a line break as column 0 of the next line; report the end of the line instead.
pub(crate) fn error_position(text: &str, err: &serde_json::Error) -> (u32, u32) {
    let (line, column) = (err.line(), err.column());
    if column == 0 && line > 1 {
        let prev = text.split('\n').nth(line - 2).unwrap_or("");
        let prev = prev.strip_suffix('\r').unwrap_or(prev);
        return (clamp_u32(line - 1), clamp_u32(prev.chars().count() + 1));
    }
    (clamp_u32(line), clamp_u32(column.max(1)))
}

/// Byte offset of `inner` within `outer`, when `inner` is a subslice of it.
pub(crate) fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let start = outer.as_ptr() as usize;
    let at = inner.as_ptr() as usize;
    (at >= start && at + inner.len() <= start + outer.len()).then(|| at - start)
}

/// Escapes one JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Appends `json` to `out` without insignificant whitespace. Everything else, including
/// number spelling and string escapes, is kept byte for byte.
pub(crate) fn minify_into(json: &str, out: &mut String) {
    out.reserve(json.len());
    let bytes = json.as_bytes();
    let mut in_string = false;
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b' ' | b'\n' | b'\r' | b'\t' => {
                    out.push_str(&json[run_start..i]);
                    run_start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if run_start < json.len() {
        out.push_str(&json[run_start..]);
    }
}

/// The nesting serde_json itself allows before failing with "recursion limit exceeded".
pub(crate) const PARSER_DEPTH: u32 = 128;

/// Whether a parsed value nests arrays and objects deeper than `max` levels.
pub(crate) fn depth_exceeds(v: &serde_json_borrow::Value<'_>, max: u32) -> bool {
    use serde_json_borrow::Value;
    // Only containers count (and only they are visited).
    fn nested(v: &Value<'_>) -> bool {
        matches!(v, Value::Object(_) | Value::Array(_))
    }
    fn walk(v: &Value<'_>, left: u32) -> bool {
        if left == 0 {
            return true;
        }
        match v {
            Value::Object(o) => o.values().any(|c| nested(c) && walk(c, left - 1)),
            Value::Array(a) => a.iter().any(|c| nested(c) && walk(c, left - 1)),
            _ => false,
        }
    }
    if !nested(v) {
        return false;
    }
    walk(v, max)
}

mod strings;
pub(crate) use strings::{str_len, unescape_str, write_compact_as_str, write_key, write_str};

/// Appends a finite number the way ECMAScript's `Number.prototype.toString` writes it
/// (`10`, not `10.0`; `1e+21`; `1e-7`), so that an event parsed and re-serialized by any
/// JavaScript host comes out byte for byte as the core wrote it.
pub(crate) fn write_number(out: &mut String, n: f64) {
    if n == 0.0 || !n.is_finite() {
        out.push('0');
        return;
    }
    let (digits, point) = shortest_digits(n.abs());
    let k = digits.len() as i32;
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if point > 0 { '+' } else { '-' });
        out.push_str(&(point - 1).abs().to_string());
    }
}

/// A number as [`write_number`] writes it: the one way the core prints floats.
pub(crate) fn number(n: f64) -> String {
    let mut s = String::new();
    write_number(&mut s, n);
    s
}

/// The shortest round-trip digits of a positive finite `n` (no leading or trailing
/// zeros) and the decimal point's position relative to them (`8.9` → `("89", 1)`).
fn shortest_digits(n: f64) -> (String, i32) {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(n);
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = int.chars().chain(frac.chars()).collect();
    let mut point = int.len() as i32 + exp;
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..lead);
    point -= lead as i32;
    let kept = digits.trim_end_matches('0').len();
    digits.truncate(kept.max(1));
    (digits, point)
}

/// A serde_json error message without its " at line L column C" suffix.
pub(crate) fn bare_message(err: &serde_json::Error) -> String {
    let full = err.to_string();
    if err.line() == 0 {
        return full;
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix)
        .map_or(full.clone(), str::to_owned)
}

/// The largest char boundary of `s` at or below `at`.
pub(crate) fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut end = at.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// `s` cut to at most `max` bytes at a char boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    &s[..floor_char_boundary(s, max)]
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let t = "{\n  \"é\": x}";
        assert_eq!(position(t, 0), (1, 1));
        assert_eq!(position(t, t.find('x').unwrap()), (2, 8));
        assert_eq!(position(t, 999), (2, 10));
        // Backwards, and forwards again on the same line, from the cached cursor.
        assert_eq!(position(t, 3), (2, 2));
        assert_eq!(position(t, t.find('x').unwrap()), (2, 8));
        let u = "ab\ncé\nd";
        for (i, want) in [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (6, (2, 3)),
            (7, (3, 1)),
        ] {
            assert_eq!(position(u, i), want, "{i}");
        }
        reset_positions();
        assert_eq!(position(u, 8), (3, 2));
    }

    #[test]
    fn many_positions_on_one_long_line_take_linear_time() {
        let text = "x".repeat(8 << 20);
        let start = std::time::Instant::now();
        for i in (0..text.len()).step_by(64) {
            assert_eq!(position(&text, i).1 as usize, i + 1);
        }
        // Counting from the start each time: 131,072 × 4 MiB on average, minutes.
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn minify_keeps_strings_and_numbers_verbatim() {
        let mut out = String::new();
        minify_into("{ \"a b\" : [ 1.50 ,\n\t\"x\\\" y\" ] }", &mut out);
        assert_eq!(out, r#"{"a b":[1.50,"x\" y"]}"#);
    }

    #[test]
    fn depth_counts_containers_not_brackets_in_strings() {
        let v: serde_json_borrow::Value = serde_json::from_str(r#"[["[[[[", {"a": []}]]"#).unwrap();
        assert!(!depth_exceeds(&v, 4));
        assert!(depth_exceeds(&v, 3));
        let flat: serde_json_borrow::Value = serde_json::from_str(r#""[[[[""#).unwrap();
        assert!(!depth_exceeds(&flat, 0));
    }

    #[test]
    fn compact_as_str_equals_minify_then_escape() {
        for json in [
            "{ \"a b\" : [ 1.50 ,\n\t\"x\\\" y\" ] }",
            r#"{"k":"back\\slash\\\\","u":"\u00e9\n","e":""}"#,
            "[ ]",
            "\"\\\\\"",
        ] {
            let mut minified = String::new();
            minify_into(json, &mut minified);
            let mut want = String::new();
            write_str(&mut want, &minified);
            let mut got = String::new();
            write_compact_as_str(&mut got, json);
            assert_eq!(got, want, "{json}");
        }
    }

    #[test]
    fn compact_as_str_finds_quotes_and_backslashes_at_every_offset() {
        // Strings long enough for whole words, with the special byte at every position,
        // around and inside the words the scanner reads.
        for special in ["\\\"", "\\\\", "\\n", "\\u00e9", "é"] {
            for at in 0..24 {
                let mut text = "a".repeat(24);
                text.insert_str(at, special);
                for json in [
                    format!("{{\"k\":\"{text}\",\"n\" : [1, 2]}}"),
                    format!("[\"{text}\"]"),
                    format!("\"{text}\""),
                ] {
                    let mut minified = String::new();
                    minify_into(&json, &mut minified);
                    let mut want = String::new();
                    write_str(&mut want, &minified);
                    let mut got = String::new();
                    write_compact_as_str(&mut got, &json);
                    assert_eq!(got, want, "{json}");
                    assert_eq!(got, serde_json::to_string(&minified).unwrap(), "{json}");
                }
            }
        }
    }

    #[test]
    fn unescape_str_equals_serde_json() {
        for text in [
            r#""""#,
            r#""plain""#,
            r#""{\"type\":\"x\",\"a\\\\b\":[1, 2]}""#,
            r#""\b\f\n\r\t\/\\\"\u00e9\u20AC\ud83d\ude00 é€""#,
            r#""ends with an escape\n""#,
            r#""\u0000\u001f long enough for whole words of clean bytes, then \"""#,
        ] {
            let want: String = serde_json::from_str(text).unwrap();
            assert_eq!(unescape_str(text).as_deref(), Some(want.as_str()), "{text}");
        }
        // Left to serde_json (which rejects them as text): unpaired surrogates.
        for text in [
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\ud800x""#,
        ] {
            assert_eq!(unescape_str(text), None, "{text}");
            assert!(serde_json::from_str::<String>(text).is_err(), "{text}");
        }
        // Every position of an escape around the word boundaries.
        for at in 0..24 {
            let mut s = "a".repeat(24);
            s.insert_str(at, "\\\"\\u00e9");
            let text = format!("\"{s}\"");
            let want: String = serde_json::from_str(&text).unwrap();
            assert_eq!(
                unescape_str(&text).as_deref(),
                Some(want.as_str()),
                "{text}"
            );
        }
    }

    mod scanners_match_serde_json {
        use super::super::*;
        use proptest::prelude::*;

        /// Strings dense in what the scanners look for, around word boundaries.
        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    Just('"'),
                    Just('\\'),
                    Just(' '),
                    Just('\n'),
                    Just('\u{1}'),
                    Just('/'),
                    Just('é'),
                    Just('😀'),
                    proptest::char::range('a', 'e'),
                ],
                0..80,
            )
            .prop_map(|c| c.into_iter().collect())
        }

        proptest! {
            #[test]
            fn write_str_escapes_as_serde_json(s in text()) {
                let mut got = String::new();
                write_str(&mut got, &s);
                prop_assert_eq!(got, serde_json::to_string(&s).unwrap());
            }

            #[test]
            fn unescape_str_decodes_as_serde_json(s in text(), pretty in any::<bool>()) {
                // A JSON string literal of `s` (what a message body is), also with `/` and
                // non-ASCII escaped as other writers do.
                let mut literal = serde_json::to_string(&s).unwrap();
                if pretty {
                    literal = literal.replace('/', "\\/").replace('é', "\\u00E9");
                }
                prop_assert_eq!(unescape_str(&literal), Some(s));
            }

            #[test]
            fn compact_as_str_is_minify_then_escape(keys in proptest::collection::vec(text(), 0..4)) {
                let doc: serde_json::Map<String, serde_json::Value> =
                    keys.iter().map(|k| (k.clone(), serde_json::Value::from(k.as_str()))).collect();
                let json = serde_json::to_string_pretty(&doc).unwrap();
                let mut minified = String::new();
                minify_into(&json, &mut minified);
                let mut got = String::new();
                write_compact_as_str(&mut got, &json);
                prop_assert_eq!(got, serde_json::to_string(&minified).unwrap());
            }
        }
    }

    fn num(n: f64) -> String {
        let mut s = String::new();
        write_number(&mut s, n);
        s
    }

    /// Expected strings are what `String(n)` prints in JavaScript.
    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (n, js) in [
            (10.0, "10"),
            (8.9, "8.9"),
            (0.1, "0.1"),
            (-0.0, "0"),
            (-1.5, "-1.5"),
            (123456789.0, "123456789"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (1636625755.218, "1636625755.218"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1e16, "10000000000000000"),
            (1.5e-5, "0.000015"),
            (100.0, "100"),
            (0.5, "0.5"),
            (12.0001, "12.0001"),
        ] {
            assert_eq!(num(n), js, "{n:e}");
        }
    }

    #[test]
    fn word_at_a_time_scanning_finds_every_special_byte() {
        // Every position of every special byte, in strings long enough for whole words.
        for special in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
            for (at, len) in (0..20).map(|at| (at, 20)).chain((0..8).map(|at| (at, 8))) {
                let mut bytes = vec![b'a'; len];
                bytes[at] = special;
                let s = String::from_utf8(bytes).unwrap();
                let mut got = String::new();
                write_str(&mut got, &s);
                assert_eq!(got, serde_json::to_string(&s).unwrap(), "{special} at {at}");
            }
        }
        // Every ASCII byte among multi-byte characters (whose bytes have the high bit set).
        for b in 0u8..0x80 {
            for at in 0..12 {
                let mut s: String = "é€".repeat(4);
                s.insert(
                    s.char_indices().nth(at).map_or(s.len(), |(i, _)| i),
                    char::from(b),
                );
                let mut got = String::new();
                write_str(&mut got, &s);
                assert_eq!(got, serde_json::to_string(&s).unwrap(), "{b} at {at}");
            }
        }
        let mut got = String::new();
        write_str(&mut got, "é€😀 ok");
        assert_eq!(got, "\"é€😀 ok\"");
    }

    #[test]
    fn strings_escape_like_json_stringify() {
        let mut s = String::new();
        write_str(&mut s, "a\"b\\c\n\u{1}\u{7f}é/\u{2028}");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\u{7f}é/\u{2028}\"");
        let mut t = String::new();
        write_str(&mut t, "plain");
        assert_eq!(t, "\"plain\"");
    }

    #[test]
    fn pointer_tokens_escape_tilde_before_slash() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(escape_token("plain"), "plain");
    }
}
