//! Billing periods: calendar months, the unit every vendor bills in.
//!
//! A [`Period`] is a year and a month within [`Period::MIN_YEAR`]..=[`Period::MAX_YEAR`]. It parses strictly
//! ("2025-01", never "2025-1"), does checked month arithmetic, and is found for an instant in a timezone the
//! host configures: the core never reads a clock.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: u16,
    month: u8,
}

/// How many months back historical consumption goes by default: 12 months inclusive of the current one.
pub const HISTORICAL_CONSUMPTION_MONTHS: u32 = 12;
/// Arrow's maximum range for a billing export: 6 months inclusive.
pub const SYNC_RESOURCES_MONTHS: u32 = 6;

fn invalid(input: &str, reason: impl Into<String>) -> Error {
    Error::InvalidPeriod {
        input: input.to_owned(),
        reason: reason.into(),
    }
}

/// Parses exactly `n` ASCII digits.
fn digits(part: &str, whole: &str) -> Result<u32> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(whole, "expected digits"));
    }
    part.parse::<u32>()
        .map_err(|_| invalid(whole, "expected digits"))
}

impl Period {
    pub const MIN_YEAR: u16 = 2000;
    pub const MAX_YEAR: u16 = 2100;

    pub fn new(year: i64, month: i64) -> Result<Period> {
        // The input is formatted only for the error.
        let input = || format!("{year}-{month}");
        if !(i64::from(Self::MIN_YEAR)..=i64::from(Self::MAX_YEAR)).contains(&year) {
            return Err(invalid(&input(), "year must be between 2000 and 2100"));
        }
        if !(1..=12).contains(&month) {
            return Err(invalid(&input(), "month must be between 1 and 12"));
        }
        // Both were range-checked just above, so the narrowing cannot truncate.
        Ok(Period {
            year: year as u16,
            month: month as u8,
        })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// "YYYY-MM", zero-padded.
    pub fn parse(input: &str) -> Result<Period> {
        let bytes = input.as_bytes();
        if bytes.len() != 7 || bytes.get(4) != Some(&b'-') {
            return Err(invalid(input, "expected YYYY-MM"));
        }
        let year = digits(input.get(..4).unwrap_or(""), input)?;
        let month = digits(input.get(5..).unwrap_or(""), input)?;
        Period::new(year.into(), month.into()).map_err(|e| match e {
            Error::InvalidPeriod { reason, .. } => invalid(input, reason),
            other => other,
        })
    }

    /// Soracom's "yyyyMM".
    pub fn parse_compact(input: &str) -> Result<Period> {
        if input.len() != 6 {
            return Err(invalid(input, "expected yyyyMM"));
        }
        let year = digits(input.get(..4).unwrap_or(""), input)?;
        let month = digits(input.get(4..).unwrap_or(""), input)?;
        Period::new(year.into(), month.into()).map_err(|e| match e {
            Error::InvalidPeriod { reason, .. } => invalid(input, reason),
            other => other,
        })
    }

    /// The month of a date.
    pub fn of_date(date: NaiveDate) -> Result<Period> {
        Period::new(date.year().into(), date.month().into())
    }

    /// The month that contains `instant` (RFC 3339) as seen in `zone`.
    pub fn containing(instant: &str, zone: Zone) -> Result<Period> {
        let at = parse_instant(instant)?;
        let local = at.with_timezone(&zone.offset());
        Period::of_date(local.date_naive())
    }

    /// The first day of the month: Arrow's `billing_period`.
    pub fn first_day(self) -> NaiveDate {
        // year and month are range-checked at construction; the fallback is never taken.
        NaiveDate::from_ymd_opt(self.year.into(), self.month.into(), 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn days(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(self.year) => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// Months since January of year 0: a total order as a plain integer.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Result<Period> {
        let year = index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        Period::new(year, month)
    }

    /// This period moved by `months` (negative goes back); an error past the supported years.
    pub fn add_months(self, months: i64) -> Result<Period> {
        let index = self
            .index()
            .checked_add(months)
            .ok_or_else(|| Error::overflow("period arithmetic"))?;
        Period::from_index(index)
    }

    pub fn next(self) -> Result<Period> {
        self.add_months(1)
    }

    pub fn prev(self) -> Result<Period> {
        self.add_months(-1)
    }

    /// Months from `self` to `other`: positive when `other` is later.
    pub fn months_until(self, other: Period) -> i64 {
        other.index() - self.index()
    }

    /// Every period from `from` to `to`, both included. `from` after `to` is an error, not an empty list.
    pub fn range(from: Period, to: Period) -> Result<Vec<Period>> {
        if from > to {
            return Err(Error::field(
                "period_from",
                format!("period_from ({from}) must not be after period_to ({to})."),
            ));
        }
        let mut out = Vec::with_capacity(usize::try_from(from.months_until(to) + 1).unwrap_or(0));
        let mut at = from;
        while at <= to {
            out.push(at);
            if at == to {
                break;
            }
            at = at.next()?;
        }
        Ok(out)
    }

    /// The `months` periods that end with `self`, e.g. 12 for "the last 12 months inclusive".
    pub fn window_ending(self, months: u32) -> Result<(Period, Period)> {
        let back = i64::from(months.max(1)) - 1;
        Ok((self.add_months(-back)?, self))
    }

    /// Default range of sync_resource_historical_consumption: 12 months up to and including `current`.
    pub fn historical_consumption_default(current: Period) -> Result<(Period, Period)> {
        current.window_ending(HISTORICAL_CONSUMPTION_MONTHS)
    }

    /// Default range of sync_resources: 6 months up to and including `current` (Arrow's maximum).
    pub fn sync_resources_default(current: Period) -> Result<(Period, Period)> {
        current.window_ending(SYNC_RESOURCES_MONTHS)
    }

    /// Whether a vendor can bill `self` when `current` is this month (in the host's zone): never a month
    /// that has not begun; and when the vendor answers only for its last `window_months` months (the
    /// current one included), nothing before them. The one rule of every vendor: each gives its own window
    /// (None: as far back as periods go). Err is the reason, for the caller to put under its field.
    pub fn check_billable(
        self,
        current: Period,
        window_months: Option<u32>,
    ) -> std::result::Result<(), String> {
        if self > current {
            return Err(format!(
                "{self} has not begun: the current month is {current}, and a month is billed from its first day."
            ));
        }
        if let Some(months) = window_months {
            // A window reaching before the supported years starts at the first of them.
            let from = current
                .window_ending(months)
                .map(|(from, _)| from)
                .unwrap_or(Period {
                    year: Self::MIN_YEAR,
                    month: 1,
                });
            if self < from {
                return Err(format!(
                    "{self} is outside the {months} months that can be billed ({from}..{current})."
                ));
            }
        }
        Ok(())
    }

    /// "yyyyMM", as Soracom writes it.
    pub fn compact(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

impl Period {
    /// "YYYY-MM" as ASCII, digit by digit (keys are built from periods once per record).
    fn text(self) -> [u8; 7] {
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let (year, month) = (self.year, u16::from(self.month));
        [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
        ]
    }

    /// Appends "YYYY-MM" to `out`.
    pub fn write_to(self, out: &mut String) {
        out.extend(self.text().map(char::from));
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        // ASCII digits and a hyphen: always UTF-8.
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

impl FromStr for Period {
    type Err = Error;
    fn from_str(s: &str) -> Result<Period> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Period, D::Error> {
        let text = String::deserialize(deserializer)?;
        Period::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// "YYYY-MM-DD", strictly zero-padded.
pub fn parse_date(input: &str) -> Result<NaiveDate> {
    let b = input.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(invalid(input, "expected YYYY-MM-DD"));
    }
    let compact: String = input.chars().filter(|c| *c != '-').collect();
    parse_compact_date(&compact).map_err(|_| invalid(input, "expected a valid YYYY-MM-DD date"))
}

/// Soracom's "yyyyMMdd".
pub fn parse_compact_date(input: &str) -> Result<NaiveDate> {
    if input.len() != 8 {
        return Err(invalid(input, "expected yyyyMMdd"));
    }
    let year = digits(input.get(..4).unwrap_or(""), input)?;
    let month = digits(input.get(4..6).unwrap_or(""), input)?;
    let day = digits(input.get(6..).unwrap_or(""), input)?;
    let period = Period::new(year.into(), month.into()).map_err(|e| match e {
        Error::InvalidPeriod { reason, .. } => invalid(input, reason),
        other => other,
    })?;
    if day == 0 || day > period.days() {
        return Err(invalid(input, "day out of range for the month"));
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| invalid(input, "not a date"))
}

/// An RFC 3339 instant, e.g. "2025-02-03T10:00:00Z".
pub fn parse_instant(input: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(input).map_err(|e| Error::InvalidTimestamp {
        input: input.to_owned(),
        reason: e.to_string(),
    })
}

/// The timezone that decides which month an instant falls in. A fixed UTC offset: IANA names would bring
/// the tz database into the wasm binary (hundreds of KB), so a host with DST passes its current offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    offset_seconds: i32,
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::UTC
    }
}

impl Zone {
    pub const UTC: Zone = Zone { offset_seconds: 0 };

    /// "UTC", "Z", "+02:00", "-05:30" or "+0200".
    pub fn parse(input: &str) -> Result<Zone> {
        let bad = || {
            Error::Validation {
            fields: [(
                "timezone".to_owned(),
                vec![format!(
                    "{input:?} is not a supported timezone: use \"UTC\" or a fixed offset such as \"+02:00\"."
                )],
            )]
            .into_iter()
            .collect(),
        }
        };
        let text = input.trim();
        if text.eq_ignore_ascii_case("utc") || text == "Z" || text.eq_ignore_ascii_case("etc/utc") {
            return Ok(Zone::UTC);
        }
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'+') => (1, text.get(1..).unwrap_or("")),
            Some(b'-') => (-1, text.get(1..).unwrap_or("")),
            _ => return Err(bad()),
        };
        let (hh, mm) = match rest.len() {
            5 if rest.as_bytes().get(2) == Some(&b':') => (rest.get(..2), rest.get(3..)),
            4 => (rest.get(..2), rest.get(2..)),
            2 => (rest.get(..2), Some("00")),
            _ => return Err(bad()),
        };
        let (Some(hh), Some(mm)) = (hh, mm) else {
            return Err(bad());
        };
        if !hh.bytes().chain(mm.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let hours: i32 = hh.parse().map_err(|_| bad())?;
        let minutes: i32 = mm.parse().map_err(|_| bad())?;
        if hours > 14 || minutes > 59 {
            return Err(bad());
        }
        Ok(Zone {
            offset_seconds: sign * (hours * 3600 + minutes * 60),
        })
    }

    pub fn offset(self) -> FixedOffset {
        // Offsets are checked to within ±14:59 at parse time, which east_opt always accepts.
        FixedOffset::east_opt(self.offset_seconds).unwrap_or_else(|| Utc.fix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(
            p("2025-01"),
            Period {
                year: 2025,
                month: 1
            }
        );
        for bad in [
            "2025-1",
            "2025-13",
            "2025-00",
            "1999-12",
            "2101-01",
            "25-01",
            "2025/01",
            "",
            "abcd-ef",
            "2025-01-01",
            "+025-01",
            "２０２５-01",
        ] {
            let err = Period::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_period", "{bad:?}");
        }
        assert_eq!(Period::parse_compact("202208").unwrap(), p("2022-08"));
        assert!(Period::parse_compact("2022-8").is_err());
        assert!(Period::parse_compact("202213").is_err());
    }

    #[test]
    fn formats_both_ways() {
        assert_eq!(p("2025-03").to_string(), "2025-03");
        assert_eq!(p("2025-03").compact(), "202503");
        assert_eq!(p("2024-02").first_day().to_string(), "2024-02-01");
    }

    #[test]
    fn days_in_month() {
        assert_eq!(p("2024-02").days(), 29);
        assert_eq!(p("2025-02").days(), 28);
        assert_eq!(p("2100-02").days(), 28);
        assert_eq!(p("2000-02").days(), 29);
        assert_eq!(p("2025-04").days(), 30);
        assert_eq!(p("2025-12").days(), 31);
    }

    #[test]
    fn arithmetic_crosses_year_ends() {
        assert_eq!(p("2024-12").next().unwrap(), p("2025-01"));
        assert_eq!(p("2025-01").prev().unwrap(), p("2024-12"));
        assert_eq!(p("2024-11").add_months(14).unwrap(), p("2026-01"));
        assert_eq!(p("2024-11").add_months(-23).unwrap(), p("2022-12"));
        assert_eq!(p("2000-01").prev().unwrap_err().code(), "invalid_period");
        assert_eq!(p("2100-12").next().unwrap_err().code(), "invalid_period");
        assert!(p("2025-01").add_months(i64::MAX).is_err());
    }

    #[test]
    fn ranges_are_inclusive_and_ordered() {
        let r = Period::range(p("2024-11"), p("2025-02")).unwrap();
        let s: Vec<String> = r.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(Period::range(p("2025-02"), p("2025-02")).unwrap().len(), 1);
        let err = Period::range(p("2025-03"), p("2025-02")).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert!(err.fields().unwrap().contains_key("period_from"));
    }

    #[test]
    fn seed_defaults() {
        let now = p("2025-03");
        assert_eq!(
            Period::historical_consumption_default(now).unwrap(),
            (p("2024-04"), now)
        );
        assert_eq!(
            Period::sync_resources_default(now).unwrap(),
            (p("2024-10"), now)
        );
    }

    #[test]
    fn a_month_is_billable_from_its_first_day_and_within_the_window() {
        let now = p("2026-12");
        assert_eq!(now.check_billable(now, None), Ok(()));
        assert_eq!(p("2000-01").check_billable(now, None), Ok(()));
        let future = p("2027-05").check_billable(now, None).unwrap_err();
        assert!(
            future.contains("2027-05") && future.contains("2026-12"),
            "{future}"
        );
        assert!(p("2027-01").check_billable(now, Some(18)).is_err());
        // 18 months, the current one included: 2025-07..2026-12.
        assert_eq!(p("2025-07").check_billable(now, Some(18)), Ok(()));
        let old = p("2025-06").check_billable(now, Some(18)).unwrap_err();
        assert!(old.contains("2025-07..2026-12"), "{old}");
        // A window reaching before 2000 starts at 2000-01.
        assert_eq!(p("2000-01").check_billable(p("2000-03"), Some(18)), Ok(()));
    }

    #[test]
    fn month_of_an_instant_depends_on_the_zone() {
        // 23:30 UTC on Jan 31 is already February in Berlin (defect 11: never the process's local date).
        let at = "2025-01-31T23:30:00Z";
        assert_eq!(Period::containing(at, Zone::UTC).unwrap(), p("2025-01"));
        assert_eq!(
            Period::containing(at, Zone::parse("+01:00").unwrap()).unwrap(),
            p("2025-02")
        );
        assert_eq!(
            Period::containing("2025-03-01T00:30:00+01:00", Zone::UTC).unwrap(),
            p("2025-02")
        );
        assert_eq!(
            Period::containing("yesterday", Zone::UTC)
                .unwrap_err()
                .code(),
            "invalid_timestamp"
        );
        for bad in ["Europe/Berlin", "+25:00", "+1:00", "01:00", ""] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Zone::parse("-0530").unwrap().offset().local_minus_utc(),
            -(5 * 3600 + 30 * 60)
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2025-2-01").is_err());
        assert_eq!(
            parse_compact_date("20220902").unwrap().to_string(),
            "2022-09-02"
        );
        assert!(parse_compact_date("20220931").is_err());
        assert!(parse_compact_date("2022090").is_err());
    }

    fn period() -> impl Strategy<Value = Period> {
        (2000u16..=2100, 1u8..=12).prop_map(|(year, month)| Period { year, month })
    }

    proptest! {
        #[test]
        fn adding_then_subtracting_is_identity(a in period(), n in -1200i64..1200) {
            if let Ok(b) = a.add_months(n) {
                prop_assert_eq!(b.add_months(-n).unwrap(), a);
                prop_assert_eq!(a.months_until(b), n);
            }
        }

        #[test]
        fn range_length_is_difference_plus_one(a in period(), b in period()) {
            let (from, to) = if a <= b { (a, b) } else { (b, a) };
            let r = Period::range(from, to).unwrap();
            prop_assert_eq!(r.len() as i64, from.months_until(to) + 1);
            prop_assert_eq!(r.first().copied(), Some(from));
            prop_assert_eq!(r.last().copied(), Some(to));
            prop_assert!(r.windows(2).all(|w| w[0].next().unwrap() == w[1]));
        }

        #[test]
        fn billable_months_are_the_window_up_to_the_current_one(a in period(), now in period(), w in 1u32..40) {
            let billable = a.check_billable(now, Some(w)).is_ok();
            let back = a.months_until(now);
            prop_assert_eq!(billable, back >= 0 && (back < i64::from(w) || now.add_months(1 - i64::from(w)).is_err()));
            prop_assert_eq!(a.check_billable(now, None).is_ok(), a <= now);
        }

        #[test]
        fn display_parse_roundtrip(a in period()) {
            prop_assert_eq!(Period::parse(&a.to_string()).unwrap(), a);
            prop_assert_eq!(Period::parse_compact(&a.compact()).unwrap(), a);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Period::parse(&s);
            let _ = Period::parse_compact(&s);
            let _ = parse_date(&s);
            let _ = Zone::parse(&s);
        }
    }
}
