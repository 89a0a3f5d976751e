// The Soracom simulator over real HTTP on 127.0.0.1, read as billsync's parsers read it (seed 002 and
// spec/soracom.md): the shapes, the late close, the drift, the export flows, the CSV, and that the per-SIM sums
// of the CSV are exactly the figures the test helpers call final (or preliminary while the month is open).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert';
import { startSoracomSimulator } from '../soracom-simulator.mjs';
import { SORACOM_API_KEY, SORACOM_TOKEN, SORACOM_CSV_HEADERS, SORACOM_SIMS, SORACOM_DEVICES, subscriberKey } from '../soracom-demo-data.mjs';
import { csvRecords, parseCsv } from '../support/csv.mjs';
import { Dec, sum } from '../support/decimal.mjs';

const AUTH = { 'X-Soracom-API-Key': SORACOM_API_KEY, 'X-Soracom-Token': SORACOM_TOKEN };
let clock = '2025-06-02T09:30:00Z';
let sim;

before(async () => {
  sim = await startSoracomSimulator({ now: () => clock, failExport: '202503', exportPolls: 2 });
});
after(() => sim.close());

async function call(method, path, { headers = AUTH } = {}) {
  const res = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, { method, headers });
  const text = await res.text();
  return { status: res.status, text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

// --- The models as billsync's Rust parsers read them (src/vendors/soracom/*.rs) --------------------------
const PAYMENT = ['lessThanMinimumCharge', 'paying', 'paid', 'fail', 'refunding', 'refunded', 'refund_fail', 'delegating_to_third_party', 'delegated_to_third_party', 'charging', 'canceling', 'cancelled', 'cancel_failed'];
const YYYYMM = /^\d{4}(0[1-9]|1[0-2])$/;
const isDay = (s) => /^\d{8}$/.test(s) && !Number.isNaN(Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}T00:00:00Z`)) && new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}T00:00:00Z`).getUTCDate() === Number(s.slice(6));

/** Amounts are JSON numbers in the text itself (never strings), integers for JPY. */
function assertAmountsAreNumbers(text) {
  const amounts = [...text.matchAll(/"(amount|appliedCouponAmount)":([^,}]+)/g)].map((m) => m[2]);
  assert.ok(amounts.length > 0);
  for (const a of amounts) assert.match(a, /^-?\d+$/, `an amount written as ${a}`);
}

function assertMonthlyBill(bill, yyyyMM) {
  assert.strictEqual(bill.yearMonth, yyyyMM);
  assert.ok(Number.isInteger(bill.amount));
  assert.ok(Number.isInteger(bill.appliedCouponAmount));
  assert.strictEqual(bill.currency, 'JPY');
  assert.ok(['temporary', 'closed'].includes(bill.state), bill.state);
  if (bill.paymentStatus !== undefined) assert.ok(PAYMENT.includes(bill.paymentStatus));
  for (const key of Object.keys(bill)) assert.ok(['amount', 'appliedCouponAmount', 'currency', 'paymentStatus', 'paymentTransactionId', 'state', 'yearMonth'].includes(key), key);
}

