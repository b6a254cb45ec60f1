//! Content-derived identifiers: the same finding always gets the same id, so a retried or
//! replayed delivery never creates a second event in Dynatrace.

use uuid::Uuid;

/// The namespace of every secmap name-based (version 5) UUID. Never change it: ids of
/// events already stored in Dynatrace depend on it.
const NAMESPACE: Uuid = Uuid::from_u128(0x5ec3_a9d1_4b7e_5f02_a6c8_9d3e_1f2b_4c70);

/// The separator of the parts, and the escape that keeps one inside a part from reading
/// as a separator.
const SEPARATOR: char = '\u{1f}';
const ESCAPE: char = '\u{1b}';

/// A version 5 UUID over `parts`, joined by the ASCII unit separator. Payloads are
/// untrusted, so a part may hold the separator itself: it (and the escape) is escaped, and
/// different parts always give different names. Parts without either character (every
/// real id and timestamp) are joined as they are, so their UUIDs never change.
pub(crate) fn name_based(parts: &[&str]) -> String {
    let mut name = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            name.push(SEPARATOR);
        }
        if may_hold_separator(p) && p.contains([SEPARATOR, ESCAPE]) {
            for c in p.chars() {
                if c == SEPARATOR || c == ESCAPE {
                    name.push(ESCAPE);
                }
                name.push(c);
            }
        } else {
            name.push_str(p);
        }
    }
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

/// Whether `part` has a control character (both [`SEPARATOR`] and [`ESCAPE`] are): a
/// check without an early exit, which the compiler turns into vector code, before the
/// exact search. Every event id hashes hundreds of bytes of ids that have none.
fn may_hold_separator(part: &str) -> bool {
    part.bytes().fold(false, |any, b| any | (b < 0x20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_sensitive_to_every_part() {
        let a = name_based(&["guardduty", "f1", "i-1", "2026-01-01T00:00:00Z"]);
        assert_eq!(
            a,
            name_based(&["guardduty", "f1", "i-1", "2026-01-01T00:00:00Z"])
        );
        assert_ne!(
            a,
            name_based(&["guardduty", "f1", "i-2", "2026-01-01T00:00:00Z"])
        );
        assert_ne!(name_based(&["a", "bc"]), name_based(&["ab", "c"]));
        // A separator inside a part (fuzz/regressions/event-id-separator-collision.json).
        assert_ne!(
            name_based(&["a\u{1f}b", "c"]),
            name_based(&["a", "b\u{1f}c"])
        );
        assert_ne!(
            name_based(&["a\u{1b}", "\u{1f}b"]),
            name_based(&["a\u{1b}\u{1f}", "b"])
        );
        assert_ne!(name_based(&["a\u{1b}\u{1f}b"]), name_based(&["a\u{1f}b"]));
        // Pinned: changing this breaks de-duplication of events already ingested.
        assert_eq!(name_based(&["x"]), "ab7a6b25-e2ca-5920-b11b-a6779f8dbab5");
    }
}
