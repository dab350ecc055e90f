import { describe, expect, it } from 'vitest';
import { parseCrs } from './userdata.ts';

describe('parseCrs', () => {
  it('reads the usual spellings of an EPSG code', () => {
    expect(parseCrs('EPSG:4326')).toBe(4326);
    expect(parseCrs('epsg:3857')).toBe(3857);
    expect(parseCrs('urn:ogc:def:crs:EPSG::27700')).toBe(27700);
    expect(parseCrs('urn:ogc:def:crs:EPSG:9.9.1:4547')).toBe(4547);
    expect(parseCrs('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326);
    expect(parseCrs('OGC:CRS84')).toBe(4326);
    expect(parseCrs('WGS 84')).toBeNull();
    expect(parseCrs('EPSG:12')).toBeNull();
  });
});
