/**
 * Deadlines on a business calendar. A limit is `<n><unit>`:
 *  - `h`  clock hours, `d` calendar days (24 h) — emergencies do not wait for Monday;
 *  - `wh` working hours, `wd` working days — counted only inside the calendar's working hours
 *    on working days, as the field standards count them. One working day is the calendar's
 *    working hours of a day (8 h by default), so "3wd" reported on Friday 16:00 ends on
 *    Wednesday 16:00 when Monday–Friday 09:00–12:00 + 13:00–18:00 are the working hours.
 * Days and hours are in the calendar's time zone (DST handled through Intl).
 */

export type LimitUnit = 'h' | 'd' | 'wh' | 'wd';
export interface Limit { n: number; unit: LimitUnit }

export interface CalendarSpec {
  timeZone: string;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  workdays: number[];
  /** Working periods of a working day, local 'HH:MM' pairs, in order. */
  hours: [string, string][];
  /** 'YYYY-MM-DD' → true (make-up working day) or false (holiday). */
  exceptions: Record<string, boolean>;
}

export const DEFAULT_CALENDAR: CalendarSpec = {
  timeZone: 'Asia/Shanghai',
  workdays: [1, 2, 3, 4, 5],
  hours: [['09:00', '12:00'], ['13:00', '18:00']],
  exceptions: {},
};

const LIMIT_RE = /^([0-9]+(?:\.[0-9]+)?)(h|d|wh|wd)$/;

export function parseLimit(text: string): Limit {
  const m = LIMIT_RE.exec(text);
  if (!m) throw new RangeError(`Bad limit "${text}": use <n>h, <n>d, <n>wh or <n>wd`);
  return { n: Number(m[1]), unit: m[2] as LimitUnit };
}

export const isLimit = (text: string) => LIMIT_RE.test(text);

/** The longest limit a category or class may have, in days (working days for wd, 8 h days for wh). */
export const MAX_LIMIT_DAYS = 366;

/**
 * Why a deadline limit cannot be kept, or null. `0h` made every case red the moment it was
 * reported; `99999wd` passed the pattern and every later report of that category was a 500 (the
 * calendar walk stops at ten years) — both were stored until 2026-12-01.
 */
export function limitProblem(text: string): string | null {
  if (!isLimit(text)) return `"${text}" is not a limit: use <n>h, <n>d, <n>wh or <n>wd`;
  const { n, unit } = parseLimit(text);
  if (!(n > 0)) return `"${text}" gives no time`;
  const days = unit === 'h' ? n / 24 : unit === 'wh' ? n / 8 : n;
  if (days > MAX_LIMIT_DAYS) return `"${text}" is longer than ${MAX_LIMIT_DAYS} days`;
  return null;
}

const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try { formatter(tz); return true; } catch { return false; }
}

/** Local wall-clock fields of an instant in a time zone. */
function localParts(ms: number, timeZone: string): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year, m: parts.month, d: parts.day, hh: parts.hour, mm: parts.minute, ss: parts.second };
}

/** Offset of the zone from UTC at an instant, in ms (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time (for a skipped DST hour, the instant after the gap). */
export function zonedTime(y: number, m: number, d: number, hh: number, mm: number, timeZone: string): number {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const off1 = offsetAt(guess - offsetAt(guess, timeZone), timeZone);
  return guess - off1;
}

const dayKey = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function isWorkingDay(cal: CalendarSpec, y: number, m: number, d: number): boolean {
  const exception = cal.exceptions[dayKey(y, m, d)];
  if (exception !== undefined) return exception;
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  return cal.workdays.includes(weekday);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Working hours in one working day. */
export function hoursPerDay(cal: CalendarSpec): number {
  return cal.hours.reduce((s, [a, b]) => s + (minutes(b) - minutes(a)) / 60, 0);
}

/** Checks a calendar; returns the problem or null. */
export function calendarProblem(cal: CalendarSpec): string | null {
  if (!isTimeZone(cal.timeZone)) return `Unknown time zone "${cal.timeZone}"`;
  if (cal.workdays.length === 0 && !Object.values(cal.exceptions).some(Boolean)) return 'The calendar has no working days';
  let last = -1;
  for (const [a, b] of cal.hours) {
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(a) || !/^([01][0-9]|2[0-4]):[0-5][0-9]$/.test(b)) return `Bad working period ${a}–${b}: use HH:MM`;
    if (minutes(a) >= minutes(b) || minutes(a) < last) return `Working periods must be increasing and not overlap (${a}–${b})`;
    last = minutes(b);
  }
  if (hoursPerDay(cal) <= 0) return 'The calendar has no working hours';
  return null;
}

