//! Making untrusted text safe to log: control characters escaped (no forged log lines),
//! and the token redacted wherever it shows up. Every string the engine produces from
//! vendor or server data goes through [`clean`]; hosts use the same functions for the text
//! they build themselves.

use std::borrow::Cow;

/// What replaces the token (or a fragment of it) in text.
pub const REDACTED: &str = "[redacted]";

/// Fragments of the token at least this long are redacted (shorter tokens only whole).
/// Eight characters: long enough that ordinary words do not match a real token
/// (`dt0c01.` is seven and common to every Dynatrace token), short enough that a runtime
/// that cuts a header value into pieces or truncates it does not leak a useful part.
pub const MIN_FRAGMENT: usize = 8;

/// Whether `c` must not reach a log verbatim: C0 and C1 controls and DEL (line breaks,
/// escape sequences), the Unicode line and paragraph separators, and the bidirectional
/// formatting characters (they reorder what a terminal shows).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with control characters escaped: `\n`, `\r`, `\t`, else `\u{..}` in hex. A
/// log line built from it stays one line, and cannot carry terminal escape sequences.
/// Display only: a literal backslash is left as it is, so the escaping is not reversible.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` with the token removed. Covered, each replaced by [`REDACTED`]:
/// - the token itself, anywhere in the text;
/// - the token percent-encoded, wholly or in part (`%41` for `A`, either case of hex);
/// - the token split by whitespace or control characters (a line-wrapped header value);
/// - any run of at least [`MIN_FRAGMENT`] consecutive characters of the token, under the
///   same encodings (a truncated or cut-up value), or the whole token when it is shorter.
///
/// Not covered: other encodings (base64, JSON `\u` escapes of letters, punycode), and
/// fragments shorter than [`MIN_FRAGMENT`]. An empty token redacts nothing. Linear in
/// `text` times the token length.
pub fn redact(text: &str, token: &str) -> String {
    let tok = token.as_bytes();
    if tok.is_empty() {
        return text.to_owned();
    }
    let need = MIN_FRAGMENT.min(tok.len());
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let mut best_end = None;
        let mut best_len = 0;
        for j in 0..tok.len() {
            let (len, end) = match_at(bytes, i, tok, j);
            if len >= need && len > best_len {
                best_len = len;
                best_end = Some(end);
            }
        }
        match best_end {
            Some(end) => {
                out.push_str(REDACTED);
                i = end;
            }
            None => {
                // Copy one whole character (the token is matched on bytes, and a match
                // starts and ends on a token byte, so spans never cut a character).
                let ch = text[i..].chars().next().expect("i is on a char boundary");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// How many token bytes from `tok[j..]` the text matches from `bytes[i..]`, and where the
/// match ends in the text. Separators (whitespace, controls) are skipped between matched
/// bytes; `%XX` stands for the byte it encodes.
fn match_at(bytes: &[u8], i: usize, tok: &[u8], j: usize) -> (usize, usize) {
    let (mut p, mut k, mut end) = (i, j, i);
    while p < bytes.len() && k < tok.len() {
        let b = bytes[p];
        if b == tok[k] {
            p += 1;
        } else if b == b'%' && hex_pair(bytes, p) == Some(tok[k]) {
            p += 3;
        } else if k > j && (b.is_ascii_whitespace() || b.is_ascii_control()) {
            p += 1;
            continue;
        } else if k > j && b == b'%' && hex_pair(bytes, p).is_some_and(|d| d.is_ascii_whitespace())
        {
            p += 3;
            continue;
        } else {
            break;
        }
        k += 1;
        end = p;
    }
    (k - j, end)
}

/// The byte `%XX` at `p` encodes, if `bytes[p..p + 3]` is one.
fn hex_pair(bytes: &[u8], p: usize) -> Option<u8> {
    let hi = (*bytes.get(p + 1)? as char).to_digit(16)?;
    let lo = (*bytes.get(p + 2)? as char).to_digit(16)?;
    u8::try_from(hi * 16 + lo).ok()
}

/// Redacted, then escaped: what every log line, error and dead-letter reason built from
/// outside data goes through.
pub fn clean(text: &str, token: &str) -> String {
    escape_control(&redact(text, token)).into_owned()
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "dt0c01.ABCDEFGHIJKL.SECRETSECRET1234";

    /// The CLI prints every line built from vendor data through this (a forged
    /// `secmap: total:` line stays on the line it came in, terminal escapes are inert).
    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(escape_control("plain é 😀"), "plain é 😀");
        assert_eq!(
            escape_control("x\nsecmap: total: 9 sent\r\t\u{1b}[2J\u{7f}\u{85}\u{2028}\u{202e}"),
            "x\\nsecmap: total: 9 sent\\r\\t\\u{1b}[2J\\u{7f}\\u{85}\\u{2028}\\u{202e}"
        );
        assert!(!escape_control("a\u{0}b").contains('\0'));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("plain text"), "plain text");
        assert!(matches!(escape_control("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_control("bad\nsecmap: total: 9 sent\r\t\u{1b}[31m\u{7f}\u{85}"),
            "bad\\nsecmap: total: 9 sent\\r\\t\\u{1b}[31m\\u{7f}\\u{85}"
        );
        assert_eq!(
            escape_control("a\u{2028}b\u{202e}c\u{2066}"),
            "a\\u{2028}b\\u{202e}c\\u{2066}"
        );
        assert_eq!(escape_control("é ü 漢字 \\n"), "é ü 漢字 \\n");
    }

    #[test]
    fn the_whole_token_is_redacted_anywhere() {
        assert_eq!(redact(TOKEN, TOKEN), REDACTED);
        assert_eq!(
            redact(&format!("Api-Token {TOKEN}, again:{TOKEN}!"), TOKEN),
            "Api-Token [redacted], again:[redacted]!"
        );
        assert_eq!(redact("nothing here", TOKEN), "nothing here");
        assert_eq!(redact("anything", ""), "anything");
    }

    #[test]
    fn percent_encoded_and_split_tokens_are_redacted() {
        // Fully and partly percent-encoded, either case of hex digits.
        let encoded: String = TOKEN.bytes().map(|b| format!("%{b:02X}")).collect();
        assert_eq!(
            redact(&format!("url?t={encoded}&x=1"), TOKEN),
            "url?t=[redacted]&x=1"
        );
        let lower: String = TOKEN.bytes().map(|b| format!("%{b:02x}")).collect();
        assert_eq!(redact(&lower, TOKEN), REDACTED);
        assert_eq!(
            redact("dt0c01%2EABCDEFGHIJKL%2ESECRETSECRET1234", TOKEN),
            REDACTED
        );
        // Wrapped across lines, or with a control character inside.
        assert_eq!(
            redact(
                "header: dt0c01.ABCDEF\n  GHIJKL.SECRET\r\nSECRET1234 end",
                TOKEN
            ),
            "header: [redacted] end"
        );
        assert_eq!(
            redact("dt0c01.ABCDEF%0AGHIJKL.SECRETSECRET1234", TOKEN),
            REDACTED
        );
    }

    #[test]
    fn fragments_of_eight_characters_or_more_are_redacted() {
        // Truncated by a runtime: the head, or a piece of the secret.
        assert_eq!(
            redact("value dt0c01.ABCDE… (truncated)", TOKEN),
            "value [redacted]… (truncated)"
        );
        assert_eq!(redact("...RETSECRET12...", TOKEN), "...[redacted]...");
        // Seven characters are not enough: `dt0c01.` is every token's prefix.
        assert_eq!(redact("dt0c01.XYZ", TOKEN), "dt0c01.XYZ");
        assert_eq!(redact("SECRET", TOKEN), "SECRET");
        // A short token is only redacted whole.
        assert_eq!(
            redact("abc abcd xabcdx", "abcd"),
            "abc [redacted] x[redacted]x"
        );
    }

    #[test]
    fn redaction_keeps_other_text_intact() {
        assert_eq!(
            redact("漢字 dt0c01.ABCDEFGHIJKL 漢字", TOKEN),
            "漢字 [redacted] 漢字"
        );
        assert_eq!(redact("100%", TOKEN), "100%");
        assert_eq!(redact("%4", TOKEN), "%4");
    }

    #[test]
    fn clean_redacts_then_escapes() {
        assert_eq!(
            clean(&format!("x\n{TOKEN}\u{1b}"), TOKEN),
            "x\\n[redacted]\\u{1b}"
        );
        assert_eq!(truncate_chars("abcdef", 3), "abc…");
        assert_eq!(truncate_chars("abc", 3), "abc");
    }
}
