// engine.focusExport in Node: a month of items across several pages arrives as several chunks, in order,
// whose text passes the FOCUS 1.4 conformance check and adds up to the items; an onChunk's Promise is
// waited for; wrong options are coded errors naming the option; progress is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';
import { checkFocusExport, scaledDecimal } from '../support/focus-conformance.mjs';

const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';
const hex = (n) => n.toString(16).padStart(12, '0');

/** `count` provisional Soracom items of 2025-02, and one compensation of 2025-01 billed on 2025-02. */
function items(count) {
  const out = [];
  for (let i = 0; i < count; i += 1) {
    out.push({
      uuid: `11111111-0000-4000-8000-${hex(i)}`, invoice_uuid: `22222222-0000-4000-8000-${hex(1)}`, customer_uuid: CUSTOMER,
      resource_uuid: RESOURCE, billing_period: '2025-02', kind: 'provisional', source_key: `${RESOURCE}|2025-02|imsi:${i}`,
      name: `SIM ${i}, "data"`, unit_price: `${i}.0${i % 10}`, quantity: '1', currency: 'JPY',
      details: { subscriber: `imsi:${i}`, trace: i === 0 ? { run: 'r1', step: 2 } : undefined },
      created: '2025-02-10T10:00:00Z', modified: '2025-02-10T10:00:00Z',
    });
  }
  out.push({
    uuid: '33333333-0000-4000-8000-000000000001', invoice_uuid: `22222222-0000-4000-8000-${hex(1)}`, customer_uuid: CUSTOMER,
    resource_uuid: RESOURCE, billing_period: '2025-02', kind: 'consumption_compensation', source_key: `${RESOURCE}|2025-01|imsi:1`,
    name: 'Correction', unit_price: '-3.5', quantity: '1', currency: 'EUR',
    details: { license_reference: 'XSP1', billing_period: '2025-01' }, created: '2025-02-10T10:00:00Z', modified: '2025-02-10T10:00:00Z',
  });
  // Another month's item: not in the export of 2025-02.
  out.push({ ...out[0], uuid: '44444444-0000-4000-8000-000000000001', billing_period: '2025-03' });
  return out;
}

const refuse = async () => {
  throw new Error('not called');
};
const soracom = { getBilling: refuse, getBillingPerDay: refuse, getLatestBilling: refuse, getBillingHistory: refuse, exportBilling: refuse, exportLatestBilling: refuse, getExportedFile: refuse, download: refuse };
function engineOf(count, events = []) {
  const store = billsync.createMemoryStore({ customers: [{ uuid: CUSTOMER, name: 'Contoso' }], invoice_items: items(count) });
  return new billsync.SoracomEngine({ soracom, store, clock: { now: () => '2025-02-10T10:00:00Z' }, onProgress: (e) => events.push(e) });
}

test('a month of items in pages: chunks in order, conforming, adding up', async () => {
  const events = [];
  const engine = engineOf(1200, events);
  const chunks = [];
  const summary = await engine.focusExport({
    period: '2025-02',
    issuer: 'Example Cloud',
    // Each chunk is taken a little later: the export waits for the Promise before it writes the next.
    onChunk: (chunk) => new Promise((resolve) => setTimeout(() => resolve(chunks.push(chunk)), 1)),
  });
  assert.ok(chunks.length >= 3, `pages of rows, not one string: ${chunks.length} chunks`);
  const { rows, billedCost } = checkFocusExport(chunks.join(''));
  assert.equal(rows.length, 1201);
  assert.equal(summary.rows, 1201);
  let jpy = 0n;
  for (let i = 0; i < 1200; i += 1) jpy += scaledDecimal(`${i}.0${i % 10}`);
  assert.equal(billedCost.get('JPY'), jpy);
  assert.equal(billedCost.get('EUR'), scaledDecimal('-3.5'));
  assert.equal(scaledDecimal(summary.billed_cost.JPY), jpy);
  assert.equal(summary.metadata.FocusVersion, '1.4');
  assert.match(summary.metadata.CorrectionHandling, /delta/);

  const correction = rows.find((r) => r.x_BillsyncItemKind === 'consumption_compensation');
  assert.equal(correction.ChargeClass, 'Correction');
  assert.equal(correction.ChargePeriodStart, '2025-01-01T00:00:00Z');
  assert.equal(correction.ServiceProviderName, 'Arrow');
  const first = rows.find((r) => r.x_BillsyncItemId.endsWith(hex(0)));
  assert.deepEqual(JSON.parse(first.x_BillsyncTrace), { run: 'r1', step: 2 });
  assert.equal(first.ServiceProviderName, 'Soracom');
  assert.equal(first.ServiceCategory, 'Internet of Things');
  assert.equal(first.SubAccountId, CUSTOMER);
  assert.equal(first.SubAccountName, 'Contoso');
  assert.equal(first.InvoiceIssuerName, 'Example Cloud');
  assert.equal(first.ChargeClass, null);
  assert.equal(rows.find((r) => r.x_BillsyncItemId.endsWith(hex(1))).x_BillsyncTrace, null);
  assert.ok(events.some((e) => e.operation === 'focus_export' && e.done === 1201), JSON.stringify(events.at(-1)));
  engine.free();
});

test('JSON lines: one object a line, exact decimals', async () => {
  const engine = engineOf(3);
  let text = '';
  await engine.focusExport({ period: '2025-02', format: 'jsonl', onChunk: (c) => (text += c) });
  assert.equal(checkFocusExport(text, { jsonl: true }).rows.length, 4);
  assert.ok(text.includes('"BilledCost":-3.50,'), 'exact, as the ledger renders it');
  engine.free();
});

test('wrong options are coded errors naming the option; a failing onChunk fails the export', async () => {
  const engine = engineOf(1);
  const expectCode = async (options, code, check) => {
    await assert.rejects(engine.focusExport(options), (e) => {
      assert.ok(e instanceof billsync.BillsyncError, String(e));
      assert.equal(e.code, code, e.message);
      check?.(e);
      return true;
    });
  };
  const onChunk = () => {};
  await expectCode({ period: '2025-02' }, 'invalid_argument', (e) => assert.equal(e.details.argument, 'options.onChunk'));
  await expectCode({ period: 202502, onChunk }, 'invalid_argument', (e) => assert.equal(e.details.argument, 'options.period'));
  await expectCode({ period: '2025-02', format: 1, onChunk }, 'invalid_argument', (e) => assert.equal(e.details.argument, 'options.format'));
  await expectCode({ period: '2025-13', onChunk }, 'validation_failed', (e) => assert.ok('period' in e.fields));
  await expectCode({ period: '2025-02', format: 'xlsx', onChunk }, 'validation_failed', (e) => assert.ok('format' in e.fields));
  await expectCode({ period: '2025-02', onChunk: () => { throw new Error('disk full'); } }, 'adapter_failed', (e) => assert.match(e.message, /disk full/));
  engine.free();
});
