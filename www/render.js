// Renders a preview: per-record summary, totals per currency, counters and the changeset.
// Amounts are decimal strings from billsync and are shown exactly as given: no parsing, no float
// arithmetic, no locale formatting (which would round or reformat what the invoices will say).
// Everything is built with textContent, so names from pasted data can never inject markup.

const ACTION_LABELS = {
  credit: 'Credit',
  additional_charge: 'Additional charge',
  no_compensation: 'No compensation',
  already_reconciled: 'Already reconciled',
  no_billing_data: 'No billing data',
  error: 'Error',
};

const COUNTER_LABELS = {
  finalized: 'Finalized',
  reconciled: 'Reconciled',
  compensation_items_created: 'Compensation items created',
  no_billing_data: 'No billing data',
  already_reconciled: 'Already reconciled',
  errors: 'Errors',
};

/** Builds an element: el('td', { className: 'x' }, 'text', child). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A missing value, announced as "none" rather than read out as a dash. */
function none() {
  return el('span', { className: 'none', title: 'none', 'aria-label': 'none' }, '—');
}

function text(value) {
  return value === null || value === undefined || value === '' ? none() : String(value);
}

/** An amount cell; negative amounts (a leading "-" in the string) get a class, not a recomputation. */
function amountCell(value, column) {
  const isNegative = typeof value === 'string' && value.trim().startsWith('-');
  return el(
    'td',
    { className: `amount${isNegative ? ' negative' : ''}`, dataset: { col: column } },
    text(value),
  );
}

export function badge(action) {
  const key = ACTION_LABELS[action] ? action : 'error';
  return el('span', { className: `badge badge-${key}`, dataset: { action: String(action) } }, ACTION_LABELS[action] ?? String(action));
}

