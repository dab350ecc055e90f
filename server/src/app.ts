import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Config } from './core/config.ts';
import type { Db } from './core/db.ts';
import { registerAuth, TokenStore } from './core/auth.ts';
import { errorSchema, registerErrorHandlers } from './core/errors.ts';
import { EventBus } from './core/events.ts';
import { requestIdOf, serverWithFastPaths, type FastPath } from './core/fast-path.ts';
import './core/context.ts';
import { features } from './features.ts';

export const CLIENT_DIST = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../client/dist');

export interface BuildOptions {
  config: Config;
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** Serve the built client from client/dist (off in API tests). */
  serveClient?: boolean;
  /** Share one event bus between apps (tests); a new one by default. */
  events?: EventBus;
}

/** `/tiles/{tileset}/{z}/{x}/{y}.mvt`, with or without a query. */
export function isVectorTileUrl(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/tiles/') && /\.mvt(\?|$)/.test(url);
}

/** Boot order: core plugins (docs, parsers, errors, auth) → features → client and fallbacks. */
export async function build({ config, db, logger, serveClient = true, events }: BuildOptions): Promise<FastifyInstance> {
  // Requests some feature answers before Fastify (tiles: server/src/tiles/fast-path.ts).
  const fastPaths: FastPath[] = [];
  const app = Fastify({
    serverFactory: serverWithFastPaths(fastPaths),
    logger: logger ?? { level: config.LOG_LEVEL },
    // A map view asks for dozens of tiles a second: no "incoming"/"completed" lines for vector
    // tiles (our error handler still logs their failures). Said here rather than as the route's
    // logLevel: a route level makes pino rebuild every log method of each request's child logger,
    // ≈ 15 µs of the 40 µs a logger adds to a tile here (docs/tiles.md, 2026-12-01 10:40).
    logController: new LogController({ disableRequestLogging: (req: { url?: string }) => isVectorTileUrl(req.url) }),
    bodyLimit: Math.round(config.WANGGE_BODY_LIMIT_MB * 1024 * 1024),
    genReqId: requestIdOf,
    ajv: {
      // Unknown properties are an error the client should hear about, not something to drop.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });
  const tokens = new TokenStore(db, config.WANGGE_TOKEN_TTL_HOURS);
  app.decorate('wangge', { config, db, tokens, events: events ?? new EventBus(), fastPaths });
  // Set as the request arrives, where it stays for whatever answer follows (errors and 404s
  // included): an async onSend hook did the same on every request at the cost of one more
  // promise in the chain (docs/tiles.md, the fixed cost of a tile).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addSchema(errorSchema);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Wangge 网格 API', version: '0.1.0', description: 'Grid-based community governance: grids, incidents, partitions, hot spots, tiles.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  registerErrorHandlers(app);
  registerAuth(app, tokens);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const feature of features) await app.register(feature);

  const indexHtml = path.join(CLIENT_DIST, 'index.html');
  if (serveClient && fs.existsSync(indexHtml)) {
    await app.register(fastifyStatic, { root: CLIENT_DIST, wildcard: false, index: 'index.html', cacheControl: false, setHeaders: cacheHeaders, preCompressed: true });
  }
  app.setNotFoundHandler(async (request, reply) => {
    // Client-side routes (/wall, /planner, …) load the single-page app.
    const wantsPage = request.method === 'GET' && !/^\/(api|tiles|open311)\//.test(request.url) && serveClient && fs.existsSync(indexHtml);
    if (wantsPage) return reply.type('text/html').header('cache-control', 'no-cache').send(fs.createReadStream(indexHtml));
    return reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
  return app;
}

// Vite fingerprints everything under assets/, so those may be cached for good.
function cacheHeaders(reply: { header(name: string, value: string): unknown }, file: string): void {
  reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}
