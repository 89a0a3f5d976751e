//! Source keys: what an invoice item's money is for. The only constructors of the key every item, plan and
//! preview uses, so the same money always gets the same key.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::period::Period;

/// The natural key of a source of money: a consumption record (`resource|YYYY-MM|source reference`) or a
/// line of a vendor's final document (`document|line`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceKey(String);

impl SourceKey {
    /// A consumption record's key: one resource's use of one vendor unit in one month.
    pub fn of_record(resource: &str, period: Period, source_ref: &str) -> SourceKey {
        // Sized once ("YYYY-MM" and two bars): a plan builds one per record.
        let mut key = String::with_capacity(resource.len() + source_ref.len() + 9);
        key.push_str(resource);
        key.push('|');
        period.write_to(&mut key);
        key.push('|');
        key.push_str(source_ref);
        SourceKey(key)
    }

    /// A line of a vendor's final document (a statement line). `line` must be unique within the
    /// document; a line the vendor gives no id for is known by its position in the whole document
    /// ([`SourceKey::position`]), never by its row on one page.
    pub fn of_line(document: &str, line: &str) -> SourceKey {
        SourceKey(format!("{document}|{line}"))
    }

    /// The id of a line that has none of its own: its page and row, unique across a paged document.
    pub fn position(page: u32, row: usize) -> String {
        format!("page-{page}-row-{row}")
    }

    /// The key of one vendor unit's money in one month, whatever path bills it (its consumption records, or
    /// the lines of the vendor's final document that name it): the unit every source of that money belongs to.
    pub fn unit(period: Period, source_ref: &str) -> UnitKey {
        let source_ref = source_ref.trim();
        let mut key = String::with_capacity(source_ref.len() + 8);
        period.write_to(&mut key);
        key.push('|');
        key.push_str(source_ref);
        UnitKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A key as a caller names it (a URL's segment): whatever it names, it matches only a key made by the
    /// constructors above.
    pub fn from_text(text: &str) -> SourceKey {
        SourceKey(text.to_owned())
    }
}

/// One vendor unit in one month (`YYYY-MM|source reference`): the money of its records and of the document
/// lines that name it. Exactly one path owns it ([`super::UnitOwner`]); built only by [`SourceKey::unit`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitKey(String);

impl UnitKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unit's month.
    pub fn period(&self) -> Option<Period> {
        self.0.split('|').next().and_then(|p| Period::parse(p).ok())
    }
}

impl fmt::Display for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for SourceKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_and_line_keys() {
        let p = Period::parse("2025-01").unwrap();
        assert_eq!(
            SourceKey::of_record("r1", p, "XSP1").as_str(),
            "r1|2025-01|XSP1"
        );
        assert_eq!(SourceKey::of_line("S1", "7").as_str(), "S1|7");
    }

    #[test]
    fn positions_are_unique_across_pages() {
        assert_ne!(SourceKey::position(1, 3), SourceKey::position(2, 3));
        assert_ne!(
            SourceKey::of_line("S", &SourceKey::position(1, 3)),
            SourceKey::of_line("S", &SourceKey::position(2, 3))
        );
    }
}
