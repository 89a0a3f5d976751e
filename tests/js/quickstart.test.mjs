// The README's quick start runs: examples/quickstart.mjs and its CommonJS twin, importing `billsync` by
// its package name (the root package.json links it to pkg/), print the sync, the reconciliation and the
// credit they lead to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICKSTART_OUTPUT } from '../support/quickstart-output.mjs';

for (const file of ['quickstart.mjs', 'quickstart.cjs']) {
  test(`examples/${file} prints the sync and the reconciliation`, () => {
    const path = fileURLToPath(new URL(`../../examples/${file}`, import.meta.url));
    const output = execFileSync(process.execPath, [path], { encoding: 'utf8' });
    assert.equal(output, QUICKSTART_OUTPUT);
  });
}
