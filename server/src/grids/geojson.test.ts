import { describe, expect, it } from 'vitest';
import { assertPositionCap, checkShape, countPositions, MAX_GRID_POSITIONS } from './geojson.ts';

describe('checkShape', () => {
  it('refuses positions outside WGS84 (lng 200, lat 95), which PostGIS would store as they are', () => {
    const g = { type: 'Polygon', coordinates: [[[200, 95], [201, 95], [201, 96], [200, 95]]] };
    expect(checkShape(g)?.reason).toMatch(/\(200, 95\) is not a longitude\/latitude in WGS84/);
    const mp = { type: 'MultiPolygon', coordinates: [[[[116.3, 39.9], [116.4, 39.9], [116.4, 91], [116.3, 39.9]]]] };
    expect(checkShape(mp)?.reason).toMatch(/\(116.4, 91\)/);
  });
  it('accepts the edges of the range', () => {
    expect(checkShape({ type: 'Polygon', coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, -90]]] })).toBeNull();
  });
});

describe('the position cap', () => {
  const ring = (n: number) => {
    const r = Array.from({ length: n - 1 }, (_, i) => [116.4 + 0.01 * Math.cos((2 * Math.PI * i) / (n - 1)), 39.9 + 0.01 * Math.sin((2 * Math.PI * i) / (n - 1))]);
    return [...r, r[0]];
  };
  it('counts positions at any nesting', () => {
    expect(countPositions([[[0, 0], [1, 0], [1, 1], [0, 0]]])).toBe(4);
    expect(countPositions([[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]], [[2.1, 2.1], [2.2, 2.1], [2.2, 2.2], [2.1, 2.1]]]])).toBe(12);
  });
  it('takes a grid of MAX_GRID_POSITIONS and refuses one more, naming the counts', () => {
    expect(checkShape({ type: 'Polygon', coordinates: [ring(MAX_GRID_POSITIONS)] })).toBeNull();
    expect(checkShape({ type: 'Polygon', coordinates: [ring(MAX_GRID_POSITIONS + 1)] })?.reason).toMatch(/100,001 positions; a grid may have at most 100,000/);
    expect(() => assertPositionCap([{ code: 'a', geom: { type: 'Polygon', coordinates: [ring(10)] } }, { geom: { type: 'MultiPolygon', coordinates: [[ring(60_000)], [ring(60_000)]] } }]))
      .toThrow(expect.objectContaining({ statusCode: 422, code: 'too_many_positions', details: { index: 1, code: null, positions: 120_000, max: 100_000 } }));
  });
});
