//! Defender for Cloud severity: the level from Defender's severity string (Critical, High,
//! Medium, Low as is; Unknown, None or missing → NONE), the score from Defender's CVSS score
//! when present, else the fixed score of the level (Dynatrace "Ingest Microsoft Defender for
//! Cloud security events", normalization table).

use crate::severity::{DYNATRACE_BANDS, FIXED_SCORES, Level, SeverityTable};

pub(crate) static TABLE: SeverityTable = SeverityTable {
    id: "defender-for-cloud/1",
    source: "Dynatrace Defender for Cloud ingest page; Defender sub-assessment status.severity, individual recommendations CvesDetails[].Severity",
    labels: &[
        ("Critical", Level::Critical),
        ("High", Level::High),
        ("Medium", Level::Medium),
        ("Low", Level::Low),
        ("Informational", Level::None),
        ("Unknown", Level::None),
        ("None", Level::None),
    ],
    bands: DYNATRACE_BANDS,
    fixed_scores: FIXED_SCORES,
    range: (0.0, 10.0),
    missing: Level::None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::WarningCode;

    fn risk(label: Option<&str>, cvss: Option<f64>) -> (&'static str, f64, Option<WarningCode>) {
        let r = TABLE.risk_for_label(label, cvss);
        (r.level.as_str(), r.score, r.warning.map(|w| w.0))
    }

    #[test]
    fn labels_in_any_case_get_the_fixed_score_without_cvss() {
        assert_eq!(risk(Some("Critical"), None), ("CRITICAL", 10.0, None));
        assert_eq!(risk(Some("high"), None), ("HIGH", 8.9, None));
        assert_eq!(risk(Some("MEDIUM"), None), ("MEDIUM", 6.9, None));
        assert_eq!(risk(Some(" Low "), None), ("LOW", 3.9, None));
        assert_eq!(risk(Some("Unknown"), None), ("NONE", 0.0, None));
        assert_eq!(risk(Some("None"), None), ("NONE", 0.0, None));
    }

    #[test]
    fn cvss_is_the_score_at_every_boundary() {
        for (cvss, label) in [
            (0.0, "Low"),
            (0.1, "Low"),
            (3.9, "Low"),
            (4.0, "Medium"),
            (6.9, "Medium"),
            (7.0, "High"),
            (8.9, "High"),
            (9.0, "Critical"),
            (10.0, "Critical"),
        ] {
            let r = TABLE.risk_for_label(Some(label), Some(cvss));
            assert_eq!(r.score, cvss);
            assert_eq!(r.warning, None);
            // The documented bands agree with the label at every boundary but 0.
            if cvss > 0.0 {
                assert_eq!(TABLE.level_for_score(cvss), r.level, "{cvss}");
            }
        }
    }

    #[test]
    fn out_of_range_cvss_is_clamped_and_unknown_labels_warn() {
        assert_eq!(
            risk(Some("High"), Some(11.0)),
            ("HIGH", 10.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(
            risk(Some("High"), Some(-0.5)),
            ("HIGH", 0.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(
            risk(Some("Severe"), None),
            ("NONE", 0.0, Some(WarningCode::SeverityUnknown))
        );
        assert_eq!(
            risk(None, None),
            ("NONE", 0.0, Some(WarningCode::SeverityMissing))
        );
        assert_eq!(
            risk(Some(""), Some(5.0)),
            ("NONE", 5.0, Some(WarningCode::SeverityMissing))
        );
    }
}
