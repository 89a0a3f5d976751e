// An HTTP server that answers like Arrow's REST API (the endpoints of shared/spec/arrow.md, "Arrow's API"),
// backed by the deterministic demo dataset. It listens on 127.0.0.1 only; port 0 (the default) picks a free one.
//
//   POST /billing/erp/exports/sync                    billing export, paginated by perPage
//   GET  /consumption/monthly/license/{ref}?reportPeriodStart=YYYY-MM&reportPeriodEnd=YYYY-MM
//   GET  /licenses/{ref}
//   GET  /licenses?page=1&per_page=100
//   GET  /statements?period=YYYY-MM                   the month's statements with Arrow's status
//   GET  /whoami                                      the partner the key belongs to
//   GET  /customers?page=1&per_page=100               the partner's customers, paginated (totalPages)
//   GET  /customers/{ref}                             one customer
//   GET  /billing/erp/exports/types                   the export types, each with its columns
//   GET  /catalog/categories/{category}/programs      the catalog's programs (vendors) of a category
//
// Statements move from Open to Fulfilled: a month's statements are Open until `fulfilAfterDays` days after the
// month ends (by the simulator's clock, `now`), then Fulfilled. With `statementStatusColumn`, the billing
// export carries the same state in a "Statement Status" column, so a billsync engine learns it from the export
// even when its adapter has no `statements` call (off by default: the export's rows stay the demo dataset's).
//
// Every request needs the header `apiKey: <key>` (the demo key, or any of `apiKeys`); anything else gets 401
// like Arrow does.
// For tests of a client's resilience, `faults` makes the first N requests fail with 429 or 503.
import { createServer } from 'node:http';
import {
  ARROW_API_KEY,
  CUSTOMERS,
  DEMO_PER_PAGE,
  EXPORT_TYPE_REFERENCE,
  EXPORT_HEADERS,
  billingExportPage,
  billingExportRows,
  consumptionPayload,
  licensePayload,
  licensesPayload,
} from './demo-data.mjs';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const STATEMENT_STATUS = 'Statement Status';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Arrow's status of a month's statements at `now`: Open until `days` days after the month ends, then Fulfilled. */
export function statementStatus(period, now, days) {
  const [y, m] = period.split('-').map(Number);
  const fulfilledFrom = Date.UTC(y, m, 1) + days * DAY_MS; // Date.UTC's month is 0-based: m is the next month
  return now.getTime() >= fulfilledFrom ? 'Fulfilled' : 'Open';
}

/** An export page with the statement status column added to every row (from each row's Report Period). */
function withStatementStatus(page, now, days) {
  const headers = page.data.headers;
  const periodAt = headers.indexOf('Report Period');
  return {
    ...page,
    data: {
      headers: [...headers, STATEMENT_STATUS],
      values: page.data.values.map((row) => [...row, statementStatus(row[periodAt], now, days)]),
    },
  };
}

/** The demo partner, as `whoami` answers it. */
export const PARTNER = { reference: 'XSP-PARTNER-1', companyName: 'Demo Reseller Ltd', email: 'ops@reseller.example', city: 'Dublin', countryCode: 'IE' };
/** The export types: the demo's full template and a thin one that lacks the required price columns. */
export const EXPORT_TYPES = [
  { reference: EXPORT_TYPE_REFERENCE, name: 'ERP export (IAAS)', headers: EXPORT_HEADERS },
  { reference: 'ERP-EXPORT-THIN', name: 'Thin export', headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name'] },
];
/** The IAAS catalog's programs. */
export const PROGRAMS = [{ programName: 'Azure plan', vendorName: 'Microsoft' }, { programName: 'AWS', vendorName: 'Amazon Web Services' }];

/** A demo customer in the shape of Arrow's customers API. */
function arrowCustomer(c) {
  return { Reference: c.reference, CompanyName: c.name, Contact: { Email: c.email }, City: c.city, CountryCode: c.country };
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const arrowError = (res, status, message) => send(res, status, { status, message });

async function readJson(req, limit = 1 << 20) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('malformed JSON body'), { status: 400 });
  }
}

/**
 * Starts the simulator.
 * @param {object} [options]
 * @param {number} [options.port=0]
 * @param {string} [options.apiKey] the key requests must carry (default: the demo key)
 * @param {number} [options.perPage] billing export page size (default DEMO_PER_PAGE, small so paging happens)
 * @param {{ status: number, count: number }} [options.faults] fail the first `count` requests with `status`
 * @param {(entry: object) => void} [options.onRequest] called for every request (method, path, status)
 * @param {() => Date} [options.now] the simulator's clock (default: the system clock), for statement statuses
 * @param {number} [options.fulfilAfterDays=3] how many days after its month ends a statement is Fulfilled
 * @param {boolean} [options.statementStatusColumn=false] add the "Statement Status" column to the export
 * @param {string[]} [options.apiKeys] more keys it accepts (each answers whoami as the same demo partner)
 * @returns {Promise<{ url: string, port: number, requests: object[], close: () => Promise<void> }>}
 */
