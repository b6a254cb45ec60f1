//! CVSS choice, shared by both record formats: of a record's CVSS entries (sub-assessments:
//! a map keyed by version, `"2.0"`/`"3.0"`; individual recommendations: `Cvss[]` with `Key`
//! `"3"`), the highest version that carries a score or a vector.

use crate::cx::Node;
use crate::error::Error;

/// One CVSS entry as the vendor sent it.
pub(super) struct Entry<'a> {
    pub base: Node<'a>,
    pub vector: Option<&'a str>,
}

/// The chosen score, version and vector.
#[derive(Default)]
pub(super) struct Choice<'a> {
    pub score: Option<f64>,
    pub version: Option<String>,
    pub vector: Option<String>,
    /// Where the score came from (for warnings about it).
    pub at: Option<Node<'a>>,
}

impl<'a> Choice<'a> {
    /// The entry with the highest version (entries sorted by version key, ascending) that
    /// has a score or a vector. `vulnerability.cvss.version` is the vector's (`CVSS:3.1/…`
    /// → `3.1`, SD: "version number only"), else the key when `key_is_version`.
    pub(super) fn best(
        entries: &[(&'a str, Entry<'a>)],
        key_is_version: bool,
    ) -> Result<Self, Error> {
        let mut c = Choice::default();
        let Some((key, entry)) = entries
            .iter()
            .rev()
            .find(|(_, e)| e.base.exists() || e.vector.is_some())
        else {
            return Ok(c);
        };
        c.vector = entry.vector.filter(|s| !s.is_empty()).map(str::to_owned);
        c.version = c
            .vector
            .as_deref()
            .and_then(|v| v.strip_prefix("CVSS:"))
            .and_then(|v| v.split('/').next())
            .map(str::to_owned)
            .or_else(|| key_is_version.then(|| (*key).to_owned()));
        c.score = entry.base.opt_num()?;
        c.at = c.score.is_some().then_some(entry.base);
        Ok(c)
    }
}

/// Orders version keys numerically where they are numbers (`"3"` < `"3.1"` < `"4.0"`).
pub(super) fn sort_by_version<T>(entries: &mut [(&str, T)]) {
    entries.sort_by(|a, b| {
        let n = |k: &str| k.trim().parse::<f64>().ok();
        match (n(a.0), n(b.0)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.0.cmp(b.0),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::sort_by_version;

    #[test]
    fn versions_sort_as_numbers() {
        let mut v = vec![("4.0", ()), ("3", ()), ("10", ()), ("2.0", ()), ("3.1", ())];
        sort_by_version(&mut v);
        let keys: Vec<&str> = v.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["2.0", "3", "3.1", "4.0", "10"]);
    }
}
