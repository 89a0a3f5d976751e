// Users and tokens in the database, as DRF's TokenAuthentication answers: 401 without a token, with a bad
// one or a revoked one; 403 for a user who is not staff; the CLI creates users, issues tokens (printed once,
// stored as their SHA-256) and revokes them. On SQLite here; test/pg-auth.test.mjs runs the same on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { hashToken } from '../auth.mjs';
import { authChecks } from '../support/auth-checks.mjs';

const NOT_BUILT = !existsSync(fileURLToPath(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)));

const dir = mkdtempSync(join(tmpdir(), 'billsync-auth-'));
let app;
const logs = [];
before(async () => {
  if (NOT_BUILT) return;
  app = await startServer({ port: 0, dbPath: join(dir, 'billsync.sqlite'), log: (line) => logs.push(line) });
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('401 and 403 as DRF answers them; the CLI creates, issues and revokes; tokens are stored hashed', { skip: NOT_BUILT }, async () => {
  // A first start made the demo staff user and issued its token, once.
  assert.match(app.demoToken, /^[0-9a-f]{64}$/);
  assert.equal((await fetch(`${app.url}/api/admin/arrow/consumption-records/`, { headers: { authorization: `Token ${app.demoToken}` } })).status, 200);
  const { tokens } = await authChecks({ env: { BILLSYNC_DB: join(dir, 'billsync.sqlite') }, url: app.url });
  // The database holds hashes, never a token; the log holds neither.
  const file = readFileSync(join(dir, 'billsync.sqlite')).toString('latin1') + (existsSync(join(dir, 'billsync.sqlite-wal')) ? readFileSync(join(dir, 'billsync.sqlite-wal')).toString('latin1') : '');
  for (const token of [...tokens, app.demoToken]) {
    assert.ok(!file.includes(token), 'no token in the database');
    assert.ok(file.includes(hashToken(token)), 'its hash is');
    assert.ok(!logs.some((l) => l.includes(token)), 'no token in the log');
  }
});

test('ADMIN_TOKEN is registered, hashed, for the demo user, and no new token is printed', { skip: NOT_BUILT }, async () => {
  const other = await startServer({ port: 0, dbPath: join(dir, 'admin-token.sqlite'), adminToken: 'a-known-token', log: false });
  try {
    assert.equal(other.demoToken, null);
    const res = await fetch(`${other.url}/api/admin/arrow/consumption-records/`, { headers: { authorization: 'Token a-known-token' } });
    assert.equal(res.status, 200);
    assert.ok(!(await other.store.get('auth_tokens', 'a-known-token')));
    assert.ok(await other.store.get('auth_tokens', hashToken('a-known-token')));
  } finally {
    await other.close();
  }
});
