import { describe, expect, it } from 'vitest';
import { deviationColour, LEGEND_GRADIENT, NO_DATA } from './colour.ts';

describe('deviation palette', () => {
  it('is near-white on the target, blue below, red above, saturated from twice the tolerance', () => {
    expect(deviationColour(0, 0.2)).toEqual([247, 247, 247, 200]);
    const below = deviationColour(-0.2, 0.2);
    const above = deviationColour(0.2, 0.2);
    expect(below).toEqual([146, 197, 222, 200]);
    expect(above).toEqual([244, 165, 130, 200]);
    expect(deviationColour(-0.9, 0.2)).toEqual([33, 102, 172, 200]);
    expect(deviationColour(5, 0.2)).toEqual([178, 24, 43, 200]);
    // Halfway between two stops.
    expect(deviationColour(0.3, 0.2)).toEqual([211, 95, 87, 200]);
  });

  it('greys out grids without a deviation', () => {
    expect(deviationColour(null, 0.2)).toBe(NO_DATA);
    expect(deviationColour(Number.NaN, 0.2)).toBe(NO_DATA);
    expect(LEGEND_GRADIENT).toContain('rgb(247,247,247) 50%');
  });
});
