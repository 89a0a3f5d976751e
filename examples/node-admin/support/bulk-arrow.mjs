// A large month of Arrow for the kill -9 test and the benchmark: `licences` licences, each on one host
// resource, with one consumption line each and a final figure in the billing export that differs from it
// by a few cents up or down (or not at all), deterministically. It serves the calls the engine makes for a
// consumption sync and a reconciliation (consumption per licence, the export's pages, the statements' state) on 127.0.0.1,
// with an optional delay per export page so that a reconciliation takes long enough to be killed midway.
import { createServer } from 'node:http';

export const BULK_API_KEY = 'bulk-arrow-key';
export const BULK_SETTINGS_UUID = '0b0c0000-0000-4000-8000-000000000001';
const CUSTOMERS = 4;
const hex = (n, width = 12) => n.toString(16).padStart(width, '0');
const uuid = (kind, n) => `0b0${kind}0000-0000-4000-8000-${hex(n)}`;
const reference = (i) => `XSPB${String(i).padStart(7, '0')}`;
const customerRef = (c) => `XSPC${c}`;

const CONSUMPTION_HEADERS = ['Report Period', 'Vendor Meter Category', 'Total sell price', 'Total buy price', 'Country currency code'];
const EXPORT_HEADERS = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID', 'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period'];

const cents = (n) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}`;
/** A licence's consumption and final, in cents. */
export function figures(i) {
  const consumed = 1000 + ((i * 7919) % 90000);
  const final = consumed + ((i % 5) - 2) * 37;
  return { consumed, final };
}

/** The host's side: settings, customers, projects, one resource per licence, the customer mappings. */
export function bulkHostData({ licences, apiUrl = '' }) {
  const customers = Array.from({ length: CUSTOMERS }, (_, c) => ({ uuid: uuid(2, c + 1), name: `Bulk customer ${c + 1}` }));
  const projects = customers.map((c, i) => ({ uuid: uuid(3, i + 1), name: 'Bulk project', customer_uuid: c.uuid }));
  const resources = Array.from({ length: licences }, (_, i) => ({
    uuid: uuid(5, i + 1),
    name: `bulk-${i}`,
    project_uuid: projects[i % CUSTOMERS].uuid,
    offering_uuid: null,
    backend_id: `vs-${reference(i)}`,
    state: 'OK',
    attributes: { arrow_license_reference: reference(i) },
  }));
  return {
    settings: [{
      uuid: BULK_SETTINGS_UUID, name: 'Arrow (bulk)', api_url: apiUrl, export_type_reference: 'BULK', classification_filter: 'IAAS',
      is_active: true, sync_enabled: true, invoice_price_source: 'sell', invoice_item_prefix: 'Arrow bulk', currency: 'EUR', reconciliation_tolerance: '0.00',
    }],
    customers,
    projects,
    resources,
    customer_mappings: customers.map((c, i) => ({ uuid: uuid(4, i + 1), settings_uuid: BULK_SETTINGS_UUID, arrow_reference: customerRef(i), customer_uuid: c.uuid })),
  };
}

/**
 * @param {{licences: number, perPage?: number, pageDelayMs?: number}} options
 * @returns {Promise<{url: string, apiKey: string, requests: () => number, close: () => Promise<void>}>}
 */
export async function startBulkArrow({ licences, perPage = 500, pageDelayMs = 0 }) {
  let requests = 0;
  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = createServer(async (req, res) => {
    requests += 1;
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.headers.apikey !== BULK_API_KEY) return send(res, 401, { status: 401, message: 'Unauthorized' });
    let m;
    if (req.method === 'GET' && (m = url.pathname.match(/^\/consumption\/monthly\/license\/([^/]+)$/))) {
      const i = Number(decodeURIComponent(m[1]).slice(4));
      const period = url.searchParams.get('reportPeriodStart');
      if (!Number.isInteger(i) || i >= licences) return send(res, 404, { status: 404, message: 'License not found' });
      const { consumed } = figures(i);
      return send(res, 200, { status: 200, data: { headers: CONSUMPTION_HEADERS, lines: [[period, 'Compute', cents(consumed), cents(Math.trunc(consumed * 0.8)), 'EUR']] } });
    }
    if (req.method === 'POST' && url.pathname === '/billing/erp/exports/sync') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const page = body.page ?? 1;
      const period = body.filters?.reportPeriod?.from;
      if (pageDelayMs) await new Promise((resolve) => setTimeout(resolve, pageDelayMs));
      const values = [];
      for (let i = (page - 1) * perPage; i < Math.min(licences, page * perPage); i += 1) {
        const { final } = figures(i);
        const c = i % CUSTOMERS;
        values.push(['IAAS', `vs-${reference(i)}`, `Bulk customer ${c + 1}`, customerRef(c), cents(final), cents(Math.trunc(final * 0.8)), String(i + 1), reference(i), `ST-${period}-${c}`, 'Microsoft', 'Azure plan', '1', period]);
      }
      return send(res, 200, { status: 200, data: { headers: EXPORT_HEADERS, values }, pagination: { perPage, page, total: licences } });
    }
    if (req.method === 'GET' && url.pathname === '/statements') {
      // Arrow's own state of the month's statements: the bulk month is closed, every statement Fulfilled
      // (reconciliation waits for that: an Open statement's figures are not final).
      const period = url.searchParams.get('period');
      const statements = Array.from({ length: CUSTOMERS }, (_, c) => ({ reference: `ST-${period}-${c}`, status: 'Fulfilled', period }));
      return send(res, 200, { status: 200, data: { statements } });
    }
    return send(res, 404, { status: 404, message: `No route for ${req.method} ${url.pathname}` });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    apiKey: BULK_API_KEY,
    requests: () => requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
