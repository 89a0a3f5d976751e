// Seeded, deterministic input for the reconciliation benchmark: N consumption records (seed 001's shape) and
// Arrow's billing export for their month, two lines per licence, with one licence in twenty missing (no
// billing data) and finals a little above or below consumption.
//
//   node bench/reconcile-data.mjs RECORDS   → writes bench/data/reconcile-RECORDS.json unless it exists, prints its path
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './generate.mjs';

export const EXPORT_HEADERS = [
  'Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference',
  'Vendor Name', 'Product Name', 'Qty', 'Report Period',
];

const cents = (n) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;

export function reconcileInput(records) {
  const random = rng(20250101 + records);
  const rows = [];
  const values = [];
  for (let i = 0; i < records; i++) {
    const license = `XSP${200000 + i}`;
    const consumedSell = 1000 + Math.floor(random() * 500000);
    const consumedBuy = Math.floor(consumedSell * 0.85);
    rows.push({
      uuid: `10000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      resource_uuid: `20000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      resource_name: `subscription-${i}`,
      customer_uuid: `30000000-0000-4000-8000-${(i % 500).toString(16).padStart(12, '0')}`,
      customer_name: `Customer ${i % 500}`,
      license_reference: license,
      billing_period: '2025-01-01',
      consumed_sell: cents(consumedSell),
      consumed_buy: cents(consumedBuy),
      final_sell: null, final_buy: null, finalized_at: null, reconciled_at: null,
    });
    if (i % 20 === 7) continue;
    const finalSell = consumedSell + Math.floor((random() - 0.5) * 2000);
    const first = Math.floor(finalSell * 0.6);
    for (const [seq, sell] of [[2 * i, first], [2 * i + 1, finalSell - first]]) {
      values.push(['IAAS', `vs-${i}`, `Customer ${i % 500}`, `XSP${900000 + (i % 500)}`, cents(sell),
        cents(Math.floor(sell * 0.85)), String(seq), license, 'ST-2025-01', 'Microsoft', 'Azure plan', '1', '2025-01']);
    }
  }
  return { records: rows, exportPayload: JSON.stringify({ data: { headers: EXPORT_HEADERS, values }, pagination: { perPage: values.length + 1 } }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const records = Number(process.argv[2] ?? 10000);
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
  const file = path.join(dir, `reconcile-${records}.json`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(reconcileInput(records)));
  }
  console.log(path.relative(process.cwd(), file));
}
