// Consumed against final per customer, one chart per currency (amounts of two currencies never share an
// axis). SVG by hand: two bars per customer need no library, and every value is written beside its bars as
// the package's exact decimal string. The bars' lengths are the only place an amount becomes a float, and
// only to place pixels. Consumed is a solid bar, final an outlined, hatched one: told apart by shape and by
// the words next to them, not only by colour.

import { el, svg } from './dom.js';

function number(text) {
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : 0;
}

/** One customer's row: name, two bars on a shared scale, the figures in words. */
function barRow({ customer, consumed, final, to_bill_now: toBillNow }, scale, currency) {
  const [lo, hi] = scale;
  const span = hi - lo || 1;
  const x = (v) => ((Math.min(v, 0) - lo) / span) * 100;
  const w = (v) => (Math.abs(v) / span) * 100;
  const zero = ((0 - lo) / span) * 100;
  const c = number(consumed);
  const f = number(final);
  const bars = svg(
    'svg',
    { viewBox: '0 0 100 22', preserveAspectRatio: 'none', class: 'chart-bars', 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { class: 'bar-consumed', x: x(c), y: 1, width: Math.max(w(c), 0.2), height: 9 }),
    svg('rect', { class: 'bar-final', x: x(f), y: 12, width: Math.max(w(f), 0.2), height: 9, fill: 'url(#hatch)', 'vector-effect': 'non-scaling-stroke' }),
    svg('line', { class: 'chart-zero', x1: zero, x2: zero, y1: 0, y2: 22, 'vector-effect': 'non-scaling-stroke' }),
  );
  return el(
    'li',
    { className: 'chart-row' },
    el('span', { className: 'chart-name' }, customer),
    bars,
    el(
      'span',
      { className: 'chart-values' },
      `consumed ${consumed} · final ${final} ${currency}`,
      toBillNow && toBillNow !== '0.00' ? el('strong', {}, ` · to bill now ${toBillNow}`) : null,
    ),
  );
}

/** The hatch pattern the final bars use, defined once per page. */
function patterns() {
  return svg(
    'svg',
    { width: 0, height: 0, class: 'chart-defs', 'aria-hidden': 'true', focusable: 'false' },
    svg('defs', {}, svg('pattern', { id: 'hatch', width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { width: 4, height: 4, class: 'hatch-bg' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 4, class: 'hatch-line' }))),
  );
}

/** `charts`: [{ currency, customers, bars: [{ customer, consumed, final, to_bill_now }] }]. */
export function renderCharts(charts) {
  const figures = charts.map(({ currency, customers, bars }) => {
    const values = bars.flatMap((b) => [number(b.consumed), number(b.final)]);
    const scale = [Math.min(0, ...values), Math.max(0, ...values)];
    const caption = customers > bars.length
      ? `Consumed against final, ${currency}: the ${bars.length} customers with the largest amounts of ${customers} (every customer is in the table below).`
      : `Consumed against final, ${currency}, per customer.`;
    return el(
      'figure',
      { className: 'chart', dataset: { currency } },
      el('figcaption', {}, caption),
      el('ul', { className: 'chart-legend', 'aria-label': 'Legend' },
        el('li', {}, el('span', { className: 'swatch swatch-consumed', 'aria-hidden': 'true' }), 'Consumed (solid bar, upper)'),
        el('li', {}, el('span', { className: 'swatch swatch-final', 'aria-hidden': 'true' }), 'Final (hatched bar, lower)')),
      el('ol', { className: 'chart-rows' }, ...bars.map((b) => barRow(b, scale, currency))),
    );
  });
  return el('div', { className: 'charts', id: 'chart' }, patterns(), ...figures);
}
