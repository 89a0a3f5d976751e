// The pure parts of the job queue: which triggers become jobs, their singleton keys, the month a cron tick
// means, and the counters a job logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobKey, monthOf } from '../queue.mjs';
import { countersOf, jobOfTrigger } from '../jobs.mjs';

test('a trigger becomes a job unless it must answer in the request', () => {
  const job = jobOfTrigger('arrow', 'trigger_reconciliation', { year: 2025, month: 6 });
  assert.deepEqual(job, { vendor: 'arrow', operation: 'trigger_reconciliation', settings_uuid: null, period: '2025-06', body: { year: 2025, month: 6 } });
  assert.equal(jobOfTrigger('soracom', 'trigger_consumption_sync', { year: '2026', month: '1' }).period, '2026-01');
  for (const [vendor, operation, body] of [
    ['arrow', 'consumption_status', { year: 2025, month: 6 }], // not a trigger
    ['soracom', 'trigger_sync', { year: 2025, month: 6 }], // not one of Soracom's
    ['arrow', 'trigger_consumption_sync', { year: 2025, month: 6, dry_run: true }], // its answer is the preview
    ['arrow', 'trigger_consumption_sync', { year: 2025, month: 13 }], // the engine's 400
    ['arrow', 'trigger_consumption_sync', { year: 2025 }],
    ['arrow', 'trigger_consumption_sync', null],
    ['arrow', 'trigger_consumption_sync', [1]],
    ['arrow', 'trigger_consumption_sync', { year: 2025, month: 6, settings_uuid: 7 }],
  ]) assert.equal(jobOfTrigger(vendor, operation, body), null, JSON.stringify([vendor, operation, body]));
});

test('the singleton key names what the job does', () => {
  const base = { vendor: 'arrow', settings_uuid: null, period: '2025-06', operation: 'trigger_reconciliation' };
  assert.equal(jobKey(base), 'arrow/active/2025-06/trigger_reconciliation');
  assert.equal(jobKey({ ...base, settings_uuid: 's1', body: { year: 2025, month: 6 } }), 'arrow/s1/2025-06/trigger_reconciliation');
  assert.equal(jobKey({ ...base, body: { force: true } }), 'arrow/active/2025-06/trigger_reconciliation/force');
  assert.equal(jobKey({ ...base, body: { resource_uuid: 'r1' } }), 'arrow/active/2025-06/trigger_reconciliation/resource=r1');
});

test('the month of an instant, in UTC or a fixed offset, and the month before', () => {
  assert.equal(monthOf('2025-12-31T23:30:00Z'), '2025-12');
  assert.equal(monthOf('2025-12-31T23:30:00Z', '+01:00'), '2026-01');
  assert.equal(monthOf('2026-01-01T00:30:00Z', '-02:00'), '2025-12');
  assert.equal(monthOf('2026-01-15T00:00:00Z', 'UTC', -1), '2025-12');
});

test('a job logs the counters of its answer, not its lists', () => {
  assert.deepEqual(countersOf({ synced: 3, errors: 0, dry_run: false, error_details: [{}, {}], settings_uuid: 's' }), { synced: 3, errors: 0, dry_run: false, error_details: 2 });
  assert.deepEqual(countersOf(null), {});
});
