//! The host's time zones: `timezone: "Europe/Berlin"` without the tz database in the wasm (hundreds of KB).
//!
//! A configured [`TimeZone`] is a fixed offset ("UTC", "+02:00") or an IANA name. A name is resolved, for
//! one instant at a time, into the fixed [`Zone`] that the month arithmetic of [`crate::period`] uses: the
//! host knows its zones' rules (in JS, `Intl.DateTimeFormat`; natively, whatever implements
//! [`ZoneRules`]), so the offset of the instant a plan is made at decides its month, daylight saving time
//! included.

use std::fmt;

use crate::error::{Error, Result};
use crate::period::Zone;
use crate::timestamp::Timestamp;

/// The host's rules of named zones: the UTC offset of an instant in a zone. An unknown zone is
/// [`unknown_zone`].
pub trait ZoneRules {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone>;
}

/// No rules: every named zone is unknown, fixed offsets still work.
pub struct NoZoneRules;

impl ZoneRules for NoZoneRules {
    fn offset_at(&self, zone: &str, _at: Timestamp) -> Result<Zone> {
        Err(unknown_zone(zone))
    }
}

/// The coded error of a zone the host does not know, naming the `timezone` option.
pub fn unknown_zone(zone: &str) -> Error {
    Error::field("timezone", unknown_zone_message(zone))
}

/// Why `zone` is refused.
pub fn unknown_zone_message(zone: &str) -> String {
    format!(
        "{zone:?} is not a time zone the host knows: use an IANA name such as \"Europe/Berlin\", \"UTC\" or a fixed offset such as \"+02:00\"."
    )
}

/// The longest IANA name is 32 characters ("America/Argentina/ComodRivadavia"); more is not a name.
const MAX_NAME: usize = 64;

/// The time zone the host configures: a fixed offset, or an IANA name its rules resolve per instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeZone {
    Fixed(Zone),
    Named(String),
}

impl Default for TimeZone {
    fn default() -> TimeZone {
        TimeZone::Fixed(Zone::UTC)
    }
}

impl From<Zone> for TimeZone {
    fn from(zone: Zone) -> TimeZone {
        TimeZone::Fixed(zone)
    }
}

impl TimeZone {
    /// "UTC", a fixed offset ("+02:00", "-0530"), or an IANA name ("Europe/Berlin", "America/New_York"):
    /// letters, digits, `/`, `_`, `-` and `+`, starting with a letter. Whether the host knows the name is
    /// checked when it is resolved.
    pub fn parse(input: &str) -> Result<TimeZone> {
        if let Ok(zone) = Zone::parse(input) {
            return Ok(TimeZone::Fixed(zone));
        }
        let name = input.trim();
        let starts_with_letter = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
        let name_bytes = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
        if starts_with_letter && name_bytes && name.len() <= MAX_NAME {
            Ok(TimeZone::Named(name.to_owned()))
        } else {
            Err(unknown_zone(input))
        }
    }

    /// The fixed offset of this zone at `at`.
    pub fn at(&self, at: Timestamp, rules: &(impl ZoneRules + ?Sized)) -> Result<Zone> {
        match self {
            TimeZone::Fixed(zone) => Ok(*zone),
            TimeZone::Named(name) => rules.offset_at(name, at),
        }
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeZone::Fixed(zone) => {
                let seconds = zone.offset().local_minus_utc();
                let sign = if seconds < 0 { '-' } else { '+' };
                let minutes = seconds.unsigned_abs() / 60;
                write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            }
            TimeZone::Named(name) => f.write_str(name),
        }
    }
}

/// The offset an `Intl.DateTimeFormat` writes as its `longOffset` time-zone name ("GMT+01:00", "GMT"), as
/// a [`Zone`]; None for anything else (offsets with seconds, which no zone has had since the 1970s).
pub fn zone_of_gmt_offset(text: &str) -> Option<Zone> {
    match text.strip_prefix("GMT")? {
        "" => Some(Zone::UTC),
        offset => Zone::parse(offset).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_offsets_names_and_garbage() {
        assert_eq!(TimeZone::parse("UTC").unwrap(), TimeZone::Fixed(Zone::UTC));
        assert_eq!(
            TimeZone::parse("+02:00").unwrap(),
            TimeZone::Fixed(Zone::parse("+02:00").unwrap())
        );
        assert_eq!(
            TimeZone::parse("America/New_York").unwrap(),
            TimeZone::Named("America/New_York".into())
        );
        assert_eq!(
            TimeZone::parse("Etc/GMT+5").unwrap().to_string(),
            "Etc/GMT+5"
        );
        assert_eq!(TimeZone::parse("-0530").unwrap().to_string(), "-05:30");
        for bad in [
            "",
            "  ",
            "+25:00",
            "1/Berlin",
            "Europe/Ber lin",
            "Europe/Berlin;",
            "Ä/B",
        ] {
            let err = TimeZone::parse(bad).unwrap_err();
            assert!(err.fields().unwrap().contains_key("timezone"), "{bad:?}");
        }
        assert!(TimeZone::parse(&"A".repeat(65)).is_err());
    }

    #[test]
    fn a_name_needs_rules_an_offset_does_not() {
        let at = Timestamp::parse("2025-03-31T22:30:00Z").unwrap();
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let err = berlin.at(at, &NoZoneRules).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert!(err.fields().unwrap().contains_key("timezone"));
        let fixed = TimeZone::parse("+01:00").unwrap();
        assert_eq!(
            fixed.at(at, &NoZoneRules).unwrap(),
            Zone::parse("+01:00").unwrap()
        );
    }

    #[test]
    fn intl_long_offsets() {
        assert_eq!(zone_of_gmt_offset("GMT"), Some(Zone::UTC));
        assert_eq!(zone_of_gmt_offset("GMT+02:00"), Zone::parse("+02:00").ok());
        assert_eq!(zone_of_gmt_offset("GMT-04:00"), Zone::parse("-04:00").ok());
        assert_eq!(zone_of_gmt_offset("GMT+00:53:28"), None);
        assert_eq!(zone_of_gmt_offset("CET"), None);
    }
}
