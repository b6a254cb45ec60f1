//! JSON string literals, the core's hottest text work: writing them with their escapes
//! ([`write_str`], [`write_key`], [`write_compact_as_str`]), measuring what that writes
//! ([`str_len`]) and decoding one ([`unescape_str`]), each scanning a word (or 32 bytes) at
//! a time for the few bytes that matter. Property tests compare them with serde_json.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes a JSON string must escape (`"`, `\\` and the control characters), flagged
/// by their high bit, a word at a time. Only the lowest flag is exact (a borrow runs
/// upward from a true match only), which is all [`find`] uses. Bytes with the high bit set
/// (UTF-8 beyond ASCII) never match: the same `!x` removes them from all three tests.
#[inline(always)]
fn escape_mask(x: u64) -> u64 {
    let below_space = x.wrapping_sub(ONES * 0x20);
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (below_space | quote | backslash) & !x & HIGHS
}

/// What ends a run inside a string of valid JSON text: `"` and `\\` (it has no raw
/// control characters there); flagged as in [`escape_mask`].
#[inline(always)]
fn string_end_mask(x: u64) -> u64 {
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (quote | backslash) & !x & HIGHS
}

#[inline(always)]
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The index of the first byte at or after `from` that `mask` flags (`bytes.len()` if
/// none), a word (8 bytes) at a time, and with `BLOCKS` 32 bytes per step in long clean
/// runs (event strings; the strings inside a record's text are mostly short). The strings the
/// core writes are mostly clean, and this is the hot loop of writing events. `is` is
/// `mask` for one byte, for what is shorter than a word.
#[inline(always)]
fn find<const BLOCKS: bool>(
    bytes: &[u8],
    from: usize,
    mask: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> usize {
    let n = bytes.len();
    if n - from < 8 {
        return from
            + bytes[from..]
                .iter()
                .position(|&b| is(b))
                .unwrap_or(n - from);
    }
    // Most runs end within a word or two (ids, names, the structure of a record): a
    // word first, blocks only for what is longer (descriptions).
    let m = mask(word(bytes, from));
    if m != 0 {
        return from + (m.trailing_zeros() / 8) as usize;
    }
    let mut i = from + 8;
    while BLOCKS && i + 32 <= n {
        let block = &bytes[i..i + 32];
        let any = mask(word(block, 0))
            | mask(word(block, 8))
            | mask(word(block, 16))
            | mask(word(block, 24));
        if any != 0 {
            break;
        }
        i += 32;
    }
    while i + 8 <= n {
        let m = mask(word(bytes, i));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    if i == n {
        return n;
    }
    // The last, overlapping word: the bytes before `i` are clean, so its lowest flag is
    // at or after `i`.
    let m = mask(word(bytes, n - 8));
    if m != 0 {
        n - 8 + (m.trailing_zeros() / 8) as usize
    } else {
        n
    }
}

/// Appends valid JSON text `json` as a JSON string holding its compact form: whitespace
/// outside strings dropped, everything else kept byte for byte, `"` and `\\` escaped. One
/// pass, without building the compact text first (this is `event.original_content`).
///
/// Outside strings the text is structure (a few bytes between strings), read byte by
/// byte; inside strings only `"` and `\\` matter (valid JSON has no raw control
/// characters there), found a word at a time.
pub(crate) fn write_compact_as_str(out: &mut String, json: &str) {
    out.reserve(json.len() + json.len() / 4 + 2);
    out.push('"');
    let bytes = json.as_bytes();
    let n = bytes.len();
    // `bytes[run..i]` is still to be copied.
    let mut run = 0;
    let mut i = 0;
    while i < n {
        match bytes[i] {
            b' ' | b'\n' | b'\r' | b'\t' => {
                // Insignificant whitespace.
                out.push_str(&json[run..i]);
                i += 1;
                run = i;
            }
            b'"' => {
                out.push_str(&json[run..i]);
                out.push_str("\\\"");
                i += 1;
                // The string's contents, up to and including its closing quote.
                loop {
                    let at = find::<false>(bytes, i, string_end_mask, |b| b == b'"' || b == b'\\');
                    out.push_str(&json[i..at]);
                    if at == n {
                        i = n;
                        break;
                    }
                    if bytes[at] == b'"' {
                        out.push_str("\\\"");
                        i = at + 1;
                        break;
                    }
                    // A backslash, then the escaped character, which is copied as is (an
                    // escaped quote must not end the string).
                    out.push_str("\\\\");
                    match bytes.get(at + 1) {
                        Some(b'"') => {
                            out.push_str("\\\"");
                            i = at + 2;
                        }
                        Some(b'\\') => {
                            out.push_str("\\\\");
                            i = at + 2;
                        }
                        // Any other escaped character is plain ASCII: part of the next run.
                        Some(_) => i = at + 1,
                        None => i = n,
                    }
                }
                run = i;
            }
            // A backslash only occurs inside strings; outside them, everything else is
            // copied as it is.
            _ => i += 1,
        }
    }
    out.push_str(&json[run..]);
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

/// Appends an event's field name and its colon: `"name":`. Field names are the core's own
/// constants (`event.id`, `container_image.digest`), which never need escaping, so the
/// scan of [`write_str`] is skipped (checked in debug builds).
pub(crate) fn write_key(out: &mut String, key: &'static str) {
    debug_assert!(
        !key.bytes().any(|b| NEEDS_ESCAPE[usize::from(b)]),
        "{key:?} needs escaping"
    );
    out.reserve(key.len() + 3);
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

/// Appends `s` as a JSON string, escaped exactly as both serde_json and ECMAScript's
/// `JSON.stringify` escape it: `"`, `\\` and control characters; nothing else.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let i = find::<true>(bytes, start, escape_mask, |b| NEEDS_ESCAPE[usize::from(b)]);
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

/// The string a JSON string literal (`text`, quotes included, already validated by the
/// parser: an Event Hubs message body read as a raw value) holds; `None` for what this
/// fast path leaves to serde_json: surrogate escapes that are not a well-formed pair
/// (which are not Unicode text, and whose error serde_json words), and anything else it
/// does not expect. Message bodies are JSON inside JSON, with an escape every few bytes;
/// serde_json's decoder restarts its scan at each one.
pub(crate) fn unescape_str(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = inner.as_bytes();
    let backslash = |x: u64| {
        let y = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        y & !x & HIGHS
    };
    let mut out = String::with_capacity(inner.len());
    let (mut run, mut i) = (0, 0);
    loop {
        let at = find::<true>(bytes, i, backslash, |b| b == b'\\');
        if at == bytes.len() {
            break;
        }
        out.push_str(&inner[run..at]);
        i = at + 2;
        let c = match *bytes.get(at + 1)? {
            // The escaped character stands for itself: it starts the next run (most
            // escapes of a message body are quotes).
            b'"' | b'\\' | b'/' => {
                run = at + 1;
                continue;
            }
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(bytes.get(i..i + 4)?)?;
                i += 4;
                if (0xd800..0xdc00).contains(&unit) {
                    // A high surrogate: a low one must follow.
                    if bytes.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let low = hex4(bytes.get(i + 2..i + 6)?)?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))?
                } else {
                    // A lone low surrogate is no char: `None`.
                    char::from_u32(unit)?
                }
            }
            _ => return None,
        };
        out.push(c);
        run = i;
    }
    out.push_str(&inner[run..]);
    Some(out)
}

/// Four hex digits.
fn hex4(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |n, &d| Some(n << 4 | char::from(d).to_digit(16)?))
}

/// How many bytes [`write_str`] writes for `s`, without writing them: the call's output
/// limit (`maxOutputBytes`) counts the events' JSON exactly, before any is written.
pub(crate) fn str_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut len = s.len() + 2;
    let mut start = 0;
    loop {
        let i = find::<true>(bytes, start, escape_mask, |b| NEEDS_ESCAPE[usize::from(b)]);
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
