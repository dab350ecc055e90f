import type { Geometry, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { fromGeojsonVt, type GeojsonVtFeature } from 'vt-pbf';
import { tileAsText } from './decode.ts';
import { encodeRows } from './encode.ts';
import { writeMvt, type TileRow } from './mvt-writer.ts';

/** The embedded path as it was before mvt-writer.ts: rows → geojson-vt features → vt-pbf. The reference. */
function viaVtPbf(rows: TileRow[]): Buffer {
  const layers: Record<string, { features: GeojsonVtFeature[] }> = {};
  for (const name of [...new Set(rows.map((r) => r.layer))].sort()) layers[name] = { features: [] };
  for (const r of rows) {
    const g = r.geom as Geometry;
    const f = g.type === 'Point' ? { type: 1 as const, geometry: [g.coordinates] }
      : g.type === 'MultiPoint' ? { type: 1 as const, geometry: g.coordinates }
      : g.type === 'LineString' ? { type: 2 as const, geometry: [g.coordinates] }
      : g.type === 'MultiLineString' ? { type: 2 as const, geometry: g.coordinates }
      : g.type === 'Polygon' ? { type: 3 as const, geometry: g.coordinates }
      : g.type === 'MultiPolygon' ? { type: 3 as const, geometry: g.coordinates.flat() as Position[][] }
      : null;
    if (!f) continue;
    const tags: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(r.props ?? {})) {
      if (v === null || v === undefined) continue;
      tags[k] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
    }
    layers[r.layer].features.push({ id: r.id as number, ...f, tags });
  }
  return Buffer.from(fromGeojsonVt(layers, { version: 2, extent: 4096 }));
}

/** A repeatable pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRows(seed: number, n: number): TileRow[] {
  const r = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pt = (): Position => [int(-256, 4352), int(-256, 4352)];
  const line = (k: number) => Array.from({ length: k }, pt);
  const ring = (k: number) => { const l = line(k); return [...l, l[0]]; };
  // No NaN: rows come from JSON, which has none (and pbf 3's and 5's NaN bit patterns differ).
  const values: unknown[] = ['a', 'b', '1', 1, -1, 0, -0, 2 ** 40, -(2 ** 40), 1.5, -0.25, true, false, null, undefined, { x: [1, 'y'] }, [1, 2], '', '名', 'ü€😀', 123456.789, 2 ** 53 - 1];
  const rows: TileRow[] = [];
  for (let i = 0; i < n; i++) {
    const geoms: Geometry[] = [
      { type: 'Point', coordinates: pt() },
      { type: 'MultiPoint', coordinates: line(int(1, 5)) },
      { type: 'LineString', coordinates: line(int(1, 6)) },
      { type: 'MultiLineString', coordinates: [line(int(2, 4)), line(int(1, 3))] },
      { type: 'Polygon', coordinates: [ring(int(3, 7)), ring(3)] },
      { type: 'MultiPolygon', coordinates: [[ring(4)], [ring(int(3, 6)), ring(3)]] },
      { type: 'GeometryCollection', geometries: [] },
    ];
    const props: Record<string, unknown> = {};
    for (const k of ['status', 'n', 'x', 'name', 'k' + int(0, 30)]) if (r() < 0.8) props[k] = values[int(0, values.length - 1)];
    rows.push({ layer: ['roads', 'areas', 'incidents'][int(0, 2)], id: r() < 0.1 ? null : int(0, 2 ** 31), geom: geoms[int(0, geoms.length - 1)], props: r() < 0.05 ? null : props });
  }
  return rows;
}

describe('MVT writer', () => {
  it('writes the bytes vt-pbf wrote, for every geometry type and property type', () => {
    for (const seed of [1, 2, 3, 42]) {
      const rows = randomRows(seed, 400);
      expect(Buffer.from(writeMvt(rows))).toEqual(viaVtPbf(rows));
    }
  });

  it('keeps string "1", number 1 and true apart, and -0 with 0 (as vt-pbf)', () => {
    const rows: TileRow[] = [
      { layer: 'l', id: 1, geom: { type: 'Point', coordinates: [1, 2] }, props: { a: '1', b: 1, c: true, d: 0 } },
      { layer: 'l', id: 2, geom: { type: 'Point', coordinates: [3, 4] }, props: { a: 1, b: '1', c: 'true', d: -0 } },
    ];
    expect(Buffer.from(writeMvt(rows))).toEqual(viaVtPbf(rows));
    expect(tileAsText(writeMvt(rows))).toBe('layer l (extent 4096, 2 features)\n'
      + '  point {"a":"1","b":1,"c":true,"d":0}\n    1 2\n'
      + '  point {"a":1,"b":"1","c":"true","d":0}\n    3 4\n');
  });

  it('decodes to the rows it was given: layers by name, ring closing vertex as ClosePath, unknown geometries left out', () => {
    const rows: TileRow[] = [
      { layer: 'z', id: 7, geom: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]]] }, props: { h: 2.5, o: { a: 1 } } },
      { layer: 'a', id: null, geom: { type: 'LineString', coordinates: [[5, 5], [-3, 8]] }, props: null },
      { layer: 'a', id: 3, geom: { type: 'GeometryCollection', geometries: [] }, props: {} },
    ];
    expect(tileAsText(encodeRows(rows))).toBe('layer a (extent 4096, 1 features)\n  line {}\n    5 5, -3 8\n'
      + 'layer z (extent 4096, 1 features)\n  polygon {"h":2.5,"o":"{\\"a\\":1}"}\n    0 0, 10 0, 10 10, 0 0\n');
  });

  it('gives an empty body for no rows', () => {
    expect(encodeRows([]).length).toBe(0);
  });
});