/** The working periods of one local day as UTC instants (empty on a day off), memoised per calendar. */
const periodCache = new WeakMap<CalendarSpec, Map<number, [number, number][]>>();
function periods(cal: CalendarSpec, dayUtc: number): [number, number][] {
  let byDay = periodCache.get(cal);
  if (!byDay) { byDay = new Map(); periodCache.set(cal, byDay); }
  let out = byDay.get(dayUtc);
  if (out) return out;
  const dt = new Date(dayUtc);
  const y = dt.getUTCFullYear(), m = dt.getUTCMonth() + 1, d = dt.getUTCDate();
  out = [];
  if (isWorkingDay(cal, y, m, d)) {
    for (const [a, b] of cal.hours) {
      const from = zonedTime(y, m, d, Math.floor(minutes(a) / 60), minutes(a) % 60, cal.timeZone);
      const to = zonedTime(y, m, d, Math.floor(minutes(b) / 60), minutes(b) % 60, cal.timeZone);
      if (to > from) out.push([from, to]);
    }
  }
  if (byDay.size > 20_000) byDay.clear();
  byDay.set(dayUtc, out);
  return out;
}

/** UTC midnight of the local date of an instant (the key of its day); memoised per quarter hour,
 * which no zone's offset splits, so bulk deadline work does not call Intl per row. */
const dayCache = new Map<string, number>();
function localDay(ms: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(ms / 900_000)}`;
  let day = dayCache.get(key);
  if (day === undefined) {
    const p = localParts(ms, timeZone);
    day = Date.UTC(p.y, p.m - 1, p.d);
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(key, day);
  }
  return day;
}

const DAY = 24 * HOUR;
// Ten years of days at most: a calendar with no working days cannot loop for ever.
const MAX_DAYS = 3660;

/** Adds working time (ms) to an instant, walking the calendar's working periods. */
export function addWorkingMs(startMs: number, workMs: number, cal: CalendarSpec): number {
  if (workMs <= 0) return startMs;
  let left = workMs;
  let day = localDay(startMs, cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
    for (const [a, b] of periods(cal, day)) {
      const from = Math.max(a, startMs);
      if (b <= from) continue;
      if (b - from >= left) return from + left;
      left -= b - from;
    }
  }
  throw new RangeError('The calendar has no working time in the next ten years');
}

/** The deadline `limit` after `start`; `share` < 1 gives the point where that share is used. */
export function addLimit(start: Date, limit: Limit, cal: CalendarSpec, share = 1): Date {
  const n = limit.n * share;
  switch (limit.unit) {
    case 'h': return new Date(start.getTime() + n * HOUR);
    case 'd': return new Date(start.getTime() + n * DAY);
    case 'wh': return new Date(addWorkingMs(start.getTime(), n * HOUR, cal));
    case 'wd': return new Date(addWorkingMs(start.getTime(), n * hoursPerDay(cal) * HOUR, cal));
  }
}

/** Working time (ms) between two instants. */
export function workingMsBetween(fromMs: number, toMs: number, cal: CalendarSpec): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  let day = localDay(fromMs, cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
    const ps = periods(cal, day);
    if (day - 14 * HOUR > toMs) break;
    for (const [a, b] of ps) {
      const from = Math.max(a, fromMs);
      const to = Math.min(b, toMs);
      if (to > from) total += to - from;
    }
  }
  return total;
}
