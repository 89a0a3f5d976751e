// The shared request loop's pure parts: Retry-After and the backoff schedule.
import { test } from 'node:test';
import assert from 'node:assert';
import { backoffDelay, retryAfterMs, isRetryableStatus, createHttpClient, HttpApiError } from '../http-client.mjs';

test('Retry-After: seconds, an HTTP date, or nothing', () => {
  assert.strictEqual(retryAfterMs('3'), 3000);
  assert.strictEqual(retryAfterMs('0'), 0);
  assert.strictEqual(retryAfterMs(null), null);
  assert.strictEqual(retryAfterMs('soon'), null);
  const now = Date.parse('2025-06-01T00:00:00Z');
  assert.strictEqual(retryAfterMs('Sun, 01 Jun 2025 00:00:05 GMT', now), 5000);
  assert.strictEqual(retryAfterMs('Sat, 31 May 2025 00:00:00 GMT', now), 0, 'a date in the past means now');
});

test('backoff doubles with jitter in [0.5, 1], Retry-After replaces it, everything capped', () => {
  assert.strictEqual(backoffDelay(1, { backoffMs: 100, random: () => 1 }), 100);
  assert.strictEqual(backoffDelay(3, { backoffMs: 100, random: () => 1 }), 400);
  assert.strictEqual(backoffDelay(3, { backoffMs: 100, random: () => 0 }), 200);
  assert.strictEqual(backoffDelay(30, { backoffMs: 100, maxBackoffMs: 1000, random: () => 1 }), 1000);
  assert.strictEqual(backoffDelay(1, { backoffMs: 100, retryAfter: 7 }), 7);
  assert.strictEqual(backoffDelay(1, { retryAfter: 60_000, maxBackoffMs: 10_000 }), 10_000);
  assert.deepStrictEqual([200, 404, 429, 500, 503].map(isRetryableStatus), [false, false, true, true, true]);
});

test('the default error is an HttpApiError with an http_ code', async () => {
  const fetch = async () => new Response('nope', { status: 418 });
  const request = createHttpClient({ fetch });
  await assert.rejects(request('GET', 'http://127.0.0.1:9/x'), (e) => e instanceof HttpApiError && e.code === 'http_418' && e.body === 'nope' && e.attempts === 1);
  const bytes = await createHttpClient({ fetch: async () => new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])) })('GET', 'http://127.0.0.1:9/f', { as: 'bytes' });
  assert.deepStrictEqual([...bytes], [0xef, 0xbb, 0xbf, 0x41]);
});
