// Errors, shown where they were caused: a BillsyncError (code, message, fields, details) or a PageError
// (the page's own checks) goes next to the input it is about, and into one summary with role="alert".

const $ = (id) => document.getElementById(id);

/** An error the page found before calling billsync. `target` is the input key (see TARGETS). */
export class PageError extends Error {
  constructor(code, message, target = null) {
    super(message);
    this.name = 'PageError';
    this.code = code;
    this.target = target;
  }

  /** Several page errors at once (e.g. both text areas empty), shown together. */
  static many(errors) {
    const error = new PageError(errors[0].code, errors.map((e) => e.message).join(' '));
    error.parts = errors;
    return error;
  }
}

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
  records: ['records', 'records-error'],
  export: ['export', 'export-error'],
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
  records: 'records',
  export_payload: 'export',
  exportpayload: 'export',
  export: 'export',
};

/** The input a validation field name is about, or null for non_field_errors and the unknown. */
export function targetOfField(field) {
  const parts = String(field)
    .replace(/\[\d+\]/g, '')
    .split(/[./]/)
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
  // "settings.currency" → currency; "records.0.consumed_sell" → records (the first part that names an input).
  for (const part of parts.length > 1 && parts[0] === 'settings' ? parts.slice(1) : parts) {
    if (FIELD_TARGETS[part]) return FIELD_TARGETS[part];
  }
  return null;
}

/**
 * The input a non-validation error is about. The package's messages start with what was being read
 * ("billing export: row 3, …", "records: …"), which tells the two text areas apart.
 */
export function targetOfError(error) {
  if (error.target !== undefined) return error.target;
  const message = String(error.message ?? '');
  const where = `${error.details?.location ?? ''} ${message}`.toLowerCase();
  switch (error.code) {
    case 'invalid_period':
      return 'period';
    case 'invalid_timestamp':
      return /timezone|zone/.test(where) ? 'timezone' : 'asOf';
    case 'invalid_currency':
    case 'currency_mismatch':
      if (/record/.test(where)) return 'records';
      if (/export|line/.test(where)) return 'export';
      return 'currency';
    case 'missing_column':
    case 'invalid_cell':
      return 'export';
    default:
      if (/tolerance/.test(where)) return 'tolerance';
      if (/record/.test(where)) return 'records';
      if (/export|statement|payload/.test(where)) return 'export';
      return null;
  }
}

/** Removes every shown error. */
export function clearErrors() {
  for (const [inputId, errorId] of Object.values(TARGETS)) {
    $(inputId).removeAttribute('aria-invalid');
    const p = $(errorId);
    p.hidden = true;
    p.replaceChildren();
  }
  const summary = $('form-error');
  summary.hidden = true;
  summary.replaceChildren();
}

/** Shows `error` inline and in the summary; returns the element to move focus to. */
export function showError(error) {
  clearErrors();
  const summary = $('form-error');
  const heading = document.createElement('p');
  const code = document.createElement('code');
  code.className = 'error-code';
  code.textContent = error.code ?? 'error';
  heading.append(code, ' ', error.message ?? String(error));
  summary.append(heading);

  // Where the cell is, in words, unless the message already says it (the package's usually does).
  const details = describeDetails(error.details);
  const value = error.details?.value;
  if (details && !(value !== undefined && String(error.message).includes(String(value)))) {
    const p = document.createElement('p');
    p.className = 'error-details';
    p.textContent = details;
    summary.append(p);
  }

  let firstInvalid = null;
  const mark = (target, text) => {
    const entry = TARGETS[target];
    if (!entry) return false;
    const [inputId, errorId] = entry;
    $(inputId).setAttribute('aria-invalid', 'true');
    const p = $(errorId);
    const line = document.createElement('span');
    line.className = 'field-error-line';
    line.textContent = text;
    p.append(line);
    p.hidden = false;
    firstInvalid ??= $(inputId);
    return true;
  };

  const fields = error.fields && typeof error.fields === 'object' ? Object.entries(error.fields) : [];
  if (fields.length) {
    // Validation: each field's messages next to its input, and all of them listed in the summary.
    const list = document.createElement('ul');
    for (const [field, messages] of fields) {
      const text = [].concat(messages).join(' ');
      const li = document.createElement('li');
      li.textContent = `${field}: ${text}`;
      list.append(li);
      mark(targetOfField(field), `${error.code}: ${text}`);
    }
    summary.append(list);
  } else if (error.parts) {
    for (const part of error.parts) mark(part.target, `${part.code}: ${part.message}`);
  } else {
    const target = targetOfError(error);
    mark(target, `${error.code ?? 'error'}: ${error.message}`);
  }

  summary.hidden = false;
  return firstInvalid ?? summary;
}

/** "Row 3, column "Customer Total Price", value "abc"": where a bad cell is, in words. */
export function describeDetails(details) {
  if (!details || typeof details !== 'object') return '';
  const parts = [];
  if (details.row !== undefined && details.row !== null) parts.push(`row ${details.row}`);
  if (details.column) parts.push(`column "${details.column}"`);
  if (details.value !== undefined && details.value !== null) parts.push(`value "${details.value}"`);
  if (details.location) parts.push(`in ${details.location}`);
  if (!parts.length) return '';
  const text = parts.join(', ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}
