// The Soracom billing CSV benchmark in Node, one measurement per process, printed as one JSON line
// (bench/run-soracom.sh collects them with the native bench's, bench/report-soracom.mjs prints the table).
//
//   node bench/measure-soracom.mjs wasm FILE RUNS   billsync's SoracomCsvAggregator (bench/build)
//   node bench/measure-soracom.mjs js FILE RUNS     plain JS doing the same work, with decimal.js
//   node bench/measure-soracom.mjs stream FILE      memory only: one wasm run, peak RSS while streaming
//
// Both read FILE as a stream of 64 KiB chunks (fs.createReadStream), as a host streaming a 1 GB export would,
// and push each chunk as it arrives. The timed region is the same for both, and for the native bench: from
// opening the file to the finished result (for wasm, the plain JS object `finish()` returns). One untimed
// run first (JIT tier-up), then RUNS timed runs.
//
// Each prints the total and a digest of every sum (per subscriber: months, dates, labels; per day; per bill
// item), written as the same canonical text as bench/soracom_csv.rs writes it: the report checks that all
// three agree on all of it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Decimal from 'decimal.js';

const require = createRequire(import.meta.url);
const CHUNK = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------
// The plain-JS reference: what billsync's aggregator does, written as a careful Node engineer would. Same
// input, same rules, same output shape as `SoracomCsvAggregator.finish()`:
// - UTF-8 decoded as a stream (`TextDecoder`, fatal: bad UTF-8 throws; a character may be split between
//   chunks; the BOM is dropped); an incomplete last row is carried over to the next chunk;
// - RFC 4180: quoted fields with commas, doubled quotes and line breaks; CRLF, LF or lone CR; blank lines
//   skipped; a quote in an unquoted field, or text after a closing quote, is an error; physical line numbers;
// - the header found by name (trimmed, ASCII case-insensitive), date/billItemName/amount required, a column
//   given twice refused, the id columns in billsync's order, label columns = every column after `amount`;
// - each row: its width, the date (yyyyMMdd or yyyyMM, a real day, years 2000-2100), a non-blank bill item,
//   the amount in JSON's number grammar, unitPrice and quantity when present (same grammar; checked, not
//   kept, so not turned into Decimals); errors name the line, the column and the value;
// - exact sums with decimal.js per subscriber × month, subscriber × date, day, bill item and in total, each
//   as rows, charges (amount >= 0), discounts (< 0) and net; labels keep their first non-empty value.
// ---------------------------------------------------------------------------------------------------------

const Dec = Decimal.clone({ precision: 40 });
const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
const ID_COLUMNS = ['imsi', 'vpgId', 'loraGatewayId', 'loraDeviceId', 'sigfoxDeviceId', 'deviceId', 'gadgetId',
  'soraCamDeviceId'];
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE]([+-]?\d+))?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function csvError(line, column, value, reason) {
  const error = new Error(`soracom billing csv: row ${line}, column ${JSON.stringify(column)}, value ${JSON.stringify(value)}: ${reason}`);
  Object.assign(error, { line, column, value });
  return error;
}

function checkNumber(text, line, column) {
  const match = NUMBER.exec(text);
  if (!match) throw csvError(line, column, text, 'not a number');
  if (match[1] !== undefined && Math.abs(Number(match[1])) > 56) throw csvError(line, column, text, 'exponent out of range');
}

/** The month ("YYYY-MM") of a date cell, or an error. */
function monthOf(text, line) {
  const n = text.length;
  if ((n !== 8 && n !== 6) || !/^\d+$/.test(text)) throw csvError(line, 'date', text, 'expected yyyyMMdd or yyyyMM');
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  if (year < 2000 || year > 2100 || month < 1 || month > 12) throw csvError(line, 'date', text, 'no such month');
  if (n === 8) {
    const day = Number(text.slice(6, 8));
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day < 1 || day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) throw csvError(line, 'date', text, 'no such day');
  }
  return `${text.slice(0, 4)}-${text.slice(4, 6)}`;
}

