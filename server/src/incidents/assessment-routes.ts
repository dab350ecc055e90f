import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { sqlFile } from '../core/db.ts';
import { badRequest } from '../core/errors.ts';
import { figures, rank, toCsv, type Counts } from './assessment.ts';
import { clock } from './clock.ts';
import { DEFAULT_SETTINGS, loadSettings } from './settings.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

/** The group key and its display name per `by`: fixed expressions, never from the request. */
const GROUPS = {
  grid: {
    key: `CASE WHEN $4::int IS NULL THEN i.grid_code ELSE (SELECT e->>'code' FROM jsonb_array_elements(gc.chain) e WHERE (e->>'tier')::int = $4::int LIMIT 1) END`,
    name: `CASE WHEN $4::int IS NULL THEN gc.chain->-1->>'name' ELSE (SELECT e->>'name' FROM jsonb_array_elements(gc.chain) e WHERE (e->>'tier')::int = $4::int LIMIT 1) END`,
  },
  department: { key: 'd.code', name: 'd.name' },
  officer: { key: 'u.id::text', name: 'u.username' },
  tier: { key: 'COALESCE(i.closed_tier, i.tier)::text', name: 't.name' },
} as const;

type By = keyof typeof GROUPS;
interface Query { by: By; from: string; to: string; tier?: number; jurisdictionId?: number; format: 'json' | 'csv' }

const figureProps: Record<string, object> = { key: { type: ['string', 'null'] }, name: { type: ['string', 'null'] }, rank: { type: ['integer', 'null'] } };
for (const k of ['due', 'closed', 'onTime', 'reworked', 'extended', 'parked', 'emergencyDue', 'emergencyClosed', 'yellow', 'red']) figureProps[k] = { type: 'integer' };
for (const k of ['closureRate', 'onTimeRate', 'reworkRate', 'extensionRate', 'avgHandlingHours', 'avgSatisfaction', 'score']) figureProps[k] = { type: ['number', 'null'] };
const figuresOut = { type: 'object', properties: figureProps };

export default async function assessmentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  app.get<{ Querystring: Query }>('/api/assessment', {
    preHandler: requireRole('analyst', 'dispatcher'),
    schema: {
      tags: ['incidents'], summary: 'Assessment (管理考核) per grid, department, officer or tier: due, closed, on time, rates, score and ranking; format=csv', security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false, required: ['from', 'to'],
        properties: {
          by: { type: 'string', enum: Object.keys(GROUPS), default: 'grid' },
          from: { type: 'string', format: 'date-time', description: 'deadlines at or after (ISO date-time)' },
          to: { type: 'string', format: 'date-time', description: 'deadlines before' },
          tier: { type: 'integer', minimum: 1, maximum: 5, description: 'by=grid: group by the grid of this tier (default: the smallest grid)' },
          jurisdictionId: { type: 'integer' }, format: { type: 'string', enum: ['json', 'csv'], default: 'json' }, access_token: { type: 'string' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: { by: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, total: figuresOut, rows: { type: 'array', items: figuresOut } },
        },
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    // The schema's date-time format takes year 0000, which PostgreSQL refuses mid-query (a 500).
    for (const key of ['from', 'to'] as const) if (!isIsoDateTime(q[key].toUpperCase())) throw badRequest('invalid_date', `"${key}" must be a real date-time (got "${q[key]}")`);
    if (Date.parse(q.from) >= Date.parse(q.to)) throw badRequest('bad_period', '"from" must be before "to"');
    const jid = request.user?.jurisdictionId ?? q.jurisdictionId ?? null;
    const scheme = jid ? (await loadSettings(db, jid)).settings.assessment : DEFAULT_SETTINGS.assessment;
    const sql = sqlFile(import.meta.url, 'sql/assessment.sql');
    const run = (key: string, name: string) => db.query<Counts>(sql.replace('{{KEY}}', key).replace('{{NAME}}', name), [jid, q.from, q.to, q.by === 'grid' ? q.tier ?? null : null, clock.now()]);
    const { rows } = await run(GROUPS[q.by].key, GROUPS[q.by].name);
    const [total] = (await run("'total'", "'total'")).rows;
    const ranked = rank(rows.map((r) => figures(r, scheme)));
    const totals = figures(total ?? { key: 'total', name: 'total', due: 0, closed: 0, on_time: 0, reworked: 0, extended: 0, parked: 0, avg_hours: null, avg_satisfaction: null, emergency_due: 0, emergency_closed: 0 }, scheme);
    if (q.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="assessment-${q.by}.csv"`).send(toCsv(ranked));
    }
    return { by: q.by, from: q.from, to: q.to, total: totals, rows: ranked };
  });
}
