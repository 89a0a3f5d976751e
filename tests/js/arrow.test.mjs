// JS-side tests of the Arrow bindings. Runs against a wasm-bindgen `--target nodejs` build:
//   BILLSYNC_NODE=/path/to/billsync.js node --test tests/js/arrow.test.mjs
// (default: the package, pkg/index.cjs, which `make build` builds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.BILLSYNC_NODE ?? path.join(here, '../../pkg/index.cjs');
const billsync = createRequire(import.meta.url)(modulePath);
const { aggregateConsumption, ConsumptionAggregator, parseBillingExport } = billsync;

const headers = ['Report Period', 'Vendor Meter Category', 'Total sell price', 'Total buy price'];
const consumption = (lines) => ({ data: { headers, lines } });

test('aggregateConsumption sums text and object payloads exactly', () => {
  const rows = aggregateConsumption(
    [
      { resourceUuid: 'r-1', licenseReference: 'XSP1', period: '2025-01',
        payload: JSON.stringify(consumption([['2025-01', 'VM', '0.1', 0.05], ['2025-01', 'VM', 0.2, '0.10']])) },
      { resourceUuid: 'r-1', licenseReference: 'XSP1', period: '2025-01-01',
        payload: consumption([['2025-01', 'VM', '€1,000.00', '900']]) },
      { resourceUuid: 'r-2', licenseReference: 'XSP2',
        payload: new TextEncoder().encode(JSON.stringify(consumption([]))) },
    ],
    { currency: 'EUR' },
  );
  assert.deepEqual(rows, [{
    resource_uuid: 'r-1', license_reference: 'XSP1', billing_period: '2025-01-01',
    consumed_sell: '1000.30', consumed_buy: '900.15', currency: 'EUR', lines: 3,
  }]);
});

test('ConsumptionAggregator streams, merges and finishes', () => {
  const a = new ConsumptionAggregator({ currency: 'EUR' });
  const b = new ConsumptionAggregator({ currency: 'EUR' });
  const tag = { resourceUuid: 'r-1', licenseReference: 'XSP1', period: '2025-01' };
  assert.equal(a.push(tag, JSON.stringify(consumption([['2025-01', 'VM', '1.25', '1']]))), 1);
  assert.equal(b.push(tag, JSON.stringify(consumption([['2025-01', 'VM', '2.75', '2']]))), 1);
  a.merge(b);
  const rows = a.finish();
  assert.equal(rows[0].consumed_sell, '4.00');
  assert.equal(rows[0].lines, 2);
  assert.equal(b.finish()[0].consumed_sell, '2.75');
});

test('errors are BillsyncErrors naming the cell', () => {
  const agg = new ConsumptionAggregator({ currency: 'EUR' });
  const tag = { resourceUuid: 'r-1', licenseReference: 'XSP1' };
  assert.throws(
    () => agg.push(tag, JSON.stringify(consumption([['2025-01', 'VM', 'abc', '1']]))),
    (e) => e instanceof Error && e.code === 'invalid_cell' && /row 1/.test(e.message)
      && e.details?.row === 1 && e.details?.column === 'Total sell price' && e.details?.value === 'abc',
  );
  assert.throws(() => agg.push(tag, '{"data": '), (e) => e.code === 'invalid_payload');
  assert.throws(() => agg.push({ licenseReference: 'x' }, '{}'), (e) => e.code === 'validation_failed');
  assert.throws(() => new ConsumptionAggregator({ currency: 'EURO' }), (e) => e.code === 'invalid_currency');
  assert.deepEqual(agg.finish(), []);
});

test('parseBillingExport normalises a page', () => {
  const page = {
    data: {
      headers: ['Sequence', 'End User Company ID', 'End User Company Name', 'Classification', 'Vendor Name',
        'Vendor Subscription ID', 'ARS Subscription ID', 'Qty', 'Sell Total Price', 'Buy Total Price', 'Report Period'],
      values: [['1', 'XSP661245', 'Acme', 'IAAS', 'Microsoft', 'sub-1', 'XSP1', '2', '€12.50', 10, '2025-01']],
    },
    pagination: { perPage: 1000 },
  };
  for (const input of [page, JSON.stringify(page)]) {
    const parsed = parseBillingExport(input);
    assert.equal(parsed.columns.sell, 'Sell Total Price');
    assert.equal(parsed.is_last_page, true);
    const [line] = parsed.rows;
    assert.equal(line.sell, '12.50');
    assert.equal(line.buy, '10.00');
    assert.equal(line.currency, 'EUR');
    assert.equal(line.quantity, '2');
    assert.equal(line.license_reference, 'XSP1');
    assert.equal(line.report_period, '2025-01');
    assert.equal(line.raw_data['Vendor Name'], 'Microsoft');
  }
  assert.throws(() => parseBillingExport({ data: { headers: ['Classification'], values: [] } }),
    (e) => e.code === 'missing_column');
});

test('a tagged item may be the Arrow response itself, or carry its payload under payload/json/text', () => {
  const data = { headers: ['Total sell price', 'Total buy price'], lines: [['1.10', '1.00'], ['2.20', '2.00']] };
  const tag = { resourceUuid: 'r-1', licenseReference: 'XSP1', period: '2025-01' };
  const forms = [
    { ...tag, data },
    { ...tag, payload: { data } },
    { ...tag, json: JSON.stringify({ data }) },
    { ...tag, text: JSON.stringify({ data }) },
  ];
  for (const item of forms) {
    const [row] = aggregateConsumption([item], { currency: 'EUR' });
    assert.equal(row.consumed_sell, '3.30');
    assert.equal(row.lines, 2);
  }
  const aggregator = new ConsumptionAggregator({ currency: 'EUR' });
  assert.equal(aggregator.push({ ...tag, data }), 2);
  assert.equal(aggregator.finish()[0].consumed_buy, '3.00');
  assert.throws(() => aggregateConsumption([tag], { currency: 'EUR' }), (e) => e.code === 'validation_failed' && 'payload' in e.fields);
});
