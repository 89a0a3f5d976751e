// Prints bench/run.sh's results (one JSON line per measurement) as a table, with ratios and the targets.
import fs from 'node:fs';

const results = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = results.filter((r) => r.seconds && Array.isArray(r.seconds));
const rate = (r) => r.lines / median(r.seconds);
const byImpl = Object.fromEntries(timed.map((r) => [r.impl, r]));
const native = byImpl.native;
const plain = byImpl['decimal.js'];

const pad = (s, n) => String(s).padEnd(n);
const num = (x) => Math.round(x).toLocaleString('en-US');
console.log(`\n${num(timed[0].lines)} lines, ${(timed[0].bytes / 1e6).toFixed(1)} MB of JSON, ${timed[0].keys} keys; median of ${timed[0].seconds.length} runs\n`);
console.log(`${pad('implementation', 26)}${pad('median s', 10)}${pad('lines/s', 13)}${pad('MB/s', 8)}${pad('vs native', 13)}vs decimal.js`);
for (const r of timed) {
  const s = median(r.seconds);
  console.log(
    `${pad(r.impl, 26)}${pad(s.toFixed(3), 10)}${pad(num(rate(r)), 13)}${pad((r.bytes / 1e6 / s).toFixed(0), 8)}`
    + `${pad(`${(s / median(native.seconds)).toFixed(2)}x time`, 13)}${(rate(r) / rate(plain)).toFixed(2)}x speed`,
  );
}
const agree = timed.every((r) => r.sell === native.sell && r.buy === native.buy);
console.log(`\nchecksums (Σ sell, Σ buy): ${agree ? 'all equal' : 'DIFFER'}: ${native.sell} / ${native.buy}`);
if (!agree) for (const r of timed) console.log(`  ${r.impl}: ${r.sell} / ${r.buy}`);

for (const r of results.filter((x) => x.impl === 'rss')) {
  console.log(`streaming wasm, ${num(r.lines)} lines generated on the fly: peak RSS ${r.max_rss_mb} MB`
    + ` (of which V8 heap ${r.heap_total_mb} MB; ${r.seconds.toFixed(2)} s)`);
}

const wasm = byImpl.wasm;
if (wasm) {
  const check = (ok, text) => console.log(`${ok ? 'met   ' : 'MISSED'} ${text}`);
  console.log("\ntargets (wasm: the package's Node build):");
  check(rate(wasm) >= 2e6, `>= 2M lines/s: ${num(rate(wasm))}`);
  check(rate(wasm) >= 5 * rate(plain), `>= 5x decimal.js: ${(rate(wasm) / rate(plain)).toFixed(2)}x`);
  check(median(wasm.seconds) <= 1.5 * median(native.seconds), `within 1.5x native: ${(median(wasm.seconds) / median(native.seconds)).toFixed(2)}x`);
}
