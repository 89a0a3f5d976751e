// End to end over real HTTP on 127.0.0.1: the admin backend (ArrowEngine on SQLite) driving the Arrow
// simulator. Expectations are computed from the demo dataset with exact decimals, never hard-coded.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server.mjs';
import { createUser, issueToken } from '../auth.mjs';
import { Dec, sum } from '../support/decimal.mjs';
import { CUSTOMERS, LICENSES, billingExportRows, consumptionPayload, EXPORT_HEADERS, CONSUMPTION_HEADERS } from '../demo-data.mjs';

const TOKEN = 'test-admin-token';
const YEAR = 2025;
const MONTH = 6;
const PERIOD = '2025-06';

// Without a wasm build these tests say so instead of failing on a missing file (`make test-examples` builds
// first). A build without ArrowEngine is a failure, not a skip.
const PKG = new URL('../../../pkg/', import.meta.url);
const NOT_BUILT = !existsSync(new URL('dist/node/billsync.js', PKG)) && 'pkg/dist is not built (make build)';

let app;
let dir;
const logs = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'billsync-admin-'));
  app = await startServer({ port: 0, dbPath: join(dir, 'billsync.sqlite'), adminToken: TOKEN, log: (line) => logs.push(line) });
});

after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(method, path, { body, token = TOKEN, query } = {}) {
  const url = new URL(`/api/admin/arrow/${path}`, app.url);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Token ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}

/** Every consumption record of the period through the list endpoint, following its pages. */
async function records() {
  const out = [];
  for (let page = 1; page < 50; page += 1) {
    const res = await api('GET', 'consumption-records/', { query: { billing_period: `${PERIOD}-01`, page, page_size: 5 } });
    assert.strictEqual(res.status, 200, res.text);
    out.push(...res.json);
    if (!/rel="next"/.test(res.headers.get('link') ?? '')) return out;
  }
  assert.fail('pagination never ended');
}

const column = (headers, name) => headers.indexOf(name);

/** What Arrow's consumption API says a licence consumed in the period, summed exactly. */
function consumed(license) {
  const { data } = consumptionPayload(license.reference, PERIOD, PERIOD);
  const sell = column(CONSUMPTION_HEADERS, 'Total sell price');
  const buy = column(CONSUMPTION_HEADERS, 'Total buy price');
  return { sell: sum(data.lines.map((l) => l[sell])), buy: sum(data.lines.map((l) => l[buy])) };
}

/** What the billing export finally bills for a licence (IAAS lines), or null when it has no line. */
function billed(license) {
  const rows = billingExportRows(PERIOD, PERIOD).filter(
    (r) => r[column(EXPORT_HEADERS, 'ARS Subscription ID')] === license.reference && r[column(EXPORT_HEADERS, 'Classification')] === 'IAAS',
  );
  if (rows.length === 0) return null;
  return {
    sell: sum(rows.map((r) => r[column(EXPORT_HEADERS, 'Customer Total Price')])),
    buy: sum(rows.map((r) => r[column(EXPORT_HEADERS, 'Total Wholesale Price')])),
  };
}

const hosted = LICENSES.filter((l) => l.host !== false);
const byLicence = (rows) => Object.fromEntries(rows.map((r) => [r.license_reference, r]));
const sourceKey = (r) => `${r.resource_uuid}|${r.billing_period}|${r.source_ref}`;

/** Σ unit_price × quantity of the invoice items billed for each record, from the SQLite tables. */
function invoiced(snapshot) {
  const out = new Map();
  for (const item of snapshot.invoice_items) {
    const line = Dec.parse(item.unit_price).mul(Dec.parse(item.quantity));
    out.set(item.source_key, (out.get(item.source_key) ?? Dec.ZERO).add(line));
  }
  return out;
}

