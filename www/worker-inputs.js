// The worker's reading of the inputs: each file read in chunks with progress, each document recognised, the
// vendor detected (or checked against the one chosen), and the request for previewReconciliation built.
// A document in the wrong place, or another vendor's, is an error on that input that says what it looks like.

import {
  InputError,
  identify,
  readJsonValues,
  recordsFrom,
  exportFromFetchResponse,
  looksLikeSoracomCsv,
  misplaced,
} from './inputs.js';

const VENDOR_NAMES = { arrow: 'Arrow', soracom: 'Soracom' };

/** The bytes of a File, read in chunks; progress by bytes. */
async function readBytes(file, target, onProgress) {
  const reader = file.stream().getReader();
  const chunks = [];
  let done = 0;
  let reported = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    chunks.push(value);
    done += value.byteLength;
    if (done - reported >= 1 << 20 || done === file.size) {
      reported = done;
      onProgress({ operation: 'read', done, total: file.size, message: `Reading ${file.name}…` });
    }
  }
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

function decode(bytes, name, target) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('invalid_payload', `${name}: the file is not UTF-8 text (is it a spreadsheet or a zip rather than the exported JSON or CSV?).`, target);
  }
}

/** An input as { name, text, bytes? }, or null when it is empty. */
async function load(input, target, onProgress, keepBytes = false) {
  if (input?.file) {
    const bytes = await readBytes(input.file, target, onProgress);
    if (keepBytes) {
      // A CSV goes to the package as its bytes (it decodes and checks them itself, row by row): only the head
      // is decoded here, to recognise the document, so a 100 MB export is not also held as a string.
      const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 64 * 1024));
      return { name: input.file.name, text: bytes.length <= 64 * 1024 ? decode(bytes, input.file.name, target) : head, bytes };
    }
    return { name: input.file.name, text: decode(bytes, input.file.name, target) };
  }
  const text = String(input?.text ?? '').trim();
  return text ? { name: input?.name || `the pasted ${target}`, text } : null;
}

const REQUIRED = {
  records: 'Paste or open the consumption records (a JSON list, or pages of one).',
  export: "Paste or open Arrow's billing export (Arrow's JSON, or what billsync's fetch_billing_export returned).",
  bill: "Paste or open Soracom's closed bill of the month (GET /bills/{yyyyMM}, a MonthlyBill).",
  csv: "Open Soracom's billing CSV export of the month (or choose the account granularity).",
};

function json(doc, target) {
  const values = readJsonValues(doc.text, doc.name, target);
  return { values, found: values.map(identify) };
}

/** The JSON documents of one input that must all be of `kind` for `vendor`. */
function expect(doc, target, kind, vendor) {
  const { values, found } = json(doc, target);
  for (const f of found) if (f.kind !== kind || (f.vendor && f.vendor !== vendor)) throw misplaced(target, doc.name, f, vendor);
  return { values, found };
}

/**
 * Reads every input and builds the preview request. `vendor` is "arrow", "soracom" or "auto" (detected
 * from the records, else from which vendor's documents were given).
 */
