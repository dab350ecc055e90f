import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PBF } from './demo.ts';
import { pbfFileFramingProblem, pbfFramingProblem } from './pbf-framing.ts';

describe('pbfFramingProblem', () => {
  const pbf = fs.readFileSync(DEMO_PBF);
  it('passes the demo extract and names what is wrong with others', () => {
    expect(pbfFramingProblem(pbf)).toBeNull();
    expect(pbfFramingProblem(Buffer.alloc(0))).toBe('the file is empty');
    expect(pbfFramingProblem(Buffer.from('PK\x03\x04 a zip'))).toMatch(/does not start with an OSM PBF block header/);
    expect(pbfFramingProblem(pbf.subarray(0, pbf.length - 1))).toMatch(/block \d+ is cut off/);
    // A sound length in front of a header that is not OSMHeader.
    const other = Buffer.concat([Buffer.from([0, 0, 0, 11, 0x0a, 0x07]), Buffer.from('OSMData'), Buffer.from([0x18, 0x02, 0xaa, 0xbb])]);
    expect(pbfFramingProblem(other)).toMatch(/does not start with an OSMHeader block/);
  });
});

describe('pbfFileFramingProblem and npm run import:osm', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-pbf-'));
  const write = (name: string, data: Buffer) => { const f = path.join(dir, name); fs.writeFileSync(f, data); return f; };
  const pbf = fs.readFileSync(DEMO_PBF);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('reads only the block headers of a file and says what the buffer check says', () => {
    expect(pbfFileFramingProblem(DEMO_PBF)).toBeNull();
    for (const [name, data] of [['empty.osm.pbf', Buffer.alloc(0)], ['image.osm.pbf', png], ['cut.osm.pbf', pbf.subarray(0, pbf.length - 1)]] as const) {
      expect(pbfFileFramingProblem(write(name, data))).toBe(pbfFramingProblem(data));
    }
  });

  it('refuses a file that is not an extract with a message and exit code 2, before touching a database', () => {
    // osm-read threw from inside an fs callback on such a file: the command died with a stack trace.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import-osm.ts', write('photo.osm.pbf', png)], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/photo\.osm\.pbf is not an OSM PBF extract: it does not start with an OSM PBF block header/);
  }, 30_000);
});
