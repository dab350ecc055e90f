import { describe, expect, it } from 'vitest';
import type { GridCollection } from './api.ts';
import { gridsCsv, toWkt } from './csv.ts';

describe('grids as CSV', () => {
  it('writes polygons and multipolygons (with holes) as WKT', () => {
    expect(toWkt({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 0]], [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 0.5]]] }))
      .toBe('POLYGON ((0 0, 2 0, 2 2, 0 0), (0.5 0.5, 1 0.5, 1 1, 0.5 0.5))');
    expect(toWkt({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] }))
      .toBe('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))');
    expect(() => toWkt({ type: 'Point', coordinates: [0, 0] })).toThrow(/not an area/);
  });

  it('quotes what needs quoting, leaves nulls empty and starts with a BOM', () => {
    const fc: GridCollection = {
      type: 'FeatureCollection',
      features: [{
        type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[7.4, 43.7], [7.5, 43.7], [7.5, 43.8], [7.4, 43.7]]] },
        properties: { jurisdictionId: 1, code: 'A1', name: '东, "西"', nameEn: null, tier: 2, tierName: '社区', parentCode: 'A', households: 12, population: null, areaM2: 1.5, densityPerKm2: 8, version: 1, validFrom: '2026-01-01T00:00:00.000Z' },
      }],
    };
    const [head, row] = gridsCsv(fc).split('\r\n');
    expect(head).toBe('\ufeffcode,name,name_en,tier,tier_name,parent,households,population,area_m2,density_per_km2,version,valid_from,wkt');
    expect(row).toBe('A1,"东, ""西""",,2,社区,A,12,,1.5,8,1,2026-01-01T00:00:00.000Z,"POLYGON ((7.4 43.7, 7.5 43.7, 7.5 43.8, 7.4 43.7))"');
  });
});
