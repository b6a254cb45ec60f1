//! Severity normalization onto Dynatrace's scale, driven by per-provider tables.
//!
//! Each provider declares one [`SeverityTable`] per version as data; this module only
//! interprets tables. The Dynatrace scale: `dt.security.risk.level` is one of
//! `CRITICAL HIGH MEDIUM LOW NONE NOT_AVAILABLE`, `dt.security.risk.score` a number in
//! 0.0–10.0 (Threat Observability concepts, "Severity and score normalization").

use crate::codes::codes;
use crate::json;
use crate::output::WarningCode;

codes! {
    /// A normalized risk level (`dt.security.risk.level`).
    pub enum Level {
        /// 9.0–10.0
        Critical = "CRITICAL",
        /// 7.0–8.9
        High = "HIGH",
        /// 4.0–6.9
        Medium = "MEDIUM",
        /// 0.1–3.9
        Low = "LOW",
        /// 0.0, unknown or informational
        None = "NONE",
        /// The provider gave nothing to go by.
        NotAvailable = "NOT_AVAILABLE",
    }
}

/// One score band: scores at or above `min` (or strictly above, when not `inclusive`) and
/// below the previous band's bound get `level`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The level of this band.
    pub level: Level,
    /// Its lower bound.
    pub min: f64,
    /// Whether `min` itself belongs to the band.
    pub inclusive: bool,
}

/// A provider's severity rules, declared as data and versioned.
#[derive(Debug, Clone, Copy)]
pub struct SeverityTable {
    /// `<provider>/<version>`, e.g. `guardduty/1`.
    pub id: &'static str,
    /// Where the rules come from.
    pub source: &'static str,
    /// Vendor labels (matched case-insensitively) and their levels.
    pub labels: &'static [(&'static str, Level)],
    /// Score bands, highest first.
    pub bands: &'static [Band],
    /// The score of a level when only the level is known.
    pub fixed_scores: &'static [(Level, f64)],
    /// The documented score range; scores outside are clamped with a warning.
    pub range: (f64, f64),
    /// The level when the record carries no severity at all.
    pub missing: Level,
}

/// Dynatrace's fixed score per level, used by every integration that only has a level.
pub const FIXED_SCORES: &[(Level, f64)] = &[
    (Level::Critical, 10.0),
    (Level::High, 8.9),
    (Level::Medium, 6.9),
    (Level::Low, 3.9),
    (Level::None, 0.0),
    (Level::NotAvailable, 0.0),
];

/// Dynatrace's score bands (CVSS and DSS use the same).
pub const DYNATRACE_BANDS: &[Band] = &[
    Band {
        level: Level::Critical,
        min: 9.0,
        inclusive: true,
    },
    Band {
        level: Level::High,
        min: 7.0,
        inclusive: true,
    },
    Band {
        level: Level::Medium,
        min: 4.0,
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
];

/// The level of a 0–10 score on Dynatrace's scale; `None` outside 0–10.
pub(crate) fn dynatrace_band(score: f64) -> Option<Level> {
    if !(0.0..=10.0).contains(&score) {
        return None;
    }
    band_of(DYNATRACE_BANDS, score)
}

/// The level of the first band (highest first) that `score` falls in.
fn band_of(bands: &[Band], score: f64) -> Option<Level> {
    bands
        .iter()
        .find(|b| {
            if b.inclusive {
                score >= b.min
            } else {
                score > b.min
            }
        })
        .map(|b| b.level)
}

/// How [`SeverityTable::score_in_band`] treats a vendor score; the two providers using the
/// rule wrote it apart, and their goldens carry both wordings of its warning, so these two
/// differences stay and nothing else does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VendorScore {
    /// Security Hub: the product's score is taken as given (outside 0–10 it misses every
    /// band); warning "vendor score 2 is outside the MEDIUM band; used the fixed score 6.9".
    AsGiven,
    /// Inspector: `inspectorScore` is first clamped into the table's range, with a
    /// `severity-out-of-range` warning when it lands in the band; warning "score 4 is
    /// outside the band of LOW; used its fixed score 3.9".
    Clamped,
}

/// A normalized risk: what goes into `dt.security.risk.level` and `.score`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Risk {
    pub level: Level,
    pub score: f64,
    pub warning: Option<(WarningCode, String)>,
}

