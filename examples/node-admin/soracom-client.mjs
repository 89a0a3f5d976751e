// The host's adapter to Soracom's billing API (seed 002, BillingApi): it implements billsync's Soracom port
// with global fetch, on the same request loop as the Arrow adapter (http-client.mjs: a timeout per attempt,
// retries with backoff and jitter on 429/5xx/network errors, Retry-After honoured).
//
// The JSON methods return Soracom's response body as TEXT, untouched: the engine parses it inside wasm, once,
// reading amounts from their own digits. `download` returns the exported CSV's raw bytes (BOM included).
//
// Errors are SoracomApiError: `status`, `body`, `url`, `attempts`, `code` (soracom_not_found for a 404, which
// the engine reads from getBilling as "no bill for this month yet"; soracom_unauthorized for 401/403;
// soracom_unavailable otherwise) and `soracomCode`, the code of Soracom's own error body
// ({"code":"SEM0016","message":"..."}) when it has one.

import { HttpApiError, createHttpClient } from './http-client.mjs';

export class SoracomApiError extends HttpApiError {
  constructor(message, { status = null, body = '', url = '', attempts = 1, cause } = {}) {
    const code = status === 404 ? 'soracom_not_found' : status === 401 || status === 403 ? 'soracom_unauthorized' : 'soracom_unavailable';
    super(message, { status, body, url, attempts, code, cause });
    this.name = 'SoracomApiError';
    this.soracomCode = null;
    this.soracomMessage = null;
    try {
      const parsed = body ? JSON.parse(body) : null;
      if (parsed && typeof parsed.code === 'string') this.soracomCode = parsed.code;
      if (parsed && typeof parsed.message === 'string') this.soracomMessage = parsed.message;
    } catch {
      // Not Soracom's JSON error shape (a proxy's HTML page, say): status and body say enough.
    }
  }
}

const EXPORT_MODES = new Set(['sync', 'async']);

/**
 * @param {object} options
 * @param {string | (() => string | Promise<string>)} options.baseUrl the API root, e.g. "https://api.soracom.io/v1"
 *   (Japan coverage) or "https://g.api.soracom.io/v1" (Global); a function is asked before each call
 * @param {string | (() => string | Promise<string>)} options.apiKey sent as X-Soracom-API-Key
 * @param {string | (() => string | Promise<string>)} options.token sent as X-Soracom-Token
 * @param {number} [options.timeoutMs=30000] per attempt
 * @param {number} [options.retries=3] extra attempts after the first
 * @param {number} [options.backoffMs=250] first backoff; doubles each retry, with jitter, capped at 10 s
 * @param {typeof fetch} [options.fetch]
 * @param {(info: {url: string, attempt: number, status: number|null, delayMs: number}) => void} [options.onRetry]
 */
export function createSoracomClient({ baseUrl, apiKey, token, timeoutMs = 30_000, retries = 3, backoffMs = 250, fetch: fetchImpl = globalThis.fetch, onRetry } = {}) {
  if (!baseUrl) throw new TypeError('createSoracomClient: baseUrl is required');
  if (!apiKey) throw new TypeError('createSoracomClient: apiKey is required');
  if (!token) throw new TypeError('createSoracomClient: token is required');
  const resolve = async (value) => (typeof value === 'function' ? value() : value);
  const send = createHttpClient({
    label: 'Soracom',
    timeoutMs,
    retries,
    backoffMs,
    fetch: fetchImpl,
    onRetry,
    createError: (message, info) => new SoracomApiError(message, info),
  });

  async function request(method, path, { query } = {}) {
    const root = String(await resolve(baseUrl)).replace(/\/+$/, '');
    const url = new URL(`${root}/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers = {
      'X-Soracom-API-Key': String(await resolve(apiKey)),
      'X-Soracom-Token': String(await resolve(token)),
      accept: 'application/json',
    };
    return send(method, url, { headers });
  }

  const month = (yyyyMM) => {
    if (typeof yyyyMM !== 'string' || yyyyMM === '') throw new TypeError(`Soracom: yyyyMM must be a string, got ${JSON.stringify(yyyyMM)}`);
    return encodeURIComponent(yyyyMM);
  };
  const mode = (exportMode) => {
    if (exportMode === undefined || exportMode === null) return undefined;
    if (!EXPORT_MODES.has(exportMode)) throw new TypeError(`Soracom: exportMode must be "sync" or "async", got ${JSON.stringify(exportMode)}`);
    return exportMode;
  };

  return {
    /** GET /bills/{yyyyMM}: MonthlyBill (closed, or temporary for the current month). 404: no bill. */
    getBilling({ yyyyMM }) {
      return request('GET', `bills/${month(yyyyMM)}`);
    },
    /** GET /bills/latest: GetLatestBill, this month so far. */
    getLatestBilling() {
      return request('GET', 'bills/latest');
    },
    /** GET /bills: GetBillingHistoryResponse, the finalized months. */
    getBillingHistory() {
      return request('GET', 'bills');
    },
    /** GET /bills/{yyyyMM}/daily: DailyBillResponse. */
    getBillingPerDay({ yyyyMM }) {
      return request('GET', `bills/${month(yyyyMM)}/daily`);
    },
    /** POST /bills/{yyyyMM}/export?export_mode=sync|async: FileExportResponse. */
    exportBilling({ yyyyMM, exportMode }) {
      return request('POST', `bills/${month(yyyyMM)}/export`, { query: { export_mode: mode(exportMode) } });
    },
    /** POST /bills/latest/export?export_mode=sync|async: FileExportResponse for this month so far. */
    exportLatestBilling({ exportMode } = {}) {
      return request('POST', 'bills/latest/export', { query: { export_mode: mode(exportMode) } });
    },
    /** GET /files/exported/{exportedFileId}: {status: processing|exported|failed, url}. */
    getExportedFile({ exportedFileId }) {
      if (typeof exportedFileId !== 'string' || exportedFileId === '') throw new TypeError('Soracom: exportedFileId is required');
      return request('GET', `files/exported/${encodeURIComponent(exportedFileId)}`);
    },
    /**
     * GET the exported file's url: the CSV's raw bytes (UTF-8 with its BOM), as a Uint8Array. The url is a
     * pre-signed storage link that carries its own authorisation, so Soracom's API key and token are NOT sent
     * with it (they must not leak to the storage host). Retried and timed out like every other call.
     */
    async download({ url }) {
      if (typeof url !== 'string' || url === '') throw new TypeError('Soracom: download needs a url');
      const target = new URL(url, String(await resolve(baseUrl)));
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TypeError(`Soracom: cannot download ${target.protocol} urls`);
      return send('GET', target, { headers: { accept: 'text/csv, */*' }, as: 'bytes' });
    },
  };
}
