//! CVE id lists and the vulnerability's own link, in linear time: a record may list
//! thousands of ids and references (a fuzzing round found nested scans quadratic). Every
//! provider takes `vulnerability.references.cve` from here, so "a CVE id" means one thing:
//! an id with the `CVE-` prefix (the CVE Program's id syntax, `CVE-YYYY-NNNN…`).

use std::collections::HashSet;

/// The CVE ids among `ids` (`CVE-` prefix), first occurrence kept, in order.
pub(crate) fn cve_ids<'s>(ids: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|c| c.starts_with("CVE-") && seen.insert(*c))
        .map(str::to_owned)
        .collect()
}

/// The link of the first reference whose title is one of `wanted` (NVD's page for MDVM).
pub(crate) fn external_url<'s>(
    wanted: impl IntoIterator<Item = &'s str>,
    refs: impl IntoIterator<Item = (Option<&'s str>, Option<&'s str>)>,
) -> Option<String> {
    let wanted: HashSet<&str> = wanted.into_iter().collect();
    refs.into_iter()
        .filter(|(title, _)| title.is_some_and(|t| wanted.contains(t)))
        .find_map(|(_, link)| link)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_first_cve_ids_only() {
        assert_eq!(
            cve_ids(["CVE-1", "QID-2", "CVE-1", "CVE-3"]),
            ["CVE-1", "CVE-3"]
        );
    }

    #[test]
    fn many_ids_take_linear_time() {
        let ids: Vec<String> = (0..200_000).map(|i| format!("CVE-2026-{i}")).collect();
        let t = std::time::Instant::now();
        assert_eq!(cve_ids(ids.iter().map(String::as_str)).len(), 200_000);
        let refs = ids.iter().map(|i| (Some(i.as_str()), None));
        assert_eq!(external_url(ids.iter().map(String::as_str), refs), None);
        // Quadratic de-duplication took minutes here.
        assert!(t.elapsed().as_secs() < 10);
    }
}
