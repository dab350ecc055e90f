import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellSpacingMetres, heatKernel, heatPoints, metresPerPixel } from './heat.ts';

describe('heat kernel', () => {
  it('knows the ground size of a pixel: about 0.30 m at zoom 18 on the equator, 1.7 m at zoom 15 in Monaco', () => {
    expect(metresPerPixel(18, 0)).toBeCloseTo(0.2986, 3);
    expect(metresPerPixel(15, 43.73)).toBeCloseTo(1.73, 2);
    expect(metresPerPixel(14, 43.73) / metresPerPixel(15, 43.73)).toBeCloseTo(2, 9);
  });

  it('spaces res 10 cell centres about 131 m apart, 2.65 times closer than res 9', () => {
    expect(cellSpacingMetres(10)).toBeGreaterThan(125);
    expect(cellSpacingMetres(10)).toBeLessThan(135);
    expect(cellSpacingMetres(9) / cellSpacingMetres(10)).toBeCloseTo(Math.sqrt(7), 1);
  });

  it('sets σ to half the cell spacing on the ground, whatever the zoom, while the radius stays within deck.gl\'s bounds', () => {
    const half = cellSpacingMetres(10) / 2;
    for (const zoom of [12.5, 13, 13.5]) {
      const k = heatKernel(10, zoom, 43.73);
      expect(k.radiusPixels).toBeGreaterThan(12);
      expect(k.radiusPixels).toBeLessThan(100);
      expect(Math.abs(k.sigmaMetres - half) / half).toBeLessThan(0.03);
    }
    // Zoomed far in, the radius hits deck.gl's cap and σ shrinks on the ground; far out, the floor.
    const close = heatKernel(10, 17, 43.73);
    expect(close.radiusPixels).toBe(100);
    expect(close.sigmaMetres).toBeLessThan(half);
    expect(heatKernel(7, 8, 43.73).radiusPixels).toBeGreaterThanOrEqual(12);
  });

  it('weights cell centres by count or rate and leaves out empty cells', () => {
    const a = latLngToCell(43.735, 7.42, 10);
    const b = latLngToCell(43.74, 7.43, 10);
    const cells = [{ cell: a, count: 3, households: 100, rate: 3 }, { cell: b, count: 0, households: 10, rate: 0 }];
    expect(heatPoints(cells, 'count')).toEqual([{ position: [expect.closeTo(7.42, 2), expect.closeTo(43.735, 2)], weight: 3 }]);
    expect(heatPoints([{ cell: a, count: 2, households: null, rate: null }], 'rate')).toEqual([]);
  });
});
