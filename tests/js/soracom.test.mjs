// Soracom from JS: a SoracomEngine over the memory store and a JS adapter (asynchronous export, CSV bytes
// with a BOM), the month synced while open, reconciled once closed, and the customers' bills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '50ac0000-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-00000000000a';
const PROJECT = '9f0ec700-0000-4000-8000-00000000000a';
const sim = (n) => `51350000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const IMSI = ['440103000000001', '440103000000002'];

const tables = () => ({
  soracom_settings: [{ uuid: SETTINGS, name: 'Soracom', operator_id: 'OP0012345678', currency: 'JPY', reconciliation_tolerance: '1' }],
  customers: [{ uuid: CUSTOMER, name: 'Acme' }],
  projects: [{ uuid: PROJECT, name: 'IoT', customer_uuid: CUSTOMER }],
  resources: IMSI.map((imsi, i) => ({ uuid: sim(i + 1), name: `sim ${imsi}`, project_uuid: PROJECT, backend_id: imsi, state: 'OK', attributes: { soracom_kind: 'imsi' } })),
});

const csv = (days) => {
  const rows = ['imsi,date,billItemName,unitPrice,quantity,amount,tag.name'];
  IMSI.forEach((imsi, i) => days[i].forEach((amount, d) => rows.push(`${imsi},2025010${d + 1},"Air data, s1",0.2,${amount * 5},${amount},"unit ${i}"`)));
  rows.push(`${IMSI[0]},202501,Basic fee,100,1,100,"unit 0"`);
  rows.push(`${IMSI[1]},202501,Discount,-2,1,-2,"unit 1"`);
  return new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(rows.join('\r\n'))]);
};

function adapter(month) {
  let polls = 0;
  return {
    calls: [],
    getBilling: async ({ yyyyMM }) => {
      if (yyyyMM !== '202501') throw Object.assign(new Error('no bill'), { status: 404 });
      return JSON.stringify({ amount: 1, currency: 'JPY', state: month.closed ? 'closed' : 'temporary', yearMonth: yyyyMM });
    },
    getLatestBilling: async () => '{"amount": 1, "currency": "JPY"}',
    getBillingHistory: async () => '{"billList": []}',
    getBillingPerDay: async () => null,
    exportBilling: async ({ exportMode }) => {
      assert.equal(exportMode, 'async');
      polls = 0;
      return '{"exportedFileId": "f-1", "exportedFilePath": "x"}';
    },
    exportLatestBilling: async () => { throw new Error('not used'); },
    getExportedFile: async ({ exportedFileId }) => {
      polls += 1;
      return polls < 2 ? { status: 'processing' } : { status: 'exported', url: `https://files.example/${exportedFileId}.csv` };
    },
    download: async () => csv(month.days),
  };
}

const cents = (s) => BigInt(String(s).replace('.', '').padEnd(1, '0')) * (String(s).includes('.') ? 1n : 100n);

