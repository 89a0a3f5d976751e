// The memory store the package ships passes the conformance kit it ships.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

test('createMemoryStore passes runStoreConformance', async () => {
  const result = await billsync.runStoreConformance((initial) => billsync.createMemoryStore(initial));
  assert.ok(result.passed.length >= 30, `ran ${result.passed.length} checks`);
});

test('the kit fails a store that is not atomic', async () => {
  const leaky = (initial) => {
    const inner = billsync.createMemoryStore(initial);
    return {
      get: (t, u) => inner.get(t, u),
      scan: (t, q) => inner.scan(t, q),
      flags: () => inner.flags(),
      // Applies intents one by one: a failure leaves the earlier ones behind.
      commit(changeset) {
        for (const intent of changeset.intents) inner.commit({ ...changeset, intents: [intent] });
        return { created: 0, updated: 0, deleted: 0, unchanged: 0 };
      },
    };
  };
  await assert.rejects(billsync.runStoreConformance(leaky), (e) => e.name === 'AssertionError' || e.code === 'ERR_ASSERTION');
});
