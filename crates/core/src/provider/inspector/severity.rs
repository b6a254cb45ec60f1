//! Inspector severity (`next-providers.md` §3.6): the level comes from the finding's
//! `severity` label, which AWS derives from the score with the CVSS v3 bands (Inspector
//! user guide, "Severity levels for Amazon Inspector findings"; the same bands as
//! Dynatrace's). The score is `inspectorScore` when it lies in the band of that level,
//! else the level's fixed score with a `score-outside-band` warning. `UNTRIAGED` (not
//! scored yet) is NOT_AVAILABLE, as Dynatrace's Trivy guide maps UNKNOWN; INFORMATIONAL is
//! NONE, as Dynatrace's Sentinel table maps Informational. `vendorSeverity` and `cvss[]`
//! never decide the level.

use crate::severity::{DYNATRACE_BANDS, FIXED_SCORES, Level, SeverityTable};

pub(crate) static TABLE: SeverityTable = SeverityTable {
    id: "inspector/1",
    source: "Amazon Inspector user guide, severity levels; Dynatrace fixed scores (next-providers.md §3.6)",
    labels: &[
        ("CRITICAL", Level::Critical),
        ("HIGH", Level::High),
        ("MEDIUM", Level::Medium),
        ("LOW", Level::Low),
        ("INFORMATIONAL", Level::None),
        ("UNTRIAGED", Level::NotAvailable),
    ],
    bands: DYNATRACE_BANDS,
    fixed_scores: FIXED_SCORES,
    range: (0.0, 10.0),
    missing: Level::NotAvailable,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::WarningCode;

    fn risk(label: Option<&str>, score: Option<f64>) -> (&'static str, f64, Option<WarningCode>) {
        let r = TABLE.risk_for_label_score_in_band(label, score);
        (r.level.as_str(), r.score, r.warning.map(|w| w.0))
    }

    const OUTSIDE: Option<WarningCode> = Some(WarningCode::ScoreOutsideBand);

    #[test]
    fn labels_without_a_score_get_the_fixed_scores() {
        assert_eq!(risk(Some("CRITICAL"), None), ("CRITICAL", 10.0, None));
        assert_eq!(risk(Some("HIGH"), None), ("HIGH", 8.9, None));
        assert_eq!(risk(Some("MEDIUM"), None), ("MEDIUM", 6.9, None));
        assert_eq!(risk(Some("LOW"), None), ("LOW", 3.9, None));
        assert_eq!(risk(Some("INFORMATIONAL"), None), ("NONE", 0.0, None));
        assert_eq!(risk(Some("UNTRIAGED"), None), ("NOT_AVAILABLE", 0.0, None));
        assert_eq!(risk(Some("medium"), None), ("MEDIUM", 6.9, None));
    }

    #[test]
    fn every_band_boundary() {
        // CRITICAL 9.0–10.0
        assert_eq!(risk(Some("CRITICAL"), Some(10.0)), ("CRITICAL", 10.0, None));
        assert_eq!(risk(Some("CRITICAL"), Some(9.0)), ("CRITICAL", 9.0, None));
        assert_eq!(
            risk(Some("CRITICAL"), Some(8.9)),
            ("CRITICAL", 10.0, OUTSIDE)
        );
        // HIGH 7.0–8.9
        assert_eq!(risk(Some("HIGH"), Some(9.0)), ("HIGH", 8.9, OUTSIDE));
        assert_eq!(risk(Some("HIGH"), Some(8.9)), ("HIGH", 8.9, None));
        assert_eq!(risk(Some("HIGH"), Some(7.0)), ("HIGH", 7.0, None));
        assert_eq!(risk(Some("HIGH"), Some(6.9)), ("HIGH", 8.9, OUTSIDE));
        // MEDIUM 4.0–6.9
        assert_eq!(risk(Some("MEDIUM"), Some(7.0)), ("MEDIUM", 6.9, OUTSIDE));
        assert_eq!(risk(Some("MEDIUM"), Some(6.9)), ("MEDIUM", 6.9, None));
        assert_eq!(risk(Some("MEDIUM"), Some(4.0)), ("MEDIUM", 4.0, None));
        assert_eq!(risk(Some("MEDIUM"), Some(3.9)), ("MEDIUM", 6.9, OUTSIDE));
        // LOW 0.1–3.9
        assert_eq!(risk(Some("LOW"), Some(4.0)), ("LOW", 3.9, OUTSIDE));
        assert_eq!(risk(Some("LOW"), Some(3.9)), ("LOW", 3.9, None));
        assert_eq!(risk(Some("LOW"), Some(0.1)), ("LOW", 0.1, None));
        assert_eq!(risk(Some("LOW"), Some(0.0)), ("LOW", 3.9, OUTSIDE));
        // INFORMATIONAL 0.0
        assert_eq!(risk(Some("INFORMATIONAL"), Some(0.0)), ("NONE", 0.0, None));
        assert_eq!(
            risk(Some("INFORMATIONAL"), Some(0.1)),
            ("NONE", 0.0, OUTSIDE)
        );
        // UNTRIAGED takes no score
        assert_eq!(
            risk(Some("UNTRIAGED"), Some(5.0)),
            ("NOT_AVAILABLE", 0.0, OUTSIDE)
        );
    }

    #[test]
    fn out_of_range_scores_are_clamped_then_banded() {
        assert_eq!(
            risk(Some("CRITICAL"), Some(10.5)),
            ("CRITICAL", 10.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(
            risk(Some("INFORMATIONAL"), Some(-1.0)),
            ("NONE", 0.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(risk(Some("HIGH"), Some(-1.0)), ("HIGH", 8.9, OUTSIDE));
    }

    #[test]
    fn missing_and_unknown_labels_are_not_available() {
        assert_eq!(
            risk(None, None),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        // The score never stands in for a missing label: the label is authoritative.
        assert_eq!(
            risk(None, Some(7.5)),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        assert_eq!(
            risk(Some("Important"), Some(7.5)),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityUnknown))
        );
    }
}