test('a SoracomEngine syncs the open month, waits for the close, and reconciles to the final CSV', async () => {
  const store = billsync.createMemoryStore(tables());
  const month = { closed: false, days: [[10, 20, 30], [5, 5, 5]] };
  let now = '2025-01-20T10:00:00Z';
  const progress = [];
  const engine = new billsync.SoracomEngine({ soracom: adapter(month), store, clock: { now: () => now }, onProgress: (e) => progress.push(e) });
  const post = (action, body) => engine.handle({ method: 'POST', path: `/api/admin/soracom/billing-syncs/${action}/`, body, user: { is_staff: true } });

  const sync = await post('trigger_consumption_sync', { year: 2025, month: 1 });
  assert.equal(sync.status, 200, JSON.stringify(sync.body));
  assert.equal(sync.body.synced, 2);
  assert.ok(progress.some((e) => /still being made/.test(e.message)), 'the export was polled');
  const records = store.snapshot().consumption_records;
  assert.deepEqual(records.map((r) => r.consumed_sell).sort(), ["13.00", "160.00"]);

  now = '2025-02-02T10:00:00Z';
  assert.equal((await post('trigger_reconciliation', { year: 2025, month: 1 })).body.month_closed, false);

  Object.assign(month, { closed: true, days: [[10, 25, 30], [5, 5, 1]] });
  now = '2025-02-04T10:00:00Z';
  const done = await post('trigger_reconciliation', { year: 2025, month: 1 });
  assert.equal(done.body.month_closed, true);
  assert.equal(done.body.compensation_items_created, 2);
  const { consumption_records: after, invoice_items: items } = store.snapshot();
  for (const record of after) {
    const key = `${record.resource_uuid}|${record.billing_period}|${record.source_ref}`;
    const billed = items.filter((i) => i.source_key === key).reduce((sum, i) => sum + cents(i.unit_price), 0n);
    assert.equal(billed, cents(record.final_sell), `${record.source_ref} bills its final exactly`);
  }

  assert.deepEqual(await engine.monthlyBill(CUSTOMER, '202501'), { amount: 165 + 9, currency: 'JPY', state: 'closed', yearMonth: '202501' });
  const daily = await engine.dailyBills(CUSTOMER, '202501');
  assert.deepEqual(daily.billList.map((d) => [d.date, d.amount]), [['20250103', 31], ['20250102', 30], ['20250101', 15]]);
  assert.equal((await engine.billingHistory(CUSTOMER)).billList.length, 1);
  const list = await engine.handle({ method: 'GET', path: '/api/admin/soracom/consumption-records/', user: { is_staff: true } });
  assert.equal(list.headers['x-result-count'], '2');
  await assert.rejects(engine.monthlyBill(CUSTOMER, '2025-01'), (e) => billsync.isBillsyncError(e) && e.code === 'validation_failed');
});

test('previewReconciliation takes a closed Soracom bill and its CSV, and refuses a temporary one', () => {
  const bill = { amount: 174, currency: 'JPY', state: 'closed', yearMonth: '202501' };
  const records = [
    { subscriber: `imsi:${IMSI[0]}`, consumed_sell: '160', resource_uuid: sim(1), customer_uuid: CUSTOMER },
    { subscriber: `imsi:${IMSI[1]}`, consumed_sell: '13', resource_uuid: sim(2), customer_uuid: CUSTOMER },
  ];
  const preview = billsync.previewReconciliation({
    vendor: 'soracom', period: '2025-01', asOf: '2025-02-04T10:00:00Z', records, bill,
    csv: csv([[10, 25, 30], [5, 5, 1]]), settings: { currency: 'JPY', reconciliation_tolerance: '1' },
  });
  assert.deepEqual(preview.summary.records.map((r) => [r.subscriber, r.final_sell, r.action]),
    [[`imsi:${IMSI[0]}`, '165.00', 'additional_charge'], [`imsi:${IMSI[1]}`, '9.00', 'credit']]);
  assert.deepEqual(preview.summary.totals, [{ currency: 'JPY', consumed: '173.00', final: '174.00', adjustment: '1.00' }]);
  assert.ok(preview.changeset.writes.every((w) => w.row?.vendor === undefined || w.row.vendor === 'soracom'));
  assert.throws(() => billsync.previewReconciliation({ vendor: 'soracom', period: '2025-01', asOf: '2025-02-04T10:00:00Z', records,
    bill: { ...bill, state: 'temporary' }, csv: csv([[1], [1]]) }), (e) => e.code === 'validation_failed' && Array.isArray(e.fields.bill));
  // Per account: the bill alone.
  const account = billsync.previewReconciliation({ vendor: 'soracom', period: '2025-01', asOf: '2025-02-04T10:00:00Z',
    records: [{ subscriber: 'account', consumed_sell: '170' }], bill, settings: { granularity: 'account' } });
  assert.equal(account.summary.records[0].compensation, '4.00');
});

