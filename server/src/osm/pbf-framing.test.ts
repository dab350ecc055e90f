import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_PBF } from './demo.ts';
import { pbfFramingProblem } from './pbf-framing.ts';

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
