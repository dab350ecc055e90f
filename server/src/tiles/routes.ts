import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { hasRole } from '../core/auth.ts';
import { badRequest, HttpError, notFound } from '../core/errors.ts';
import type { TileFilter } from '../hotspots/tileset.ts';
import { renderTile } from './encode.ts';
import { TILESETS, tilesetById, type Tileset } from './tilesets.ts';
import { isNewer, LayerVersions, watchVersions } from './versions.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

interface CachedTile {
  body: Buffer;
  truncated: boolean;
}

/** `/tiles`: TileJSON per tileset and version-keyed vector tiles with ETags and an in-process LRU. */
export default async function tilesRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.wangge;
  const versions = new LayerVersions(db);
  // Bumps heard as they commit (NOTIFY, migration 0018): no poll, and no version read in tile statements.
  const stopWatching = await watchVersions(db, versions);
  const preparers = new Map(TILESETS.flatMap((t) => (t.preparer ? [[t.id, t.preparer(db)] as const] : [])));
  // An edit made through this process announces itself on the event bus: read the versions
  // again on the next request, not only when its notification arrives (edits elsewhere: the
  // notification, or the poll while not listening).
  const unsubscribe = app.wangge.events.subscribe((e) => {
    if (e.type.startsWith('grids.') || e.type.startsWith('incident.')) versions.invalidate();
  });
  app.addHook('onClose', async () => { unsubscribe(); await stopWatching(); });
  const cache = new LRUCache<string, CachedTile>({
    maxSize: Math.max(1, Math.round(config.WANGGE_TILE_CACHE_MB * 1024 * 1024)),
    // Empty tiles still take a slot's worth of bookkeeping.
    sizeCalculation: (t) => t.body.length + 64,
  });

  app.get('/tiles', {
    schema: {
      tags: ['tiles'],
      summary: 'The tilesets, with their TileJSON URLs',
      response: { 200: { type: 'object', properties: { tilesets: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, description: { type: 'string' }, tilejson: { type: 'string' }, public: { type: 'boolean' } } } } } } },
    },
  }, async () => ({
    tilesets: TILESETS.map((t) => ({ id: t.id, description: t.description, tilejson: `/tiles/${t.id}.json`, public: t.roles === null })),
  }));

  app.get<{ Params: { tileset: string }; Querystring: FilterQs }>('/tiles/:tileset.json', {
    schema: {
      tags: ['tiles'],
      summary: 'TileJSON 3.0 of one tileset; its tile URL carries the current data version (and, for hotspots, the filters asked for)',
      params: { type: 'object', required: ['tileset'], properties: { tileset: { type: 'string' } } },
      querystring: { type: 'object', properties: { ...filterProps, access_token: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const t = tileset(request.params.tileset);
    checkAccess(t, request);
    const filter = tileFilter(t, request.query);
    if (filter?.category) await checkCategory(filter.category);
    // TileJSON is asked for rarely and decides the tile URLs: always the latest version.
    const v = await versions.of(t.dependsOn, undefined, true);
    const bounds = await extent();
    reply.header('cache-control', 'no-cache');
    return {
      tilejson: '3.0.0',
      name: t.id,
      description: t.description,
      version: v,
      attribution: '© OpenStreetMap contributors (ODbL)',
      scheme: 'xyz',
      tiles: [`/tiles/${t.id}/{z}/{x}/{y}.mvt?v=${v}${filterQuery(filter)}`],
      minzoom: t.minzoom,
      maxzoom: t.maxzoom,
      bounds,
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 13],
      vector_layers: t.vectorLayers.map((l) => ({ ...l, minzoom: t.minzoom, maxzoom: t.maxzoom })),
    };
  });

  app.get<{ Params: { tileset: string; z: number; x: number; y: number }; Querystring: { v?: string } & FilterQs }>('/tiles/:tileset/:z/:x/:y.mvt', {
    // No request log lines for tiles: app.ts's logController (a route logLevel would cost every tile a logger rebuild).
    schema: {
      tags: ['tiles'],
      summary: 'One Mapbox Vector Tile (ETag; immutable when ?v= is the current version)',
      params: {
        type: 'object',
        required: ['tileset', 'z', 'x', 'y'],
        properties: { tileset: { type: 'string' }, z: { type: 'integer', minimum: 0, maximum: 22 }, x: { type: 'integer', minimum: 0 }, y: { type: 'integer', minimum: 0 } },
      },
      querystring: { type: 'object', properties: { v: { type: 'string', maxLength: 64 }, ...filterProps, access_token: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const { z, x, y } = request.params;
    const t = tileset(request.params.tileset);
    if (x >= 2 ** z || y >= 2 ** z) throw new HttpError(400, 'tile_out_of_range', `Tile ${z}/${x}/${y} does not exist: x and y must be below 2^z = ${2 ** z}`);
    if (z > t.maxzoom) throw new HttpError(400, 'zoom_out_of_range', `Tileset ${t.id} goes up to zoom ${t.maxzoom}; overzoom on the client`);
    checkAccess(t, request);
    const figures = t.figuresRoles ? hasRole(request.user, t.figuresRoles) : false;
    // A user limited to an area (a kiosk) gets that area's incidents only, cached apart.
    const area = t.areaSource && request.user?.area ? request.user.area : null;
    // The analyst's filters (hotspots only) make tiles of their own: in the cache key and the ETag.
    const filter = tileFilter(t, request.query);
    const scope = t.filtered ? t.filtered(area, filter) : null;
    const base = area ? `a.${area}` : figures ? 'f' : 'p';
    const variant = filter ? `${base}.q${crypto.createHash('sha1').update(scope ?? '').digest('hex').slice(0, 16)}` : base;
    const wanted = request.query.v;
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
      if (request.headers['if-none-match'] === etag) return reply.headers(tileHeaders(etag, wanted === v, figures || area !== null)).status(304).send();
      const hit = cache.get(`${t.id}/${z}/${x}/${y}/${v}/${variant}`);
      if (hit) return sendTile(reply.headers(tileHeaders(etag, wanted === v, figures || area !== null)), hit);
      if (filter?.category) await checkCategory(filter.category);
      const preparer = preparers.get(t.id);
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
    cache.set(`${t.id}/${z}/${x}/${y}/${got}/${variant}`, tile);
    const etag = `"${t.id}-${z}-${x}-${y}-${got}-${variant}"`;
    reply.headers(tileHeaders(etag, wanted === got, figures || area !== null));
    if (render && request.headers['if-none-match'] === etag) return reply.status(304).send();
    return sendTile(reply, tile);
  });

  function tileset(id: string): Tileset {
    const t = tilesetById.get(id);
    if (!t) throw notFound('unknown_tileset', `No tileset "${id}"; GET /tiles lists them: ${TILESETS.map((s) => s.id).join(', ')}`);
    return t;
  }

  async function checkCategory(code: string): Promise<void> {
    if ((await db.query('SELECT 1 FROM categories WHERE code = $1', [code])).rows.length === 0) {
      throw notFound('category_not_found', `No category "${code}"`);
    }
  }

  async function extent(): Promise<[number, number, number, number]> {
    const { rows } = await db.query<{ b: number[] | null }>(
      'SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (SELECT ST_Extent(geom) AS e FROM grids WHERE valid_to IS NULL) s');
    return (rows[0]?.b ?? [-180, -85.0511, 180, 85.0511]) as [number, number, number, number];
  }
}

interface FilterQs { from?: string; to?: string; category?: string }

const filterProps = {
  from: { type: 'string', maxLength: 40, description: 'hotspots only: incidents reported at or after (ISO 8601 date or date-time; dates are UTC midnight)' },
  to: { type: 'string', maxLength: 40, description: 'hotspots only: incidents reported before (ISO 8601 date or date-time)' },
  category: { type: 'string', maxLength: 80, description: 'hotspots only: category code; a major category includes its minor ones' },
} as const;

/**
 * The filters of a tile request, checked as GET /api/hotspots/* checks them (null when none);
 * kept as written (the same text the JSON endpoints hand to SQL), so a filtered tile counts
 * exactly what the JSON answer with the same parameters counts.
 */
function tileFilter(t: Tileset, q: FilterQs): TileFilter | null {
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

function filterQuery(f: TileFilter | null): string {
  if (!f) return '';
  const p = new URLSearchParams();
  for (const key of ['from', 'to', 'category'] as const) if (f[key] !== null) p.set(key, f[key]!);
  return `&${p.toString()}`;
}

function checkAccess(t: Tileset, request: FastifyRequest): void {
  if (t.roles === null) return;
  if (!request.user) throw new HttpError(401, 'unauthenticated', `The ${t.id} tiles need a signed-in role: send a bearer token (or ?access_token=)`);
  if (!hasRole(request.user, t.roles)) throw new HttpError(403, 'forbidden', `The ${t.id} tiles need one of the roles: ${t.roles.join(', ')}`);
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

/** Renders trusted to read a version this process has not seen, per second (see the tile route). */
const RENDER_BUDGET = 50;
let budgetWindow = 0;
let budgetUsed = 0;
function takeRenderBudget(): boolean {
  const now = Date.now();
  if (now - budgetWindow >= 1000) { budgetWindow = now; budgetUsed = 0; }
  return budgetUsed++ < RENDER_BUDGET;
}

function sendTile(reply: FastifyReply, tile: CachedTile): FastifyReply {
  if (tile.truncated) reply.header('x-wangge-truncated', '1');
  if (tile.body.length === 0) return reply.status(204).send();
  return reply.type('application/vnd.mapbox-vector-tile').send(tile.body);
}