function table(id, captionText, headers, rows) {
  const head = el('tr', {}, ...headers.map(([label, cls]) => el('th', { scope: 'col', className: cls ?? '' }, label)));
  return el(
    'div',
    // Focusable so keyboard users can scroll a wide table on a narrow screen.
    { className: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': captionText },
    el('table', { id }, el('caption', {}, captionText), el('thead', {}, head), el('tbody', {}, ...rows)),
  );
}

function summaryTable(records) {
  const rows = records.map((r) => {
    const action = el('td', { dataset: { col: 'action' } }, badge(r.action));
    if (r.error) action.append(el('span', { className: 'row-error' }, r.error));
    return el(
      'tr',
      { dataset: { license: r.license_reference ?? '', action: r.action ?? '' } },
      el('th', { scope: 'row', dataset: { col: 'license' } }, text(r.license_reference)),
      el('td', { className: 'wrap', dataset: { col: 'resource' } }, text(r.resource_name)),
      el('td', { dataset: { col: 'period' } }, text(r.billing_period)),
      el('td', { dataset: { col: 'currency' } }, text(r.currency)),
      amountCell(r.consumed_sell, 'consumed'),
      amountCell(r.final_sell, 'final'),
      amountCell(r.adjustment, 'adjustment'),
      amountCell(r.compensation, 'compensation'),
      action,
    );
  });
  return table(
    'summary-table',
    `${records.length} ${records.length === 1 ? 'record' : 'records'}`,
    [
      ['Licence'],
      ['Resource'],
      ['Period'],
      ['Currency'],
      ['Consumed (sell)', 'amount'],
      ['Final (sell)', 'amount'],
      ['Adjustment', 'amount'],
      ['Compensation', 'amount'],
      ['Action'],
    ],
    rows,
  );
}

function totalsTable(totals) {
  const rows = totals.map((t) =>
    el(
      'tr',
      { dataset: { currency: t.currency ?? '' } },
      el('th', { scope: 'row', dataset: { col: 'currency' } }, text(t.currency)),
      amountCell(t.consumed, 'consumed'),
      amountCell(t.final, 'final'),
      amountCell(t.adjustment, 'adjustment'),
    ),
  );
  return table('totals-table', 'Totals per currency, over the records the export finalizes (consumed + adjustment = final)', [['Currency'], ['Consumed', 'amount'], ['Final', 'amount'], ['Adjustment', 'amount']], rows);
}

function customersTable(customers) {
  const rows = customers.map((t) =>
    el(
      'tr',
      { dataset: { customer: t.customer_uuid ?? '', currency: t.currency ?? '' } },
      el('th', { scope: 'row', className: 'wrap', dataset: { col: 'customer' } }, text(t.customer_name ?? t.customer_uuid)),
      el('td', { dataset: { col: 'currency' } }, text(t.currency)),
      amountCell(t.consumed, 'consumed'),
      amountCell(t.final, 'final'),
      amountCell(t.adjustment, 'adjustment'),
    ),
  );
  return table(
    'customers-table',
    'Totals per customer and currency',
    [['Customer'], ['Currency'], ['Consumed', 'amount'], ['Final', 'amount'], ['Adjustment', 'amount']],
    rows,
  );
}

function counterList(counters) {
  // Known counters in a fixed order, then any the package adds later.
  const keys = [...Object.keys(COUNTER_LABELS).filter((k) => k in counters), ...Object.keys(counters).filter((k) => !(k in COUNTER_LABELS))];
  return el(
    'dl',
    { className: 'counters', id: 'counters' },
    ...keys.map((k) => el('div', { dataset: { counter: k } }, el('dt', {}, COUNTER_LABELS[k] ?? k.replaceAll('_', ' ')), el('dd', {}, String(counters[k])))),
  );
}

/** JSON text of the changeset. Maps and BigInts are made JSON-safe in case the boundary ever yields them. */
export function changesetJson(changeset) {
  return JSON.stringify(
    changeset,
    (_key, value) => {
      if (value instanceof Map) return Object.fromEntries(value);
      if (typeof value === 'bigint') return value.toString();
      return value;
    },
    2,
  );
}

/** "2 create invoice_items, 7 put consumption_records". */
function writeSummary(writes) {
  const counts = new Map();
  for (const w of writes) {
    const what = `${w.op} ${w.table}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${n} ${what}`).join(', ') || 'no writes';
}

function changesetSection(changeset, json, onDownload) {
  const writes = Array.isArray(changeset?.writes) ? changeset.writes : [];
  const download = el('button', { type: 'button', className: 'secondary', id: 'download-changeset' }, 'Download changeset.json');
  download.addEventListener('click', onDownload);
  return [
    el('p', { className: 'intent-summary', id: 'intent-summary' },
      `Operation ${changeset?.operation ?? '?'} as of ${changeset?.as_of ?? '?'}: ${writeSummary(writes)}. Nothing has been applied.`),
    el(
      'details',
      { className: 'changeset', id: 'changeset' },
      el('summary', {}, `Changeset JSON (${writes.length} ${writes.length === 1 ? 'write' : 'writes'})`),
      el('pre', { tabIndex: 0, 'aria-label': 'Changeset JSON' }, el('code', { id: 'changeset-json' }, json)),
    ),
    el('div', { className: 'changeset-actions' }, download),
  ];
}

/** Replaces the results with `preview`; returns the changeset's JSON text (for the download). */
export function renderPreview(container, preview, { onDownload }) {
  const summary = preview?.summary ?? {};
  const records = Array.isArray(summary.records) ? summary.records : [];
  const totals = Array.isArray(summary.totals) ? summary.totals : [];
  // Per-customer totals are an extra of the package's summary; shown when present.
  const customers = Array.isArray(summary.customers) ? summary.customers : [];
  const json = changesetJson(preview?.changeset ?? null);
  const parts = [
    el('h3', {}, 'Records'),
    summaryTable(records),
    el('h3', {}, 'Totals'),
    totalsTable(totals),
    customers.length ? el('h3', {}, 'Per customer') : null,
    customers.length ? customersTable(customers) : null,
    el('h3', {}, 'Counters'),
    counterList(summary.counters ?? {}),
    el('h3', {}, 'Changeset'),
    ...changesetSection(preview?.changeset, json, onDownload),
  ];
  container.replaceChildren(...parts.filter(Boolean));
  return json;
}
