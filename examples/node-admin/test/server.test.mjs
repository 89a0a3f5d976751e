// The backend's own plumbing (no engine needed): loopback listeners, seeding, static files, shutdown.
import { test } from 'node:test';
import assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server.mjs';
import { DEMO_SETTINGS_UUID, LICENSES } from '../demo-data.mjs';

test('the server seeds demo host data once, serves /healthz and /pkg/, and binds 127.0.0.1 only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'db.sqlite');

  const first = await startServer({ port: 0, dbPath, log: false });
  try {
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.arrowUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const snapshot = first.store.snapshot();
    assert.strictEqual(snapshot.resources.length, LICENSES.filter((l) => l.host !== false).length);
    assert.strictEqual(snapshot.customer_mappings.length, 3);
    assert.strictEqual(snapshot.settings[0].api_url, first.arrowUrl);

    const health = await fetch(`${first.url}/healthz`);
    assert.strictEqual(health.status, 200);
    assert.strictEqual((await health.json()).status, 'ok');

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
    assert.strictEqual(second.store.snapshot().resources.length, LICENSES.filter((l) => l.host !== false).length);
  } finally {
    await second.close();
  }
  await assert.rejects(fetch(`${second.url}/healthz`), 'closed servers refuse connections');
});
