import crypto from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { hasRole, type AuthUser } from '../core/auth.ts';
import type { Config } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { badRequest, HttpError, notFound } from '../core/errors.ts';
import { isIsoDateTime } from '../core/iso-date.ts';
import type { TileFilter } from '../hotspots/tileset.ts';
import { renderTile } from './encode.ts';
import { TILESETS, tilesetById, type TilePreparer, type Tileset } from './tilesets.ts';
import { isNewer, type LayerVersions } from './versions.ts';

/** The analyst's filters of a hot-spot tile, as the query string gives them. */
export interface FilterQs { from?: string; to?: string; category?: string }

/** One tile request, whichever way it came in (the Fastify route, or the fast path of fast-path.ts). */
export interface TileAsk {
  tileset: string;
  z: number;
  x: number;
  y: number;
  query: { v?: string } & FilterQs;
  user: AuthUser | null;
  ifNoneMatch: string | undefined;
}

/** What to send: a status, its headers and, for 200, the tile's bytes. */
export interface TileAnswer {
  status: 200 | 204 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

interface CachedTile {
  body: Buffer;
  truncated: boolean;
}

/**
 * The answer to a vector tile request, apart from HTTP: access, filters, the version to file it
 * under, ETag and If-None-Match, the in-process LRU, the preparer (hot-spot cells) and the
 * render. Errors are thrown as HttpError. Shared by the Fastify route and the fast path so that
 * both answer alike by construction.
 */
export class TileAnswerer {
  private cache: LRUCache<string, CachedTile>;
  private preparers: Map<string, TilePreparer>;

  constructor(private db: Db, private config: Config, private versions: LayerVersions) {
    this.preparers = new Map(TILESETS.flatMap((t) => (t.preparer ? [[t.id, t.preparer(db)] as const] : [])));
    this.cache = new LRUCache<string, CachedTile>({
      maxSize: Math.max(1, Math.round(config.WANGGE_TILE_CACHE_MB * 1024 * 1024)),
      // Empty tiles still take a slot's worth of bookkeeping.
      sizeCalculation: (t) => t.body.length + 64,
    });
  }

