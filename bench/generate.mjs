// Seeded, deterministic Arrow consumption payloads: `licences` payloads of `lines` lines each, shaped like
// Arrow's Consumption API (`{"data": {"headers": [...], "lines": [[...]]}}`). Most amounts are strings with
// 4 decimals, as Arrow writes them; one line in five carries them as JSON numbers instead.
//
//   node bench/generate.mjs LICENCES LINES   → writes bench/data/consumption-LICENCESxLINES.jsonl (one payload
//                                              per line) unless it exists, and prints its path.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HEADERS = [
  'Report Period', 'Vendor Billing Start Date', 'Vendor Billing End Date', 'Vendor Meter Category',
  'Vendor Meter Sub-Category', 'Vendor Product Name', 'Resource Group', 'UOM', 'Level Chargeable Quantity',
  'Total sell price', 'Total buy price', 'Country currency code',
];
const CATEGORIES = [
  ['Virtual Machines', 'Dv3 Series', 'D2s v3'], ['Storage', 'Standard SSD', 'E10 LRS'],
  ['Bandwidth', 'Zone 1', 'Data Transfer Out'], ['SQL Database', 'General Purpose', 'vCore'],
  ['Azure App Service', 'Premium v3', 'P1 v3'], ['Log Analytics', 'Pay-as-you-go', 'Data Ingestion'],
];
const UOMS = ['1 Hour', '1 GB', '10K', '1/Month'];

/** mulberry32: a tiny seeded PRNG, so every run and every implementation sees the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tag of licence `i`: which resource and licence its payload belongs to. */
export function tagOf(i) {
  return {
    resourceUuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    licenseReference: `XSP${100000 + i}`,
    period: '2025-01',
  };
}

const fixed4 = (tenThousandths) => (tenThousandths / 10000).toFixed(4);

/** The consumption payload of licence `i`, as JSON text. */
export function payloadOf(i, lines) {
  const random = rng(0x5eed ^ Math.imul(i + 1, 0x9e3779b1));
  const rows = new Array(lines);
  for (let n = 0; n < lines; n++) {
    const [category, sub, product] = CATEGORIES[Math.floor(random() * CATEGORIES.length)];
    const quantity = Math.floor(random() * 744) + 1;
    const buy = Math.floor(random() * 2_000_000);
    const sell = buy + Math.floor(buy * 0.15);
    const asNumbers = random() < 0.2;
    rows[n] = [
      '2025-01', '2025-01-01', '2025-01-31', category, sub, product, `rg-${i % 50}`,
      UOMS[n % UOMS.length], String(quantity),
      asNumbers ? Number(fixed4(sell)) : fixed4(sell),
      asNumbers ? Number(fixed4(buy)) : fixed4(buy),
      'EUR',
    ];
  }
  return JSON.stringify({ data: { headers: HEADERS, lines: rows } });
}

/** Writes the data set once; later runs reuse it. */
export function ensureDataFile(licences, lines) {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
  const file = path.join(dir, `consumption-${licences}x${lines}.jsonl`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const out = fs.openSync(`${file}.tmp`, 'w');
    for (let i = 0; i < licences; i++) fs.writeSync(out, `${payloadOf(i, lines)}\n`);
    fs.closeSync(out);
    fs.renameSync(`${file}.tmp`, file);
  }
  return file;
}

/** The payloads of a data file, as strings (read before any timing starts). */
export function readPayloads(file) {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').filter((line) => line.length > 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const licences = Number(process.argv[2] ?? 1000);
  const lines = Number(process.argv[3] ?? 1000);
  console.log(ensureDataFile(licences, lines));
}
