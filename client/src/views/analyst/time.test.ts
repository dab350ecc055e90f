import { describe, expect, it } from 'vitest';
import { addSteps, isoDay, lastIndex, nextIndex, stepsBetween, stepStart, windowAt } from './time.ts';

const at = (s: string) => Date.parse(s);

describe('analyst time steps (UTC, weeks from Monday, as the server cube)', () => {
  it('starts weeks on Monday and months on the 1st, in UTC', () => {
    // 2026-11-29 is a Sunday: its week began on Monday 23rd.
    expect(isoDay(stepStart(at('2026-11-29T23:30:00Z'), 'week'))).toBe('2026-11-23');
    expect(isoDay(stepStart(at('2026-11-30T00:00:00Z'), 'week'))).toBe('2026-11-30');
    // 23:30 in UTC-05:00 is already the next day in UTC.
    expect(isoDay(stepStart(at('2026-11-30T23:30:00-05:00'), 'month'))).toBe('2026-12-01');
    expect(isoDay(addSteps(at('2026-12-01'), 'month', 1))).toBe('2027-01-01');
    expect(isoDay(addSteps(at('2026-01-01'), 'month', -1))).toBe('2025-12-01');
  });

  it('covers the span from the first to the last report', () => {
    const steps = stepsBetween(at('2026-09-02T10:00:00Z'), at('2026-11-29T08:00:00Z'), 'month');
    expect(steps.map(isoDay)).toEqual(['2026-09-01', '2026-10-01', '2026-11-01']);
    const weeks = stepsBetween(at('2026-09-02T10:00:00Z'), at('2026-09-14T00:00:00Z'), 'week');
    expect(weeks.map(isoDay)).toEqual(['2026-08-31', '2026-09-07', '2026-09-14']);
  });

  it('keeps windows inside the span and plays them in a loop', () => {
    const steps = stepsBetween(at('2026-01-01'), at('2026-06-15'), 'month');
    expect(steps).toHaveLength(6);
    const w = windowAt(steps, 'month', 5, 3)!;
    expect([isoDay(w.from), isoDay(w.to)]).toEqual(['2026-04-01', '2026-07-01']);
    expect(lastIndex(steps, 3)).toBe(3);
    expect(nextIndex(2, steps, 3)).toBe(3);
    expect(nextIndex(3, steps, 3)).toBe(0);
    const all = windowAt(steps, 'month', 0, 99)!;
    expect([isoDay(all.from), isoDay(all.to)]).toEqual(['2026-01-01', '2026-07-01']);
    expect(windowAt([], 'week', 0, 1)).toBeNull();
  });
});
