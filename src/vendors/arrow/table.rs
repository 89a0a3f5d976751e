//! Arrow's tabular envelope, `{"data": {"headers": [...], "<rows>": [[...], ...]}, "pagination": {...}}`,
//! walked once from text or from a `serde_json::Value`, handing each row to the caller as a slot array.
//!
//! Rows are handed over while the document is still being read; callers collect into their own state and
//! keep it only if the whole walk succeeds, so a payload is taken whole or not at all.

use serde_json::Value;

use super::columns::{ColumnSpec, Columns};
use crate::error::{Error, Result};
use crate::readers::cells::Cell;
use crate::readers::json_scan::Scanner;

/// Which envelope to expect.
pub(crate) struct TableShape {
    /// Names the payload in errors.
    pub payload: &'static str,
    /// "values" for the billing export, "lines" for consumption.
    pub rows_key: &'static str,
    pub specs: &'static [ColumnSpec],
}

/// What the walk found besides the rows.
#[derive(Debug, Clone)]
pub(crate) struct TableMeta {
    pub headers: Vec<String>,
    pub columns: Columns,
    pub rows: usize,
    /// `pagination.perPage`, when the payload has it.
    pub per_page: Option<u64>,
}

/// A row as received: its JSON text on the text path, its value on the object path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RawRow<'a> {
    Text(&'a str),
    Value(&'a Value),
}

/// Called per row with the columns, the 1-based row number, the cells by slot, and the raw row.
pub(crate) trait RowSink<'a> {
    fn row(
        &mut self,
        columns: &Columns,
        row: usize,
        cells: &[Cell<'a>],
        raw: RawRow<'a>,
    ) -> Result<()>;
}

impl<'a, F> RowSink<'a> for F
where
    F: FnMut(&Columns, usize, &[Cell<'a>], RawRow<'a>) -> Result<()>,
{
    fn row(
        &mut self,
        columns: &Columns,
        row: usize,
        cells: &[Cell<'a>],
        raw: RawRow<'a>,
    ) -> Result<()> {
        self(columns, row, cells, raw)
    }
}

fn duplicate(scanner: &Scanner<'_>, key: &str) -> Error {
    scanner.error(format!("duplicate key {key:?}"))
}

/// Walks the envelope in `text`. Keys may come in any order: rows met before the headers are validated,
/// remembered by offset, and read in a second pass once the headers are known.
pub(crate) fn scan_table<'a>(
    text: &'a str,
    shape: &TableShape,
    sink: &mut impl RowSink<'a>,
) -> Result<TableMeta> {
    crate::limits::check_payload_bytes(shape.payload, text.len())?;
    let mut sc = Scanner::new(text, shape.payload);
    let mut headers: Option<(Vec<String>, Columns)> = None;
    let mut rows: Option<usize> = None;
    let mut deferred_rows: Option<(usize, usize)> = None;
    let mut per_page = None;
    let mut seen_data = false;
    let mut seen_pagination = false;

    sc.begin_object()?;
    let mut first = true;
    while let Some(key) = sc.next_key(&mut first)? {
        match key.as_ref() {
            "data" => {
                if std::mem::replace(&mut seen_data, true) {
                    return Err(duplicate(&sc, "data"));
                }
                sc.begin_object()?;
                let mut first_in_data = true;
                while let Some(key) = sc.next_key(&mut first_in_data)? {
                    if key == "headers" {
                        if headers.is_some() {
                            return Err(duplicate(&sc, "headers"));
                        }
                        let names = read_headers(&mut sc)?;
                        let columns = Columns::resolve(shape.payload, &names, shape.specs)?;
                        headers = Some((names, columns));
                    } else if key == shape.rows_key {
                        if rows.is_some() || deferred_rows.is_some() {
                            return Err(duplicate(&sc, shape.rows_key));
                        }
                        match &headers {
                            Some((_, columns)) => rows = Some(scan_rows(&mut sc, columns, sink)?),
                            None => {
                                sc.skip_ws();
                                deferred_rows = Some((sc.offset(), sc.depth()));
                                sc.skip_value()?;
                            }
                        }
                    } else {
                        sc.skip_value()?;
                    }
                }
            }
            "pagination" => {
                if std::mem::replace(&mut seen_pagination, true) {
                    return Err(duplicate(&sc, "pagination"));
                }
                per_page = read_per_page(&mut sc)?;
            }
            _ => sc.skip_value()?,
        }
    }
    sc.finish()?;

    let Some((headers, columns)) = headers else {
        return Err(sc.error_at(0, "expected data.headers"));
    };
    let rows = match (rows, deferred_rows) {
        (Some(n), _) => n,
        (None, Some((offset, depth))) => {
            let mut again = Scanner::at(text, shape.payload, offset, depth);
            scan_rows(&mut again, &columns, sink)?
        }
        (None, None) => return Err(sc.error_at(0, format!("expected data.{}", shape.rows_key))),
    };
    Ok(TableMeta {
        headers,
        columns,
        rows,
        per_page,
    })
}

fn read_headers(sc: &mut Scanner<'_>) -> Result<Vec<String>> {
    let mut names = Vec::new();
    sc.begin_array()?;
    let mut first = true;
    while sc.next_element(&mut first)? {
        names.push(sc.string_value()?.into_owned());
    }
    Ok(names)
}

/// `pagination.perPage`, a count as a number or numeric string; other pagination keys are skipped.
fn read_per_page(sc: &mut Scanner<'_>) -> Result<Option<u64>> {
    if sc.peek_value() != Some(b'{') {
        // Not an object (e.g. null): nothing to read, but it must still be valid JSON.
        sc.skip_value()?;
        return Ok(None);
    }
    sc.begin_object()?;
    let mut per_page = None;
    let mut first = true;
    while let Some(key) = sc.next_key(&mut first)? {
        if key == "perPage" {
            let at = sc.offset();
            let cell = sc.cell()?;
            per_page = match &cell {
                Cell::Null => None,
                Cell::Number(s) | Cell::Text(s) => Some(
                    s.trim()
                        .parse::<u64>()
                        .map_err(|_| sc.error_at(at, "pagination.perPage is not a count"))?,
                ),
                _ => return Err(sc.error_at(at, "pagination.perPage is not a count")),
            };
        } else {
            sc.skip_value()?;
        }
    }
    Ok(per_page)
}

/// Reads the rows array, filling only the slots that matter and skipping every other cell unread.
fn scan_rows<'a>(
    sc: &mut Scanner<'a>,
    columns: &Columns,
    sink: &mut impl RowSink<'a>,
) -> Result<usize> {
    let mut slots: Vec<Cell<'a>> = vec![Cell::Null; columns.slot_count()];
    let mut row = 0usize;
    sc.begin_array()?;
    let mut first = true;
    while sc.next_element(&mut first)? {
        row = row.saturating_add(1);
        crate::limits::check_payload_rows(sc.payload(), row)?;
        sc.skip_ws();
        let start = sc.offset();
        sc.begin_array()?;
        slots.iter_mut().for_each(|s| *s = Cell::Null);
        let mut index = 0usize;
        let mut first_cell = true;
        while sc.next_element(&mut first_cell)? {
            match columns.slot_of(index).and_then(|slot| slots.get_mut(slot)) {
                Some(slot) => *slot = sc.cell()?,
                None => sc.skip_cell()?,
            }
            index = index.saturating_add(1);
        }
        check_width(sc.payload(), columns, row, index)?;
        let raw = sc.text().get(start..sc.offset()).unwrap_or("");
        sink.row(columns, row, &slots, RawRow::Text(raw))?;
    }
    Ok(row)
}

/// A row must have one cell per header: a short or long row means the table is not what its headers say.
fn check_width(payload: &str, columns: &Columns, row: usize, cells: usize) -> Result<()> {
    let width = columns.header_count();
    if cells == width {
        return Ok(());
    }
    Err(Error::InvalidCell {
        payload: payload.to_owned(),
        row,
        column: "(row)".to_owned(),
        value: format!("{cells} cells"),
        reason: format!("expected {width} cells, one per header"),
    })
}

/// The same walk over a JSON value (the object path). Errors have offset 0: a value has no bytes.
pub(crate) fn walk_table_value<'a>(
    value: &'a Value,
    shape: &TableShape,
    sink: &mut impl RowSink<'a>,
) -> Result<TableMeta> {
    let bad = |reason: String| Error::InvalidPayload {
        payload: shape.payload.to_owned(),
        offset: 0,
        reason,
    };
    let data = value
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("expected an object with data".to_owned()))?;
    let header_values = data
        .get("headers")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("expected data.headers".to_owned()))?;
    let headers = header_values
        .iter()
        .map(|h| h.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| bad("data.headers must be strings".to_owned()))?;
    let columns = Columns::resolve(shape.payload, &headers, shape.specs)?;
    let rows = data
        .get(shape.rows_key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("expected data.{}", shape.rows_key)))?;
    crate::limits::check_payload_rows(shape.payload, rows.len())?;
    let mut slots: Vec<Cell<'a>> = vec![Cell::Null; columns.slot_count()];
    for (i, row_value) in rows.iter().enumerate() {
        let row = i.saturating_add(1);
        let cells = row_value
            .as_array()
            .ok_or_else(|| bad(format!("data.{} row {row} is not an array", shape.rows_key)))?;
        check_width(shape.payload, &columns, row, cells.len())?;
        slots.iter_mut().for_each(|s| *s = Cell::Null);
        for (index, cell) in cells.iter().enumerate() {
            if let Some(slot) = columns.slot_of(index).and_then(|slot| slots.get_mut(slot)) {
                *slot = Cell::of_json(cell);
            }
        }
        sink.row(&columns, row, &slots, RawRow::Value(row_value))?;
    }
    let per_page = match value.get("pagination").and_then(|p| p.get("perPage")) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_u64()
                .ok_or_else(|| bad("pagination.perPage is not a count".into()))?,
        ),
        Some(Value::String(s)) => Some(
            s.trim()
                .parse::<u64>()
                .map_err(|_| bad("pagination.perPage is not a count".into()))?,
        ),
        Some(_) => return Err(bad("pagination.perPage is not a count".into())),
    };
    Ok(TableMeta {
        headers,
        columns,
        rows: rows.len(),
        per_page,
    })
}
