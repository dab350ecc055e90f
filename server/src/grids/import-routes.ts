import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest, HttpError, notFound } from '../core/errors.ts';
import { registerUploads } from '../core/uploads.ts';
import { parseLanduseList } from '../osm/classify.ts';
import { parseCrs } from './crs.ts';
import { assertPbf, readFile, runImport, type ImportKind, type ImportOptions, type OsmJobOptions } from './import-job.ts';
import { anyObject, errorRef } from './schemas.ts';

const FIELD_NAMES = ['codeField', 'nameField', 'nameEnField', 'parentField', 'householdsField', 'populationField', 'kindField', 'classField', 'wktField', 'lngField', 'latField', 'layer'] as const;
const KNOWN = new Set<string>(['kind', 'jurisdiction', 'tier', 'parent', 'crs', 'onReject', 'acceptWarnings', 'replaceChildren', 'category', 'timeZone', 'status', 'name', 'nameEn', 'tiers', 'codePrefix', 'householdsMin', 'householdsMax', 'minBuildingShare', 'nonResidentialLanduse', ...FIELD_NAMES]);

const job = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, kind: { type: 'string' }, status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    jurisdictionId: { type: ['integer', 'null'] }, fileName: { type: ['string', 'null'] },
    options: anyObject, progress: anyObject, report: anyObject, error: { anyOf: [anyObject, { type: 'null' }] },
    createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
  },
} as const;

const bool = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest('bad_field', `${name} is true or false`);
};

/** Builds the job options from the multipart form fields, refusing anything unknown or malformed. */
export function importOptions(fields: Record<string, string>): ImportOptions {
  for (const k of Object.keys(fields)) if (!KNOWN.has(k)) throw badRequest('unknown_field', `Unknown form field "${k}"`);
  const kind = fields.kind;
  if (kind === 'osm') return { kind: 'osm', jurisdictionId: 0, crs: { kind: 'wgs84' }, onReject: 'fail', acceptWarnings: false, replaceChildren: true, osm: osmOptions(fields) };
  if (kind !== 'grids' && kind !== 'households' && kind !== 'barriers' && kind !== 'incidents') throw badRequest('bad_kind', 'kind is grids, households, barriers, incidents or osm');
  if (fields.status !== undefined && fields.status !== 'closed' && fields.status !== 'reported') throw badRequest('bad_field', 'status is closed or reported');
  const jurisdictionId = Number(fields.jurisdiction);
  if (!Number.isInteger(jurisdictionId) || jurisdictionId <= 0) throw badRequest('jurisdiction_required', 'jurisdiction=<id> is required');
  const tier = fields.tier === undefined ? undefined : Number(fields.tier);
  if (tier !== undefined && !(Number.isInteger(tier) && tier >= 1 && tier <= 5)) throw badRequest('bad_field', 'tier is 1–5');
  const onReject = fields.onReject ?? 'fail';
  if (onReject !== 'fail' && onReject !== 'skip') throw badRequest('bad_field', 'onReject is fail or skip');
  const opts: ImportOptions = {
    kind: kind as ImportKind, jurisdictionId, crs: parseCrs(fields.crs), tier, parent: fields.parent || null, onReject,
    acceptWarnings: bool(fields.acceptWarnings, 'acceptWarnings') ?? false, replaceChildren: bool(fields.replaceChildren, 'replaceChildren') ?? true,
  };
  for (const f of FIELD_NAMES) if (fields[f]) opts[f] = fields[f];
  if (fields.category) opts.category = fields.category;
  if (fields.timeZone) opts.timeZone = fields.timeZone;
  if (fields.status) opts.status = fields.status as 'closed' | 'reported';
  return opts;
}

/** kind=osm makes a new jurisdiction from an OSM PBF extract through the foundation's importer. */
function osmOptions(fields: Record<string, string>): OsmJobOptions {
  if (!fields.name) throw badRequest('name_required', 'kind=osm makes a new jurisdiction: give its name');
  let tiers: unknown;
  try { tiers = JSON.parse(fields.tiers ?? ''); } catch { throw badRequest('bad_tiers', 'tiers is a JSON array like [{"adminLevel":8,"name":"市","nameEn":"Commune"},{"adminLevel":10,"name":"社区","nameEn":"Quarter"},{"name":"网格","nameEn":"Unit grid"}]'); }
  const ok = Array.isArray(tiers) && tiers.length >= 2 && tiers.length <= 5 && tiers.every((t) => t && typeof t.name === 'string' && typeof t.nameEn === 'string'
    && (t.adminLevel === undefined || (Number.isInteger(t.adminLevel) && t.adminLevel >= 1 && t.adminLevel <= 12)));
  if (!ok || (tiers as { adminLevel?: number }[])[0].adminLevel === undefined) {
    throw badRequest('bad_tiers', 'tiers: 2–5 of { name, nameEn, adminLevel? }, the first with the OSM admin_level that fills it');
  }
  const n = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) throw badRequest('bad_field', `${name} is a whole number`);
    return x;
  };
  if (fields.codePrefix !== undefined && !/^[0-9A-Za-z]{0,20}$/.test(fields.codePrefix)) throw badRequest('bad_field', 'codePrefix is up to 20 letters or digits');
  const share = fields.minBuildingShare === undefined ? undefined : Number(fields.minBuildingShare);
  if (share !== undefined && !(share >= 0 && share <= 1)) throw badRequest('bad_field', 'minBuildingShare is between 0 and 1');
  return { name: fields.name, nameEn: fields.nameEn, tiers: tiers as OsmJobOptions['tiers'], codePrefix: fields.codePrefix ?? '', householdsMin: n(fields.householdsMin, 'householdsMin'), householdsMax: n(fields.householdsMax, 'householdsMax'), minBuildingShare: share, nonResidentialLanduse: landuseField(fields.nonResidentialLanduse) };
}

