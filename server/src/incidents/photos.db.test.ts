import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { IN_A1, makeTown } from './fixtures/town.ts';
import { PHOTO_MAX_BYTES } from './photos.ts';

let t: TestApp;
let officer: string;
let id: number;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-photos-'));

// The smallest valid PNG: 1×1 transparent pixel.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082', 'hex');

function multipart(name: string, filename: string, type: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----wanggetest';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  t = await testApp({ WANGGE_DATA_DIR: dataDir });
  const { jid } = await makeTown(t, 'photo');
  officer = await tokenFor(t, ['officer', 'dispatcher'], { jurisdictionId: jid });
  id = (await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0301' } })).json().id;
});
afterAll(async () => { await t?.close(); fs.rmSync(dataDir, { recursive: true, force: true }); });

const upload = (m: ReturnType<typeof multipart>) => t.app.inject({ method: 'POST', url: `/api/incidents/${id}/photos`, headers: { ...bearer(officer), ...m.headers }, payload: m.payload });
const photoCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_photos WHERE incident_id = $1', [id])).rows[0].n;

describe('incident photos', () => {
  it('stores a PNG under the data dir, serves it back and can attach it to a step', async () => {
    const res = await upload(multipart('file', '../../etc/passwd.png', 'image/png', PNG));
    expect(res.statusCode).toBe(201);
    const photo = res.json();
    expect(photo).toMatchObject({ contentType: 'image/png', bytes: PNG.length });
    const files = fs.readdirSync(path.join(dataDir, 'incident-photos', String(id)));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.png$/);
    const back = await t.app.inject({ method: 'GET', url: photo.url, headers: bearer(officer) });
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.rawPayload.equals(PNG)).toBe(true);
    const step = await t.app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: bearer(officer), payload: { action: 'register', attachments: [photo.id] } });
    expect(step.statusCode).toBe(200);
    const detail = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}`, headers: bearer(officer) })).json();
    expect(detail.photos.map((p: { id: number }) => p.id)).toEqual([photo.id]);
    expect(detail.history.at(-1)).toMatchObject({ action: 'register', attachments: [photo.id] });
  });

  it('refuses a file that is not an image whatever it claims, and writes nothing', async () => {
    const before = await photoCount();
    const res = await upload(multipart('file', 'x.jpg', 'image/jpeg', Buffer.from('#!/bin/sh\necho not a photo\n')));
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe('unsupported_photo_type');
    expect(await photoCount()).toBe(before);
  });

  it('refuses an image that is not whole (cut off, or a signature and junk) with 422 incomplete_photo, and writes nothing', async () => {
    const before = await photoCount();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 1), Buffer.from([0xff, 0xd9])]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(28, 1)]);
    for (const [name, type, content] of [
      ['cut.png', 'image/png', PNG.subarray(0, PNG.length - 12)], ['junk.png', 'image/png', Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(64)])],
      ['cut.jpg', 'image/jpeg', jpeg.subarray(0, 2000)], ['cut.webp', 'image/webp', webp.subarray(0, 30)],
    ] as const) {
      const res = await upload(multipart('file', name, type, content));
      expect([res.statusCode, errorCode(res)], name).toEqual([422, 'incomplete_photo']);
    }
    for (const [name, type, content] of [['whole.jpg', 'image/jpeg', jpeg], ['whole.webp', 'image/webp', webp]] as const) {
      expect((await upload(multipart('file', name, type, content))).statusCode, name).toBe(201);
    }
    expect(await photoCount()).toBe(before + 2);
  });

  it('refuses a multipart body cut off in the middle of the photo with 400 malformed_multipart, and writes nothing', async () => {
    const before = await photoCount();
    const whole = multipart('file', 'x.png', 'image/png', Buffer.alloc(4096, 7));
    const res = await upload({ payload: whole.payload.subarray(0, 2000), headers: whole.headers });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('malformed_multipart');
    expect(await photoCount()).toBe(before);
  });

  it('refuses an oversized photo with 413', async () => {
    const before = await photoCount();
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(PHOTO_MAX_BYTES + 10)]);
    const res = await upload(multipart('file', 'big.png', 'image/png', big));
    expect(res.statusCode).toBe(413);
    expect(errorCode(res)).toBe('file_too_large');
    expect(await photoCount()).toBe(before);
  });

  it('refuses a JSON body and attachments that are not this incident\'s', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/incidents/${id}/photos`, headers: bearer(officer), payload: { file: 'x' } });
    expect(res.statusCode).toBe(415);
    const step = await t.app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: bearer(officer), payload: { action: 'dispatch', department: 'sanitation', attachments: [999999999] } });
    expect(errorCode(step)).toBe('unknown_attachment');
  });
});
