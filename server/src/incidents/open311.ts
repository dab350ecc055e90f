import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, HttpError, notFound } from '../core/errors.ts';
import { clock } from './clock.ts';
import { toWgs84 } from './coords.ts';
import { createIncident, SELECT_INCIDENT, type IncidentRow } from './repository.ts';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): categories as services,
 * incidents as service requests, JSON and XML, the form-encoded POST stock clients send, and
 * errors as `[{ code, description }]`. Anonymous reports are allowed, as the spec expects;
 * their contact details are stored as the private reporter contact.
 */
const BASE = '/open311/v2';
type Format = 'json' | 'xml';

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function toXml(root: string, item: string, rows: Record<string, unknown>[]): string {
  const field = (k: string, v: unknown) => (v === null || v === undefined ? `<${k}/>` : `<${k}>${xmlEscape(String(v))}</${k}>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${rows.map((r) => `<${item}>${Object.entries(r).map(([k, v]) => field(k, v)).join('')}</${item}>`).join('')}</${root}>\n`;
}

function send(reply: FastifyReply, format: Format, root: string, item: string, rows: Record<string, unknown>[], status = 200) {
  reply.status(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, item, rows));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(rows));
}

const OPEN = ['reported', 'registered', 'dispatched', 'handled', 'parked'];

interface Row extends IncidentRow { updated_at: Date; last_note: string | null }

function toRequest(r: Row): Record<string, unknown> {
  return {
    service_request_id: String(r.id),
    status: OPEN.includes(r.status) ? 'open' : 'closed',
    status_notes: r.status === 'rejected' ? r.reject_reason : r.last_note,
    service_name: r.category_name_en,
    service_code: r.category_code,
    description: r.description,
    agency_responsible: r.department_name_en ?? r.department_name,
    service_notice: null,
    requested_datetime: r.reported_at.toISOString(),
    updated_datetime: r.updated_at.toISOString(),
    expected_datetime: r.close_due_at?.toISOString() ?? null,
    address: r.grid_chain.map((c) => c.nameEn ?? c.name).join(', '),
    address_id: r.grid_code,
    zipcode: null,
    lat: r.lat,
    long: r.lng,
    media_url: null,
  };
}

interface RequestsQuery { service_request_id?: string; service_code?: string; start_date?: string; end_date?: string; status?: string; jurisdiction_id?: string }
interface PostBody {
  service_code?: string; lat?: number; long?: number; address_string?: string; description?: string; email?: string; phone?: string;
  first_name?: string; last_name?: string; jurisdiction_id?: string; api_key?: string; device_id?: string; account_id?: string; address_id?: string; media_url?: string;
}

const formatOf = (request: FastifyRequest): Format => (request.url.split('?')[0].endsWith('.xml') ? 'xml' : 'json');

