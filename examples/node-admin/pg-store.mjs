// A billsync Store on PostgreSQL (node-postgres): one table of versioned rows, each kept as the JSON text
// the engine wrote (`data`, returned verbatim) beside its jsonb (`doc`, generated from it) that scans filter
// on. It knows no row type: a new vendor's tables need no code here. Same port as sqlite-store.mjs (get /
// scan / commit), and it passes `runStoreConformance`.
//
// A commit is one transaction that locks what it reads: a transaction-scoped advisory lock per row the
// changeset names (taken in one sorted order, so two commits never deadlock on each other), then the rows
// held under those locks, then billsync's `resolveCommit`, then the writes. Rows that do not exist yet are
// locked as well as existing ones (a SELECT … FOR UPDATE could not lock a row that is still to be created),
// and commits on disjoint rows run in parallel. SERIALIZABLE would add nothing: the plan's own reads happen
// before the commit, outside any transaction, and what the commit must check of them travels in the
// changeset for `resolveCommit` to check against the rows held here. A stale commit is refused with
// billsync's `conflict` error and nothing is written.
//
// The schema is versioned: `MIGRATIONS` below, applied at open, each once, in order, under an advisory lock
// so that N processes starting together apply them once.
import pg from 'pg';
import billsync from 'billsync';

const { resolveCommit } = billsync;

// The top-level fields the engine filters scans by (as in sqlite-store.mjs). Each gets an expression index
// the scan's `doc -> 'field'` matches.
const INDEXED = ['source_key', 'billing_period', 'resource_uuid', 'vendor', 'settings_uuid', 'report_period', 'project_uuid', 'customer_uuid', 'unit', 'username'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BATCH = 5000;
/** The advisory lock that serialises migrations (any constant no other code uses). */
const MIGRATION_LOCK = 7_260_021_001;

/** The schema, one step per version. Never edit a step that shipped: add one. */
export const MIGRATIONS = [
  {
    version: 1,
    name: 'versioned rows of every table',
    sql: `CREATE TABLE rows (
      tbl text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version bigint NOT NULL CHECK (version > 0),
      data text NOT NULL,
      doc jsonb GENERATED ALWAYS AS (data::jsonb) STORED,
      PRIMARY KEY (tbl, id))`,
  },
  {
    version: 2,
    name: 'indexes on the fields scans filter by',
    sql: INDEXED.map((f) => `CREATE INDEX rows_${f} ON rows (tbl, (doc -> '${f}'), id)`).join(';\n'),
  },
];

function checkName(what, name) {
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`${what}: bad name ${JSON.stringify(name)}`);
}

function rowsOf(table) {
  if (table == null) return [];
  return Array.isArray(table) ? table : Object.values(table);
}

const text = (row) => (typeof row === 'string' ? row : JSON.stringify(row));

async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Applies the migrations the database lacks; returns the versions applied now. */
export async function migrate(pool) {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS billsync_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query('SELECT version FROM billsync_migrations');
    const have = new Set(rows.map((r) => r.version));
    const applied = [];
    for (const step of MIGRATIONS) {
      if (have.has(step.version)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO billsync_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
      applied.push(step.version);
    }
    return applied;
  });
}

