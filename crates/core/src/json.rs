//! Small JSON text utilities that serde_json does not offer: positions, pointers, nesting
//! depth and whitespace-only minification. All work on text that is already valid JSON
//! (or, for `depth`, on any text, never panicking).

use std::borrow::Cow;

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (clamp_u32(line), clamp_u32(column))
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

/// The byte offset at which nesting first exceeds `max`, if it does. Brackets inside
/// strings do not count.
pub(crate) fn depth_exceeded(text: &str, max: u32) -> Option<usize> {
    let mut depth: u32 = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
    }

    #[test]
    fn minify_keeps_strings_and_numbers_verbatim() {
        let mut out = String::new();
        minify_into("{ \"a b\" : [ 1.50 ,\n\t\"x\\\" y\" ] }", &mut out);
        assert_eq!(out, r#"{"a b":[1.50,"x\" y"]}"#);
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(depth_exceeded(r#"[["[[[[", {"a": []}]]"#, 4), None);
        assert_eq!(depth_exceeded(r#"[["[[[[", {"a": []}]]"#, 3), Some(16));
        assert_eq!(depth_exceeded("[[[[]]]]", 3), Some(3));
        assert_eq!(depth_exceeded(r#""\"[[[[""#, 1), None);
    }

    #[test]
    fn pointer_tokens_escape_tilde_before_slash() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(escape_token("plain"), "plain");
    }
}
