// `make size`: the raw, gzip (level 9) and brotli (quality 11) sizes of a wasm file; exits 1 when the gzip
// size is over the budget given in bytes.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [file, budgetArg] = process.argv.slice(2);
const bytes = readFileSync(file);
const raw = bytes.length;
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const fmt = (n) => n.toLocaleString('en-US');
console.log(`wasm size: ${fmt(raw)} bytes raw, ${fmt(gzip)} gzip, ${fmt(brotli)} brotli (${file})`);
if (budgetArg !== undefined) {
  const budget = Number(budgetArg);
  if (!Number.isFinite(budget)) throw new Error(`the budget ${budgetArg} is not a number of bytes`);
  if (gzip > budget) {
    console.error(`FAIL: ${fmt(gzip)} bytes gzipped is over the budget of ${fmt(budget)} (WASM_GZIP_BUDGET in the Makefile)`);
    process.exit(1);
  }
  console.log(`within the gzip budget of ${fmt(budget)} bytes (${fmt(budget - gzip)} to spare)`);
}
