// A small RFC 4180 reader for the tests: quoted fields with "" escapes, commas and line breaks inside quotes,
// CRLF or LF. It keeps a leading BOM in the first field, so that a test can see it; strip it first.

/** Rows of fields (strings) from CSV text. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (quoted) throw new Error('parseCsv: unterminated quote');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** The rows as objects keyed by header (the BOM removed). */
export function csvRecords(text) {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
