// GET /api/admin/billsync/focus-export/?period=YYYY-MM&format=csv|jsonl: the FOCUS 1.4 export of a billing
// period (both vendors), streamed from the package's engine.focusExport as it writes each page of rows, so a
// month of a million items is never held whole. Staff only; errors before the first row are the API's JSON
// answers (400 with the fields, 403, 405); a failure after it cuts the response short.
import { sendJson } from './http-util.mjs';

export const FOCUS_EXPORT_PATH = /^\/api\/admin\/billsync\/focus-export\/?$/;

export async function serveFocusExport(req, res, engine, { user, query, head, issuer }) {
  if (!user?.is_staff) return sendJson(res, 403, { detail: 'You do not have permission to perform this action.' }, {}, head);
  if (req.method !== 'GET' && !head) return sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` }, { allow: 'GET' });
  const format = query.format ?? 'csv';
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    const jsonl = format === 'jsonl';
    res.writeHead(200, {
      'content-type': jsonl ? 'application/x-ndjson' : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="focus-${query.period}.${jsonl ? 'jsonl' : 'csv'}"`,
      'x-focus-version': '1.4',
    });
  };
  const onChunk = (chunk) => {
    if (res.destroyed) throw new Error('the client went away');
    start();
    if (head || res.write(chunk)) return undefined;
    // Backpressure: the export waits until the socket drains (or closes, which ends it at the next page).
    return new Promise((resolve) => {
      res.once('drain', resolve);
      res.once('close', resolve);
    });
  };
  try {
    await engine.focusExport({ period: query.period, format, issuer, onChunk });
    start();
    res.end();
  } catch (error) {
    if (started) return res.destroy(error);
    const status = Number.isInteger(error?.status) ? error.status : 500;
    sendJson(res, status, error?.fields ?? { detail: error?.message ?? String(error) }, {}, head);
  }
}