function landuseField(v: string | undefined): string[] | undefined {
  try {
    return parseLanduseList(v);
  } catch (err) {
    throw badRequest('bad_field', `nonResidentialLanduse: ${(err as Error).message}`);
  }
}



export default async function importRoutes(app: FastifyInstance): Promise<void> {
  await registerUploads(app);
  const { db } = app.wangge;

  app.post('/api/imports', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['imports'], security: bearerSecurity, consumes: ['multipart/form-data'],
      summary: 'Start an import job (multipart: file + kind, jurisdiction, tier, parent, crs, category, timeZone, status, codeField, nameField, parentField, householdsField, populationField, kindField, classField, wktField, lngField, latField, onReject, acceptWarnings, replaceChildren)',
      description: 'GeoJSON (.geojson/.json), CSV with a WKT column or lon/lat columns, zipped Shapefile (.zip) or GeoPackage (.gpkg; layer= picks the table). Features are validated first, then written in one transaction; the report lists every rejected feature with its reason. Poll GET /api/imports/:id.',
      response: { 202: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, status: { type: 'string' } } }, 400: errorRef, 404: errorRef, 413: errorRef, 422: errorRef },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw badRequest('not_multipart', 'Send multipart/form-data with a file part named "file"');
    const fields: Record<string, string> = {};
    let file: { name: string; data: Buffer } | null = null;
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badRequest('unknown_field', `Unknown file field "${part.fieldname}"; the file goes in "file"`);
        try {
          file = { name: part.filename ?? 'upload', data: await part.toBuffer() };
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            const mb = app.wangge.config.WANGGE_UPLOAD_LIMIT_MB;
            throw new HttpError(413, 'file_too_large', `${part.filename ?? 'The file'} is larger than the upload limit of ${mb} MB (WANGGE_UPLOAD_LIMIT_MB); split it or raise the limit`, { limitMb: mb });
          }
          throw err;
        }
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!file) throw badRequest('file_required', 'No file part named "file"');
    const opts = importOptions(fields);
    if (opts.kind !== 'osm') {
      const { rows: j } = await db.query('SELECT 1 FROM jurisdictions WHERE id = $1', [opts.jurisdictionId]);
      if (j.length === 0) throw notFound('jurisdiction_not_found', `No jurisdiction ${opts.jurisdictionId}`);
    }
    // A grids/households/barriers file is read now: a file that is not what its name says, empty,
    // or unreadable is answered 4xx here and no job is made. Feature-level problems (a bad row,
    // a geometry PostGIS cannot read) are the job's report, with each row's number.
    // An OSM extract is checked block by block too (a non-PBF file crashed osm-read, and the server).
    if (opts.kind === 'osm') assertPbf(file);
    const read = opts.kind === 'incidents' || opts.kind === 'osm' ? undefined : await readFile(file, opts);
    const { rows } = await db.query<{ id: number }>(
      'INSERT INTO import_jobs (jurisdiction_id, kind, file_name, options, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [opts.kind === 'osm' ? null : opts.jurisdictionId, opts.kind, file.name, JSON.stringify({ ...fields }), request.user?.id ?? null]);
    const id = rows[0].id;
    const user = request.user;
    // The job runs after the answer; its status, progress and report are in GET /api/imports/:id.
    setImmediate(() => {
      runImport(db, id, file!, opts, user, app.wangge.config, read).catch((err) => app.log.error({ err, importJob: id }, 'import job failed'));
    });
    return reply.status(202).send({ id, status: 'queued' });
  });

  app.get<{ Params: { id: number } }>('/api/imports/:id', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['imports'], security: bearerSecurity, summary: 'An import job: status, progress and report (rejected features with reasons)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
      response: { 200: job, 404: errorRef },
    },
  }, async (request) => {
    const { rows } = await db.query(
      `SELECT id, kind, status, jurisdiction_id AS "jurisdictionId", file_name AS "fileName", options, progress, report, error,
              created_at AS "createdAt", finished_at AS "finishedAt" FROM import_jobs WHERE id = $1`, [request.params.id]);
    if (!rows[0]) throw notFound('import_not_found', `No import job ${request.params.id}`);
    return rows[0];
  });
}
