//! Timestamps: every time secmap writes is RFC 3339 in UTC (`2026-07-22T18:42:17.5Z`).
//!
//! Providers vary: ISO strings with 3 or 7 fractional digits, strings without an offset
//! (`2025-02-25 20:40:06.721`, as some SIEM exports rewrite them) and epoch numbers in
//! seconds (GuardDuty's nested API timestamps) or milliseconds. Epoch magnitudes follow the
//! rule OpenPipeline itself applies to numeric timestamps.
//!
//! This is the small subset of a date library that secmap needs (parse one family of
//! formats, convert offsets, format UTC). A full library cost about 100 KB of the
//! component's size; the tests check this code against `jiff` on random instants.

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
    let p = Parsed::read(s.trim())?;
    p.offset?;
    p.to_utc()
}

/// The instant of an RFC 3339 timestamp with an offset, as (seconds, nanoseconds) since
/// the Unix epoch, for comparing timestamps.
pub(crate) fn instant(s: &str) -> Option<(i64, u32)> {
    let p = Parsed::read(s.trim())?;
    p.offset?;
    Some((p.unix_seconds(), p.nanos))
}

/// Normalizes a timestamp given as text.
pub(crate) fn normalize_text(s: &str) -> Option<(String, Conversion)> {
    let s = s.trim();
    if let Some(p) = Parsed::read(s) {
        let conversion = match (p.offset.is_some(), p.has_time) {
            (true, _) => Conversion::None,
            (false, true) => Conversion::Converted("no UTC offset; assumed UTC"),
            (false, false) => Conversion::Converted("a date only; assumed midnight UTC"),
        };
        return p.to_utc().map(|t| (t, conversion));
    }
    // Some exports turn epoch numbers into strings ("1.663703546405E9").
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            normalize_epoch(n).map(|(t, unit)| (t, Conversion::Converted(unit.epoch_unit())))
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
    let micros = micros.round();
    if micros.abs() > 1e17 {
        return None;
    }
    let micros = micros as i64;
    let secs = micros.div_euclid(1_000_000);
    let nanos = (micros.rem_euclid(1_000_000) * 1000) as u32;
    format_utc(secs, nanos).map(|t| (t, unit))
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

/// `YYYY-MM-DD[(T|t| )HH:MM:SS[(.|,)fraction]][Z|z|(+|-)HH[:]MM]`, fields range-checked.
struct Parsed {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: u32,
    has_time: bool,
    /// Seconds east of UTC.
    offset: Option<i64>,
}

impl Parsed {
    fn read(s: &str) -> Option<Parsed> {
        let b = s.as_bytes();
        let mut i = 0;
        let year = digits(b, &mut i, 4)?;
        expect(b, &mut i, b'-')?;
        let month = digits(b, &mut i, 2)? as u32;
        expect(b, &mut i, b'-')?;
        let day = digits(b, &mut i, 2)? as u32;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let mut p = Parsed {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            has_time: false,
            offset: None,
        };
        if i == b.len() {
            return Some(p);
        }
        if !matches!(b[i], b'T' | b't' | b' ') {
            return None;
        }
        i += 1;
        p.hour = digits(b, &mut i, 2)?;
        expect(b, &mut i, b':')?;
        p.minute = digits(b, &mut i, 2)?;
        expect(b, &mut i, b':')?;
        p.second = digits(b, &mut i, 2)?;
        // A leap second is kept within its minute, as most date libraries do.
        if p.second == 60 {
            p.second = 59;
        }
        if p.hour > 23 || p.minute > 59 || p.second > 59 {
            return None;
        }
        p.has_time = true;
        if i < b.len() && matches!(b[i], b'.' | b',') {
            i += 1;
            let start = i;
            let mut nanos: u32 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start >= 9 {
                    return None;
                }
                nanos = nanos * 10 + u32::from(b[i] - b'0');
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return None;
            }
            p.nanos = nanos * 10u32.pow(9 - n as u32);
        }
        if i == b.len() {
            return Some(p);
        }
        p.offset = Some(match b[i] {
            b'Z' | b'z' => {
                i += 1;
                0
            }
            sign @ (b'+' | b'-') => {
                i += 1;
                let h = digits(b, &mut i, 2)?;
                if i < b.len() && b[i] == b':' {
                    i += 1;
                }
                let m = digits(b, &mut i, 2)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let secs = h * 3600 + m * 60;
                if sign == b'-' { -secs } else { secs }
            }
            _ => return None,
        });
        (i == b.len()).then_some(p)
    }

    fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * 86_400 + self.hour * 3600 + self.minute * 60 + self.second - self.offset.unwrap_or(0)
    }

    fn to_utc(&self) -> Option<String> {
        format_utc(self.unix_seconds(), self.nanos)
    }
}

