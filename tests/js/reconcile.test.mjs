// previewReconciliation from Node: the acceptance example and its neighbours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const HEADERS = [
  'Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID',
  'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period',
];

function exportOf(rows) {
  return { data: { headers: HEADERS, values: rows }, pagination: { perPage: 1000 } };
}

function line(seq, license, sell, buy, period = '2025-01') {
  return ['IAAS', `vs-${license}`, 'Contoso', 'XSP661245', sell, buy, String(seq), license, 'ST-1', 'Microsoft', 'Azure plan', '1', period];
}

function record(license, consumedSell, consumedBuy = '0.00', extra = {}) {
  return {
    uuid: undefined,
    resource_uuid: '11111111-1111-4111-8111-' + license.replace(/\D/g, '').padStart(12, '0'),
    resource_name: `Subscription ${license}`,
    customer_uuid: '22222222-2222-4222-8222-222222222222',
    customer_name: 'Contoso',
    license_reference: license,
    billing_period: '2025-01-01',
    consumed_sell: consumedSell,
    consumed_buy: consumedBuy,
    final_sell: null,
    final_buy: null,
    finalized_at: null,
    reconciled_at: null,
    ...extra,
  };
}

const settings = { invoice_price_source: 'sell', invoice_item_prefix: 'Arrow consumption' };

test('100.00 consumed and 95.00 final gives a -5.00 credit', () => {
  const payload = JSON.stringify(exportOf([line(1, 'XSP1', '60.00', '50.00'), line(2, 'XSP1', '35.00', '30.00')]));
  const result = billsync.previewReconciliation({
    period: '2025-01', records: [record('XSP1', '100.00', '80.00')], exportPayload: payload,
    settings, force: false, asOf: '2025-02-03T10:00:00Z',
  });
  const [row] = result.summary.records;
  assert.equal(row.consumed_sell, '100.00');
  assert.equal(row.final_sell, '95.00');
  assert.equal(row.adjustment, '-5.00');
  assert.equal(row.action, 'credit');
  const creates = result.changeset.writes.filter((w) => w.op === 'create' && w.table === 'invoice_items');
  assert.equal(creates.length, 1);
  assert.match(creates[0].row.name, /credit/);
  assert.equal(creates[0].row.unit_price, '-5.00');
  assert.deepEqual(result.summary.totals.map((t) => t.adjustment), ['-5.00']);
  assert.equal(result.summary.counters.compensation_items_created, 1);
});

test('the export as an object, several records, and every action', () => {
  const result = billsync.previewReconciliation({
    period: '2025-01',
    records: [
      record('XSP1', '100.00'),
      record('XSP2', '10.00'),
      record('XSP3', '20.00'),
      record('XSP4', '30.00', '0', { final_sell: '31.00', final_buy: '25.00', finalized_at: '2025-02-02T00:00:00Z', reconciled_at: '2025-02-02T00:00:00Z' }),
    ],
    exportPayload: exportOf([line(1, 'XSP1', '100.00', '90.00'), line(2, 'XSP2', '€1,012.34', '900'), line(3, 'XSP4', '31.00', '25.00')]),
    settings: { ...settings, currency: 'EUR' },
    asOf: '2025-02-03T10:00:00Z',
  });
  const actions = Object.fromEntries(result.summary.records.map((r) => [r.license_reference, r.action]));
  assert.deepEqual(actions, { XSP1: 'no_compensation', XSP2: 'additional_charge', XSP3: 'no_billing_data', XSP4: 'already_reconciled' });
  const xsp2 = result.summary.records.find((r) => r.license_reference === 'XSP2');
  assert.equal(xsp2.compensation, '1002.34');
  // Over the finalized records XSP1, XSP2, XSP4: consumed 100 + 10 + 30 = 140.00; 140.00 + 1003.34 = 1143.34.
  assert.deepEqual(result.summary.totals, [{ currency: 'EUR', consumed: '140.00', final: '1143.34', adjustment: '1003.34' }]);
});

test('a forced re-run of a reconciled record bills nothing more', () => {
  const result = billsync.previewReconciliation({
    period: '2025-01',
    records: [record('XSP1', '100.00', '80.00', { final_sell: '95.00', final_buy: '76.00', reconciled_at: '2025-02-03T10:00:00Z', finalized_at: '2025-02-03T10:00:00Z' })],
    exportPayload: exportOf([line(1, 'XSP1', '95.00', '76.00')]),
    settings, force: true, asOf: '2025-02-04T10:00:00Z',
  });
  assert.equal(result.summary.records[0].action, 'no_compensation');
  assert.equal(result.changeset.writes.filter((w) => w.op === 'create' && w.table === 'invoice_items').length, 0);
});

test('bad input is a coded error naming the field or the cell', () => {
  assert.throws(
    () => billsync.previewReconciliation({ period: '2025-13', records: [{}], exportPayload: exportOf([]), asOf: 'soon' }),
    (e) => {
      assert.ok(e instanceof billsync.BillsyncError);
      assert.equal(e.code, 'validation_failed');
      for (const field of ['period', 'asOf', 'records[0].license_reference', 'records[0].consumed_sell']) {
        assert.ok(field in e.fields, `fields has ${field}: ${JSON.stringify(e.fields)}`);
      }
      return true;
    },
  );
  assert.throws(
    () => billsync.previewReconciliation({
      period: '2025-01', records: [], exportPayload: exportOf([line(1, 'XSP1', 'abc', '1.00')]), asOf: '2025-02-03T10:00:00Z',
    }),
    (e) => e.code === 'invalid_cell' && e.details.row === 1 && e.details.column === 'Customer Total Price' && e.details.value === 'abc',
  );
  assert.throws(
    () => billsync.previewReconciliation({ period: '2025-01', records: [], exportPayload: '{"data": ', asOf: '2025-02-03T10:00:00Z' }),
    (e) => e.code === 'invalid_payload',
  );
});

test('a minimal record (licence and consumed amount) is enough for a preview', () => {
  const result = billsync.previewReconciliation({
    period: '2025-01',
    records: [{ license_reference: 'XSP1', consumed_sell: '100.00' }],
    exportPayload: exportOf([line(1, 'XSP1', '95.00', '80.00')]),
    asOf: '2025-02-03T10:00:00Z',
  });
  const [row] = result.summary.records;
  assert.equal(row.billing_period, '2025-01-01');
  assert.equal(row.adjustment, '-5.00');
  assert.equal(row.action, 'credit');
});
