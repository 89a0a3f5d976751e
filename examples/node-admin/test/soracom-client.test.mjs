// The Soracom adapter over real HTTP on 127.0.0.1: against the Soracom simulator, and against small servers
// that record what arrives or never answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert';
import { createServer } from 'node:http';
import { startSoracomSimulator } from '../soracom-simulator.mjs';
import { createSoracomClient, SoracomApiError } from '../soracom-client.mjs';
import { SORACOM_API_KEY, SORACOM_TOKEN, soracomBillingCsv } from '../soracom-demo-data.mjs';

const NOW = '2025-06-10T08:00:00Z';
let sim;
before(async () => {
  sim = await startSoracomSimulator({ now: () => NOW });
});
after(() => sim.close());

const client = (over = {}) => createSoracomClient({ baseUrl: sim.url, apiKey: SORACOM_API_KEY, token: SORACOM_TOKEN, backoffMs: 1, ...over });

/** A loopback server that records each request and answers with `answer(req, n)` → [status, body, headers]. */
async function recorder(answer) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const [status, body, headers = {}] = answer(req, seen.length);
    if (status === null) return; // never answers
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    seen,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

test('every call sends X-Soracom-API-Key and X-Soracom-Token to the right method and path', async (t) => {
  const rec = await recorder(() => [200, '{"ok":true}']);
  t.after(() => rec.close());
  const c = createSoracomClient({ baseUrl: `${rec.url}/`, apiKey: () => 'key-1', token: async () => 'tok-1', backoffMs: 1 });
  assert.strictEqual(await c.getBilling({ yyyyMM: '202505' }), '{"ok":true}');
  await c.getLatestBilling();
  await c.getBillingHistory();
  await c.getBillingPerDay({ yyyyMM: '202505' });
  await c.exportBilling({ yyyyMM: '202505', exportMode: 'async' });
  await c.exportLatestBilling({ exportMode: 'sync' });
  await c.getExportedFile({ exportedFileId: 'ef 1' });
  assert.deepStrictEqual(rec.seen.map((r) => `${r.method} ${r.url}`), [
    'GET /v1/bills/202505',
    'GET /v1/bills/latest',
    'GET /v1/bills',
    'GET /v1/bills/202505/daily',
    'POST /v1/bills/202505/export?export_mode=async',
    'POST /v1/bills/latest/export?export_mode=sync',
    'GET /v1/files/exported/ef%201',
  ]);
  for (const r of rec.seen) {
    assert.strictEqual(r.headers['x-soracom-api-key'], 'key-1');
    assert.strictEqual(r.headers['x-soracom-token'], 'tok-1');
  }
  assert.throws(() => c.exportBilling({ yyyyMM: '202505', exportMode: 'later' }), TypeError);
});

test('JSON methods return Soracom\'s text untouched', async () => {
  const text = await client().getBilling({ yyyyMM: '202505' });
  assert.strictEqual(typeof text, 'string');
  const bill = JSON.parse(text);
  assert.strictEqual(bill.yearMonth, '202505');
  assert.strictEqual(String(bill.amount), sim.finalFigures('202505').total);
  assert.match(await client().getLatestBilling(), /"lastEvaluatedTime":"20250610080000"/);
});

test('download returns the CSV\'s raw bytes, BOM included, without Soracom\'s credentials', async (t) => {
  const exported = JSON.parse(await client().exportBilling({ yyyyMM: '202504', exportMode: 'sync' }));
  const bytes = await client().download({ url: exported.url });
  assert.ok(bytes instanceof Uint8Array);
  assert.deepStrictEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.deepStrictEqual(Buffer.from(bytes), soracomBillingCsv('202504', 'final'));

  const rec = await recorder(() => [200, '"a","b"\r\n', { 'content-type': 'text/csv' }]);
  t.after(() => rec.close());
  const c = createSoracomClient({ baseUrl: sim.url, apiKey: 'k', token: 't' });
  assert.strictEqual(Buffer.from(await c.download({ url: `${rec.url}/file.csv?sig=1` })).toString(), '"a","b"\r\n');
  assert.strictEqual(rec.seen[0].headers['x-soracom-api-key'], undefined);
  assert.strictEqual(rec.seen[0].headers['x-soracom-token'], undefined);
});

