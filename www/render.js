// Renders a preview: what to bill now per currency and per customer (kept apart from what earlier
// adjustments billed), the chart, the records, Soracom's latest bill and daily check, the counters, the
// downloads and the changeset. Amounts are decimal strings from billsync, shown exactly as given: no float
// arithmetic, no locale formatting (which would round or reformat what the invoices will say).

import { el, text, amountCell, table, plural, labelCells } from './dom.js';
import { renderCharts } from './chart.js';
import { recordsTable } from './table.js';

const COUNTER_LABELS = {
  finalized: 'Finalized',
  reconciled: 'Reconciled',
  compensation_items_created: 'Compensation items created',
  no_billing_data: 'No billing data',
  already_reconciled: 'Already reconciled',
  errors: 'Errors',
};

const MONEY_HEADERS = [['Consumed', 'amount'], ['Final', 'amount'], ['Already adjusted', 'amount'], ['To bill now', 'amount']];

function moneyCells(t) {
  return [amountCell(t.consumed, 'consumed'), amountCell(t.final, 'final'), amountCell(t.already_adjusted, 'already'), amountCell(t.to_bill_now, 'now')];
}

function totalsTable(totals) {
  const rows = totals.map((t) =>
    el('tr', { dataset: { currency: t.currency } },
      el('th', { scope: 'row', dataset: { col: 'currency' } }, t.currency),
      el('td', { className: 'amount', dataset: { col: 'records' } }, t.records.toLocaleString('en')),
      ...moneyCells(t),
      el('td', { dataset: { col: 'items' } }, `${plural(t.credits, 'credit')}, ${plural(t.charges, 'charge')}`)),
  );
  return table('totals-table', 'Per currency: consumed + already adjusted + to bill now = final (over the records the vendor finalizes)',
    [['Currency'], ['Records', 'amount'], ...MONEY_HEADERS, ['Items this run creates']], rows);
}

const CUSTOMER_ROWS = 50;

function customerRow(t) {
  return el('tr', { dataset: { customer: t.customer_uuid ?? '', currency: t.currency } },
    el('th', { scope: 'row', className: 'wrap', dataset: { col: 'customer' } }, text(t.customer_name ?? t.customer_uuid ?? 'No customer named')),
    el('td', { dataset: { col: 'currency' } }, t.currency),
    el('td', { className: 'amount', dataset: { col: 'records' } }, t.records.toLocaleString('en')),
    ...moneyCells(t));
}

/** Per customer, by name, 50 at a time (a month can have thousands of customers). */
function customersTable(customers) {
  const sorted = [...customers].sort((a, b) => `${a.customer_name ?? a.customer_uuid ?? ''}|${a.currency}`.localeCompare(`${b.customer_name ?? b.customer_uuid ?? ''}|${b.currency}`));
  const wrap = table('customers-table', `Per customer and currency (${plural(sorted.length, 'row')})`, [['Customer'], ['Currency'], ['Records', 'amount'], ...MONEY_HEADERS], []);
  const body = wrap.querySelector('tbody');
  const status = el('p', { className: 'pager-status', id: 'customers-status', 'aria-live': 'polite' });
  const pages = Math.ceil(sorted.length / CUSTOMER_ROWS);
  let at = 0;
  const prev = el('button', { type: 'button', className: 'secondary', id: 'customers-prev' }, 'Previous customers');
  const next = el('button', { type: 'button', className: 'secondary', id: 'customers-next' }, 'Next customers');
  const show = () => {
    body.replaceChildren(...sorted.slice(at * CUSTOMER_ROWS, (at + 1) * CUSTOMER_ROWS).map(customerRow));
    labelCells(wrap.querySelector('table'));
    status.textContent = `Customers ${at * CUSTOMER_ROWS + 1}–${Math.min((at + 1) * CUSTOMER_ROWS, sorted.length)} of ${sorted.length.toLocaleString('en')}.`;
    prev.disabled = at === 0;
    next.disabled = at >= pages - 1;
  };
  prev.addEventListener('click', () => { at -= 1; show(); });
  next.addEventListener('click', () => { at += 1; show(); });
  show();
  return pages > 1 ? el('div', {}, wrap, el('nav', { className: 'pager', 'aria-label': 'Pages of customers' }, prev, status, next)) : wrap;
}

function counterList(counters) {
  // Known counters in a fixed order, then any the package adds later; the counted errors' details (a list,
  // not a count) follow in words.
  const counted = (k) => typeof counters[k] === 'number';
  const keys = [...Object.keys(COUNTER_LABELS).filter((k) => k in counters), ...Object.keys(counters).filter((k) => !(k in COUNTER_LABELS))].filter(counted);
  const list = el('dl', { className: 'counters', id: 'counters' },
    ...keys.map((k) => el('div', { dataset: { counter: k } }, el('dt', {}, COUNTER_LABELS[k] ?? k.replaceAll('_', ' ')), el('dd', {}, String(counters[k])))));
  const details = Array.isArray(counters.error_details) ? counters.error_details : [];
  if (details.length === 0) return list;
  return el('div', {}, list,
    el('ul', { className: 'counter-errors', id: 'counter-errors', 'aria-label': 'What each counted error was' },
      ...details.map((d) => el('li', {}, errorInWords(d)))));
}

