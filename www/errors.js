// Errors, shown where they were caused: an error from the worker (the package's BillsyncError as plain data:
// code, message, fields, details; or the page's own reading of an input: code, message, target) goes next to
// the input it is about, in words that name the file, the record or row and column, and the field, and into
// one summary with role="alert".

const $ = (id) => document.getElementById(id);

// Input key → [element id, error-paragraph id].
const TARGETS = {
  period: ['period', 'period-error'],
  asOf: ['as-of', 'as-of-error'],
  timezone: ['timezone', 'timezone-error'],
  force: ['force', 'force-error'],
  priceSource: ['price-source', 'price-source-error'],
  prefix: ['item-prefix', 'item-prefix-error'],
  currency: ['currency', 'currency-error'],
  tolerance: ['tolerance', 'tolerance-error'],
  granularity: ['granularity', 'granularity-error'],
  records: ['records', 'records-error'],
  export: ['export', 'export-error'],
  bill: ['bill', 'bill-error'],
  csv: ['csv', 'csv-error'],
  latest: ['latest', 'latest-error'],
  daily: ['daily', 'daily-error'],
};

// Validation field names (Django REST shape, possibly nested as "settings.currency" or "records[3].x")
// → input key. Both the contract's camelCase and the seed's snake_case are accepted.
const FIELD_TARGETS = {
  period: 'period',
  as_of: 'asOf',
  asof: 'asOf',
  timezone: 'timezone',
  force: 'force',
  invoice_price_source: 'priceSource',
  invoice_item_prefix: 'prefix',
  currency: 'currency',
  reconciliation_tolerance: 'tolerance',
  granularity: 'granularity',
  records: 'records',
  export_payload: 'export',
  exportpayload: 'export',
  export: 'export',
  bill: 'bill',
  csv: 'csv',
};

/** The input a validation field name is about, or null for non_field_errors and the unknown. */
export function targetOfField(field) {
  const parts = String(field)
    .replace(/\[\d+\]/g, '')
    .split(/[./]/)
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
  // "settings.currency" → currency; "records.0.consumed_sell" → records (the first part that names an input).
  for (const part of parts[0] === 'input' ? parts.slice(1) : parts.length > 1 && parts[0] === 'settings' ? parts.slice(1) : parts) {
    if (FIELD_TARGETS[part]) return FIELD_TARGETS[part];
  }
  return null;
}

/**
 * The input a non-validation error is about. The package's messages start with what was being read
 * ("arrow billing export: row 3, …", "soracom billing csv: …", "records: …").
 */
export function targetOfError(error) {
  if (error.target !== undefined && error.target !== null) return error.target;
  const message = String(error.message ?? '');
  const where = `${error.details?.location ?? ''} ${error.details?.argument ?? ''} ${message}`.toLowerCase();
  switch (error.code) {
    case 'invalid_period':
      return 'period';
    case 'invalid_timestamp':
      return /timezone|zone/.test(where) ? 'timezone' : 'asOf';
    case 'invalid_currency':
    case 'currency_mismatch':
      if (/record/.test(where)) return 'records';
      if (/csv/.test(where)) return 'csv';
      if (/export|line/.test(where)) return 'export';
      if (/\bbill\b/.test(where)) return 'bill';
      return 'currency';
    case 'missing_column':
    case 'invalid_cell':
      if (/csv/.test(where)) return 'csv';
      if (/export/.test(where)) return 'export';
      if (/\bbill\b/.test(where)) return 'bill';
      return error.vendor === 'soracom' ? 'csv' : 'export';
    default:
      if (/tolerance/.test(where)) return 'tolerance';
      if (/record/.test(where)) return 'records';
      if (/csv/.test(where)) return 'csv';
      if (/export|statement/.test(where)) return 'export';
      if (/\bbill\b|monthly ?bill/.test(where)) return 'bill';
      if (/payload/.test(where)) return error.vendor === 'soracom' ? 'bill' : 'export';
      return null;
  }
}

