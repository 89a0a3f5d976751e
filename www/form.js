// The form: defaults, the request it builds, file pickers and the demo data. No billsync logic here:
// values are passed through as the admin typed them, so the package (not the page) decides what is valid.

import { PageError } from './errors.js';

const $ = (id) => document.getElementById(id);

/** "2025-02-03T10:00:00Z": the instant as RFC 3339, to the second (milliseconds only add noise here). */
export function nowIso(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The month before `date`, in UTC: the month an admin usually reconciles once Arrow has closed it. */
export function previousPeriod(date = new Date()) {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth(); // 0-based, so this is already "last month" as 1-based
  return month === 0 ? `${year - 1}-12` : `${year}-${String(month).padStart(2, '0')}`;
}

export function setDefaults() {
  if (!$('period').value) $('period').value = previousPeriod();
  if (!$('as-of').value) $('as-of').value = nowIso();
}

/**
 * The request for previewReconciliation. The export is passed as the text the admin pasted, so a JSON
 * error is reported by billsync with its byte offset. The records must be an array by contract, so they
 * are checked here; a parse failure is reported with the package's own code for it (invalid_payload), so
 * the admin sees one vocabulary whichever side caught the problem. They are passed on as their text.
 */
export function readRequest() {
  const recordsText = $('records').value.trim();
  const exportText = $('export').value.trim();
  const missing = [];
  if (!recordsText) missing.push(new PageError('missing_input', 'Paste or open the consumption records (a JSON array).', 'records'));
  if (!exportText) missing.push(new PageError('missing_input', "Paste or open Arrow's billing export (JSON).", 'export'));
  if (missing.length) throw missing.length === 1 ? missing[0] : PageError.many(missing);

  let records;
  try {
    records = JSON.parse(recordsText);
  } catch (e) {
    throw new PageError('invalid_payload', `consumption records: malformed JSON: ${e.message}`, 'records');
  }
  if (!Array.isArray(records)) {
    throw new PageError('invalid_payload', 'consumption records: expected a JSON array of records.', 'records');
  }

  const settings = {
    invoice_price_source: $('price-source').value,
    invoice_item_prefix: $('item-prefix').value,
  };
  // Optional settings are left out when blank, so the package applies its own defaults.
  const currency = $('currency').value.trim();
  if (currency) settings.currency = currency;
  const tolerance = $('tolerance').value.trim();
  if (tolerance) settings.reconciliation_tolerance = tolerance;

  const request = {
    period: $('period').value.trim(),
    // Checked above, then passed as the pasted text: it crosses into the wasm once and is parsed there,
    // rather than converted object by object.
    records: recordsText,
    exportPayload: exportText,
    settings,
    force: $('force').checked,
    // Always explicit: the plan must not depend on when the wasm happens to read a clock.
    asOf: $('as-of').value.trim(),
  };
  const timezone = $('timezone').value.trim();
  if (timezone) request.timezone = timezone;
  return request;
}

/** Reads a picked file into its text area (File API; the file never leaves the browser). */
export function wireFilePicker(inputId, textareaId, statusId, onChange) {
  // Once the text is edited, "Read x.json" no longer describes it.
  $(textareaId).addEventListener('input', () => {
    $(statusId).textContent = '';
  });
  $(inputId).addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      $(textareaId).value = await file.text();
      $(statusId).textContent = `Read ${file.name} (${formatBytes(file.size)}).`;
    } catch (e) {
      $(statusId).textContent = `Could not read ${file.name}: ${e.message}`;
    }
    // Let the same file be picked again after an edit.
    event.target.value = '';
    onChange?.();
  });
}

/** The only requests the page makes: its own demo files, next to it. */
export async function loadDemo() {
  const [records, exportText] = await Promise.all([
    fetchText(new URL('./demo/records.json', import.meta.url)),
    fetchText(new URL('./demo/export.json', import.meta.url)),
  ]);
  $('records').value = records;
  $('export').value = exportText;
  // The demo is January 2025 in euros, as of a few days after Arrow closed the month.
  $('period').value = '2025-01';
  $('as-of').value = '2025-02-03T10:00:00Z';
  $('currency').value = 'EUR';
  $('records-file-status').textContent = 'Loaded demo/records.json.';
  $('export-file-status').textContent = 'Loaded demo/export.json.';
}

async function fetchText(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new PageError('demo_unavailable', `Could not load ${url.pathname}: HTTP ${response.status}.`);
  return response.text();
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
