// Small DOM helpers shared by the renderers. Everything is built with textContent, so names from pasted data
// can never inject markup.

/** el('td', { className: 'x' }, 'text', child). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node && key !== 'list' && key !== 'form') node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** A missing value, announced as "none" rather than read out as a dash. */
export function none() {
  return el('span', { className: 'none', title: 'none', 'aria-label': 'none' }, '—');
}

export function text(value) {
  return value === null || value === undefined || value === '' ? none() : String(value);
}

/** An amount cell: the package's decimal string as it is; a sign in words for credits, not only colour. */
export function amountCell(value, column) {
  const negative = typeof value === 'string' && value.trim().startsWith('-');
  return el('td', { className: `amount${negative ? ' negative' : ''}`, dataset: { col: column } }, text(value));
}

export const ACTION_LABELS = {
  credit: 'Credit',
  additional_charge: 'Additional charge',
  no_compensation: 'No compensation',
  already_reconciled: 'Already reconciled',
  no_billing_data: 'No billing data',
  error: 'Error',
};

/** An action as a badge: a word and a symbol, so colour is never the only signal. */
export function badge(action) {
  const key = ACTION_LABELS[action] ? action : 'error';
  const symbol = { credit: '−', additional_charge: '+', no_compensation: '=', already_reconciled: '✓', no_billing_data: '∅', error: '!' }[key];
  return el(
    'span',
    { className: `badge badge-${key}`, dataset: { action: String(action) } },
    el('span', { className: 'badge-symbol', 'aria-hidden': 'true' }, symbol),
    ACTION_LABELS[action] ?? String(action),
  );
}

/**
 * Gives each body cell its column's name (data-label): on a narrow screen the rows are stacked, one line per
 * cell, each named by its column (styles.css).
 */
export function labelCells(tableNode) {
  const names = [...tableNode.querySelectorAll('thead th')].map((th) => (th.dataset.name ?? th.textContent).trim());
  for (const tr of tableNode.tBodies[0]?.rows ?? []) {
    [...tr.cells].forEach((cell, i) => {
      if (names[i]) cell.dataset.label = names[i];
    });
  }
}

/** A table in a focusable region (keyboard users can scroll a wide table on a narrow screen). */
export function table(id, captionText, headers, rows) {
  const head = el('tr', {}, ...headers.map((h) => (h instanceof Node ? h : el('th', { scope: 'col', className: h[1] ?? '' }, h[0]))));
  const node = el('table', { id, className: 'stack' }, el('caption', {}, captionText), el('thead', {}, head), el('tbody', {}, ...rows));
  labelCells(node);
  return el('div', { className: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': captionText }, node);
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
