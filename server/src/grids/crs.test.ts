import { describe, expect, it } from 'vitest';
import { HttpError } from '../core/errors.ts';
import { parseCrs } from './crs.ts';
import { checkShape } from './geojson.ts';

describe('parseCrs', () => {
  it('knows the names users write', () => {
    expect(parseCrs(undefined)).toEqual({ kind: 'wgs84' });
    expect(parseCrs('EPSG:4490')).toEqual({ kind: 'wgs84' });
    expect(parseCrs('cgcs2000')).toEqual({ kind: 'wgs84' });
    expect(parseCrs('GCJ-02')).toEqual({ kind: 'gcj02' });
    expect(parseCrs('bd09')).toEqual({ kind: 'bd09' });
    expect(parseCrs('EPSG:27700')).toEqual({ kind: 'epsg', srid: 27700 });
    expect(parseCrs('4547')).toEqual({ kind: 'epsg', srid: 4547 });
  });

  it('refuses anything else with unknown_crs', () => {
    expect(() => parseCrs('mars')).toThrow(HttpError);
    try { parseCrs('mars'); } catch (e) { expect((e as HttpError).code).toBe('unknown_crs'); }
  });
});

describe('checkShape', () => {
  it('passes a closed polygon and names what is wrong otherwise', () => {
    expect(checkShape({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] })).toBeNull();
    expect(checkShape({ type: 'Point', coordinates: [0, 0] })?.reason).toMatch(/not Polygon/);
    expect(checkShape({ type: 'Polygon', coordinates: [[[0, 0], [1, 'a'], [1, 1], [0, 0]]] })?.reason).toMatch(/not \[lng, lat\]/);
    expect(checkShape({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] })?.reason).toMatch(/at least 4/);
    const open = checkShape({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] });
    expect(open?.reason).toMatch(/not closed/);
    expect(open?.repair).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] });
  });
});
