// SoracomCsvAggregator: Soracom's billing CSV streamed in from JS. Fed whole or in pieces split anywhere
// (inside the BOM, a quoted field, a UTF-8 character or a UTF-16 surrogate pair), as bytes or as text, it
// gives the same sums; a bad row names its line and column; a finished aggregator refuses further use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SoracomCsvAggregator, BillsyncError } from '../../pkg/index.mjs';

// BOM, CRLF, quoted fields (a comma, a doubled quote, a line break), account-level and device rows, a
// discount, tag and group columns, multi-byte characters (3-byte kana, a 4-byte emoji).
const CSV = '\ufeffimsi,deviceId,date,billItemName,unitPrice,quantity,amount,tag.name,group\r\n'
  + '440103000000001,,20250101,Air data (s1.standard),0.0000002,1500000,0.3,"センサー, 1",工場\r\n'
  + '440103000000001,,20250102,"Air data ""fast""",0.0000002,1000000,0.2,,\r\n'
  + '440103000000001,,202501,Air basic fee,10,1,10,"センサー, 2",工場\r\n'
  + ',d-7x,20250102,"Inventory, device fee",3,1,3,,\r\n'
  + ',,202501,Free tier,,,-5,,\r\n'
  + '440103000000002,,20250131,Air data 🚀,0.0000002,5,0.000001,"multi\r\nline",g2\r\n';
const BYTES = new TextEncoder().encode(CSV);

const totals = (rows, charges, discounts, net) => ({ rows, charges, discounts, net });

const EXPECTED = {
  currency: 'JPY',
  rows: 6,
  total: totals(6, '13.500001', '-5.00', '8.500001'),
  perSubscriber: {
    account: {
      months: { '2025-01': totals(1, '0.00', '-5.00', '-5.00') },
      dates: { 202501: totals(1, '0.00', '-5.00', '-5.00') },
      labels: {},
    },
    'deviceId:d-7x': {
      months: { '2025-01': totals(1, '3.00', '0.00', '3.00') },
      dates: { 20250102: totals(1, '3.00', '0.00', '3.00') },
      labels: {},
    },
    'imsi:440103000000001': {
      months: { '2025-01': totals(3, '10.50', '0.00', '10.50') },
      dates: {
        202501: totals(1, '10.00', '0.00', '10.00'),
        20250101: totals(1, '0.30', '0.00', '0.30'),
        20250102: totals(1, '0.20', '0.00', '0.20'),
      },
      // The first non-empty value seen.
      labels: { 'tag.name': 'センサー, 1', group: '工場' },
    },
    'imsi:440103000000002': {
      months: { '2025-01': totals(1, '0.000001', '0.00', '0.000001') },
      dates: { 20250131: totals(1, '0.000001', '0.00', '0.000001') },
      labels: { 'tag.name': 'multi\r\nline', group: 'g2' },
    },
  },
  perDay: {
    202501: totals(2, '10.00', '-5.00', '5.00'),
    20250101: totals(1, '0.30', '0.00', '0.30'),
    20250102: totals(2, '3.20', '0.00', '3.20'),
    20250131: totals(1, '0.000001', '0.00', '0.000001'),
  },
  perBillItem: {
    'Air basic fee': totals(1, '10.00', '0.00', '10.00'),
    'Air data "fast"': totals(1, '0.20', '0.00', '0.20'),
    'Air data (s1.standard)': totals(1, '0.30', '0.00', '0.30'),
    'Air data 🚀': totals(1, '0.000001', '0.00', '0.000001'),
    'Free tier': totals(1, '0.00', '-5.00', '-5.00'),
    'Inventory, device fee': totals(1, '3.00', '0.00', '3.00'),
  },
  labelColumns: ['tag.name', 'group'],
  unknownColumns: [],
};

/** Feeds `chunks` to a new aggregator and finishes it. */
function aggregate(chunks) {
  const aggregator = new SoracomCsvAggregator({ currency: 'JPY' });
  for (const chunk of chunks) aggregator.push(chunk);
  return aggregator.finish();
}

/** A seeded PRNG (mulberry32): the same splits on every run, and the seed in the failure message. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `whole` cut at the given offsets (sorted, deduplicated; 0 and the end allowed, giving empty pieces). */
function cut(whole, offsets) {
  const at = [...new Set(offsets)].sort((x, y) => x - y);
  const pieces = [];
  let start = 0;
  for (const end of [...at, whole.length]) {
    pieces.push(whole.slice(start, end));
    start = end;
  }
  return pieces;
}

