import { describe, expect, it } from 'vitest';
import { classLabel, classOf, fillColour, NO_DATA, PALETTE, quantileClasses } from './classes.ts';

describe('quantile classes', () => {
  it('puts about the same number of grids in each class', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const c = quantileClasses(values)!;
    expect(c.breaks).toEqual([20, 40, 60, 80]);
    expect(c.counts).toEqual([20, 20, 20, 20, 20]);
    expect(c.colours).toEqual([...PALETTE]);
    expect(c.min).toBe(1);
    expect(c.max).toBe(100);
  });

  it('never splits equal values and shrinks the number of classes instead', () => {
    const c = quantileClasses([0, 0, 0, 0, 0, 0, 5, 9])!;
    expect(c.breaks).toEqual([0, 5]);
    expect(c.counts).toEqual([6, 1, 1]);
    // Three classes spread over the palette: the lightest, the middle, the darkest.
    expect(c.colours).toEqual([PALETTE[0], PALETTE[2], PALETTE[4]]);
  });

  it('gives one (darkest) class when every value is the same, and nothing for no values', () => {
    expect(quantileClasses([7, 7, 7])).toMatchObject({ breaks: [], counts: [3], colours: [PALETTE[4]] });
    expect(quantileClasses([])).toBeNull();
    expect(quantileClasses([Number.NaN])).toBeNull();
  });

  it('classifies on the upper bound inclusively', () => {
    expect(classOf(20, [20, 40])).toBe(0);
    expect(classOf(20.1, [20, 40])).toBe(1);
    expect(classOf(99, [20, 40])).toBe(2);
  });

  it('labels the classes from min to max', () => {
    const c = quantileClasses([1, 2, 3, 4])!;
    const labels = c.colours.map((_, i) => classLabel(c, i, String));
    expect(labels[0]).toBe(`1 – ${c.breaks[0]}`);
    expect(labels[labels.length - 1]).toBe(`> ${c.breaks[c.breaks.length - 1]} – 4`);
  });
});

describe('fill colour expression', () => {
  it('matches each code to its class colour, no-data grey for missing figures, transparent for others', () => {
    const values = new Map<string, number | null>([['a', 1], ['b', 100], ['c', null]]);
    const c = quantileClasses([1, 100])!;
    const e = fillColour(values, c) as unknown[];
    expect(e.slice(0, 2)).toEqual(['match', ['get', 'code']]);
    expect(e.slice(2, 8)).toEqual(['a', c.colours[0], 'b', c.colours[c.colours.length - 1], 'c', NO_DATA]);
    expect(e[e.length - 1]).toBe('rgba(0,0,0,0)');
    expect(fillColour(new Map(), null)).toBe('rgba(0,0,0,0)');
  });
});
