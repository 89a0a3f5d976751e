// What an input is: its JSON read with errors in words, what kind of vendor document it looks like, and the
// form previewReconciliation takes. No billing logic: the package decides every figure; this file only
// recognises documents and reshapes billsync's own API responses back into the vendor's payloads.
// Runs in the worker (and in Node for tests): no DOM.

/** An error about one input (`target`: records, export, bill, csv, latest, daily). */
export class InputError extends Error {
  constructor(code, message, target, details = undefined) {
    super(message);
    this.name = 'InputError';
    this.code = code;
    this.target = target;
    if (details) this.details = details;
  }
}

/** The line and column (1-based) of character `offset` in `text`. */
export function lineColumn(text, offset) {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Splits text into its top-level JSON values (one value, or several one after another, as pages printed
 * by curl one per request are). Returns [{ start, end }], or throws an InputError naming where the text
 * is malformed or where it ends too soon.
 */
function topLevelValues(text, name, target) {
  const spans = [];
  const stack = [];
  let start = -1; // where the current top-level value starts; -1 between values
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // a backslash: skip the escaped character
      else if (c === 34) {
        inString = false;
        if (!stack.length) {
          spans.push({ start, end: i + 1 });
          start = -1;
        }
      }
      continue;
    }
    if (start === -1) {
      // Between values: white space, and the commas of pages pasted as "[...], [...]".
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) continue;
      start = i;
    }
    if (c === 34) {
      inString = true;
      stringStart = i;
    } else if (c === 123 || c === 91) stack.push(i);
    else if (c === 125 || c === 93) {
      const open = stack.pop();
      if (open === undefined) throw malformed(text, i, name, target, `"${text[i]}" closes nothing`);
      if ((c === 125) !== (text.charCodeAt(open) === 123)) {
        throw malformed(text, i, name, target, `"${text[i]}" does not close the "${text[open]}" opened at ${where(text, open)}`);
      }
      if (!stack.length) {
        spans.push({ start, end: i + 1 });
        start = -1;
      }
    } else if (!stack.length) {
      // A bare number or word at the top: it runs to the next delimiter.
      let j = i;
      while (j < text.length && !/[\s,[\]{}"]/.test(text[j])) j += 1;
      spans.push({ start, end: j });
      start = -1;
      i = j - 1;
    }
  }
  if (inString) throw truncated(text, name, target, `inside the text string that starts at ${where(text, stringStart)}`);
  if (stack.length) {
    const open = stack[stack.length - 1];
    throw truncated(text, name, target, `inside the ${text[open] === '{' ? 'object' : 'array'} opened at ${where(text, open)}`);
  }
  return spans;
}

function where(text, offset) {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}`;
}

function malformed(text, offset, name, target, reason) {
  const { line, column } = lineColumn(text, offset);
  return new InputError('invalid_payload', `${name}: malformed JSON at line ${line}, column ${column}: ${reason}.`, target, { line, column });
}

function truncated(text, name, target, reason) {
  const { line, column } = lineColumn(text, text.length);
  return new InputError(
    'invalid_payload',
    `${name}: the JSON is truncated: the text ends at line ${line}, column ${column}, ${reason}. Was the file cut short or only partly copied?`,
    target,
    { line, column },
  );
}

/** The JSON values of `text` (usually one). Errors name the input (`name`), the line and the column. */
export function readJsonValues(text, name, target) {
  try {
    return [JSON.parse(text)];
  } catch (first) {
    const spans = topLevelValues(text, name, target);
    if (!spans.length) throw new InputError('invalid_payload', `${name}: there is no JSON in it.`, target);
    return spans.map(({ start, end }) => {
      try {
        return JSON.parse(text.slice(start, end));
      } catch (e) {
        const m = /position (\d+)/.exec(e.message);
        const offset = m ? start + Number(m[1]) : start;
        const reason = e.message.replace(/\s*in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
        throw malformed(text, offset, name, target, reason || first.message);
      }
    });
  }
}

/** What a document looks like: { vendor: "arrow" | "soracom" | null, kind, label }. */
export function identify(value) {
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    if (first === undefined) return { vendor: null, kind: 'records', label: 'an empty list' };
    if (Array.isArray(first)) return { ...identify(first), pages: true };
    if (first && typeof first === 'object') {
      if ('license_reference' in first) return { vendor: 'arrow', kind: 'records', label: "Arrow's consumption records" };
      if ('subscriber' in first || 'consumed_amount' in first || 'device' in first) {
        return { vendor: 'soracom', kind: 'records', label: "Soracom's consumption records" };
      }
      if (typeof first.source_ref === 'string') {
        const soracom = /^(imsi|deviceId|sigfoxDeviceId|loraDeviceId|vpgId|gadgetId|soraCamDeviceId|loraGatewayId):|^account$/.test(first.source_ref);
        return { vendor: soracom ? 'soracom' : 'arrow', kind: 'records', label: `${soracom ? 'Soracom' : 'Arrow'}'s stored consumption records` };
      }
      if (first.data?.headers) return { vendor: 'arrow', kind: 'export', label: "Arrow's billing export (pages)" };
      if ('date' in first && 'amount' in first) return { vendor: 'soracom', kind: 'daily', label: "Soracom's daily bills" };
    }
    return { vendor: null, kind: 'unknown', label: 'a JSON list' };
  }
  if (!value || typeof value !== 'object') return { vendor: null, kind: 'unknown', label: `a JSON ${value === null ? 'null' : typeof value}` };
  if (value.data && Array.isArray(value.data.headers)) {
    const headers = value.data.headers.map(String);
    if (headers.some((h) => /price|subscription|classification/i.test(h)) && Array.isArray(value.data.values)) {
      return { vendor: 'arrow', kind: 'export', label: "Arrow's billing export" };
    }
    return { vendor: 'arrow', kind: 'consumption', label: "Arrow's consumption payload" };
  }
  if ('period_from' in value && Array.isArray(value.data)) {
    return { vendor: 'arrow', kind: 'export', api: true, label: "billsync's fetch_billing_export response" };
  }
  if (Array.isArray(value.billList)) {
    const first = value.billList[0];
    if (first && 'date' in first) return { vendor: 'soracom', kind: 'daily', label: "Soracom's daily bills (DailyBillResponse)" };
    return { vendor: 'soracom', kind: 'history', label: "Soracom's billing history (GetBillingHistoryResponse)" };
  }
  if ('lastEvaluatedTime' in value) return { vendor: 'soracom', kind: 'latest', label: "Soracom's latest bill (GetLatestBill)" };
  if ('yearMonth' in value || 'paymentStatus' in value || ('state' in value && 'amount' in value)) {
    return { vendor: 'soracom', kind: 'bill', label: "Soracom's monthly bill (MonthlyBill)" };
  }
  if ('exportedFileId' in value || ('url' in value && Object.keys(value).length <= 3)) {
    return { vendor: 'soracom', kind: 'file_export', label: "Soracom's FileExportResponse (it links to the CSV; download the CSV itself)" };
  }
  if (typeof value.code === 'string' && /^[A-Z]{3}\d{4}$/.test(value.code)) {
    return { vendor: 'soracom', kind: 'api_error', label: `a Soracom API error (${value.code}: ${value.message ?? ''})` };
  }
  if ('detail' in value || 'non_field_errors' in value) return { vendor: null, kind: 'api_error', label: `an error response ("${value.detail ?? value.non_field_errors}")` };
  return { vendor: null, kind: 'unknown', label: 'a JSON object of no known shape' };
}