  async answer(ask: TileAsk): Promise<TileAnswer> {
    const { z, x, y, user } = ask;
    const { db, versions, config } = this;
    const t = tileset(ask.tileset);
    if (x >= 2 ** z || y >= 2 ** z) throw new HttpError(400, 'tile_out_of_range', `Tile ${z}/${x}/${y} does not exist: x and y must be below 2^z = ${2 ** z}`);
    if (z > t.maxzoom) throw new HttpError(400, 'zoom_out_of_range', `Tileset ${t.id} goes up to zoom ${t.maxzoom}; overzoom on the client`);
    checkAccess(t, user);
    const figures = t.figuresRoles ? hasRole(user, t.figuresRoles) : false;
    // A user limited to an area (a kiosk) gets that area's incidents only, cached apart.
    const area = t.areaSource && user?.area ? user.area : null;
    // The analyst's filters (hotspots only) make tiles of their own: in the cache key and the ETag.
    const filter = tileFilter(t, ask.query);
    const scope = t.filtered ? t.filtered(area, filter) : null;
    const base = area ? `a.${area}` : figures ? 'f' : 'p';
    const variant = filter ? `${base}.q${crypto.createHash('sha1').update(scope ?? '').digest('hex').slice(0, 16)}` : base;
    const personal = figures || area !== null;
    const wanted = ask.query.v;
    // The versions as known (no query while they are fresh); read when they are not.
    let v = versions.known(t.dependsOn) ?? await versions.of(t.dependsOn);
    let render = false;
    if (wanted !== undefined && wanted !== v && isNewer(wanted, v)) {
      // A client has seen an edit this process has not heard of yet (its notification still on
      // the way, or a made-up version). Render at once with the versions read in the tile's own
      // statement (one round trip) — within a budget, so made-up versions cannot turn every
      // request into a render; beyond it, read them first.
      if (!t.preparer && takeRenderBudget()) render = true;
      else v = await versions.of(t.dependsOn, wanted);
    }
    if (!render) {
      const etag = `"${t.id}-${z}-${x}-${y}-${v}-${variant}"`;
      if (ask.ifNoneMatch === etag) return { status: 304, headers: tileHeaders(etag, wanted === v, personal), body: null };
      const hit = this.cache.get(`${t.id}/${z}/${x}/${y}/${v}/${variant}`);
      if (hit) return tileAnswer(tileHeaders(etag, wanted === v, personal), hit);
      if (filter?.category) await checkCategory(db, filter.category);
      const preparer = this.preparers.get(t.id);
      if (preparer && !preparer.ready({ z, x, y }, area, v, filter)) await preparer.ensure({ z, x, y }, area, v, filter);
    }
    const source = area ? t.areaSource! : t.source;
    const arg = scope ?? area ?? (source.includes('$6') ? figures : null);
    // Otherwise the statement is the bare tile query, filed under v: v was committed before this
    // process knew it (read from layer_versions, or heard after its commit), so the statement's
    // snapshot, taken later, holds data of v or newer — a tile is never filed under a version whose
    // data it lacks. (It may hold a newer edit whose notification is still on the way; the tile of
    // that version is rendered anew when it is heard.) Prepared cells were stored for v itself.
    const r = await renderTile(db, db.kind, { source, z, x, y, cap: config.WANGGE_TILE_FEATURE_CAP, arg, layers: render ? t.dependsOn : undefined });
    // A render with its versions holds the data of the version its own statement read: file it under that one.
    if (r.version !== null && r.version !== v) versions.learn(t.dependsOn, r.version);
    const got = r.version ?? v;
    const tile: CachedTile = { body: r.body, truncated: r.truncated };
    this.cache.set(`${t.id}/${z}/${x}/${y}/${got}/${variant}`, tile);
    const etag = `"${t.id}-${z}-${x}-${y}-${got}-${variant}"`;
    const headers = tileHeaders(etag, wanted === got, personal);
    if (render && ask.ifNoneMatch === etag) return { status: 304, headers, body: null };
    return tileAnswer(headers, tile);
  }
}

export function tileset(id: string): Tileset {
  const t = tilesetById.get(id);
  if (!t) throw notFound('unknown_tileset', `No tileset "${id}"; GET /tiles lists them: ${TILESETS.map((s) => s.id).join(', ')}`);
  return t;
}

export async function checkCategory(db: Db, code: string): Promise<void> {
  if ((await db.query('SELECT 1 FROM categories WHERE code = $1', [code])).rows.length === 0) {
    throw notFound('category_not_found', `No category "${code}"`);
  }
}

/**
 * The filters of a tile request, checked as GET /api/hotspots/* checks them (null when none);
 * kept as written (the same text the JSON endpoints hand to SQL), so a filtered tile counts
 * exactly what the JSON answer with the same parameters counts.
 */
export function tileFilter(t: Tileset, q: FilterQs): TileFilter | null {
  if (q.from === undefined && q.to === undefined && q.category === undefined) return null;
  if (!t.filtered) throw badRequest('filters_not_supported', `Tileset ${t.id} takes no from/to/category filters (only hotspots does)`);
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v !== undefined && !isIsoDateTime(v)) {
      throw badRequest('invalid_date', `"${key}" must be an ISO 8601 date or date-time (got "${v}")`);
    }
  }
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw badRequest('empty_period', '"from" must be before "to"');
  if (q.category === '') throw badRequest('invalid_category', '"category" must not be empty');
  return { from: q.from ?? null, to: q.to ?? null, category: q.category ?? null };
}

export function checkAccess(t: Tileset, user: AuthUser | null): void {
  if (t.roles === null) return;
  if (!user) throw new HttpError(401, 'unauthenticated', `The ${t.id} tiles need a signed-in role: send a bearer token (or ?access_token=)`);
  if (!hasRole(user, t.roles)) throw new HttpError(403, 'forbidden', `The ${t.id} tiles need one of the roles: ${t.roles.join(', ')}`);
}

/**
 * ETag, and caching: immutable only when the URL names the version the tile holds; figures and
 * area tiles differ by who asks, so shared caches must not mix them (private, Vary).
 */
function tileHeaders(etag: string, current: boolean, personal: boolean): Record<string, string> {
  return {
    etag,
    vary: 'authorization',
    'cache-control': current ? `${personal ? 'private' : 'public'}, max-age=31536000, immutable` : 'no-cache',
  };
}

/** An empty tile is 204 No Content; a truncated one says so (x-wangge-truncated). */
function tileAnswer(headers: Record<string, string>, tile: CachedTile): TileAnswer {
  if (tile.truncated) headers['x-wangge-truncated'] = '1';
  if (tile.body.length === 0) return { status: 204, headers, body: null };
  headers['content-type'] = 'application/vnd.mapbox-vector-tile';
  return { status: 200, headers, body: tile.body };
}

/** Renders trusted to read a version this process has not seen, per second (see the tile route). */
const RENDER_BUDGET = 50;
let budgetWindow = 0;
let budgetUsed = 0;
function takeRenderBudget(): boolean {
  const now = Date.now();
  if (now - budgetWindow >= 1000) { budgetWindow = now; budgetUsed = 0; }
  return budgetUsed++ < RENDER_BUDGET;
}
