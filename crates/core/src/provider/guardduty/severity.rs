//! GuardDuty severity: `dt.security.risk.score` is `detail.severity` as is; the level comes
//! from GuardDuty's own bands (GuardDuty user guide, "Severity levels of findings": Low
//! 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0; Dynatrace "Ingest Amazon
//! GuardDuty security findings"). Scores between 0 and 1.0 are LOW (older findings used
//! 0.1–0.9); exactly 0 is NONE; values outside 0–10 are clamped with a warning.

use crate::severity::{DYNATRACE_BANDS, FIXED_SCORES, Level, SeverityTable};

pub(crate) static TABLE: SeverityTable = SeverityTable {
    id: "guardduty/1",
    source: "GuardDuty user guide, severity levels; Dynatrace GuardDuty ingest page",
    // GuardDuty's levels as the seed table writes them (`finding.severity` is the level of
    // the band, in capitals; the number goes to `finding.score`). Matched case-insensitively,
    // so the console's `High` reads too.
    labels: &[
        ("CRITICAL", Level::Critical),
        ("HIGH", Level::High),
        ("MEDIUM", Level::Medium),
        ("LOW", Level::Low),
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

    fn risk(score: Option<f64>) -> (&'static str, f64, Option<WarningCode>) {
        let r = TABLE.risk_for_score(score);
        (r.level.as_str(), r.score, r.warning.map(|w| w.0))
    }

    #[test]
    fn every_band_boundary() {
        assert_eq!(risk(Some(0.0)), ("NONE", 0.0, None));
        assert_eq!(risk(Some(0.1)), ("LOW", 0.1, None));
        assert_eq!(risk(Some(1.0)), ("LOW", 1.0, None));
        assert_eq!(risk(Some(3.9)), ("LOW", 3.9, None));
        assert_eq!(risk(Some(3.95)), ("LOW", 3.95, None));
        assert_eq!(risk(Some(4.0)), ("MEDIUM", 4.0, None));
        assert_eq!(risk(Some(6.9)), ("MEDIUM", 6.9, None));
        assert_eq!(risk(Some(7.0)), ("HIGH", 7.0, None));
        assert_eq!(risk(Some(8.9)), ("HIGH", 8.9, None));
        assert_eq!(risk(Some(8.99)), ("HIGH", 8.99, None));
        assert_eq!(risk(Some(9.0)), ("CRITICAL", 9.0, None));
        assert_eq!(risk(Some(10.0)), ("CRITICAL", 10.0, None));
    }

    #[test]
    fn out_of_range_is_clamped_with_a_warning() {
        assert_eq!(
            risk(Some(10.5)),
            ("CRITICAL", 10.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(
            risk(Some(-1.0)),
            ("NONE", 0.0, Some(WarningCode::SeverityOutOfRange))
        );
    }

    #[test]
    fn missing_is_none_with_a_warning() {
        assert_eq!(
            risk(None),
            ("NONE", 0.0, Some(WarningCode::SeverityMissing))
        );
    }

    #[test]
    fn labels_are_the_levels_in_capitals() {
        for (label, level) in TABLE.labels {
            assert_eq!(*label, level.as_str());
        }
        assert_eq!(TABLE.level_for_label("High"), Some(Level::High));
    }
}
