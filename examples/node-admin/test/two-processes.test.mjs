// Two backend processes on one SQLite file: one syncs consumption while the other reconciles, month after
// month, each through its own engine. Their commits race; the versions make the loser re-plan, so no update
// is lost: every reconciled record's invoices bill exactly its final amount, every other its consumption.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import billsync from 'billsync';
import { openSqliteStore } from '../sqlite-store.mjs';
import { Dec } from '../support/decimal.mjs';

const dir = mkdtempSync(join(tmpdir(), 'billsync-2proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const worker = fileURLToPath(new URL('../support/concurrent-worker.mjs', import.meta.url));

function run(dbPath, role, seed, startAt) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, dbPath, role, String(seed), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${role} worker exited with ${code}`))));
  });
}

test('a syncing process and a reconciling process on one file never lose an update', async () => {
  let conflicts = 0;
  for (const seed of [1, 2, 3]) {
    const dbPath = join(dir, `shared-${seed}.sqlite`);
    openSqliteStore(dbPath, { initial: billsync.conformanceFixture() }).close();
    const startAt = Date.now() + 700;
    const [sync, reconcile] = await Promise.all([run(dbPath, 'sync', seed, startAt), run(dbPath, 'reconcile', seed * 7, startAt)]);
    assert.equal(sync.errors + reconcile.errors, 0);
    conflicts += sync.conflicts + reconcile.conflicts;

    const store = openSqliteStore(dbPath);
    const { consumption_records: records, invoice_items: items } = store.snapshot();
    store.close();
    assert.equal(records.length, 36, 'three licences, twelve months');
    for (const record of records) {
      const key = `${record.resource_uuid}|${record.billing_period}|${record.source_ref}`;
      const billed = items.filter((i) => i.source_key === key).reduce((sum, i) => sum.add(Dec.parse(i.unit_price).mul(Dec.parse(i.quantity))), Dec.ZERO);
      const expected = record.reconciled_at ? record.final_sell : record.consumed_sell;
      assert.ok(billed.eq(Dec.parse(expected)), `${key}: billed ${billed} but ${record.reconciled_at ? 'final' : 'consumed'} is ${expected}`);
    }
  }
  // The race is real: commits did collide, and were re-planned rather than lost.
  assert.ok(conflicts > 0, 'the two processes never collided; the test proves nothing');
});