export async function startArrowSimulator({
  port = 0,
  apiKey = ARROW_API_KEY,
  perPage = DEMO_PER_PAGE,
  faults,
  onRequest,
  now = () => new Date(),
  fulfilAfterDays = 3,
  statementStatusColumn = false,
  apiKeys = [],
} = {}) {
  const keys = new Set([apiKey, ...apiKeys]);
  const requests = [];
  let faultsLeft = faults?.count ?? 0;

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
      if (!keys.has(req.headers.apikey)) return arrowError(res, 401, 'Unauthorized: a valid apiKey header is required');
      if (faultsLeft > 0) {
        faultsLeft -= 1;
        const status = faults.status ?? 503;
        return send(res, status, { status, message: 'Simulated failure' }, status === 429 ? { 'retry-after': '0' } : {});
      }

      if (req.method === 'POST' && path === '/billing/erp/exports/sync') {
        const body = await readJson(req);
        entry.body = body;
        const from = body?.filters?.reportPeriod?.from;
        const to = body?.filters?.reportPeriod?.to;
        const page = body?.page ?? 1;
        if (typeof body?.exportTypeReference !== 'string' || body.exportTypeReference === '') {
          return arrowError(res, 400, 'exportTypeReference is required');
        }
        if (!PERIOD.test(from ?? '') || !PERIOD.test(to ?? '') || from > to) {
          return arrowError(res, 400, 'filters.reportPeriod.from and .to must be YYYY-MM, from <= to');
        }
        if (!Number.isInteger(page) || page < 1) return arrowError(res, 400, 'page must be a positive integer');
        const exported = billingExportPage({ from, to, page, perPage });
        return send(res, 200, statementStatusColumn ? withStatementStatus(exported, now(), fulfilAfterDays) : exported);
      }
      if (req.method === 'GET' && path === '/statements') {
        const period = url.searchParams.get('period');
        if (!PERIOD.test(period ?? '')) return arrowError(res, 400, 'period must be YYYY-MM');
        const rows = billingExportRows(period, period);
        const at = EXPORT_HEADERS.indexOf('Statement Reference');
        const status = statementStatus(period, now(), fulfilAfterDays);
        const statements = [...new Set(rows.map((r) => r[at]))].map((reference) => ({ reference, status, period }));
        return send(res, 200, { status: 200, data: { statements } });
      }

      if (req.method === 'GET' && path === '/whoami') return send(res, 200, { status: 200, data: PARTNER });
      if (req.method === 'GET' && path === '/customers') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const per = Number(url.searchParams.get('per_page') ?? '100');
        if (!Number.isInteger(page) || page < 1 || !Number.isInteger(per) || per < 1 || per > 1000) {
          return arrowError(res, 400, 'page and per_page must be positive integers');
        }
        const all = CUSTOMERS.map(arrowCustomer);
        return send(res, 200, {
          status: 200,
          data: { customers: all.slice((page - 1) * per, page * per) },
          pagination: { page, perPage: per, total: all.length, totalPages: Math.max(1, Math.ceil(all.length / per)) },
        });
      }
      if (req.method === 'GET' && path === '/billing/erp/exports/types') {
        return send(res, 200, { status: 200, data: EXPORT_TYPES });
      }
      let m;
      if (req.method === 'GET' && (m = path.match(/^\/customers\/([^/]+)$/))) {
        const customer = CUSTOMERS.find((c) => c.reference === decodeURIComponent(m[1]));
        return customer ? send(res, 200, { status: 200, data: { customers: [arrowCustomer(customer)] } }) : arrowError(res, 404, `Customer ${m[1]} not found`);
      }
      if (req.method === 'GET' && (m = path.match(/^\/catalog\/categories\/([^/]+)\/programs$/))) {
        return send(res, 200, { status: 200, data: m[1] === 'IAAS' ? PROGRAMS : [] });
      }
      if (req.method === 'GET' && (m = path.match(/^\/consumption\/monthly\/license\/([^/]+)$/))) {
        const ref = decodeURIComponent(m[1]);
        const start = url.searchParams.get('reportPeriodStart');
        const end = url.searchParams.get('reportPeriodEnd');
        if (!PERIOD.test(start ?? '') || !PERIOD.test(end ?? '') || start > end) {
          return arrowError(res, 400, 'reportPeriodStart and reportPeriodEnd must be YYYY-MM');
        }
        const payload = consumptionPayload(ref, start, end);
        return payload ? send(res, 200, payload) : arrowError(res, 404, `License ${ref} not found`);
      }
      if (req.method === 'GET' && (m = path.match(/^\/licenses\/([^/]+)$/))) {
        const ref = decodeURIComponent(m[1]);
        const payload = licensePayload(ref);
        return payload ? send(res, 200, payload) : arrowError(res, 404, `License ${ref} not found`);
      }
      if (req.method === 'GET' && path === '/licenses') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const per = Number(url.searchParams.get('per_page') ?? '100');
        if (!Number.isInteger(page) || page < 1 || !Number.isInteger(per) || per < 1 || per > 1000) {
          return arrowError(res, 400, 'page and per_page must be positive integers');
        }
        return send(res, 200, licensesPayload(page, per));
      }
      return arrowError(res, 404, `No route for ${req.method} ${path}`);
    } catch (error) {
      return arrowError(res, error.status ?? 500, error.message);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// `node arrow-simulator.mjs` runs it alone, e.g. to point a real client or curl at it.
if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startArrowSimulator({ port: Number(process.env.PORT ?? 0) });
  console.log(`Arrow simulator on ${sim.url} (header apiKey: ${ARROW_API_KEY})`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => sim.close().then(() => process.exit(0)));
}
