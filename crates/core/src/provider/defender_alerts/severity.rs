//! Defender for Cloud alert severity: the level from the alert's `Severity` label, the score
//! the level's fixed score (alerts carry no severity score; `ConfidenceScore` is the
//! detector's confidence, not a severity). Dynatrace maps the same alert vocabulary
//! (Microsoft Sentinel `AlertSeverity`: High, Medium, Low, Informational) in "Ingest
//! Microsoft Sentinel security events"; the alert schema has no Critical, which is kept for
//! safety (shared/docs/next-providers.md §4.4). Anything else, or nothing, is NOT_AVAILABLE
//! with a warning: the vendor gave nothing to go by.

use crate::severity::{DYNATRACE_BANDS, FIXED_SCORES, Level, SeverityTable};

pub(crate) static TABLE: SeverityTable = SeverityTable {
    id: "defender-alerts/1",
    source: "Dynatrace Sentinel ingest page (AlertSeverity table); Defender alerts API `severity` enum",
    labels: &[
        ("Critical", Level::Critical),
        ("High", Level::High),
        ("Medium", Level::Medium),
        ("Low", Level::Low),
        ("Informational", Level::None),
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

    fn risk(label: Option<&str>) -> (&'static str, f64, Option<WarningCode>) {
        let r = TABLE.risk_for_label(label, None);
        (r.level.as_str(), r.score, r.warning.map(|w| w.0))
    }

    #[test]
    fn every_label_in_any_case_gets_its_fixed_score() {
        assert_eq!(risk(Some("High")), ("HIGH", 8.9, None));
        assert_eq!(risk(Some("high")), ("HIGH", 8.9, None));
        assert_eq!(risk(Some("MEDIUM")), ("MEDIUM", 6.9, None));
        assert_eq!(risk(Some(" Low ")), ("LOW", 3.9, None));
        assert_eq!(risk(Some("Informational")), ("NONE", 0.0, None));
        assert_eq!(risk(Some("informational")), ("NONE", 0.0, None));
        assert_eq!(risk(Some("Critical")), ("CRITICAL", 10.0, None));
    }

    #[test]
    fn missing_and_unknown_labels_are_not_available_with_a_warning() {
        assert_eq!(
            risk(None),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        assert_eq!(
            risk(Some("  ")),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        // Sub-assessment words are not alert severities.
        for other in ["Unknown", "None", "Severe", "Info"] {
            assert_eq!(
                risk(Some(other)),
                ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityUnknown)),
                "{other}"
            );
        }
    }

    #[test]
    fn fixed_scores_sit_inside_the_bands_of_their_levels() {
        for (_, level) in TABLE.labels {
            let score = TABLE.fixed_score(*level);
            assert_eq!(TABLE.level_for_score(score), *level, "{score}");
        }
    }
}
