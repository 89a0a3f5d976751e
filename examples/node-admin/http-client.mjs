// The one HTTP request loop of the vendor adapters (Arrow, Soracom): global fetch, a timeout per attempt,
// bounded retries with exponential backoff and jitter, and errors that say what happened.
//
// - Every attempt has its own timeout (AbortSignal.timeout), so a hung server costs at most timeoutMs per try.
// - 429 and 5xx responses, network errors and timeouts are retried, up to `retries` extra attempts; any other
//   answer (2xx, 3xx after fetch's redirects, 4xx) is final. A Retry-After header (seconds or an HTTP date)
//   replaces the computed backoff; every delay is capped at maxBackoffMs.
// - Backoff: backoffMs · 2^(attempt − 1), with jitter (a uniform factor in [0.5, 1]).
// - A failure is an HttpApiError (or the vendor's subclass, through `createError`) carrying status (null for
//   a network error or timeout), body (the response text), url, attempts and a vendor-specific `code`.
//
// No dependency: Node 20's fetch (undici) is enough.

export class HttpApiError extends Error {
  /**
   * @param {string} message
   * @param {{status?: number|null, body?: string, url?: string, attempts?: number, code?: string, cause?: unknown}} [info]
   */
  constructor(message, { status = null, body = '', url = '', attempts = 1, code = 'http_error', cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'HttpApiError';
    this.code = code;
    this.status = status;
    this.body = body;
    this.url = url;
    this.attempts = attempts;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const isRetryableStatus = (status) => status === 429 || status >= 500;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header, nowMs = Date.now()) {
  if (header == null) return null;
  const text = String(header).trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/** The delay before retry number `attempt` (1-based): exponential with jitter, or Retry-After; capped. */
export function backoffDelay(attempt, { backoffMs = 250, maxBackoffMs = 10_000, retryAfter = null, random = Math.random } = {}) {
  if (retryAfter != null) return Math.min(maxBackoffMs, retryAfter);
  const exponential = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
  return Math.min(maxBackoffMs, Math.round(exponential * (0.5 + random() / 2)));
}

/**
 * A request function bound to one vendor's retry policy and error type.
 *
 * @param {object} options
 * @param {string} [options.label="HTTP"] names the vendor in error messages ("Arrow GET /licenses answered 404")
 * @param {number} [options.timeoutMs=30000] per attempt
 * @param {number} [options.retries=3] extra attempts after the first
 * @param {number} [options.backoffMs=250] first backoff; doubles each retry, with jitter
 * @param {number} [options.maxBackoffMs=10000] cap of every delay, Retry-After included
 * @param {typeof fetch} [options.fetch]
 * @param {(info: {url: string, attempt: number, status: number|null, delayMs: number}) => void} [options.onRetry]
 * @param {(message: string, info: {status: number|null, body: string, url: string, attempts: number, cause?: unknown}) => Error} [options.createError]
 *   builds the thrown error (default: an HttpApiError with code "http_<status>" or "http_unavailable")
 * @returns {(method: string, url: string | URL, init?: {headers?: object, body?: string | Uint8Array, as?: 'text' | 'bytes'}) => Promise<string | Uint8Array>}
 */
export function createHttpClient({
  label = 'HTTP',
  timeoutMs = 30_000,
  retries = 3,
  backoffMs = 250,
  maxBackoffMs = 10_000,
  fetch: fetchImpl = globalThis.fetch,
  onRetry,
  createError = (message, info) => new HttpApiError(message, { ...info, code: info.status ? `http_${info.status}` : 'http_unavailable' }),
} = {}) {
  if (typeof fetchImpl !== 'function') throw new TypeError('createHttpClient: no fetch implementation');
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError('createHttpClient: retries must be a non-negative integer');

  return async function request(method, target, { headers = {}, body, as = 'text' } = {}) {
    const url = new URL(target);
    const where = `${label} ${method} ${url.pathname}`;
    for (let attempt = 1; ; attempt += 1) {
      let status = null;
      let retryAfter = null;
      let failure;
      try {
        const res = await fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        if (res.ok) return as === 'bytes' ? new Uint8Array(await res.arrayBuffer()) : await res.text();
        const text = await res.text();
        retryAfter = retryAfterMs(res.headers.get('retry-after'));
        failure = createError(`${where} answered ${status}: ${text.slice(0, 300)}`, { status, body: text, url: String(url), attempts: attempt });
      } catch (error) {
        const timedOut = error?.name === 'TimeoutError' || error?.name === 'AbortError';
        // A body that failed to arrive after a 2xx status is a network failure too: retried like one.
        status = null;
        failure = createError(
          `${where} ${timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${error?.cause?.code ?? error?.message}`}`,
          { status: null, body: '', url: String(url), attempts: attempt, cause: error },
        );
      }
      if ((status !== null && !isRetryableStatus(status)) || attempt > retries) throw failure;
      const delayMs = backoffDelay(attempt, { backoffMs, maxBackoffMs, retryAfter });
      onRetry?.({ url: String(url), attempt, status, delayMs });
      await sleep(delayMs);
    }
  };
}
