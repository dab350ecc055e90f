import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { classifyArea, classifyBarrier, estimateHouseholds, isNonResidentialLanduse, parseLanduseList, parseLevels } from './classify.ts';

// A 20 m × 20 m square near Monaco (≈ 400 m²).
const dLat = 20 / 111_320;
const dLng = 20 / (111_320 * Math.cos((43.73 * Math.PI) / 180));
const square: Polygon = { type: 'Polygon', coordinates: [[[7.42, 43.73], [7.42 + dLng, 43.73], [7.42 + dLng, 43.73 + dLat], [7.42, 43.73 + dLat], [7.42, 43.73]]] };
const rule = { dwellingM2: 90, defaultLevels: 4 };

describe('estimateHouseholds', () => {
  it('is footprint × levels ÷ dwelling size', () => {
    const est = estimateHouseholds({ building: 'apartments', 'building:levels': '9' }, square, rule);
    expect(est.footprintM2).toBeCloseTo(400, -1);
    expect(est.levelsTagged).toBe(true);
    expect(est.households).toBe(Math.round((est.footprintM2 * 9) / 90));
  });

  it('falls back to the default levels when the tag is missing or nonsense', () => {
    expect(estimateHouseholds({ building: 'yes' }, square, rule).levels).toBe(4);
    expect(estimateHouseholds({ building: 'yes', 'building:levels': 'many' }, square, rule).levels).toBe(4);
  });

  it('gives no households to churches, garages and sheds', () => {
    expect(estimateHouseholds({ building: 'church' }, square, rule).households).toBe(0);
    expect(estimateHouseholds({ building: 'yes', shop: 'bakery' }, square, rule).households).toBe(0);
    const tiny: Polygon = { type: 'Polygon', coordinates: [[[7.42, 43.73], [7.42 + dLng / 4, 43.73], [7.42 + dLng / 4, 43.73 + dLat / 4], [7.42, 43.73]]] };
    expect(estimateHouseholds({ building: 'house' }, tiny, rule).households).toBe(0);
  });

  it('gives none to an untyped building that says it is an office or a hotel', () => {
    expect(estimateHouseholds({ building: 'yes', office: 'government' }, square, rule).households).toBe(0);
    expect(estimateHouseholds({ building: 'yes', tourism: 'hotel' }, square, rule).households).toBe(0);
    expect(estimateHouseholds({ building: 'yes' }, square, rule).households).toBeGreaterThan(0);
  });
});

describe('isNonResidentialLanduse', () => {
  it('names the land uses whose untyped buildings house nobody, as areas only', () => {
    for (const landuse of ['commercial', 'retail', 'industrial', 'military', 'railway', 'cemetery', 'civil']) {
      expect(isNonResidentialLanduse({ landuse }, square), landuse).toBe(true);
    }
    for (const landuse of ['residential', 'construction', 'grass']) expect(isNonResidentialLanduse({ landuse }, square), landuse).toBe(false);
    expect(isNonResidentialLanduse({}, square)).toBe(false);
    expect(isNonResidentialLanduse({ landuse: 'commercial' }, { type: 'Point', coordinates: [7.42, 43.73] })).toBe(false);
  });

  it('takes the planner\'s own list instead, or none', () => {
    expect(isNonResidentialLanduse({ landuse: 'commercial' }, square, new Set(['industrial']))).toBe(false);
    expect(isNonResidentialLanduse({ landuse: 'industrial' }, square, new Set(['industrial']))).toBe(true);
    expect(isNonResidentialLanduse({ landuse: 'commercial' }, square, new Set())).toBe(false);
  });
});

describe('parseLanduseList', () => {
  it('reads landuse values separated by commas, or none, and names a value that is not one', () => {
    expect(parseLanduseList(undefined)).toBeUndefined();
    expect(parseLanduseList('none')).toEqual([]);
    expect(parseLanduseList('commercial, retail,industrial')).toEqual(['commercial', 'retail', 'industrial']);
    expect(() => parseLanduseList('commercial,Retail Park')).toThrow(/"Retail Park" is not an OSM landuse value/);
    expect(() => parseLanduseList('commercial,,retail')).toThrow(/"" is not an OSM landuse value/);
  });
});

describe('parseLevels', () => {
  it('reads decimals with either separator and rejects the absurd', () => {
    expect(parseLevels('2,5')).toBe(2.5);
    expect(parseLevels('12')).toBe(12);
    expect(parseLevels('0')).toBeNull();
    expect(parseLevels('999')).toBeNull();
    expect(parseLevels(undefined)).toBeNull();
  });
});

describe('classifyBarrier', () => {
  const line = { type: 'LineString' as const, coordinates: [[7.42, 43.73], [7.43, 43.74]] };
  it('sorts lines into roads, railways, water and coast', () => {
    expect(classifyBarrier({ highway: 'primary_link' }, line)).toEqual({ kind: 'road', class: 'primary' });
    expect(classifyBarrier({ railway: 'rail' }, line)).toEqual({ kind: 'railway', class: 'rail' });
    expect(classifyBarrier({ waterway: 'river' }, line)).toEqual({ kind: 'water', class: 'river' });
    expect(classifyBarrier({ natural: 'coastline' }, line)).toEqual({ kind: 'coast', class: 'coastline' });
  });
  it('ignores areas and lines that are no barrier', () => {
    expect(classifyBarrier({ highway: 'primary' }, square)).toBeNull();
    expect(classifyBarrier({ railway: 'abandoned' }, line)).toBeNull();
    expect(classifyBarrier({ power: 'line' }, line)).toBeNull();
  });
});

describe('classifyArea', () => {
  it('finds water and parks', () => {
    expect(classifyArea({ natural: 'water' }, square)).toBe('water');
    expect(classifyArea({ leisure: 'park' }, square)).toBe('park');
    expect(classifyArea({ building: 'yes' }, square)).toBeNull();
  });
});
