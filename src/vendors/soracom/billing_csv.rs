//! One row of Soracom's billing CSV export, read by header name.
//!
//! The columns vary, so they are found by name (trimmed, ASCII case-insensitive). `date`, `billItemName`
//! and `amount` are required; `unitPrice` and `quantity` are checked when present; the subscriber and
//! device columns are each optional (`vpgId` is absent from many exports). Every column **after**
//! `amount` is a tag or group column, kept as a label. Unknown columns before `amount` are ignored but
//! listed, so that a new id column shows up instead of silently reading its rows as account-level.
//!
//! A bad cell is [`Error::InvalidCell`] whose `row` is the 1-based **physical line** of the file (line 1
//! is the header; a quoted line break moves later rows down), with the column's header and the value.

use std::borrow::Borrow;
use std::fmt;

use rust_decimal::Decimal;

use super::formats::BillDate;
use super::number::exact_decimal;
use crate::error::{Error, Result};
use crate::readers::csv::CsvRow;

/// Names the billing CSV in errors.
pub const BILLING_CSV: &str = "soracom billing csv";

/// The columns that name a subscriber or device, in the order the key is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviceIdKind {
    Imsi,
    VpgId,
    LoraGatewayId,
    LoraDeviceId,
    SigfoxDeviceId,
    DeviceId,
    GadgetId,
    SoraCamDeviceId,
}

impl DeviceIdKind {
    pub const ALL: [DeviceIdKind; 8] = [
        DeviceIdKind::Imsi,
        DeviceIdKind::VpgId,
        DeviceIdKind::LoraGatewayId,
        DeviceIdKind::LoraDeviceId,
        DeviceIdKind::SigfoxDeviceId,
        DeviceIdKind::DeviceId,
        DeviceIdKind::GadgetId,
        DeviceIdKind::SoraCamDeviceId,
    ];

    /// The column's header, which is also the key's prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceIdKind::Imsi => "imsi",
            DeviceIdKind::VpgId => "vpgId",
            DeviceIdKind::LoraGatewayId => "loraGatewayId",
            DeviceIdKind::LoraDeviceId => "loraDeviceId",
            DeviceIdKind::SigfoxDeviceId => "sigfoxDeviceId",
            DeviceIdKind::DeviceId => "deviceId",
            DeviceIdKind::GadgetId => "gadgetId",
            DeviceIdKind::SoraCamDeviceId => "soraCamDeviceId",
        }
    }
}

/// Who a row is billed to: `kind:id` (e.g. `imsi:440103...`, `deviceId:d-...`), or `account` for
/// account-level rows (every id column empty).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriberKey(String);

impl SubscriberKey {
    pub const ACCOUNT: &'static str = "account";

