import type http from 'node:http';
import { bearerTokenOf, type AuthUser, type TokenStore } from '../core/auth.ts';
import { requestIdOf, type FastPath } from '../core/fast-path.ts';
import type { TileAnswer, TileAnswerer } from './answer.ts';

/**
 * `/tiles/{tileset}/{z}/{x}/{y}.mvt`, integers written plainly (no sign, no leading zero), with
 * at most a query of the forms below. Fastify's route takes more (leading zeros, filters, other
 * parameters); all of that goes to it.
 */
const TILE_URL = /^\/tiles\/([a-z][a-z0-9-]{0,31})\/(0|[1-9]\d?)\/(0|[1-9]\d{0,7})\/(0|[1-9]\d{0,7})\.mvt(?:\?(.*))?$/;
/** A data version as the TileJSON URLs carry it ("4.1.17"), within the route's maxLength of 64. */
const VERSION = /^[0-9.]{1,64}$/;
/** A token as POST /api/auth/login issues it (base64url): nothing a query parser would decode. */
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Plain tile requests answered before Fastify: a map's GETs of `.mvt` URLs with `?v=` and
 * `access_token=` at most, from no one or a token already resolved (cached). Every other
 * request, and any of these whose answer fails (an unknown tileset, a tile out of range, a
 * missing role, a database error), goes to the Fastify route, which is the reference: the two
 * share TileAnswerer, and fast-path.db.test.ts checks that they answer alike.
 *
 * Why it exists: on these 2 shared cores a hot-spot tile's statement takes ≈ 0.45 ms, and Fastify's
 * routing, hooks, validation, child logger and reply objects took ≈ 0.06 ms more per tile (cached
 * round trip 0.18 → 0.11 ms; docs/tiles.md, 2026-12-01 12:45).
 */
export function tileFastPath(answerer: TileAnswerer, tokens: TokenStore, isOpen: () => boolean): FastPath & { served: number } {
  const fastPath = (req: http.IncomingMessage, res: http.ServerResponse, fallback: () => void): boolean => {
    if (req.method !== 'GET' || !isOpen()) return false;
    const m = TILE_URL.exec(req.url ?? '');
    if (m === null) return false;
    const z = Number(m[2]);
    if (z > 22) return false;
    let v: string | undefined;
    let accessToken: string | undefined;
    if (m[5] !== undefined) {
      for (const pair of m[5].split('&')) {
        const eq = pair.indexOf('=');
        if (eq <= 0) return false;
        const key = pair.slice(0, eq);
        const value = pair.slice(eq + 1);
        if (key === 'v' && v === undefined && VERSION.test(value)) v = value;
        else if (key === 'access_token' && accessToken === undefined && TOKEN.test(value)) accessToken = value;
        else return false;
      }
    }
    const token = bearerTokenOf(req.headers.authorization, accessToken);
    let user: AuthUser | null = null;
    if (token !== null) {
      const known = tokens.peek(token);
      // A token not yet resolved is read by Fastify's auth hook, which caches it for the next tiles.
      if (known === undefined) return false;
      user = known;
    }
    const id = requestIdOf(req);
    answerer.answer({ tileset: m[1], z, x: Number(m[3]), y: Number(m[4]), query: v === undefined ? {} : { v }, user, ifNoneMatch: req.headers['if-none-match'] })
      .then((a) => { fastPath.served++; send(res, a, id); })
      // Nothing is written before the answer is whole: Fastify answers the errors (and logs them).
      .catch(() => (res.headersSent ? res.destroy() : fallback()));
    return true;
  };
  fastPath.served = 0;
  return fastPath;
}

/**
 * The headers Fastify sends for the same answer: a body's length, none for 204 and 304. As a flat
 * list, which Node writes as it comes, without a copy of the answer's headers (a small gain,
 * within the bench's noise: hot-spot tiles 1.19–1.22× against 1.22× in three runs each).
 */
function send(res: http.ServerResponse, a: TileAnswer, id: string): void {
  const raw: string[] = [];
  for (const k in a.headers) raw.push(k, a.headers[k]);
  raw.push('x-request-id', id);
  if (a.body !== null) raw.push('content-length', String(a.body.length));
  res.writeHead(a.status, raw);
  res.end(a.body ?? undefined);
}
