import { describe, expect, it } from 'vitest';
import { chooseK, regionalize, type Edge, type Unit } from './regionalize.ts';
import { weightedKMeans } from './baselines.ts';
import { summarize } from './metrics.ts';

/** A w×h lattice of 100 m square units; weight(x, y) and zone(x, y) given; neighbours share 100 m edges. */
function lattice(w: number, h: number, weight: (x: number, y: number) => number, zone: (x: number, y: number) => number = () => 1, face: (x: number, y: number) => number = (x, y) => y * w + x) {
  const units: Unit[] = [];
  const edges: Edge[] = [];
  const id = (x: number, y: number) => y * w + x + 1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    units.push({ id: id(x, y), face: face(x, y), zone: zone(x, y), w: weight(x, y), x: x * 100 + 50, y: y * 100 + 50, area: 10_000 });
    if (x + 1 < w) edges.push({ a: id(x, y), b: id(x + 1, y), len: 100 });
    if (y + 1 < h) edges.push({ a: id(x, y), b: id(x, y + 1), len: 100 });
  }
  return { units, edges };
}

function contiguous(unitIds: number[], edges: Edge[]): boolean {
  const set = new Set(unitIds);
  const adj = new Map<number, number[]>();
  for (const e of edges) if (set.has(e.a) && set.has(e.b)) {
    adj.set(e.a, [...(adj.get(e.a) ?? []), e.b]);
    adj.set(e.b, [...(adj.get(e.b) ?? []), e.a]);
  }
  const seen = new Set([unitIds[0]]);
  const stack = [unitIds[0]];
  while (stack.length) for (const n of adj.get(stack.pop()!) ?? []) if (!seen.has(n)) { seen.add(n); stack.push(n); }
  return seen.size === set.size;
}

const band = { target: 200, lo: 160, hi: 240 };

describe('regionalize', () => {
  it('cuts an even lattice into contiguous regions all within the band', () => {
    const { units, edges } = lattice(10, 10, () => 20);
    const { regions, regionOf } = regionalize({ units, edges, ...band, seed: 1 });
    expect(regions).toHaveLength(10);
    expect(regionOf.size).toBe(100);
    for (const r of regions) {
      expect(r.w).toBeGreaterThanOrEqual(160);
      expect(r.w).toBeLessThanOrEqual(240);
      expect(contiguous(r.units, edges)).toBe(true);
      expect(r.flag).toBeNull();
    }
  });

  it('is deterministic for a seed', () => {
    const { units, edges } = lattice(12, 9, (x, y) => 5 + ((x * 7 + y * 13) % 31));
    const a = regionalize({ units, edges, ...band, seed: 42 });
    const b = regionalize({ units, edges, ...band, seed: 42 });
    expect([...a.regionOf]).toEqual([...b.regionOf]);
  });

  it('makes a tower its own grid, flagged with the reason', () => {
    const { units, edges } = lattice(6, 6, (x, y) => (x === 2 && y === 2 ? 700 : 20));
    const { regions } = regionalize({ units, edges, ...band, seed: 1 });
    const towers = regions.filter((r) => r.flag === 'tower');
    expect(towers).toHaveLength(1);
    expect(towers[0].w).toBe(700);
    expect(towers[0].reason).toMatch(/one building holds 700/);
    expect(towers[0].detail).toEqual({ code: 'tower', holds: 700, hi: 240 });
    expect(regions.filter((r) => !r.flag).every((r) => r.detail === null)).toBe(true);
    expect(regions.filter((r) => !r.flag).every((r) => r.w >= 160 && r.w <= 240)).toBe(true);
  });

  it('never crosses a hard barrier and keeps a small enclosed area whole, flagged', () => {
    // Zone 2 (column x = 9) holds 10 × 10 = 100 households: below the band.
    const { units, edges } = lattice(10, 10, () => 10, (x) => (x === 9 ? 2 : 1));
    const { regions } = regionalize({ units, edges, ...band, seed: 1 });
    const zoneOf = new Map(units.map((u) => [u.id, u.zone]));
    for (const r of regions) expect(new Set(r.units.map((u) => zoneOf.get(u))).size).toBe(1);
    const enclosed = regions.filter((r) => r.flag === 'enclosed');
    expect(enclosed).toHaveLength(1);
    expect(enclosed[0].w).toBe(100);
    expect(enclosed[0].reason).toMatch(/enclosed by hard barriers with only 100/);
    expect(enclosed[0].detail).toEqual({ code: 'enclosed', holds: 100, lo: 160 });
  });

  it('merges empty units into the neighbour with the longest shared edge, and an empty zone across the hard barrier', () => {
    const { units, edges } = lattice(4, 4, (x) => (x === 3 ? 0 : 50), (x) => (x === 3 ? 2 : 1));
    const { regions } = regionalize({ units, edges, ...band, seed: 1 });
    expect(regions.every((r) => r.flag === null)).toBe(true);
    expect(regions.reduce((s, r) => s + r.units.length, 0)).toBe(16);
    const crossed = regions.filter((r) => r.crossedHard);
    expect(crossed).toHaveLength(1);
    expect(crossed[0].crossedHard).toMatch(/without households/);
    expect(crossed[0].crossedHardDetail).toEqual({ code: 'takes_empty_enclosed' });
    expect(regions.filter((r) => !r.crossedHard).every((r) => r.crossedHardDetail === null)).toBe(true);
  });

  it('gives each flag\'s figures as data beside the English reason: pieces towers cut off, a small whole area, an empty island', () => {
    // A row: 200 | tower 700 | 30 (cut off by the tower, joins it) | 25 (the same); and an island with nobody.
    const units: Unit[] = [200, 700, 30].map((w, i) => ({ id: i + 1, face: i + 1, zone: 1, w, x: i * 100, y: 0, area: 10_000 }));
    units.push({ id: 4, face: 4, zone: 1, w: 25, x: 100, y: 100, area: 10_000 }, { id: 5, face: 5, zone: 2, w: 0, x: 900, y: 900, area: 10_000 });
    const edges: Edge[] = [{ a: 1, b: 2, len: 100 }, { a: 2, b: 3, len: 100 }, { a: 2, b: 4, len: 100 }];
    const { regions } = regionalize({ units, edges, ...band, seed: 1 });
    const tower = regions.find((r) => r.flag === 'tower')!;
    expect(tower.reason).toBe("one building holds 700, above the band's upper bound 240; with the 30 around it that towers cut off from the rest; with the 25 around it that towers cut off from the rest");
    expect(tower.detail).toEqual({ code: 'tower', holds: 700, hi: 240, cutOff: [30, 25] });
    const empty = regions.find((r) => r.flag === 'empty')!;
    expect(empty.reason).toMatch(/^no households/);
    expect(empty.detail).toEqual({ code: 'empty' });
    // One zone holding less than the band in all: 'the whole area', not 'enclosed by hard barriers'.
    const small = lattice(3, 3, () => 10.4);
    const whole = regionalize({ ...small, ...band, seed: 1 }).regions;
    expect(whole).toHaveLength(1);
    expect(whole[0].reason).toBe("the whole area with only 94, below the band's lower bound 160; kept whole");
    expect(whole[0].detail).toEqual({ code: 'whole_area', holds: 94, lo: 160 });
  });

  it('chooses k so that the mean falls in the band when any k allows it', () => {
    expect(chooseK(1000, 200, 160, 240)).toBe(5);
    expect(chooseK(350, 200, 160, 240)).toBe(2);
    expect(chooseK(250, 200, 160, 240)).toBe(1);
    expect(chooseK(100, 200, 160, 240)).toBe(1);
  });
});

