import { describe, expect, it } from 'vitest';
import { getHexagonAreaAvg, UNITS } from 'h3-js';
import { DEFAULT_DPR_CAP, DEFAULT_ROTATE_S, HEX_AREA_KM2, hexResFor, kioskToken, MIN_CELLS, parseWallParams, stageScale, wallSlides } from './params.ts';

describe('wall URL', () => {
  it('defaults to the whole jurisdiction, both layers, the browser time zone', () => {
    expect(parseWallParams('', 'Asia/Shanghai')).toEqual({
      areas: [null], views: ['lights'], rotateSeconds: DEFAULT_ROTATE_S, layers: { incidents: true, live: true }, tz: 'Asia/Shanghai', dprCap: DEFAULT_DPR_CAP, kiosk: null,
    });
  });

  it('reads areas to rotate through, dropping malformed codes and duplicates, with a rotation floor', () => {
    const p = parseWallParams('?areas=980001001,980001002,bad%20code,980001001&rotate=3&layers=live&tz=UTC&dpr=9&kiosk=abc', 'Asia/Shanghai');
    expect(p.areas).toEqual(['980001001', '980001002']);
    expect(p.rotateSeconds).toBe(10);
    expect(p.layers).toEqual({ incidents: false, live: true });
    expect(p.tz).toBe('UTC');
    expect(p.dprCap).toBe(4);
    expect(p.kiosk).toBe('abc');
  });

  it('reads the kiosk token alone, as the page does before the wall has loaded', () => {
    expect(kioskToken('?lang=en&kiosk=k%2B1')).toBe('k+1');
    expect(kioskToken('?lang=en')).toBeNull();
  });

  it('takes a single area', () => {
    expect(parseWallParams('?area=980001', 'UTC').areas).toEqual(['980001']);
  });

  it('reads the map views to rotate through, dropping unknown ones', () => {
    expect(parseWallParams('?views=hotspots,bogus,heat,hotspots', 'UTC').views).toEqual(['hotspots', 'heat']);
    expect(parseWallParams('?views=bogus', 'UTC').views).toEqual(['lights']);
  });

  it('rotates through every view of an area before the next area', () => {
    const p = parseWallParams('?areas=A1,B2&views=lights,hotspots', 'UTC');
    expect(wallSlides(p)).toEqual([
      { area: 'A1', view: 'lights' }, { area: 'A1', view: 'hotspots' },
      { area: 'B2', view: 'lights' }, { area: 'B2', view: 'hotspots' },
    ]);
    expect(wallSlides(parseWallParams('', 'UTC'))).toEqual([{ area: null, view: 'lights' }]);
  });

  it('sizes hot-spot hexagons to the area in view: coarse for a city, fine for a small town', () => {
    const monaco: [number, number, number, number] = [7.409, 43.724, 7.44, 43.752];
    const city: [number, number, number, number] = [116.2, 39.8, 116.55, 40.05];
    const kmMonaco = 0.031 * 111.32 * Math.cos((43.738 * Math.PI) / 180) * 0.028 * 110.57;
    const resMonaco = hexResFor(monaco);
    // The coarsest resolution that still gives MIN_CELLS cells: one coarser would give fewer.
    expect(kmMonaco / getHexagonAreaAvg(resMonaco, UNITS.km2)).toBeGreaterThanOrEqual(MIN_CELLS);
    expect(kmMonaco / getHexagonAreaAvg(resMonaco - 1, UNITS.km2)).toBeLessThan(MIN_CELLS);
    expect(resMonaco).toBe(10);
    expect(hexResFor(city)).toBe(7);
    expect(hexResFor([7.4, 43.7, 7.4001, 43.7001])).toBe(11);
  });

  it("keeps H3's own average hexagon areas", () => {
    for (let res = 7; res <= 11; res++) expect(HEX_AREA_KM2[res]).toBeCloseTo(getHexagonAreaAvg(res, UNITS.km2), 12);
  });

  it('scales the 1920×1080 design to fit any screen, letterboxed', () => {
    expect(stageScale(3840, 2160)).toBe(2);
    expect(stageScale(7680, 4320)).toBe(4);
    expect(stageScale(1920, 1200)).toBe(1);
    expect(stageScale(960, 540)).toBe(0.5);
  });
});
