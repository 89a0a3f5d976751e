#!/usr/bin/env node
// The backend's users and tokens, from the command line, on the database the server uses
// (BILLSYNC_DATABASE_URL for PostgreSQL, else the SQLite file BILLSYNC_DB):
//
//   node examples/node-admin/cli.mjs user create <username> [--staff]
//   node examples/node-admin/cli.mjs user set <username> [--staff | --no-staff] [--active | --inactive]
//   node examples/node-admin/cli.mjs token issue <username> [--name <label>]   prints the new token, once
//   node examples/node-admin/cli.mjs token list <username>                     ids, never tokens
//   node examples/node-admin/cli.mjs token revoke <token | id>
//
// A token is printed only by `token issue`, on stdout, and nowhere else; the database keeps its SHA-256.
import { pathToFileURL } from 'node:url';
import { AuthError, createUser, issueToken, listTokens, revokeToken, updateUser } from './auth.mjs';
import { DEFAULT_DB, openStore } from './open-store.mjs';

const USAGE = `usage:
  cli.mjs user create <username> [--staff]
  cli.mjs user set <username> [--staff | --no-staff] [--active | --inactive]
  cli.mjs token issue <username> [--name <label>]
  cli.mjs token list <username>
  cli.mjs token revoke <token | id>
database: BILLSYNC_DATABASE_URL (postgres://…) or BILLSYNC_DB (SQLite, default ${DEFAULT_DB})`;

/** Runs one command; returns the lines to print. Throws AuthError (a user's mistake) or Error. */
export async function run(argv, { store }) {
  const [noun, verb, subject, ...rest] = argv;
  const flag = (name) => rest.includes(name);
  const option = (name) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  if (!subject) throw new AuthError(USAGE, 'usage');
  if (noun === 'user' && verb === 'create') {
    const user = await createUser(store, { username: subject, isStaff: flag('--staff') });
    return [`created user ${user.username} (${user.is_staff ? 'staff' : 'not staff'}), uuid ${user.uuid}`];
  }
  if (noun === 'user' && verb === 'set') {
    const changes = {};
    if (flag('--staff') || flag('--no-staff')) changes.isStaff = flag('--staff');
    if (flag('--active') || flag('--inactive')) changes.isActive = flag('--active');
    const user = await updateUser(store, subject, changes);
    return [`user ${user.username}: ${user.is_staff ? 'staff' : 'not staff'}, ${user.is_active ? 'active' : 'inactive'}`];
  }
  if (noun === 'token' && verb === 'issue') {
    const { token, id } = await issueToken(store, subject, { name: option('--name') ?? null });
    // The token itself on stdout alone, so that scripts can capture it; its id on stderr.
    return [token, { stderr: `token ${id} issued for ${subject}; it is shown only now` }];
  }
  if (noun === 'token' && verb === 'list') {
    return (await listTokens(store, subject)).map((t) => `${t.id}  created ${t.created}  ${t.revoked_at ? `revoked ${t.revoked_at}` : 'live'}${t.name ? `  (${t.name})` : ''}`);
  }
  if (noun === 'token' && verb === 'revoke') {
    return [`revoked token ${await revokeToken(store, subject)}`];
  }
  throw new AuthError(USAGE, 'usage');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let store;
  try {
    ({ store } = await openStore({ databaseUrl: process.env.BILLSYNC_DATABASE_URL || undefined, dbPath: process.env.BILLSYNC_DB || DEFAULT_DB, max: 2 }));
    for (const line of await run(process.argv.slice(2), { store })) {
      if (typeof line === 'string') process.stdout.write(`${line}\n`);
      else process.stderr.write(`${line.stderr}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof AuthError ? error.message : `error: ${error.message}`}\n`);
    process.exitCode = error instanceof AuthError && error.code === 'usage' ? 2 : 1;
  } finally {
    await store?.close();
  }
}