describe('shapes', () => {
  test('MonthlyBill, GetLatestBill, GetBillingHistoryResponse and DailyBillResponse', async () => {
    clock = '2025-06-10T08:15:42Z';
    const closed = await call('GET', '/bills/202504');
    assert.strictEqual(closed.status, 200);
    assertAmountsAreNumbers(closed.text);
    assertMonthlyBill(closed.json, '202504');
    assert.deepStrictEqual(
      { state: closed.json.state, paymentStatus: closed.json.paymentStatus, amount: String(closed.json.amount), coupon: String(closed.json.appliedCouponAmount) },
      { state: 'closed', paymentStatus: 'paid', amount: sim.finalFigures('202504').total, coupon: sim.finalFigures('202504').appliedCouponAmount },
    );
    assert.match(closed.json.paymentTransactionId, /\S/);

    const latest = await call('GET', '/bills/latest');
    assertAmountsAreNumbers(latest.text);
    assert.deepStrictEqual(Object.keys(latest.json).sort(), ['amount', 'currency', 'lastEvaluatedTime']);
    assert.strictEqual(latest.json.currency, 'JPY');
    assert.strictEqual(latest.json.lastEvaluatedTime, '20250610080000');
    assert.strictEqual(String(latest.json.amount), sim.preliminaryFigures('202506').total);

    const history = await call('GET', '/bills');
    assertAmountsAreNumbers(history.text);
    assert.deepStrictEqual(history.json.billList.map((b) => b.yearMonth), ['202505', '202504', '202503'], 'closed months only, newest first');
    for (const b of history.json.billList) assertMonthlyBill(b, b.yearMonth);
    assert.ok(history.json.billList.every((b) => b.state === 'closed'));

    const daily = await call('GET', '/bills/202504/daily');
    assertAmountsAreNumbers(daily.text);
    const days = daily.json.billList;
    assert.ok(days.length >= 28);
    for (const d of days) {
      assert.deepStrictEqual(Object.keys(d).sort(), ['amount', 'currency', 'date']);
      assert.ok(isDay(d.date) && d.date.startsWith('202504'), d.date);
      assert.strictEqual(d.currency, 'JPY');
    }
    assert.deepStrictEqual(days.map((d) => d.date), [...days.map((d) => d.date)].sort().reverse(), 'newest first');
    assert.strictEqual(new Set(days.map((d) => d.date)).size, days.length, 'each date once');
    // The days leave the monthly-basis fees out: they do not sum to the month.
    const f = sim.finalFigures('202504');
    const dayTotal = days.reduce((s, d) => s + BigInt(d.amount), 0n);
    assert.strictEqual(String(dayTotal), f.dailyTotal);
    assert.strictEqual(dayTotal + BigInt(f.monthlyBasis), BigInt(closed.json.amount));
    assert.notStrictEqual(String(dayTotal), String(closed.json.amount));
  });

  test('FileExportResponse (sync and async) and the exported file\'s status', async () => {
    clock = '2025-06-10T08:00:00Z';
    const sync = await call('POST', '/bills/202504/export?export_mode=sync');
    assert.deepStrictEqual(Object.keys(sync.json), ['url']);
    assert.match(sync.json.url, /^http:\/\/127\.0\.0\.1:\d+\/s3\//);
    const async = await call('POST', '/bills/202504/export?export_mode=async');
    assert.deepStrictEqual(Object.keys(async.json).sort(), ['exportedFileId', 'exportedFilePath']);
    assert.ok(async.json.exportedFileId.trim() && async.json.exportedFilePath.trim());
    const status = await call('GET', `/files/exported/${async.json.exportedFileId}`);
    assert.deepStrictEqual(status.json, { status: 'processing' });
    assert.strictEqual((await call('POST', '/bills/202504/export?export_mode=later')).status, 400);
  });
});

describe('the monthly cycle', () => {
  test('the previous month closes late: temporary (preliminary) for the first 3 days, then closed (final)', async () => {
    for (const [now, state] of [['2025-06-01T00:00:00Z', 'temporary'], ['2025-06-03T23:59:59Z', 'temporary'], ['2025-06-04T00:00:00Z', 'closed'], ['2025-06-20T12:00:00Z', 'closed']]) {
      clock = now;
      assert.strictEqual(sim.stateOf('202505'), state, now);
      const bill = (await call('GET', '/bills/202505')).json;
      assert.strictEqual(bill.state, state, now);
      const expected = state === 'closed' ? sim.finalFigures('202505') : sim.preliminaryFigures('202505');
      assert.strictEqual(String(bill.amount), expected.total, now);
      assert.strictEqual(bill.paymentStatus, state === 'closed' ? 'paid' : undefined);
      const history = (await call('GET', '/bills')).json.billList.map((b) => b.yearMonth);
      assert.strictEqual(history.includes('202505'), state === 'closed', now);
      // latest already shows the new month while the old one is open
      assert.strictEqual(String((await call('GET', '/bills/latest')).json.amount), sim.preliminaryFigures('202506').total);
      const daily = (await call('GET', '/bills/202505/daily')).json.billList;
      assert.deepStrictEqual(daily.map((d) => [d.date, String(d.amount)]), expected.daily.map((d) => [d.date, d.amount]));
    }
    assert.deepStrictEqual(sim.months(), ['202503', '202504', '202505', '202506']);
    assert.strictEqual(sim.currentMonth(), '202506');
  });

  test('the current month is temporary and drifts from its final: some SIMs up, some down, some exact', async () => {
    clock = '2025-06-15T00:00:00Z';
    const bill = (await call('GET', '/bills/202506')).json;
    assert.strictEqual(bill.state, 'temporary');
    const pre = sim.preliminaryFigures('202506');
    const fin = sim.finalFigures('202506');
    assert.strictEqual(String(bill.amount), pre.total);
    assert.notStrictEqual(pre.total, fin.total);
    const drift = Math.abs(Number(fin.total) - Number(pre.total)) / Number(fin.total);
    assert.ok(drift > 0 && drift < 0.1, `a few percent, got ${drift}`);
    for (const s of [...SORACOM_SIMS, ...SORACOM_DEVICES]) {
      const key = subscriberKey(s.kind, s.id);
      const [p, f] = [BigInt(pre.perSubscriber[key]), BigInt(fin.perSubscriber[key])];
      const want = { up: f > p, down: f < p, exact: f === p }[s.drift];
      assert.ok(want, `${key} drifts ${s.drift}: preliminary ${p}, final ${f}`);
    }
    assert.strictEqual(pre.accountLevel, fin.accountLevel, 'account-level rows do not drift');
  });

  test('errors: 401 without the right headers, 400 outside the 18-month window, 404 SEM0016 for unknown months', async () => {
    clock = '2025-06-15T00:00:00Z';
    for (const headers of [{}, { 'X-Soracom-API-Key': SORACOM_API_KEY }, { ...AUTH, 'X-Soracom-Token': 'wrong' }]) {
      const res = await call('GET', '/bills/latest', { headers });
      assert.strictEqual(res.status, 401);
      assert.deepStrictEqual(Object.keys(res.json).sort(), ['code', 'message']);
    }
    for (const month of ['202312', '202413', '2025-05', 'latest2']) {
      const res = await call('GET', `/bills/${month}`);
      assert.strictEqual(res.status, 400, month);
      assert.strictEqual(typeof res.json.code, 'string');
    }
    for (const month of ['202401', '202502', '202507', '203001']) {
      const res = await call('GET', `/bills/${month}`);
      assert.strictEqual(res.status, 404, month);
      assert.strictEqual(res.json.code, 'SEM0016');
      assert.strictEqual((await call('GET', `/bills/${month}/daily`)).status, 404);
      assert.strictEqual((await call('POST', `/bills/${month}/export?export_mode=sync`)).status, 404);
    }
    assert.strictEqual((await call('GET', '/files/exported/nope')).status, 404);
  });
});

describe('the CSV export', () => {
  async function exportCsv(path, mode = 'sync') {
    const res = await call('POST', `${path}/export?export_mode=${mode}`);
    assert.strictEqual(res.status, 200, res.text);
    let url = res.json.url;
    if (mode === 'async') {
      const polled = [];
      for (let i = 0; i < 10 && !url; i += 1) {
        const status = (await call('GET', `/files/exported/${res.json.exportedFileId}`)).json;
        polled.push(status.status);
        if (status.status === 'failed') return { polled };
        url = status.url;
      }
      assert.deepStrictEqual(polled, ['processing', 'processing', 'exported']);
    }
    // Storage needs no Soracom headers, only the signature in the url.
    const file = await fetch(url);
    assert.strictEqual(file.status, 200);
    assert.strictEqual((await fetch(url.replace(/Signature=\w+/, 'Signature=forged'))).status, 403);
    return { bytes: Buffer.from(await file.arrayBuffer()) };
  }

  /** The engine's per-subscriber sums of a CSV, computed here with exact decimals. */
  function perSubscriber(records) {
    const out = {};
    for (const r of records) {
      const key = r.imsi ? `imsi:${r.imsi}` : r.deviceId ? `deviceId:${r.deviceId}` : 'account';
      out[key] = (out[key] ?? Dec.ZERO).add(Dec.parse(r.amount));
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.toString()]));
  }

  test('UTF-8 with a BOM, every field quoted, no vpgId, tag and group after amount, discounts and account rows', async () => {
    clock = '2025-06-10T00:00:00Z';
    const { bytes } = await exportCsv('/bills/202504');
    assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const lines = text.slice(1).split('\r\n');
    assert.strictEqual(lines.at(-1), '', 'CRLF after the last row');
    for (const line of lines.slice(0, -1)) assert.match(line, /^"(?:[^"]|"")*"(,"(?:[^"]|"")*")*$/, 'every field quoted');
    const [header] = parseCsv(text.slice(1));
    assert.deepStrictEqual(header, SORACOM_CSV_HEADERS);
    assert.ok(!header.includes('vpgId'));
    assert.ok(header.indexOf('tag.name') > header.indexOf('amount') && header.indexOf('group') > header.indexOf('amount'));

    const records = csvRecords(text);
    assert.ok(records.some((r) => r.date.length === 8 && r.imsi && /data/.test(r.billItemName)), 'per day per SIM data rows');
    assert.ok(records.some((r) => r.date === '202504' && r.imsi && /basic fee/.test(r.billItemName)), 'monthly basic fees');
    assert.ok(records.some((r) => r.imsi && r.amount.startsWith('-')), 'a per-SIM discount');
    assert.ok(records.some((r) => !r.imsi && !r.deviceId && r.amount.startsWith('-')), 'an account-level discount');
    assert.ok(records.some((r) => r.deviceId && !r.imsi), 'device rows');
    assert.ok(records.some((r) => r.billItemName.includes(',') && r.billItemName.includes('"')), 'a comma and quotes inside a field');
    assert.ok(records.some((r) => r.group === '東京工場'), 'UTF-8 labels');
    for (const r of records) {
      assert.ok(r.date === '202504' || (isDay(r.date) && r.date.startsWith('202504')), r.date);
      for (const id of ['loraGatewayId', 'loraDeviceId', 'sigfoxDeviceId', 'gadgetId', 'soraCamDeviceId']) assert.strictEqual(r[id], '');
      if (r.unitPrice !== '' && r.quantity !== '') {
        assert.ok(Dec.parse(r.unitPrice).mul(Dec.parse(r.quantity)).eq(Dec.parse(r.amount)), `amount = unitPrice × quantity: ${JSON.stringify(r)}`);
      }
    }
  });

  test('a closed month\'s per-SIM CSV sums are the final figures; an open month\'s the preliminary ones', async () => {
    clock = '2025-06-02T00:00:00Z'; // May still open
    const open = csvRecords((await exportCsv('/bills/202505')).bytes.toString('utf8'));
    const pre = sim.preliminaryFigures('202505');
    assert.deepStrictEqual(perSubscriber(open), pre.perSubscriber);
    assert.strictEqual(sum(open.map((r) => r.amount)).toString(), pre.total);
    const latest = csvRecords((await exportCsv('/bills/latest', 'async')).bytes.toString('utf8'));
    assert.deepStrictEqual(perSubscriber(latest), sim.preliminaryFigures('202506').perSubscriber);

    clock = '2025-06-04T00:00:00Z'; // May closed
    const closed = csvRecords((await exportCsv('/bills/202505', 'async')).bytes.toString('utf8'));
    const fin = sim.finalFigures('202505');
    assert.deepStrictEqual(perSubscriber(closed), fin.perSubscriber);
    const bill = (await call('GET', '/bills/202505')).json;
    assert.strictEqual(sum(closed.map((r) => r.amount)).toString(), String(bill.amount), 'the CSV adds up to the closed bill');
    assert.notDeepStrictEqual(fin.perSubscriber, pre.perSubscriber);
    // perResource is perSubscriber by backend id, without the account.
    assert.deepStrictEqual(Object.keys(fin.perResource).sort(), [...SORACOM_SIMS, ...SORACOM_DEVICES].map((s) => s.id).sort());
  });

  test('a file exported while the month was open keeps its preliminary content after the close', async () => {
    clock = '2025-06-01T12:00:00Z';
    const res = await call('POST', '/bills/202505/export?export_mode=async');
    clock = '2025-06-05T00:00:00Z';
    let status;
    for (let i = 0; i < 5; i += 1) {
      status = (await call('GET', `/files/exported/${res.json.exportedFileId}`)).json;
      if (status.status !== 'processing') break;
    }
    const records = csvRecords(Buffer.from(await (await fetch(status.url)).arrayBuffer()).toString('utf8'));
    assert.deepStrictEqual(perSubscriber(records), sim.preliminaryFigures('202505').perSubscriber);
  });

  test('the configured month\'s export fails: "failed" after processing (async), 500 (sync)', async () => {
    clock = '2025-06-10T00:00:00Z';
    assert.deepStrictEqual(await exportCsv('/bills/202503', 'async'), { polled: ['processing', 'processing', 'failed'] });
    const sync = await call('POST', '/bills/202503/export?export_mode=sync');
    assert.strictEqual(sync.status, 500);
    assert.strictEqual(typeof sync.json.code, 'string');
  });
});

test('the simulator listens on 127.0.0.1 only and closes by itself', async () => {
  const other = await startSoracomSimulator({ now: () => '2025-01-15T00:00:00Z', months: 2, lateCloseDays: 0, timezone: 'Asia/Tokyo' });
  assert.match(other.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  assert.deepStrictEqual(other.months(), ['202412', '202501']);
  assert.strictEqual(other.stateOf('202412'), 'closed', 'lateCloseDays 0: closed as soon as the month turns');
  await other.close();
  await assert.rejects(fetch(`${other.url}/bills`, { headers: AUTH }));
});

test('the clock is read in the simulator\'s timezone', async () => {
  const tokyo = await startSoracomSimulator({ now: () => '2025-05-31T15:30:00Z', timezone: 'Asia/Tokyo' });
  try {
    assert.strictEqual(tokyo.currentMonth(), '202506', '00:30 on 1 June in Tokyo');
    assert.strictEqual(tokyo.stateOf('202505'), 'temporary');
    const latest = await (await fetch(`${tokyo.url}/bills/latest`, { headers: AUTH })).json();
    assert.strictEqual(latest.lastEvaluatedTime, '20250601000000');
  } finally {
    await tokyo.close();
  }
});
