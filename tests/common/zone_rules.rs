//! A table-driven host's zone rules, as a native host implements billsync's zone port: Berlin's EU rule
//! (+01:00, +02:00 from the last Sunday of March to the last Sunday of October, switching at 01:00 UTC) and
//! New York's US rule since 2007 (-05:00, -04:00 from the second Sunday of March at 02:00 local to the first
//! Sunday of November at 02:00 local).
#![allow(dead_code)]

use billsync::error::Result;
use billsync::period::Zone;
use billsync::timestamp::Timestamp;
use billsync::timezone::{unknown_zone, ZoneRules};
use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};

/// One zone's rule: standard and summer offsets (hours) and the UTC instants summer starts and ends.
struct Rule {
    standard: i32,
    summer: i32,
    starts: fn(i32) -> chrono::DateTime<Utc>,
    ends: fn(i32) -> chrono::DateTime<Utc>,
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n as u8).unwrap()
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1)
        .unwrap()
        .pred_opt()
        .unwrap();
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt().unwrap();
    }
    day
}

fn at_utc(date: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
}

const TABLE: &[(&str, Rule)] = &[
    (
        "Europe/Berlin",
        Rule {
            standard: 1,
            summer: 2,
            starts: |y| at_utc(last_sunday(y, 3), 1),
            ends: |y| at_utc(last_sunday(y, 10), 1),
        },
    ),
    (
        "America/New_York",
        Rule {
            standard: -5,
            summer: -4,
            // 02:00 EST and 02:00 EDT, in UTC.
            starts: |y| at_utc(nth_sunday(y, 3, 2), 7),
            ends: |y| at_utc(nth_sunday(y, 11, 1), 6),
        },
    ),
];

pub struct TableRules;

impl ZoneRules for TableRules {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        let (_, rule) = TABLE
            .iter()
            .find(|(name, _)| *name == zone)
            .ok_or_else(|| unknown_zone(zone))?;
        let instant = chrono::DateTime::parse_from_rfc3339(&at.to_string()).unwrap();
        let year = instant.year();
        let summer = instant >= (rule.starts)(year) && instant < (rule.ends)(year);
        let hours = if summer { rule.summer } else { rule.standard };
        let sign = if hours < 0 { '-' } else { '+' };
        Zone::parse(&format!("{sign}{:02}:00", hours.abs()))
    }
}
