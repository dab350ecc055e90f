import { describe, expect, it } from 'vitest';
import { addPulse, MAX_PULSES, prunePulses, pulseLook, type Pulse } from './pulses.ts';

const pulse = (key: string, startedAt: number, kind: Pulse['kind'] = 'created'): Pulse => ({ key, kind, position: [7.42, 43.73], colour: [34, 197, 94], startedAt });

describe('live pulses', () => {
  it('expire after their lifetime', () => {
    let ps = addPulse([], pulse('a', 0), 0);
    ps = addPulse(ps, pulse('b', 1000, 'closed'), 1000);
    expect(prunePulses(ps, 5_500).map((p) => p.key)).toEqual(['a']);
    expect(prunePulses(ps, 9_000)).toEqual([]);
  });

  it('stay bounded during a burst, keeping the newest', () => {
    let ps: Pulse[] = [];
    for (let i = 0; i < MAX_PULSES * 3; i++) ps = addPulse(ps, pulse(`p${i}`, i, 'alarm'), i);
    expect(ps).toHaveLength(MAX_PULSES);
    expect(ps.at(-1)!.key).toBe(`p${MAX_PULSES * 3 - 1}`);
  });

  it('replace an earlier pulse of the same event instead of doubling it', () => {
    const ps = addPulse(addPulse([], pulse('x', 0), 0), pulse('x', 10), 10);
    expect(ps).toHaveLength(1);
  });

  it('fade a closed case out and grow rings for new ones', () => {
    const closed = pulse('c', 0, 'closed');
    expect(pulseLook(closed, 0).alpha).toBeGreaterThan(pulseLook(closed, 3_000).alpha);
    const fresh = pulse('n', 0);
    expect(pulseLook(fresh, 1_000).radius).toBeGreaterThan(pulseLook(fresh, 0).radius);
  });
});
