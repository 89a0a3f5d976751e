// A billsync Store on embedded SQLite (better-sqlite3): one table per entity holding each row as JSON text,
// a flags table, and one transaction per changeset. It implements the Store port of the package
// (get / scan / flags / commit) and passes `runStoreConformance`.
//
// Why rows are JSON text rather than columns: the engine owns the row shapes (they are exactly the objects in
// its changesets), so the host stores them verbatim and indexes only the fields the engine filters by.
import Database from 'better-sqlite3';

export const TABLES = Object.freeze([
  'settings',
  'customers',
  'projects',
  'resources',
  'customer_mappings',
  'consumption_records',
  'billing_syncs',
  'invoice_items',
]);

// The fields the engine puts in `where`, per table. Each gets an expression index that the scan query's
// `json_extract(data, '$.field')` matches exactly, so SQLite can use it.
const INDEXED = {
  consumption_records: ['billing_period', 'resource_uuid', 'license_reference'],
  invoice_items: ['source_key'],
  billing_syncs: ['report_period', 'settings_uuid'],
  customer_mappings: ['settings_uuid'],
  resources: ['project_uuid'],
};

const DEFAULT_FLAGS = Object.freeze({ global_sync_enabled: true });
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A commit that must not be applied: the transaction rolls back and the error reaches the engine. */
export class StoreCommitError extends Error {
  constructor(message, { intentIndex, intentType, code = 'commit_failed' } = {}) {
    super(message);
    this.name = 'StoreCommitError';
    this.code = code;
    this.intentIndex = intentIndex;
    this.intentType = intentType;
  }
}

function assertTable(table) {
  if (!TABLES.includes(table)) throw new TypeError(`unknown table ${JSON.stringify(table)}`);
}

/** JSON with object keys sorted: two rows are "identical" when their canonical texts are equal. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Accepts a table as an array of rows or as an object keyed by uuid (the memory store's shape). */
function rowsOf(table) {
  if (table == null) return [];
  return Array.isArray(table) ? table : Object.values(table);
}

/**
 * Opens (creating if needed) a SQLite store at `path` (":memory:" for a throwaway one).
 * @returns the Store port plus seed(), snapshot(), close() and the raw `db`.
 */