export async function readInputs(vendor, inputs, onProgress) {
  const docs = {};
  const missing = [];
  // Reading is one step over all the files, by bytes.
  const total = Object.values(inputs).reduce((n, input) => n + (input?.file?.size ?? 0), 0);
  let before = 0;
  for (const target of ['records', 'export', 'bill', 'csv', 'latest', 'daily']) {
    const offset = before;
    docs[target] = await load(inputs[target], target, (e) => onProgress({ ...e, done: offset + e.done, total }), target === 'csv');
    before += inputs[target]?.file?.size ?? 0;
  }
  if (!docs.records) throw new InputError('missing_input', REQUIRED.records, 'records');

  const records = json(docs.records, 'records');
  const seen = records.found.find((f) => f.vendor);
  if (vendor === 'auto') {
    vendor = seen?.vendor ?? (docs.export ? 'arrow' : docs.bill || docs.csv ? 'soracom' : null);
    if (!vendor) {
      throw new InputError('unknown_vendor', `${docs.records.name}: could not tell whose records these are (they name neither a license_reference nor a subscriber): choose the vendor.`, 'records');
    }
  }
  for (const f of records.found) {
    if (f.kind !== 'records' || (f.vendor && f.vendor !== vendor)) {
      throw misplaced('records', docs.records.name, f, vendor);
    }
  }
  const { list, text } = recordsFrom(records.values, docs.records.text, docs.records.name);
  const read = { vendor, records: list, recordCount: list.length, names: {}, extras: {} };
  for (const [target, doc] of Object.entries(docs)) if (doc) read.names[target] = doc.name;

  if (vendor === 'arrow') {
    for (const t of ['bill', 'csv', 'latest', 'daily']) {
      if (docs[t]) throw new InputError('wrong_vendor', `${docs[t].name}: this is a Soracom input, and the vendor is Arrow: choose Soracom, or clear it.`, t);
    }
    if (!docs.export) throw new InputError('missing_input', REQUIRED.export, 'export');
    const { values, found } = expect(docs.export, 'export', 'export', 'arrow');
    const pages = values.flatMap((v, i) => (found[i].api ? [exportFromFetchResponse(v)] : Array.isArray(v) ? v : [v]));
    read.request = {
      vendor: 'arrow',
      records: text,
      // One page exactly as given is passed as its text: the package reads it in place.
      exportPayload: values.length === 1 && !found[0].api && !Array.isArray(values[0]) ? docs.export.text : pages,
    };
    return read;
  }

  if (docs.export) {
    throw new InputError('wrong_vendor', `${docs.export.name}: this is an Arrow input, and the vendor is Soracom: choose Arrow, or clear it.`, 'export');
  }
  // As their text: the package reads them in place (records as listed, stored, or in its own shape).
  read.request = { vendor: 'soracom', records: text };
  if (!docs.bill) throw new InputError('missing_input', REQUIRED.bill, 'bill');
  const bill = json(docs.bill, 'bill');
  const [billFound] = bill.found;
  if (billFound.kind === 'history') {
    throw new InputError(
      'wrong_document',
      `${docs.bill.name}: this is Soracom's billing history (GetBillingHistoryResponse, every closed month): put here the one month's MonthlyBill (GET /bills/{yyyyMM}).`,
      'bill',
    );
  } else if (billFound.kind === 'latest') {
    throw new InputError(
      'not_closed',
      `${docs.bill.name}: this is Soracom's latest bill (GetLatestBill), which is preliminary: it is this month's consumption so far, not a final. Put it under "Latest bill", and here the closed month's MonthlyBill (GET /bills/{yyyyMM} once its state is "closed").`,
      'bill',
    );
  } else if (billFound.kind !== 'bill') {
    throw misplaced('bill', docs.bill.name, billFound, 'soracom');
  } else if (bill.values.length > 1) {
    throw new InputError('wrong_document', `${docs.bill.name}: this holds ${bill.values.length} JSON documents; put here the one closed month's MonthlyBill.`, 'bill');
  } else {
    read.request.bill = docs.bill.text;
  }
  if (docs.csv) {
    if (!looksLikeSoracomCsv(docs.csv.text)) {
      let found = null;
      try {
        found = identify(JSON.parse(docs.csv.bytes ? decode(docs.csv.bytes, docs.csv.name, 'csv') : docs.csv.text));
      } catch {
        // Not JSON either: said below.
      }
      if (found) throw misplaced('csv', docs.csv.name, found, 'soracom');
      throw new InputError('invalid_payload', `${docs.csv.name}: expected Soracom's billing CSV export, whose first row names the columns (…, billItemName, …, amount, …); its first row is "${docs.csv.text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0].slice(0, 120)}".`, 'csv');
    }
    read.request.csv = docs.csv.bytes ?? docs.csv.text;
  }
  if (docs.latest) {
    const { values } = expect(docs.latest, 'latest', 'latest', 'soracom');
    // Shown as Soracom wrote it: the amount's own digits, never through a float.
    const latest = values[0];
    const amount = /"amount"\s*:\s*(-?[0-9][0-9.eE+-]*)/.exec(docs.latest.text)?.[1] ?? null;
    read.extras.latest = { amount, currency: latest.currency ?? null, lastEvaluatedTime: latest.lastEvaluatedTime ?? null };
  }
  if (docs.daily) {
    expect(docs.daily, 'daily', 'daily', 'soracom');
    read.daily = docs.daily.text;
  }
  return read;
}

export { VENDOR_NAMES };