impl SeverityTable {
    /// The level of a vendor label, if the table knows it.
    pub fn level_for_label(&self, label: &str) -> Option<Level> {
        let label = label.trim();
        self.labels
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, level)| *level)
    }

    /// The level of a score within the documented range.
    pub fn level_for_score(&self, score: f64) -> Level {
        band_of(self.bands, score).unwrap_or(self.missing)
    }

    /// The fixed score of a level.
    pub fn fixed_score(&self, level: Level) -> f64 {
        self.fixed_scores
            .iter()
            .find(|(l, _)| *l == level)
            .map_or(0.0, |(_, s)| *s)
    }

    /// Clamps `score` into the documented range; `true` when it had to.
    pub fn clamp(&self, score: f64) -> (f64, bool) {
        let (lo, hi) = self.range;
        if score < lo {
            (lo, true)
        } else if score > hi {
            (hi, true)
        } else {
            (score, false)
        }
    }

    /// Level and score from a numeric vendor score (GuardDuty's rule).
    pub(crate) fn risk_for_score(&self, score: Option<f64>) -> Risk {
        let Some(raw) = score else {
            return self.missing_risk();
        };
        let (score, clamped) = self.clamp(raw);
        Risk {
            level: self.level_for_score(score),
            score,
            warning: clamped.then(|| self.out_of_range(raw, score)),
        }
    }

    /// Level from a vendor label, score from a vendor score when given, else the level's
    /// fixed score (Defender's rule).
    pub(crate) fn risk_for_label(&self, label: Option<&str>, score: Option<f64>) -> Risk {
        let label = label.map(str::trim).filter(|l| !l.is_empty());
        let (level, mut warning) = match label {
            None => (
                self.missing,
                Some((
                    WarningCode::SeverityMissing,
                    format!("no severity; mapped to {}", self.missing.as_str()),
                )),
            ),
            Some(l) => match self.level_for_label(l) {
                Some(level) => (level, None),
                None => (
                    self.missing,
                    Some((
                        WarningCode::SeverityUnknown,
                        format!(
                            "severity `{l}` is not in table {}; mapped to {}",
                            self.id,
                            self.missing.as_str()
                        ),
                    )),
                ),
            },
        };
        let score = match score {
            Some(raw) => {
                let (s, clamped) = self.clamp(raw);
                if clamped {
                    warning = Some(self.out_of_range(raw, s));
                }
                s
            }
            None => self.fixed_score(level),
        };
        Risk {
            level,
            score,
            warning,
        }
    }

    /// The score for a level taken from a vendor label, given the vendor's own 0–10 score:
    /// the vendor score when it lies in the level's band of Dynatrace's scale, else the
    /// level's fixed score with a `score-outside-band` warning (the label is authoritative;
    /// `next-providers.md` §0). `NOT_AVAILABLE` never takes a vendor score. `treat` carries
    /// the only thing the providers using this rule do differently.
    pub(crate) fn score_in_band(
        &self,
        level: Level,
        vendor: Option<f64>,
        treat: VendorScore,
    ) -> (f64, Option<(WarningCode, String)>) {
        let fixed = self.fixed_score(level);
        let Some(raw) = vendor else {
            return (fixed, None);
        };
        let (score, clamped) = match treat {
            VendorScore::Clamped => self.clamp(raw),
            VendorScore::AsGiven => (raw, false),
        };
        if level != Level::NotAvailable && dynatrace_band(score) == Some(level) {
            return (score, clamped.then(|| self.out_of_range(raw, score)));
        }
        let (shown, band, used) = (json::number(raw), level.as_str(), json::number(fixed));
        let message = match treat {
            VendorScore::AsGiven => {
                format!(
                    "vendor score {shown} is outside the {band} band; used the fixed score {used}"
                )
            }
            VendorScore::Clamped => {
                format!("score {shown} is outside the band of {band}; used its fixed score {used}")
            }
        };
        (fixed, Some((WarningCode::ScoreOutsideBand, message)))
    }

    /// Level from a vendor label; score by [`Self::score_in_band`] when the label is known
    /// (Inspector). A missing or unknown label keeps its warning and its fixed score: the
    /// score never stands in for the label.
    pub(crate) fn risk_for_label_score_in_band(
        &self,
        label: Option<&str>,
        score: Option<f64>,
    ) -> Risk {
        let mut risk = self.risk_for_label(label, None);
        if risk.warning.is_none() {
            (risk.score, risk.warning) =
                self.score_in_band(risk.level, score, VendorScore::Clamped);
        }
        risk
    }

    fn missing_risk(&self) -> Risk {
        Risk {
            level: self.missing,
            score: self.fixed_score(self.missing),
            warning: Some((
                WarningCode::SeverityMissing,
                format!("no severity; mapped to {}", self.missing.as_str()),
            )),
        }
    }

    fn out_of_range(&self, raw: f64, clamped: f64) -> (WarningCode, String) {
        let (lo, hi) = self.range;
        (
            WarningCode::SeverityOutOfRange,
            format!(
                "severity {} is outside {}–{}; clamped to {}",
                json::number(raw),
                json::number(lo),
                json::number(hi),
                json::number(clamped)
            ),
        )
    }
}
