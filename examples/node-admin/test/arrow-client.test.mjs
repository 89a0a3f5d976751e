// The Arrow adapter against the Arrow simulator, over real HTTP on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert';
import { startArrowSimulator } from '../arrow-simulator.mjs';
import { createArrowClient, ArrowApiError } from '../arrow-client.mjs';
import { ARROW_API_KEY, EXPORT_TYPE_REFERENCE, billingExportRows, consumptionLinesOf, LICENSES } from '../demo-data.mjs';

let sim;
before(async () => {
  sim = await startArrowSimulator();
});
after(() => sim.close());

const client = (over = {}) => createArrowClient({ baseUrl: sim.url, apiKey: ARROW_API_KEY, backoffMs: 1, ...over });

test('the billing export pages cover every row once, the last page shorter than perPage', async () => {
  const expected = billingExportRows('2025-05', '2025-06');
  const got = [];
  let perPage;
  for (let page = 1; page < 100; page += 1) {
    const payload = JSON.parse(await client().billingExport({ exportTypeReference: EXPORT_TYPE_REFERENCE, periodFrom: '2025-05', periodTo: '2025-06', page }));
    perPage = payload.pagination.perPage;
    got.push(...payload.data.values);
    if (payload.data.values.length < perPage) break;
  }
  assert.ok(expected.length > 2 * perPage, 'several pages');
  assert.deepStrictEqual(got, expected);
});

test('consumption, license and licences come back as Arrow JSON text', async () => {
  const text = await client().consumption({ licenseReference: 'XSP10001', periodStart: '2025-06', periodEnd: '2025-06' });
  assert.strictEqual(typeof text, 'string');
  const payload = JSON.parse(text);
  assert.ok(payload.data.headers.includes('Total sell price'));
  assert.strictEqual(payload.data.lines.length, consumptionLinesOf(LICENSES[0], '2025-06').length);
  assert.strictEqual(JSON.parse(await client().license({ licenseReference: 'XSP10002' })).data.license.license_id, 'XSP10002');
  assert.strictEqual(JSON.parse(await client().licenses({ page: 1, perPage: 5 })).data.licenses.length, 5);
});

test('a wrong apiKey is a 401 that is not retried', async () => {
  const before = sim.requests.length;
  await assert.rejects(createArrowClient({ baseUrl: sim.url, apiKey: 'wrong', backoffMs: 1 }).license({ licenseReference: 'XSP10001' }), (e) => {
    assert.ok(e instanceof ArrowApiError);
    assert.strictEqual(e.status, 401);
    assert.strictEqual(e.code, 'arrow_unauthorized');
    return true;
  });
  assert.strictEqual(sim.requests.length - before, 1);
});

test('an unknown licence is a 404 that is not retried', async () => {
  await assert.rejects(client().consumption({ licenseReference: 'XSP99999', periodStart: '2025-06', periodEnd: '2025-06' }), { status: 404, code: 'arrow_not_found' });
});

for (const status of [503, 429]) {
  test(`${status} responses are retried with backoff until Arrow answers`, async () => {
    const flaky = await startArrowSimulator({ faults: { status, count: 2 } });
    try {
      const retries = [];
      const c = createArrowClient({ baseUrl: flaky.url, apiKey: ARROW_API_KEY, backoffMs: 1, onRetry: (r) => retries.push(r.status) });
      assert.ok(JSON.parse(await c.license({ licenseReference: 'XSP10001' })).data.license);
      assert.deepStrictEqual(retries, [status, status]);
      assert.deepStrictEqual(flaky.requests.map((r) => r.status), [status, status, 200]);
    } finally {
      await flaky.close();
    }
  });
}

test('retries are bounded', async () => {
  const down = await startArrowSimulator({ faults: { status: 502, count: 100 } });
  try {
    const c = createArrowClient({ baseUrl: down.url, apiKey: ARROW_API_KEY, backoffMs: 1, retries: 2 });
    await assert.rejects(c.license({ licenseReference: 'XSP10001' }), { status: 502, attempts: 3 });
    assert.strictEqual(down.requests.length, 3);
  } finally {
    await down.close();
  }
});

test('a slow Arrow times out', async () => {
  const hanging = (url, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  const c = createArrowClient({ baseUrl: sim.url, apiKey: ARROW_API_KEY, fetch: hanging, timeoutMs: 20, retries: 1, backoffMs: 1 });
  await assert.rejects(c.license({ licenseReference: 'XSP10001' }), (e) => /timed out after 20 ms/.test(e.message) && e.attempts === 2);
});
