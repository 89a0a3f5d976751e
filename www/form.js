// The form: the data inputs (text or a file each), the vendor, defaults, the parameters of a run, and the demo
// data. No billsync logic: values are passed as the admin typed them, so the package decides what is valid.
// Files are not read here: they go to the worker as File objects, so a 100 MB file never passes through
// the page's thread.

const $ = (id) => document.getElementById(id);

/** The data inputs: key (also the element id), vendor (null: both), label, hint, accepted files. */
export const INPUTS = [
  {
    key: 'records', vendor: null, label: 'Consumption records', what: 'JSON list',
    hint: 'As GET …/consumption-records/ returns them (pages one after another are fine), for either vendor.',
    placeholder: '[{"license_reference": "XSP10001", "billing_period": "2025-01-01", "consumed_sell": "100.00", …}]',
  },
  {
    key: 'export', vendor: 'arrow', label: 'Billing export', what: 'Arrow, JSON',
    hint: "Arrow's billing export ({\"data\": {\"headers\", \"values\"}}), a list of its pages, or what billsync's fetch_billing_export returned.",
    placeholder: '{"data": {"headers": ["Classification", …], "values": [[…]]}}',
  },
  {
    key: 'bill', vendor: 'soracom', label: 'Closed bill', what: 'Soracom, MonthlyBill JSON',
    hint: 'GET /bills/{yyyyMM} once Soracom has closed the month (its state is "closed").',
    placeholder: '{"amount": 1164, "currency": "JPY", "state": "closed", "yearMonth": "202501"}',
  },
  {
    key: 'csv', vendor: 'soracom', label: 'Billing CSV export', what: 'Soracom, CSV', accept: '.csv,text/csv,text/plain',
    hint: "The month's exported billing CSV (POST /bills/{yyyyMM}/export): per SIM or device, day and bill item.",
    placeholder: 'imsi,date,billItemName,unitPrice,quantity,amount\n440100000000001,20250101,Air data,0.2,500,100',
  },
  {
    key: 'latest', vendor: 'soracom', optional: true, label: 'Latest bill', what: 'Soracom, GetLatestBill JSON',
    hint: "GET /bills/latest: this month so far (preliminary). Shown beside the preview; it reconciles nothing.",
    placeholder: '{"amount": 320, "currency": "JPY", "lastEvaluatedTime": "20250203100000"}',
  },
  {
    key: 'daily', vendor: 'soracom', optional: true, label: 'Daily bills', what: 'Soracom, DailyBillResponse JSON',
    hint: "GET /bills/{yyyyMM}/daily: checked against the closed bill (monthly fees are not in the days).",
    placeholder: '{"billList": [{"amount": 285, "currency": "JPY", "date": "20250102"}, …]}',
  },
];

/** Files picked per input; a picked file wins over the text box until the text is edited. */
const files = new Map();

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Builds the data inputs into #inputs; `onChange` runs whenever one changes. */
export function buildInputs(onChange) {
  const container = $('inputs');
  for (const spec of INPUTS) {
    const { key } = spec;
    const area = el('textarea', {
      id: key, name: key, rows: 8, spellcheck: false, autocomplete: 'off', placeholder: spec.placeholder,
      'aria-describedby': `${key}-hint ${key}-file-status ${key}-error`,
    });
    const picker = el('input', { id: `${key}-file`, type: 'file', accept: spec.accept ?? '.json,application/json,text/plain', 'aria-describedby': `${key}-file-status` });
    const status = el('span', { className: 'hint', id: `${key}-file-status`, 'aria-live': 'polite' });
    area.addEventListener('input', () => {
      files.delete(key);
      // Edited, the text is no longer the file it was loaded from.
      delete area.dataset.source;
      area.placeholder = spec.placeholder;
      status.textContent = '';
      onChange?.(key);
    });
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (!file) return;
      files.set(key, file);
      area.value = '';
      area.placeholder = `Using the file ${file.name}. Type or paste here to use text instead.`;
      status.textContent = `Using ${file.name} (${formatBytes(file.size)}); it is read when you preview.`;
      // The same file can be picked again after an edit.
      picker.value = '';
      onChange?.(key);
    });
    container.append(
      el(
        'div',
        { className: 'field', dataset: spec.vendor ? { vendor: spec.vendor } : {} },
        el('label', { htmlFor: key }, `${spec.label} `, el('span', { className: 'optional' }, `(${spec.what}${spec.optional ? ', optional' : ''})`)),
        el('p', { className: 'hint', id: `${key}-hint` }, spec.hint),
        area,
        el('div', { className: 'file-row' }, el('label', { className: 'file-label', htmlFor: `${key}-file` }, `${spec.label}: from a file`), picker, status),
        el('p', { className: 'field-error', id: `${key}-error`, hidden: true }),
      ),
    );
  }
}