function readHeader(fields, line) {
  const headers = fields.map((h) => h.trim());
  const find = (name) => {
    const lower = name.toLowerCase();
    const at = headers.flatMap((h, i) => (h.toLowerCase() === lower ? [i] : []));
    if (at.length > 1) throw csvError(line, headers[at[1]], `column ${at[1] + 1}`, 'the column is given twice');
    return at.length ? at[0] : -1;
  };
  const amount = find('amount');
  const date = find('date');
  const item = find('billItemName');
  const missing = [['date', date], ['billItemName', item], ['amount', amount]].filter(([, i]) => i < 0);
  if (missing.length) throw new Error(`soracom billing csv: missing column ${missing.map(([n]) => n).join(', ')}`);
  const ids = ID_COLUMNS.map((kind) => [kind, find(kind)]).filter(([, i]) => i >= 0);
  const unitPrice = find('unitPrice');
  const quantity = find('quantity');
  const known = new Set([...ids.map(([, i]) => i), date, item, amount, unitPrice, quantity]);
  return {
    headers, width: headers.length, ids, date, item, amount, unitPrice, quantity,
    labels: headers.flatMap((h, i) => (i > amount ? [[h, i]] : [])),
    unknown: headers.filter((h, i) => i < amount && !known.has(i)),
  };
}

const newTotals = () => ({ rows: 0, charges: new Dec(0), discounts: new Dec(0), net: new Dec(0) });

function addTo(totals, amount) {
  totals.rows += 1;
  totals.net = totals.net.plus(amount);
  if (amount.isNeg() && !amount.isZero()) totals.discounts = totals.discounts.plus(amount);
  else totals.charges = totals.charges.plus(amount);
}

function add(map, key, amount) {
  let totals = map.get(key);
  if (!totals) map.set(key, (totals = newTotals()));
  addTo(totals, amount);
}

/** Line breaks in a quoted value: CRLF, LF and lone CR each count one. */
function breaksIn(value) {
  let breaks = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === LF || (c === CR && value.charCodeAt(i + 1) !== LF)) breaks++;
  }
  return breaks;
}

/** As billsync renders amounts: lossless, at least 2 decimals. */
const render = (d) => (d.decimalPlaces() < 2 ? d.toFixed(2) : d.toFixed());
const renderTotals = (t) => ({ rows: t.rows, charges: render(t.charges), discounts: render(t.discounts), net: render(t.net) });
const renderMap = (map) => Object.fromEntries([...map].map(([k, t]) => [k, renderTotals(t)]));

export class PlainSoracomCsvAggregator {
  constructor(currency) {
    this.currency = currency;
    this.decoder = new TextDecoder('utf-8', { fatal: true });
    this.carry = '';
    this.line = 1;
    this.header = null;
    this.fields = [];
    this.total = newTotals();
    this.perSubscriber = new Map();
    this.perDay = new Map();
    this.perBillItem = new Map();
  }

  push(bytes) {
    this.parse(this.carry + this.decoder.decode(bytes, { stream: true }), false);
  }

  finish() {
    this.parse(this.carry + this.decoder.decode(), true);
    if (!this.header) throw new Error('soracom billing csv: empty file: no header row');
    const h = this.header;
    return {
      currency: this.currency,
      rows: this.total.rows,
      total: renderTotals(this.total),
      perSubscriber: Object.fromEntries([...this.perSubscriber].map(([key, s]) => [key, {
        months: renderMap(s.months), dates: renderMap(s.dates), labels: Object.fromEntries(s.labels),
      }])),
      perDay: renderMap(this.perDay),
      perBillItem: renderMap(this.perBillItem),
      labelColumns: h.labels.map(([name]) => name),
      unknownColumns: h.unknown,
    };
  }

  /** Reads every complete row of `text`; keeps the incomplete rest for the next chunk. */
  parse(text, final) {
    let p = 0;
    while (p < text.length) {
      const end = this.row(text, p, final);
      if (end < 0) break;
      p = end;
    }
    this.carry = p === 0 ? text : text.slice(p);
  }

