import crypto from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Db } from '../../db/connection';
import type { ApiTokenRow, Role } from '../../db/schema';
import * as repo from './auth.repo';

export const ROLES: readonly Role[] = ['VIEWER', 'EDITOR', 'ADMIN'];

/** Who is calling: the token's name is the actor recorded in history. */
export interface Viewer {
  name: string;
  role: Role;
}

/** Who a change is recorded as made by. */
export const actorOf = (viewer: Viewer | null): string | null => viewer?.name ?? null;

/** The actor name of the ADMIN_TOKEN from the environment. */
export const ENV_ADMIN_NAME = 'ADMIN_TOKEN';

/** Tokens are long random secrets, so a fast hash is enough: nothing to brute-force. */
export const hashToken = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

const generateToken = (): string => `crm_${crypto.randomBytes(32).toString('base64url')}`;

export function createToken(db: Db, name: string, role: Role): { token: string; row: ApiTokenRow } {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100) throw new Error('A token needs a name of 1 to 100 characters');
  if (!ROLES.includes(role)) throw new Error(`Role must be one of ${ROLES.join(', ')}, got "${role}"`);
  const token = generateToken();
  const row = repo.insertToken(db, { name: trimmed, role, tokenHash: hashToken(token), createdAt: Date.now() });
  return { token, row };
}

export const listTokens = (db: Db) => repo.listTokens(db);

export const revokeTokens = (db: Db, name: string): number => repo.revokeTokensNamed(db, name, Date.now());

/**
 * On a first start nobody could call the API: with no token stored and no ADMIN_TOKEN, an admin
 * token is made and handed to the person at the console, once.
 */
export function createFirstAdminTokenIfNone(db: Db, envAdminToken: string | undefined): string | null {
  if (envAdminToken || repo.countTokens(db) > 0) return null;
  return createToken(db, 'first-admin', 'ADMIN').token;
}

/** ADMIN_TOKEN's hash, computed once rather than on every request. */
let envAdminHash: { token: string; hash: Buffer } | null = null;
function envAdminHashOf(token: string): Buffer {
  if (envAdminHash?.token !== token) envAdminHash = { token, hash: Buffer.from(hashToken(token), 'hex') };
  return envAdminHash.hash;
}

/** The viewer a request's Authorization header names, or null when it names none. */
export function authenticate(db: Db, header: string | undefined, envAdminToken: string | undefined): Viewer | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const presentedHash = hashToken(match[1]);
  // Hashes compared in constant time: equal lengths whatever was sent, and no early exit.
  if (envAdminToken && crypto.timingSafeEqual(Buffer.from(presentedHash, 'hex'), envAdminHashOf(envAdminToken))) {
    return { name: ENV_ADMIN_NAME, role: 'ADMIN' };
  }
  const row = repo.findActiveTokenByHash(db, presentedHash);
  return row ? { name: row.name, role: row.role } : null;
}

export const unauthenticated = () =>
  new GraphQLError('A valid token is needed: send "Authorization: Bearer <token>"', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

export function assertRole(viewer: Viewer | null, required: Role, field: string): void {
  if (!viewer) throw unauthenticated();
  if (RANK[viewer.role] < RANK[required]) {
    throw new GraphQLError(`${field} needs the ${required} role; this token (${viewer.name}) is ${viewer.role}`, {
      extensions: { code: 'FORBIDDEN', field, http: { status: 403 } },
    });
  }
}
