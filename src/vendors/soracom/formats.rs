//! Soracom's date forms (`yyyyMM`, `yyyyMMdd`, `yyyyMMddHHmmss`).
//!
//! The parsers here return the bare reason on failure; the caller knows the field and turns it into a
//! coded error that names the field and the value.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::error::{Error, Result};
use crate::period::{parse_compact_date, Period};

/// `yyyyMM`.
pub fn year_month(text: &str) -> std::result::Result<Period, String> {
    Period::parse_compact(text).map_err(|e| match e {
        Error::InvalidPeriod { reason, .. } => format!("expected yyyyMM: {reason}"),
        other => other.to_string(),
    })
}

/// `yyyyMMdd`.
pub fn date(text: &str) -> std::result::Result<NaiveDate, String> {
    parse_compact_date(text).map_err(|e| match e {
        Error::InvalidPeriod { reason, .. } => format!("expected yyyyMMdd: {reason}"),
        other => other.to_string(),
    })
}

/// `yyyyMMddHHmmss`, e.g. `lastEvaluatedTime`. Soracom does not say which zone it is in, so it stays a
/// naive date-time; no leap seconds.
pub fn timestamp(text: &str) -> std::result::Result<NaiveDateTime, String> {
    const WANT: &str = "expected yyyyMMddHHmmss";
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WANT.to_owned());
    }
    let day = date(text.get(..8).unwrap_or("")).map_err(|e| format!("{WANT}: {e}"))?;
    let part = |range: std::ops::Range<usize>| -> u32 {
        text.get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX)
    };
    let time = NaiveTime::from_hms_opt(part(8..10), part(10..12), part(12..14))
        .ok_or_else(|| format!("{WANT}: time of day out of range"))?;
    Ok(NaiveDateTime::new(day, time))
}

/// A CSV row's `date`: a day, or a month for monthly and free-tier rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillDate {
    /// `yyyyMM`: the row is for the month as a whole. Sorts before the month's days.
    Month(Period),
    /// `yyyyMMdd`.
    Day(NaiveDate),
}

impl BillDate {
    /// `yyyyMMdd` or `yyyyMM`.
    pub fn parse(text: &str) -> std::result::Result<BillDate, String> {
        match text.len() {
            6 => year_month(text).map(BillDate::Month),
            8 => date(text).map(BillDate::Day),
            _ => Err("expected yyyyMMdd or yyyyMM".to_owned()),
        }
    }

    /// The month the date is in.
    pub fn period(self) -> Result<Period> {
        match self {
            BillDate::Month(p) => Ok(p),
            BillDate::Day(d) => Period::of_date(d),
        }
    }
}

impl fmt::Display for BillDate {
    /// As Soracom writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BillDate::Month(p) => f.write_str(&p.compact()),
            BillDate::Day(d) => write!(f, "{}", d.format("%Y%m%d")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse_compact(s).unwrap()
    }

    #[test]
    fn the_three_forms() {
        assert_eq!(year_month("202208"), Ok(p("202208")));
        assert_eq!(date("20220902").unwrap().to_string(), "2022-09-02");
        assert_eq!(
            timestamp("20220915123456").unwrap().to_string(),
            "2022-09-15 12:34:56"
        );
        for bad in ["2022-08", "202213", "20228", "", "abcdef", "202200"] {
            assert!(year_month(bad).is_err(), "{bad}");
        }
        for bad in ["20220931", "2022090", "2022-09-02", "20221301"] {
            assert!(date(bad).is_err(), "{bad}");
        }
        for bad in [
            "20220915243456",
            "20220915126056",
            "20220915123460",
            "2022091512345",
            "20220931123456",
            "2022-09-15T12:34:56",
            "+0220915123456",
        ] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bill_dates() {
        assert_eq!(BillDate::parse("202209"), Ok(BillDate::Month(p("202209"))));
        let day = BillDate::parse("20220902").unwrap();
        assert_eq!(day.period().unwrap(), p("202209"));
        assert_eq!(day.to_string(), "20220902");
        assert_eq!(BillDate::Month(p("202209")).to_string(), "202209");
        assert!(BillDate::Month(p("202209")) < day);
        for bad in ["2022090", "", "2022-09", "20220230"] {
            assert!(BillDate::parse(bad).is_err(), "{bad}");
        }
    }
}
