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

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
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
