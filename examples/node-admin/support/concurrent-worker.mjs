// One backend worker of test/two-processes.test.mjs: an engine on the shared SQLite file, syncing or reconciling
// every month of 2024 as fast as it can. It prints one JSON line: what it did and how many conflicts it met.
import billsync from 'billsync';
import { openSqliteStore } from '../sqlite-store.mjs';

const [dbPath, role, seed, startAt] = process.argv.slice(2);
const sqlite = openSqliteStore(dbPath);
let conflicts = 0;
let gaveUp = 0;
let rng = Number(seed) || 1;
const jitter = () => new Promise((resolve) => {
  rng = (rng * 1103515245 + 12345) % 2147483648;
  setTimeout(resolve, rng % 3);
});
// The month's figures: what the preliminary consumption says (it grows with each sync), and the final.
const sell = (license, month, round) => `${100 + month + round * 7 + Number(license.at(-1))}.00`;
const final = (license, month) => `${95 + month + Number(license.at(-1))}.50`;
let round = 0;
const arrow = {
  async consumption({ licenseReference, periodStart }) {
    await jitter();
    const month = Number(periodStart.slice(5, 7));
    const s = sell(licenseReference, month, round);
    return JSON.stringify({ data: { headers: ['Report Period', 'Vendor Meter Category', 'Total sell price', 'Total buy price'], lines: [[periodStart, 'VM', s, s]] } });
  },
  async billingExport({ periodFrom }) {
    await jitter();
    const month = Number(periodFrom.slice(5, 7));
    const values = ['XSP10000', 'XSP10001', 'XSP10002'].map((l) => ['IAAS', `vs-${l}`, 'Contoso', 'XSP661245', final(l, month), final(l, month), `C-${l}-${month}`, l, `ST-${month}`, 'Microsoft', 'Azure plan', '1', periodFrom]);
    return JSON.stringify({ data: { headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID', 'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period'] , values }, pagination: { perPage: 1000 } });
  },
  license: async () => '{}',
  licenses: async () => '{}',
};
// A database a little slower than an in-process file (reads take a millisecond or two), so that one
// worker's reads and commit straddle the other's commit often.
const store = {
  get: async (t, id) => { await jitter(); return sqlite.get(t, id); },
  scan: async (t, q) => { await jitter(); return sqlite.scan(t, q); },
  commit: (changeset) => sqlite.commit(changeset),
};
const engine = new billsync.ArrowEngine({
  arrow,
  store,
  clock: { now: () => '2025-01-20T10:00:00Z' },
  onProgress: (e) => { if (/conflict/.test(e.message)) conflicts += 1; },
});
// Both workers start together and give each month the same slot of time: the syncing worker syncs it over
// and over with growing figures, the reconciling one reconciles it halfway through, while syncs go on.
const SLOT_MS = 80;
const sleepUntil = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())));
const done = [];
for (let month = 1; month <= 12; month += 1) {
  const start = Number(startAt) + (month - 1) * SLOT_MS;
  const body = { year: 2024, month };
  if (role === 'sync') {
    await sleepUntil(start);
    for (round = 0; round === 0 || Date.now() < start + SLOT_MS * 0.8; round += 1) done.push((await engine.triggerConsumptionSync(body)).errors);
  } else {
    await sleepUntil(start + SLOT_MS * 0.4);
    // Under a storm of syncs the engine may give up after its attempts (409); an admin would run it again.
    for (let attempt = 0; ; attempt += 1) {
      try {
        done.push((await engine.triggerReconciliation(body)).errors);
        break;
      } catch (error) {
        if (error.code !== 'conflict' || attempt >= 20) throw error;
        gaveUp += 1;
      }
    }
  }
}
sqlite.close();
process.stdout.write(`${JSON.stringify({ role, operations: done.length, errors: done.reduce((a, b) => a + b, 0), conflicts, gaveUp })}\n`);