    pub fn account() -> SubscriberKey {
        SubscriberKey(Self::ACCOUNT.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_account(&self) -> bool {
        self.0 == Self::ACCOUNT
    }

    /// The id column this key came from; `None` for the account.
    pub fn kind(&self) -> Option<DeviceIdKind> {
        let (prefix, _) = self.0.split_once(':')?;
        DeviceIdKind::ALL.into_iter().find(|k| k.as_str() == prefix)
    }

    /// The id itself; `None` for the account.
    pub fn id(&self) -> Option<&str> {
        self.0.split_once(':').map(|(_, id)| id)
    }

    /// Writes the key of `(kind, id)` into `out`, replacing its content: lookups reuse one buffer.
    pub(crate) fn write(id: Option<(DeviceIdKind, &str)>, out: &mut String) {
        out.clear();
        match id {
            Some((kind, id)) => {
                out.push_str(kind.as_str());
                out.push(':');
                out.push_str(id);
            }
            None => out.push_str(Self::ACCOUNT),
        }
    }

    pub(crate) fn from_string(key: String) -> SubscriberKey {
        SubscriberKey(key)
    }
}

impl Borrow<str> for SubscriberKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubscriberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One data row, borrowed from the reader.
#[derive(Debug, Clone)]
pub struct BillingRow<'r> {
    /// The 1-based physical line it starts on.
    pub line: usize,
    /// The first non-empty id column, or `None` for an account-level row.
    pub subscriber: Option<(DeviceIdKind, &'r str)>,
    pub date: BillDate,
    pub bill_item_name: &'r str,
    pub unit_price: Option<Decimal>,
    pub quantity: Option<Decimal>,
    /// A charge, or a discount when negative.
    pub amount: Decimal,
}

/// Where the columns are, found from the header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingCsvHeader {
    headers: Vec<String>,
    ids: Vec<(DeviceIdKind, usize)>,
    date: usize,
    bill_item_name: usize,
    unit_price: Option<usize>,
    quantity: Option<usize>,
    amount: usize,
    /// Tag and group columns (after `amount`): (header, index).
    labels: Vec<(String, usize)>,
    unknown: Vec<String>,
}

fn missing(headers: &[&str]) -> Error {
    Error::MissingColumn {
        payload: BILLING_CSV.to_owned(),
        column: headers.join(", "),
    }
}

impl BillingCsvHeader {
    /// Reads the header row. A missing required column, or a header given twice, is an error.
    pub fn from_row(row: &CsvRow<'_>) -> Result<BillingCsvHeader> {
        let headers: Vec<String> = row.iter().map(|h| h.trim().to_owned()).collect();
        let find = |name: &str| -> Result<Option<usize>> {
            let mut found = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| h.eq_ignore_ascii_case(name));
            let first = found.next().map(|(i, _)| i);
            if let Some((i, h)) = found.next() {
                return Err(Error::InvalidCell {
                    payload: BILLING_CSV.to_owned(),
                    row: row.line(),
                    column: h.clone(),
                    value: format!("column {}", i + 1),
                    reason: "the column is given twice".to_owned(),
                });
            }
            Ok(first)
        };
        let amount = find("amount")?;
        let date = find("date")?;
        let item = find("billItemName")?;
        let (Some(amount), Some(date), Some(bill_item_name)) = (amount, date, item) else {
            let absent: Vec<&str> = [("date", date), ("billItemName", item), ("amount", amount)]
                .iter()
                .filter(|(_, at)| at.is_none())
                .map(|(name, _)| *name)
                .collect();
            return Err(missing(&absent));
        };
        let mut ids = Vec::new();
        for kind in DeviceIdKind::ALL {
            if let Some(at) = find(kind.as_str())? {
                ids.push((kind, at));
            }
        }
        let unit_price = find("unitPrice")?;
        let quantity = find("quantity")?;
        let known: Vec<usize> = ids
            .iter()
            .map(|(_, i)| *i)
            .chain([date, bill_item_name, amount])
            .chain(unit_price)
            .chain(quantity)
            .collect();
        let mut labels = Vec::new();
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if i > amount {
                labels.push((h.clone(), i));
            } else if !known.contains(&i) {
                unknown.push(h.clone());
            }
        }
        Ok(BillingCsvHeader {
            headers,
            ids,
            date,
            bill_item_name,
            unit_price,
            quantity,
            amount,
            labels,
            unknown,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The tag and group columns, in file order.
    pub fn label_columns(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|(h, _)| h.as_str())
    }

    /// Columns before `amount` that billsync does not know.
    pub fn unknown_columns(&self) -> &[String] {
        &self.unknown
    }

    fn header(&self, index: usize) -> &str {
        self.headers.get(index).map(String::as_str).unwrap_or("")
    }

    fn invalid(&self, line: usize, index: usize, value: &str, reason: impl Into<String>) -> Error {
        Error::InvalidCell {
            payload: BILLING_CSV.to_owned(),
            row: line,
            column: self.header(index).to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }

    fn cell<'r>(&self, row: &CsvRow<'r>, index: usize) -> &'r str {
        row.get(index).unwrap_or("")
    }

