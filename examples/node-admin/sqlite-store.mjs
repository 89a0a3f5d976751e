// A billsync Store on embedded SQLite (better-sqlite3): one table of versioned rows, each row kept as the JSON
// text the engine wrote, keyed by (table name, id). It knows no row type: a new vendor's tables need no code
// here. A commit runs billsync's `resolveCommit` inside an IMMEDIATE transaction, so two processes on one
// file serialise their commits and a stale one is refused with billsync's `conflict` error.
//
// It implements the Store port (get / scan / commit) and passes `runStoreConformance`.
import Database from 'better-sqlite3';
import billsync from 'billsync';

const { resolveCommit } = billsync;

// The top-level fields the engine filters scans by. Each gets an expression index that the scan query's
// `json_extract(data, '$.field')` matches exactly, so SQLite can use it. Indexes are an optimisation: a scan
// on any other field works, only slower.
const INDEXED = ['source_key', 'billing_period', 'resource_uuid', 'vendor', 'settings_uuid', 'report_period', 'project_uuid'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(what, name) {
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`${what}: bad name ${JSON.stringify(name)}`);
}

/** Accepts a table as an array of rows or as an object keyed by uuid. */
function rowsOf(table) {
  if (table == null) return [];
  return Array.isArray(table) ? table : Object.values(table);
}

/**
 * Opens (creating if needed) a SQLite store at `path` (":memory:" for a throwaway one).
 * @returns the Store port plus seed(), snapshot(), isEmpty(), close() and the raw `db`.
 */
export function openSqliteStore(path, { initial } = {}) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Another process committing holds the write lock for milliseconds: wait for it rather than fail.
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS rows (
    tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version > 0),
    data TEXT NOT NULL CHECK (json_valid(data)), PRIMARY KEY (tbl, id)) WITHOUT ROWID`);
  for (const field of INDEXED) {
    db.exec(`CREATE INDEX IF NOT EXISTS rows_${field} ON rows (tbl, json_extract(data, '$.${field}'), id)`);
  }

  const getRow = db.prepare('SELECT version, data FROM rows WHERE tbl = ? AND id = ?');
  const putRow = db.prepare('INSERT INTO rows (tbl, id, version, data) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, id) DO UPDATE SET version = excluded.version, data = excluded.data');
  const removeRow = db.prepare('DELETE FROM rows WHERE tbl = ? AND id = ?');
  const tableRows = db.prepare('SELECT id, version, data FROM rows WHERE tbl = ? ORDER BY id');
  const tableNames = db.prepare('SELECT DISTINCT tbl FROM rows ORDER BY tbl');
  const scanCache = new Map();

  // Builds (and caches by shape) the statement of a scan; values are bound, field names are checked.
  function scanStatement(where) {
    const clauses = ['tbl = ?', 'id > ?'];
    const params = [];
    const shape = [];
    for (const [field, value] of Object.entries(where)) {
      checkName('scan field', field);
      const path = `json_extract(data, '$.${field}')`;
      const type = `json_type(data, '$.${field}')`;
      const values = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && value.length === 0) {
        clauses.push('0');
        shape.push(`${field}:[]`);
        continue;
      }
      const alternatives = [];
      for (const v of values) {
        if (v === null) {
          // null matches a field that is null or absent (json_extract gives SQL NULL for both).
          alternatives.push(`${path} IS NULL`);
          shape.push(`${field}:null`);
        } else if (typeof v === 'boolean') {
          alternatives.push(`${type} = '${v ? 'true' : 'false'}'`);
          shape.push(`${field}:${v}`);
        } else if (typeof v === 'string') {
          alternatives.push(`(${path} = ? AND ${type} = 'text')`);
          params.push(v);
          shape.push(`${field}:s`);
        } else if (typeof v === 'number' && Number.isFinite(v)) {
          alternatives.push(`(${path} = ? AND ${type} IN ('integer', 'real'))`);
          params.push(v);
          shape.push(`${field}:n`);
        } else {
          throw new TypeError(`scan: unsupported where value for ${field}: ${JSON.stringify(v)}`);
        }
      }
      shape.push('|');
      clauses.push(alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`);
    }
    const key = shape.join(',');
    let prepared = scanCache.get(key);
    if (!prepared) {
      prepared = db.prepare(`SELECT id, version, data FROM rows WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT ?`);
      scanCache.set(key, prepared);
    }
    return { prepared, params };
  }

  // The whole commit in one IMMEDIATE transaction: read what is held for each write, let billsync decide,
  // write. resolveCommit throws (conflict, bad changeset) before anything is written, and a throw rolls back.
  const commitTx = db.transaction((changeset) => {
    const held = changeset.writes.map((w) => {
      const hit = getRow.get(w.table, w.id);
      return hit ? { version: hit.version, row: hit.data } : null;
    });
    const { effects, report } = resolveCommit(changeset, held);
    for (const e of effects) {
      if (e.effect === 'write') putRow.run(e.table, e.id, e.version, e.row);
      else removeRow.run(e.table, e.id);
    }
    return report;
  });

  // Loading a host's rows: each at version 1, or the next version when it replaces a row.
  const seedTx = db.transaction((tables) => {
    for (const [table, rows] of Object.entries(tables)) {
      if (table === 'global_sync_enabled') {
        if (typeof rows === 'boolean') {
          const hit = getRow.get('sync_switches', 'global');
          putRow.run('sync_switches', 'global', (hit?.version ?? 0) + 1, JSON.stringify({ uuid: 'global', enabled: rows }));
        }
        continue;
      }
      checkName('seed table', table);
      for (const row of rowsOf(rows)) {
        if (!row || typeof row.uuid !== 'string') throw new TypeError(`seed: a ${table} row has no uuid`);
        const hit = getRow.get(table, row.uuid);
        putRow.run(table, row.uuid, (hit?.version ?? 0) + 1, JSON.stringify(row));
      }
    }
  });

  const store = {
    db,
    async get(table, id) {
      const hit = getRow.get(String(table), String(id));
      return hit ? { version: hit.version, row: hit.data } : null;
    },
    async scan(table, query) {
      const { where = {}, after = null, limit } = query ?? {};
      if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`scan: limit must be a non-negative integer, got ${limit}`);
      if (after != null && typeof after !== 'string') throw new TypeError('scan: after must be a string or null');
      const { prepared, params } = scanStatement(where ?? {});
      // '' sorts before every id, so "from the start" is the same statement. Rows go back as their JSON text.
      return prepared.all(String(table), after ?? '', ...params, limit).map((r) => ({ id: r.id, version: r.version, row: r.data }));
    },
    async commit(changeset) {
      if (!changeset || !Array.isArray(changeset.writes)) {
        throw new TypeError('commit: a changeset needs a writes array');
      }
      return commitTx.immediate(changeset);
    },
    /** Loads rows (arrays or uuid-keyed objects per table), replacing rows with the same uuid. */
    seed(initial = {}) {
      seedTx(initial);
      return store;
    },
    /** True when no table has a row yet (a first start). */
    isEmpty() {
      return !db.prepare('SELECT 1 FROM rows LIMIT 1').get();
    },
    /** Every table as an array of rows ordered by id. */
    snapshot() {
      const out = {};
      for (const { tbl } of tableNames.all()) out[tbl] = tableRows.all(tbl).map((r) => JSON.parse(r.data));
      return out;
    },
    close() {
      if (db.open) db.close();
    },
  };
  if (initial) store.seed(initial);
  return store;
}
