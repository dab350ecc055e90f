import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import type { EventBus, WanggeEvent } from '../core/events.ts';
import { clock } from './clock.ts';

/** The light watcher of the app that owns an event bus, to run it once now (tests). */
export const lightTicks = new WeakMap<EventBus, () => Promise<void>>();

export const HEARTBEAT_MS = 15_000;
/** How often the light watcher looks for cases whose light changed by the clock alone. */
export const LIGHT_TICK_MS = 30_000;

/**
 * `GET /api/events`: the live event bus as Server-Sent Events, for the map wall. Each event has
 * an `id:` (the bus sequence), an `event:` (its type) and JSON `data:`; a comment line every
 * 15 s keeps proxies from closing an idle stream. Users bound to a jurisdiction get only its
 * events (and jurisdiction-less ones).
 */
export default async function eventRoutes(app: FastifyInstance): Promise<void> {
  const { events, db } = app.wangge;
  // Open streams, ended on shutdown so that closing the server does not wait for the walls.
  const open = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => { for (const res of open) res.end(); });

  app.get<{ Querystring: { types?: string } }>('/api/events', {
    preHandler: requireRole(),
    schema: {
      tags: ['incidents'], summary: 'Live events (text/event-stream): incident.created, incident.step, incident.light, …', security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { types: { type: 'string', description: 'comma-separated type prefixes, e.g. incident.' }, access_token: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const user = request.user!;
    const prefixes = request.query.types?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    // A kiosk token limited to an area (a grid code) gets only events inside that grid.
    const inArea = (e: WanggeEvent) => !user.area || !Array.isArray(e.data.gridCodes) || (e.data.gridCodes as unknown[]).includes(user.area);
    const wanted = (e: WanggeEvent) =>
      (user.jurisdictionId === null || e.jurisdictionId === null || e.jurisdictionId === user.jurisdictionId) &&
      (prefixes.length === 0 || prefixes.some((p) => e.type.startsWith(p))) && inArea(e);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    res.write(`retry: 5000\n: connected ${new Date().toISOString()}\n\n`);
    const unsubscribe = events.subscribe((e) => {
      if (!wanted(e)) return;
      res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ type: e.type, jurisdictionId: e.jurisdictionId, at: e.at, ...e.data })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
    open.add(res);
    const done = () => { clearInterval(heartbeat); unsubscribe(); open.delete(res); };
    request.raw.on('close', done);
    res.on('close', done);
  });

  // Lights change by the clock, without anyone touching the case: look for crossings since the
  // last look and tell the wall.
  let last = clock.now();
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    const now = clock.now();
    if (now <= last) return;
    const from = last;
    last = now;
    // Runs even with nobody listening: cached incident tiles carry the light colours and must
    // be invalidated when a light changes by the clock.
    try {
      const { rows } = await db.query<{ id: number; jurisdiction_id: number; light: string; lng: number; lat: number; grid_code: string | null; grid_codes: string[] }>(
        `SELECT id, jurisdiction_id, ST_X(geom) AS lng, ST_Y(geom) AS lat, grid_code, grid_codes,
                incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, $2) AS light
           FROM incidents
          WHERE status IN ('reported', 'registered', 'dispatched', 'handled')
            AND (close_warn_at > $1 AND close_warn_at <= $2 OR close_due_at > $1 AND close_due_at <= $2
                 OR status <> 'handled' AND (handle_warn_at > $1 AND handle_warn_at <= $2 OR handle_due_at > $1 AND handle_due_at <= $2))
          LIMIT 5000`, [from, now]);
      if (rows.length > 0) await db.query(`SELECT bump_layer_version('incidents')`);
      for (const r of rows) events.publish('incident.light', r.jurisdiction_id, { id: r.id, light: r.light, lng: r.lng, lat: r.lat, gridCode: r.grid_code, gridCodes: r.grid_codes });
    } catch (err) {
      app.log.warn({ err }, 'incident light watcher failed');
    }
  };
  lightTicks.set(events, tick);
  app.addHook('onReady', async () => { timer = setInterval(() => void tick(), LIGHT_TICK_MS); timer.unref(); });
  app.addHook('onClose', async () => { if (timer) clearInterval(timer); });
}

