//! Instants. The host's clock gives them as RFC 3339 text; billsync stores them in UTC and writes them back
//! as RFC 3339 with a `Z`, as the REST framework does.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Result;
use crate::period::{parse_instant, Period, Zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub const EPOCH: Timestamp = Timestamp(DateTime::<Utc>::UNIX_EPOCH);

    pub fn parse(input: &str) -> Result<Timestamp> {
        parse_instant(input).map(|t| Timestamp(t.with_timezone(&Utc)))
    }

    /// The month this instant falls in, as seen in `zone`.
    pub fn period(self, zone: Zone) -> Result<Period> {
        Period::of_date(self.date_in(zone))
    }

    /// The calendar date of this instant in `zone`.
    pub fn date_in(self, zone: Zone) -> NaiveDate {
        self.0.with_timezone(&zone.offset()).date_naive()
    }

    pub fn to_rfc3339(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// `yyyyMMddHHmmss` in UTC, as Soracom writes `lastEvaluatedTime`.
    pub fn format_compact(self) -> String {
        use chrono::{Datelike, Timelike};
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day(),
            self.0.hour(),
            self.0.minute(),
            self.0.second()
        )
    }
}

/// Text written on the stack.
#[derive(Default)]
struct Written {
    bytes: [u8; 32],
    length: usize,
}

impl Written {
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.length) {
            *slot = b;
        }
        self.length += 1;
    }

    /// `value` in exactly `width` digits.
    fn digits(&mut self, value: u32, width: u32) {
        for place in (0..width).rev() {
            let digit = (value / 10u32.pow(place)) % 10;
            self.byte(b'0' + digit as u8);
        }
    }

    fn fraction(&mut self, value: u32, width: u32) {
        self.byte(b'.');
        self.digits(value, width);
    }
}

/// RFC 3339 in UTC with a `Z` and the sub-second digits that are not zero, in groups of three: what
/// [`Timestamp::to_rfc3339`] returns, written on the stack (a plan writes several instants per row).
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        let (year, nanos) = (t.year(), t.nanosecond());
        // Years past four digits and leap seconds: chrono's own writer.
        let (Ok(year @ 0..=9999), 0..=999_999_999) = (u32::try_from(year), nanos) else {
            return f.write_str(&self.to_rfc3339());
        };
        let mut text = Written::default();
        text.digits(year, 4);
        for (separator, value) in [
            (b'-', t.month()),
            (b'-', t.day()),
            (b'T', t.hour()),
            (b':', t.minute()),
            (b':', t.second()),
        ] {
            text.byte(separator);
            text.digits(value, 2);
        }
        match nanos {
            0 => {}
            n if n % 1_000_000 == 0 => text.fraction(n / 1_000_000, 3),
            n if n % 1_000 == 0 => text.fraction(n / 1_000, 6),
            n => text.fraction(n, 9),
        }
        text.byte(b'Z');
        let Written { bytes, length } = text;
        match bytes.get(..length).map(std::str::from_utf8) {
            Some(Ok(written)) => f.write_str(written),
            _ => f.write_str(&self.to_rfc3339()),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Timestamp, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_chrono_writes_it() {
        for text in [
            "2025-02-03T10:00:00Z",
            "2025-02-03T10:00:00.5Z",
            "2025-02-03T10:00:00.123456Z",
            "2025-02-03T10:00:00.000000001Z",
            "2025-02-03T10:00:00.120000Z",
            "1999-12-31T23:59:59.999999999+09:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            assert_eq!(t.to_string(), t.to_rfc3339(), "{text}");
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.to_rfc3339())
            );
        }
    }

    #[test]
    fn normalises_to_utc() {
        let t = Timestamp::parse("2025-02-03T11:00:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-02-03T10:00:00Z");
        assert_eq!(
            Timestamp::parse("2025-02-03T10:00:00.250Z")
                .unwrap()
                .to_rfc3339(),
            "2025-02-03T10:00:00.250Z"
        );
        assert_eq!(
            Timestamp::parse("2025-02-03").unwrap_err().code(),
            "invalid_timestamp"
        );
        assert_eq!(t.period(Zone::UTC).unwrap().to_string(), "2025-02");
    }
}
