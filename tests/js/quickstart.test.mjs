// The README's quick start runs: pkg/examples/quickstart.mjs and its CommonJS twin (both shipped in the
// package), importing `billsync` by its package name (a package's own name resolves to itself), print the
// sync, the reconciliation and the credit they lead to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICKSTART_OUTPUT } from '../support/quickstart-output.mjs';

for (const file of ['quickstart.mjs', 'quickstart.cjs']) {
  test(`pkg/examples/${file} prints the sync and the reconciliation`, () => {
    const path = fileURLToPath(new URL(`../../pkg/examples/${file}`, import.meta.url));
    const output = execFileSync(process.execPath, [path], { encoding: 'utf8' });
    assert.equal(output, QUICKSTART_OUTPUT);
  });
}

test('both READMEs show the quick start as the file has it, and what it prints', async () => {
  const { readFileSync } = await import('node:fs');
  const read = (path) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
  // The file without its first line (a comment naming it).
  const body = read('pkg/examples/quickstart.mjs').split('\n').slice(1).join('\n');
  for (const readme of ['README.md', 'pkg/README.md']) {
    const text = read(readme);
    assert.ok(text.includes(`\`\`\`js\n${body}\`\`\``), `${readme} has the quick start as pkg/examples/quickstart.mjs has it`);
    assert.ok(text.includes(`\`\`\`\n${QUICKSTART_OUTPUT}\`\`\``), `${readme} shows what it prints`);
    assert.match(text, /quickstart\.cjs/, `${readme} points to the CommonJS twin`);
  }
});