  /** Reads the row starting at `start`: the index after its line break, or -1 if it is not complete yet. */
  row(text, start, final) {
    const fields = this.fields;
    fields.length = 0;
    const n = text.length;
    let p = start;
    let breaks = 0;
    let quoted = false;
    let c;
    for (;;) {
      if (p < n && text.charCodeAt(p) === QUOTE) {
        quoted = true;
        let value = '';
        let from = p + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0 || (close + 1 >= n && !final)) {
            if (final) throw new Error(`soracom billing csv: line ${this.line + breaks}: unterminated quoted field`);
            return -1;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += text.slice(from, close);
          p = close + 1;
          break;
        }
        if (value.includes('\n') || value.includes('\r')) breaks += breaksIn(value);
        fields.push(value);
        c = p < n ? text.charCodeAt(p) : -1;
        if (c !== COMMA && c !== CR && c !== LF && c !== -1) {
          throw new Error(`soracom billing csv: line ${this.line + breaks}: text after a closing quote`);
        }
      } else {
        let q = p;
        c = -1;
        while (q < n) {
          const d = text.charCodeAt(q);
          if (d === COMMA || d === CR || d === LF) {
            c = d;
            break;
          }
          if (d === QUOTE) throw new Error(`soracom billing csv: line ${this.line + breaks}: a quote inside an unquoted field`);
          q++;
        }
        if (c === -1 && !final) return -1;
        fields.push(text.slice(p, q));
        p = q;
      }
      if (c === COMMA) {
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= n && !final) return -1;
        p += text.charCodeAt(p + 1) === LF ? 2 : 1;
      } else if (c === LF) {
        p++;
      }
      break;
    }
    const line = this.line;
    this.line += 1 + breaks;
    // A blank line carries no fields.
    if (!(fields.length === 1 && !quoted && fields[0] === '')) this.onRow(fields, line);
    return p;
  }

  onRow(fields, line) {
    const h = this.header;
    if (!h) {
      this.header = readHeader(fields, line);
      return;
    }
    if (fields.length !== h.width) {
      const at = Math.min(fields.length, h.width);
      throw csvError(line, h.headers[at] ?? `(column ${at + 1})`, fields[at] ?? '',
        `the row has ${fields.length} fields, the header ${h.width}`);
    }
    const date = fields[h.date];
    const month = monthOf(date, line);
    const item = fields[h.item];
    if (item.trim() === '') throw csvError(line, h.headers[h.item], item, 'must not be blank');
    const amountText = fields[h.amount];
    checkNumber(amountText, line, h.headers[h.amount]);
    const amount = new Dec(amountText);
    if (h.unitPrice >= 0 && fields[h.unitPrice] !== '') checkNumber(fields[h.unitPrice], line, h.headers[h.unitPrice]);
    if (h.quantity >= 0 && fields[h.quantity] !== '') checkNumber(fields[h.quantity], line, h.headers[h.quantity]);
    let key = 'account';
    for (const [kind, i] of h.ids) {
      const id = fields[i].trim();
      if (id !== '') {
        key = `${kind}:${id}`;
        break;
      }
    }
    let subscriber = this.perSubscriber.get(key);
    if (!subscriber) {
      subscriber = { months: new Map(), dates: new Map(), labels: new Map() };
      this.perSubscriber.set(key, subscriber);
    }
    add(subscriber.months, month, amount);
    add(subscriber.dates, date, amount);
    for (const [name, i] of h.labels) {
      const value = fields[i];
      if (value !== '' && !subscriber.labels.has(name)) subscriber.labels.set(name, value);
    }
    add(this.perDay, date, amount);
    add(this.perBillItem, item, amount);
    addTo(this.total, amount);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Measuring.
// ---------------------------------------------------------------------------------------------------------

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024 * 10) / 10;
/** Peak RSS when the first run had pushed its last chunk: the streaming itself, before any result exists. */
let streamRssMb;