export function openSqliteStore(path, { initial } = {}) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');

  for (const table of TABLES) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (uuid TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL CHECK (json_valid(data))) WITHOUT ROWID`);
  }
  for (const [table, fields] of Object.entries(INDEXED)) {
    for (const field of fields) {
      db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${field} ON ${table} (json_extract(data, '$.${field}'), uuid)`);
    }
  }
  db.exec('CREATE TABLE IF NOT EXISTS flags (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID');

  const stmt = {};
  for (const table of TABLES) {
    stmt[table] = {
      get: db.prepare(`SELECT data FROM ${table} WHERE uuid = ?`),
      put: db.prepare(`INSERT INTO ${table} (uuid, data) VALUES (?, ?) ON CONFLICT (uuid) DO UPDATE SET data = excluded.data`),
      del: db.prepare(`DELETE FROM ${table} WHERE uuid = ?`),
      all: db.prepare(`SELECT data FROM ${table} ORDER BY uuid`),
    };
  }
  const getFlag = db.prepare('SELECT value FROM flags WHERE name = ?');
  const putFlag = db.prepare('INSERT INTO flags (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  const scanCache = new Map();

  const readRow = (table, uuid) => {
    const hit = stmt[table].get.get(uuid);
    return hit ? JSON.parse(hit.data) : null;
  };
  const readFlags = () => {
    const flags = { ...DEFAULT_FLAGS };
    for (const name of Object.keys(DEFAULT_FLAGS)) {
      const hit = getFlag.get(name);
      if (hit) flags[name] = JSON.parse(hit.value);
    }
    return flags;
  };

  // Builds (and caches by shape) the statement of a scan; values are bound, field names are checked.
  function scanStatement(table, where) {
    const clauses = ['uuid > ?'];
    const params = [];
    const shape = [];
    for (const [field, value] of Object.entries(where)) {
      if (!FIELD.test(field)) throw new TypeError(`scan: bad field name ${JSON.stringify(field)}`);
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
    const key = `${table}\u0000${shape.join(',')}`;
    let prepared = scanCache.get(key);
    if (!prepared) {
      prepared = db.prepare(`SELECT data FROM ${table} WHERE ${clauses.join(' AND ')} ORDER BY uuid LIMIT ?`);
      scanCache.set(key, prepared);
    }
    return { prepared, params };
  }

  function scanSync(table, query = {}) {
    assertTable(table);
    const { where = {}, after = null, limit } = query ?? {};
    if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`scan: limit must be a non-negative integer, got ${limit}`);
    if (after != null && typeof after !== 'string') throw new TypeError('scan: after must be a string or null');
    const { prepared, params } = scanStatement(table, where ?? {});
    // '' sorts before every uuid, so "from the start" is the same statement.
    return prepared.all(after ?? '', ...params, limit).map((r) => JSON.parse(r.data));
  }

  // One intent, inside the open transaction. Throwing aborts the whole changeset.
  function applyIntent(intent, index, report) {
    const fail = (message, code) => {
      throw new StoreCommitError(`intent #${index} (${intent?.type}): ${message}`, { intentIndex: index, intentType: intent?.type, code });
    };
    const upsert = (table, row) => {
      if (!row || typeof row !== 'object' || typeof row.uuid !== 'string' || row.uuid === '') fail('the row has no uuid', 'invalid_intent');
      const existing = stmt[table].get.get(row.uuid);
      const text = JSON.stringify(row);
      if (!existing) report.created += 1;
      else if (canonicalJson(JSON.parse(existing.data)) === canonicalJson(row)) {
        report.unchanged += 1;
        return;
      } else report.updated += 1;
      stmt[table].put.run(row.uuid, text);
    };

    switch (intent?.type) {
      case 'upsert_consumption_record': return upsert('consumption_records', intent.record);
      case 'upsert_billing_sync': return upsert('billing_syncs', intent.sync);
      case 'upsert_invoice_item': return upsert('invoice_items', intent.item);
      case 'upsert_customer': return upsert('customers', intent.customer);
      case 'upsert_project': return upsert('projects', intent.project);
      case 'upsert_resource': return upsert('resources', intent.resource);
      case 'upsert_customer_mapping': return upsert('customer_mappings', intent.mapping);
      case 'delete_consumption_record': {
        if (typeof intent.uuid !== 'string') fail('no uuid', 'invalid_intent');
        if (stmt.consumption_records.del.run(intent.uuid).changes > 0) report.deleted += 1;
        else report.unchanged += 1;
        return;
      }
      case 'create_invoice_item': {
        const item = intent.item;
        if (!item || typeof item.uuid !== 'string' || item.uuid === '') fail('the item has no uuid', 'invalid_intent');
        if (stmt.invoice_items.get.get(item.uuid)) report.unchanged += 1;
        else {
          stmt.invoice_items.put.run(item.uuid, JSON.stringify(item));
          report.created += 1;
        }
        return;
      }
      case 'transition_billing_sync': {
        const row = readRow('billing_syncs', intent.uuid);
        if (!row) fail(`billing sync ${intent.uuid} not found`, 'not_found');
        if (row.state === intent.to) report.unchanged += 1;
        else if (row.state === intent.from) {
          row.state = intent.to;
          row.modified = intent.at;
          stmt.billing_syncs.put.run(row.uuid, JSON.stringify(row));
          report.updated += 1;
        } else fail(`billing sync ${intent.uuid} is in state ${row.state}, expected ${intent.from} to move it to ${intent.to}`, 'conflict');
        return;
      }
      case 'set_sync_enabled': {
        const { switch: sw, enabled } = intent;
        if (typeof enabled !== 'boolean') fail('enabled must be a boolean', 'invalid_intent');
        if (sw?.scope === 'global') {
          if (readFlags().global_sync_enabled === enabled) report.unchanged += 1;
          else {
            putFlag.run('global_sync_enabled', JSON.stringify(enabled));
            report.updated += 1;
          }
        } else if (sw?.scope === 'settings') {
          const row = readRow('settings', sw.settings_uuid);
          if (!row) fail(`settings ${sw.settings_uuid} not found`, 'not_found');
          if ((row.sync_enabled ?? false) === enabled) report.unchanged += 1;
          else {
            row.sync_enabled = enabled;
            stmt.settings.put.run(row.uuid, JSON.stringify(row));
            report.updated += 1;
          }
        } else fail(`unknown switch scope ${JSON.stringify(sw?.scope)}`, 'invalid_intent');
        return;
      }
      default:
        fail(`unknown intent type ${JSON.stringify(intent?.type)}`, 'invalid_intent');
    }
  }

  // better-sqlite3 transactions are synchronous: BEGIN, the function, COMMIT, or ROLLBACK when it throws.
  const commitTx = db.transaction((changeset) => {
    const report = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
    changeset.intents.forEach((intent, i) => applyIntent(intent, i, report));
    return report;
  });

  const seedTx = db.transaction((initial) => {
    for (const table of TABLES) {
      for (const row of rowsOf(initial[table])) {
        if (!row || typeof row.uuid !== 'string') throw new TypeError(`seed: a ${table} row has no uuid`);
        stmt[table].put.run(row.uuid, JSON.stringify(row));
      }
    }
    const flags = { ...(initial.flags ?? {}) };
    if (typeof initial.global_sync_enabled === 'boolean') flags.global_sync_enabled = initial.global_sync_enabled;
    for (const [name, value] of Object.entries(flags)) putFlag.run(name, JSON.stringify(value));
  });

  const store = {
    db,
    async get(table, uuid) {
      assertTable(table);
      return readRow(table, String(uuid));
    },
    async scan(table, query) {
      return scanSync(table, query);
    },
    async flags() {
      return readFlags();
    },
    async commit(changeset) {
      if (!changeset || !Array.isArray(changeset.intents)) {
        throw new StoreCommitError('a changeset needs an intents array', { code: 'invalid_changeset' });
      }
      return commitTx(changeset);
    },
    /** Loads rows (arrays or uuid-keyed objects per table) and flags, replacing rows with the same uuid. */
    seed(initial = {}) {
      seedTx(initial);
      return store;
    },
    /** True when no table has a row yet (a first start). */
    isEmpty() {
      return TABLES.every((t) => !db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get());
    },
    /** Every table as an array ordered by uuid, plus the flags. */
    snapshot() {
      const out = { flags: readFlags() };
      for (const table of TABLES) out[table] = stmt[table].all.all().map((r) => JSON.parse(r.data));
      return out;
    },
    close() {
      if (db.open) db.close();
    },
  };
  if (initial) store.seed(initial);
  return store;
}
