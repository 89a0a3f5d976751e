// Prints the reconciliation preview benchmark: median seconds, records/s and ratios, and checks that every
// implementation found the same total adjustment and the same number of compensations.
import fs from 'node:fs';

const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Rows of one case (what crosses in, what is asked, what comes out) are compared with decimal.js's row of the
// same case; native's rows with the first decimal.js row of the same result.
const all = rows.map((r) => ({ ...r, median: median(r.seconds) }));
const by = Object.fromEntries(all.map((r) => [r.impl, r]));
const native = by.native.median;
console.log(`\nreconciliation preview, ${by.native.records} records (median of ${by.native.seconds.length} runs)`);
for (const r of all) {
  const result = (r.case ?? '').match(/result (\w+)/)?.[1]?.toLowerCase();
  const js = all.find((j) => j.impl === 'decimal.js' && (j.case === r.case || (r.impl === 'native' && j.case?.includes(`result ${result}`))));
  const perSecond = Math.round(r.records / r.median).toLocaleString('en');
  console.log(`${r.impl.padEnd(26)} ${(r.case ?? '').padEnd(46)} ${r.median.toFixed(3).padStart(7)} s  ${perSecond.padStart(10)} records/s  ` +
    `${js ? `${(js.median / r.median).toFixed(2)}x decimal.js speed` : ''}  ` +
    `peak RSS ${r.peak_rss_mb ?? '?'} MB  result ${r.result_bytes?.toLocaleString('en') ?? '-'} bytes`);
}
const n = by.native;
if (n.last_run_phases) {
  const p = n.last_run_phases;
  console.log(`native phases (last run): export read ${p.export_read.toFixed(3)} s, records read and planned ` +
    `${p.records_read_and_planned.toFixed(3)} s, result written ${p.result_written.toFixed(3)} s; ` +
    `${n.allocations_per_record.toFixed(1)} allocations per record`);
}
const same = rows.every((r) => r.adjustment === rows[0].adjustment && r.compensations === rows[0].compensations);
console.log(`checksums (Σ adjustment, compensations): ${same ? 'all equal' : 'DIFFER'}: ${rows.map((r) => `${r.impl} ${r.adjustment}/${r.compensations}`).join(', ')}`);
if (!same) process.exitCode = 1;