function randomOffsets(next, length) {
  const count = Math.floor(next() * 12);
  return Array.from({ length: count }, () => Math.floor(next() * (length + 1)));
}

test('the whole file, as text or as bytes, gives exact sums per subscriber, day and bill item', () => {
  assert.deepEqual(aggregate([CSV]), EXPECTED);
  assert.deepEqual(aggregate([BYTES]), EXPECTED);
  assert.deepEqual(aggregate([BYTES.buffer.slice(BYTES.byteOffset, BYTES.byteOffset + BYTES.length)]), EXPECTED);
  // A Node Buffer is a Uint8Array.
  assert.deepEqual(aggregate([Buffer.from(CSV)]), EXPECTED);
});

test('bytes split anywhere, inside the BOM and inside multi-byte characters, give the same result', () => {
  const kana = BYTES.indexOf(0xe3); // the first byte of セ
  const emoji = BYTES.indexOf(0xf0); // the first byte of 🚀
  const quote = BYTES.indexOf(0x22); // the first quote
  const fixed = [[1], [2], [1, 2, 3], [kana + 1], [kana + 2], [emoji + 1, emoji + 2, emoji + 3], [quote, quote + 1],
    Array.from({ length: BYTES.length }, (_, i) => i)]; // one byte at a time
  for (const offsets of fixed) {
    assert.deepEqual(aggregate(cut(BYTES, offsets)), EXPECTED, `split at ${offsets.slice(0, 8)}`);
  }
  for (let seed = 1; seed <= 300; seed++) {
    const offsets = randomOffsets(random(seed), BYTES.length);
    assert.deepEqual(aggregate(cut(BYTES, offsets)), EXPECTED, `seed ${seed}: split at ${offsets}`);
  }
});

test('text split anywhere, between the halves of a surrogate pair too, gives the same result', () => {
  const emoji = CSV.indexOf('🚀');
  const fixed = [[1], [emoji + 1], [emoji, emoji + 1, emoji + 2], [CSV.length - 1],
    Array.from({ length: CSV.length }, (_, i) => i)]; // one UTF-16 unit at a time
  for (const offsets of fixed) {
    assert.deepEqual(aggregate(cut(CSV, offsets)), EXPECTED, `split at ${offsets.slice(0, 8)}`);
  }
  for (let seed = 1; seed <= 300; seed++) {
    const offsets = randomOffsets(random(seed), CSV.length);
    assert.deepEqual(aggregate(cut(CSV, offsets)), EXPECTED, `seed ${seed}: split at ${offsets}`);
  }
});

test('text and bytes may alternate; half a surrogate pair left alone is U+FFFD, as TextEncoder writes it', () => {
  const emoji = CSV.indexOf('🚀');
  const head = CSV.slice(0, emoji);
  const headBytes = new TextEncoder().encode(head).length;
  assert.deepEqual(aggregate([head, BYTES.subarray(headBytes)]), EXPECTED);
  assert.deepEqual(aggregate([BYTES.subarray(0, headBytes), CSV.slice(emoji)]), EXPECTED);
  // The high half, then bytes: the half was a lone surrogate.
  const lone = aggregate([CSV.slice(0, emoji + 1), new TextEncoder().encode(CSV.slice(emoji + 2))]);
  assert.deepEqual(Object.keys(lone.perBillItem).filter((k) => k.startsWith('Air data \ufffd')), ['Air data \ufffd']);
  assert.deepEqual(lone, aggregate([new TextEncoder().encode(CSV.slice(0, emoji + 1) + CSV.slice(emoji + 2))]));
});

test('chunks larger than 64 KiB, as one text or one byte array, give the same sums as small ones', () => {
  const header = 'imsi,date,billItemName,amount,tag.name\n';
  const rows = Array.from({ length: 20_000 }, (_, i) =>
    `4401030${String(i % 300).padStart(8, '0')},202501${String(1 + (i % 28)).padStart(2, '0')},Air データ,${i % 13 === 0 ? '-' : ''}0.${String(i).padStart(4, '0')},t-${i % 300}\n`).join('');
  const text = header + rows;
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.length > 8 * 65536);
  const whole = aggregate([text]);
  assert.equal(whole.rows, 20_000);
  assert.deepEqual(aggregate([bytes]), whole);
  const small = [];
  for (let i = 0; i < bytes.length; i += 4093) small.push(bytes.subarray(i, i + 4093));
  assert.deepEqual(aggregate(small), whole);
  assert.equal(Object.keys(whole.perSubscriber).length, 300);
});

