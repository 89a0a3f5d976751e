// previewReconciliation with its records as one JSON text or its UTF-8 bytes (issue 11, item 6): the same
// preview as with an array of objects, and a coded error for text that is not JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const HEADERS = [
  'Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID',
  'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period',
];
const line = (seq, license, sell, buy) =>
  ['IAAS', `vs-${license}`, 'Contoso', 'XSP661245', sell, buy, String(seq), license, 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'];
const record = (license, consumedSell, customer) => ({
  resource_uuid: '11111111-1111-4111-8111-' + license.replace(/\D/g, '').padStart(12, '0'),
  resource_name: `Subscription ${license}`,
  customer_uuid: customer,
  customer_name: 'Contoso',
  license_reference: license,
  billing_period: '2025-01-01',
  consumed_sell: consumedSell,
  consumed_buy: '0.00',
});
const records = [
  record('XSP1', '100.00', '22222222-2222-4222-8222-222222222222'),
  record('XSP2', '10.00', '33333333-3333-4333-8333-333333333333'),
  record('XSP3', '7.00', '22222222-2222-4222-8222-222222222222'),
];
const exportPayload = JSON.stringify({
  data: { headers: HEADERS, values: [line(1, 'XSP1', '60.00', '50.00'), line(2, 'XSP1', '35.00', '30.00'), line(3, 'XSP2', '12.50', '9.00')] },
  pagination: { perPage: 1000 },
});
const preview = (records) => billsync.previewReconciliation({
  period: '2025-01', records, exportPayload, settings: { currency: 'EUR' }, asOf: '2025-02-03T10:00:00Z',
});

test('records as JSON text or bytes preview the same as records as objects', () => {
  const expected = preview(records);
  assert.equal(expected.summary.records.length, 3);
  assert.deepEqual(preview(JSON.stringify(records)), expected);
  assert.deepEqual(preview(new TextEncoder().encode(JSON.stringify(records))), expected);
});

test('records text that is not JSON, or not a list, is a coded error', () => {
  assert.throws(() => preview('[{"license_reference": '), (e) => e.code === 'invalid_payload');
  assert.throws(() => preview('{"a": 1}'), (e) => e.code === 'validation_failed');
});

test('previewReconciliationJson returns the same result as one JSON text', () => {
  const request = { period: '2025-01', records: JSON.stringify(records), exportPayload, settings: { currency: 'EUR' }, asOf: '2025-02-03T10:00:00Z' };
  const text = billsync.previewReconciliationJson(request);
  assert.equal(typeof text, 'string');
  assert.deepEqual(JSON.parse(text), billsync.previewReconciliation(request));
  // Planned rows are spliced in as objects, not as strings of JSON.
  const writes = JSON.parse(text).changeset.writes;
  assert.ok(writes.length > 0 && writes.every((w) => w.op === 'delete' || typeof w.row === 'object'));
  assert.throws(() => billsync.previewReconciliationJson({ ...request, records: '[1' }), (e) => e.code === 'invalid_payload');
});
