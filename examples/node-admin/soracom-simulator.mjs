// An HTTP server that answers like Soracom's billing API (seed 002, BillingApi; shared/spec/soracom.md), backed by
// the deterministic demo dataset of soracom-demo-data.mjs. It listens on 127.0.0.1 only (port 0, the default,
// picks a free one), serves the API under /v1 like https://api.soracom.io/v1, and the exported files under /s3/
// like a pre-signed storage link.
//
//   GET  /v1/bills                              GetBillingHistoryResponse: closed months, newest first
//   GET  /v1/bills/latest                       GetLatestBill: the current month so far
//   POST /v1/bills/latest/export?export_mode=   FileExportResponse of the current month (preliminary)
//   GET  /v1/bills/{yyyyMM}                     MonthlyBill: "closed" (final) or "temporary" (preliminary)
//   GET  /v1/bills/{yyyyMM}/daily               DailyBillResponse, newest first; monthly-basis rows left out
//   POST /v1/bills/{yyyyMM}/export?export_mode= sync → {url}; async → {exportedFileId, exportedFilePath}
//   GET  /v1/files/exported/{id}                {status: processing|exported|failed, url}
//   GET  /s3/billing/{id}/{name}.csv?sig=…      the CSV (no Soracom headers: the signature is the credential)
//
// Time comes from the injected clock `now()`, read in `timezone`: the current month is the clock's month. The
// dataset spans `months` months ending with it. The current month is always temporary. The previous month
// CLOSES LATE: it stays temporary (preliminary figures, not in the history) for the first `lateCloseDays` days
// of the current month, and is closed (final figures) from the day after. Older months are closed.
//
// Every /v1 request needs X-Soracom-API-Key and X-Soracom-Token; otherwise 401 with Soracom's error shape.
// A month older than the 18-month window (or not yyyyMM) is 400; a month in the window without data (before
// the dataset, or after the current month) is 404 {"code":"SEM0016"}.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  SORACOM_API_KEY,
  SORACOM_TOKEN,
  SORACOM_OPERATOR_ID,
  SORACOM_CURRENCY,
  addMonths,
  isYearMonth,
  soracomBillingCsv,
  soracomFigures,
} from './soracom-demo-data.mjs';

export const SORACOM_WINDOW_MONTHS = 18;

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const soracomError = (res, status, code, message, headers) => send(res, status, { code, message }, headers);

/** The clock's reading in `timezone`: {yyyyMM, day, stamp "yyyyMMddHHmmss"}. */
function localTime(instant, timezone) {
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) throw new TypeError(`soracom simulator: now() gave an invalid time: ${String(instant)}`);
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)) parts[p.type] = p.value;
  return { yyyyMM: `${parts.year}${parts.month}`, day: Number(parts.day), stamp: `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}` };
}

/**
 * Starts the simulator.
 * @param {object} [options]
 * @param {number} [options.port=0]
 * @param {string} [options.apiKey] the X-Soracom-API-Key requests must carry (default: the demo key)
 * @param {string} [options.token] the X-Soracom-Token requests must carry (default: the demo token)
 * @param {() => Date | string | number} [options.now] the clock (default: the system clock)
 * @param {string} [options.timezone="UTC"] the IANA zone the clock is read in (which month and day it is)
 * @param {number} [options.months=4] how many months have data, ending with the current one
 * @param {number} [options.lateCloseDays=3] days of the current month during which the previous month is still
 *   temporary (0: it is closed as soon as the month turns)
 * @param {number} [options.exportPolls=1] how many polls of an async export answer "processing" first
 * @param {string | string[]} [options.failExport] month(s) "yyyyMM" whose export fails: async → status
 *   "failed" after the processing polls; sync → 500
 * @param {{ status: number, count: number }} [options.faults] fail the first `count` /v1 requests with `status`
 * @param {string} [options.operatorId]
 * @param {(entry: object) => void} [options.onRequest] called for every request (method, path, status)
 */