describe('the admin API end to end', { skip: NOT_BUILT }, () => {
  test('the engine is loaded', () => {
    assert.ok(app.engine, 'startServer found no ArrowEngine in the billsync package');
  });

  test('callers without a live token get 401, callers who are not staff 403', async () => {
    for (const token of [null, 'not-the-admin-token']) {
      const res = await api('GET', 'consumption-records/', { token });
      assert.strictEqual(res.status, 401, res.text);
      assert.strictEqual((await api('POST', 'billing-syncs/trigger_consumption_sync/', { token, body: { year: YEAR, month: MONTH } })).status, 401);
    }
    await createUser(app.store, { username: 'not-staff' });
    const { token } = await issueToken(app.store, 'not-staff');
    const res = await api('GET', 'consumption-records/', { token });
    assert.strictEqual(res.status, 403, res.text);
    assert.match(res.json.detail, /permission/);
    assert.strictEqual((await api('POST', 'billing-syncs/trigger_consumption_sync/', { token, body: { year: YEAR, month: MONTH } })).status, 403);
  });

  test('month 13 is a 400 with field errors', async () => {
    const res = await api('POST', 'billing-syncs/trigger_consumption_sync/', { body: { year: YEAR, month: 13 } });
    assert.strictEqual(res.status, 400, res.text);
    assert.ok(Array.isArray(res.json.month) && res.json.month.length > 0, res.text);
    assert.strictEqual(res.json.year, undefined);
  });

  test('{"month": 1e400} over HTTP: the number is out of range, not "may not be null"', async () => {
    const res = await fetch(`${app.url}/api/admin/arrow/billing-syncs/trigger_consumption_sync/`, {
      method: 'POST',
      headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' },
      body: `{"year": ${YEAR}, "month": 1e400}`,
    });
    const text = await res.text();
    assert.strictEqual(res.status, 400, text);
    assert.deepStrictEqual(JSON.parse(text), { month: ['The number is out of range: it reads as Infinity, which JSON cannot hold.'] });
  });

  test('an unknown uuid is a 404 naming what was not found', async () => {
    const uuid = '7d9f4a52-1c2b-4e5f-8a9b-0c1d2e3f4a5b';
    for (const [path, what] of [[`consumption-records/${uuid}/`, 'consumption record'], [`billing-syncs/${uuid}/`, 'billing sync']]) {
      const res = await api('GET', path);
      assert.strictEqual(res.status, 404, res.text);
      assert.deepStrictEqual(res.json, { detail: `Not found: ${what} ${uuid}.` });
    }
  });

  test("fetch_license_info for a licence Arrow does not have is a 404 naming it, not a 502", async () => {
    const res = await api('POST', 'billing-syncs/fetch_license_info/', { body: { license_reference: 'XSP-NO-SUCH' } });
    assert.strictEqual(res.status, 404, res.text);
    assert.deepStrictEqual(res.json, { detail: 'Not found: Arrow licence "XSP-NO-SUCH".' });
  });

  test('consumption sync: one record per licensed resource, consumed_sell as Arrow summed it', async () => {
    const res = await api('POST', 'billing-syncs/trigger_consumption_sync/', { body: { year: YEAR, month: MONTH } });
    // The sync ran in the request: 200 with its counters, not 202 with an empty body.
    assert.strictEqual(res.status, 200, res.text);
    assert.strictEqual(res.json.synced, hosted.length, res.text);

    const got = byLicence(await records());
    assert.deepStrictEqual(Object.keys(got).sort(), hosted.map((l) => l.reference).sort());
    for (const license of hosted) {
      const record = got[license.reference];
      const expected = consumed(license);
      assert.strictEqual(record.consumed_sell, expected.sell.toFixed(2), `${license.reference} consumed_sell`);
      assert.strictEqual(record.consumed_buy, expected.buy.toFixed(2), `${license.reference} consumed_buy`);
      assert.strictEqual(record.billing_period, `${PERIOD}-01`);
      assert.strictEqual(record.resource_name, license.name);
      assert.strictEqual(record.customer_name, CUSTOMERS.find((c) => c.reference === license.customer).name);
      assert.strictEqual(record.final_sell, null);
      assert.strictEqual(record.is_finalized, false);
      assert.strictEqual(record.is_reconciled, false);
    }

    // The store holds the exact sums, and the provisional item bills exactly them.
    const snapshot = app.store.snapshot();
    const items = invoiced(snapshot);
    for (const row of snapshot.consumption_records) {
      const license = LICENSES.find((l) => l.reference === row.source_ref);
      assert.ok(Dec.parse(row.consumed_sell).eq(consumed(license).sell), `${row.source_ref} stored consumed_sell ${row.consumed_sell}`);
      assert.ok(items.get(sourceKey(row))?.eq(Dec.parse(row.consumed_sell)), `${row.source_ref} provisional item`);
    }
  });

  test('reconciliation: finals from the export, adjustments, and money conserved', async () => {
    const res = await api('POST', 'billing-syncs/trigger_reconciliation/', { body: { year: YEAR, month: MONTH } });
    assert.strictEqual(res.status, 200, res.text);

    const got = byLicence(await records());
    let credits = 0;
    let charges = 0;
    let exact = 0;
    for (const license of hosted) {
      const record = got[license.reference];
      const final = billed(license);
      const provisional = consumed(license);
      if (final === null) {
        assert.strictEqual(license.adjust, 'missing');
        assert.strictEqual(record.final_sell, null, `${license.reference} has no billing data`);
        assert.strictEqual(record.adjustment_amount, null);
        assert.strictEqual(record.is_reconciled, false);
        continue;
      }
      const adjustment = final.sell.sub(provisional.sell);
      assert.strictEqual(record.final_sell, final.sell.toFixed(2), `${license.reference} final_sell`);
      assert.strictEqual(record.final_buy, final.buy.toFixed(2), `${license.reference} final_buy`);
      assert.strictEqual(record.adjustment_amount, adjustment.toFixed(2), `${license.reference} adjustment_amount`);
      assert.strictEqual(record.is_finalized, true);
      assert.strictEqual(record.is_reconciled, true);
      assert.strictEqual(record.compensation_item_uuid === '00000000-0000-0000-0000-000000000000', adjustment.eq(Dec.ZERO), `${license.reference} compensation item`);
      if (adjustment.digits < 0n) credits += 1;
      else if (adjustment.digits > 0n) charges += 1;
      else exact += 1;
    }
    assert.ok(credits > 0 && charges > 0 && exact > 0, 'the demo has credits, charges and exact finals');
    assertConservation();
  });

  test('a forced re-run creates no new invoice items and keeps the money', async () => {
    const before = app.store.snapshot();
    for (const [path, body] of [
      ['billing-syncs/trigger_reconciliation/', { year: YEAR, month: MONTH, force: true }],
      ['billing-syncs/trigger_consumption_sync/', { year: YEAR, month: MONTH }],
      ['billing-syncs/trigger_reconciliation/', { year: YEAR, month: MONTH, force: true }],
    ]) {
      const res = await api('POST', path, { body });
      assert.strictEqual(res.status, 200, `${path}: ${res.text}`);
    }
    const afterwards = app.store.snapshot();
    assert.deepStrictEqual(afterwards.invoice_items.map((i) => i.uuid), before.invoice_items.map((i) => i.uuid), 'no new invoice item');
    const money = (items) => items.map((i) => [i.uuid, i.source_key, i.unit_price, i.quantity, i.currency]);
    assert.deepStrictEqual(money(afterwards.invoice_items), money(before.invoice_items), 'no item was repriced');
    // Items of reconciled records are final: not even rewritten. (A still-provisional record's item may be
    // rewritten by a consumption re-sync, which overwrites provisional figures by design.)
    const reconciledKeys = new Set(before.consumption_records.filter((r) => r.reconciled_at).map(sourceKey));
    const settled = (items) => items.filter((i) => reconciledKeys.has(i.source_key));
    assert.ok(settled(before.invoice_items).length > 0);
    assert.deepStrictEqual(settled(afterwards.invoice_items), settled(before.invoice_items), 'settled items untouched');
    assertConservation();
  });

  test("statements: trigger_sync, then an unforced reconcile, validated by Arrow's own statement status", async () => {
    const synced = await api('POST', 'billing-syncs/trigger_sync/', { body: { year: YEAR, month: MONTH } });
    assert.strictEqual(synced.status, 200, synced.text);
    // The demo settings trust only Arrow's own state: the simulator's statements call says Fulfilled for a
    // month long over, so the reconcile needs no force.
    const reconciled = await api('POST', 'billing-syncs/reconcile/', { body: { year: YEAR, month: MONTH } });
    assert.strictEqual(reconciled.status, 200, reconciled.text);
    const syncs = await api('GET', 'billing-syncs/', { query: { report_period: PERIOD } });
    assert.strictEqual(syncs.status, 200, syncs.text);
    assert.ok(syncs.json.length > 0, 'the month has statements');
    for (const sync of syncs.json) {
      assert.strictEqual(sync.arrow_state, 'validated', sync.statement_reference);
      assert.strictEqual(sync.state, 4, `${sync.statement_reference} reconciled without force`);
    }
    assertConservation();
  });

  test('HEAD on a list gives X-Result-Count and no body', async () => {
    const all = await api('GET', 'consumption-records/', { query: { page_size: 100 } });
    const res = await api('HEAD', 'consumption-records/');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('x-result-count'), String(all.json.length));
    assert.strictEqual(res.text, '');
  });
});

/** For every record: Σ invoice items for its key = its final (price source sell), or its consumption before that. */
function assertConservation() {
  const snapshot = app.store.snapshot();
  const items = invoiced(snapshot);
  assert.ok(snapshot.consumption_records.length > 0);
  for (const row of snapshot.consumption_records) {
    const expected = Dec.parse(row.final_sell ?? row.consumed_sell);
    const total = items.get(sourceKey(row)) ?? Dec.ZERO;
    assert.ok(total.eq(expected), `${row.source_ref}: invoiced ${total} but ${row.final_sell === null ? 'consumed' : 'final'} is ${expected}`);
  }
}
