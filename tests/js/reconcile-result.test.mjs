// Issue 17: a preview's result as big as what is asked for: `result` ("all", "summary", "totals") and the
// rows in pages (`onRows`, `pageSize`), and their coded errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const HEADERS = [
  'Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID',
  'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period',
];
const line = (seq, license, sell) => ['IAAS', `vs-${license}`, 'Contoso', 'XSP661245', sell, '0.00', String(seq), license, 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'];

// Seven licences of three customers; XSP3 has two records (one unit), XSP6 no billing data, XSP7 was
// reconciled before. Licences are listed out of order, so that the rows' order is the plan's, not the input's.
function input(extra = {}) {
  const customers = ['a', 'b', 'c'].map((c, i) => [`3333333${i}-0000-4000-8000-00000000000${i}`, `Customer ${c}`]);
  const record = (license, i, consumed, more = {}) => ({
    resource_uuid: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resource_name: `subscription-${i}`,
    customer_uuid: customers[i % 3][0],
    customer_name: customers[i % 3][1],
    license_reference: license,
    billing_period: '2025-01-01',
    consumed_sell: consumed,
    ...more,
  });
  return {
    period: '2025-01',
    records: [
      record('XSP5', 5, '50.00'), record('XSP1', 1, '10.00'), record('XSP3', 3, '30.00'), record('XSP3', 8, '5.00'),
      record('XSP2', 2, '20.00'), record('XSP6', 6, '60.00'), record('XSP4', 4, '40.00'),
      record('XSP7', 7, '70.00', { final_sell: '71.00', final_buy: '0', finalized_at: '2025-02-01T00:00:00Z', reconciled_at: '2025-02-01T00:00:00Z' }),
    ],
    exportPayload: JSON.stringify({
      data: {
        headers: HEADERS,
        values: [line(1, 'XSP1', '12.00'), line(2, 'XSP2', '19.00'), line(3, 'XSP3', '36.00'), line(4, 'XSP4', '40.00'),
          line(5, 'XSP5', '49.99'), line(6, 'XSP5', '1.50'), line(7, 'XSP7', '71.00')],
      },
      pagination: { perPage: 100 },
    }),
    settings: { currency: 'EUR' },
    asOf: '2025-02-03T10:00:00Z',
    ...extra,
  };
}

test('"summary" and "totals" answer the summary of "all", without the changeset or without the rows', () => {
  const all = billsync.previewReconciliation(input());
  assert.ok(all.changeset.writes.length > 0);
  assert.equal(all.summary.records.length, 8);
  assert.equal(all.summary.customers.length, 3);
  assert.deepEqual(billsync.previewReconciliation(input({ result: 'all' })), all);
  const summary = billsync.previewReconciliation(input({ result: 'summary' }));
  assert.deepEqual(Object.keys(summary), ['summary']);
  assert.deepEqual(summary.summary, all.summary);
  const totals = billsync.previewReconciliation(input({ result: 'totals' }));
  assert.deepEqual(totals.summary, { ...all.summary, records: [] });
  assert.deepEqual(JSON.parse(billsync.previewReconciliationJson(input({ result: 'totals' }))), totals);
});

test('onRows gets the rows of "all" in pages of pageSize, in order, and the summary keeps none', () => {
  const all = billsync.previewReconciliation(input());
  for (const result of ['all', 'summary', 'totals']) {
    for (const pageSize of [1, 2, 3, 8, 100]) {
      const pages = [];
      const answer = billsync.previewReconciliation(input({ result, pageSize, onRows: (rows) => pages.push(rows) }));
      assert.deepEqual(pages.flat(), all.summary.records, `${result}, pages of ${pageSize}`);
      assert.ok(pages.slice(0, -1).every((p) => p.length === pageSize), `${result}: full pages but the last`);
      assert.ok(pages.at(-1).length >= 1 && pages.at(-1).length <= pageSize);
      assert.deepEqual(answer.summary, { ...all.summary, records: [] });
      assert.equal('changeset' in answer, result === 'all');
      if (result === 'all') assert.deepEqual(answer.changeset, all.changeset);
    }
  }
  const pages = [];
  billsync.previewReconciliation(input({ records: [], result: 'summary', onRows: (rows) => pages.push(rows) }));
  assert.deepEqual(pages, []);
});

test('records as objects and as their text preview the same, whatever is asked', () => {
  const text = JSON.stringify(input().records);
  for (const result of ['all', 'summary', 'totals']) {
    assert.deepEqual(billsync.previewReconciliation(input({ result, records: text })), billsync.previewReconciliation(input({ result })));
  }
});

test('a bad result, pageSize or onRows is an invalid_argument error naming it', () => {
  const bad = [
    ['result', 'everything'], ['result', 1], ['result', {}],
    ['pageSize', 0], ['pageSize', 1.5], ['pageSize', -3], ['pageSize', 1e7], ['pageSize', '10'], ['pageSize', NaN],
    ['onRows', 'rows'], ['onRows', {}], ['onRows', 3],
  ];
  for (const [field, value] of bad) {
    assert.throws(() => billsync.previewReconciliation(input({ [field]: value })),
      (e) => e instanceof billsync.BillsyncError && e.code === 'invalid_argument' && e.details.argument === `input.${field}`,
      `${field}: ${String(value)}`);
  }
});

test('what onRows throws is what the call throws', () => {
  const thrown = new Error('the host is full');
  assert.throws(() => billsync.previewReconciliation(input({ result: 'summary', pageSize: 2, onRows: () => { throw thrown; } })),
    (e) => e === thrown);
});

test('records JSON.stringify cannot write (a BigInt) are converted field by field, as before', () => {
  const records = input().records;
  records[0].consumed_sell = 50n;
  const asNumber = input().records;
  asNumber[0].consumed_sell = 50;
  assert.deepEqual(billsync.previewReconciliation(input({ records })), billsync.previewReconciliation(input({ records: asNumber })));
});
