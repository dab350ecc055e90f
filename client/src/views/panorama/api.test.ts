import { describe, expect, it } from 'vitest';
import { geometryBounds } from './api.ts';

describe('geometryBounds', () => {
  it('spans every ring of every polygon of a MultiPolygon', () => {
    const multi = [
      [[[7.41, 43.72], [7.42, 43.72], [7.42, 43.73], [7.41, 43.72]]],
      [[[7.43, 43.74], [7.44, 43.74], [7.44, 43.75], [7.43, 43.74]], [[7.405, 43.7], [7.406, 43.7], [7.406, 43.701], [7.405, 43.7]]],
    ];
    expect(geometryBounds(multi)).toEqual([7.405, 43.7, 7.44, 43.75]);
  });

  it('works for a Polygon and gives null for no positions', () => {
    expect(geometryBounds([[[1, 2], [3, -4], [0, 5], [1, 2]]])).toEqual([0, -4, 3, 5]);
    expect(geometryBounds([])).toBeNull();
    expect(geometryBounds(null)).toBeNull();
  });
});
