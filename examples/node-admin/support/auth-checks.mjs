// The checks of users and tokens over HTTP and the CLI, shared by test/auth.test.mjs (SQLite) and
// test/pg-auth.test.mjs (PostgreSQL): 401 as DRF answers it (no token, another scheme, a malformed header, an
// unknown, revoked or inactive user's token), 403 for a user who is not staff, the CLI's commands.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { hashToken } from '../auth.mjs';

const CLI = fileURLToPath(new URL('../cli.mjs', import.meta.url));
const run = promisify(execFile);

export async function authChecks({ env, url }) {
  const cli = async (...args) => {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { stdout: stdout.trim(), stderr: stderr.trim() };
  };
  const get = async (token, path = 'arrow/consumption-records/') => {
    const headers = token === undefined ? {} : { authorization: token };
    const res = await fetch(`${url}/api/admin/${path}`, { headers });
    return { status: res.status, body: await res.json(), www: res.headers.get('www-authenticate') };
  };

  // No credentials, another scheme, a malformed header, an unknown token: 401 with DRF's words.
  for (const [header, detail] of [
    [undefined, 'Authentication credentials were not provided.'],
    ['Bearer abc', 'Authentication credentials were not provided.'],
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
    ['Token 0123456789abcdef', 'Invalid token.'],
  ]) {
    const res = await get(header);
    assert.equal(res.status, 401, String(header));
    assert.deepEqual(res.body, { detail });
    assert.equal(res.www, 'Token');
  }

  assert.match((await cli('user', 'create', 'alice', '--staff')).stdout, /created user alice \(staff\)/);
  assert.match((await cli('user', 'create', 'bob')).stdout, /created user bob \(not staff\)/);
  await assert.rejects(cli('user', 'create', 'bob'), (e) => /user bob exists/.test(e.stderr) && e.code === 1);
  const alice = await cli('token', 'issue', 'alice', '--name', 'ci');
  assert.match(alice.stdout, /^[0-9a-f]{64}$/, 'the token alone on stdout');
  assert.match(alice.stderr, /shown only now/);
  const bob = (await cli('token', 'issue', 'bob')).stdout;

  // Staff: the engine answers; every route of both vendors and our listing.
  for (const path of ['arrow/consumption-records/', 'soracom/consumption-records/', 'billsync/invoice-items/']) {
    assert.equal((await get(`Token ${alice.stdout}`, path)).status, 200, path);
  }
  // Not staff: 403, DRF's body.
  const forbidden = await get(`token ${bob}`);
  assert.equal(forbidden.status, 403);
  assert.deepEqual(forbidden.body, { detail: 'You do not have permission to perform this action.' });
  // Made staff, bob passes; made inactive, his token stops.
  await cli('user', 'set', 'bob', '--staff');
  assert.equal((await get(`Token ${bob}`)).status, 200);
  await cli('user', 'set', 'bob', '--inactive');
  assert.deepEqual(await get(`Token ${bob}`), { status: 401, body: { detail: 'User inactive or deleted.' }, www: 'Token' });

  // Revoked (by the token itself, or by its id from `token list`), a token stops working at once.
  const listed = (await cli('token', 'list', 'alice')).stdout.split('\n');
  assert.equal(listed.length, 1);
  const id = listed[0].split(/\s+/)[0];
  assert.equal(id, hashToken(alice.stdout).slice(0, 16));
  assert.match((await cli('token', 'revoke', id)).stdout, new RegExp(`revoked token ${id}`));
  assert.deepEqual(await get(`Token ${alice.stdout}`), { status: 401, body: { detail: 'Invalid token.' }, www: 'Token' });
  assert.match((await cli('token', 'list', 'alice')).stdout, /revoked 20/);
  const second = (await cli('token', 'issue', 'alice')).stdout;
  assert.equal((await get(`Token ${second}`)).status, 200);
  await cli('token', 'revoke', second);
  assert.equal((await get(`Token ${second}`)).status, 401);
  await assert.rejects(cli('frobnicate', 'x', 'y'), (e) => e.code === 2 && /usage/.test(e.stderr));
  return { tokens: [alice.stdout, bob, second] };
}