test('a 404 is soracom_not_found with Soracom\'s code, not retried', async () => {
  const before = sim.requests.length;
  await assert.rejects(client().getBilling({ yyyyMM: '202507' }), (e) => {
    assert.ok(e instanceof SoracomApiError);
    assert.strictEqual(e.status, 404);
    assert.strictEqual(e.code, 'soracom_not_found');
    assert.strictEqual(e.soracomCode, 'SEM0016');
    assert.strictEqual(e.attempts, 1);
    assert.match(e.url, /\/v1\/bills\/202507$/);
    assert.match(e.body, /SEM0016/);
    return true;
  });
  assert.strictEqual(sim.requests.length - before, 1);
});

test('401 and 403 are soracom_unauthorized; other 4xx soracom_unavailable; none retried', async (t) => {
  await assert.rejects(client({ token: 'wrong' }).getLatestBilling(), { status: 401, code: 'soracom_unauthorized', soracomCode: 'SEM0001', attempts: 1 });
  const rec = await recorder((req) => (req.url.includes('forbidden') ? [403, '{"code":"SEM0002","message":"no"}'] : [400, 'not json']));
  t.after(() => rec.close());
  const c = createSoracomClient({ baseUrl: rec.url, apiKey: 'k', token: 't', backoffMs: 1 });
  await assert.rejects(c.getBilling({ yyyyMM: 'forbidden' }), { status: 403, code: 'soracom_unauthorized' });
  await assert.rejects(c.getBilling({ yyyyMM: '200001' }), (e) => e.status === 400 && e.code === 'soracom_unavailable' && e.soracomCode === null);
  assert.strictEqual(rec.seen.length, 2);
});

for (const status of [429, 503]) {
  test(`${status} is retried with backoff, then the answer comes through`, async () => {
    const flaky = await startSoracomSimulator({ now: () => NOW, faults: { status, count: 1 } });
    try {
      const retries = [];
      const c = createSoracomClient({ baseUrl: flaky.url, apiKey: SORACOM_API_KEY, token: SORACOM_TOKEN, backoffMs: 1, onRetry: (r) => retries.push(r) });
      assert.strictEqual(JSON.parse(await c.getBilling({ yyyyMM: '202504' })).state, 'closed');
      assert.deepStrictEqual(retries.map((r) => [r.status, r.attempt]), [[status, 1]]);
      assert.deepStrictEqual(flaky.requests.map((r) => r.status), [status, 200]);
    } finally {
      await flaky.close();
    }
  });
}

test('Retry-After is honoured and retries are bounded', async (t) => {
  const rec = await recorder(() => [503, '{"code":"SEM0500","message":"down"}', { 'retry-after': '0' }]);
  t.after(() => rec.close());
  const delays = [];
  const c = createSoracomClient({ baseUrl: rec.url, apiKey: 'k', token: 't', retries: 2, backoffMs: 5_000, onRetry: (r) => delays.push(r.delayMs) });
  await assert.rejects(c.getBillingHistory(), { status: 503, code: 'soracom_unavailable', attempts: 3, soracomCode: 'SEM0500' });
  assert.deepStrictEqual(delays, [0, 0], 'Retry-After: 0 replaces the 5 s backoff');
  assert.strictEqual(rec.seen.length, 3);
});

test('a Soracom that never answers times out, per attempt', async (t) => {
  const rec = await recorder(() => [null]);
  t.after(() => rec.close());
  const c = createSoracomClient({ baseUrl: rec.url, apiKey: 'k', token: 't', timeoutMs: 50, retries: 1, backoffMs: 1 });
  await assert.rejects(c.getLatestBilling(), (e) => {
    assert.ok(e instanceof SoracomApiError);
    assert.match(e.message, /timed out after 50 ms/);
    assert.strictEqual(e.status, null);
    assert.strictEqual(e.code, 'soracom_unavailable');
    assert.strictEqual(e.attempts, 2);
    return true;
  });
  assert.strictEqual(rec.seen.length, 2);
});

test('a refused connection is a network error, retried', async () => {
  const gone = await recorder(() => [200, '{}']);
  const url = gone.url;
  await gone.close();
  const retries = [];
  const c = createSoracomClient({ baseUrl: url, apiKey: 'k', token: 't', retries: 1, backoffMs: 1, onRetry: (r) => retries.push(r.status) });
  await assert.rejects(c.getBillingHistory(), (e) => e.status === null && e.attempts === 2 && /failed: ECONNREFUSED/.test(e.message));
  assert.deepStrictEqual(retries, [null]);
});
