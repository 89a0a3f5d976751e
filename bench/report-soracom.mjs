// Prints bench/run-soracom.sh's results (one JSON line per implementation) as a table: median seconds,
// rows/s, MB/s, peak RSS, time vs native and speed vs decimal.js. Fails (exit 1) unless all three found the
// same rows, the same total and the same digest of every sum.
import fs from 'node:fs';

const results = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const by = Object.fromEntries(results.map((r) => [r.impl, { ...r, median: median(r.seconds) }]));
const native = by.native;
const plain = by['decimal.js'];
const first = results[0];

const num = (x) => Math.round(x).toLocaleString('en-US');
const pad = (s, n) => String(s).padEnd(n);
const padStart = (s, n) => String(s).padStart(n);
console.log(`\nSoracom billing CSV: ${num(first.rows)} rows, ${(first.bytes / 1e6).toFixed(1)} MB, ${num(first.subscribers)} subscribers, `
  + `${first.days} days, ${first.bill_items} bill items; ${first.chunk / 1024} KiB chunks from a file; median of ${first.seconds.length} runs\n`);
console.log('| implementation | median s |     rows/s |  MB/s | peak RSS streaming | peak RSS overall | time vs native | speed vs decimal.js |');
console.log('|----------------|---------:|-----------:|------:|-------------------:|-----------------:|---------------:|--------------------:|');
const mb = (x) => `${Math.round(x)} MB`;
for (const r of Object.values(by)) {
  console.log(`| ${pad(r.impl, 14)} | ${padStart(r.median.toFixed(3), 8)} | ${padStart(num(r.rows / r.median), 10)} | `
    + `${padStart((r.bytes / 1e6 / r.median).toFixed(1), 5)} | ${padStart(mb(r.stream_rss_mb), 18)} | ${padStart(mb(r.max_rss_mb), 16)} | `
    + `${padStart(`${(r.median / native.median).toFixed(2)}x`, 14)} | ${padStart(`${(plain.median / r.median).toFixed(2)}x`, 19)} |`);
}
const same = (r) => r.rows === native.rows && r.digest === native.digest
  && JSON.stringify(r.total) === JSON.stringify(native.total);
const agree = results.every(same);
console.log(`\nall three agree (rows, total, digest of every sum): ${agree ? 'yes' : 'NO'}: ${native.rows} rows, `
  + `net ${native.total.net} (charges ${native.total.charges}, discounts ${native.total.discounts}), digest ${native.digest}`);
if (!agree) {
  for (const r of results) console.log(`  ${r.impl}: ${r.rows} rows, ${JSON.stringify(r.total)}, digest ${r.digest}`);
  process.exitCode = 1;
}

// FLAT=1: the wasm aggregator over files of different sizes with the same subscribers, days and bill items.
if (process.argv[3] && fs.existsSync(process.argv[3])) {
  const flat = fs.readFileSync(process.argv[3], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  console.log('\nmemory of the wasm streaming path by file size (same sums; one run each):\n');
  console.log('|       rows |    file | seconds | rows/s | peak RSS streaming | peak RSS with the result |');
  console.log('|-----------:|--------:|--------:|-------:|-------------------:|-------------------------:|');
  for (const r of flat) {
    console.log(`| ${padStart(num(r.rows), 10)} | ${padStart(`${(r.bytes / 1e6).toFixed(0)} MB`, 7)} | ${padStart(r.seconds.toFixed(1), 7)} | `
      + `${padStart(num(r.rows / r.seconds), 6)} | ${padStart(mb(r.stream_rss_mb), 18)} | ${padStart(mb(r.max_rss_mb), 24)} |`);
  }
}