export async function startSoracomSimulator({
  port = 0,
  apiKey = SORACOM_API_KEY,
  token = SORACOM_TOKEN,
  now = () => new Date(),
  timezone = 'UTC',
  months = 4,
  lateCloseDays = 3,
  exportPolls = 1,
  failExport,
  faults,
  operatorId = SORACOM_OPERATOR_ID,
  onRequest,
} = {}) {
  if (!Number.isInteger(months) || months < 1 || months > SORACOM_WINDOW_MONTHS) throw new RangeError(`months must be 1..${SORACOM_WINDOW_MONTHS}`);
  const failing = new Set([failExport ?? []].flat());
  const requests = [];
  const exports = new Map();
  let faultsLeft = faults?.count ?? 0;
  let exportCount = 0;
  let origin = '';

  const clock = () => localTime(now(), timezone);
  const currentMonth = () => clock().yyyyMM;
  const dataMonths = () => {
    const current = currentMonth();
    return Array.from({ length: months }, (_, i) => addMonths(current, i - months + 1));
  };
  /** 'closed', 'temporary', or null (no data for that month). */
  const stateOf = (yyyyMM) => {
    const { yyyyMM: current, day } = clock();
    if (!dataMonths().includes(yyyyMM)) return null;
    if (yyyyMM === current) return 'temporary';
    if (yyyyMM === addMonths(current, -1) && day <= lateCloseDays) return 'temporary';
    return 'closed';
  };
  const servedFigures = (yyyyMM) => {
    const state = stateOf(yyyyMM);
    return state === null ? null : soracomFigures(yyyyMM, state === 'closed' ? 'final' : 'preliminary');
  };
  /** 'ok', 'bad' (not yyyyMM, or older than the 18-month window) or 'unknown' (no data). */
  const checkMonth = (yyyyMM) => {
    if (!isYearMonth(yyyyMM)) return 'bad';
    if (yyyyMM < addMonths(currentMonth(), 1 - SORACOM_WINDOW_MONTHS)) return 'bad';
    return stateOf(yyyyMM) === null ? 'unknown' : 'ok';
  };

  const monthlyBill = (yyyyMM) => {
    const state = stateOf(yyyyMM);
    const f = servedFigures(yyyyMM);
    const bill = { amount: Number(f.total), appliedCouponAmount: Number(f.appliedCouponAmount), currency: SORACOM_CURRENCY };
    if (state === 'closed') Object.assign(bill, { paymentStatus: 'paid', paymentTransactionId: `pt-${operatorId}-${yyyyMM}` });
    return { ...bill, state, yearMonth: yyyyMM };
  };

  function startExport(yyyyMM, mode) {
    const kind = stateOf(yyyyMM) === 'closed' ? 'final' : 'preliminary';
    exportCount += 1;
    const id = `ef-${yyyyMM}-${String(exportCount).padStart(4, '0')}-${randomBytes(3).toString('hex')}`;
    const name = `billing_${operatorId}_${yyyyMM}_${kind}`;
    const entry = {
      id,
      yyyyMM,
      kind,
      mode,
      polls: 0,
      failed: failing.has(yyyyMM),
      bytes: soracomBillingCsv(yyyyMM, kind),
      sig: randomBytes(12).toString('hex'),
      path: `/s3/billing/${id}/${name}.csv`,
    };
    exports.set(id, entry);
    return entry;
  }
  const downloadUrl = (entry) => `${origin}${entry.path}?X-Amz-Expires=3600&X-Amz-Signature=${entry.sig}`;

  function answerExport(res, yyyyMM, url) {
    const mode = url.searchParams.get('export_mode') ?? 'async';
    if (mode !== 'sync' && mode !== 'async') return soracomError(res, 400, 'SEM0005', `Invalid export_mode: ${mode}`);
    const entry = startExport(yyyyMM, mode);
    if (mode === 'sync') {
      if (entry.failed) return soracomError(res, 500, 'SEM0099', `Exporting the bill of ${yyyyMM} failed.`);
      return send(res, 200, { url: downloadUrl(entry) });
    }
    return send(res, 200, { exportedFileId: entry.id, exportedFilePath: `billing/${operatorId}/${yyyyMM}/${entry.id}.csv` });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const entry = { method: req.method, path, query: Object.fromEntries(url.searchParams) };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      onRequest?.(entry);
    });
    try {
      // The exported file, as storage serves it: its signature is its credential.
      let m;
      if (path.startsWith('/s3/')) {
        const file = [...exports.values()].find((e) => e.path === path);
        if (req.method !== 'GET' || !file || url.searchParams.get('X-Amz-Signature') !== file.sig || file.failed) {
          res.writeHead(403, { 'content-type': 'application/xml' });
          return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
        }
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': file.bytes.length, 'content-disposition': `attachment; filename="${path.split('/').pop()}"` });
        return res.end(file.bytes);
      }
      if (!path.startsWith('/v1/')) return soracomError(res, 404, 'SEM0016', `No route for ${req.method} ${path}`);
      if (req.headers['x-soracom-api-key'] !== apiKey || req.headers['x-soracom-token'] !== token) {
        return soracomError(res, 401, 'SEM0001', 'Invalid API key or token: send X-Soracom-API-Key and X-Soracom-Token.');
      }
      if (faultsLeft > 0) {
        faultsLeft -= 1;
        const status = faults.status ?? 503;
        return soracomError(res, status, status === 429 ? 'SEM0429' : 'SEM0500', 'Simulated failure', status === 429 ? { 'retry-after': '0' } : {});
      }
      const api = path.slice('/v1'.length);

      if (req.method === 'GET' && api === '/bills') {
        const billList = dataMonths().filter((mo) => stateOf(mo) === 'closed').reverse().map(monthlyBill);
        return send(res, 200, { billList });
      }
      if (req.method === 'GET' && api === '/bills/latest') {
        const { yyyyMM, stamp } = clock();
        const f = servedFigures(yyyyMM);
        return send(res, 200, { amount: Number(f.total), currency: SORACOM_CURRENCY, lastEvaluatedTime: `${stamp.slice(0, 10)}0000` });
      }
      if (req.method === 'POST' && api === '/bills/latest/export') return answerExport(res, currentMonth(), url);
      if ((m = api.match(/^\/bills\/([^/]+)(\/daily|\/export)?$/))) {
        const yyyyMM = decodeURIComponent(m[1]);
        const which = m[2] ?? '';
        const allowed = which === '/export' ? 'POST' : 'GET';
        if (req.method !== allowed) return soracomError(res, 405, 'SEM0405', `Method ${req.method} not allowed`);
        const check = checkMonth(yyyyMM);
        if (check === 'bad') return soracomError(res, 400, 'SEM0005', `Invalid yyyyMM ${yyyyMM}: only the last ${SORACOM_WINDOW_MONTHS} months can be specified.`);
        if (check === 'unknown') return soracomError(res, 404, 'SEM0016', `No bill for ${yyyyMM}.`);
        if (which === '') return send(res, 200, monthlyBill(yyyyMM));
        if (which === '/daily') {
          const f = servedFigures(yyyyMM);
          return send(res, 200, { billList: f.daily.map((d) => ({ amount: Number(d.amount), currency: SORACOM_CURRENCY, date: d.date })) });
        }
        return answerExport(res, yyyyMM, url);
      }
      if (req.method === 'GET' && (m = api.match(/^\/files\/exported\/([^/]+)$/))) {
        const file = exports.get(decodeURIComponent(m[1]));
        if (!file || file.mode !== 'async') return soracomError(res, 404, 'SEM0016', `No exported file ${m[1]}.`);
        file.polls += 1;
        if (file.polls <= exportPolls) return send(res, 200, { status: 'processing' });
        if (file.failed) return send(res, 200, { status: 'failed' });
        return send(res, 200, { status: 'exported', url: downloadUrl(file) });
      }
      return soracomError(res, 404, 'SEM0016', `No route for ${req.method} ${path}`);
    } catch (error) {
      return soracomError(res, 500, 'SEM0500', error.message);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  origin = `http://127.0.0.1:${actual}`;
  return {
    url: `${origin}/v1`,
    origin,
    port: actual,
    apiKey,
    token,
    operatorId,
    requests,
    exports,
    /** The clock's month, "yyyyMM". */
    currentMonth,
    /** The months with data, oldest first. */
    months: dataMonths,
    /** 'closed' | 'temporary' | null (no data), by the clock now. */
    stateOf,
    /** The newest month Soracom has closed, "yyyyMM": last month from the day after it closes late, the
     * month before during the first `lateCloseDays` days. What the demo calls "last month". */
    lastClosedMonth: () => dataMonths().filter((mo) => stateOf(mo) === 'closed').at(-1) ?? null,
    /** What the closed bill and its export say (see soracomFigures). */
    finalFigures: (yyyyMM) => soracomFigures(yyyyMM, 'final'),
    /** What the month shows while temporary. */
    preliminaryFigures: (yyyyMM) => soracomFigures(yyyyMM, 'preliminary'),
    /** What the simulator serves for the month now (final when closed, else preliminary); null without data. */
    servedFigures,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// `node soracom-simulator.mjs` runs it alone, e.g. to point a client or curl at it. BILLSYNC_NOW (an RFC 3339
// instant) sets "today", as for the admin backend.
if (import.meta.url === `file://${process.argv[1]}`) {
  const start = process.env.BILLSYNC_NOW ? Date.parse(process.env.BILLSYNC_NOW) : Date.now();
  if (Number.isNaN(start)) throw new Error(`BILLSYNC_NOW is not an RFC 3339 instant: ${process.env.BILLSYNC_NOW}`);
  const offset = start - Date.now();
  const sim = await startSoracomSimulator({ port: Number(process.env.PORT ?? 0), now: () => new Date(Date.now() + offset) });
  console.log(`Soracom simulator on ${sim.url} (X-Soracom-API-Key: ${SORACOM_API_KEY}, X-Soracom-Token: ${SORACOM_TOKEN}); months ${sim.months().join(', ')}`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => sim.close().then(() => process.exit(0)));
}
