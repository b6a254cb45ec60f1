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

/// How each byte of JSON text is treated when it is written as a JSON string in its
/// compact form: copied, dropped (whitespace outside strings), or special.
const COPY: u8 = 0;
const SPACE: u8 = 1;
const QUOTE: u8 = 2;
const BACKSLASH: u8 = 3;
const CLASS: [u8; 256] = {
    let mut t = [COPY; 256];
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b'"' as usize] = QUOTE;
    t[b'\\' as usize] = BACKSLASH;
    t
};

/// Appends valid JSON text `json` as a JSON string holding its compact form: whitespace
/// outside strings dropped, everything else kept byte for byte, `"` and `\\` escaped. One
/// pass, without building the compact text first (this is `event.original_content`).
pub(crate) fn write_compact_as_str(out: &mut String, json: &str) {
    out.reserve(json.len() + json.len() / 4 + 2);
    out.push('"');
    let bytes = json.as_bytes();
    let n = bytes.len();
    let mut in_string = false;
    let mut i = 0;
    while i < n {
        // A run of ordinary bytes, copied at once.
        let start = i;
        while i < n && CLASS[usize::from(bytes[i])] == COPY {
            i += 1;
        }
        out.push_str(&json[start..i]);
        if i == n {
            break;
        }
        match CLASS[usize::from(bytes[i])] {
            SPACE if in_string => {
                out.push(char::from(bytes[i]));
                i += 1;
            }
            SPACE => {
                // Insignificant whitespace: skip the whole run (indentation).
                while i < n && CLASS[usize::from(bytes[i])] == SPACE {
                    i += 1;
                }
            }
            QUOTE => {
                out.push_str("\\\"");
                in_string = !in_string;
                i += 1;
            }
            _ => {
                // A backslash only occurs inside strings, before the escaped character,
                // which is copied as is (an escaped quote must not end the string).
                out.push_str("\\\\");
                match bytes.get(i + 1) {
                    Some(b'"') => out.push_str("\\\""),
                    Some(b'\\') => out.push_str("\\\\"),
                    Some(&next) => out.push(char::from(next)),
                    None => {}
                }
                i += 2;
            }
        }
    }
    out.push('"');
}

/// Which bytes a JSON string must escape: `"`, `\\` and the control characters.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `x` is below `n` (`n` ≤ 128), word at a time.
#[inline]
fn any_below(x: u64, n: u8) -> bool {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0
}

/// Whether any byte of `x` equals `b`, word at a time.
#[inline]
fn any_eq(x: u64, b: u8) -> bool {
    let y = x ^ (ONES * u64::from(b));
    y.wrapping_sub(ONES) & !y & HIGHS != 0
}

/// The index of the first byte at or after `from` for which `special` holds, skipping
/// eight clean bytes at a time (`clean` must be true of a word only when `special` holds
/// for none of its bytes).
#[inline]
fn next_special(
    bytes: &[u8],
    mut from: usize,
    clean: impl Fn(u64) -> bool,
    special: impl Fn(u8) -> bool,
) -> usize {
    while let Some(chunk) = bytes.get(from..from + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if !clean(word) {
            break;
        }
        from += 8;
    }
    while from < bytes.len() && !special(bytes[from]) {
        from += 1;
    }
    from
}

/// Appends `s` as a JSON string, escaped exactly as both serde_json and ECMAScript's
/// `JSON.stringify` escape it: `"`, `\\` and control characters; nothing else.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let clean = |w: u64| !(any_below(w, 0x20) || any_eq(w, b'"') || any_eq(w, b'\\'));
    let special = |b: u8| NEEDS_ESCAPE[usize::from(b)];
    let mut start = 0;
    loop {
        let i = next_special(bytes, start, clean, special);
        if i >= bytes.len() {
            break;
        }
        let b = bytes[i];
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// How many bytes [`write_str`] writes for `s`, without writing them: the call's output
/// limit (`maxOutputBytes`) counts the events' JSON exactly, before any is written.
pub(crate) fn str_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let clean = |w: u64| !(any_below(w, 0x20) || any_eq(w, b'"') || any_eq(w, b'\\'));
    let special = |b: u8| NEEDS_ESCAPE[usize::from(b)];
    let mut len = s.len() + 2;
    let mut start = 0;
    loop {
        let i = next_special(bytes, start, clean, special);
        if i >= bytes.len() {
            return len;
        }
        // `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f` take one byte more; other controls are
        // written `\u00XX`.
        len += match bytes[i] {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            _ => 5,
        };
        start = i + 1;
    }
}

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
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = special;
                let s = String::from_utf8(bytes).unwrap();
                let mut got = String::new();
                write_str(&mut got, &s);
                assert_eq!(got, serde_json::to_string(&s).unwrap(), "{special} at {at}");
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
