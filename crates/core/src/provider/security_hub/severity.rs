//! Security Hub severity (next-providers.md §2.5, §2.7), as data.
//!
//! ASFF: the level comes from `Severity.Label` (AWS: "the Label is the preferred
//! severity attribute"); without one, from `Severity.Normalized` by AWS's own derivation
//! (0 INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH, 90–100 CRITICAL: the bands of
//! [`TABLE`], on `Normalized`'s 0–100 scale); with neither, NOT_AVAILABLE and a warning
//! (AWS calls such a finding invalid). The score is the product's own 0–10 score when it
//! lies in the level's band, else Dynatrace's fixed score of the level with a
//! `score-outside-band` warning. `Normalized` is never a score.
//!
//! OCSF (Security Hub V2): `severity_id` through [`OCSF_SEVERITY_IDS`], fixed scores.

use crate::output::WarningCode;
use crate::severity::{Band, FIXED_SCORES, Level, Risk, SeverityTable, VendorScore};

pub(crate) static TABLE: SeverityTable = SeverityTable {
    id: "security-hub/1",
    source: "AWS Security Hub API `Severity` (Label preferred; Normalized derivation 0 / 1–39 / \
             40–69 / 70–89 / 90–100; the score bands below are on Normalized's 0–100 scale); \
             Dynatrace fixed scores per level (dt-sec-semantic-mapping); Sentinel \
             Informational → NONE",
    labels: &[
        ("CRITICAL", Level::Critical),
        ("HIGH", Level::High),
        ("MEDIUM", Level::Medium),
        ("LOW", Level::Low),
        ("INFORMATIONAL", Level::None),
    ],
    bands: &[
        Band {
            level: Level::Critical,
            min: 90.0,
            inclusive: true,
        },
        Band {
            level: Level::High,
            min: 70.0,
            inclusive: true,
        },
        Band {
            level: Level::Medium,
            min: 40.0,
            inclusive: true,
        },
        Band {
            level: Level::Low,
            min: 0.0,
            inclusive: false,
        },
        Band {
            level: Level::None,
            min: 0.0,
            inclusive: true,
        },
    ],
    fixed_scores: FIXED_SCORES,
    range: (0.0, 100.0),
    missing: Level::NotAvailable,
};

/// OCSF `severity_id` → level (Fatal → CRITICAL as AWS's ASR solution maps it; Unknown
/// and Other → NOT_AVAILABLE as Dynatrace's Trivy tutorial maps UNKNOWN). Anything not
/// listed is NOT_AVAILABLE with a warning.
pub(crate) const OCSF_SEVERITY_IDS: &[(i64, Level)] = &[
    (6, Level::Critical),
    (5, Level::Critical),
    (4, Level::High),
    (3, Level::Medium),
    (2, Level::Low),
    (1, Level::None),
    (0, Level::NotAvailable),
    (99, Level::NotAvailable),
];

/// The ASFF risk from `Severity.Label`, `Severity.Normalized` and the product's own score.
/// Returns the risk and the `finding.severity` text.
pub(crate) fn asff(
    label: Option<&str>,
    normalized: Option<f64>,
    vendor: Option<f64>,
) -> (Risk, String) {
    let label = label.map(str::trim).filter(|l| !l.is_empty());
    let mut warning = None;
    let from_label = label.and_then(|l| TABLE.level_for_label(l));
    if let (Some(l), None) = (label, from_label) {
        warning = Some((
            WarningCode::SeverityUnknown,
            format!("severity label `{l}` is not in table {}", TABLE.id),
        ));
    }
    let (level, text) = match (from_label, normalized) {
        (Some(level), _) => (level, label.unwrap_or_default().to_owned()),
        (None, Some(n)) => {
            let (n, clamped) = TABLE.clamp(n);
            if clamped {
                warning = Some((
                    WarningCode::SeverityOutOfRange,
                    "Severity.Normalized outside 0–100; clamped".to_owned(),
                ));
            }
            let level = TABLE.level_for_score(n);
            (level, label_of(level).to_owned())
        }
        (None, None) => {
            warning.get_or_insert((
                WarningCode::SeverityMissing,
                "no Severity.Label or Severity.Normalized; mapped to NOT_AVAILABLE".to_owned(),
            ));
            (
                Level::NotAvailable,
                label.unwrap_or(Level::NotAvailable.as_str()).to_owned(),
            )
        }
    };
    let (score, band) = TABLE.score_in_band(level, vendor, VendorScore::AsGiven);
    (
        Risk {
            level,
            score,
            warning: warning.or(band),
        },
        text,
    )
}