// Issue 18: the preview takes the records as the engine lists them (`listConsumptionRecords()`, the
// `consumption-records` endpoint) and as the store holds them, and bills the same compensations as the
// engine's own reconciliation.
test('list → previewReconciliation → the same compensations as the engine', async () => {
  const store = billsync.createMemoryStore(tables());
  const month = { closed: false, days: [[10, 20, 30], [5, 5, 5]] };
  let now = '2025-01-20T10:00:00Z';
  const engine = new billsync.SoracomEngine({ soracom: adapter(month), store, clock: { now: () => now } });
  await engine.triggerConsumptionSync({ year: 2025, month: 1 });
  const listed = await engine.listConsumptionRecords({});
  const viaHandle = (await engine.handle({ method: 'GET', path: '/api/admin/soracom/consumption-records/', user: { is_staff: true } })).body;
  const stored = store.snapshot().consumption_records;
  assert.ok('consumed_amount' in listed[0] && 'source_ref' in stored[0]);

  Object.assign(month, { closed: true, days: [[10, 25, 30], [5, 5, 1]] });
  now = '2025-02-04T10:00:00Z';
  const bill = { amount: 174, currency: 'JPY', state: 'closed', yearMonth: '202501' };
  const compensations = (writes) => writes.filter((w) => w.table === 'invoice_items' && w.op === 'create')
    .map((w) => [w.row.source_key, w.row.unit_price]).sort();
  const previews = [listed, viaHandle, stored].map((records) => compensations(billsync.previewReconciliation({
    vendor: 'soracom', period: '2025-01', asOf: now, records, bill, csv: csv(month.days),
    settings: { currency: 'JPY', reconciliation_tolerance: '1' },
  }).changeset.writes));
  const done = await engine.triggerReconciliation({ year: 2025, month: 1, dry_run: true });
  const engineMade = compensations(done.changeset.writes);
  assert.equal(engineMade.length, 2);
  for (const previewed of previews) assert.deepEqual(previewed, engineMade);
});

// Issue 18: a SIM of the CSV with no host resource is reported through JS too (counters, error details,
// progress events, the listing), and undefined optionals are absent in handle's request.
test('a SIM with no resource is unowned money: counted, detailed, a progress event, and listed', async () => {
  const store = billsync.createMemoryStore(tables());
  const month = { closed: false, days: [[10], [5]] };
  const soracom = adapter(month);
  const download = soracom.download;
  soracom.download = async () => {
    const bytes = await download();
    return new TextDecoder().decode(bytes) + '\r\n440103000000099,20250101,Air data,1,1,42,"stray"';
  };
  const progress = [];
  const engine = new billsync.SoracomEngine({ soracom, store, clock: { now: () => '2025-01-20T10:00:00Z' }, onProgress: (e) => progress.push(e) });
  const sync = await engine.handle({ method: 'POST', path: '/api/admin/soracom/billing-syncs/trigger_consumption_sync/',
    body: { year: 2025, month: 1 }, user: { is_staff: true }, query: undefined, headers: undefined, baseUrl: undefined });
  assert.equal(sync.status, 200, JSON.stringify(sync.body));
  assert.equal(sync.body.unowned, 1);
  const [detail] = sync.body.error_details;
  assert.deepEqual([detail.code, detail.subscriber, detail.amount, detail.currency], ['unowned', 'imsi:440103000000099', '42.00', 'JPY']);
  assert.ok(progress.some((e) => /imsi:440103000000099/.test(e.message) && /no invoice/.test(e.message)));
  const listing = await engine.handle({ method: 'GET', path: '/api/admin/soracom/billing-syncs/unowned/', query: { period: '2025-01' }, user: { is_staff: true } });
  assert.equal(listing.status, 200);
  assert.deepEqual(listing.body.totals, [{ currency: 'JPY', amount: '42.00' }]);
  assert.equal(listing.body.lines[0].reason.includes('no host resource'), true);
});