/** One counted error: its code, what it is about (licence, record, subscriber, line) and why. */
function errorInWords(detail) {
  const about = ['license_reference', 'subscriber', 'source_ref', 'line_reference', 'record_uuid']
    .filter((k) => detail[k]).map((k) => `${k.replaceAll('_', ' ')} ${detail[k]}`).join(', ');
  return `${detail.code ?? 'error'}${about ? ` (${about})` : ''}: ${detail.error ?? detail.reason ?? ''}`;
}

function soracomExtras(extras) {
  const parts = [];
  if (extras.latest) {
    const { amount, currency, lastEvaluatedTime: t } = extras.latest;
    const when = /^\d{14}$/.test(t ?? '') ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12)} UTC` : t ?? 'an unknown time';
    parts.push(el('p', { id: 'latest-bill' }, `Soracom's latest bill: ${amount ?? '?'} ${currency ?? ''}, evaluated ${when}. It is preliminary (the month in progress), so it is consumption, not a final, and this preview does not reconcile against it.`));
  }
  if (extras.dailyCheck) {
    const { ok, check, error } = extras.dailyCheck;
    if (ok) {
      const reasons = (check.reasons ?? []).map((r) => r.replaceAll('_', ' ')).join(', ');
      parts.push(el('dl', { className: 'daily-check', id: 'daily-check' },
        ...Object.entries(check).filter(([, v]) => typeof v !== 'object' || v === null).map(([k, v]) => el('div', {}, el('dt', {}, k.replaceAll('_', ' ')), el('dd', {}, text(v)))),
        reasons ? el('div', {}, el('dt', {}, 'explained by'), el('dd', {}, reasons)) : null));
    } else {
      parts.push(el('p', { className: 'field-error', id: 'daily-check' }, `The daily check failed: ${error.code}: ${error.message}`));
    }
  }
  return parts.length ? [el('h3', {}, "Soracom's latest bill and daily check"), ...parts] : [];
}

function changesetSection(changeset, onDownload) {
  const writes = changeset.writes.map(({ what, count }) => `${count.toLocaleString('en')} ${what}`).join(', ') || 'no writes';
  const button = (id, label, kind) => {
    const b = el('button', { type: 'button', className: 'secondary', id }, label);
    b.addEventListener('click', () => onDownload(kind));
    return b;
  };
  return [
    el('p', { className: 'intent-summary', id: 'intent-summary' },
      `Operation ${changeset.operation ?? '?'} as of ${changeset.as_of ?? '?'}: ${writes}. Nothing has been applied.`),
    el('div', { className: 'changeset-actions' },
      button('download-changeset', 'Download changeset.json', 'changeset'),
      button('download-csv', 'Download preview.csv', 'csv'),
      button('download-focus', 'Download FOCUS 1.4 CSV', 'focus'),
      el('span', { className: 'hint' }, "Made in this browser. The FOCUS CSV holds the items the changeset would bill, in FOCUS 1.4's columns.")),
    changeset.text !== null
      ? el('details', { className: 'changeset', id: 'changeset' },
        el('summary', {}, `Changeset JSON (${plural(changeset.writes.reduce((n, w) => n + w.count, 0), 'write')})`),
        el('pre', { tabIndex: 0, 'aria-label': 'Changeset JSON' }, el('code', { id: 'changeset-json' }, JSON.stringify(JSON.parse(changeset.text), null, 2))))
      : el('p', { className: 'hint' }, `The changeset is ${(changeset.bytes / 1e6).toFixed(1)} MB: download it to read it.`),
  ];
}

function timings(t) {
  if (!t) return '';
  const total = t.read + t.preview + t.summary;
  if (total < 1000) return `In ${Math.max(Math.round(total), 1)} ms.`;
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  return `In ${s(total)}: reading ${s(t.read)}, reconciling ${s(t.preview)}, adding up ${s(t.summary)}.`;
}

/** Lets the page's thread handle input and paint between the parts of a large result. */
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Replaces the results with `view` (from the worker), part by part, yielding between them so that no
 * single task of the page's thread grows with the result. `data-complete` is set once everything is shown.
 */
export async function renderPreview(container, view, { onDownload, query }, onFirstPart = () => {}) {
  const vendor = view.vendor === 'soracom' ? 'Soracom' : 'Arrow';
  delete container.dataset.complete;
  container.replaceChildren(
    el('p', { className: 'lede', id: 'results-lede' }, `${vendor}: ${plural(view.recordCount, 'record')}, ${plural(view.customers.length, 'customer')}. ${timings(view.timings)}`),
    el('h3', {}, 'To bill now, per currency'),
    totalsTable(view.totals),
  );
  onFirstPart();
  const parts = [
    () => [el('h3', {}, 'Consumed against final, per customer'), renderCharts(view.chart)],
    () => [el('h3', {}, 'Per customer'), customersTable(view.customers)],
    () => [el('h3', {}, 'Records'), recordsTable(view, query)],
    () => [
      ...soracomExtras(view.extras ?? {}),
      el('h3', {}, 'Counters'),
      counterList(view.counters ?? {}),
      el('h3', {}, 'Changeset and downloads'),
      ...changesetSection(view.changeset, onDownload),
    ],
  ];
  for (const part of parts) {
    await yieldToPage();
    container.append(...part());
  }
  container.dataset.complete = 'true';
}
