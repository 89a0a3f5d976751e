// The preview as CSV (RFC 4180), safe to open in a spreadsheet: a cell that a spreadsheet would run as a
// formula (it starts with = + - @, a tab or a carriage return) is written with a leading apostrophe, which
// spreadsheets show as text. A plain decimal amount ("-5.00") is a number, not a formula, and stays as it is,
// so the amount columns still add up in the spreadsheet.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** One cell, escaped against formula injection and quoted where RFC 4180 needs it. */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells) {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** The columns of the preview CSV: [header, (row) => value]. `label` is the vendor's source field. */
export function previewColumns(label) {
  return [
    [label, (r) => r.source],
    ['resource_name', (r) => r.resource_name],
    ['customer_name', (r) => r.customer_name],
    ['customer_uuid', (r) => r.customer_uuid],
    ['billing_period', (r) => r.billing_period],
    ['currency', (r) => r.currency],
    ['consumed', (r) => r.consumed_sell],
    ['final', (r) => r.final_sell],
    ['adjustment', (r) => r.adjustment],
    ['already_adjusted', (r) => r.already_adjusted],
    ['to_bill_now', (r) => r.compensation],
    ['action', (r) => r.action],
    ['error', (r) => r.error],
  ];
}

/** The CSV as a list of string parts (a Blob is made of them without one giant string). */
export function previewCsvParts(rows, label) {
  const columns = previewColumns(label);
  const parts = ['\ufeff' + csvLine(columns.map(([header]) => header))];
  let chunk = '';
  for (const row of rows) {
    chunk += csvLine(columns.map(([, get]) => get(row)));
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (chunk) parts.push(chunk);
  return parts;
}
