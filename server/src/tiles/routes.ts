import type { FastifyInstance } from 'fastify';
import type { TileFilter } from '../hotspots/tileset.ts';
import { checkAccess, checkCategory, TileAnswerer, tileFilter, tileset, type FilterQs } from './answer.ts';
import { tileFastPath } from './fast-path.ts';
import { TILESETS } from './tilesets.ts';
import { LayerVersions, watchVersions } from './versions.ts';

/** `/tiles`: TileJSON per tileset and version-keyed vector tiles with ETags and an in-process LRU. */
export default async function tilesRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.wangge;
  const versions = new LayerVersions(db);
  // Bumps heard as they commit (NOTIFY, migration 0018): no poll, and no version read in tile statements.
  const stopWatching = await watchVersions(db, versions);
  // An edit made through this process announces itself on the event bus: read the versions
  // again on the next request, not only when its notification arrives (edits elsewhere: the
  // notification, or the poll while not listening).
  const unsubscribe = app.wangge.events.subscribe((e) => {
    if (e.type.startsWith('grids.') || e.type.startsWith('incident.')) versions.invalidate();
  });
  app.addHook('onClose', async () => { unsubscribe(); await stopWatching(); });
  const answerer = new TileAnswerer(db, config, versions);
  if (config.WANGGE_TILE_FAST_PATH) {
    let open = true;
    // Closing, Fastify answers 503 to new requests: so does the route once the fast path stands aside.
    app.addHook('preClose', (done) => { open = false; done(); });
    app.wangge.fastPaths.push(tileFastPath(answerer, app.wangge.tokens, () => open));
  }

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
    checkAccess(t, request.user);
    const filter = tileFilter(t, request.query);
    if (filter?.category) await checkCategory(db, filter.category);
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
    const a = await answerer.answer({ ...request.params, query: request.query, user: request.user, ifNoneMatch: request.headers['if-none-match'] });
    return reply.headers(a.headers).status(a.status).send(a.body ?? undefined);
  });

  async function extent(): Promise<[number, number, number, number]> {
    const { rows } = await db.query<{ b: number[] | null }>(
      'SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (SELECT ST_Extent(geom) AS e FROM grids WHERE valid_to IS NULL) s');
    return (rows[0]?.b ?? [-180, -85.0511, 180, 85.0511]) as [number, number, number, number];
  }
}

const filterProps = {
  from: { type: 'string', maxLength: 40, description: 'hotspots only: incidents reported at or after (ISO 8601 date or date-time; dates are UTC midnight)' },
  to: { type: 'string', maxLength: 40, description: 'hotspots only: incidents reported before (ISO 8601 date or date-time)' },
  category: { type: 'string', maxLength: 80, description: 'hotspots only: category code; a major category includes its minor ones' },
} as const;

function filterQuery(f: TileFilter | null): string {
  if (!f) return '';
  const p = new URLSearchParams();
  for (const key of ['from', 'to', 'category'] as const) if (f[key] !== null) p.set(key, f[key]!);
  return `&${p.toString()}`;
}