/** "arrow", "soracom" or "auto". */
export function chosenVendor() {
  return document.querySelector('input[name="vendor"]:checked')?.value ?? 'auto';
}

/** Shows the inputs of the chosen vendor (all of them while the vendor is detected). */
export function showVendorInputs(vendor = chosenVendor()) {
  for (const node of document.querySelectorAll('[data-vendor]')) {
    node.hidden = vendor !== 'auto' && node.dataset.vendor !== vendor;
  }
  $('item-prefix').placeholder = vendor === 'soracom' ? 'Soracom' : vendor === 'arrow' ? 'Arrow consumption' : 'the vendor\'s name';
}

/** The inputs to send to the worker: { key: { file } | { text, name } } for the visible ones. */
export function readInputs() {
  const inputs = {};
  for (const { key, label } of INPUTS) {
    if ($(key).closest('.field').hidden) continue;
    const file = files.get(key);
    inputs[key] = file ? { file } : { text: $(key).value, name: $(key).dataset.source || `${label} (pasted text)` };
  }
  return inputs;
}

/** "2025-02-03T10:00:00Z": the instant as RFC 3339, to the second. */
export function nowIso(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The month before `date`, in UTC: the month an admin usually reconciles once the vendor has closed it. */
export function previousPeriod(date = new Date()) {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth(); // 0-based, so this is already "last month" as 1-based
  return month === 0 ? `${year - 1}-12` : `${year}-${String(month).padStart(2, '0')}`;
}

export function setDefaults() {
  if (!$('period').value) $('period').value = previousPeriod();
  if (!$('as-of').value) $('as-of').value = nowIso();
}

/** The run's parameters (everything but the data), as previewReconciliation takes them. */
export function readParams(vendor) {
  const settings = {};
  // Optional settings are left out when blank, so the package applies its own defaults.
  const put = (key, id) => {
    const value = $(id).value.trim();
    if (value) settings[key] = value;
  };
  if (vendor !== 'soracom') settings.invoice_price_source = $('price-source').value;
  if (vendor !== 'arrow') settings.granularity = $('granularity').value;
  put('invoice_item_prefix', 'item-prefix');
  put('currency', 'currency');
  put('reconciliation_tolerance', 'tolerance');
  const params = {
    period: $('period').value.trim(),
    settings,
    force: $('force').checked,
    // Always explicit: the plan must not depend on when the wasm happens to read a clock.
    asOf: $('as-of').value.trim(),
  };
  const timezone = $('timezone').value.trim();
  if (timezone) params.timezone = timezone;
  return params;
}

export function clearInputs() {
  for (const { key, placeholder } of INPUTS) {
    $(key).value = '';
    $(key).placeholder = placeholder;
    delete $(key).dataset.source;
    $(`${key}-file-status`).textContent = '';
  }
  files.clear();
}

const DEMOS = {
  arrow: {
    vendor: 'arrow', period: '2025-01', asOf: '2025-02-03T10:00:00Z', currency: 'EUR',
    files: { records: 'demo/records.json', export: 'demo/export.json' },
  },
  soracom: {
    vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T10:00:00Z', currency: 'JPY', tolerance: '1',
    files: { records: 'demo/soracom/records.json', bill: 'demo/soracom/bill-202501.json', csv: 'demo/soracom/billing-202501.csv',
      latest: 'demo/soracom/latest.json', daily: 'demo/soracom/daily-202501.json' },
  },
};

/** The only requests the page makes: its own demo files, next to it. */
export async function loadDemo(which) {
  const demo = DEMOS[which];
  const entries = await Promise.all(Object.entries(demo.files).map(async ([key, path]) => [key, path, await fetchText(new URL(`./${path}`, import.meta.url))]));
  clearInputs();
  document.querySelector(`input[name="vendor"][value="${demo.vendor}"]`).checked = true;
  showVendorInputs(demo.vendor);
  for (const [key, path, text] of entries) {
    $(key).value = text;
    $(key).dataset.source = path.split('/').pop();
    $(`${key}-file-status`).textContent = `Loaded ${path}.`;
  }
  $('period').value = demo.period;
  $('as-of').value = demo.asOf;
  $('currency').value = demo.currency;
  $('tolerance').value = demo.tolerance ?? '0.01';
}

async function fetchText(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw Object.assign(new Error(`Could not load ${url.pathname}: HTTP ${response.status}.`), { code: 'demo_unavailable' });
  return response.text();
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
