// The records table: sortable by any column, filterable by customer, action and the amount billed now, and
// paginated; the worker holds the rows and sorts and filters them, the page shows one page at a time.

import { el, text, amountCell, badge, ACTION_LABELS, plural, labelCells } from './dom.js';

const COLUMNS = [
  ['customer', 'Customer'],
  ['source', null], // the vendor's source label, set per preview
  ['resource', 'Resource'],
  ['period', 'Period', false],
  ['currency', 'Currency'],
  ['consumed', 'Consumed', true, 'amount'],
  ['final', 'Final', true, 'amount'],
  ['already', 'Already adjusted', true, 'amount'],
  ['now', 'To bill now', true, 'amount'],
  ['action', 'Action'],
];

function rowOf(r) {
  const action = el('td', { dataset: { col: 'action' } }, badge(r.action));
  if (r.error) action.append(el('span', { className: 'row-error' }, r.error));
  return el(
    'tr',
    { dataset: { source: r.source, action: r.action } },
    el('td', { className: 'wrap', dataset: { col: 'customer' } }, text(r.customer_name ?? r.customer_uuid)),
    el('th', { scope: 'row', dataset: { col: 'source' } }, text(r.source)),
    el('td', { className: 'wrap', dataset: { col: 'resource' } }, text(r.resource_name)),
    el('td', { dataset: { col: 'period' } }, text(r.billing_period?.slice(0, 7))),
    el('td', { dataset: { col: 'currency' } }, text(r.currency)),
    amountCell(r.consumed_sell, 'consumed'),
    amountCell(r.final_sell, 'final'),
    amountCell(r.already_adjusted, 'already'),
    amountCell(r.compensation, 'now'),
    action,
  );
}

/**
 * The table with its controls. `view` is the worker's view (first page included); `query(q)` asks the
 * worker for another page and resolves to it.
 */
export function recordsTable(view, query) {
  const state = { sort: 'index', direction: 'asc', customer: '', action: '', min: '', max: '', offset: 0, limit: 50 };
  const sourceLabel = view.vendor === 'soracom' ? 'Subscriber' : 'Licence';
  const body = el('tbody');
  const status = el('p', { className: 'pager-status', id: 'pager-status', 'aria-live': 'polite' });
  const caption = el('caption', {}, '');
  const headers = COLUMNS.map(([key, label, sortable = true, cls]) => {
    const name = label ?? sourceLabel;
    const th = el('th', { scope: 'col', className: cls ?? '', dataset: { sort: key, name } });
    if (!sortable) {
      th.append(name);
      return th;
    }
    const button = el('button', { type: 'button', className: 'sort', id: `sort-${key}` }, name, el('span', { className: 'sort-mark', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      state.direction = state.sort === key && state.direction === 'asc' ? 'desc' : 'asc';
      state.sort = key;
      state.offset = 0;
      refresh();
    });
    th.append(button);
    return th;
  });

  const customer = el('input', { id: 'filter-customer', type: 'search', autocomplete: 'off', placeholder: 'name or uuid' });
  const action = el('select', { id: 'filter-action' }, el('option', { value: '' }, 'Any action'),
    ...view.actions.map(({ action: a, count }) => el('option', { value: a }, `${ACTION_LABELS[a] ?? a} (${count.toLocaleString('en')})`)));
  const min = el('input', { id: 'filter-min', type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: '-1000.00', 'aria-describedby': 'filter-amount-hint' });
  const max = el('input', { id: 'filter-max', type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: '1000.00', 'aria-describedby': 'filter-amount-hint' });
  const size = el('select', { id: 'page-size' }, ...[25, 50, 100, 250].map((n) => el('option', { value: n, selected: n === 50 }, String(n))));
  let timer = null;
  const onFilter = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      Object.assign(state, { customer: customer.value, action: action.value, min: min.value, max: max.value, limit: Number(size.value), offset: 0 });
      refresh();
    }, 200);
  };
  for (const input of [customer, min, max]) input.addEventListener('input', onFilter);
  for (const select of [action, size]) select.addEventListener('change', onFilter);

  const pageButton = (id, label, to) => {
    const b = el('button', { type: 'button', className: 'secondary', id }, label);
    b.addEventListener('click', () => {
      state.offset = to(state);
      refresh();
    });
    return b;
  };
  const first = pageButton('page-first', 'First', () => 0);
  const prev = pageButton('page-prev', 'Previous', (s) => Math.max(s.offset - s.limit, 0));
  const next = pageButton('page-next', 'Next', (s) => s.offset + s.limit);
  const last = pageButton('page-last', 'Last', (s) => Math.max(s.total - 1, 0));

  function show(page) {
    state.total = page.total;
    state.offset = page.offset;
    body.replaceChildren(...page.rows.map(rowOf));
    labelCells(tableNode);
    const pages = Math.max(Math.ceil(page.total / page.limit), 1);
    const at = Math.floor(page.offset / page.limit) + 1;
    const range = page.total ? `Rows ${(page.offset + 1).toLocaleString('en')}–${Math.min(page.offset + page.limit, page.total).toLocaleString('en')} of ${page.total.toLocaleString('en')}` : 'No rows';
    status.textContent = `${range}${page.total !== page.all ? ` (filtered from ${page.all.toLocaleString('en')})` : ''}; page ${at.toLocaleString('en')} of ${pages.toLocaleString('en')}.`;
    caption.textContent = `${plural(page.all, 'record')}; ${status.textContent}`;
    first.disabled = prev.disabled = at <= 1;
    next.disabled = last.disabled = at >= pages;
    for (const th of headers) {
      const sorted = th.dataset.sort === state.sort;
      if (sorted) th.setAttribute('aria-sort', state.direction === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      const mark = th.querySelector('.sort-mark');
      if (mark) mark.textContent = sorted ? (state.direction === 'asc' ? ' ▲' : ' ▼') : '';
    }
  }

  let asked = 0;
  async function refresh() {
    const ticket = ++asked;
    const page = await query({ ...state });
    if (ticket === asked && page) show(page);
  }

  const tableNode = el('table', { id: 'summary-table', className: 'stack sortable' }, caption, el('thead', {}, el('tr', {}, ...headers)), body);
  show(view.page);
  const field = (id, label, input, extra) => el('div', { className: 'field' }, el('label', { htmlFor: id }, label), input, extra ?? null);
  return el(
    'div',
    { className: 'records' },
    el('div', { className: 'filters', role: 'search', 'aria-label': 'Filter the records' },
      field('filter-customer', 'Customer', customer),
      field('filter-action', 'Action', action),
      field('filter-min', 'To bill now, at least', min),
      field('filter-max', 'To bill now, at most', max, el('p', { className: 'hint', id: 'filter-amount-hint' }, 'Decimal amounts; credits are negative.')),
      field('page-size', 'Rows per page', size)),
    el('div', { className: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': 'Records' }, tableNode),
    el('nav', { className: 'pager', 'aria-label': 'Pages of records' }, first, prev, status, next, last),
  );
}
