// The HTTP plumbing of server.mjs: bodies, JSON answers, static files.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const MAX_BODY = 1 << 20;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

export class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** A URL path segment decoded, or a 400 for a malformed escape (decodeURIComponent throws a URIError). */
export function decodePath(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, 'Malformed URL.');
  }
}

export async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return null;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `JSON parse error - ${error.message}`);
  }
}

export function sendJson(res, status, body, headers = {}, head = false) {
  const text = body === null || body === undefined ? '' : JSON.stringify(body);
  const all = { ...headers };
  if (text) {
    all['content-type'] ??= 'application/json';
    all['content-length'] = Buffer.byteLength(text);
  }
  res.writeHead(status, all);
  res.end(head ? undefined : text || undefined);
}

export async function serveFile(res, root, relative, head) {
  let file = normalize(join(root, relative));
  const base = root.endsWith(sep) ? root : root + sep;
  if (file !== root && !file.startsWith(base)) return sendJson(res, 403, { detail: 'Forbidden.' });
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(head ? undefined : body);
  } catch {
    sendJson(res, 404, { detail: 'Not found.' }, {}, head);
  }
}

