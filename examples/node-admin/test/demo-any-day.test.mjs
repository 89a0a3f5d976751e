// The demo shows its compensations on any day: with the server's clock set to day 1, 2, 3 and 15 of a month
// (and the first of a year), `make run`'s demo setup (demoHistory) syncs the month it calls "last month", the
// newest Soracom has closed, as it stood on its 20th; reconciling it over HTTP then finalizes every SIM and
// device and creates compensations. Soracom closes a month late (on the 4th), so on days 1-3 that month is the
// one before last. The expectations come from the simulator's own figures.
import { test } from 'node:test';
import assert from 'node:assert';
import { startServer } from '../server.mjs';
import { Dec } from '../support/decimal.mjs';
import { SORACOM_SUBSCRIBERS } from '../soracom-demo-data.mjs';

const TOKEN = 'test-admin-token';
const hosted = SORACOM_SUBSCRIBERS.filter((s) => s.host !== false);

for (const [today, closed] of [
  ['2026-12-01T00:30:00Z', { year: 2026, month: 10 }],
  ['2026-12-02T10:00:00Z', { year: 2026, month: 10 }],
  ['2026-12-03T23:59:00Z', { year: 2026, month: 10 }],
  ['2026-12-15T10:00:00Z', { year: 2026, month: 11 }],
  ['2027-01-01T10:00:00Z', { year: 2026, month: 11 }],
  ['2027-01-04T10:00:00Z', { year: 2026, month: 12 }],
]) {
  test(`on ${today.slice(0, 10)} the demo's last month (${closed.year}-${closed.month}) is closed and reconciles with compensations`, async () => {
    const app = await startServer({ port: 0, dbPath: ':memory:', adminToken: TOKEN, now: () => today, demoHistory: true, log: false });
    try {
      assert.deepStrictEqual(app.demoMonths.soracomClosed, closed);
      const yyyyMM = `${closed.year}${String(closed.month).padStart(2, '0')}`;
      assert.strictEqual(app.soracomSimulator.stateOf(yyyyMM), 'closed');
      const post = async (action, body) => {
        const res = await fetch(`${app.url}/api/admin/soracom/billing-syncs/${action}/`, {
          method: 'POST',
          headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, json: await res.json() };
      };
      const reconciled = await post('trigger_reconciliation', closed);
      assert.strictEqual(reconciled.status, 200, JSON.stringify(reconciled.json));
      assert.strictEqual(reconciled.json.month_closed, true, JSON.stringify(reconciled.json));
      assert.strictEqual(reconciled.json.reconciled, hosted.length);
      // One compensation per SIM or device whose final moved from what was synced on the 20th by more than
      // the demo settings' tolerance (1 yen).
      const preliminary = app.soracomSimulator.preliminaryFigures(yyyyMM).perSubscriber;
      const final = app.soracomSimulator.finalFigures(yyyyMM).perSubscriber;
      const moved = hosted.filter((s) => {
        const key = `${s.kind}:${s.id}`;
        return Math.abs(Number(Dec.parse(final[key]).sub(Dec.parse(preliminary[key])).toFixed(2))) > 1;
      });
      assert.ok(moved.length > 0, 'the demo data has SIMs whose figures move');
      assert.strictEqual(reconciled.json.compensation_items_created, moved.length, JSON.stringify(reconciled.json));
      // The month after it is not billable yet, or not closed: the demo names the right one.
      const next = closed.month === 12 ? { year: closed.year + 1, month: 1 } : { year: closed.year, month: closed.month + 1 };
      const later = await post('trigger_reconciliation', next);
      assert.strictEqual(later.status, 200, JSON.stringify(later.json));
      assert.strictEqual(later.json.month_closed, false);
    } finally {
      await app.close();
    }
  });
}

test('a restart on a later day syncs that day\'s last month too; one already synced is left alone', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'billsync-demo-'));
  const dbPath = join(dir, 'billsync.sqlite');
  const records = (app, period) => app.store.snapshot().consumption_records.filter((r) => r.vendor === 'soracom' && r.billing_period.startsWith(period));
  try {
    let app = await startServer({ port: 0, dbPath, adminToken: TOKEN, now: () => '2026-11-15T10:00:00Z', demoHistory: true, log: false });
    assert.strictEqual(records(app, '2026-10').length, hosted.length);
    await app.close();
    app = await startServer({ port: 0, dbPath, adminToken: TOKEN, now: () => '2026-12-15T10:00:00Z', demoHistory: true, log: false });
    try {
      assert.deepStrictEqual(app.demoMonths.soracomClosed, { year: 2026, month: 11 });
      assert.strictEqual(records(app, '2026-11').length, hosted.length);
      assert.strictEqual(records(app, '2026-10').length, hosted.length, 'October is not synced twice');
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
