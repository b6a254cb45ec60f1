//! Lines the CLI prints from vendor data, made safe for a terminal and a log.
//!
//! Rejection and skip messages, pointers and unmapped source paths carry text from the
//! payload (a detail-type, a key, a status), which a hostile finding controls. Printed
//! verbatim, a newline in it starts a line of the attacker's choosing (a fake `secmap:
//! total: ... sent`), and escape sequences drive the terminal. Every such line goes through
//! [`line`]. (The delivery crate may grow its own helper; the CLI cannot depend on it yet.)

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` with every control character written as an escape: `\n`, `\r`, `\t`, else
/// `\u{XX}`. Covers C0, DEL, C1, the Unicode line and paragraph separators and the bidi
/// controls (which reorder what a terminal shows). Other text is unchanged.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(line("plain é 😀"), "plain é 😀");
        assert_eq!(
            line("x\nsecmap: total: 9 sent\r\t\u{1b}[2J\u{7f}\u{85}\u{2028}\u{202e}"),
            "x\\nsecmap: total: 9 sent\\r\\t\\u{1b}[2J\\u{7f}\\u{85}\\u{2028}\\u{202e}"
        );
        assert!(!line("a\u{0}b").contains('\0'));
    }
}
