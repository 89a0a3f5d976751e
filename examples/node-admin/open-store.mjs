// Which database the backend runs on: PostgreSQL when BILLSYNC_DATABASE_URL (a postgres:// URL) is given,
// else embedded SQLite at BILLSYNC_DB (the default, what `make run` uses). The server and the CLI share it.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DB = join(dirname(fileURLToPath(import.meta.url)), 'data', 'billsync.sqlite');

/** True for a PostgreSQL connection string. */
export const isPostgresUrl = (url) => typeof url === 'string' && /^postgres(ql)?:\/\//i.test(url);

/** The database as shown to people: a PostgreSQL URL without its password. */
export function describeDatabase({ databaseUrl, dbPath }) {
  if (!databaseUrl) return dbPath;
  return databaseUrl.replace(/^(\w+:\/\/[^:/@?]*):[^@/?]*@/, '$1:***@');
}

/**
 * Opens the store: `{ store, kind: 'postgres' | 'sqlite' }`. The PostgreSQL store applies its migrations.
 * @param {{databaseUrl?: string, dbPath?: string, max?: number}} options
 */
export async function openStore({ databaseUrl, dbPath = DEFAULT_DB, max } = {}) {
  if (databaseUrl) {
    if (!isPostgresUrl(databaseUrl)) throw new Error(`BILLSYNC_DATABASE_URL must be a postgres:// or postgresql:// URL, got ${JSON.stringify(databaseUrl.split(':')[0] + ':…')}`);
    const { openPgStore } = await import('./pg-store.mjs');
    return { store: await openPgStore(databaseUrl, { max }), kind: 'postgres' };
  }
  const { openSqliteStore } = await import('./sqlite-store.mjs');
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  return { store: openSqliteStore(dbPath), kind: 'sqlite' };
}