export default async function open311Routes(app: FastifyInstance): Promise<void> {
  const { db, events } = app.wangge;

  // Stock clients POST application/x-www-form-urlencoded; this parser lives in this plugin only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
    done(null, out);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = err instanceof HttpError ? err.statusCode : err.validation ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'open311 request failed');
    const description = status >= 500 ? 'Internal server error' : err.message;
    return send(reply, formatOf(request), 'errors', 'error', [{ code: status, description }], status);
  });

  const tags = ['open311'];

  app.get(`${BASE}/discovery.json`, { schema: { tags, summary: 'Open311 discovery' } }, async (request) => ({
    changeset: '2026-11-23T00:00:00Z',
    contact: 'The operator of this Wangge server',
    key_service: 'Not required: anonymous requests are accepted',
    endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${request.protocol}://${request.host}${BASE}`, changeset: '2026-11-23T00:00:00Z', type: 'production', formats: ['application/json', 'text/xml'] }],
  }));

  for (const format of ['json', 'xml'] as const) {
    app.get<{ Querystring: { jurisdiction_id?: string; locale?: string } }>(`${BASE}/services.${format}`, {
      schema: { tags, summary: `Services (incident categories) as ${format.toUpperCase()}`, querystring: { type: 'object', properties: { jurisdiction_id: { type: 'string' }, locale: { type: 'string' } } } },
    }, async (request, reply) => {
      const zh = /^zh/i.test(request.query.locale ?? '');
      const { rows } = await db.query<{ code: string; name: string; name_en: string; group_name: string; group_en: string }>(
        `SELECT c.code, c.name, c.name_en, p.name AS group_name, p.name_en AS group_en FROM categories c JOIN categories p ON p.code = c.parent_code
          WHERE c.active AND p.active ORDER BY p.sort, c.sort, c.code`);
      return send(reply, format, 'services', 'service', rows.map((r) => ({
        service_code: r.code, service_name: zh ? r.name : r.name_en, description: zh ? `${r.group_name} · ${r.name}` : `${r.group_en}: ${r.name_en} (${r.name})`,
        metadata: false, type: 'realtime', keywords: [r.name, r.name_en].join(','), group: zh ? r.group_name : r.group_en,
      })));
    });

    app.get<{ Params: { code: string } }>(`${BASE}/services/:code.${format}`, { schema: { tags, summary: 'Service definition (no extra attributes)' } }, async (request, reply) => {
      const { rows } = await db.query('SELECT 1 FROM categories WHERE code = $1 AND active', [request.params.code]);
      if (!rows[0]) throw notFound('unknown_service', `No service "${request.params.code}"`);
      if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(`<?xml version="1.0" encoding="utf-8"?>\n<service_definition><service_code>${xmlEscape(request.params.code)}</service_code><attributes/></service_definition>\n`);
      return { service_code: request.params.code, attributes: [] };
    });

    app.get<{ Querystring: RequestsQuery }>(`${BASE}/requests.${format}`, {
      schema: {
        tags, summary: `Service requests (incidents) as ${format.toUpperCase()}; default the last 90 days, at most 1000`,
        querystring: { type: 'object', properties: { service_request_id: { type: 'string' }, service_code: { type: 'string' }, start_date: { type: 'string', format: 'date-time' }, end_date: { type: 'string', format: 'date-time' }, status: { type: 'string', enum: ['open', 'closed', 'open,closed', 'closed,open'] }, jurisdiction_id: { type: 'string', pattern: '^[0-9]+$' } } },
      },
    }, async (request, reply) => {
      const q = request.query;
      const params: unknown[] = [clock.now()];
      const where: string[] = [];
      const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
      if (q.service_request_id) {
        const ids = q.service_request_id.split(',').map((s) => s.trim());
        if (!ids.every((s) => /^[0-9]{1,15}$/.test(s))) throw badRequest('bad_id', 'service_request_id must be numbers, comma-separated');
        where.push(`i.id = ANY(${p(ids.map(Number))}::bigint[])`);
      } else {
        const end = q.end_date ? new Date(q.end_date) : clock.now();
        const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - 90 * 86400_000);
        where.push(`i.reported_at >= ${p(start)} AND i.reported_at <= ${p(end)}`);
        if (q.service_code) {
          // An unknown service answered [] like a known one with no requests: name it instead.
          const codes = q.service_code.split(',').map((c) => c.trim());
          const { rows: unknown } = await db.query<{ c: string }>('SELECT c FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM categories WHERE code = c)', [codes]);
          if (unknown.length > 0) throw badRequest('unknown_service', `No service ${unknown.map((r) => `"${r.c}"`).join(', ')}; see services.json`);
          where.push(`i.category_code = ANY(${p(codes)}::text[])`);
        }
        if (q.status === 'open') where.push(`i.status = ANY(${p(OPEN)}::text[])`);
        if (q.status === 'closed') where.push(`NOT (i.status = ANY(${p(OPEN)}::text[]))`);
      }
      if (q.jurisdiction_id) where.push(`i.jurisdiction_id = ${p(Number(q.jurisdiction_id))}`);
      const rows = await requests(where, params, 1000);
      return send(reply, format, 'service_requests', 'request', rows.map(toRequest));
    });

    app.post<{ Body: PostBody }>(`${BASE}/requests.${format}`, {
      schema: {
        tags, summary: 'Create a service request (an incident with source open311); form-encoded or JSON',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: {
          type: 'object', additionalProperties: false,
          properties: {
            service_code: { type: 'string', maxLength: 20 }, lat: { type: 'number' }, long: { type: 'number' }, address_string: { type: 'string', maxLength: 500 },
            address_id: { type: 'string', maxLength: 100 }, description: { type: 'string', maxLength: 4000 }, email: { type: 'string', maxLength: 200 },
            phone: { type: 'string', maxLength: 60 }, first_name: { type: 'string', maxLength: 100 }, last_name: { type: 'string', maxLength: 100 },
            device_id: { type: 'string', maxLength: 200 }, account_id: { type: 'string', maxLength: 200 }, api_key: { type: 'string', maxLength: 200 },
            jurisdiction_id: { type: 'string', maxLength: 20 }, media_url: { type: 'string', maxLength: 2000 },
          },
        },
      },
    }, async (request, reply) => {
      const b = request.body ?? {};
      if (!b.service_code) throw badRequest('missing_service_code', 'service_code is required');
      if (b.lat === undefined || b.long === undefined) throw badRequest('missing_location', b.address_string ? 'address_string alone is not supported: send lat and long' : 'lat and long are required');
      const { lng, lat } = toWgs84(b.long, b.lat, 'WGS84');
      const contact = [[b.first_name, b.last_name].filter(Boolean).join(' '), b.email, b.phone].filter(Boolean).join('; ') || undefined;
      const jid = b.jurisdiction_id && /^[0-9]+$/.test(b.jurisdiction_id) ? Number(b.jurisdiction_id) : undefined;
      const key = (request.headers['idempotency-key'] as string | undefined) ?? undefined;
      const now = clock.now();
      const result = await db.tx((q) => createIncident(q, { lng, lat, category: b.service_code!, description: b.description ?? '', source: 'open311', reporterContact: contact, jurisdictionId: jid, idempotencyKey: key }, request.user, now));
      if (!result.replay) events.publish('incident.created', result.jurisdictionId, { id: result.id, status: 'reported', category: b.service_code, lng, lat, source: 'open311', gridCode: result.gridCodes.at(-1) ?? null, gridCodes: result.gridCodes });
      return send(reply, format, 'service_requests', 'request', [{ service_request_id: String(result.id), service_notice: null, account_id: null }], result.replay ? 200 : 201);
    });
  }

  app.get<{ Params: { file: string } }>(`${BASE}/requests/:file`, { schema: { tags, summary: 'One service request: /requests/<id>.json or .xml' } }, async (request, reply) => {
    const m = /^([0-9]{1,15})\.(json|xml)$/.exec(request.params.file);
    if (!m) throw notFound('not_found', 'Use /open311/v2/requests/<id>.json or .xml');
    const rows = await requests(['i.id = $2'], [clock.now(), Number(m[1])], 1);
    if (!rows[0]) throw notFound('not_found', `No service request ${m[1]}`);
    return send(reply, m[2] as Format, 'service_requests', 'request', rows.map(toRequest));
  });

  async function requests(where: string[], params: unknown[], limit: number): Promise<Row[]> {
    const { rows } = await db.query<Row>(
      `SELECT x.*, COALESCE(h.at, x.reported_at) AS updated_at, h.note AS last_note
         FROM (${SELECT_INCIDENT} WHERE ${where.join(' AND ')} ORDER BY i.reported_at DESC, i.id DESC LIMIT ${limit}) x
         LEFT JOIN LATERAL (SELECT at, note FROM incident_history WHERE incident_id = x.id ORDER BY id DESC LIMIT 1) h ON true
        ORDER BY x.reported_at DESC, x.id DESC`, params);
    return rows;
  }
}
