import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest, HttpError, notFound } from '../core/errors.ts';
import { registerUploads } from '../core/uploads.ts';
import { isTimeZone } from './calendar.ts';
import { importCsv, importGeoJson, type ImportOptions, type ImportReport } from './import.ts';
import { loadSettings } from './settings.ts';

interface Query { jurisdictionId?: number; category?: string; timeZone?: string; status: 'closed' | 'reported'; skipInvalid: boolean; format?: 'csv' | 'geojson' }

/**
 * `POST /api/incidents/import`: historical incidents from CSV (streamed) or GeoJSON, as a raw
 * body (text/csv, application/geo+json) or a multipart upload (field "file"). Progress goes
 * out on the live stream as `incident.import` events.
 */
const tooLarge = (name: string | undefined, mb: number) =>
  new HttpError(413, 'file_too_large', `${name || 'The file'} is larger than the upload limit of ${mb} MB (WANGGE_UPLOAD_LIMIT_MB); split it or raise the limit`, { limitMb: mb });

export default async function importRoutes(app: FastifyInstance): Promise<void> {
  await registerUploads(app);
  const { db, events, config } = app.wangge;
  const limit = Math.round(config.WANGGE_UPLOAD_LIMIT_MB * 1024 * 1024);
  // A CSV body is handed on as the raw stream: it is parsed as it arrives, never held whole.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));
  app.addContentTypeParser('application/geo+json', { parseAs: 'string', bodyLimit: limit }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: Query }>('/api/incidents/import', {
    preHandler: requireRole('dispatcher'),
    bodyLimit: limit,
    schema: {
      tags: ['incidents'], summary: 'Import historical incidents from CSV or GeoJSON (dispatcher); one transaction', security: bearerSecurity,
      consumes: ['text/csv', 'application/geo+json', 'multipart/form-data'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          jurisdictionId: { type: 'integer' }, category: { type: 'string', maxLength: 20, description: 'for rows without a category column' },
          timeZone: { type: 'string', description: 'zone of times without an offset (default: the jurisdiction calendar\'s)' },
          status: { type: 'string', enum: ['closed', 'reported'], default: 'closed' }, skipInvalid: { type: 'boolean', default: false },
          format: { type: 'string', enum: ['csv', 'geojson'], description: 'for multipart uploads whose file name does not say' },
        },
      },
      response: {
        200: { type: 'object', properties: { rows: { type: 'integer' }, imported: { type: 'integer' }, located: { type: 'integer' }, skipped: { type: 'integer' }, seconds: { type: 'number' }, bulk: { type: 'boolean' }, rebuiltIndexes: { type: 'boolean' }, keysOnce: { type: 'boolean' }, timings: { type: 'object', properties: { read: { type: 'number' }, locate: { type: 'number' }, write: { type: 'number' }, counts: { type: 'number' }, indexes: { type: 'number' } } }, errors: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, reason: { type: 'string' } } } } } },
      },
    },
  }, async (request) => {
    const q = request.query;
    const jid = request.user!.jurisdictionId ?? q.jurisdictionId;
    if (!jid) throw badRequest('jurisdiction_required', 'Say which jurisdiction: ?jurisdictionId=');
    if (!(await db.query('SELECT 1 FROM jurisdictions WHERE id = $1', [jid])).rows.length) throw notFound('jurisdiction_not_found', `No jurisdiction ${jid}`);
    const timeZone = q.timeZone ?? (await loadSettings(db, jid)).calendar.timeZone;
    if (!isTimeZone(timeZone)) throw badRequest('bad_time_zone', `Unknown time zone "${timeZone}"`);
    const started = Date.now();
    const opts: ImportOptions = {
      jurisdictionId: jid, category: q.category, timeZone, status: q.status, skipInvalid: q.skipInvalid,
      onProgress: (done, read) => events.publish('incident.import', jid, { done, read, by: request.user!.username }),
    };
    let run: (tx: Parameters<Parameters<typeof db.tx>[0]>[0]) => Promise<ImportReport>;
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (request.isMultipart()) {
      const file = await request.file();
      if (!file) throw badRequest('no_file', 'No file in the request: send it in the field "file"');
      const format = q.format ?? (/\.(geo)?json$/i.test(file.filename) ? 'geojson' : 'csv');
      if (format === 'geojson') {
        const buf = await file.toBuffer().catch((err: { code?: string }) => {
          throw err.code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge(file.filename, config.WANGGE_UPLOAD_LIMIT_MB) : err;
        });
        const text = buf.toString('utf8');
        run = (tx) => importGeoJson(tx, text, opts);
      } else {
        // Over the limit the part just ends, cut short: say so before the cut last line is read.
        const stream = file.file;
        const name = file.filename;
        run = (tx) => importCsv(tx, (async function* () {
          for await (const chunk of stream) yield chunk as Buffer;
          if (stream.truncated) throw tooLarge(name, config.WANGGE_UPLOAD_LIMIT_MB);
        })(), opts);
      }
    } else if (type === 'text/csv' || type === 'application/csv') {
      run = (tx) => importCsv(tx, request.body as Readable, opts);
    } else if (type === 'application/geo+json') {
      run = (tx) => importGeoJson(tx, request.body as string, opts);
    } else {
      throw new HttpError(415, 'unsupported_media_type', 'Send text/csv, application/geo+json or a multipart upload');
    }
    const report = await db.tx(async (tx) => {
      const r = await run(tx);
      await audit(tx, request.user, 'import', 'incidents', null, { jurisdictionId: jid, imported: r.imported, skipped: r.skipped });
      return r;
    });
    events.publish('incident.import', jid, { done: report.imported, read: report.rows, finished: true, by: request.user!.username });
    return { ...report, seconds: (Date.now() - started) / 1000 };
  });
}
