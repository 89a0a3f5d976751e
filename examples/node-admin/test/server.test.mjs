// The backend's own plumbing (no engine needed): loopback listeners, seeding, static files, shutdown.
import { test } from 'node:test';
import assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, issueToken } from '../auth.mjs';
import { startServer } from '../server.mjs';
import { DEMO_SETTINGS_UUID, LICENSES } from '../demo-data.mjs';
import { SORACOM_SETTINGS_UUID, SORACOM_SUBSCRIBERS, soracomDemoHostData } from '../soracom-demo-data.mjs';

const arrowResources = (snapshot) => snapshot.resources.filter((r) => r.attributes?.arrow_license_reference);
const soracomResources = (snapshot) => snapshot.resources.filter((r) => r.attributes?.soracom_kind);

test('the server seeds demo host data once, serves /healthz and /pkg/, and binds 127.0.0.1 only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'db.sqlite');

  const first = await startServer({ port: 0, dbPath, log: false });
  try {
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.arrowUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.soracomUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const snapshot = first.store.snapshot();
    assert.strictEqual(arrowResources(snapshot).length, LICENSES.filter((l) => l.host !== false).length);
    assert.strictEqual(soracomResources(snapshot).length, SORACOM_SUBSCRIBERS.filter((s) => s.host !== false).length);
    assert.strictEqual(snapshot.resources.length, arrowResources(snapshot).length + soracomResources(snapshot).length);
    assert.deepStrictEqual(snapshot.soracom_settings, soracomDemoHostData().soracom_settings);
    assert.strictEqual(snapshot.customer_mappings.length, 3);
    assert.strictEqual(snapshot.settings[0].api_url, first.arrowUrl);

    const health = await fetch(`${first.url}/healthz`);
    assert.strictEqual(health.status, 200);
    const healthBody = await health.json();
    assert.strictEqual(healthBody.status, 'ok');
    assert.strictEqual(healthBody.soracom_api_url, first.soracomUrl);
    // Until the package has a SoracomEngine its routes answer 503; with one, they are the engine's.
    const soracomRoute = await fetch(`${first.url}/api/admin/soracom/`, { headers: { authorization: `Token ${first.demoToken}` } });
    await soracomRoute.arrayBuffer();
    if (!first.soracomEngine) assert.strictEqual(soracomRoute.status, 503);

    const pkg = await fetch(`${first.url}/pkg/package.json`);
    assert.strictEqual(pkg.status, 200);
    assert.strictEqual((await pkg.json()).name, 'billsync');
    const conformance = await fetch(`${first.url}/pkg/conformance.cjs`);
    assert.match(conformance.headers.get('content-type'), /javascript/);
    await conformance.arrayBuffer();

    const escape = await fetch(`${first.url}/pkg/..%2f..%2fMakefile`);
    assert.ok([403, 404].includes(escape.status), `path traversal gave ${escape.status}`);
    await escape.arrayBuffer();
    const malformed = await fetch(`${first.url}/pkg/%E0%A4%A`);
    assert.strictEqual(malformed.status, 400, 'a malformed escape is the client\'s error');
    await malformed.arrayBuffer();
    const unknown = await fetch(`${first.url}/api/nothing-here/`);
    assert.strictEqual(unknown.status, 404);
    assert.deepStrictEqual(await unknown.json(), { detail: 'Not found.' });
    const page = await fetch(`${first.url}/`);
    assert.strictEqual(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    await page.arrayBuffer();
  } finally {
    await first.close();
  }

  // A second start on the same file keeps its data and points the demo settings at the new simulator.
  const second = await startServer({ port: 0, dbPath, log: false });
  try {
    const settings = JSON.parse((await second.store.get('settings', DEMO_SETTINGS_UUID)).row);
    assert.strictEqual(settings.api_url, second.arrowUrl);
    assert.strictEqual(arrowResources(second.store.snapshot()).length, LICENSES.filter((l) => l.host !== false).length);
    assert.ok(await second.store.get('soracom_settings', SORACOM_SETTINGS_UUID));
  } finally {
    await second.close();
  }
  await assert.rejects(fetch(`${second.url}/healthz`), 'closed servers refuse connections');
});