test('amounts are exact decimal strings with at least 2 decimals, as billsync renders money', () => {
  const cases = [['100', '100.00'], ['0.10', '0.10'], ['-0.5', '-0.50'], ['1.230', '1.23'], ['0', '0.00'], ['-0', '0.00'],
    ['12345678901234.5678901', '12345678901234.5678901'], ['0.0000000001', '0.0000000001'], ['1e3', '1000.00'],
    ['-2.5E-3', '-0.0025'], ['000123.4500', '123.45'],
    // Beyond 64 bits of mantissa.
    ['123456789012345678901234.5', '123456789012345678901234.50'], ['-98765432109876543210.123', '-98765432109876543210.123']];
  const csv = `date,billItemName,amount\n${cases.map(([amount], i) => `20250101,item ${i},${amount}\n`).join('')}`;
  const result = aggregate([csv]);
  cases.forEach(([amount, rendered], i) => assert.equal(result.perBillItem[`item ${i}`].net, rendered, amount));
  assert.equal(result.perBillItem['item 2'].discounts, '-0.50');
  assert.equal(result.perBillItem['item 5'].charges, '0.00', 'a negative zero is a charge of 0');
});

test('push returns the complete rows so far', () => {
  const aggregator = new SoracomCsvAggregator({ currency: 'usd' });
  assert.equal(aggregator.push('date,billItemName,amount\n20250101,Air,1\n2025'), 1);
  assert.equal(aggregator.push('0102,Air,2\n'), 2);
  const result = aggregator.finish();
  assert.equal(result.currency, 'USD');
  assert.equal(result.total.net, '3.00');
});

test('a bad row throws a coded error naming its line and column, and again on every later call', () => {
  const aggregator = new SoracomCsvAggregator({ currency: 'JPY' });
  aggregator.push('date,billItemName,amount\n20250101,"two\nlines",1\n');
  const isBadRow = (e) => e instanceof BillsyncError && e.code === 'invalid_cell'
    && e.details.row === 4 && e.details.column === 'amount' && e.details.value === '1.2.3'
    && /row 4, column "amount", value "1\.2\.3"/.test(e.message);
  // The bad row is split over two chunks: it fails once it is complete.
  assert.equal(aggregator.push('20250102,Air,1.2'), 1);
  assert.throws(() => aggregator.push('.3\n20250103,Air,1\n'), isBadRow);
  assert.throws(() => aggregator.push('20250104,Air,1\n'), isBadRow);
  assert.throws(() => aggregator.finish(), isBadRow);
  assert.throws(() => aggregator.finish(), (e) => e.code === 'invalid_argument' && e.details.argument === 'this');

  assert.throws(() => aggregate(['date,billItemName,amount\n202501xx,Air,1\n']),
    (e) => e.code === 'invalid_cell' && e.details.row === 2 && e.details.column === 'date');
  assert.throws(() => aggregate(['imsi,date,amount\n']), (e) => e.code === 'missing_column' && e.details.column === 'billItemName');
  assert.throws(() => aggregate(['date,billItemName,amount\n20250101,"open,1\n']), (e) => e.code === 'invalid_payload');
  assert.throws(() => aggregate([]), (e) => e.code === 'invalid_payload' && /no header/.test(e.message));
});

test('after finish every call throws invalid_argument; wrong arguments are coded errors', () => {
  const aggregator = new SoracomCsvAggregator({ currency: 'JPY' });
  aggregator.push(CSV);
  aggregator.finish();
  const finished = (e) => e instanceof BillsyncError && e.code === 'invalid_argument' && e.details.argument === 'this'
    && /finished/.test(e.details.got);
  assert.throws(() => aggregator.push(CSV), finished);
  assert.throws(() => aggregator.finish(), finished);

  for (const bad of [undefined, null, 42, {}, [], new Uint16Array(2)]) {
    assert.throws(() => new SoracomCsvAggregator({ currency: 'JPY' }).push(bad),
      (e) => e.code === 'invalid_argument' && e.details.argument === 'chunk');
  }
  for (const bad of [undefined, null, 'JPY', {}, { currency: 392 }]) {
    assert.throws(() => new SoracomCsvAggregator(bad), (e) => e.code === 'invalid_argument');
  }
  assert.throws(() => new SoracomCsvAggregator({ currency: 'yen!' }), (e) => e instanceof BillsyncError && e.status === 400);
});
