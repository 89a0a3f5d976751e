// IANA time zones through the host's Intl.DateTimeFormat: `timezone: "Europe/Berlin"` decides which month
// "now" is in for both engines, daylight saving time included; fixed offsets keep working; an unknown zone
// fails the constructor with a coded error naming `timezone`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '5e770000-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-00000000000a';
const PROJECT = '9f0ec700-0000-4000-8000-00000000000a';
const RESOURCE = '7e500000-0000-4000-8000-000000000001';

const tables = () => ({
  settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
  customers: [{ uuid: CUSTOMER, name: 'Acme' }],
  projects: [{ uuid: PROJECT, name: 'P', customer_uuid: CUSTOMER }],
  resources: [{ uuid: RESOURCE, name: 'sub-1', project_uuid: PROJECT, backend_id: 'vs-1', state: 'OK',
    attributes: { arrow_license_reference: 'XSP1001' } }],
});

/** The month the Arrow engine's sync_resources ends at when no month is given: "now" in its zone. */
async function arrowMonth(timezone, now) {
  const asked = [];
  const exportPage = JSON.stringify({ data: { headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name',
    'Customer Total Price', 'Total Wholesale Price', 'ARS Subscription ID', 'Report Period'], values: [] } });
  const arrow = {
    billingExport: async (args) => { asked.push(args.periodTo); return exportPage; },
    consumption: async () => { throw new Error('not used'); },
    license: async () => ({ data: { license: { reference: 'XSP1001' } } }),
    licenses: async () => ({ data: { licenses: [] } }),
  };
  const engine = new billsync.ArrowEngine({ arrow, store: billsync.createMemoryStore(tables()), clock: { now: () => now }, timezone });
  await engine.syncResources({ dry_run: true });
  assert.ok(asked.length >= 1 && asked.every((p) => p === asked[0]), JSON.stringify(asked));
  return asked[0].slice(0, 7);
}

/** The Soracom engine's current month, from its status. */
async function soracomMonth(timezone, now) {
  const soracom = Object.fromEntries(['getBilling', 'getLatestBilling', 'getBillingHistory', 'getBillingPerDay', 'exportBilling',
    'exportLatestBilling', 'getExportedFile', 'download'].map((m) => [m, async () => { throw new Error('not used'); }]));
  const store = billsync.createMemoryStore({ soracom_settings: [{ uuid: SETTINGS, currency: 'JPY' }] });
  const engine = new billsync.SoracomEngine({ soracom, store, clock: { now: () => now }, timezone });
  return (await engine.consumptionStatus()).current_period;
}

// [zone, now, month there]: the last hour of March and the first of a month, on both sides of UTC.
const CASES = [
  ['Europe/Berlin', '2025-03-31T21:30:00Z', '2025-03'], // 23:30 CEST
  ['Europe/Berlin', '2025-03-31T22:30:00Z', '2025-04'], // 00:30 CEST on 1 April; still March in UTC
  ['Europe/Berlin', '2025-02-28T23:30:00Z', '2025-03'], // 00:30 CET on 1 March
  ['America/New_York', '2025-04-01T03:30:00Z', '2025-03'], // 23:30 EDT on 31 March; April in UTC
  ['America/New_York', '2025-04-01T04:30:00Z', '2025-04'], // 00:30 EDT; -05:00 would say March
  ['America/New_York', '2025-03-01T03:00:00Z', '2025-02'], // 22:00 EST on 28 February
  ['+01:00', '2025-03-31T22:30:00Z', '2025-03'],
  ['UTC', '2025-03-31T22:30:00Z', '2025-03'],
];

test('both engines find the month of "now" in an IANA zone through Intl, across daylight saving time', async () => {
  for (const [zone, now, month] of CASES) {
    assert.equal(await soracomMonth(zone, now), month, `Soracom ${zone} ${now}`);
    assert.equal(await arrowMonth(zone, now), month, `Arrow ${zone} ${now}`);
  }
});

test('an unknown or malformed zone is a coded error naming timezone, for both engines', () => {
  const clock = { now: () => '2025-01-20T10:00:00Z' };
  for (const timezone of ['Mars/Olympus_Mons', 'Europe/Berlin; drop', '+25:00', '']) {
    for (const make of [
      () => new billsync.ArrowEngine({ arrow: { billingExport() {}, consumption() {}, license() {}, licenses() {} }, store: billsync.createMemoryStore({}), clock, timezone }),
      () => new billsync.SoracomEngine({ soracom: Object.fromEntries(['getBilling', 'getLatestBilling', 'getBillingHistory', 'getBillingPerDay', 'exportBilling',
        'exportLatestBilling', 'getExportedFile', 'download'].map((m) => [m, () => null])), store: billsync.createMemoryStore({}), clock, timezone }),
    ]) {
      assert.throws(make, (e) => {
        assert.ok(billsync.isBillsyncError(e), String(e));
        assert.equal(e.code, 'validation_failed');
        assert.ok(e.fields?.timezone?.length, JSON.stringify(e.fields));
        return true;
      }, timezone);
    }
  }
});

/** The month the preview's compensation is invoiced in: the month of `asOf` in the preview's zone. */
function previewedInvoiceMonth(timezone, asOf) {
  const headers = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'Customer Total Price',
    'Total Wholesale Price', 'ARS Subscription ID', 'Report Period'];
  const result = billsync.previewReconciliation({
    period: '2025-03', asOf, timezone, settings: { currency: 'EUR' },
    records: [{ resource_uuid: RESOURCE, customer_uuid: CUSTOMER, license_reference: 'XSP1001', billing_period: '2025-03-01',
      consumed_sell: '100.00', consumed_buy: '80.00' }],
    exportPayload: { data: { headers, values: [['IAAS', 'vs-1', 'Acme', '95.00', '76.00', 'XSP1001', '2025-03']] } },
  });
  const [credit] = result.changeset.writes.filter((w) => w.op === 'create' && w.table === 'invoice_items');
  assert.equal(credit.row.unit_price, '-5.00');
  return credit.row.billing_period;
}

test('previewReconciliation invoices in the month of asOf in an IANA zone, across daylight saving time', () => {
  for (const [zone, now, month] of CASES) assert.equal(previewedInvoiceMonth(zone, now), month, `${zone} ${now}`);
  for (const timezone of ['Mars/Olympus_Mons', '+25:00']) {
    assert.throws(() => previewedInvoiceMonth(timezone, '2025-03-31T22:30:00Z'),
      (e) => e.code === 'validation_failed' && 'timezone' in e.fields, timezone);
  }
});
