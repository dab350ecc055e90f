import { describe, expect, it } from 'vitest';
import { checkShape } from './geojson.ts';

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