// The WHERE of a scan: values are bound (as jsonb), field names checked.
function scanWhere(where, params) {
  const clauses = [];
  for (const [field, value] of Object.entries(where)) {
    checkName('scan field', field);
    const path = `doc -> '${field}'`;
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) {
      clauses.push('false');
      continue;
    }
    const alternatives = [];
    const present = [];
    for (const v of values) {
      if (v === null) {
        // null matches a field that is null or absent, as in the other stores.
        alternatives.push(`(${path} IS NULL OR ${path} = 'null'::jsonb)`);
      } else if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        present.push(JSON.stringify(v));
      } else {
        throw new TypeError(`scan: unsupported where value for ${field}: ${JSON.stringify(v)}`);
      }
    }
    if (present.length === 1) {
      params.push(present[0]);
      alternatives.push(`${path} = $${params.length}::jsonb`);
    } else if (present.length > 1) {
      params.push(present);
      alternatives.push(`${path} = ANY($${params.length}::jsonb[])`);
    }
    clauses.push(alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`);
  }
  return clauses;
}

/**
 * Opens a PostgreSQL store (a `postgres://…` connection string, or a pg.Pool's options), applying the
 * migrations it lacks.
 * @returns {Promise<object>} the Store port plus seed(), snapshot(), isEmpty(), health(), close(), `pool`
 */
export async function openPgStore(connection, { initial, max = 10 } = {}) {
  const options = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  const pool = new pg.Pool({ max, ...options });
  // An idle client's error (the server restarted) must not take the process down; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const one = (table, id) => pool.query('SELECT version, data FROM rows WHERE tbl = $1 AND id = $2', [table, id]);

  async function commitOnce(changeset) {
    const tables = changeset.writes.map((w) => String(w.table));
    const ids = changeset.writes.map((w) => String(w.id));
    return inTransaction(pool, async (client) => {
      await client.query(
        // The sort is in the subquery, so the locks are taken in its order (a sort above would be free to
        // run after the function calls).
        `SELECT count(pg_advisory_xact_lock(k)) FROM (
           SELECT DISTINCT hashtextextended(t || '/' || i, 0) AS k FROM unnest($1::text[], $2::text[]) AS u(t, i) ORDER BY k
         ) keys`,
        [tables, ids],
      );
      const { rows } = await client.query(
        `SELECT r.tbl, r.id, r.version, r.data FROM rows r
         JOIN (SELECT DISTINCT t, i FROM unnest($1::text[], $2::text[]) AS u(t, i)) w ON r.tbl = w.t AND r.id = w.i`,
        [tables, ids],
      );
      const byKey = new Map(rows.map((r) => [`${r.tbl}\u0000${r.id}`, { version: Number(r.version), row: r.data }]));
      const held = changeset.writes.map((w) => byKey.get(`${w.table}\u0000${w.id}`) ?? null);
      const { effects, report } = resolveCommit(changeset, held);
      // The last effect on a row is the one that stands (one statement cannot touch a row twice).
      const last = new Map();
      for (const e of effects) {
        const key = `${e.table}\u0000${e.id}`;
        last.delete(key);
        last.set(key, e);
      }
      const puts = [...last.values()].filter((e) => e.effect === 'write');
      const deletes = [...last.values()].filter((e) => e.effect !== 'write');
      for (let i = 0; i < deletes.length; i += BATCH) {
        const part = deletes.slice(i, i + BATCH);
        await client.query('DELETE FROM rows WHERE (tbl, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [part.map((e) => e.table), part.map((e) => e.id)]);
      }
      for (let i = 0; i < puts.length; i += BATCH) {
        const part = puts.slice(i, i + BATCH);
        await client.query(
          `INSERT INTO rows (tbl, id, version, data) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
           ON CONFLICT (tbl, id) DO UPDATE SET version = excluded.version, data = excluded.data`,
          [part.map((e) => e.table), part.map((e) => e.id), part.map((e) => e.version), part.map((e) => text(e.row))],
        );
      }
      return report;
    });
  }

  async function seedTables(client, tables) {
    for (const [table, rows] of Object.entries(tables)) {
      let list;
      if (table === 'global_sync_enabled') {
        if (typeof rows !== 'boolean') continue;
        list = [['sync_switches', 'global', JSON.stringify({ uuid: 'global', enabled: rows })]];
      } else {
        checkName('seed table', table);
        list = rowsOf(rows).map((row) => {
          if (!row || typeof row.uuid !== 'string') throw new TypeError(`seed: a ${table} row has no uuid`);
          return [table, row.uuid, JSON.stringify(row)];
        });
      }
      for (let i = 0; i < list.length; i += BATCH) {
        const part = list.slice(i, i + BATCH);
        // Each at version 1, or the next version when it replaces a row.
        await client.query(
          `INSERT INTO rows (tbl, id, version, data) SELECT t, i, 1, d FROM unnest($1::text[], $2::text[], $3::text[]) AS u(t, i, d)
           ON CONFLICT (tbl, id) DO UPDATE SET version = rows.version + 1, data = excluded.data`,
          [part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => r[2])],
        );
      }
    }
  }

  const store = {
    pool,
    async get(table, id) {
      const { rows } = await one(String(table), String(id));
      return rows.length ? { version: Number(rows[0].version), row: rows[0].data } : null;
    },
    async scan(table, query) {
      const { where = {}, after = null, limit } = query ?? {};
      if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`scan: limit must be a non-negative integer, got ${limit}`);
      if (after != null && typeof after !== 'string') throw new TypeError('scan: after must be a string or null');
      const params = [String(table), after ?? ''];
      const clauses = ['tbl = $1', 'id > $2', ...scanWhere(where ?? {}, params)];
      params.push(limit);
      const { rows } = await pool.query(`SELECT id, version, data FROM rows WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT $${params.length}`, params);
      return rows.map((r) => ({ id: r.id, version: Number(r.version), row: r.data }));
    },
    async commit(changeset) {
      if (!changeset || !Array.isArray(changeset.writes)) throw new TypeError('commit: a changeset needs a writes array');
      // Two commits that lock overlapping rows in the same order wait for each other; should PostgreSQL
      // still report a deadlock (a lock hash shared by two rows), the commit is simply run again.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await commitOnce(changeset);
        } catch (error) {
          if (error?.code !== '40P01' || attempt >= 5) throw error;
        }
      }
    },
    /** Loads rows (arrays or uuid-keyed objects per table), replacing rows with the same uuid. */
    async seed(tables = {}) {
      await inTransaction(pool, (client) => seedTables(client, tables));
      return store;
    },
    async isEmpty() {
      const { rows } = await pool.query('SELECT 1 FROM rows LIMIT 1');
      return rows.length === 0;
    },
    /** Every table as an array of rows ordered by id. */
    async snapshot() {
      const { rows } = await pool.query('SELECT tbl, data FROM rows ORDER BY tbl, id');
      const out = {};
      for (const r of rows) (out[r.tbl] ??= []).push(JSON.parse(r.data));
      return out;
    },
    /** The database answers. */
    async health() {
      await pool.query('SELECT 1');
      return 'ok';
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
  if (initial) await store.seed(initial);
  return store;
}