/** "records[2].consumed_sell" → "record 3 (records[2]), field consumed_sell": the field in words. */
export function describeField(field) {
  const m = /^(?:input\.)?records\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (m) return `record ${Number(m[1]) + 1} (records[${m[1]}])${m[2] ? `, field ${m[2]}` : ''}`;
  const s = /^settings\.(.+)$/.exec(field);
  if (s) return `setting ${s[1]}`;
  return `field ${field}`;
}

/** Removes every shown error. */
export function clearErrors() {
  for (const [inputId, errorId] of Object.values(TARGETS)) {
    $(inputId)?.removeAttribute('aria-invalid');
    const p = $(errorId);
    if (!p) continue;
    p.hidden = true;
    p.replaceChildren();
  }
  const summary = $('form-error');
  summary.hidden = true;
  summary.replaceChildren();
}

/** Where the cell is, in words: "Row 3, column "amount", value "4x0"." */
export function describeDetails(details) {
  if (!details || typeof details !== 'object') return '';
  const parts = [];
  if (details.line !== undefined && details.line !== null) parts.push(`line ${details.line}`);
  if (details.row !== undefined && details.row !== null) parts.push(`row ${details.row}`);
  if (details.column) parts.push(`column ${typeof details.column === 'number' ? details.column : `"${details.column}"`}`);
  if (details.value !== undefined && details.value !== null) parts.push(`value "${details.value}"`);
  if (details.location) parts.push(`in ${details.location}`);
  if (!parts.length) return '';
  const text = parts.join(', ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

/** Marks one input as invalid and writes `code: text` under it; returns the input, or null if it is not shown. */
export function markInput(target, code, text) {
  const entry = TARGETS[target];
  if (!entry || !$(entry[0]) || $(entry[0]).closest('[hidden]')) return null;
  const [inputId, errorId] = entry;
  $(inputId).setAttribute('aria-invalid', 'true');
  const p = $(errorId);
  const line = document.createElement('span');
  line.className = 'field-error-line';
  line.textContent = `${code}: ${text}`;
  p.append(line);
  p.hidden = false;
  return $(inputId);
}

/** Shows `error` inline and in the summary; returns the element to move focus to. */
export function showError(error) {
  clearErrors();
  const names = error.names ?? {};
  const summary = $('form-error');
  const heading = document.createElement('p');
  const code = document.createElement('code');
  code.className = 'error-code';
  code.textContent = error.code ?? 'error';
  heading.append(code, ' ', error.message ?? String(error));
  summary.append(heading);

  // Where the cell is, unless the message already says it (the package's usually does).
  const details = describeDetails(error.details);
  const value = error.details?.value;
  if (details && !(value !== undefined && String(error.message).includes(String(value))) && !/line \d+, column \d+/.test(error.message)) {
    const p = document.createElement('p');
    p.className = 'error-details';
    p.textContent = details;
    summary.append(p);
  }

  let firstInvalid = null;
  // The file's name first, unless the message starts with it already (the page's own messages do).
  const inFile = (target, text) => (names[target] && !text.startsWith(names[target]) ? `${names[target]}: ${text}` : text);
  const mark = (target, code, text) => {
    const input = markInput(target, code, inFile(target, text));
    firstInvalid ??= input;
    return input !== null;
  };

  const fields = error.fields && typeof error.fields === 'object' ? Object.entries(error.fields) : [];
  if (fields.length) {
    // Validation: each field's messages next to its input, and all of them listed in the summary.
    const list = document.createElement('ul');
    for (const [field, messages] of fields) {
      const text = `${describeField(field)}: ${[].concat(messages).join(' ')}`;
      const li = document.createElement('li');
      const target = targetOfField(field);
      li.textContent = target ? inFile(target, text) : text;
      list.append(li);
      mark(target, error.code, text);
    }
    summary.append(list);
  } else {
    mark(targetOfError(error), error.code ?? 'error', String(error.message));
  }

  summary.hidden = false;
  return firstInvalid ?? summary;
}
