import { describe, expect, it } from 'vitest';
import { addLimit, calendarProblem, DEFAULT_CALENDAR, limitProblem, parseLimit, workingMsBetween, type CalendarSpec } from './calendar.ts';

// Beijing time (UTC+8, no DST); Mon–Fri 09:00–12:00 + 13:00–18:00 = 8 working hours a day.
const cal: CalendarSpec = { ...DEFAULT_CALENDAR, exceptions: {} };
const bj = (s: string) => new Date(`${s}+08:00`);
const iso = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);

describe('parseLimit', () => {
  it('reads the four units and refuses anything else', () => {
    expect(parseLimit('24h')).toEqual({ n: 24, unit: 'h' });
    expect(parseLimit('7wd')).toEqual({ n: 7, unit: 'wd' });
    expect(parseLimit('1.5wh')).toEqual({ n: 1.5, unit: 'wh' });
    expect(() => parseLimit('7 days')).toThrow(/Bad limit/);
  });
});

describe('deadlines on the business calendar', () => {
  it('clock hours ignore the calendar', () => {
    expect(iso(addLimit(bj('2026-11-20T23:00'), parseLimit('2h'), cal))).toBe('2026-11-21T01:00');
  });

  it('working hours skip the lunch break and the night', () => {
    // Mon 11:00 + 4 wh: 1 h before lunch, 3 h after → 16:00.
    expect(iso(addLimit(bj('2026-11-16T11:00'), parseLimit('4wh'), cal))).toBe('2026-11-16T16:00');
    // Mon 17:00 + 2 wh: 1 h today, 1 h tomorrow from 09:00 → Tue 10:00.
    expect(iso(addLimit(bj('2026-11-16T17:00'), parseLimit('2wh'), cal))).toBe('2026-11-17T10:00');
  });

  it('working days skip the weekend', () => {
    // Fri 16:00 + 3 wd (24 wh): Fri 2 h, Mon 8, Tue 8, Wed 6 → Wed 16:00.
    expect(iso(addLimit(bj('2026-11-20T16:00'), parseLimit('3wd'), cal))).toBe('2026-11-25T16:00');
    // Reported on Saturday: the clock starts Monday 09:00.
    expect(iso(addLimit(bj('2026-11-21T10:00'), parseLimit('1wd'), cal))).toBe('2026-11-23T18:00');
  });

  it('holidays stop the clock and make-up working days run it', () => {
    const holidays: CalendarSpec = { ...cal, exceptions: { '2026-11-23': false, '2026-11-24': false, '2026-11-22': true } };
    // Fri 16:00 + 1 wd: Fri 2 h, Sun (make-up) 6 h → Sun 16:00.
    expect(iso(addLimit(bj('2026-11-20T16:00'), parseLimit('1wd'), holidays))).toBe('2026-11-22T16:00');
    // Fri 16:00 + 2 wd: Fri 2, Sun 8, Mon+Tue off, Wed 6 → Wed 16:00.
    expect(iso(addLimit(bj('2026-11-20T16:00'), parseLimit('2wd'), holidays))).toBe('2026-11-25T16:00');
  });

  it('the yellow point is a share of the working time', () => {
    // 75 % of 1 wd = 6 wh from Mon 09:00 → 16:00.
    expect(iso(addLimit(bj('2026-11-16T09:00'), parseLimit('1wd'), cal, 0.75))).toBe('2026-11-16T16:00');
  });

  it('follows daylight saving time in a European zone', () => {
    const monaco: CalendarSpec = { ...cal, timeZone: 'Europe/Monaco' };
    // Fri 2026-10-23 17:00 CEST (+02) + 2 wh: 1 h Fri, Mon 26 Oct (CET, +01) 09:00 + 1 h = 10:00 local = 09:00Z.
    expect(addLimit(new Date('2026-10-23T15:00Z'), parseLimit('2wh'), monaco).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts working time between two instants', () => {
    expect(workingMsBetween(bj('2026-11-20T16:00').getTime(), bj('2026-11-23T10:00').getTime(), cal) / 3600_000).toBe(3);
  });

  it('rejects calendars that cannot work', () => {
    expect(calendarProblem({ ...cal, timeZone: 'Mars/Olympus' })).toMatch(/time zone/);
    expect(calendarProblem({ ...cal, hours: [['13:00', '12:00']] })).toMatch(/increasing/);
    expect(calendarProblem({ ...cal, workdays: [] })).toMatch(/no working days/);
    expect(calendarProblem(cal)).toBeNull();
  });
});

describe('limitProblem', () => {
  it('takes limits that give time within a year and names what is wrong with others', () => {
    for (const ok of ['1h', '0.5wd', '3wd', '366d', '8784h', '2928wh']) expect(limitProblem(ok), ok).toBeNull();
    expect(limitProblem('0h')).toMatch(/gives no time/);
    expect(limitProblem('0.0wd')).toMatch(/gives no time/);
    expect(limitProblem('367wd')).toMatch(/longer than 366 days/);
    expect(limitProblem('99999wd')).toMatch(/longer than 366 days/);
    expect(limitProblem('soon')).toMatch(/not a limit/);
  });
});