/// The OCSF risk from `severity_id`.
pub(crate) fn ocsf(severity_id: Option<f64>) -> Risk {
    let found = severity_id
        .filter(|n| n.fract() == 0.0)
        .and_then(|n| OCSF_SEVERITY_IDS.iter().find(|(id, _)| *id as f64 == n));
    let level = found.map_or(Level::NotAvailable, |(_, l)| *l);
    let warning = match (severity_id, found) {
        (None, _) => Some((
            WarningCode::SeverityMissing,
            "no severity_id; mapped to NOT_AVAILABLE".to_owned(),
        )),
        (Some(n), None) => Some((
            WarningCode::SeverityUnknown,
            format!(
                "severity_id {} is not an OCSF severity; mapped to NOT_AVAILABLE",
                crate::json::number(n)
            ),
        )),
        (Some(_), Some((_, Level::NotAvailable))) => Some((
            WarningCode::SeverityMissing,
            "severity_id Unknown or Other; mapped to NOT_AVAILABLE".to_owned(),
        )),
        _ => None,
    };
    Risk {
        level,
        score: TABLE.fixed_score(level),
        warning,
    }
}

/// The ASFF label of a level (for `finding.severity` when only `Normalized` was sent).
fn label_of(level: Level) -> &'static str {
    TABLE
        .labels
        .iter()
        .find(|(_, l)| *l == level)
        .map_or(Level::NotAvailable.as_str(), |(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(
        label: Option<&str>,
        normalized: Option<f64>,
        vendor: Option<f64>,
    ) -> (&'static str, f64, Option<WarningCode>) {
        let (r, _) = asff(label, normalized, vendor);
        (r.level.as_str(), r.score, r.warning.map(|w| w.0))
    }

    #[test]
    fn labels_give_fixed_scores() {
        assert_eq!(a(Some("CRITICAL"), None, None), ("CRITICAL", 10.0, None));
        assert_eq!(a(Some("HIGH"), None, None), ("HIGH", 8.9, None));
        assert_eq!(a(Some("MEDIUM"), Some(40.0), None), ("MEDIUM", 6.9, None));
        assert_eq!(a(Some("LOW"), None, None), ("LOW", 3.9, None));
        assert_eq!(a(Some("INFORMATIONAL"), None, None), ("NONE", 0.0, None));
        // Case and blanks do not matter; the label wins over Normalized.
        assert_eq!(a(Some(" high "), Some(10.0), None), ("HIGH", 8.9, None));
        assert_eq!(asff(Some("high"), None, None).1, "high");
    }

    #[test]
    fn vendor_score_in_band_at_every_boundary() {
        let w = Some(WarningCode::ScoreOutsideBand);
        assert_eq!(
            a(Some("CRITICAL"), None, Some(9.0)),
            ("CRITICAL", 9.0, None)
        );
        assert_eq!(
            a(Some("CRITICAL"), None, Some(10.0)),
            ("CRITICAL", 10.0, None)
        );
        assert_eq!(a(Some("CRITICAL"), None, Some(8.9)), ("CRITICAL", 10.0, w));
        assert_eq!(a(Some("CRITICAL"), None, Some(10.5)), ("CRITICAL", 10.0, w));
        assert_eq!(a(Some("HIGH"), None, Some(7.0)), ("HIGH", 7.0, None));
        assert_eq!(a(Some("HIGH"), None, Some(8.9)), ("HIGH", 8.9, None));
        assert_eq!(a(Some("HIGH"), None, Some(8.95)), ("HIGH", 8.95, None));
        assert_eq!(a(Some("HIGH"), None, Some(9.0)), ("HIGH", 8.9, w));
        assert_eq!(a(Some("HIGH"), None, Some(6.9)), ("HIGH", 8.9, w));
        assert_eq!(a(Some("MEDIUM"), None, Some(4.0)), ("MEDIUM", 4.0, None));
        assert_eq!(a(Some("MEDIUM"), None, Some(6.9)), ("MEDIUM", 6.9, None));
        assert_eq!(a(Some("MEDIUM"), None, Some(7.0)), ("MEDIUM", 6.9, w));
        assert_eq!(a(Some("MEDIUM"), None, Some(2.0)), ("MEDIUM", 6.9, w));
        assert_eq!(a(Some("LOW"), None, Some(0.1)), ("LOW", 0.1, None));
        assert_eq!(a(Some("LOW"), None, Some(3.9)), ("LOW", 3.9, None));
        assert_eq!(a(Some("LOW"), None, Some(4.0)), ("LOW", 3.9, w));
        assert_eq!(a(Some("LOW"), None, Some(0.0)), ("LOW", 3.9, w));
        assert_eq!(a(Some("LOW"), None, Some(-1.0)), ("LOW", 3.9, w));
        assert_eq!(
            a(Some("INFORMATIONAL"), None, Some(0.0)),
            ("NONE", 0.0, None)
        );
        assert_eq!(a(Some("INFORMATIONAL"), None, Some(2.0)), ("NONE", 0.0, w));
    }

    #[test]
    fn normalized_when_no_label_at_every_boundary() {
        assert_eq!(a(None, Some(0.0), None), ("NONE", 0.0, None));
        assert_eq!(a(None, Some(0.5), None), ("LOW", 3.9, None));
        assert_eq!(a(None, Some(1.0), None), ("LOW", 3.9, None));
        assert_eq!(a(None, Some(39.0), None), ("LOW", 3.9, None));
        assert_eq!(a(None, Some(39.9), None), ("LOW", 3.9, None));
        assert_eq!(a(None, Some(40.0), None), ("MEDIUM", 6.9, None));
        assert_eq!(a(None, Some(69.0), None), ("MEDIUM", 6.9, None));
        assert_eq!(a(None, Some(70.0), None), ("HIGH", 8.9, None));
        assert_eq!(a(None, Some(89.0), None), ("HIGH", 8.9, None));
        assert_eq!(a(None, Some(90.0), None), ("CRITICAL", 10.0, None));
        assert_eq!(a(None, Some(100.0), None), ("CRITICAL", 10.0, None));
        assert_eq!(
            a(None, Some(101.0), None),
            ("CRITICAL", 10.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(
            a(None, Some(-1.0), None),
            ("NONE", 0.0, Some(WarningCode::SeverityOutOfRange))
        );
        assert_eq!(asff(None, Some(70.0), None).1, "HIGH");
        // An unknown label falls back to Normalized, with a warning.
        assert_eq!(
            a(Some("SEVERE"), Some(70.0), None),
            ("HIGH", 8.9, Some(WarningCode::SeverityUnknown))
        );
    }

    #[test]
    fn neither_is_not_available_with_a_warning() {
        assert_eq!(
            a(None, None, None),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        assert_eq!(
            a(Some(""), None, Some(5.0)),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityMissing))
        );
        assert_eq!(
            a(Some("SEVERE"), None, None),
            ("NOT_AVAILABLE", 0.0, Some(WarningCode::SeverityUnknown))
        );
        assert_eq!(asff(None, None, None).1, "NOT_AVAILABLE");
    }

    #[test]
    fn ocsf_severity_ids() {
        let o = |id: Option<f64>| {
            let r = ocsf(id);
            (r.level.as_str(), r.score, r.warning.map(|w| w.0))
        };
        assert_eq!(o(Some(6.0)), ("CRITICAL", 10.0, None));
        assert_eq!(o(Some(5.0)), ("CRITICAL", 10.0, None));
        assert_eq!(o(Some(4.0)), ("HIGH", 8.9, None));
        assert_eq!(o(Some(3.0)), ("MEDIUM", 6.9, None));
        assert_eq!(o(Some(2.0)), ("LOW", 3.9, None));
        assert_eq!(o(Some(1.0)), ("NONE", 0.0, None));
        let missing = Some(WarningCode::SeverityMissing);
        assert_eq!(o(Some(0.0)), ("NOT_AVAILABLE", 0.0, missing));
        assert_eq!(o(Some(99.0)), ("NOT_AVAILABLE", 0.0, missing));
        assert_eq!(o(None), ("NOT_AVAILABLE", 0.0, missing));
        let unknown = Some(WarningCode::SeverityUnknown);
        assert_eq!(o(Some(7.0)), ("NOT_AVAILABLE", 0.0, unknown));
        assert_eq!(o(Some(3.5)), ("NOT_AVAILABLE", 0.0, unknown));
    }
}
