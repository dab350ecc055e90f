import { describe, expect, it } from 'vitest';
import { categorise, emerging, mannKendall } from './emerging.ts';
import { fromLists } from './gi.ts';

const noTrend = { s: 0, tau: 0, z: 0, p: 1 };
const up = { s: 40, tau: 0.8, z: 3, p: 0.002 };
const down = { s: -40, tau: -0.8, z: -3, p: 0.002 };
const h = (pattern: string) => [...pattern].map((c) => (c === 'H' ? 2 : c === 'C' ? -2 : 0));

describe('Mann-Kendall', () => {
  it('matches the textbook values', () => {
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.tau).toBe(1);
    expect(r.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 12);
    expect(r.p).toBeCloseTo(0.0275, 4);
    const tied = mannKendall([1, 1, 2, 2]);
    // S = 4; var = (4·3·13 − 2·(2·1·9)) / 18 = 120/18
    expect(tied.s).toBe(4);
    expect(tied.z).toBeCloseTo(3 / Math.sqrt(120 / 18), 12);
    expect(mannKendall([3, 3, 3]).z).toBe(0);
  });
});

describe('emerging categories (ArcGIS definitions)', () => {
  const cases: [string, typeof noTrend, string][] = [
    ['..........H', noTrend, 'new_hot'],
    ['........HHH', noTrend, 'consecutive_hot'],
    ['HHHHHHHHHHH', up, 'intensifying_hot'],
    ['HHHHHHHHHHH', noTrend, 'persistent_hot'],
    ['.HHHHHHHHHH', down, 'diminishing_hot'],
    ['..H...H...H', noTrend, 'sporadic_hot'],
    ['..H.HH...HH', noTrend, 'sporadic_hot'],
    ['C.H...H...H', noTrend, 'oscillating_hot'],
    ['HHHHHHHHHH.', noTrend, 'historical_hot'],
    ['..........C', noTrend, 'new_cold'],
    ['.........CC', noTrend, 'consecutive_cold'],
    ['CCCCCCCCCCC', down, 'intensifying_cold'],
    ['CCCCCCCCCCC', noTrend, 'persistent_cold'],
    ['CCCCCCCCCCC', up, 'diminishing_cold'],
    ['.C...C....C', noTrend, 'sporadic_cold'],
    ['H....C....C', noTrend, 'oscillating_cold'],
    ['CCCCCCCCCC.', noTrend, 'historical_cold'],
    ['...H.......', noTrend, 'no_pattern'],
    ['HHHHHHHH...', noTrend, 'no_pattern'],
  ];
  for (const [pattern, trend, expected] of cases) {
    it(`${pattern} → ${expected}`, () => expect(categorise(h(pattern), trend)).toBe(expected));
  }
});

describe('emerging hot spots on a planted synthetic trend', () => {
  // A 15 × 15 lattice with queen neighbours, 20 steps; a quiet background and planted 3 × 3 blocks.
  const side = 15;
  const steps = 20;
  const lists: number[][] = [];
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
    const nb: number[] = [];
    for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
      const rr = r + dr, cc = c + dc;
      if ((dr || dc) && rr >= 0 && cc >= 0 && rr < side && cc < side) nb.push(rr * side + cc);
    }
    lists.push(nb);
  }
  const w = fromLists(lists);
  const block = (r0: number, c0: number) => new Set([0, 1, 2].flatMap((dr) => [0, 1, 2].map((dc) => (r0 + dr) * side + c0 + dc)));
  const persistent = block(1, 1);
  const intensifying = block(1, 6);
  const fresh = block(1, 11);
  const consecutive = block(6, 1);
  const historical = block(6, 6);
  const sporadic = block(11, 1);
  // Rising and falling together keep the cube's overall variance nearly level, so the constant
  // block's z does not drift and it stays persistent.
  const diminishing = block(11, 6);
  const counts = Array.from({ length: steps }, (_, t) => Array.from({ length: side * side }, (_, u) => {
    const background = 4 + ((u * 7 + t * 3) % 3);
    if (persistent.has(u)) return 30;
    if (intensifying.has(u)) return 20 + t;
    if (diminishing.has(u)) return 45 - t;
    if (fresh.has(u)) return t === steps - 1 ? 40 : background;
    if (consecutive.has(u)) return t >= steps - 3 ? 35 : background;
    if (historical.has(u)) return t < steps - 2 ? 30 : background;
    if (sporadic.has(u)) return [4, 10, 19].includes(t) ? 35 : background;
    return background;
  }));
  const result = emerging(counts, w);
  const centre = (b: Set<number>) => [...b][4];

  it('recovers each planted pattern at the block centre', () => {
    expect(result[centre(persistent)].category).toBe('persistent_hot');
    expect(result[centre(intensifying)].category).toBe('intensifying_hot');
    expect(result[centre(fresh)].category).toBe('new_hot');
    expect(result[centre(consecutive)].category).toBe('consecutive_hot');
    expect(result[centre(historical)].category).toBe('historical_hot');
    expect(result[centre(sporadic)].category).toBe('sporadic_hot');
    expect(result[centre(diminishing)].category).toBe('diminishing_hot');
  });

  it('gives the intensifying block a rising count trend and leaves the far background without a pattern', () => {
    expect(result[centre(intensifying)].countTrend.tau).toBe(1);
    expect(result[centre(intensifying)].zTrend.z).toBeGreaterThan(0);
    expect(result[14 * side + 14].category).toBe('no_pattern');
    expect(result[centre(persistent)].hotSteps).toBe(steps);
  });
});
