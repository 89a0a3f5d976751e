// A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, `postgres` listening on a
// unix socket in that folder only (no TCP port), stopped by `stop()` and, should the test process exit
// first, by an exit hook. root cannot run initdb, so as root the cluster belongs to an unprivileged user
// (`postgres`, which Debian's package creates, else `nobody`) and the folder is chowned to it.
//
//   const cluster = await startCluster();   // { url(database), createDatabase(name), stop() }
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's /usr/lib/postgresql/<major>/bin. */
export function postgresBin() {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (!majors.length) {
    throw new Error('PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin): run `make setup-postgres` (Debian\'s postgresql package)');
  }
  return join(root, majors[0], 'bin');
}

function account() {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (id.status === 0) {
      const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim();
      return { name, uid: Number(id.stdout.trim()), gid: Number(gid) };
    }
  }
  throw new Error('running as root, and there is no unprivileged user (postgres or nobody) to run initdb as');
}

const running = new Set();
process.on('exit', () => {
  for (const stop of running) stop();
});

/**
 * Starts a cluster. `url(db)` is a connection string for database `db` over the cluster's socket.
 * @returns {Promise<{dir: string, socketDir: string, user: string, url: (db?: string) => string,
 *   createDatabase: (name: string) => Promise<string>, stop: () => void}>}
 */
export async function startCluster({ log = false } = {}) {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'billsync-pg-'));
  const data = join(dir, 'data');
  const owner = account();
  chmodSync(dir, 0o700);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (command, args, options = {}) => {
    const full = owner ? ['runuser', ['-u', owner.name, '--', command, ...args]] : [command, args];
    return execFileSync(full[0], full[1], { stdio: log ? 'inherit' : 'pipe', cwd: dir, ...options });
  };
  const user = owner?.name ?? process.env.USER ?? 'postgres';
  as(join(bin, 'initdb'), ['-D', data, '-U', user, '-A', 'trust', '--no-instructions', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // Unix socket in the folder only; fsync off: a test cluster holds nothing worth a disk flush.
  const settings = `-k ${dir} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', '-o', settings, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    try {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stop);
  const url = (db = 'postgres') => `postgresql://${encodeURIComponent(user)}@/${db}?host=${encodeURIComponent(dir)}`;
  const { default: pg } = await import('pg');
  const createDatabase = async (name) => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
    return url(name);
  };
  return { dir, socketDir: dir, user, url, createDatabase, stop };
}
