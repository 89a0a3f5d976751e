// The host's adapter to Arrow's real REST API: it implements billsync's Arrow port with global fetch.
// Each method returns Arrow's response body as JSON TEXT, untouched: the engine parses it inside wasm,
// once, reading amounts from their own digits (a JS JSON.parse would turn 0.1 into a float first).
//
// Retries, backoff and timeouts are http-client.mjs's, shared with the Soracom adapter: 429 and 5xx responses
// and network errors are retried with exponential backoff (honouring Retry-After), up to `retries` times;
// other 4xx fail at once. Every attempt has its own timeout.

import { HttpApiError, createHttpClient } from './http-client.mjs';

export class ArrowApiError extends HttpApiError {
  constructor(message, { status = null, body = '', url = '', attempts = 1, cause } = {}) {
    const code = status === 401 || status === 403 ? 'arrow_unauthorized' : status === 404 ? 'arrow_not_found' : 'arrow_unavailable';
    super(message, { status, body, url, attempts, code, cause });
    this.name = 'ArrowApiError';
  }
}

/**
 * @param {object} options
 * @param {string | (() => string | Promise<string>)} options.baseUrl Arrow's API root, e.g.
 *   "https://xsp.arrow.com/index.php/api"; a function is asked before each call (so it can follow settings).
 * @param {string | (() => string | Promise<string>)} options.apiKey sent as the `apiKey` header (the default account's)
 * @param {(settingsUuid: string) => string | undefined} [options.keyFor] the key the host holds for a settings row
 *   (see arrow-host.mjs); a call for settings whose key it holds goes to that settings' api_url with that key
 * @param {number} [options.timeoutMs=30000] per attempt
 * @param {number} [options.retries=3] extra attempts after the first
 * @param {number} [options.backoffMs=250] first backoff; doubles each retry, with jitter, capped at 10 s
 * @param {typeof fetch} [options.fetch]
 * @param {(info: {url: string, attempt: number, status: number|null, delayMs: number}) => void} [options.onRetry]
 */
export function createArrowClient({ baseUrl, apiKey, keyFor = () => undefined, timeoutMs = 30_000, retries = 3, backoffMs = 250, fetch: fetchImpl = globalThis.fetch, onRetry } = {}) {
  if (!baseUrl) throw new TypeError('createArrowClient: baseUrl is required');
  if (!apiKey) throw new TypeError('createArrowClient: apiKey is required');
  const resolve = async (value) => (typeof value === 'function' ? value() : value);
  const send = createHttpClient({
    label: 'Arrow',
    timeoutMs,
    retries,
    backoffMs,
    fetch: fetchImpl,
    onRetry,
    createError: (message, info) => new ArrowApiError(message, info),
  });

  /** The root and key of a call: the account's own (given credentials, or a settings row whose key the host
   * holds), else the default account's. */
  async function credentials(account) {
    const key = account?.apiKey ?? (account?.settingsUuid ? keyFor(account.settingsUuid) : undefined);
    if (key && account?.apiUrl) return { root: account.apiUrl, key };
    return { root: await resolve(baseUrl), key: await resolve(apiKey) };
  }

  async function request(method, path, { query, body, account } = {}) {
    const { root: given, key } = await credentials(account);
    const root = String(given).replace(/\/+$/, '');
    const url = new URL(`${root}/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
    const headers = { apiKey: String(key), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return send(method, url, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  return {
    /** POST billing/erp/exports/sync: one page of the billing export. */
    billingExport({ exportTypeReference, periodFrom, periodTo, page, settingsUuid, apiUrl }) {
      return request('POST', 'billing/erp/exports/sync', {
        body: { exportTypeReference, filters: { reportPeriod: { from: periodFrom, to: periodTo } }, page },
        account: { settingsUuid, apiUrl },
      });
    },
    /** GET consumption/monthly/license/{ref}: a licence's consumption lines over a range of months. */
    consumption({ licenseReference, periodStart, periodEnd }) {
      return request('GET', `consumption/monthly/license/${encodeURIComponent(licenseReference)}`, {
        query: { reportPeriodStart: periodStart, reportPeriodEnd: periodEnd },
      });
    },
    /** GET licenses/{ref}. */
    license({ licenseReference }) {
      return request('GET', `licenses/${encodeURIComponent(licenseReference)}`);
    },
    /** GET licenses?page&per_page. */
    licenses({ page = 1, perPage = 100 } = {}) {
      return request('GET', 'licenses', { query: { page, per_page: perPage } });
    },
    /** GET statements?period: the month's statements with Arrow's own status (Open … Fulfilled). */
    statements({ period }) {
      return request('GET', 'statements', { query: { period } });
    },
    /** GET whoami: the partner of the account. */
    whoami(account) {
      return request('GET', 'whoami', { account });
    },
    /** GET customers?page&per_page. */
    customers({ page = 1, perPage = 100, ...account }) {
      return request('GET', 'customers', { query: { page, per_page: perPage }, account });
    },
    /** GET customers/{ref}. */
    customer({ reference, ...account }) {
      return request('GET', `customers/${encodeURIComponent(reference)}`, { account });
    },
    /** GET billing/erp/exports/types. */
    exportTypes(account) {
      return request('GET', 'billing/erp/exports/types', { account });
    },
    /** GET catalog/categories/{category}/programs. */
    catalogPrograms({ category, ...account }) {
      return request('GET', `catalog/categories/${encodeURIComponent(category)}/programs`, { account });
    },
  };
}