test('a database from before Soracom gets the Soracom demo rows on its next start, and nothing else changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'db.sqlite');
  const app = await startServer({ port: 0, dbPath, log: false });
  const soracomRows = soracomDemoHostData();
  for (const table of ['soracom_settings', 'customers', 'projects', 'resources']) {
    for (const row of soracomRows[table]) app.store.db.prepare('DELETE FROM rows WHERE tbl = ? AND id = ?').run(table, row.uuid);
  }
  const before = app.store.snapshot();
  assert.strictEqual(before.soracom_settings, undefined);
  await app.close();
  const again = await startServer({ port: 0, dbPath, log: false });
  try {
    const after = again.store.snapshot();
    assert.deepStrictEqual(after.soracom_settings, soracomRows.soracom_settings);
    assert.deepStrictEqual(arrowResources(after), arrowResources(before));
    assert.strictEqual(soracomResources(after).length, soracomRows.resources.length);
  } finally {
    await again.close();
  }
});

test('/api/admin/soracom/ goes to the SoracomEngine exactly as /api/admin/arrow/ goes to the ArrowEngine', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const seen = [];
  let soracomOptions;
  // A stand-in package: the real SoracomEngine is not in this build yet; this checks only the plumbing.
  const fake = (name) => class {
    constructor(options) {
      if (name === 'soracom') soracomOptions = options;
    }
    async handle(request) {
      seen.push({ name, ...request });
      return { status: 200, body: { engine: name, path: request.path }, headers: { 'x-result-count': '0' } };
    }
  };
  const app = await startServer({ port: 0, dbPath: join(dir, 'db.sqlite'), log: false, billsync: { ArrowEngine: fake('arrow'), SoracomEngine: fake('soracom') } });
  await createUser(app.store, { username: 'not-staff' });
  const other = (await issueToken(app.store, 'not-staff')).token;
  try {
    assert.ok(app.soracomEngine);
    for (const key of ['soracom', 'store', 'clock', 'timezone', 'onProgress']) assert.ok(key in soracomOptions, key);
    assert.strictEqual(soracomOptions.timezone, 'UTC');
    assert.strictEqual(typeof soracomOptions.clock.now(), 'string');
    for (const method of ['getBilling', 'getLatestBilling', 'getBillingHistory', 'getBillingPerDay', 'exportBilling', 'exportLatestBilling', 'getExportedFile', 'download']) {
      assert.strictEqual(typeof soracomOptions.soracom[method], 'function', method);
    }
    // The adapter the engine got talks to the live simulator with the demo credentials.
    assert.strictEqual(JSON.parse(await soracomOptions.soracom.getLatestBilling()).currency, 'JPY');

    const res = await fetch(`${app.url}/api/admin/soracom/billing-syncs/trigger_sync/?x=1`, {
      method: 'POST',
      headers: { authorization: `Token ${app.demoToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ year: 2025, month: 6 }),
    });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('x-result-count'), '0');
    assert.deepStrictEqual(await res.json(), { engine: 'soracom', path: '/api/admin/soracom/billing-syncs/trigger_sync/' });
    const arrow = await fetch(`${app.url}/api/admin/arrow/consumption-records/`, { headers: { authorization: `Token ${other}` } });
    assert.strictEqual((await arrow.json()).engine, 'arrow');
    const [soracomCall, arrowCall] = seen;
    assert.deepStrictEqual(
      { method: soracomCall.method, query: soracomCall.query, body: soracomCall.body, user: soracomCall.user, baseUrl: soracomCall.baseUrl },
      { method: 'POST', query: { x: '1' }, body: { year: 2025, month: 6 }, user: { ...soracomCall.user, is_staff: true, is_authenticated: true }, baseUrl: app.url },
    );
    assert.equal(soracomCall.user.username, 'demo-admin');
    assert.deepStrictEqual({ ...arrowCall.user, uuid: null }, { uuid: null, username: 'not-staff', is_staff: false, is_authenticated: true });
  } finally {
    await app.close();
  }
});
