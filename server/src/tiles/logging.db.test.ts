import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../test/helpers.ts';
import { isVectorTileUrl } from '../app.ts';

/** The app as production builds it (a pino logger at info), its log lines caught. */
let t: TestApp;
const lines: { msg?: string; req?: { url?: string }; reqId?: string }[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});

beforeAll(async () => { t = await testApp({ LOG_LEVEL: 'info' }, { level: 'info', stream }); });
afterAll(async () => { await t?.close(); });

describe('request log lines', () => {
  it('are written for API calls and TileJSON, not for vector tiles (a map asks for dozens a second)', async () => {
    for (const url of ['/api/health', '/tiles/basemap.json', '/tiles/basemap/14/8529/5974.mvt', '/tiles/basemap/14/8529/5975.mvt?v=1.2']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBeLessThan(300);
    }
    const logged = (msg: string) => lines.filter((l) => l.msg === msg).map((l) => l.req?.url ?? l.reqId);
    expect(logged('incoming request')).toEqual(['/api/health', '/tiles/basemap.json']);
    expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(2);
  });

  it('tells a vector tile URL from the other tile routes', () => {
    expect(isVectorTileUrl('/tiles/hotspots/14/1/2.mvt')).toBe(true);
    expect(isVectorTileUrl('/tiles/hotspots/14/1/2.mvt?v=3&from=2026-01-01')).toBe(true);
    expect(isVectorTileUrl('/tiles/hotspots.json?from=2026-01-01')).toBe(false);
    expect(isVectorTileUrl('/tiles')).toBe(false);
    expect(isVectorTileUrl('/api/grids?name=a.mvt')).toBe(false);
  });
});
