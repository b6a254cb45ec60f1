//! What the server said, made fit for a reason: the status with its phrase and hint,
//! and the server's own error text, shortened, redacted and escaped.

use super::DETAIL_CHARS;
use crate::http;
use crate::text::{clean, truncate_chars};

/// `401 Unauthorized: the token is missing or invalid (<server text>)`.
pub(super) fn status_message(status: u16, body: &str, token: &str) -> String {
    let phrase = http::reason_phrase(status);
    let head = if phrase.is_empty() {
        format!("HTTP status {status}")
    } else {
        format!("{status} {phrase}")
    };
    let hint = http::status_hint(status);
    match error_detail(body) {
        Some(detail) => format!(
            "{head}: {hint} ({})",
            clean(&truncate_chars(&detail, DETAIL_CHARS), token)
        ),
        None => format!("{head}: {hint}"),
    }
}

/// The server's own words: `error.message` (Dynatrace's envelope) or `message` of a JSON
/// body, else the body's text with runs of whitespace folded.
fn error_detail(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    if body.starts_with('{') {
        // A tiny extraction, no JSON parser: the engine must stay small for wasm. The
        // first `"message":"..."` is Dynatrace's `error.message`.
        if let Some(at) = body.find("\"message\":\"")
            && let Some(text) = json_string(&body[at + 11..])
            && !text.trim().is_empty()
        {
            return Some(text.trim().to_owned());
        }
    }
    let folded: Vec<&str> = body.split_whitespace().collect();
    Some(folded.join(" "))
}

/// The contents of a JSON string whose opening quote was just read, unescaped.
fn json_string(rest: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}
