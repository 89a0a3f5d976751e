// What is published is what is tested: `npm pack` pkg/, install the tarball into a fresh project (offline:
// the package has no dependencies), run the quick start it ships there with `require` and with `import`, and
// type-check a small typed use with the repo's tsc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICKSTART_OUTPUT } from '../support/quickstart-output.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const TYPED_USE = `import { ArrowEngine, BillsyncError, createMemoryStore, parsePeriod } from "billsync";
import type { ArrowAdapter, BillsyncHttpResponse, PeriodParts } from "billsync";

const arrow: ArrowAdapter = {
  billingExport: async () => "{}",
  consumption: async () => ({ data: { headers: [], lines: [] } }),
  license: async () => ({}),
  licenses: async () => ({}),
};
const engine = new ArrowEngine({ arrow, store: createMemoryStore({}), clock: { now: () => new Date() } });
const response: Promise<BillsyncHttpResponse> = engine.handle({ method: "GET", path: "/api/admin/arrow/billing-syncs/" });
const period: PeriodParts = parsePeriod("2025-01");
const isError = (e: unknown): boolean => e instanceof BillsyncError && e.code === "invalid_argument";
// @ts-expect-error: a period is a string
parsePeriod(202501);
void [response, period, isError];
`;

test('the packed tarball installs into a fresh project and runs the quick start with require and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-package-'));
  try {
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir, join(root, 'pkg')], root));
    const files = packed.files.map((f) => f.path);
    for (const file of ['README.md', 'package.json', 'index.cjs', 'index.mjs', 'index.d.ts', 'web.js', 'web.d.ts',
      'errors.d.ts', 'conformance.cjs', 'conformance.d.ts', 'dist/node/billsync.js', 'dist/node/billsync_bg.wasm',
      'examples/quickstart.mjs', 'examples/quickstart.cjs',
      'dist/web/billsync.js', 'dist/web/billsync_bg.wasm']) {
      assert.ok(files.includes(file), `the tarball has ${file}: ${files.join(', ')}`);
    }
    const pkgJson = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8'));
    assert.equal(pkgJson.dependencies, undefined, 'no dependencies: the tarball installs offline');

    const app = join(dir, 'app');
    run('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], app);

    // The quick starts as the tarball ships them, run where npm put them, and copied into the app.
    for (const file of ['quickstart.mjs', 'quickstart.cjs']) {
      const shipped = join(app, 'node_modules', 'billsync', 'examples', file);
      assert.equal(run(process.execPath, [shipped], app), QUICKSTART_OUTPUT, `shipped ${file}`);
      copyFileSync(shipped, join(app, file));
      assert.equal(run(process.execPath, [file], app), QUICKSTART_OUTPUT, file);
    }

    writeFileSync(join(app, 'use.ts'), TYPED_USE);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
        lib: ['es2022', 'esnext.disposable'], types: [], skipLibCheck: false },
      files: ['use.ts'],
    }));
    run(join(root, 'node_modules/.bin/tsc'), ['-p', app], app);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