/** True when text looks like Soracom's billing CSV (a header row naming billItemName and amount). */
export function looksLikeSoracomCsv(text) {
  const header = text.replace(/^\ufeff/, '').slice(0, 4096).split(/\r?\n/, 1)[0];
  return /(^|,)"?billItemName"?(,|$)/.test(header) && /(^|,)"?amount"?(,|$)/.test(header);
}

const WANTED = {
  records: 'consumption records (a JSON list)',
  export: "Arrow's billing export (JSON)",
  bill: "Soracom's closed MonthlyBill (JSON)",
  latest: "Soracom's latest bill (GetLatestBill JSON)",
  daily: "Soracom's daily bills (DailyBillResponse JSON)",
  csv: "Soracom's billing CSV export",
};

/** The error for a document in the wrong place: what it looks like, and where it belongs. */
export function misplaced(target, name, found, vendor) {
  const place = {
    'arrow:records': 'Consumption records (Arrow)',
    'soracom:records': 'Consumption records (Soracom)',
    'arrow:export': 'Billing export',
    'soracom:bill': 'Closed bill',
    'soracom:latest': 'Latest bill',
    'soracom:daily': 'Daily bills',
  }[`${found.vendor}:${found.kind}`];
  const otherVendor = found.vendor && vendor && found.vendor !== vendor;
  const hint = otherVendor
    ? ` It looks like ${found.vendor === 'arrow' ? 'Arrow' : 'Soracom'}'s, not ${vendor === 'arrow' ? 'Arrow' : 'Soracom'}'s: choose ${found.vendor === 'arrow' ? 'Arrow' : 'Soracom'} as the vendor${place ? ` and put it under "${place}"` : ''}.`
    : place ? ` It belongs under "${place}".` : '';
  return new InputError(
    otherVendor ? 'wrong_vendor' : 'wrong_document',
    `${name}: expected ${WANTED[target]}, but this is ${found.label}.${hint}`,
    target,
  );
}

/**
 * Records as previewReconciliation takes them, from one or more JSON values (a list, a list of pages, or
 * pages one after another): the records' JSON text, with `list` the records themselves.
 */
export function recordsFrom(values, text, name) {
  const [only] = values;
  const nested = values.length === 1 && Array.isArray(only) && only.length > 0 && only.every(Array.isArray);
  const pages = values.length > 1 ? values : nested ? only : [only];
  for (const [i, page] of pages.entries()) {
    if (!Array.isArray(page)) {
      const found = identify(page);
      throw new InputError('invalid_payload', `${name}: expected a JSON list of consumption records${pages.length > 1 ? ` (page ${i + 1} is not one)` : ''}, but this is ${found.label}.`, 'records');
    }
  }
  const list = pages.length === 1 ? pages[0] : pages.flat();
  return { list, text: pages.length === 1 && pages[0] === only && values.length === 1 ? text : JSON.stringify(list) };
}

/** billsync's fetch_billing_export response ({ data: [{ header: cell }] }) as Arrow's export payload. */
export function exportFromFetchResponse(response) {
  const headers = [];
  const seen = new Set();
  for (const row of response.data) {
    for (const key of Object.keys(row ?? {})) {
      if (!seen.has(key)) {
        seen.add(key);
        headers.push(key);
      }
    }
  }
  return { data: { headers, values: response.data.map((row) => headers.map((h) => row?.[h] ?? null)) } };
}