fn digits(b: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let s = b.get(*i..*i + n)?;
    let mut v: i64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    *i += n;
    Some(v)
}

fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    (b.get(*i) == Some(&c)).then(|| *i += 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
/// low-level date algorithms").
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// RFC 3339 UTC with the fraction's trailing zeros dropped; `None` outside years 0–9999.
fn format_utc(secs: i64, nanos: u32) -> Option<String> {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    if !(0..=9999).contains(&y) {
        return None;
    }
    let rem = secs.rem_euclid(86_400);
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Digits by hand: this runs for every finding, and `format!` is slow here.
    let mut out = String::with_capacity(30);
    let digits = |out: &mut String, v: i64, width: u32| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10_i64.pow(p) % 10) as u8));
        }
    };
    digits(&mut out, y, 4);
    out.push('-');
    digits(&mut out, i64::from(mo), 2);
    out.push('-');
    digits(&mut out, i64::from(d), 2);
    out.push('T');
    digits(&mut out, h, 2);
    out.push(':');
    digits(&mut out, mi, 2);
    out.push(':');
    digits(&mut out, s, 2);
    if nanos > 0 {
        out.push('.');
        let mut frac = nanos;
        let mut width = 9;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        digits(&mut out, i64::from(frac), width);
    }
    out.push('Z');
    Some(out)
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
        assert_eq!(
            normalize_text("2026-01-01T00:30:00-0100").unwrap().0,
            "2026-01-01T01:30:00Z"
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T00:00:00+00:01").as_deref(),
            Some("2024-02-29T23:59:00Z")
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
        assert_eq!(
            normalize_text("2025-02-25").unwrap(),
            (
                "2025-02-25T00:00:00Z".into(),
                Conversion::Converted("a date only; assumed midnight UTC")
            )
        );
        assert_eq!(parse_rfc3339("2025-02-25 20:40:06"), None);
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
        assert_eq!(normalize_epoch(-1.5).unwrap().0, "1969-12-31T23:59:58.5Z");
    }

    #[test]
    fn garbage_and_out_of_range_are_none() {
        for bad in [
            "yesterday",
            "",
            "NaN",
            "2025-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-02-28T24:00:00Z",
            "2025-02-28T23:60:00Z",
            "2025-02-28T23:00:00.Z",
            "2025-02-28T23:00:00.1234567891Z",
            "2025-02-28T23:00:00+25:00",
            "2025-02-28T23:00:00Zjunk",
            "2025-2-28T23:00:00Z",
        ] {
            assert_eq!(normalize_text(bad), None, "{bad}");
        }
        assert_eq!(normalize_epoch(f64::NAN), None);
        assert_eq!(normalize_epoch(1e30), None);
        assert_eq!(normalize_epoch(-1e19), None);
    }

    /// Our arithmetic agrees with jiff on instants spread over years 0–9999, with offsets.
    #[test]
    fn agrees_with_jiff_on_random_instants() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (lo, hi) = (-62_135_596_800_i64, 253_402_300_799_i64); // 0001-01-01 .. 9999-12-31
        for _ in 0..20_000 {
            let secs = lo + (next() % (hi - lo) as u64) as i64;
            let nanos = (next() % 1_000_000_000) as u32;
            let ts = jiff::Timestamp::new(secs, nanos as i32).unwrap();
            assert_eq!(format_utc(secs, nanos).unwrap(), ts.to_string());
            let off_min = (next() % (2 * 18 * 60)) as i64 - 18 * 60;
            let offset = jiff::tz::Offset::from_seconds((off_min * 60) as i32).unwrap();
            let local = offset.to_datetime(ts);
            let sign = if off_min < 0 { '-' } else { '+' };
            let text = format!(
                "{}{sign}{:02}:{:02}",
                local,
                off_min.abs() / 60,
                off_min.abs() % 60
            );
            if (1..=9999).contains(&local.year()) {
                assert_eq!(parse_rfc3339(&text).unwrap(), ts.to_string(), "{text}");
            }
        }
    }
}
