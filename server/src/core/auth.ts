import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Db, Queryable } from './db.ts';
import { HttpError } from './errors.ts';

export const ROLES = ['admin', 'planner', 'analyst', 'dispatcher', 'officer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  username: string;
  roles: Role[];
  jurisdictionId: number | null;
  departmentId: number | null;
  tokenKind: 'session' | 'kiosk';
  /** Kiosk tokens may be limited to one area (a grid code). */
  area: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

const BCRYPT_ROUNDS = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_ROUNDS);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

export function newToken(): { token: string; sha256: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, sha256: sha256(token) };
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export function hasRole(user: AuthUser | null, roles: readonly Role[]): boolean {
  if (!user) return false;
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/**
 * Resolves bearer tokens to users. A resolved token is cached for a short time so a busy map
 * wall does not query the token table on every tile; the cache time is why a revoked token
 * stops working within TOKEN_CACHE_MS rather than at once.
 */
export const TOKEN_CACHE_MS = 30_000;

export class TokenStore {
  // ttlResolution 0: the clock is read at each lookup (performance.now, tens of ns) instead of
  // cached behind a 1 ms setTimeout, which a map's requests (more than 1 ms apart) renewed on
  // every tile — a timer and one more event-loop wake-up per request (docs/tiles.md).
  private cache = new LRUCache<string, AuthUser | 'invalid'>({ max: 10_000, ttl: TOKEN_CACHE_MS, ttlResolution: 0 });
  constructor(private db: Db, private ttlHours: number) {}

  async issue(q: Queryable, userId: number, opts: { kind?: 'session' | 'kiosk'; name?: string; area?: string | null } = {}): Promise<string> {
    const { token, sha256: hash } = newToken();
    const kind = opts.kind ?? 'session';
    await q.query(
      `INSERT INTO auth_tokens (token_sha256, user_id, kind, name, area, expires_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $3 = 'session' THEN now() + make_interval(secs => $6) END)`,
      [hash, userId, kind, opts.name ?? null, opts.area ?? null, this.ttlHours * 3600],
    );
    return token;
  }

  /** The cached answer for a token (null: known invalid), or undefined when it must be read. */
  peek(token: string): AuthUser | null | undefined {
    // Cached by the token itself, not its hash: hashing it again on every request (a map asks for
    // dozens of tiles a second) cost more than the rest of the auth hook (docs/tiles.md).
    const cached = this.cache.get(token);
    return cached === 'invalid' ? null : cached;
  }

  async resolve(token: string): Promise<AuthUser | null> {
    const cached = this.peek(token);
    if (cached !== undefined) return cached;
    const hash = sha256(token);
    const { rows } = await this.db.query<{
      id: number; username: string; roles: Role[]; jurisdiction_id: number | null;
      department_id: number | null; kind: 'session' | 'kiosk'; area: string | null;
    }>(
      `SELECT u.id, u.username, u.roles, u.jurisdiction_id, u.department_id, t.kind, t.area
         FROM auth_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND NOT u.disabled
          AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hash],
    );
    const row = rows[0];
    const user: AuthUser | null = row
      ? {
          id: row.id,
          username: row.username,
          // Kiosk tokens are read-only whatever their creator may do.
          roles: row.kind === 'kiosk' ? ['viewer'] : row.roles,
          jurisdictionId: row.jurisdiction_id,
          departmentId: row.department_id,
          tokenKind: row.kind,
          area: row.area,
        }
      : null;
    this.cache.set(token, user ?? 'invalid');
    return user;
  }

  async revoke(token: string): Promise<void> {
    const hash = sha256(token);
    await this.db.query('UPDATE auth_tokens SET revoked_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL', [hash]);
    this.cache.delete(token);
  }

  /** Forget cached answers (after revoking tokens by id, where the hash is not at hand). */
  clearCache(): void {
    this.cache.clear();
  }
}

/** The bearer token of a request: the Authorization header, or `access_token` in the query
 * for clients that cannot set headers (EventSource, an <img> of a tile, a kiosk URL). */
export function bearerToken(request: FastifyRequest): string | null {
  return bearerTokenOf(request.headers.authorization, (request.query as Record<string, unknown> | undefined)?.access_token);
}

/** bearerToken from the Authorization header and the access_token query parameter as given. */
export function bearerTokenOf(authorization: string | undefined, accessToken: unknown): string | null {
  if (authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    return m ? m[1] : null;
  }
  return typeof accessToken === 'string' && accessToken.length > 0 ? accessToken : null;
}

export function registerAuth(app: FastifyInstance, tokens: TokenStore): void {
  app.decorateRequest('user', null);
  // A callback hook, not an async one: without a token, or with one already cached (every tile
  // of a signed-in map after the first), it answers at once instead of going through a promise
  // and a later tick of the hook chain — on every request the server takes.
  app.addHook('onRequest', (request, _reply, done) => {
    const token = bearerToken(request);
    if (token === null) return done();
    const cached = tokens.peek(token);
    if (cached !== undefined) {
      setUser(request, cached);
      return done();
    }
    tokens.resolve(token).then((user) => { setUser(request, user); done(); }, done);
  });
}

function setUser(request: FastifyRequest, user: AuthUser | null): void {
  request.user = user;
  if (!user) request.headers['x-wangge-invalid-token'] = '1';
}

/**
 * A route's role requirement: `preHandler: requireRole('planner')`. No or a bad token gives
 * 401; a valid token without one of the roles gives 403. `admin` passes every check.
 */
export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async (request) => {
    if (!request.user) {
      const invalid = request.headers['x-wangge-invalid-token'] === '1';
      throw new HttpError(401, 'unauthenticated', invalid ? 'The bearer token is invalid, expired or revoked; sign in again' : 'Sign in first: send Authorization: Bearer <token> from POST /api/auth/login');
    }
    if (roles.length > 0 && !hasRole(request.user, roles)) {
      throw new HttpError(403, 'forbidden', `This needs one of the roles: ${roles.join(', ')}`, { required: roles, have: request.user.roles });
    }
  };
}

/** OpenAPI security requirement to put on protected routes' schemas. */
export const bearerSecurity = [{ bearerAuth: [] }];