describe('baselines and metrics', () => {
  it('weighted k-means puts its centres where the weight is', () => {
    const pts = [
      ...Array.from({ length: 10 }, (_, i) => ({ lng: 7.40 + i * 1e-5, lat: 43.70, w: 100 })),
      ...Array.from({ length: 10 }, (_, i) => ({ lng: 7.45 + i * 1e-5, lat: 43.75, w: 1 })),
    ];
    const centres = weightedKMeans(pts, 2, 1).sort((a, b) => a.lng - b.lng);
    expect(centres[0].lng).toBeCloseTo(7.40005, 4);
    expect(centres[1].lng).toBeCloseTo(7.45005, 4);
  });

  it('summarises band share over all and unflagged grids', () => {
    const row = (households: number, flag: string | null = null) => ({ seq: 1, households, population: 0, areaM2: 1, polsbyPopper: 0.5, innerM: 100, onBarrierM: 80, flag, flagReason: null });
    const s = summarize([row(200), row(150), row(500, 'tower'), row(239)], 'households', 160, 240);
    expect(s.grids).toBe(4);
    expect(s.bandShare).toBe(0.5);
    expect(s.bandShareUnflagged).toBe(0.6667);
    expect(s.median).toBe(219.5);
    expect(s.barrierShare).toBe(0.8);
    expect(s.flagged).toEqual({ tower: 1 });
  });
});

describe('proposal picture', () => {
  it('draws each grid as a path coloured by deviation, flagged grids grey, with codes', async () => {
    const { proposalSvg } = await import('./svg.ts');
    const sq = (x: number) => ({ type: 'Polygon' as const, coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
    const svg = proposalSvg({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: sq(0), properties: { code: '980001006001', deviation: -0.5, flag: null } },
      { type: 'Feature', geometry: sq(1), properties: { code: '980001006002', deviation: 0.8, flag: 'tower' } },
    ] }, { width: 220, title: 'a & b' });
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('fill="rgb(55,135,255)"');
    expect(svg).toContain('fill="#bbbbbb"');
    expect(svg).toContain('>001</text>');
    expect(svg).toContain('a &amp; b');
  });

  it('cuts a block along a dead-end street inside it rather than between buildings (edge.on)', () => {
    // One block (face 1) of four 10 m square units, 2 × 2, 100 households each: two regions of
    // 200, cut left/right or top/bottom (two 10 m edges either way). One pair of edges runs along
    // a footway that enters the block without crossing it (on = its length), the other between
    // buildings: the cut follows the footway, whichever pair it is.
    const units: Unit[] = [[0, 1], [1, 1], [0, 0], [1, 0]].map(([x, y], i) => ({ id: i + 1, face: 1, zone: 1, w: 100, x: x * 10, y: y * 10, area: 100 }));
    const split = (footway: 'vertical' | 'horizontal') => {
      const v = footway === 'vertical' ? 10 : 0;
      const edges: Edge[] = [
        { a: 1, b: 2, len: 10, on: v }, { a: 3, b: 4, len: 10, on: v },
        { a: 1, b: 3, len: 10, on: 10 - v }, { a: 2, b: 4, len: 10, on: 10 - v },
      ];
      const cuts = [1, 2, 3, 4, 5].map((seed) => {
        const { regions, regionOf } = regionalize({ units, edges, ...band, seed });
        expect(regions).toHaveLength(2);
        expect(regionOf.get(1)).not.toBe(regionOf.get(4));
        return regionOf.get(1) === regionOf.get(3) ? 'left/right' : regionOf.get(1) === regionOf.get(2) ? 'top/bottom' : 'none';
      });
      return [...new Set(cuts)].join();
    };
    expect(split('vertical')).toBe('left/right');
    expect(split('horizontal')).toBe('top/bottom');
  });
});