    fn decimal(&self, row: &CsvRow<'_>, index: usize, required: bool) -> Result<Option<Decimal>> {
        let text = self.cell(row, index);
        if text.is_empty() && !required {
            return Ok(None);
        }
        exact_decimal(text)
            .map(Some)
            .map_err(|reason| self.invalid(row.line(), index, text, reason))
    }

    /// Reads one data row. Its width must be the header's.
    pub fn read<'r>(&self, row: &CsvRow<'r>) -> Result<BillingRow<'r>> {
        let line = row.line();
        if row.len() != self.headers.len() {
            let (index, value) = if row.len() < self.headers.len() {
                (row.len(), String::new())
            } else {
                (
                    self.headers.len(),
                    self.cell(row, self.headers.len()).to_owned(),
                )
            };
            return Err(Error::InvalidCell {
                payload: BILLING_CSV.to_owned(),
                row: line,
                column: self
                    .headers
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("(column {})", index + 1)),
                value,
                reason: format!(
                    "the row has {} fields, the header {}",
                    row.len(),
                    self.headers.len()
                ),
            });
        }
        let date_text = self.cell(row, self.date);
        let date = BillDate::parse(date_text)
            .map_err(|reason| self.invalid(line, self.date, date_text, reason))?;
        let bill_item_name = self.cell(row, self.bill_item_name);
        if bill_item_name.trim().is_empty() {
            return Err(self.invalid(
                line,
                self.bill_item_name,
                bill_item_name,
                "must not be blank",
            ));
        }
        let amount = self
            .decimal(row, self.amount, true)?
            .ok_or_else(|| self.invalid(line, self.amount, "", "an amount is required"))?;
        let unit_price = match self.unit_price {
            Some(i) => self.decimal(row, i, false)?,
            None => None,
        };
        let quantity = match self.quantity {
            Some(i) => self.decimal(row, i, false)?,
            None => None,
        };
        let subscriber = self.ids.iter().find_map(|(kind, i)| {
            let id = self.cell(row, *i).trim();
            (!id.is_empty()).then_some((*kind, id))
        });
        Ok(BillingRow {
            line,
            subscriber,
            date,
            bill_item_name,
            unit_price,
            quantity,
            amount,
        })
    }

    /// The row's non-empty labels: (header, value).
    pub fn labels<'h, 'r>(
        &'h self,
        row: &'h CsvRow<'r>,
    ) -> impl Iterator<Item = (&'h str, &'r str)> + 'h {
        self.labels.iter().filter_map(move |(h, i)| {
            let value = row.get(*i)?;
            (!value.is_empty()).then_some((h.as_str(), value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::csv::{CsvLimits, CsvReader};

    /// Runs `f` on the header and each data row of `text`.
    fn with_rows(text: &str, mut f: impl FnMut(&BillingCsvHeader, &CsvRow<'_>)) -> Result<()> {
        let mut reader = CsvReader::new(BILLING_CSV, CsvLimits::default());
        let mut header: Option<BillingCsvHeader> = None;
        let mut on_row = |row: CsvRow<'_>| {
            match &header {
                None => header = Some(BillingCsvHeader::from_row(&row)?),
                Some(h) => f(h, &row),
            }
            Ok(())
        };
        reader.push(text.as_bytes(), &mut on_row)?;
        reader.finish(&mut on_row)
    }

    const HEADER: &str = "imsi,loraGatewayId,loraDeviceId,sigfoxDeviceId,deviceId,gadgetId,soraCamDeviceId,date,billItemName,unitPrice,quantity,amount,tag.name,group";

    #[test]
    fn finds_columns_by_name_and_keys_rows() {
        let text = format!(
            "{HEADER}\n440103000000001,,,,,,,20220901,Air data,0.0000002,1000000,0.2,sensor-1,factory\n\
             ,,,,d-abc,,,20220901,Inventory,10,1,10,,\n,,,,,,,202209,Free tier,,,-100,,\n"
        );
        let mut got = Vec::new();
        with_rows(&text, |h, row| {
            let r = h.read(row).unwrap();
            let labels: Vec<(String, String)> = h
                .labels(row)
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            got.push((
                r.line,
                r.subscriber.map(|(k, id)| (k, id.to_owned())),
                r.date,
                r.amount,
                labels,
            ));
            assert!(h.unknown_columns().is_empty());
            assert_eq!(h.label_columns().collect::<Vec<_>>(), ["tag.name", "group"]);
        })
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, 2);
        assert_eq!(
            got[0].1,
            Some((DeviceIdKind::Imsi, "440103000000001".to_owned()))
        );
        assert_eq!(got[0].3, Decimal::new(2, 1));
        assert_eq!(got[0].4.len(), 2);
        assert_eq!(got[1].1, Some((DeviceIdKind::DeviceId, "d-abc".to_owned())));
        assert_eq!(got[2].1, None);
        assert!(matches!(got[2].2, BillDate::Month(_)));
        assert_eq!(got[2].3, Decimal::from(-100));
    }

    #[test]
    fn subscriber_keys() {
        let mut s = String::new();
        SubscriberKey::write(Some((DeviceIdKind::Imsi, "440")), &mut s);
        let k = SubscriberKey::from_string(s.clone());
        assert_eq!(k.as_str(), "imsi:440");
        assert_eq!(k.kind(), Some(DeviceIdKind::Imsi));
        assert_eq!(k.id(), Some("440"));
        SubscriberKey::write(None, &mut s);
        assert_eq!(s, "account");
        assert!(SubscriberKey::account().is_account());
        assert_eq!(SubscriberKey::account().kind(), None);
    }

    #[test]
    fn header_errors() {
        let e = with_rows("imsi,date,unitPrice\n", |_, _| {}).unwrap_err();
        assert_eq!(e.code(), "missing_column");
        assert!(e.to_string().contains("billItemName, amount"), "{e}");
        let e = with_rows("date,billItemName,amount,Date\n", |_, _| {}).unwrap_err();
        assert!(e.to_string().contains("given twice"), "{e}");
        // An unknown column before amount is listed; vpgId may be absent.
        with_rows("simId,date,billItemName,amount\n", |h, _| {
            assert_eq!(h.unknown_columns(), ["simId"]);
        })
        .unwrap();
    }

    #[test]
    fn bad_rows_name_line_column_and_value() {
        for (row, column, value) in [
            ("440,2022-09-01,Air,1,1,1", "date", "2022-09-01"),
            ("440,20220931,Air,1,1,1", "date", "20220931"),
            ("440,,Air,1,1,1", "date", ""),
            ("440,20220901,,1,1,1", "billItemName", ""),
            ("440,20220901,Air,1,1,abc", "amount", "abc"),
            ("440,20220901,Air,1,1,", "amount", ""),
            ("440,20220901,Air,1,1,1e400", "amount", "1e400"),
            ("440,20220901,Air,1,1,\"1,000\"", "amount", "1,000"),
            ("440,20220901,Air,x,1,1", "unitPrice", "x"),
            ("440,20220901,Air,1,NaN,1", "quantity", "NaN"),
            ("440,20220901,Air,1,1", "amount", ""),
            ("440,20220901,Air,1,1,1,extra", "(column 7)", "extra"),
        ] {
            let text = format!("imsi,date,billItemName,unitPrice,quantity,amount\n\"multi\nline\",20220901,Air,1,1,1\n{row}\n");
            let mut err = None;
            with_rows(&text, |h, r| {
                if let Err(e) = h.read(r) {
                    err = Some(e);
                }
            })
            .unwrap();
            match err {
                Some(Error::InvalidCell {
                    row: line,
                    column: c,
                    value: v,
                    ..
                }) => {
                    assert_eq!((line, c.as_str(), v.as_str()), (4, column, value), "{row}");
                }
                other => panic!("{row}: {other:?}"),
            }
        }
    }
}