/** Streams FILE in 64 KiB chunks into `aggregator`, then finishes it. */
async function streamInto(aggregator, file) {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) aggregator.push(chunk);
  streamRssMb ??= maxRssMb();
  return aggregator.finish();
}

// Rust's BTreeMap order: months and names as strings (the keys here are ASCII, where UTF-16 order is byte
// order), dates with the yyyyMM rows before every day (billsync's BillDate puts Month before Day).
const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const byDate = (a, b) => a.length - b.length || byString(a, b);

/** Every sum as text, one per line, as bench/soracom_csv.rs writes it. */
export function canonical(result) {
  const out = [];
  const totals = (tag, key, t) => out.push(`${tag}\t${key}\t${t.rows}\t${t.charges}\t${t.discounts}\t${t.net}`);
  for (const key of Object.keys(result.perSubscriber).sort(byString)) {
    const s = result.perSubscriber[key];
    out.push(`S\t${key}`);
    for (const m of Object.keys(s.months).sort(byString)) totals('M', m, s.months[m]);
    for (const d of Object.keys(s.dates).sort(byDate)) totals('D', d, s.dates[d]);
    for (const name of Object.keys(s.labels).sort(byString)) out.push(`L\t${name}\t${s.labels[name]}`);
  }
  for (const d of Object.keys(result.perDay).sort(byDate)) totals('P', d, result.perDay[d]);
  for (const item of Object.keys(result.perBillItem).sort(byString)) totals('B', item, result.perBillItem[item]);
  totals('T', '', result.total);
  return `${out.join('\n')}\n`;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

async function time(runs, once) {
  let result = await once();
  const seconds = [];
  for (let r = 0; r < runs; r++) {
    result = null;
    const started = process.hrtime.bigint();
    result = await once();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds, result };
}

const [mode, file, runs = '3'] = process.argv.slice(2);
if (mode === 'stream' && file) {
  // Memory only: one run of the wasm aggregator over FILE (bench/run-soracom.sh's FLAT check, on files of
  // different sizes with the same subscribers, days and bill items).
  const billsync = require('./build/billsync.js');
  const started = process.hrtime.bigint();
  const result = await streamInto(new billsync.SoracomCsvAggregator({ currency: 'JPY' }), file);
  console.log(JSON.stringify({
    impl: 'wasm', file, rows: result.rows, bytes: fs.statSync(file).size,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    stream_rss_mb: streamRssMb, max_rss_mb: maxRssMb(), total: result.total, digest: fnv1a(canonical(result)),
  }));
} else if ((mode === 'wasm' || mode === 'js') && file) {
  let once;
  if (mode === 'wasm') {
    const billsync = require(`./build/${process.env.BILLSYNC_BUILD ? `${process.env.BILLSYNC_BUILD}/` : ''}billsync.js`);
    once = () => streamInto(new billsync.SoracomCsvAggregator({ currency: 'JPY' }), file);
  } else {
    once = () => streamInto(new PlainSoracomCsvAggregator('JPY'), file);
  }
  const { seconds, result } = await time(Number(runs), once);
  console.log(JSON.stringify({
    impl: mode === 'wasm' ? 'wasm' : 'decimal.js',
    file,
    rows: result.rows,
    bytes: fs.statSync(file).size,
    chunk: CHUNK,
    seconds,
    // The whole Node process at its peak (wasm linear memory included), as the kernel counts it: while
    // streaming, and over everything (the results, several runs' of them before the GC frees them).
    stream_rss_mb: streamRssMb,
    max_rss_mb: maxRssMb(),
    subscribers: Object.keys(result.perSubscriber).length,
    days: Object.keys(result.perDay).length,
    bill_items: Object.keys(result.perBillItem).length,
    total: result.total,
    digest: fnv1a(canonical(result)),
  }));
} else if (mode !== undefined) {
  console.error('usage: node bench/measure-soracom.mjs wasm|js FILE RUNS | stream FILE');
  process.exit(2);
}
