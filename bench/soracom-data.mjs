// A seeded, deterministic Soracom billing CSV export, written once to a file that all three implementations
// of bench/run-soracom.sh then read.
//
//   node bench/soracom-data.mjs ROWS [SUBSCRIBERS]   → writes bench/data/soracom-ROWSxSUBSCRIBERS.csv unless
//                                                      it exists, and prints its path.
//
// The shape of Soracom's export (spec/soracom.md): a UTF-8 BOM, CRLF, the columns imsi, date, billItemName,
// unitPrice, quantity, amount, then the tag and group columns (`tag.name`, `group`). Per SIM (10,000 by
// default) and month (January 2025): data traffic rows for each of 30 days, SMS rows, a monthly basic fee,
// and discounts (a per-SIM volume discount, and account-level free-tier rows with an empty imsi). Bill item
// names with a comma or a quote are quoted as RFC 4180 says; one tag in ten is Japanese, one in five is
// quoted. Amounts are exact decimals up to 7 places (Soracom's 0.0000002 JPY per byte).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './generate.mjs';

export const HEADER = '\ufeffimsi,date,billItemName,unitPrice,quantity,amount,tag.name,group\r\n';
const MONTH = '202501';
const DAYS = 30;

const quote = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** The two label cells of SIM `sim`. */
function labels(sim) {
  let name = `sensor-${sim}`;
  if (sim % 10 === 3) name = `センサー${sim}号機`;
  else if (sim % 5 === 1) name = `line ${sim % 20}, bay "${sim % 7}"`;
  return `${quote(name)},group-${sim % 7}`;
}

/**
 * Row `i` of the file. Rows go round the SIMs, 100 rows per SIM for 1M rows over 10,000 SIMs: slot
 * `floor(i / subscribers)` says what the row is.
 */
function row(i, subscribers, next, tags) {
  const sim = i % subscribers;
  const slot = Math.floor(i / subscribers) % 100;
  const imsi = `4401030${String(sim).padStart(8, '0')}`;
  const day = `${MONTH}${String((slot % DAYS) + 1).padStart(2, '0')}`;
  if (slot < 60) {
    // Data traffic: 0.0000002 JPY per byte, exactly (bytes × 2 in units of 10^-7).
    const bytes = 1_000 + Math.floor(next() * 50_000_000);
    const units = bytes * 2;
    const amount = `${Math.floor(units / 1e7)}.${String(units % 1e7).padStart(7, '0')}`;
    const item = slot % 2 === 0 ? 'Air data (s1.standard)' : 'Air data (plan-D, "roaming", global)';
    return `${imsi},${day},${quote(item)},0.0000002,${bytes},${amount},${tags[sim]}\r\n`;
  }
  if (slot < 90) {
    const count = 1 + Math.floor(next() * 20);
    return `${imsi},${day},Air SMS (MT),3.3,${count},${(count * 33 / 10).toFixed(1)},${tags[sim]}\r\n`;
  }
  if (slot < 98) return `${imsi},${MONTH},"Basic fee, s1.standard",10,1,10,${tags[sim]}\r\n`;
  if (slot === 98) {
    const discount = (Math.floor(next() * 5000) / 100).toFixed(2);
    return `${imsi},${MONTH},Volume discount,,,-${discount},${tags[sim]}\r\n`;
  }
  // Account-level: every id column empty, no labels.
  const credit = (Math.floor(next() * 10000) / 100).toFixed(2);
  return `,${MONTH},Free tier,,,-${credit},,\r\n`;
}

/** Writes the file (about 90 bytes a row) in 1 MiB pieces. */
export function writeCsv(file, rows, subscribers) {
  const next = rng(20250131);
  const tags = Array.from({ length: subscribers }, (_, sim) => labels(sim));
  const fd = fs.openSync(file, 'w');
  try {
    let buffer = HEADER;
    for (let i = 0; i < rows; i++) {
      buffer += row(i, subscribers, next, tags);
      if (buffer.length >= 1 << 20) {
        fs.writeSync(fd, buffer);
        buffer = '';
      }
    }
    fs.writeSync(fd, buffer);
  } finally {
    fs.closeSync(fd);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const subscribers = Number(process.argv[3] ?? 10_000);
  if (!(rows > 0 && subscribers > 0)) {
    console.error('usage: node bench/soracom-data.mjs ROWS [SUBSCRIBERS]');
    process.exit(2);
  }
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `soracom-${rows}x${subscribers}.csv`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.partial`;
    writeCsv(partial, rows, subscribers);
    fs.renameSync(partial, file);
  }
  console.log(file);
}
