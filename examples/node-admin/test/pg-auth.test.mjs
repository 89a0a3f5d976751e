// The auth checks of test/auth.test.mjs on PostgreSQL: one backend process on a throwaway cluster (no
// --workers: HTTP, jobs and the queue's maintenance in one process), the CLI on the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../support/pg-cluster.mjs';
import { spawnBackend } from '../support/spawn-backend.mjs';
import { openPgStore } from '../pg-store.mjs';
import { hashToken } from '../auth.mjs';
import { authChecks } from '../support/auth-checks.mjs';

let cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster?.stop());

test('users and tokens on PostgreSQL: 401/403 as DRF, the CLI, revocation; only hashes stored', { timeout: 90_000 }, async () => {
  const url = await cluster.createDatabase('auth');
  const backend = await spawnBackend({ env: { BILLSYNC_DATABASE_URL: url } });
  try {
    assert.match(backend.token, /^[0-9a-f]{64}$/);
    const { tokens } = await authChecks({ env: { BILLSYNC_DATABASE_URL: url }, url: backend.url });
    const store = await openPgStore(url, { max: 1 });
    const { rows } = await store.pool.query("SELECT data FROM rows WHERE tbl IN ('users', 'auth_tokens')");
    await store.close();
    const text = rows.map((r) => r.data).join('\n');
    for (const token of [...tokens, backend.token]) {
      assert.ok(!text.includes(token));
      assert.ok(text.includes(hashToken(token)));
      // Printed once, in the banner; never in a request's or a job's log line.
      assert.ok(!backend.lines.some((l) => (l.startsWith('{') || /^(GET|POST|HEAD) /.test(l)) && l.includes(token)), 'no token in the logs');
    }
  } finally {
    assert.equal((await backend.stop()).code, 0);
  }
});
