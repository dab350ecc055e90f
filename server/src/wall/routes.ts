import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { sqlFile } from '../core/db.ts';
import { audit } from '../core/audit.ts';
import { badRequest, notFound } from '../core/errors.ts';

const SQL = {
  summary: sqlFile(import.meta.url, 'sql/summary.sql'),
  series: sqlFile(import.meta.url, 'sql/series.sql'),
  ticker: sqlFile(import.meta.url, 'sql/ticker.sql'),
  rankGrids: sqlFile(import.meta.url, 'sql/rank-grids.sql'),
  rankDepartments: sqlFile(import.meta.url, 'sql/rank-departments.sql'),
};

const READERS = ['viewer', 'officer', 'dispatcher', 'analyst', 'planner'] as const;
// Many walls may poll the same figures; they are at most this old.
const SUMMARY_TTL_MS = 5_000;

interface SummaryQuery { jurisdictionId?: number; area?: string; tz?: string; rankTier?: number }

const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 100 : null);

/** The command-centre wall: one summary of the figures a wall shows, and kiosk tokens. */
export default async function wallRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  const cache = new LRUCache<string, object>({ max: 500, ttl: SUMMARY_TTL_MS });

  app.get<{ Querystring: SummaryQuery }>('/api/wall/summary', {
    preHandler: requireRole(...READERS),
    schema: {
      tags: ['wall'],
      summary: "The wall's figures: KPIs, the last 30 days, the latest incidents, grid and department rankings",
      security: bearerSecurity,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          jurisdictionId: { type: 'integer', minimum: 1 },
          area: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$', description: 'A grid code of any tier; kiosk tokens limited to an area always get theirs' },
          tz: { type: 'string', maxLength: 64, default: 'UTC', description: 'IANA time zone that decides "today"' },
          rankTier: { type: 'integer', minimum: 1, maximum: 5, description: 'Tier of the grids ranked (default: the one below the area, else the lowest)' },
          access_token: { type: 'string' },
        },
      },
    },
  }, async (request) => {
    const user = request.user!;
    const area = user.area ?? request.query.area ?? null;
    const jid = await jurisdictionOf(user.jurisdictionId ?? request.query.jurisdictionId ?? null, area);
    const tz = request.query.tz ?? 'UTC';
    const { rows: tzOk } = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS ok', [tz]);
    if (!tzOk[0].ok) throw badRequest('unknown_time_zone', `Unknown time zone "${tz}"; use an IANA name such as Asia/Shanghai`);
    const rankTier = request.query.rankTier ?? (await defaultRankTier(jid, area));
    const key = JSON.stringify([jid, area, tz, rankTier]);
    const hit = cache.get(key);
    if (hit) return hit;

    const [summary, series, ticker, grids, departments] = await Promise.all([
      db.query(SQL.summary, [jid, area, tz]),
      db.query(SQL.series, [jid, area, tz]),
      db.query(SQL.ticker, [jid, area, 20]),
      db.query(SQL.rankGrids, [jid, area, rankTier, 10]),
      db.query(SQL.rankDepartments, [jid, area, 10]),
    ]);
    const k = summary.rows[0] as { reported_today: number; open: number; overdue: number; warning: number; due_30d: number; closed_30d: number; on_time_30d: number; satisfaction_30d: number | null };
    const body = {
      jurisdictionId: jid,
      area,
      rankTier,
      generatedAt: new Date().toISOString(),
      kpis: {
        reportedToday: k.reported_today,
        open: k.open,
        overdue: k.overdue,
        warning: k.warning,
        due30d: k.due_30d,
        closureRate: pct(k.closed_30d, k.due_30d),
        onTimeRate: pct(k.on_time_30d, k.due_30d),
        satisfaction: k.satisfaction_30d,
      },
      series: series.rows,
      ticker: ticker.rows,
      gridRanking: grids.rows,
      departmentRanking: departments.rows,
    };
    cache.set(key, body);
    return body;
  });

  async function jurisdictionOf(wanted: number | null, area: string | null): Promise<number> {
    const { rows } = await db.query<{ id: number }>(
      `SELECT j.id FROM jurisdictions j
        WHERE ($1::int IS NULL OR j.id = $1)
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM grids g WHERE g.jurisdiction_id = j.id AND g.code = $2 AND g.valid_to IS NULL))
        ORDER BY j.id LIMIT 1`, [wanted, area]);
    if (!rows[0]) throw notFound(area ? 'unknown_area' : 'unknown_jurisdiction', area ? `No current grid has the code ${area}` : 'No such jurisdiction');
    return rows[0].id;
  }

  async function defaultRankTier(jid: number, area: string | null): Promise<number> {
    const { rows } = await db.query<{ tier: number }>(
      `SELECT COALESCE(
         (SELECT min(c.tier) FROM grids c WHERE c.jurisdiction_id = $1 AND c.valid_to IS NULL AND $2::text IS NOT NULL AND c.parent_code = $2),
         (SELECT max(tier) FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL AND tier <= 2 AND $2::text IS NULL),
         (SELECT max(tier) FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL), 1) AS tier`, [jid, area]);
    return rows[0].tier;
  }

  const kioskOut = {
    type: 'object',
    properties: { id: { type: 'string' }, name: { type: 'string' }, area: { type: ['string', 'null'] }, url: { type: 'string' }, token: { type: 'string' }, createdAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] } },
  };

  app.post<{ Body: { name: string; area?: string } }>('/api/kiosk-tokens', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['wall'],
      summary: 'A long-lived read-only token for a wall; its url opens the wall signed in as a viewer (limited to the area when given)',
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, area: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$' } },
      },
      response: { 201: kioskOut },
    },
  }, async (request, reply) => {
    const { name, area } = request.body;
    if (area) await jurisdictionOf(null, area);
    const out = await db.tx(async (q) => {
      const token = await app.wangge.tokens.issue(q, request.user!.id, { kind: 'kiosk', name, area: area ?? null });
      const { rows } = await q.query<{ id: string; created_at: Date }>(
        "SELECT left(token_sha256, 16) AS id, created_at FROM auth_tokens WHERE token_sha256 = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [token]);
      await audit(q, request.user, 'create', 'kiosk_token', rows[0].id, { name, area: area ?? null });
      return { id: rows[0].id, name, area: area ?? null, token, url: wallUrl(token, area), createdAt: rows[0].created_at.toISOString(), revokedAt: null };
    });
    return reply.status(201).send(out);
  });

  app.get('/api/kiosk-tokens', {
    preHandler: requireRole('admin'),
    schema: { tags: ['wall'], summary: 'The kiosk tokens (without their secrets)', security: bearerSecurity, response: { 200: { type: 'object', properties: { items: { type: 'array', items: kioskOut } } } } },
  }, async () => {
    const { rows } = await db.query<{ id: string; name: string; area: string | null; created_at: Date; revoked_at: Date | null }>(
      "SELECT left(token_sha256, 16) AS id, name, area, created_at, revoked_at FROM auth_tokens WHERE kind = 'kiosk' ORDER BY created_at DESC");
    return { items: rows.map((r) => ({ id: r.id, name: r.name, area: r.area, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null })) };
  });

  app.delete<{ Params: { id: string } }>('/api/kiosk-tokens/:id', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['wall'], summary: 'Revokes a kiosk token: it stops working within a minute (token checks are cached for 30 s)', security: bearerSecurity,
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } },
    },
  }, async (request, reply) => {
    const revoked = await db.tx(async (q) => {
      const { rows } = await q.query<{ n: number }>(
        "UPDATE auth_tokens SET revoked_at = now() WHERE kind = 'kiosk' AND left(token_sha256, 16) = $1 AND revoked_at IS NULL RETURNING 1 AS n", [request.params.id]);
      if (rows.length > 0) await audit(q, request.user, 'revoke', 'kiosk_token', request.params.id);
      return rows.length;
    });
    if (revoked === 0) throw notFound('unknown_kiosk_token', `No live kiosk token ${request.params.id}`);
    return reply.status(204).send();
  });
}

function wallUrl(token: string, area: string | undefined): string {
  const params = new URLSearchParams({ kiosk: token });
  if (area) params.set('area', area);
  return `/wall?${params.toString()}`;
}
