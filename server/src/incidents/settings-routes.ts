import type { FastifyInstance } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest, notFound, unprocessable } from '../core/errors.ts';
import { calendarProblem, limitProblem } from './calendar.ts';
import { CLASSES, loadSettings, mergeSettings } from './settings.ts';

const limit = { type: ['string', 'null'], pattern: '^[0-9]+(\\.[0-9]+)?(h|d|wh|wd)$' } as const;
const classLimits = { type: 'object', additionalProperties: false, properties: { handle: limit, close: { type: 'string', pattern: limit.pattern } } } as const;
const settingsBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    classes: { type: 'object', additionalProperties: false, properties: Object.fromEntries(CLASSES.map((c) => [c, classLimits])) },
    yellowShare: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    calendar: {
      type: 'object', additionalProperties: false,
      properties: {
        timeZone: { type: 'string', minLength: 1, maxLength: 64 },
        workdays: { type: 'array', uniqueItems: true, maxItems: 7, items: { type: 'integer', minimum: 1, maximum: 7 } },
        hours: { type: 'array', minItems: 1, maxItems: 6, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', pattern: '^[0-2][0-9]:[0-5][0-9]$' } } },
      },
    },
    assessment: {
      type: 'object', additionalProperties: false,
      properties: {
        weights: { type: 'object', additionalProperties: false, properties: Object.fromEntries(['closure', 'onTime', 'satisfaction', 'rework'].map((k) => [k, { type: 'number', minimum: 0 }])) },
        onTimeFull: { type: 'number', minimum: 0, maximum: 1 },
        onTimePenaltyPerPoint: { type: 'number', minimum: 0 },
        emergencyPenalty: { type: 'number', minimum: 0, maximum: 100 },
      },
    },
  },
} as const;

const dayRe = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/**
 * A jurisdiction's deadline rules: class limits, the yellow share, the business calendar
 * (time zone, working days and hours) and its exception days, and the assessment scheme.
 * New values apply to deadlines worked out from then on; existing cases keep theirs.
 */
export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  const jurisdictionOf = async (requested: number | undefined, userJid: number | null) => {
    const jid = userJid ?? requested;
    if (!jid) throw badRequest('jurisdiction_required', 'Say which jurisdiction: jurisdictionId');
    if (!(await db.query('SELECT 1 FROM jurisdictions WHERE id = $1', [jid])).rows.length) throw notFound('jurisdiction_not_found', `No jurisdiction ${jid}`);
    return jid;
  };

  app.get<{ Querystring: { jurisdictionId?: number } }>('/api/incidents/settings', {
    preHandler: requireRole(),
    schema: {
      tags: ['incidents'], summary: 'Deadline rules, calendar and assessment scheme of a jurisdiction (defaults merged)', security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdictionId: { type: 'integer' }, access_token: { type: 'string' } } },
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (request) => {
    const jid = await jurisdictionOf(request.query.jurisdictionId, request.user!.jurisdictionId);
    const r = await loadSettings(db, jid);
    return { jurisdictionId: jid, ...r.settings, calendar: r.calendar };
  });

  app.put<{ Querystring: { jurisdictionId?: number }; Body: Record<string, unknown> }>('/api/incidents/settings', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['incidents'], summary: 'Change a jurisdiction\'s deadline rules (admin); only the given fields change', security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdictionId: { type: 'integer' } } },
      body: settingsBody, response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (request) => {
    const jid = await jurisdictionOf(request.query.jurisdictionId, request.user!.jurisdictionId);
    return db.tx(async (q) => {
      const { rows } = await q.query<{ s: Record<string, unknown> | null }>("SELECT attributes->'incidents' AS s FROM jurisdictions WHERE id = $1 FOR UPDATE", [jid]);
      const raw = deepMergeRaw(rows[0].s ?? {}, request.body);
      const stored = mergeSettings(raw);
      const problem = calendarProblem({ ...stored.calendar, exceptions: {} });
      if (problem) throw unprocessable('bad_calendar', problem);
      for (const c of CLASSES) {
        const problem = limitProblem(stored.classes[c].close) ?? (stored.classes[c].handle !== null ? limitProblem(stored.classes[c].handle!) : null);
        if (problem) throw unprocessable('bad_limit', `Bad limit for class ${c}: ${problem}`, { class: c });
      }
      await q.query("UPDATE jurisdictions SET attributes = jsonb_set(attributes, '{incidents}', $2::jsonb) WHERE id = $1", [jid, JSON.stringify(raw)]);
      await audit(q, request.user, 'update', 'incident_settings', jid, request.body);
      const r = await loadSettings(q, jid);
      return { jurisdictionId: jid, ...r.settings, calendar: r.calendar };
    });
  });

  app.put<{ Params: { day: string }; Body: { working: boolean; name?: string; jurisdictionId?: number } }>('/api/incidents/calendar/:day', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['incidents'], summary: 'Mark a day as a holiday (working: false) or a make-up working day (working: true) (admin)', security: bearerSecurity,
      params: { type: 'object', properties: { day: { type: 'string', pattern: dayRe } } },
      body: { type: 'object', required: ['working'], additionalProperties: false, properties: { working: { type: 'boolean' }, name: { type: 'string', maxLength: 100 }, jurisdictionId: { type: 'integer', description: 'omit for a day that applies everywhere' } } },
      response: { 200: { type: 'object', properties: { day: { type: 'string' }, working: { type: 'boolean' }, name: { type: ['string', 'null'] }, jurisdictionId: { type: ['integer', 'null'] } } } },
    },
  }, async (request) => {
    const { day } = request.params;
    if (Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw badRequest('bad_day', `Not a date: ${day}`);
    const jid = request.user!.jurisdictionId ?? request.body.jurisdictionId ?? null;
    return db.tx(async (q) => {
      await q.query('DELETE FROM calendar_days WHERE COALESCE(jurisdiction_id, 0) = COALESCE($1::int, 0) AND day = $2::date', [jid, day]);
      await q.query('INSERT INTO calendar_days (jurisdiction_id, day, working, name) VALUES ($1, $2, $3, $4)', [jid, day, request.body.working, request.body.name ?? null]);
      await audit(q, request.user, 'update', 'calendar_day', day, { jurisdictionId: jid, working: request.body.working });
      return { day, working: request.body.working, name: request.body.name ?? null, jurisdictionId: jid };
    });
  });

  app.delete<{ Params: { day: string }; Querystring: { jurisdictionId?: number } }>('/api/incidents/calendar/:day', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['incidents'], summary: 'Remove a calendar exception (admin)', security: bearerSecurity,
      params: { type: 'object', properties: { day: { type: 'string', pattern: dayRe } } },
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdictionId: { type: 'integer' } } },
      response: { 204: { type: 'null' } },
    },
  }, async (request, reply) => {
    const jid = request.user!.jurisdictionId ?? request.query.jurisdictionId ?? null;
    const del = await db.query('DELETE FROM calendar_days WHERE COALESCE(jurisdiction_id, 0) = COALESCE($1::int, 0) AND day = $2::date', [jid, request.params.day]);
    if (!del.rowCount) throw notFound('day_not_found', `No calendar exception on ${request.params.day}`);
    return reply.status(204).send();
  });
}

/** Merges a partial settings body into the stored raw settings (objects deep, arrays replaced). */
function deepMergeRaw(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMergeRaw(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
