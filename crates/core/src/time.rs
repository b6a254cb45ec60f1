//! Timestamps: every time secmap writes is RFC 3339 in UTC (`2026-07-22T18:42:17.5Z`).
//!
//! Providers vary: ISO strings with 3 or 7 fractional digits, strings without an offset
//! (`2025-02-25 20:40:06.721`, as some SIEM exports rewrite them) and epoch numbers in
//! seconds (GuardDuty's nested API timestamps) or milliseconds. Epoch magnitudes follow the
//! rule OpenPipeline itself applies to numeric timestamps.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// How a source timestamp was turned into RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// It already was RFC 3339 with an offset.
    None,
    /// It was converted; the text says from what.
    Converted(&'static str),
}

/// Parses an RFC 3339 timestamp with an offset and formats it in UTC.
pub(crate) fn parse_rfc3339(s: &str) -> Option<String> {
    s.trim().parse::<Timestamp>().ok().map(|t| t.to_string())
}

/// Normalizes a timestamp given as text.
pub(crate) fn normalize_text(s: &str) -> Option<(String, Conversion)> {
    let s = s.trim();
    if let Some(ts) = parse_rfc3339(s) {
        return Some((ts, Conversion::None));
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        let ts = TimeZone::UTC.to_timestamp(dt).ok()?;
        return Some((
            ts.to_string(),
            Conversion::Converted("no UTC offset; assumed UTC"),
        ));
    }
    // Some exports turn epoch numbers into strings ("1.663703546405E9").
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            normalize_epoch(n).map(|(t, c)| (t, Conversion::Converted(c.epoch_unit())))
        }
        _ => None,
    }
}

/// Normalizes an epoch number; the unit is read from its magnitude.
pub(crate) fn normalize_epoch(n: f64) -> Option<(String, EpochUnit)> {
    if !n.is_finite() {
        return None;
    }
    let (unit, micros) = if n.abs() < 1e11 {
        (EpochUnit::Seconds, n * 1e6)
    } else if n.abs() < 1e14 {
        (EpochUnit::Milliseconds, n * 1e3)
    } else {
        (EpochUnit::Microseconds, n)
    };
    // Round to microseconds: float seconds carry noise below that.
    let nanos = (micros.round() as i128).checked_mul(1000)?;
    let ts = Timestamp::from_nanosecond(nanos).ok()?;
    Some((ts.to_string(), unit))
}

/// The unit an epoch number was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
}

impl EpochUnit {
    pub(crate) fn epoch_unit(self) -> &'static str {
        match self {
            EpochUnit::Seconds => "epoch seconds",
            EpochUnit::Milliseconds => "epoch milliseconds",
            EpochUnit::Microseconds => "epoch microseconds",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_kept_and_canonicalized_to_utc() {
        assert_eq!(
            normalize_text("2023-12-11T13:23:58.4539977Z"),
            Some(("2023-12-11T13:23:58.4539977Z".into(), Conversion::None))
        );
        assert_eq!(
            normalize_text("2026-07-22T18:42:17.000Z").unwrap().0,
            "2026-07-22T18:42:17Z"
        );
        assert_eq!(
            normalize_text("2026-07-22T20:42:17+02:00").unwrap().0,
            "2026-07-22T18:42:17Z"
        );
    }

    #[test]
    fn missing_offset_is_assumed_utc() {
        assert_eq!(
            normalize_text("2025-02-25 20:40:06.721"),
            Some((
                "2025-02-25T20:40:06.721Z".into(),
                Conversion::Converted("no UTC offset; assumed UTC")
            ))
        );
        assert_eq!(
            normalize_text("2025-02-25 20:40:06.000000000").unwrap().0,
            "2025-02-25T20:40:06Z"
        );
    }

    #[test]
    fn epoch_units_follow_magnitude() {
        assert_eq!(
            normalize_epoch(1636625755.218).unwrap(),
            ("2021-11-11T10:15:55.218Z".into(), EpochUnit::Seconds)
        );
        assert_eq!(
            normalize_epoch(1492735675000.0).unwrap(),
            ("2017-04-21T00:47:55Z".into(), EpochUnit::Milliseconds)
        );
        assert_eq!(
            normalize_epoch(1728014790.3773646).unwrap().0,
            "2024-10-04T04:06:30.377365Z"
        );
        assert_eq!(
            normalize_text("1.663703546405E9").unwrap().0,
            "2022-09-20T19:52:26.405Z"
        );
    }

    #[test]
    fn garbage_and_out_of_range_are_none() {
        assert_eq!(normalize_text("yesterday"), None);
        assert_eq!(normalize_text(""), None);
        assert_eq!(normalize_epoch(f64::NAN), None);
        assert_eq!(normalize_epoch(1e30), None);
        assert_eq!(normalize_text("NaN"), None);
    }
}
