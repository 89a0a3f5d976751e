// Users and API tokens, kept in the backend's database (the `users` and `auth_tokens` tables of the same
// store, SQLite or PostgreSQL) and read with DRF's TokenAuthentication rules and messages.
//
// A token is 32 random bytes, shown once, as 64 hex characters; the database keeps only its SHA-256 (the
// `auth_tokens` row's id), so a copy of the database holds no usable token. A token row says whose it is,
// when it was made, and when it was revoked; a revoked token, or one of an inactive user, is refused.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const USERS = 'users';
export const TOKENS = 'auth_tokens';
export const DEMO_USERNAME = 'demo-admin';

// DRF's own words (rest_framework.authentication / exceptions).
export const NOT_PROVIDED = 'Authentication credentials were not provided.';
export const INVALID_TOKEN = 'Invalid token.';
export const NO_CREDENTIALS = 'Invalid token header. No credentials provided.';
export const HAS_SPACES = 'Invalid token header. Token string should not contain spaces.';
export const INACTIVE = 'User inactive or deleted.';

export class AuthError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export const hashToken = (token) => createHash('sha256').update(String(token), 'utf8').digest('hex');
/** A token's public id: the start of its hash (enough to name it; useless to authenticate). */
export const tokenId = (hash) => hash.slice(0, 16);

const parse = (held) => (held ? (typeof held.row === 'string' ? JSON.parse(held.row) : held.row) : null);
const nowIso = () => new Date().toISOString();

async function findUser(store, username) {
  const rows = await store.scan(USERS, { where: { username }, limit: 2 });
  return rows.length ? parse(rows[0]) : null;
}

/** Creates a user; a username is unique. */
export async function createUser(store, { username, isStaff = false, now = nowIso() }) {
  if (typeof username !== 'string' || !/^[\w.@+-]{1,150}$/.test(username)) {
    throw new AuthError('a username is 1 to 150 letters, digits or @.+-_', 'invalid_username');
  }
  if (await findUser(store, username)) throw new AuthError(`user ${username} exists`, 'user_exists');
  const user = { uuid: randomUUID(), username, is_staff: Boolean(isStaff), is_active: true, created: now };
  await store.seed({ [USERS]: [user] });
  return user;
}

/** Issues a new token for `username`: returns the token (shown this once) and its row. */
export async function issueToken(store, username, { token = randomBytes(32).toString('hex'), name = null, now = nowIso() } = {}) {
  const user = await findUser(store, username);
  if (!user) throw new AuthError(`no user ${username}`, 'no_user');
  const hash = hashToken(token);
  const row = { uuid: hash, id: tokenId(hash), user_uuid: user.uuid, name, created: now, revoked_at: null };
  await store.seed({ [TOKENS]: [row] });
  return { token, id: row.id, user };
}

/** The token rows of a user (never the tokens: only their ids). */
export async function listTokens(store, username) {
  const user = await findUser(store, username);
  if (!user) throw new AuthError(`no user ${username}`, 'no_user');
  const rows = await store.scan(TOKENS, { where: { user_uuid: user.uuid }, limit: 10_000 });
  return rows.map(parse).map(({ id, name, created, revoked_at }) => ({ id, name, created, revoked_at }));
}

/** Revokes a token, named by itself or by its id. Returns the revoked row's id. */
export async function revokeToken(store, tokenOrId, { now = nowIso() } = {}) {
  let row = parse(await store.get(TOKENS, hashToken(tokenOrId)));
  if (!row && /^[0-9a-f]{16}$/.test(tokenOrId)) {
    const rows = await store.scan(TOKENS, { where: { id: tokenOrId }, limit: 2 });
    if (rows.length === 1) row = parse(rows[0]);
  }
  if (!row) throw new AuthError('no such token', 'no_token');
  if (!row.revoked_at) await store.seed({ [TOKENS]: [{ ...row, revoked_at: now }] });
  return row.id;
}

/** Sets a user's flags (is_staff, is_active). */
export async function updateUser(store, username, changes) {
  const user = await findUser(store, username);
  if (!user) throw new AuthError(`no user ${username}`, 'no_user');
  const next = { ...user };
  if ('isStaff' in changes) next.is_staff = Boolean(changes.isStaff);
  if ('isActive' in changes) next.is_active = Boolean(changes.isActive);
  await store.seed({ [USERS]: [next] });
  return next;
}

/**
 * The caller of a request, from its `Authorization: Token <token>` header, as DRF's TokenAuthentication
 * reads it: `{ user }` for a live token, or `{ status: 401, detail }`.
 */
export async function authenticate(store, header) {
  const words = String(header ?? '').trim().split(/\s+/).filter(Boolean);
  if (!words.length || words[0].toLowerCase() !== 'token') return { status: 401, detail: NOT_PROVIDED };
  if (words.length === 1) return { status: 401, detail: NO_CREDENTIALS };
  if (words.length > 2) return { status: 401, detail: HAS_SPACES };
  const row = parse(await store.get(TOKENS, hashToken(words[1])));
  if (!row || row.revoked_at) return { status: 401, detail: INVALID_TOKEN };
  const user = parse(await store.get(USERS, row.user_uuid));
  if (!user || !user.is_active) return { status: 401, detail: INACTIVE };
  return { user: { uuid: user.uuid, username: user.username, is_staff: Boolean(user.is_staff), is_authenticated: true } };
}

/**
 * The demo's staff user: created on a first start. With `token` (ADMIN_TOKEN), that token is registered
 * for it (hashed) if it is not already; otherwise a new random token is issued when the user is created.
 * Returns the token when one was issued now (to be shown once), else null.
 */
export async function ensureDemoUser(store, { token } = {}) {
  let created = false;
  if (!(await findUser(store, DEMO_USERNAME))) {
    await createUser(store, { username: DEMO_USERNAME, isStaff: true });
    created = true;
  }
  if (token) {
    const held = parse(await store.get(TOKENS, hashToken(token)));
    if (!held) await issueToken(store, DEMO_USERNAME, { token, name: 'ADMIN_TOKEN' });
    return null;
  }
  return created ? (await issueToken(store, DEMO_USERNAME, { name: 'demo' })).token : null;
}
