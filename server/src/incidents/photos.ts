import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { badRequest, HttpError, notFound, unprocessable } from '../core/errors.ts';
import { registerUploads } from '../core/uploads.ts';
import { clock } from './clock.ts';
import { appendHistory, getIncidentRow } from './repository.ts';
import { idParams } from './schemas.ts';

/** Photos larger than this are refused (413), whatever the server's general upload limit. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTOS_PER_INCIDENT = 20;

/** Allowed types, recognised by their first bytes: the declared content type is not trusted. */
const SIGNATURES: { type: 'image/jpeg' | 'image/png' | 'image/webp'; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/png', ext: 'png', test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/webp', ext: 'webp', test: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

export function sniffImage(b: Buffer): (typeof SIGNATURES)[number] | null {
  return SIGNATURES.find((s) => s.test(b)) ?? null;
}

/**
 * Whether an image of a recognised type is whole: a PNG holds its IEND chunk, a WebP is at least
 * as long as its RIFF size says, a JPEG holds its end-of-image marker (FF D9). The first bytes
 * alone let a photo cut off by a dropped mobile upload, or a signature followed by junk, be
 * stored as a photo (probe of 2026-12-01). Lenient about data after the end (phones append
 * trailers); not a decoder.
 */
export function imageIsWhole(type: (typeof SIGNATURES)[number]['type'], b: Buffer): boolean {
  if (type === 'image/png') return b.length >= 45 && b.readUInt32BE(8) === 13 && b.toString('latin1', 12, 16) === 'IHDR' && b.indexOf(PNG_IEND, 33) >= 0;
  if (type === 'image/webp') return b.readUInt32LE(4) + 8 <= b.length;
  // Anywhere, not only at the end: phones append data after it (Samsung's trailer, the video of a
  // Motion Photo), and in the compressed data an FF is always stuffed (FF 00), so FF D9 is a marker.
  return b.indexOf(JPEG_EOI, 2) >= 0;
}

const PNG_IEND = Buffer.from('0000000049454e44ae426082', 'hex');
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

export async function photoList(q: Queryable, incidentId: number): Promise<{ id: number; contentType: string; bytes: number; url: string; createdAt: string }[]> {
  const { rows } = await q.query<{ id: number; content_type: string; bytes: number; created_at: Date }>('SELECT id, content_type, bytes, created_at FROM incident_photos WHERE incident_id = $1 ORDER BY id', [incidentId]);
  return rows.map((r) => ({ id: r.id, contentType: r.content_type, bytes: r.bytes, url: `/api/incidents/${incidentId}/photos/${r.id}`, createdAt: r.created_at.toISOString() }));
}

export default async function photoRoutes(app: FastifyInstance): Promise<void> {
  await registerUploads(app);
  const { db, config } = app.wangge;
  // Files live under the data directory by content hash; names never come from the client.
  const root = path.join(config.WANGGE_DATA_DIR, 'incident-photos');

  app.post<{ Params: { id: number } }>('/api/incidents/:id/photos', {
    preHandler: requireRole('officer', 'dispatcher'),
    schema: {
      tags: ['incidents'], summary: `Attach a photo (multipart field "file"; JPEG, PNG or WebP; at most ${PHOTO_MAX_BYTES / 1048576} MB)`, security: bearerSecurity,
      consumes: ['multipart/form-data'], params: idParams,
      response: { 201: { type: 'object', properties: { id: { type: 'integer' }, contentType: { type: 'string' }, bytes: { type: 'integer' }, url: { type: 'string' } } }, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' } },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (!request.isMultipart()) throw new HttpError(415, 'not_multipart', 'Send the photo as multipart/form-data, field "file"');
    const file = await request.file({ limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
    if (!file) throw badRequest('no_file', 'No file in the request: send it in the field "file"');
    const buf = await file.toBuffer();
    if (file.file.truncated) throw new HttpError(413, 'file_too_large', `Photos may be at most ${PHOTO_MAX_BYTES / 1048576} MB`);
    const kind = sniffImage(buf);
    if (!kind) throw new HttpError(415, 'unsupported_photo_type', 'Photos must be JPEG, PNG or WebP', { declared: file.mimetype });
    if (!imageIsWhole(kind.type, buf)) throw unprocessable('incomplete_photo', `The ${kind.ext.toUpperCase()} is not whole (cut off, or its signature followed by something else); send the photo again`, { type: kind.type, bytes: buf.length });
    const sha = crypto.createHash('sha256').update(buf).digest('hex');
    const now = clock.now();
    const photo = await db.tx(async (q) => {
      const row = await getIncidentRow(q, id, now, request.user, true);
      const { rows: count } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_photos WHERE incident_id = $1', [id]);
      if (count[0].n >= PHOTOS_PER_INCIDENT) throw new HttpError(409, 'too_many_photos', `An incident holds at most ${PHOTOS_PER_INCIDENT} photos`);
      const rel = path.join(String(id), `${sha}.${kind.ext}`);
      const { rows } = await q.query<{ id: number }>('INSERT INTO incident_photos (incident_id, file, content_type, bytes, sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [id, rel, kind.type, buf.length, sha, request.user!.id]);
      await appendHistory(q, { incidentId: id, at: now, user: request.user, action: 'photo', from: row.status, to: row.status, attachments: [rows[0].id] });
      // Written inside the transaction: if the disk fails, no row points at a missing file.
      const target = path.join(root, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, buf);
      fs.renameSync(tmp, target);
      return { id: rows[0].id, contentType: kind.type, bytes: buf.length, url: `/api/incidents/${id}/photos/${rows[0].id}` };
    });
    return reply.status(201).send(photo);
  });

  app.get<{ Params: { id: number; photoId: number } }>('/api/incidents/:id/photos/:photoId', {
    preHandler: requireRole(),
    schema: {
      tags: ['incidents'], summary: 'One photo of an incident', security: bearerSecurity,
      params: { type: 'object', properties: { id: { type: 'integer' }, photoId: { type: 'integer' } } },
      querystring: { type: 'object', properties: { access_token: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const { id, photoId } = request.params;
    await getIncidentRow(db, id, clock.now(), request.user);
    const { rows } = await db.query<{ file: string; content_type: string }>('SELECT file, content_type FROM incident_photos WHERE id = $1 AND incident_id = $2', [photoId, id]);
    const file = rows[0] && path.join(root, rows[0].file);
    if (!file || !fs.existsSync(file)) throw notFound('photo_not_found', `No photo ${photoId} on incident ${id}`);
    return reply.type(rows[0].content_type).header('cache-control', 'private, max-age=86400').header('x-content-type-options', 'nosniff').send(fs.createReadStream(file));
  });
}
