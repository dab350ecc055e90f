import { describe, expect, it } from 'vitest';
import { figures, rank, score, toCsv, type Counts } from './assessment.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

const s = DEFAULT_SETTINGS.assessment;
const counts = (over: Partial<Counts>): Counts => ({ key: 'g', name: 'G', due: 0, closed: 0, on_time: 0, reworked: 0, extended: 0, parked: 0, avg_hours: null, avg_satisfaction: null, emergency_due: 0, emergency_closed: 0, ...over });

describe('assessment figures', () => {
  it('gives 结案率 and 按期结案率 of the hand-checked example', () => {
    const f = figures(counts({ due: 972, closed: 911, on_time: 737 }), s);
    expect(f.closureRate).toBe(93.72);
    expect(f.onTimeRate).toBe(75.82);
  });

  it('scores Jinhua-style: full on-time marks at 70 %, 2 points off per point below', () => {
    // closure 100, on time 100 (≥ 70 %), rework 100; no satisfaction → drops out.
    expect(score(figures(counts({ due: 10, closed: 10, on_time: 7 }), s), s)).toBe(100);
    // on time 60 % → 100 − 10 × 2 = 80 for that part: (0.3 × 100 + 0.4 × 80 + 0.1 × 100) / 0.8 = 90.
    expect(figures(counts({ due: 10, closed: 10, on_time: 6 }), s).score).toBe(90);
    // Satisfaction 3 of 5 → 50: (30 + 40 + 0.2 × 50 + 10) / 1 = 90.
    expect(figures(counts({ due: 10, closed: 10, on_time: 10, avg_satisfaction: 3 }), s).score).toBe(90);
  });

  it('takes the emergency penalty when an emergency case is left open', () => {
    expect(figures(counts({ due: 10, closed: 10, on_time: 10, emergency_due: 2, emergency_closed: 1 }), s).score).toBe(80);
  });

  it('ranks best first with shared ranks, and leaves groups with nothing due unranked', () => {
    const rows = rank([
      figures(counts({ key: 'a', due: 10, closed: 5, on_time: 5 }), s),
      figures(counts({ key: 'b', due: 10, closed: 10, on_time: 10 }), s),
      figures(counts({ key: 'c', due: 10, closed: 10, on_time: 10 }), s),
      figures(counts({ key: 'd' }), s),
    ]);
    expect(rows.map((r) => [r.key, r.rank])).toEqual([['b', 1], ['c', 1], ['a', 3], ['d', null]]);
  });

  it('exports CSV that spreadsheets open and cannot be tricked into formulas', () => {
    const csv = toCsv([figures(counts({ key: '=cmd', name: '东, "街"', due: 1, closed: 1, on_time: 1 }), s)]);
    expect(csv.startsWith('\uFEFFrank,key,name,due')).toBe(true);
    expect(csv).toContain('"=cmd","东, ""街"""');
  });
});
